"""Per-interview metrics as CloudWatch embedded metric format (EMF) lines, when enabled."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from interview_core.report import ProcessingReport

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "AiInterviews"
OUTCOME_DIMENSION = "Outcome"
MAX_METRICS = 100
"""The most metric definitions one EMF directive may hold."""

_SECONDS = "Seconds"
_COUNT = "Count"


def metric_name(stage: str) -> str:
    """The duration metric of a stage: `extract_audio` becomes `extractAudioDuration`."""
    head, *rest = stage.split("_")
    return head + "".join(part.capitalize() for part in rest) + "Duration"


def redaction_metric(kind: str) -> str:
    """The count metric of one redaction type: `BANK_ACCOUNT` becomes `RedactionsBankAccount`."""
    return "Redactions" + "".join(part.capitalize() for part in kind.split("_"))


def emf_document(
    report: ProcessingReport, *, namespace: str = DEFAULT_NAMESPACE, timestamp_ms: int
) -> dict[str, object]:
    """The EMF object for one processed interview, dimensioned by its outcome.

    Metrics: one `<stage>Duration` (seconds) per stage that ran, `Duration` (all stages),
    `AudioDuration` when the audio length is known, `Questions` and `Interviews` (1) as
    counts, when a model was asked `ModelRequests`, `InputTokens`, `OutputTokens` and
    `QuestionsLeftOut`, and when the transcript was redacted `Redactions` (0 when nothing was
    found) and one `Redactions<Type>` per type found (`RedactionsEmail`). The interview id
    and error code ride along as plain properties, which CloudWatch Logs keeps searchable
    without turning them into dimensions. Nothing else from the report is copied, so no
    transcript text or answer can reach the line.
    """
    values: dict[str, tuple[float, str]] = {}
    for stage in report.stages:
        name = metric_name(stage.name)
        previous = values.get(name, (0.0, _SECONDS))[0]
        values[name] = (previous + stage.seconds, _SECONDS)
    values["Duration"] = (report.duration, _SECONDS)
    if report.audio_seconds is not None:
        values["AudioDuration"] = (report.audio_seconds, _SECONDS)
    values["Questions"] = (report.question_count, _COUNT)
    usage = report.model_usage
    if usage.requests:
        values["ModelRequests"] = (usage.requests, _COUNT)
        values["InputTokens"] = (usage.input_tokens, _COUNT)
        values["OutputTokens"] = (usage.output_tokens, _COUNT)
        values["QuestionsLeftOut"] = (usage.questions_left_out, _COUNT)
    if report.redacted or report.redactions:
        values["Redactions"] = (report.redaction_count, _COUNT)
        for kind, count in report.redactions:
            values[redaction_metric(kind)] = (count, _COUNT)
    values["Interviews"] = (1, _COUNT)
    definitions = [{"Name": name, "Unit": unit} for name, (_, unit) in values.items()]
    document: dict[str, object] = {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [[OUTCOME_DIMENSION]],
                    "Metrics": definitions[:MAX_METRICS],
                }
            ],
        },
        OUTCOME_DIMENSION: str(report.outcome),
        "interview_id": report.interview_id,
    }
    if report.error is not None:
        document["error_code"] = report.error.code
    for name, (value, _) in values.items():
        document[name] = round(value, 6) if isinstance(value, float) else value
    return document


class EmfMetricsWriter:
    """Writes one EMF JSON line per report to a stream, whole lines only, from any thread."""

    def __init__(self, namespace: str = DEFAULT_NAMESPACE, stream: TextIO | None = None) -> None:
        """Raise ValueError for an empty namespace or one longer than CloudWatch's 255."""
        if not 1 <= len(namespace) <= 255:
            raise ValueError("an EMF namespace has 1 to 255 characters")
        self.namespace = namespace
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, report: ProcessingReport) -> None:
        """Write the report's EMF line (stdout when no stream was given) and flush it."""
        document = emf_document(
            report, namespace=self.namespace, timestamp_ms=int(time.time() * 1000)
        )
        line = json.dumps(document, separators=(",", ":"), ensure_ascii=False) + "\n"
        stream = self._stream if self._stream is not None else sys.stdout
        with self._lock:
            stream.write(line)
            stream.flush()


_writer: EmfMetricsWriter | None = None


def configure_metrics(
    *, enabled: bool, namespace: str = DEFAULT_NAMESPACE, stream: TextIO | None = None
) -> None:
    """Turn EMF lines on (to `stream`, stdout by default) or off for this process.

    Raises ValueError for an invalid namespace.
    """
    global _writer
    _writer = EmfMetricsWriter(namespace, stream) if enabled else None


def emit_report_metrics(report: ProcessingReport) -> None:
    """Write the report's EMF line if metrics are enabled; otherwise do nothing.

    Never raises: a stream that cannot be written is logged, and processing goes on.
    """
    writer = _writer
    if writer is None:
        return
    try:
        writer.write(report)
    except (OSError, ValueError) as exc:
        logger.warning(
            "metrics line not written: %s",
            type(exc).__name__,
            extra={"interview_id": report.interview_id},
        )
