"""SqliteMessageSource beyond the shared contract: processes, reopening, locks, bad paths."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from adapters.local.sqlite_interview_schema import SCHEMA_VERSION as REPOSITORY_SCHEMA
from adapters.local.sqlite_message_source import SqliteMessageSource
from adapters.local.sqlite_repository import SqliteInterviewRepository
from interview_core.clock import ManualClock
from interview_core.entities import Interview
from interview_core.errors import ConfigurationError, QueueUnavailable

MESSAGES = 30


def request_body(interview_id: str | None = None) -> str:
    return json.dumps({"interview_id": interview_id or str(uuid.uuid4())})


def _receive_until_empty(path: str, barrier: Any, results: Any) -> None:
    """In a child process: take batches of three until the queue has nothing visible."""
    source = SqliteMessageSource(path, visibility_timeout=60)
    barrier.wait(timeout=10)
    taken: list[str] = []
    while batch := source.receive(3, 0):
        taken.extend(message.message_id for message in batch)
    results.put(taken)


def test_two_processes_never_receive_the_same_hidden_message(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    source = SqliteMessageSource(path, visibility_timeout=60)
    sent = {source.send(request_body()) for _ in range(MESSAGES)}
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    results = context.SimpleQueue()
    processes = [
        context.Process(target=_receive_until_empty, args=(str(path), barrier, results))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=20)
    assert [process.exitcode for process in processes] == [0, 0]

    first, second = results.get(), results.get()
    assert not set(first) & set(second)
    assert len(first) + len(second) == MESSAGES
    assert set(first) | set(second) == sent
    assert source.visible() == []
    assert {m.message_id for m in source.in_flight()} == sent


def test_messages_and_dead_letters_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    clock = ManualClock()
    first = SqliteMessageSource(path, clock=clock, visibility_timeout=30, max_receive_count=1)
    doomed = first.send(request_body())
    [delivered] = first.receive(1, 0)
    waiting = first.send(request_body())
    delayed = first.send(request_body(), delay_seconds=60)
    clock.advance(30)
    assert first.receive(10, 0)[0].message_id == waiting  # `doomed` goes to the dead letters
    assert delivered.message_id == doomed

    reopened = SqliteMessageSource(str(path), clock=clock, visibility_timeout=30)

    assert [m.message_id for m in reopened.dead_letters] == [doomed]
    assert [m.message_id for m in reopened.in_flight()] == [waiting]
    assert [m.message_id for m in reopened.delayed()] == [delayed]
    assert len(reopened) == 2
    clock.advance(30)
    assert [m.message_id for m in reopened.receive(10, 0)] == [waiting, delayed]


def test_a_manual_clock_moves_visibility_and_receive_never_waits(tmp_path: Path) -> None:
    clock = ManualClock()
    source = SqliteMessageSource(
        tmp_path / "queue.sqlite", clock=clock, visibility_timeout=10, long_poll=False
    )
    interview_id = str(uuid.uuid4())
    source.send(request_body(interview_id))
    [message] = source.receive(1, 0)

    started = time.monotonic()
    assert source.receive(1, 5) == []
    assert time.monotonic() - started < 1
    source.extend(message, 10**9)  # clamped to twelve hours
    clock.advance(12 * 60 * 60 - 1)
    assert source.receive(1, 0) == []
    clock.advance(1)
    [again] = source.receive(1, 0)
    assert (again.interview_id, again.receive_count) == (interview_id, 2)
    source.ack(message)  # the earlier receipt no longer acts
    assert len(source) == 1
    source.ack(again)
    assert len(source) == 0


def test_bodies_over_the_limit_or_not_utf8_come_back_with_a_reason(tmp_path: Path) -> None:
    source = SqliteMessageSource(tmp_path / "queue.sqlite", max_body_bytes=60)
    too_long = source.send(json.dumps({"interview_id": str(uuid.uuid4()), "x": "y" * 40}))
    not_utf8 = source.send('{"interview_id": "\udcff"}')
    good_id = str(uuid.uuid4())
    good = source.send(request_body(good_id))

    received = {m.message_id: m for m in source.receive(10, 0)}

    assert received[too_long].body_error == "body is larger than 60 bytes"
    assert received[not_utf8].body_error == "body is not UTF-8 text"
    assert received[good].interview_id == good_id
    assert received[good].body_error is None


def test_a_write_lock_held_past_the_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    source = SqliteMessageSource(path, busy_timeout_seconds=0.05)
    source.send(request_body())
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(QueueUnavailable):
            source.receive(1, 0)
        with pytest.raises(QueueUnavailable):
            source.send(request_body())
        assert len(source.visible()) == 1  # readers still read
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    assert len(source.receive(10, 0)) == 1


def test_an_unopenable_path_is_a_configuration_error(tmp_path: Path) -> None:
    source = SqliteMessageSource(tmp_path / "absent" / "queue.sqlite")

    with pytest.raises(ConfigurationError):
        source.receive(1, 0)
    with pytest.raises(ConfigurationError):
        SqliteMessageSource(":memory:")


@pytest.mark.parametrize(
    "arguments",
    [
        {"visibility_timeout": -1},
        {"visibility_timeout": 12 * 60 * 60 + 1},
        {"max_receive_count": 0},
        {"max_body_bytes": 0},
        {"poll_interval": 0},
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SqliteMessageSource(tmp_path / "queue.sqlite", **arguments)


def test_bad_calls_are_refused(tmp_path: Path) -> None:
    source = SqliteMessageSource(tmp_path / "queue.sqlite")

    with pytest.raises(ValueError):
        source.send(request_body(), delay_seconds=901)
    with pytest.raises(ValueError):
        source.receive(11, 0)
    with pytest.raises(ValueError):
        source.receive(0, 0)


def test_the_queue_and_the_repository_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.sqlite"
    repository = SqliteInterviewRepository(path)
    source = SqliteMessageSource(path)
    interview_id = str(uuid.uuid4())
    repository.add(Interview(id=interview_id, video_path="videos/a.mp4"))
    source.send(request_body(interview_id))

    [message] = source.receive(1, 0)

    assert message.interview_id is not None
    assert repository.get(message.interview_id).video_path == "videos/a.mp4"
    with sqlite3.connect(path) as connection:
        versions = dict(connection.execute("SELECT component, version FROM schema_version"))
    assert versions == {"interview_repository": REPOSITORY_SCHEMA, "message_source": 1}
