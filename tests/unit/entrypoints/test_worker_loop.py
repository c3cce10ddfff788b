"""The worker loop with in-memory fakes: concurrency, outcomes, invalid bodies, stopping."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from entrypoints.worker import loop as worker_loop
from entrypoints.worker import receive_backoff
from interview_core.delivery import DeliveryPolicy, InvalidMessageAction
from interview_core.entities import Interview
from interview_core.errors import (
    ConfigurationError,
    ExtractionUnavailable,
    ModelRefused,
    QueueUnavailable,
    ToolMissing,
    TranscriptionUnavailable,
)
from interview_core.state import InterviewState
from tests.unit.entrypoints.worker_fakes import LEASE, WorkerWorld

SENTINEL = "SENTINEL-BODY-9c1d"


@pytest.fixture
def world() -> WorkerWorld:
    return WorkerWorld()


# --- concurrency ---------------------------------------------------------------------------


def test_slow_messages_run_in_parallel() -> None:
    world = WorkerWorld(transcribe_seconds=0.4)
    ids = world.send_new(4)
    summary = world.run(concurrency=4, max_messages=4, idle_exit_seconds=30)
    assert summary.handled == 4
    assert world.transcriber.most_at_once == 4  # all four transcriptions overlapped
    assert {world.state(i).state for i in ids} == {InterviewState.COMPLETED}
    assert len(world.source.acks) == 4


def test_no_more_messages_are_received_than_there_are_free_slots() -> None:
    world = WorkerWorld(transcribe_seconds=0.1)
    world.send_new(5)
    # max_messages ends the run; the idle limit is only a safety net on a loaded machine
    summary = world.run(concurrency=2, max_messages=5, idle_exit_seconds=30)
    assert summary.handled == 5
    assert world.transcriber.most_at_once == 2
    assert world.source.receive_sizes and max(world.source.receive_sizes) <= 2
    assert len(world.source.acks) == 5


# --- heartbeat -----------------------------------------------------------------------------


def test_the_heartbeat_extends_visibility_and_lease_while_working_and_stops_after_the_ack() -> None:
    world = WorkerWorld(transcribe_seconds=0.45, lease_seconds=0.2)
    [interview_id] = world.send_new(1)
    lease_live_at_the_end: list[bool] = []

    def lease_is_live(job_id: str) -> None:
        record = world.state(job_id)
        lease_live_at_the_end.append(record.has_live_lease(datetime.now(UTC)))

    world.transcriber.checks.append(lease_is_live)
    world.run(max_messages=1, visibility_seconds=0.2, idle_exit_seconds=None)
    assert lease_live_at_the_end == [True]  # 0.45 s of work outlived a 0.2 s lease
    assert world.state(interview_id).state is InterviewState.COMPLETED
    [message_id] = world.source.acks
    extends = [e for e in world.source.extends if e[0] == message_id]
    assert len(extends) >= 3
    assert {seconds for _, seconds, _ in extends} == {0.2}
    assert world.repo.calls.count("extend_lease") >= 2
    ack_time = world.source.ack_times[message_id]
    assert all(at <= ack_time for _, _, at in extends)
    count = len(world.source.extends)
    time.sleep(0.15)
    assert len(world.source.extends) == count  # stopped


# --- outcomes ------------------------------------------------------------------------------


def test_a_transient_error_releases_the_message_with_the_backoff_delay(world: WorkerWorld) -> None:
    world.transcriber.faults.fail(TranscriptionUnavailable("throttled"))
    [interview_id] = world.send_new(1)
    world.run(max_messages=1)
    [(_, delay)] = world.source.releases
    assert delay == 5.0  # jitter 0.5 of base 10 s on the first receive
    assert world.source.acks == []
    record = world.state(interview_id)
    assert (record.state, record.lease_owner) == (InterviewState.PROCESSING, None)
    assert len(world.queue.in_flight()) == 1


def test_a_transient_error_on_the_last_attempt_fails_the_interview_and_acks() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=1))
    world.transcriber.faults.fail(TranscriptionUnavailable("throttled"))
    [interview_id] = world.send_new(1)
    world.run(max_messages=1)
    record = world.state(interview_id)
    assert (record.state, record.error_code) == (
        InterviewState.FAILED,
        "TRANSCRIPTION_UNAVAILABLE",
    )
    assert len(world.source.acks) == 1
    assert world.source.releases == []
    assert len(world.queue) == 0


def test_a_throttled_run_on_the_last_attempt_is_requeued_as_a_fresh_copy() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=1))
    world.extractor.faults.fail(ExtractionUnavailable("HTTP 429", throttled=True))
    [interview_id] = world.send_new(1)
    [original] = [m.message_id for m in world.queue.visible()]

    world.run(max_messages=1)

    [(requeued, delay)] = world.source.requeues
    assert requeued == original
    assert delay == 5.0  # jitter 0.5 of the 10 s base: the first throttled run
    assert (world.source.acks, world.source.releases) == ([], [])
    record = world.state(interview_id)
    assert (record.state, record.attempts, record.lease_owner) == (
        InterviewState.PROCESSING,
        0,
        None,
    )
    [copy] = world.queue.delayed()
    assert (copy.message_id != original, copy.receive_count) == (True, 0)


def test_a_permanent_error_fails_the_interview_at_once_and_acks(world: WorkerWorld) -> None:
    world.extractor.faults.fail(ModelRefused("refused"))
    [interview_id] = world.send_new(1)
    world.run(max_messages=1)
    assert world.state(interview_id).state is InterviewState.FAILED
    assert world.state(interview_id).error_code == "MODEL_REFUSED"
    assert len(world.source.acks) == 1
    assert len(world.queue) == 0


def test_a_deployment_fault_keeps_the_message_fails_nothing_and_stops_the_worker() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=1))  # every receive is the last
    world.transcriber.faults.fail(ToolMissing("the speech model is not installed"), times=None)
    interview_ids = world.send_new(3)

    summary = world.run(concurrency=1, idle_exit_seconds=None)

    assert (summary.reason, summary.failed) == ("halted", True)
    assert summary.halted_by is not None
    assert summary.halted_by.code == "TOOL_MISSING"
    assert len(world.transcriber.calls) == 1  # the worker stopped after the first fault
    assert world.source.acks == []
    assert all(delay == 0.0 for _, delay in world.source.releases)  # only unstarted ones
    assert len(world.queue) == 3
    assert len(world.queue.in_flight()) == 1  # kept hidden: back when its visibility lapses
    for interview_id in interview_ids:
        record = world.state(interview_id)
        assert record.state is not InterviewState.FAILED
        assert (record.error_code, record.lease_owner) == (None, None)


def test_a_completed_interview_is_acked_without_work(world: WorkerWorld) -> None:
    interview_id = world.add_interview(state=InterviewState.COMPLETED, question_count=3)
    world.send(interview_id)
    world.run(max_messages=1)
    assert world.transcriber.calls == []
    assert len(world.source.acks) == 1
    assert world.state(interview_id).question_count == 3


def test_an_interview_leased_elsewhere_is_released_until_its_lease_runs_out() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(busy_delay_seconds=45.0))
    interview_id = world.add_interview()
    world.store.claim(interview_id, "someone-else", LEASE)
    world.send(interview_id)
    world.run(max_messages=1)
    [(_, delay)] = world.source.releases
    assert delay == pytest.approx(LEASE + 1.0, abs=0.5)  # the lease's time left, not 45 s
    assert world.transcriber.calls == []
    assert world.state(interview_id).lease_owner == "someone-else"


def test_an_unknown_interview_is_released_for_a_later_receive(world: WorkerWorld) -> None:
    world.send("5d1c9a2e-0000-4000-8000-000000000000")
    world.run(max_messages=1)
    assert world.source.acks == []
    [(_, delay)] = world.source.releases
    assert 0.0 < delay <= world.policy.backoff_ceiling(1)


def test_an_unexpected_error_in_handling_releases_with_the_retry_delay(
    world: WorkerWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(world.handler, "handle", explode)
    world.send_new(1)
    world.run(max_messages=1)
    [(_, delay)] = world.source.releases
    assert 0.0 <= delay <= world.policy.backoff_ceiling(1)
    assert world.source.acks == []


def test_a_failing_ack_is_logged_and_the_worker_goes_on(
    world: WorkerWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world.source.ack_faults.fail(QueueUnavailable("throttled"))
    ids = world.send_new(2)
    summary = world.run(max_messages=2, concurrency=1)
    assert summary.handled == 2
    assert {world.state(i).state for i in ids} == {InterviewState.COMPLETED}
    assert "QUEUE_UNAVAILABLE" in caplog.text


# --- invalid bodies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "acked_invalid"),
    [(InvalidMessageAction.DELETE, True), (InvalidMessageAction.DEAD_LETTER, False)],
)
def test_invalid_bodies_follow_the_setting_while_good_messages_in_the_batch_are_processed(
    action: InvalidMessageAction, acked_invalid: bool, caplog: pytest.LogCaptureFixture
) -> None:
    world = WorkerWorld(policy=DeliveryPolicy(invalid_messages=action))
    bad = [world.queue.send(f"not json {SENTINEL}"), world.queue.send('{"interview_id": 7}')]
    good = world.send_new(2)
    caplog.set_level(logging.INFO)
    world.run(max_messages=4)
    assert {world.state(i).state for i in good} == {InterviewState.COMPLETED}
    if acked_invalid:
        assert set(bad) <= set(world.source.acks)
        assert len(world.queue) == 0
    else:
        assert sorted(world.source.releases) == sorted((m, 0.0) for m in bad)
        assert {m.message_id for m in world.queue.visible()} == set(bad)
    for message_id in bad:
        assert f"INVALID_MESSAGE: message {message_id}" in caplog.text
    assert SENTINEL not in caplog.text


# --- receive errors ------------------------------------------------------------------------


def test_an_unavailable_queue_is_retried_after_a_pause(
    world: WorkerWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receive_backoff, "QUEUE_BACKOFF_BASE_SECONDS", 0.01)
    world.source.receive_faults.fail(QueueUnavailable("503"), times=3)
    [interview_id] = world.send_new(1)
    summary = world.run(max_messages=1)
    assert summary.reason == "max-messages"
    assert world.state(interview_id).state is InterviewState.COMPLETED


def test_a_configuration_error_on_receive_is_fatal(world: WorkerWorld) -> None:
    world.source.receive_faults.fail(ConfigurationError("queue does not exist"), times=None)
    summary = world.run(idle_exit_seconds=None)
    assert summary.reason == "fatal"
    assert isinstance(summary.fatal, ConfigurationError)


# --- stopping by itself --------------------------------------------------------------------


def test_max_messages_stops_the_worker_after_that_many(world: WorkerWorld) -> None:
    world.send_new(5)
    summary = world.run(max_messages=3, concurrency=2, idle_exit_seconds=None)
    assert (summary.reason, summary.handled) == ("max-messages", 3)
    assert [m.receive_count for m in world.queue.visible()] == [0, 0]  # never received


def test_idle_exit_stops_an_idle_worker(world: WorkerWorld) -> None:
    started = time.monotonic()
    summary = world.run(idle_exit_seconds=0.3)
    assert summary.reason == "idle"
    assert 0.3 <= time.monotonic() - started < 1.5


def test_idle_exit_counts_from_the_last_message(world: WorkerWorld) -> None:
    world.send_new(1)
    summary = world.run(idle_exit_seconds=0.3)
    assert (summary.reason, summary.handled) == ("idle", 1)


def test_the_liveness_file_is_touched_on_each_loop(world: WorkerWorld, tmp_path: Path) -> None:
    path = tmp_path / "alive"
    world.run(idle_exit_seconds=0.3, heartbeat_file=path)
    assert path.exists()
    assert time.time() - path.stat().st_mtime < 2


def test_an_unwritable_liveness_file_is_reported_once(
    world: WorkerWorld, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    summary = world.run(idle_exit_seconds=0.3, heartbeat_file=tmp_path / "missing" / "alive")
    assert summary.reason == "idle"
    assert caplog.text.count("cannot touch the heartbeat file") == 1


# --- shutdown ------------------------------------------------------------------------------


def _stop_when_started(world: WorkerWorld, worker: worker_loop.Worker) -> None:
    def stop() -> None:
        world.transcriber.started.wait(5)
        worker.request_stop()

    threading.Thread(target=stop, daemon=True).start()


def test_work_that_finishes_within_the_grace_period_is_acked() -> None:
    world = WorkerWorld(transcribe_seconds=0.3)
    [interview_id] = world.send_new(1)
    worker = world.worker(grace_seconds=2.0, idle_exit_seconds=None)
    _stop_when_started(world, worker)
    summary = worker.run()
    assert (summary.reason, summary.handled, summary.abandoned) == ("signal", 1, 0)
    assert world.state(interview_id).state is InterviewState.COMPLETED
    assert world.source.releases == []
    assert world.media_cancels == 0


def test_unfinished_work_is_released_with_its_lease_after_the_grace_period() -> None:
    world = WorkerWorld()
    world.transcriber.gate = threading.Event()
    [interview_id] = world.send_new(1)
    worker = world.worker(grace_seconds=0.3, idle_exit_seconds=None)
    _stop_when_started(world, worker)
    started = time.monotonic()
    summary = worker.run()
    assert time.monotonic() - started < 2.0
    assert (summary.handled, summary.abandoned) == (0, 1)
    [(message_id, delay)] = world.source.releases
    assert delay == 0.0
    assert [m.message_id for m in world.queue.visible()] == [message_id]
    record = world.state(interview_id)
    assert (record.state, record.lease_owner) == (InterviewState.PROCESSING, None)
    assert world.media_cancels == 1
    world.transcriber.gate.set()  # the abandoned thread finishes: it must not ack or complete
    deadline = time.monotonic() + 2
    while world.transcriber.running and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    assert world.source.acks == []
    assert world.state(interview_id).state is InterviewState.PROCESSING


def test_messages_received_while_stopping_are_released_at_once_and_never_started(
    world: WorkerWorld,
) -> None:
    world.send_new(3)
    worker = world.worker(idle_exit_seconds=None)
    world.source.during_receive = worker.request_stop  # a signal during the long poll
    summary = worker.run()
    assert summary.handled == 0
    assert world.transcriber.calls == []
    assert sorted(d for _, d in world.source.releases) == [0.0, 0.0, 0.0]
    assert len(world.queue.visible()) == 3


def test_a_stop_while_idle_ends_promptly(world: WorkerWorld) -> None:
    worker = world.worker(idle_exit_seconds=None, grace_seconds=5.0)
    threading.Timer(0.1, worker.request_stop).start()
    started = time.monotonic()
    summary = worker.run()
    assert summary.reason == "signal"
    assert time.monotonic() - started < 1.0


def test_a_delivery_stopped_before_its_claim_releases_only_the_message() -> None:
    world = WorkerWorld()
    gate = threading.Event()
    world.send_new(1)
    original_get = world.repo.get

    def slow_get(interview_id: str) -> Interview:
        world.transcriber.started.set()
        gate.wait(5)
        return original_get(interview_id)

    world.repo.get = slow_get  # type: ignore[method-assign]
    worker = world.worker(grace_seconds=0.2, idle_exit_seconds=None)
    _stop_when_started(world, worker)
    try:
        summary = worker.run()
    finally:
        gate.set()
    assert summary.abandoned == 1
    assert [delay for _, delay in world.source.releases] == [0.0]
    assert "release" not in world.repo.calls
