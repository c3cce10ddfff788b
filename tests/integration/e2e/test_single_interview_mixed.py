"""`ai-interviews --mode single-interview` in a subprocess, in a mixed configuration.

The video, the interview record and the questions live in S3 and DynamoDB (the `aws` preset,
on the moto server), while speech recognition (faster-whisper) and question extraction (the
heuristic extractor) run locally, chosen through the `INTERVIEWS_*` overrides.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
from cli_stack import USER_ID, CliStack, error_lines

from interview_core.ids import question_id


@dataclass(frozen=True)
class FirstRun:
    """The first processing of the sample interview, and what it stored."""

    interview_id: str
    process: subprocess.CompletedProcess[str]
    interview: dict[str, Any]
    questions: list[dict[str, Any]]


@pytest.fixture(scope="module")
def first_run(cli_stack: CliStack) -> FirstRun:
    """Process a pending interview of the sample video once, with real speech recognition."""
    interview_id = cli_stack.add_interview()
    process = cli_stack.run("--interview-id", interview_id)
    interview = cli_stack.interview_item(interview_id)
    assert interview is not None
    return FirstRun(interview_id, process, interview, cli_stack.question_items(interview_id))


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"]["S"] for item in items]


def _assert_no_traceback(process: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in process.stderr
    assert "Traceback" not in process.stdout


def _metrics_lines(stack: CliStack, interview_id: str) -> list[str]:
    text = stack.log_file.read_text(encoding="utf-8")
    return [
        line
        for line in text.splitlines()
        if "PROCESSING_METRICS" in line and f"Interview: {interview_id} " in line
    ]


# --- The interview is processed once, then skipped, then reprocessed on demand ------------


@pytest.mark.slow
def test_the_first_run_completes_the_interview_and_stores_its_questions(
    first_run: FirstRun,
) -> None:
    process = first_run.process
    assert process.returncode == 0, process.stderr
    _assert_no_traceback(process)
    count = len(first_run.questions)
    assert count >= 1
    assert first_run.interview["state"]["S"] == "completed"
    assert int(first_run.interview["question_count"]["N"]) == count
    assert int(first_run.interview["attempts"]["N"]) == 1
    assert "lease_owner" not in first_run.interview
    assert "error_code" not in first_run.interview
    assert f"interview {first_run.interview_id}: completed ({count} questions)" in process.stdout


@pytest.mark.slow
def test_question_ids_are_uuid5_of_the_interview_and_position(first_run: FirstRun) -> None:
    expected = [question_id(first_run.interview_id, n) for n in range(len(first_run.questions))]

    assert _ids(first_run.questions) == expected
    for position, item in enumerate(first_run.questions):
        assert int(item["position"]["N"]) == position
        assert item["interview_id"]["S"] == first_run.interview_id
        assert item["user_id"]["S"] == USER_ID
        assert item["question"]["S"].strip()


@pytest.mark.slow
def test_stored_questions_are_timed_in_the_order_they_were_asked(first_run: FirstRun) -> None:
    starts = [float(item["start_time"]["N"]) for item in first_run.questions]
    ends = [float(item["end_time"]["N"]) for item in first_run.questions]

    assert starts == sorted(starts)
    assert all(0 <= start <= end for start, end in zip(starts, ends, strict=True))


@pytest.mark.slow
def test_the_run_writes_its_metrics_line_to_the_log_file(
    cli_stack: CliStack, first_run: FirstRun
) -> None:
    count = len(first_run.questions)
    lines = _metrics_lines(cli_stack, first_run.interview_id)

    assert any(
        re.search(
            rf"PROCESSING_METRICS \| Interview: {first_run.interview_id} \| Status: SUCCESS \| "
            rf"Duration: \d+\.\d\ds \| Questions: {count}$",
            line,
        )
        for line in lines
    ), lines


@pytest.mark.slow
def test_a_second_run_of_a_completed_interview_changes_nothing(
    cli_stack: CliStack, first_run: FirstRun
) -> None:
    interview_before = cli_stack.interview_item(first_run.interview_id)
    questions_before = cli_stack.question_items(first_run.interview_id)

    process = cli_stack.run("--interview-id", first_run.interview_id)

    assert process.returncode == 0, process.stderr
    _assert_no_traceback(process)
    assert f"interview {first_run.interview_id}: skipped" in process.stdout
    assert error_lines(process.stderr) == []
    assert cli_stack.interview_item(first_run.interview_id) == interview_before
    assert cli_stack.question_items(first_run.interview_id) == questions_before
    assert _ids(questions_before) == _ids(first_run.questions)
    assert any(
        "Status: SKIPPED" in line for line in _metrics_lines(cli_stack, first_run.interview_id)
    )


@pytest.mark.slow
def test_force_reprocesses_a_completed_interview_to_the_same_question_ids(
    cli_stack: CliStack, first_run: FirstRun
) -> None:
    before = cli_stack.interview_item(first_run.interview_id)
    assert before is not None

    process = cli_stack.run("--interview-id", first_run.interview_id, "--force")

    assert process.returncode == 0, process.stderr
    _assert_no_traceback(process)
    after = cli_stack.interview_item(first_run.interview_id)
    assert after is not None
    assert after["state"]["S"] == "completed"
    assert int(after["attempts"]["N"]) == int(before["attempts"]["N"]) + 1
    assert after["updated_at"]["S"] > before["updated_at"]["S"]
    questions = cli_stack.question_items(first_run.interview_id)
    assert _ids(questions) == _ids(first_run.questions)
    assert int(after["question_count"]["N"]) == len(questions)


# --- Bad input: one typed line on stderr, a non-zero exit, never a traceback ----------------


def test_an_unknown_interview_exits_1_with_one_typed_error_line(cli_stack: CliStack) -> None:
    missing = "5b0f9c1e-7d2a-4e3b-9c8d-1a2b3c4d5e6f"

    process = cli_stack.run("--interview-id", missing)

    assert process.returncode == 1
    _assert_no_traceback(process)
    lines = error_lines(process.stderr)
    assert len(lines) == 1
    assert re.fullmatch(rf"error: INTERVIEW_NOT_FOUND: .*{missing}.*", lines[0])
    assert cli_stack.interview_item(missing) is None  # the claim did not create a record


@pytest.mark.parametrize("hostile_key", ["videos/../../etc/passwd", "videos/a/b/%2e%2e/x.mp4"])
def test_a_hostile_video_key_fails_the_interview_as_an_invalid_location(
    cli_stack: CliStack, hostile_key: str
) -> None:
    interview_id = cli_stack.add_interview(video_path=hostile_key)

    process = cli_stack.run("--interview-id", interview_id)

    assert process.returncode == 1
    _assert_no_traceback(process)
    lines = error_lines(process.stderr)
    assert len(lines) == 1
    assert lines[0].startswith("error: INVALID_VIDEO_LOCATION: ")
    assert hostile_key not in process.stderr  # untrusted input is not echoed
    item = cli_stack.interview_item(interview_id)
    assert item is not None
    assert item["state"]["S"] == "failed"
    assert item["error_code"]["S"] == "INVALID_VIDEO_LOCATION"
    assert "lease_owner" not in item
    assert cli_stack.question_items(interview_id) == []


def test_a_video_missing_from_the_bucket_fails_the_interview(cli_stack: CliStack) -> None:
    interview_id = cli_stack.add_interview(video_path="videos/user-7/never-uploaded.mp4")

    process = cli_stack.run("--interview-id", interview_id)

    assert process.returncode == 1
    _assert_no_traceback(process)
    lines = error_lines(process.stderr)
    assert len(lines) == 1
    assert lines[0].startswith("error: VIDEO_NOT_FOUND: ")
    item = cli_stack.interview_item(interview_id)
    assert item is not None
    assert item["state"]["S"] == "failed"
    assert item["error_code"]["S"] == "VIDEO_NOT_FOUND"


def test_a_missing_bucket_setting_is_named_and_leaves_the_interview_untouched(
    cli_stack: CliStack,
) -> None:
    interview_id = cli_stack.add_interview()
    before = cli_stack.interview_item(interview_id)

    process = cli_stack.run("--interview-id", interview_id, AWS_S3_BUCKET=None)

    assert process.returncode == 2
    _assert_no_traceback(process)
    lines = error_lines(process.stderr)
    assert len(lines) == 1
    assert "AWS_S3_BUCKET" in lines[0]
    assert cli_stack.interview_item(interview_id) == before
    assert before is not None
    assert before["state"]["S"] == "pending"
