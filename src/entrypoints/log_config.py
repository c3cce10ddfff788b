"""Logging to the console and a file, as text or JSON lines, plus the metrics line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from entrypoints.log_files import SharedRotatingFileHandler
from entrypoints.log_lines import TextLineFormatter
from entrypoints.settings import DEFAULT_LOG_BACKUPS, DEFAULT_LOG_MAX_BYTES, LogFormat

if TYPE_CHECKING:
    from pathlib import Path

    from interview_core.report import ProcessingReport

METRICS_LOGGER = "ai_interviews.metrics"
# Extra fields a log call may carry; nothing else is copied into JSON lines.
CONTEXT_FIELDS = (
    "interview_id",
    "message_id",
    "stage",
    "duration",
    "outcome",
    "error_code",
    "dropped_questions",
    "resumed",
    "model_windows",
    "model_requests",
    "input_tokens",
    "output_tokens",
    "questions_left_out",
    "redactions",
)
FILE_ONLY = {"file_only": True}
"""Pass as `extra=` for a record the log file keeps but the terminal does not repeat."""
_STATUS = {"completed": "SUCCESS", "skipped": "SKIPPED", "failed": "FAILED"}


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and known context fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
        text = json.dumps(line, ensure_ascii=False)
        # JSON leaves these unescaped, yet many line readers split on them
        return (
            text.replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
            .replace("\x85", "\\u0085")
        )


def configure_logging(
    *,
    level: str = "INFO",
    log_file: Path | None = None,
    log_format: LogFormat = LogFormat.TEXT,
    max_bytes: int = DEFAULT_LOG_MAX_BYTES,
    backups: int = DEFAULT_LOG_BACKUPS,
) -> None:
    """Send log records to stderr and, when given, to `log_file`, rotated once it would pass
    `max_bytes` (0: never) keeping `backups` old files; replaces earlier handlers."""
    formatter: logging.Formatter
    if log_format is LogFormat.JSON:
        formatter = JsonLineFormatter()
    else:
        formatter = TextLineFormatter()
    console = logging.StreamHandler(sys.stderr)
    console.addFilter(lambda record: not getattr(record, "file_only", False))
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(SharedRotatingFileHandler(log_file, max_bytes=max_bytes, backups=backups))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("botocore", "boto3", "urllib3", "faster_whisper"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def metrics_line(report: ProcessingReport) -> str:
    """The upstream's one-line summary of a processed interview or video."""
    status = _STATUS.get(str(report.outcome), str(report.outcome).upper())
    return (
        f"PROCESSING_METRICS | Interview: {report.interview_id} | Status: {status} | "
        f"Duration: {report.duration:.2f}s | Questions: {report.question_count}"
    )


def redaction_summary(report: ProcessingReport) -> str:
    """The redactions by type, as `EMAIL 2, PHONE 1`: counts, never a value."""
    return ", ".join(f"{kind} {count}" for kind, count in report.redactions)


def log_report(report: ProcessingReport, *, message_id: str | None = None) -> None:
    """Log the metrics line with ids, outcome and model usage as context, never transcript
    text; then the models' windows, requests and tokens, and any questions left out."""
    usage = report.model_usage
    logging.getLogger(METRICS_LOGGER).info(
        metrics_line(report),
        extra={
            "interview_id": report.interview_id,
            "message_id": message_id,
            "duration": round(report.duration, 3),
            "outcome": str(report.outcome),
            "error_code": report.error.code if report.error else None,
            "dropped_questions": report.dropped_question_count,
            "resumed": list(report.resumed) or None,
            "model_windows": usage.windows,
            "model_requests": usage.requests,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "questions_left_out": usage.questions_left_out,
            "redactions": dict(report.redactions) if report.redacted or report.redactions else None,
        },
    )
    if report.redactions:
        logging.getLogger(METRICS_LOGGER).info(
            "redacted %d personal details in the transcript: %s",
            report.redaction_count,
            redaction_summary(report),
            extra={"interview_id": report.interview_id, "redactions": dict(report.redactions)},
        )
    if report.resumed:
        logging.getLogger(METRICS_LOGGER).info(
            "resumed from what an earlier attempt kept, skipping: %s",
            ", ".join(report.resumed),
            extra={"interview_id": report.interview_id, "resumed": list(report.resumed)},
        )
    if usage.requests:
        logging.getLogger(METRICS_LOGGER).info(
            "models: %d windows, %d requests, %d input tokens, %d output tokens",
            usage.windows,
            usage.requests,
            usage.input_tokens,
            usage.output_tokens,
            extra={"interview_id": report.interview_id},
        )
    if usage.questions_left_out:
        logging.getLogger(METRICS_LOGGER).warning(
            "%d questions were left out by a model limit (a reply's question cap, an answer "
            "that could not be had, a skipped window)",
            usage.questions_left_out,
            extra={
                "interview_id": report.interview_id,
                "questions_left_out": usage.questions_left_out,
            },
        )
    if report.dropped_question_count:
        logging.getLogger(METRICS_LOGGER).warning(
            "%d questions the model returned were not found in the transcript; dropped",
            report.dropped_question_count,
            extra={
                "interview_id": report.interview_id,
                "dropped_questions": report.dropped_question_count,
            },
        )
