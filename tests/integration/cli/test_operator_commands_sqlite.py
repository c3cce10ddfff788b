"""The operator's commands on the local preset (SQLite and a video folder), as subprocesses,
together with the worker that processes what `submit` sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from adapters.local.sqlite_message_source import SqliteMessageSource
from adapters.local.sqlite_repository import SqliteInterviewRepository
from interview_core.entities import Interview
from interview_core.state import InterviewState

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"


@dataclass
class LocalStack:
    """One SQLite file and one video folder, and the command run against them."""

    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "interviews.sqlite3"

    @property
    def videos(self) -> Path:
        return self.folder / "videos-root"

    def repository(self) -> SqliteInterviewRepository:
        return SqliteInterviewRepository(self.database)

    def queue(self, max_receive_count: int | None = None) -> SqliteMessageSource:
        return SqliteMessageSource(
            self.database, max_receive_count=max_receive_count, long_poll=False
        )

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "INTERVIEWS_", "WORKER_"))
        }
        env.update(
            INTERVIEWS_SQLITE_PATH=str(self.database),
            INTERVIEWS_LOCAL_VIDEO_ROOT=str(self.videos),
            INTERVIEWS_LOG_FILE=str(self.folder / "interview_processing.log"),
            INTERVIEWS_TRANSCRIBER="stub",
            INTERVIEWS_STUB_TRANSCRIPT=str(SAMPLE / "interview.transcript.json"),
            WORKER_WAIT_SECONDS="1",
        )
        return subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", *map(str, args)],
            capture_output=True, text=True, env=env, cwd=self.folder, timeout=240, check=False,
        )  # fmt: skip

    def json(self, *args: str | Path) -> Any:
        process = self.run(*args)
        assert process.returncode == 0, process.stderr
        return json.loads(process.stdout)


@pytest.fixture
def stack(tmp_path: Path) -> LocalStack:
    return LocalStack(tmp_path)


def queued_interview_ids(stack: LocalStack) -> list[str]:
    return [json.loads(m.body)["interview_id"] for m in stack.queue().visible()]


def only_error_line(process: subprocess.CompletedProcess[str]) -> str:
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_submit_then_the_worker_then_status_questions_and_list(stack: LocalStack) -> None:
    user_id = str(uuid.uuid4())
    submitted = stack.run("submit", SAMPLE / "interview.mp4", "--user-id", user_id)
    assert submitted.returncode == 0, submitted.stderr
    interview_id = submitted.stdout.strip()
    assert str(uuid.UUID(interview_id)) == interview_id

    record = stack.json("status", interview_id)
    assert record["state"] == "pending"
    assert record["user_id"] == user_id
    assert (record["attempts"], record["generation"]) == (0, 0)
    assert record["video_path"] == f"videos/{user_id}/{interview_id}/interview.mp4"
    stored = stack.videos / record["video_path"]
    assert stored.read_bytes() == (SAMPLE / "interview.mp4").read_bytes()
    assert queued_interview_ids(stack) == [interview_id]

    worker = stack.run("--mode", "sqs", "--idle-exit", "2")
    assert worker.returncode == 0, worker.stderr

    completed = stack.json("status", interview_id)
    assert completed["state"] == "completed"
    assert (completed["question_count"], completed["questions_left_out"]) == (6, 0)
    questions = stack.json("questions", interview_id)
    assert len(questions) == 6
    assert [q["position"] for q in questions] == list(range(6))
    assert {q["interview_id"] for q in questions} == {interview_id}
    assert {q["user_id"] for q in questions} == {user_id}
    table = stack.run("questions", interview_id, "--format", "table")
    assert table.stdout.splitlines()[0].split() == [
        "position", "question_context", "start_time", "question"
    ]  # fmt: skip
    assert len(table.stdout.splitlines()) == 7
    assert [i["id"] for i in stack.json("list", "--state", "completed")] == [interview_id]
    assert stack.json("list", "--state", "pending") == []


def test_submit_refuses_a_file_that_is_not_media_and_stores_nothing(stack: LocalStack) -> None:
    notes = stack.folder / "notes.mp4"
    notes.write_text("my notes from the interview\n")

    process = stack.run("submit", notes)

    assert process.returncode == 1
    assert only_error_line(process).startswith("error: INVALID_MEDIA: notes.mp4")
    assert process.stdout == ""
    assert not stack.videos.exists()
    assert stack.repository().all() == []
    assert len(stack.queue()) == 0


def test_submit_of_a_missing_file_or_with_a_user_id_that_is_no_uuid(stack: LocalStack) -> None:
    missing = stack.run("submit", stack.folder / "missing.mp4")
    bad_user = stack.run("submit", SAMPLE / "interview.mp4", "--user-id", "../../etc")

    assert missing.returncode == 1
    assert only_error_line(missing).startswith("error: VIDEO_NOT_FOUND")
    assert bad_user.returncode == 2
    assert "not a UUID" in bad_user.stderr
    assert not stack.videos.exists()


def test_status_and_questions_of_an_unknown_interview_exit_1_with_one_line(
    stack: LocalStack,
) -> None:
    for command in ("status", "questions"):
        process = stack.run(command, "0b8e2a9c-1d4f-4f7a-9c3e-2a1b5c6d7e8f")
        assert process.returncode == 1
        assert only_error_line(process) == (
            "error: INTERVIEW_NOT_FOUND: interview 0b8e2a9c-1d4f-4f7a-9c3e-2a1b5c6d7e8f "
            "does not exist"
        )
        assert process.stdout == ""


def test_reprocess_is_refused_while_a_worker_holds_the_interview(stack: LocalStack) -> None:
    repository = stack.repository()
    repository.add(Interview(id="iv-held", video_path="videos/v.mp4"))
    held = repository.claim("iv-held", "worker-elsewhere", 600)

    process = stack.run("reprocess", "iv-held")

    assert process.returncode == 1
    assert only_error_line(process).startswith("error: LEASE_HELD")
    assert repository.get("iv-held") == held
    assert len(stack.queue()) == 0


def test_reprocess_makes_a_failed_interview_pending_and_requests_it(stack: LocalStack) -> None:
    repository = stack.repository()
    repository.add(Interview(id="iv-failed", video_path="videos/v.mp4"))
    repository.claim("iv-failed", "worker", 600)
    repository.mark_failed("iv-failed", "worker", "VIDEO_NOT_FOUND", "gone")
    assert [i["id"] for i in stack.json("list", "--state", "failed")] == ["iv-failed"]

    process = stack.run("reprocess", "iv-failed")

    assert process.returncode == 0, process.stderr
    record = repository.get("iv-failed")
    assert (record.state, record.attempts, record.error_code) == (InterviewState.PENDING, 0, None)
    assert record.generation == 1  # the rerun resumes from nothing earlier attempts kept
    assert queued_interview_ids(stack) == ["iv-failed"]


def test_dead_letters_empty_then_shown_then_redriven(stack: LocalStack) -> None:
    empty = stack.run("dead-letters")
    assert (empty.returncode, json.loads(empty.stdout)) == (0, [])
    assert "empty" in empty.stderr
    nothing = stack.run("dead-letters", "--redrive")
    assert nothing.returncode == 0
    assert "empty" in nothing.stdout

    interview_id = str(uuid.uuid4())
    queue = stack.queue(max_receive_count=1)
    message_id = queue.send_request(interview_id)
    [message] = queue.receive(1, 0)
    queue.release(message, 0)
    assert queue.receive(1, 0) == []

    [letter] = stack.json("dead-letters")
    assert (letter["message_id"], letter["interview_id"]) == (message_id, interview_id)
    table = stack.run("dead-letters", "--format", "table")
    assert interview_id in table.stdout
    moved = stack.run("dead-letters", "--redrive")
    assert moved.returncode == 0
    assert "moved 1 " in moved.stdout
    assert queued_interview_ids(stack) == [interview_id]
    assert stack.json("dead-letters") == []


def test_a_redrive_moves_each_dead_lettered_interview_to_a_new_generation(
    stack: LocalStack,
) -> None:
    repository = stack.repository()
    dead, unknown = str(uuid.uuid4()), str(uuid.uuid4())
    repository.add(Interview(id=dead, video_path="videos/v.mp4", generation=2))
    queue = stack.queue(max_receive_count=1)
    queue.send_request(dead)
    queue.send_request(unknown)
    for message in queue.receive(10, 0):
        queue.release(message, 0)
    assert queue.receive(10, 0) == []

    moved = stack.run("dead-letters", "--redrive")

    assert moved.returncode == 0, moved.stderr
    assert "moved 2 " in moved.stdout
    assert repository.get(dead).generation == 3
    assert sorted(queued_interview_ids(stack)) == sorted([dead, unknown])


def out_of_attempts(stack: LocalStack, interview_id: str) -> Interview:
    """The record as five killed workers would leave it: processing, attempts spent, its
    lease run out, its throttle patience started; its message moved to the dead letters."""
    repository = stack.repository()
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    spent = attrs.evolve(
        repository.get(interview_id),
        state=InterviewState.PROCESSING,
        attempts=5,
        lease_owner="killed-worker",
        lease_expires_at=an_hour_ago,
        throttled_since=an_hour_ago,
        error_code="JOB_TIMED_OUT",
        error_message="the attempt took too long",
    )
    repository.add(spent)
    queue = stack.queue(max_receive_count=1)
    [message] = queue.receive(1, 0)
    queue.release(message, 0)
    assert queue.receive(1, 0) == []
    return spent


def test_a_redrive_gives_an_interview_out_of_attempts_a_fresh_run_that_completes(
    stack: LocalStack,
) -> None:
    submitted = stack.run("submit", SAMPLE / "interview.mp4")
    assert submitted.returncode == 0, submitted.stderr
    interview_id = submitted.stdout.strip()
    out_of_attempts(stack, interview_id)

    moved = stack.run("dead-letters", "--redrive")

    assert moved.returncode == 0, moved.stderr
    record = stack.json("status", interview_id)
    assert (record["attempts"], record["generation"], record["error_code"]) == (0, 1, None)
    assert stack.repository().get(interview_id).throttled_since is None
    worker = stack.run("--mode", "sqs", "--idle-exit", "2")
    assert worker.returncode == 0, worker.stderr
    done = stack.json("status", interview_id)
    assert (done["state"], done["attempts"], done["generation"]) == ("completed", 1, 1)
    assert len(stack.json("questions", interview_id)) == 6


def test_reprocess_gives_an_interview_out_of_attempts_a_fresh_run_that_completes(
    stack: LocalStack,
) -> None:
    submitted = stack.run("submit", SAMPLE / "interview.mp4")
    assert submitted.returncode == 0, submitted.stderr
    interview_id = submitted.stdout.strip()
    out_of_attempts(stack, interview_id)

    process = stack.run("reprocess", interview_id)

    assert process.returncode == 0, process.stderr
    record = stack.repository().get(interview_id)
    assert (record.state, record.attempts, record.generation) == (InterviewState.PENDING, 0, 1)
    assert (record.error_code, record.throttled_since, record.lease_owner) == (None, None, None)
    worker = stack.run("--mode", "sqs", "--idle-exit", "2")
    assert worker.returncode == 0, worker.stderr
    assert stack.json("status", interview_id)["state"] == "completed"


def test_the_commands_refuse_in_memory_storage(stack: LocalStack) -> None:
    env_cli = [sys.executable, "-m", "entrypoints.cli", "list", "--state", "failed"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(INTERVIEWS_REPOSITORY="memory", INTERVIEWS_LOG_FILE=str(stack.folder / "log"))

    process = subprocess.run(env_cli, capture_output=True, text=True, env=env, check=False)

    assert process.returncode == 2
    assert only_error_line(process).startswith("error: CONFIGURATION_ERROR")
