"""DeliveryHandler: one message through the use case, its lease owner, its decision, its logs."""

from __future__ import annotations

import json
import logging
import time

import pytest

from entrypoints.delivery_handler import DeliveryHandler, worker_identity
from interview_core.delivery import (
    LAST_LOOK_MAX_DELAY_SECONDS,
    LAST_LOOK_RETRIES,
    Action,
    DeliveryPolicy,
)
from interview_core.errors import RepositoryUnavailable, TranscriptionUnavailable
from interview_core.ports import QueueMessage
from interview_core.report import Outcome
from interview_core.state import InterviewState
from tests.unit.entrypoints.worker_fakes import WorkerWorld

SECRET = "SENTINEL-TRANSCRIPT-41aa"


def received(world: WorkerWorld) -> QueueMessage:
    [message] = world.queue.receive(1, 0)
    return message


def test_each_delivery_gets_its_own_owner_named_after_the_worker() -> None:
    world = WorkerWorld()
    claims: list[tuple[str, str]] = []
    [first, second] = world.send_new(2)
    one = world.handler.handle(received(world), on_claimed=lambda i, o: claims.append((i, o)))
    two = world.handler.handle(received(world), on_claimed=lambda i, o: claims.append((i, o)))
    assert one.owner != two.owner
    assert one.owner is not None and one.owner.startswith("test-worker/")
    assert claims == [(first, one.owner), (second, two.owner)]
    assert one.decision.action is Action.ACK


def test_on_claimed_is_not_called_when_the_claim_is_refused() -> None:
    world = WorkerWorld()
    interview_id = world.add_interview()
    world.store.claim(interview_id, "elsewhere", 60.0)
    world.send(interview_id)
    claims: list[tuple[str, str]] = []
    handled = world.handler.handle(received(world), on_claimed=lambda i, o: claims.append((i, o)))
    assert claims == []
    assert handled.report is not None and handled.report.outcome is Outcome.BUSY


def test_the_receive_count_decides_the_final_attempt() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=2))
    [interview_id] = world.send_new(1)
    world.transcriber.faults.fail(TranscriptionUnavailable("throttled"), times=2)
    first = world.handler.handle(received(world))
    assert first.decision.action is Action.RELEASE
    world.queue.release(first.message, 0)
    second = world.handler.handle(received(world))
    assert second.message.receive_count == 2
    assert second.decision.action is Action.ACK
    assert world.state(interview_id).state is InterviewState.FAILED


def test_an_invalid_body_is_decided_without_the_use_case() -> None:
    world = WorkerWorld()
    world.queue.send("[1, 2]")
    handled = world.handler.handle(received(world))
    assert handled.report is None and handled.owner is None
    assert handled.decision.action is Action.RELEASE  # the default: for the dead-letter queue
    assert world.repo.calls == []


def test_the_metrics_line_and_the_decision_are_logged_with_ids_and_codes_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = WorkerWorld()
    world.extractor.questions[0] = world.extractor.questions[0].__class__(
        question=f"{SECRET}?", answer=SECRET
    )
    world.transcriber.faults.fail(TranscriptionUnavailable(f"upstream said {SECRET}"))
    [interview_id] = world.send_new(1)
    caplog.set_level(logging.INFO)
    message = received(world)
    world.handler.handle(message)
    metrics = [r for r in caplog.records if r.name == "ai_interviews.metrics"]
    assert len(metrics) == 1
    assert metrics[0].message_id == message.message_id  # type: ignore[attr-defined]
    assert "TRANSCRIPTION_UNAVAILABLE" in caplog.text
    assert interview_id in caplog.text
    assert SECRET not in caplog.text


def test_an_invalid_body_is_logged_by_message_id_and_reason_never_by_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = WorkerWorld()
    message_id = world.queue.send(json.dumps({"interview_id": SECRET}))
    world.handler.handle(received(world))
    assert f"message {message_id}" in caplog.text
    assert "interview_id is not a UUID" in caplog.text
    assert SECRET not in caplog.text


def test_the_identity_names_the_host_and_process() -> None:
    host, _, pid = worker_identity().rpartition(":")
    assert host and pid.isdigit()


def test_the_handler_exposes_its_policy() -> None:
    world = WorkerWorld()
    assert DeliveryHandler(world.use_case, world.policy).policy is world.policy


def test_a_lease_elsewhere_that_runs_out_in_seconds_is_waited_for_in_place() -> None:
    world = WorkerWorld()
    slept: list[float] = []
    handler = DeliveryHandler(
        world.use_case,
        world.policy,
        identity="test-worker",
        sleep=lambda seconds: (slept.append(seconds), time.sleep(seconds))[0],
    )
    interview_id = world.add_interview()
    world.store.claim(interview_id, "crashed-worker", 0.3)
    world.send(interview_id)

    handled = handler.handle(received(world))

    assert handled.decision.action is Action.ACK  # no receive spent on the dead lease
    assert len(slept) == 1 and 1.0 < slept[0] <= 1.3
    assert world.state(interview_id).state is InterviewState.COMPLETED


def test_a_lease_elsewhere_with_long_to_go_releases_the_message_at_once() -> None:
    world = WorkerWorld()
    slept: list[float] = []
    handler = DeliveryHandler(world.use_case, world.policy, sleep=slept.append)
    interview_id = world.add_interview()
    world.store.claim(interview_id, "live-worker", 45.0)
    world.send(interview_id)

    handled = handler.handle(received(world))

    assert slept == []
    assert handled.decision.action is Action.RELEASE
    assert handled.decision.delay_seconds == pytest.approx(46.0, abs=0.5)


def last_look_of_a_crashed_attempt(world: WorkerWorld) -> QueueMessage:
    """A message received once more than max_attempts=1 allows, its interview left
    processing by a worker that died with the lease."""
    interview_id = world.add_interview()
    world.store.claim(interview_id, "crashed-worker", 0.01)
    world.send(interview_id)
    world.queue.release(received(world), 0)
    time.sleep(0.02)  # the dead worker's lease has run out
    message = received(world)
    assert message.receive_count == 2
    return message


def test_a_last_look_that_meets_a_transient_error_is_tried_again_in_place() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=1))
    slept: list[float] = []
    handler = DeliveryHandler(world.use_case, world.policy, sleep=slept.append, jitter=lambda: 1)
    message = last_look_of_a_crashed_attempt(world)
    world.repo.faults["claim"].fail(RepositoryUnavailable("throttled"), times=2)

    handled = handler.handle(message)

    assert slept == [1.0, 2.0]  # in place: the message is never given back to the queue
    assert handled.decision.action is Action.ACK
    record = world.state(message.interview_id or "")
    assert (record.state, record.error_code) == (InterviewState.FAILED, "ATTEMPTS_EXHAUSTED")


def test_a_last_look_that_never_gets_through_is_released_and_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=1))
    slept: list[float] = []
    handler = DeliveryHandler(world.use_case, world.policy, sleep=slept.append, jitter=lambda: 0)
    message = last_look_of_a_crashed_attempt(world)
    world.repo.faults["get"].fail(RepositoryUnavailable("throttled"), times=None)

    handled = handler.handle(message)

    assert len(slept) == LAST_LOOK_RETRIES
    assert slept[:5] == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert max(slept) <= LAST_LOOK_MAX_DELAY_SECONDS
    assert handled.decision.action is Action.RELEASE
    assert "dead-letter queue" in caplog.text and "ERROR" in caplog.text


def test_an_earlier_receive_that_meets_a_transient_error_is_released_without_waiting() -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=3))
    slept: list[float] = []
    handler = DeliveryHandler(world.use_case, world.policy, sleep=slept.append)
    [interview_id] = world.send_new(1)
    world.repo.faults["claim"].fail(RepositoryUnavailable("throttled"))

    handled = handler.handle(received(world))

    assert slept == []
    assert handled.decision.action is Action.RELEASE
    assert world.state(interview_id).state is InterviewState.PENDING


@pytest.mark.parametrize("state", [InterviewState.DELETING, InterviewState.DELETED])
@pytest.mark.parametrize("receive_count", [1, 99])  # a first receive, and a last look
def test_a_request_for_a_deleted_interview_is_acknowledged_and_nothing_is_written(
    state: InterviewState, receive_count: int
) -> None:
    world = WorkerWorld(policy=DeliveryPolicy(max_attempts=3))
    interview_id = world.add_interview(state=state)
    before = world.state(interview_id)
    world.send(interview_id)
    message = received(world)
    message = QueueMessage(message.message_id, message.receipt, receive_count, message.interview_id)

    handled = world.handler.handle(message)

    assert handled.decision.action is Action.ACK
    assert handled.report is not None and handled.report.outcome is Outcome.SKIPPED
    assert world.state(interview_id) == before
    assert not world.transcriber.started.is_set()  # no work began
    assert world.store.list_questions(interview_id) == []
