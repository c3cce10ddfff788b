"""Text log lines escape control characters, so no logged value can forge a line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from entrypoints.log_config import JsonLineFormatter, configure_logging
from entrypoints.log_lines import TextLineFormatter, escape_controls
from entrypoints.settings import LogFormat

FORGED = "2026-01-01 00:00:00,000 INFO ai_interviews.metrics: PROCESSING_METRICS | forged"


def record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = sys.exc_info() if exc else None
    return logging.LogRecord(
        "ai_interviews.test", logging.WARNING, __file__, 1, message, args, exc_info
    )


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("nul\x00", "nul\\x00"),
        ("next\x85line", "next\\x85line"),
        ("line\u2028sep", "line\\u2028sep"),
        ("bidi\u202eevil", "bidi\\u202eevil"),
        ("café 日本語 ünïcode", "café 日本語 ünïcode"),
    ],
)
def test_controls_are_escaped_and_letters_kept(raw: str, escaped: str) -> None:
    assert escape_controls(raw) == escaped


def test_a_newline_in_a_logged_value_cannot_forge_a_record() -> None:
    line = TextLineFormatter().format(record("interview %s not found", f"x\n{FORGED}"))
    assert "\n" not in line
    assert line.endswith(f"interview x\\n{FORGED} not found")


def test_a_traceback_keeps_its_lines_indented_so_none_looks_like_a_record() -> None:
    try:
        raise ValueError(f"bad\n{FORGED}")
    except ValueError:
        line = TextLineFormatter().format(record("failed", exc=True))
    first, *rest = line.split("\n")
    assert first.endswith("failed")
    assert rest and all(part.startswith("    ") for part in rest)
    assert any("ValueError" in part for part in rest)


def test_the_log_file_gets_one_line_per_record_in_text_and_json(
    tmp_path: Path, restored_logging: None
) -> None:
    for log_format in LogFormat:
        log_file = tmp_path / f"{log_format}.log"
        configure_logging(log_file=log_file, log_format=log_format)
        logger = logging.getLogger("ai_interviews.test")
        logger.warning("one %s", f"a\nb\r{FORGED}")
        logger.warning("two %s", "c\u2028d\x85e")
        for handler in logging.getLogger().handlers:
            handler.flush()
        lines = log_file.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2, lines
        if log_format is LogFormat.JSON:
            assert json.loads(lines[1])["message"] == "two c\u2028d\x85e"


def test_json_lines_escape_the_separators_json_leaves_alone() -> None:
    line = JsonLineFormatter().format(record("%s", "a\u2028b\u2029c\x85d"))
    assert "\u2028" not in line and "\u2029" not in line and "\x85" not in line
    assert json.loads(line)["message"] == "a\u2028b\u2029c\x85d"


def test_a_resumed_attempt_names_the_stages_it_skipped_in_its_json_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from entrypoints.log_config import log_report
    from interview_core.report import Outcome, ProcessingReport

    with caplog.at_level(logging.INFO):
        log_report(
            ProcessingReport("iv-1", Outcome.COMPLETED, resumed=("transcribe", "extract_questions"))
        )
        log_report(ProcessingReport("iv-2", Outcome.COMPLETED))

    lines = [json.loads(JsonLineFormatter().format(r)) for r in caplog.records]
    first = [line for line in lines if line["interview_id"] == "iv-1"]
    assert all(line["resumed"] == ["transcribe", "extract_questions"] for line in first)
    assert any("skipping: transcribe, extract_questions" in line["message"] for line in first)
    assert all("resumed" not in line for line in lines if line["interview_id"] == "iv-2")
