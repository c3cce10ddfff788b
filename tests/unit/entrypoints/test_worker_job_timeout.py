"""The job timeout with in-memory fakes: a hung delivery is given back, fenced, and makes the
liveness file go stale once every slot hangs."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from entrypoints.worker.loop import Worker
from interview_core.ports import QueueMessage
from interview_core.state import InterviewState
from tests.unit.entrypoints.worker_fakes import WorkerWorld

JOB_TIMEOUT = 0.4


def wait_until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.01)
    pytest.fail("condition not met in time")


@contextmanager
def running(world: WorkerWorld, **options: Any) -> Iterator[Worker]:
    """The world's worker running in a thread; on leaving, the hung work is let go, the
    worker stopped and its thread joined."""
    worker = world.worker(idle_exit_seconds=None, job_timeout_seconds=JOB_TIMEOUT, **options)
    runner = threading.Thread(target=worker.run, daemon=True)
    runner.start()
    try:
        yield worker
    finally:
        assert world.transcriber.gate is not None
        world.transcriber.gate.set()
        worker.request_stop()
        runner.join(10)


@pytest.fixture
def hung() -> WorkerWorld:
    world = WorkerWorld()
    world.transcriber.gate = threading.Event()  # transcription hangs until the gate opens
    return world


def test_a_hung_delivery_is_given_back_as_transient_and_its_late_writes_are_fenced(
    hung: WorkerWorld, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    [interview_id] = hung.send_new(1)
    with running(hung, concurrency=1) as worker:
        wait_until(lambda: hung.source.releases)
        [(_, delay)] = hung.source.releases
        record = hung.state(interview_id)
        assert (record.state, record.lease_owner) == (InterviewState.PROCESSING, None)
        assert 0 <= delay <= hung.policy.backoff_ceiling(1)
        wait_until(lambda: "JOB_TIMED_OUT" in caplog.text)  # logged just after the release
        assert worker.in_flight == 1  # the hung thread keeps its slot

        assert hung.transcriber.gate is not None
        hung.transcriber.gate.set()  # the hung work wakes up late
        wait_until(lambda: worker.in_flight == 0)
    assert hung.store.list_questions(interview_id) == []  # fenced by the released lease
    assert hung.state(interview_id).state is InterviewState.PROCESSING
    assert hung.source.acks == []
    assert len(hung.source.releases) == 1  # its result was discarded, not settled again


def test_the_liveness_file_goes_stale_when_every_slot_hangs(
    hung: WorkerWorld, tmp_path: Path
) -> None:
    hung.send_new(2)
    alive = tmp_path / "alive"
    with running(hung, concurrency=2, heartbeat_file=alive):
        wait_until(lambda: len(hung.source.releases) == 2)
        time.sleep(0.1)  # a loop that was touching the file meanwhile has finished
        touched = alive.stat().st_mtime_ns
        time.sleep(1.5)  # the receiver loops at least once a second
        assert alive.stat().st_mtime_ns == touched


def test_a_slot_free_of_hung_work_keeps_the_liveness_file_fresh(
    hung: WorkerWorld, tmp_path: Path
) -> None:
    hung.send_new(1)
    alive = tmp_path / "alive"
    with running(hung, concurrency=2, heartbeat_file=alive):
        wait_until(lambda: len(hung.source.releases) == 1)
        os.utime(alive, (0, 0))
        wait_until(lambda: alive.stat().st_mtime > 0, timeout=3)


def test_work_that_ends_in_time_is_not_timed_out(tmp_path: Path) -> None:
    world = WorkerWorld(transcribe_seconds=0.05)
    [interview_id] = world.send_new(1)

    summary = world.run(idle_exit_seconds=0.5, job_timeout_seconds=5.0)

    assert summary.handled == 1
    assert world.state(interview_id).state is InterviewState.COMPLETED
    assert world.source.releases == []


def test_an_interview_given_up_while_it_waited_to_run_alone_is_never_claimed(
    hung: WorkerWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    [busy] = hung.send_new(1)
    suspect = hung.add_interview(
        state=InterviewState.PROCESSING,
        attempts=1,
        lease_owner="dead-worker/1",
        lease_expires_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    released: list[str] = []

    def taken_elsewhere(message: QueueMessage, delay_seconds: float) -> None:
        released.append(message.interview_id or "")
        hung.queue.ack(message)  # another worker took it: it does not come back here

    monkeypatch.setattr(hung.source, "release", taken_elsewhere)
    with running(hung, concurrency=2):
        wait_until(hung.transcriber.started.is_set)  # the first run hangs in its slot
        hung.send(suspect)  # waits behind it to run alone, past its job timeout
        wait_until(lambda: suspect in released)
        assert hung.transcriber.gate is not None
        hung.transcriber.gate.set()  # the hung run ends: the gate would let the suspect in
        wait_until(lambda: hung.transcriber.running == 0)
        time.sleep(0.3)
        record = hung.state(suspect)
        assert (record.lease_owner, record.attempts) == ("dead-worker/1", 1)  # never claimed
    assert hung.state(busy).attempts == 1
