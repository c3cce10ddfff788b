"""Two deliveries that are nobody's fault: a request that arrives before its interview's record
exists is looked at again later (up to the final attempt), and a duplicate of an interview in
progress waits for the lease's time left without touching the original's record."""

from __future__ import annotations

import logging
import uuid

import pytest

from interview_core.delivery import Action, DeliveryPolicy
from interview_core.entities import Interview
from interview_core.limits import SPARE_RECEIVES
from interview_core.ports import QueueMessage
from interview_core.state import InterviewState
from tests.unit.entrypoints.worker_fakes import LEASE, WorkerWorld

MAX_ATTEMPTS = 3


@pytest.fixture
def world() -> WorkerWorld:
    return WorkerWorld(
        policy=DeliveryPolicy(
            max_attempts=MAX_ATTEMPTS,
            backoff_base_seconds=10.0,
            backoff_max_seconds=100.0,
            busy_delay_seconds=600.0,
        )
    )


def delivery(interview_id: str, receive_count: int) -> QueueMessage:
    return QueueMessage(
        message_id=f"m-{receive_count}",
        receipt=f"r-{receive_count}",
        receive_count=receive_count,
        interview_id=interview_id,
    )


# --- a request before its record ------------------------------------------------------------


@pytest.mark.parametrize("receive_count", range(1, MAX_ATTEMPTS))
def test_a_request_before_its_record_is_released_for_a_later_receive(
    world: WorkerWorld, receive_count: int
) -> None:
    interview_id = str(uuid.uuid4())

    handled = world.handler.handle(delivery(interview_id, receive_count))

    assert handled.decision.action is Action.RELEASE
    ceiling = world.policy.backoff_ceiling(receive_count)
    assert 0.0 < handled.decision.delay_seconds <= ceiling
    assert handled.report is not None and handled.report.error is not None
    assert handled.report.error.code == "INTERVIEW_NOT_FOUND"


def test_a_record_written_after_its_request_is_processed_on_the_next_receive(
    world: WorkerWorld,
) -> None:
    interview_id = str(uuid.uuid4())
    first = world.handler.handle(delivery(interview_id, 1))
    world.store.add(Interview(id=interview_id, video_path="videos/a.mp4"))

    second = world.handler.handle(delivery(interview_id, 2))

    assert first.decision.action is Action.RELEASE
    assert second.decision.action is Action.ACK
    assert world.state(interview_id).state is InterviewState.COMPLETED


@pytest.mark.parametrize("receive_count", [MAX_ATTEMPTS, MAX_ATTEMPTS + 1])
def test_a_request_whose_record_never_came_is_dropped_on_its_final_attempt_with_a_log_line(
    world: WorkerWorld, receive_count: int, caplog: pytest.LogCaptureFixture
) -> None:
    interview_id = str(uuid.uuid4())

    with caplog.at_level(logging.INFO):
        handled = world.handler.handle(delivery(interview_id, receive_count))

    assert handled.decision.action is Action.ACK
    assert interview_id in caplog.text and "INTERVIEW_NOT_FOUND" in caplog.text


# --- a duplicate of an interview in progress ------------------------------------------------


def test_a_duplicate_waits_for_the_leases_time_left_and_never_spends_the_originals_budget(
    world: WorkerWorld,
) -> None:
    interview_id = world.add_interview()
    original = world.store.claim(interview_id, "original-worker", LEASE, max_attempts=MAX_ATTEMPTS)

    # the duplicate comes back on every receive its queue allows, last looks included
    decisions = [
        world.handler.handle(delivery(interview_id, count)).decision
        for count in range(1, MAX_ATTEMPTS + SPARE_RECEIVES + 1)
    ]

    assert {d.action for d in decisions} == {Action.RELEASE}
    assert all(0.0 < d.delay_seconds <= LEASE + 1.0 for d in decisions)  # not the 600 s
    record = world.state(interview_id)
    assert record.state is InterviewState.PROCESSING
    assert record.lease_owner == "original-worker"
    assert record.attempts == original.attempts == 1
    assert record.error_code is None
    assert world.transcriber.calls == []
    # the original still finishes: its lease and attempt are intact
    world.store.mark_completed(interview_id, "original-worker", 0, generation=record.generation)
    late = world.handler.handle(delivery(interview_id, MAX_ATTEMPTS + SPARE_RECEIVES))
    assert late.decision.action is Action.ACK
    assert world.state(interview_id).state is InterviewState.COMPLETED
