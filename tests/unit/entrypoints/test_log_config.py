"""Logging: the metrics line, JSON lines, and what never reaches a log."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from entrypoints.log_config import JsonLineFormatter, configure_logging, log_report, metrics_line
from entrypoints.settings import LogFormat
from interview_core.errors import ErrorKind
from interview_core.report import ErrorInfo, Outcome, ProcessingReport, StageTiming
from interview_core.usage import ModelUsage

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _report(outcome: Outcome = Outcome.COMPLETED, questions: int = 8) -> ProcessingReport:
    return ProcessingReport(
        interview_id="3f1c",
        outcome=outcome,
        stages=(StageTiming("transcribe", 40.0), StageTiming("extract_questions", 5.23)),
        question_count=questions,
    )


def test_metrics_line_has_the_seed_format() -> None:
    assert metrics_line(_report()) == (
        "PROCESSING_METRICS | Interview: 3f1c | Status: SUCCESS | Duration: 45.23s | Questions: 8"
    )


def test_failed_interviews_say_failed() -> None:
    assert "Status: FAILED" in metrics_line(_report(Outcome.FAILED, 0))


def test_json_lines_carry_context_fields_only() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "processed %s", ("it",), None)
    record.interview_id = "abc"
    record.stage = "transcribe"
    record.transcript = "secret words"
    line = json.loads(JsonLineFormatter().format(record))
    assert line["message"] == "processed it"
    assert line["interview_id"] == "abc"
    assert line["stage"] == "transcribe"
    assert line["level"] == "INFO"
    assert "transcript" not in line
    assert "secret words" not in json.dumps(line)


def test_report_is_written_to_the_log_file(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "interview_processing.log"
    configure_logging(log_file=log_file, log_format=LogFormat.JSON)
    failed = ProcessingReport(
        interview_id="i-1",
        outcome=Outcome.FAILED,
        error=ErrorInfo("NO_AUDIO_TRACK", "no audio", ErrorKind.INTERVIEW),
    )
    log_report(failed, message_id="m-1")
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = [json.loads(x) for x in log_file.read_text().splitlines()]
    assert lines[-1]["interview_id"] == "i-1"
    assert lines[-1]["message_id"] == "m-1"
    assert lines[-1]["error_code"] == "NO_AUDIO_TRACK"
    assert lines[-1]["message"].startswith("PROCESSING_METRICS | Interview: i-1 | Status: FAILED")
    configure_logging(log_file=None)


def test_reconfiguring_replaces_handlers(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(log_file=None)
    configure_logging(log_file=None)
    logging.getLogger("t").warning("once")
    assert capsys.readouterr().err.count("once") == 1


def test_questions_dropped_by_grounding_are_counted_in_the_log(tmp_path: Path) -> None:
    log_file = tmp_path / "interview_processing.log"
    configure_logging(log_file=log_file, log_format=LogFormat.JSON)
    report = ProcessingReport(
        interview_id="i-2", outcome=Outcome.COMPLETED, question_count=3, dropped_question_count=2
    )

    log_report(report)
    log_report(_report())
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = [json.loads(x) for x in log_file.read_text().splitlines()]
    assert [line["dropped_questions"] for line in lines] == [2, 2, 0]
    assert lines[1]["level"] == "WARNING" and lines[1]["interview_id"] == "i-2"
    assert "2 questions" in lines[1]["message"]
    configure_logging(log_file=None)


def test_model_usage_and_questions_left_out_are_logged(tmp_path: Path) -> None:
    log_file = tmp_path / "interview_processing.log"
    configure_logging(log_file=log_file, log_format=LogFormat.JSON)
    usage = ModelUsage(
        windows=9, requests=11, input_tokens=30_000, output_tokens=7_000, questions_left_out=4
    )
    report = ProcessingReport(
        interview_id="i-3", outcome=Outcome.COMPLETED, question_count=40, model_usage=usage
    )

    log_report(report)
    for handler in logging.getLogger().handlers:
        handler.flush()
    metrics, models, left_out = [json.loads(x) for x in log_file.read_text().splitlines()]
    assert (metrics["model_windows"], metrics["model_requests"]) == (9, 11)
    assert (metrics["input_tokens"], metrics["output_tokens"]) == (30_000, 7_000)
    assert metrics["questions_left_out"] == 4
    assert models["message"] == (
        "models: 9 windows, 11 requests, 30000 input tokens, 7000 output tokens"
    )
    assert left_out["level"] == "WARNING" and left_out["message"].startswith("4 questions")
    configure_logging(log_file=None)
