"""SqliteInterviewRepository beyond the shared contract: processes, reopening, locks, bad paths."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from adapters.local.sqlite_interview_schema import SCHEMA_VERSION as REPOSITORY_SCHEMA
from adapters.local.sqlite_repository import SqliteInterviewRepository
from interview_core.clock import ManualClock
from interview_core.entities import Interview, Question
from interview_core.errors import ConfigurationError, LeaseHeld, RepositoryUnavailable
from interview_core.ids import question_id
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.state import InterviewState
from tests.unit.fakes import SpyAudioExtractor, SpyQuestionExtractor, SpyTranscriber, SpyVideoStore

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LEASE = 60.0
RACES = 20


def seeded(path: Path, *ids: str) -> SqliteInterviewRepository:
    repository = SqliteInterviewRepository(path, clock=ManualClock(START))
    for interview_id in ids:
        repository.add(Interview(id=interview_id, video_path=f"videos/{interview_id}.mp4"))
    return repository


def questions(interview_id: str, count: int) -> list[Question]:
    return [
        Question(
            id=question_id(interview_id, n),
            interview_id=interview_id,
            position=n,
            question=f"Why {n}?",
            answer=f"Because {n}.",
            context="",
            question_context="technical",
            is_global=n == 0,
            start_time=n * 1.1 + 0.1,
            end_time=None,
        )
        for n in range(count)
    ]


def test_many_threads_racing_one_claim_have_exactly_one_winner(tmp_path: Path) -> None:
    repository = seeded(tmp_path / "db.sqlite", "iv-1")
    barrier = threading.Barrier(6)
    outcomes: dict[str, object] = {}

    def contend(owner: str) -> None:
        barrier.wait()
        try:
            outcomes[owner] = repository.claim("iv-1", owner, LEASE)
        except LeaseHeld as exc:
            outcomes[owner] = exc

    threads = [threading.Thread(target=contend, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    winners = [owner for owner, result in outcomes.items() if isinstance(result, Interview)]
    assert len(winners) == 1
    assert sum(isinstance(result, LeaseHeld) for result in outcomes.values()) == 5
    stored = repository.get("iv-1")
    assert (stored.lease_owner, stored.attempts) == (winners[0], 1)


def _claim_every_interview(path: str, owner: str, barrier: Any, results: Any) -> None:
    """In a child process: claim each race interview right after the other process is ready."""
    repository = SqliteInterviewRepository(path, clock=ManualClock(START))
    won = []
    for n in range(RACES):
        barrier.wait(timeout=10)
        try:
            repository.claim(f"race-{n}", owner, LEASE)
        except LeaseHeld:
            continue
        won.append(f"race-{n}")
    results.put((owner, won))


def test_two_processes_racing_claims_have_exactly_one_winner_each_time(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    repository = seeded(path, *(f"race-{n}" for n in range(RACES)))
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    results = context.SimpleQueue()
    processes = [
        context.Process(target=_claim_every_interview, args=(str(path), owner, barrier, results))
        for owner in ("proc-a", "proc-b")
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=20)
    assert [process.exitcode for process in processes] == [0, 0]

    won = dict(results.get() for _ in processes)
    assert sorted(won["proc-a"] + won["proc-b"]) == sorted(f"race-{n}" for n in range(RACES))
    assert not set(won["proc-a"]) & set(won["proc-b"])
    for owner, interview_ids in won.items():
        for interview_id in interview_ids:
            stored = repository.get(interview_id)
            assert (stored.lease_owner, stored.attempts) == (owner, 1)


def test_records_and_questions_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    first = seeded(path, "iv-1", "iv-2")
    claimed = first.claim("iv-2", "worker-a", LEASE)
    first.replace_questions("iv-2", questions("iv-2", 3), owner="worker-a", generation=0)
    first.add(Interview(id="iv-1", video_path="videos/replaced.mp4", user_id="user-1"))

    reopened = SqliteInterviewRepository(str(path), clock=ManualClock(START))

    assert reopened.get("iv-2") == claimed
    assert reopened.list_questions("iv-2") == questions("iv-2", 3)
    assert [record.id for record in reopened.all()] == ["iv-1", "iv-2"]
    assert reopened.get("iv-1").video_path == "videos/replaced.mp4"
    assert reopened.all_questions() == questions("iv-2", 3)
    with pytest.raises(LeaseHeld):
        reopened.claim("iv-2", "worker-b", LEASE)


def test_times_round_trip_in_any_zone_and_compare_as_instants(tmp_path: Path) -> None:
    repository = SqliteInterviewRepository(tmp_path / "db.sqlite", clock=ManualClock(START))
    berlin = timezone(timedelta(hours=2))
    created = datetime(2026, 1, 1, 14, 0, 0, 123456, tzinfo=berlin)
    repository.add(
        Interview(
            id="iv-1",
            video_path="v.mp4",
            state=InterviewState.PROCESSING,
            lease_owner="worker-a",
            lease_expires_at=START + timedelta(microseconds=1),
            created_at=created,
        )
    )

    stored = repository.get("iv-1")

    assert stored.created_at == created
    assert stored.created_at is not None and stored.created_at.utcoffset() == timedelta(0)
    with pytest.raises(LeaseHeld):  # one microsecond of lease left
        repository.claim("iv-1", "worker-b", LEASE)


def test_the_file_is_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    seeded(path, "iv-1")

    with sqlite3.connect(path) as connection:
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        versions = dict(connection.execute("SELECT component, version FROM schema_version"))
    assert mode == "wal"
    assert versions == {"interview_repository": REPOSITORY_SCHEMA}


def test_a_write_lock_held_past_the_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    seeded(path, "iv-1")
    repository = SqliteInterviewRepository(path, busy_timeout_seconds=0.05)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(RepositoryUnavailable) as caught:
            repository.claim("iv-1", "worker-a", LEASE)
        assert time.monotonic() - started < 2
        with pytest.raises(RepositoryUnavailable):
            repository.replace_questions(
                "iv-1", questions("iv-1", 1), owner="worker-a", generation=0
            )
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        assert not caught.value.permanent
        assert repository.get("iv-1").state is InterviewState.PENDING  # readers still read
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    assert repository.claim("iv-1", "worker-a", LEASE).lease_owner == "worker-a"


@pytest.mark.parametrize("where", ["missing-directory", "a-directory", "not-a-database"])
def test_an_unusable_path_is_a_configuration_error(tmp_path: Path, where: str) -> None:
    path = {
        "missing-directory": tmp_path / "absent" / "db.sqlite",
        "a-directory": tmp_path,
        "not-a-database": tmp_path / "notes.txt",
    }[where]
    (tmp_path / "notes.txt").write_text("these are not the pages of a database\n" * 200)
    repository = SqliteInterviewRepository(path)

    with pytest.raises(ConfigurationError):
        repository.get("iv-1")
    with pytest.raises(ConfigurationError):
        repository.add(Interview(id="iv-1", video_path="v.mp4"))


@pytest.mark.parametrize("path", ["", ":memory:"])
def test_a_path_that_is_not_a_file_is_refused_at_once(path: str) -> None:
    with pytest.raises(ConfigurationError):
        SqliteInterviewRepository(path)


def test_a_negative_busy_timeout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        SqliteInterviewRepository(tmp_path / "db.sqlite", busy_timeout_seconds=-1)


def test_a_schema_from_a_newer_version_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    seeded(path, "iv-1")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE schema_version SET version = 99 WHERE component = 'interview_repository'"
        )

    with pytest.raises(ConfigurationError, match="version 99"):
        SqliteInterviewRepository(path).get("iv-1")


VERSION_1_SCHEMA = (
    "CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "INSERT INTO schema_version VALUES ('interview_repository', 1)",
    "CREATE TABLE interviews (id TEXT PRIMARY KEY, video_key TEXT NOT NULL, user_id TEXT,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL, lease_owner TEXT, lease_expires_at TEXT,"
    " error_code TEXT, error_message TEXT, question_count INTEGER, created_at TEXT,"
    " updated_at TEXT)",
    "CREATE TABLE questions (interview_id TEXT NOT NULL, id TEXT NOT NULL,"
    " position INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,"
    " context TEXT NOT NULL, question_context TEXT NOT NULL, is_global INTEGER NOT NULL,"
    " start_time REAL, end_time REAL, user_id TEXT, PRIMARY KEY (interview_id, id))",
    "INSERT INTO interviews VALUES ('iv-old', 'videos/old.mp4', NULL, 'completed', 1, NULL,"
    " NULL, NULL, NULL, 1, NULL, NULL)",
    "INSERT INTO questions VALUES ('iv-old', 'q-1', 0, 'Why?', 'Because.', '', 'general', 1,"
    " 0.5, 1.5, NULL)",
)


def test_a_file_of_the_first_schema_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:
        for statement in VERSION_1_SCHEMA:
            connection.execute(statement)

    repository = SqliteInterviewRepository(path, clock=ManualClock(START))

    old = repository.get("iv-old")
    assert (old.video_path, old.state) == ("videos/old.mp4", InterviewState.COMPLETED)
    [question] = repository.list_questions("iv-old")
    assert (question.question, question.is_global, question.created_at) == ("Why?", True, None)
    with sqlite3.connect(path) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(interviews)")}
        version = connection.execute("SELECT version FROM schema_version").fetchone()[0]
    assert "video_path" in columns and "video_key" not in columns
    assert "generation" in columns and old.generation == 0
    assert "questions_left_out" in columns and old.questions_left_out is None
    assert version == REPOSITORY_SCHEMA


def test_a_generation_that_another_writer_stored_as_text_reads_as_zero(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    repository = seeded(path, "iv-1")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE interviews SET generation = 'two' WHERE id = 'iv-1'")

    record = repository.get("iv-1")

    assert (record.generation, record.record_problem) == (0, None)
    assert repository.start_new_generation("iv-1").generation == 1


def test_stored_records_use_the_upstream_field_names(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    repository = seeded(path, "iv-1")
    repository.claim("iv-1", "worker-a", LEASE)
    repository.replace_questions("iv-1", questions("iv-1", 1), owner="worker-a", generation=0)

    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        interview = dict(connection.execute("SELECT * FROM interviews").fetchone())
        question = dict(connection.execute("SELECT * FROM questions").fetchone())

    assert {"id", "video_path", "user_id", "state", "created_at", "updated_at"} <= set(interview)
    assert interview["state"] == "processing" and interview["created_at"] is not None
    assert {
        "id",
        "interview_id",
        "user_id",
        "question",
        "answer",
        "context",
        "question_context",
        "global",
        "created_at",
        "updated_at",
    } <= set(question)
    assert question["created_at"] == question["updated_at"] is not None


@pytest.mark.parametrize(
    ("column", "value"),
    [("attempts", "many"), ("lease_expires_at", "soon"), ("lease_expires_at", 12.5)],
)
def test_a_row_another_writer_damaged_ends_failed_with_the_reason(
    tmp_path: Path, column: str, value: object
) -> None:
    path = tmp_path / "interviews.db"
    repository = seeded(path, "iv-1")
    with sqlite3.connect(path) as connection:
        connection.execute(
            f"UPDATE interviews SET {column} = ?, lease_owner = 'long-gone' WHERE id = 'iv-1'",
            (value,),
        )
    use_case = ProcessInterview(
        repository,
        SpyVideoStore(),
        SpyAudioExtractor(),
        SpyTranscriber(),
        SpyQuestionExtractor(),
        lease_seconds=60,
    )

    report = use_case.execute("iv-1", max_attempts=5)

    assert report.outcome is Outcome.FAILED
    record = repository.get("iv-1")
    assert (record.state, record.error_code) == (
        InterviewState.FAILED,
        "INVALID_INTERVIEW_RECORD",
    )
    assert record.error_message is not None and column in record.error_message
    assert record.lease_owner is None
