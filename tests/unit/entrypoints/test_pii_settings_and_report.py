"""INTERVIEWS_REDACT_PII from the environment to the container, and the redaction counts in
the log line, the EMF line and the single-video summary."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.aws.transcribe_outputs import S3TranscribeOutputs
from adapters.local.pii_redactor import PatternPiiRedactor
from entrypoints.container import Container
from entrypoints.log_config import configure_logging, log_report
from entrypoints.metrics import emf_document, redaction_metric
from entrypoints.output import summary
from entrypoints.settings import LogFormat, Settings
from interview_core.entities import Transcript
from interview_core.personal_data import OFFLINE_TYPES, PiiType
from interview_core.process_video import VideoResult
from interview_core.report import Outcome, ProcessingReport, StageTiming

REDACTIONS = (("EMAIL", 2), ("PHONE", 1))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_", "WORKER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


def _container() -> Container:
    container = Container()
    container.settings.override(Settings())
    return container


def test_redaction_is_off_by_default() -> None:
    settings = Settings()

    assert (settings.redact_pii, settings.pii_types) == (False, frozenset())
    assert _container().pii_redactor() is None


def test_turned_on_every_type_is_redacted_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_REDACT_PII", "true")

    redactor = _container().pii_redactor()

    assert Settings().pii_types == frozenset(PiiType)
    assert isinstance(redactor, PatternPiiRedactor)
    assert redactor.types == OFFLINE_TYPES


def test_the_chosen_types_reach_the_redactor_and_transcribe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTERVIEWS_REDACT_PII", "1")
    monkeypatch.setenv("INTERVIEWS_REDACT_PII_TYPES", "email, name")
    monkeypatch.setenv("INTERVIEWS_BACKEND", "aws")
    monkeypatch.setenv("AWS_S3_BUCKET", "videos")
    container = _container()

    assert container.pii_redactor().types == {PiiType.EMAIL}
    transcriber = container.transcriber()
    assert transcriber._redaction == {  # type: ignore[attr-defined]
        "RedactionType": "PII",
        "RedactionOutput": "redacted",
        "PiiEntityTypes": ["EMAIL", "NAME"],
    }


@pytest.mark.parametrize(
    ("redact", "transcriber", "removes"),
    [("true", "transcribe", True), ("false", "transcribe", False), ("true", "stub", False)],
)
def test_transcribes_own_transcripts_are_removed_only_when_redacting_with_transcribe(
    monkeypatch: pytest.MonkeyPatch, redact: str, transcriber: str, removes: bool
) -> None:
    monkeypatch.setenv("INTERVIEWS_REDACT_PII", redact)
    monkeypatch.setenv("INTERVIEWS_BACKEND", "aws")
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", transcriber)
    monkeypatch.setenv("AWS_S3_BUCKET", "videos")
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_PREFIX", "stt/")

    outputs = _container().transcription_outputs()

    assert isinstance(outputs, S3TranscribeOutputs) is removes
    if removes:
        assert outputs.keys("i", 0) == ["stt/i/transcript.json", "stt/i/redacted-transcript.json"]  # type: ignore[union-attr]


def test_an_unknown_type_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_REDACT_PII_TYPES", "EMAIL,PASSPORT")

    with pytest.raises(ValidationError, match="PASSPORT"):
        Settings()


def _report() -> ProcessingReport:
    return ProcessingReport(
        interview_id="i-9", outcome=Outcome.COMPLETED, question_count=3, redactions=REDACTIONS
    )


def test_the_log_counts_redactions_by_type(tmp_path: Path) -> None:
    log_file = tmp_path / "interview_processing.log"
    configure_logging(log_file=log_file, log_format=LogFormat.JSON)

    log_report(_report())
    for handler in logging.getLogger().handlers:
        handler.flush()
    metrics, redacted = [json.loads(x) for x in log_file.read_text().splitlines()]
    configure_logging(log_file=None)

    assert metrics["redactions"] == {"EMAIL": 2, "PHONE": 1}
    assert redacted["message"] == (
        "redacted 3 personal details in the transcript: EMAIL 2, PHONE 1"
    )


def test_a_report_without_redactions_logs_no_redaction_line(tmp_path: Path) -> None:
    log_file = tmp_path / "interview_processing.log"
    configure_logging(log_file=log_file, log_format=LogFormat.JSON)

    log_report(ProcessingReport(interview_id="i-9", outcome=Outcome.COMPLETED))
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = [json.loads(x) for x in log_file.read_text().splitlines()]
    configure_logging(log_file=None)

    assert len(lines) == 1 and "redactions" not in lines[0]


def test_the_emf_line_counts_redactions_by_type() -> None:
    document = emf_document(_report(), timestamp_ms=0)

    assert (document["Redactions"], document["RedactionsEmail"], document["RedactionsPhone"]) == (
        3,
        2,
        1,
    )
    assert redaction_metric("BANK_ACCOUNT") == "RedactionsBankAccount"
    assert "Redactions" not in emf_document(
        ProcessingReport(interview_id="i", outcome=Outcome.COMPLETED), timestamp_ms=0
    )


def test_a_redacted_run_that_found_nothing_says_so() -> None:
    report = ProcessingReport(
        interview_id="i", outcome=Outcome.COMPLETED, stages=(StageTiming("redact", 0.01),)
    )

    assert emf_document(report, timestamp_ms=0)["Redactions"] == 0
    assert "redaction found no personal details in the transcript" in summary(
        VideoResult(Transcript(()), (), report), Path("interview.mp4")
    )
    assert "redacted" not in summary(
        VideoResult(
            Transcript(()), (), ProcessingReport(interview_id="i", outcome=Outcome.COMPLETED)
        ),
        Path("interview.mp4"),
    )


def test_the_single_video_summary_counts_redactions() -> None:
    result = VideoResult(Transcript(()), (), _report())

    assert "redacted 3 personal details from the transcript: 2 EMAIL, 1 PHONE" in summary(
        result, Path("interview.mp4")
    )
