"""InMemoryMessageSource: visibility, receipts, delays, extension, redrive and long polling."""

from __future__ import annotations

import json
import threading
import time

import pytest

from adapters.local.memory_message_source import InMemoryMessageSource, QueuedMessage
from interview_core.clock import ManualClock, SystemClock
from interview_core.limits import MAX_VISIBILITY_SECONDS

ID_A = "0d9e5c8a-6a3b-4f43-9f5e-3f7a2b1c9d10"
ID_B = "5b1f7e2c-1d4a-4c8b-8e6f-9a0b1c2d3e4f"
VISIBILITY = 30.0


def body(interview_id: str) -> str:
    return json.dumps({"interview_id": interview_id})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def queue(clock: ManualClock) -> InMemoryMessageSource:
    return InMemoryMessageSource(clock, visibility_timeout=VISIBILITY, long_poll=False)


def test_a_sent_message_is_received_once_and_hidden(queue: InMemoryMessageSource) -> None:
    message_id = queue.send(body(ID_A))

    [message] = queue.receive(10, 0)

    assert message.message_id == message_id
    assert message.interview_id == ID_A
    assert message.receive_count == 1
    assert message.body_error is None
    assert queue.receive(10, 0) == []
    assert queue.in_flight() == [QueuedMessage(message_id, body(ID_A), 1)]
    assert queue.visible() == []


def test_an_invalid_body_is_delivered_with_its_error(queue: InMemoryMessageSource) -> None:
    queue.send('{"interview_id": "nope", "secret": "do not log"}')

    [message] = queue.receive(1, 0)

    assert message.interview_id is None
    assert message.body_error is not None
    assert "do not log" not in message.body_error


def test_receive_returns_at_most_the_batch_size_oldest_first(
    queue: InMemoryMessageSource,
) -> None:
    sent = [queue.send(body(ID_A)) for _ in range(5)]

    first = queue.receive(3, 0)
    rest = queue.receive(10, 0)

    assert [m.message_id for m in first] == sent[:3]
    assert [m.message_id for m in rest] == sent[3:]


@pytest.mark.parametrize("size", [0, 11])
def test_batch_sizes_outside_sqs_limits_are_refused(
    queue: InMemoryMessageSource, size: int
) -> None:
    with pytest.raises(ValueError):
        queue.receive(size, 0)


def test_an_unacked_message_returns_after_the_visibility_timeout_with_a_new_receipt(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    queue.send(body(ID_A))
    [first] = queue.receive(1, 0)

    clock.advance(VISIBILITY - 1)
    assert queue.receive(1, 0) == []
    clock.advance(1)
    [second] = queue.receive(1, 0)

    assert second.message_id == first.message_id
    assert second.receive_count == 2
    assert second.receipt != first.receipt


def test_ack_deletes_the_message(queue: InMemoryMessageSource, clock: ManualClock) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)

    queue.ack(message)
    clock.advance(VISIBILITY * 10)

    assert queue.receive(10, 0) == []
    assert len(queue) == 0
    queue.ack(message)  # acking again is harmless


def test_ack_with_a_stale_receipt_keeps_the_newer_delivery(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    queue.send(body(ID_A))
    [old] = queue.receive(1, 0)
    clock.advance(VISIBILITY)
    [new] = queue.receive(1, 0)

    queue.ack(old)

    assert [m.message_id for m in queue.in_flight()] == [new.message_id]
    queue.ack(new)
    assert len(queue) == 0


def test_the_latest_receipt_still_acks_after_visibility_expired(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)
    clock.advance(VISIBILITY * 2)

    queue.ack(message)

    assert len(queue) == 0


def test_release_makes_the_message_visible_after_the_delay(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)

    queue.release(message, 5)

    assert queue.receive(1, 0) == []
    clock.advance(5)
    [again] = queue.receive(1, 0)
    assert again.receive_count == 2


def test_release_without_delay_makes_it_visible_at_once(queue: InMemoryMessageSource) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)

    queue.release(message, 0)

    assert [m.message_id for m in queue.visible()] == [message.message_id]


def test_release_and_extend_with_a_stale_receipt_change_nothing(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    queue.send(body(ID_A))
    [old] = queue.receive(1, 0)
    clock.advance(VISIBILITY)
    queue.receive(1, 0)

    queue.release(old, 0)
    queue.extend(old, 3600)

    assert queue.visible() == []
    clock.advance(VISIBILITY)
    assert len(queue.visible()) == 1


def test_extend_keeps_the_message_hidden(queue: InMemoryMessageSource, clock: ManualClock) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)
    clock.advance(VISIBILITY - 1)

    queue.extend(message, 120)
    clock.advance(119)

    assert queue.receive(1, 0) == []
    clock.advance(1)
    assert len(queue.receive(1, 0)) == 1


def test_extend_is_clamped_to_twelve_hours(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)

    queue.extend(message, 10 * MAX_VISIBILITY_SECONDS)
    clock.advance(MAX_VISIBILITY_SECONDS - 1)
    assert queue.visible() == []
    clock.advance(1)

    assert len(queue.visible()) == 1


def test_a_negative_release_delay_means_now(queue: InMemoryMessageSource) -> None:
    queue.send(body(ID_A))
    [message] = queue.receive(1, 0)

    queue.release(message, -10)

    assert len(queue.visible()) == 1


def test_a_delayed_message_waits_before_its_first_delivery(
    queue: InMemoryMessageSource, clock: ManualClock
) -> None:
    message_id = queue.send(body(ID_A), delay_seconds=10)

    assert queue.receive(1, 0) == []
    assert [m.message_id for m in queue.delayed()] == [message_id]
    assert queue.in_flight() == []
    clock.advance(10)
    assert [m.message_id for m in queue.receive(1, 0)] == [message_id]


@pytest.mark.parametrize("delay", [-1, 901])
def test_send_refuses_delays_sqs_refuses(queue: InMemoryMessageSource, delay: float) -> None:
    with pytest.raises(ValueError):
        queue.send(body(ID_A), delay_seconds=delay)


def test_a_message_received_too_often_moves_to_the_dead_letters(clock: ManualClock) -> None:
    queue = InMemoryMessageSource(clock, visibility_timeout=VISIBILITY, max_receive_count=2)
    poison = queue.send(body(ID_A))
    counts = []
    for _ in range(2):
        [message] = queue.receive(1, 0)
        counts.append(message.receive_count)
        clock.advance(VISIBILITY)
    healthy = queue.send(body(ID_B))

    delivered = queue.receive(10, 0)

    assert counts == [1, 2]
    assert [m.message_id for m in delivered] == [healthy]
    assert queue.dead_letters == [QueuedMessage(poison, body(ID_A), 2)]
    assert len(queue) == 1


def test_dead_letters_do_not_count_against_the_batch(clock: ManualClock) -> None:
    queue = InMemoryMessageSource(clock, visibility_timeout=VISIBILITY, max_receive_count=1)
    queue.send(body(ID_A))
    queue.receive(1, 0)
    clock.advance(VISIBILITY)
    fresh = queue.send(body(ID_B))

    assert [m.message_id for m in queue.receive(1, 0)] == [fresh]
    assert len(queue.dead_letters) == 1


@pytest.mark.parametrize(
    ("visibility", "max_receive"), [(-1.0, None), (MAX_VISIBILITY_SECONDS + 1.0, None), (1, 0)]
)
def test_settings_outside_sqs_limits_are_refused(
    visibility: float, max_receive: int | None
) -> None:
    with pytest.raises(ValueError):
        InMemoryMessageSource(visibility_timeout=visibility, max_receive_count=max_receive)


def test_with_a_manual_clock_receive_does_not_wait(queue: InMemoryMessageSource) -> None:
    started = time.monotonic()

    assert queue.receive(10, 20) == []
    assert time.monotonic() - started < 1


def test_with_the_system_clock_receive_waits_up_to_the_limit() -> None:
    queue = InMemoryMessageSource(SystemClock())
    started = time.monotonic()

    assert queue.receive(10, 0.2) == []
    assert 0.15 <= time.monotonic() - started < 2


def test_a_long_poll_returns_as_soon_as_a_message_arrives() -> None:
    queue = InMemoryMessageSource()
    sender = threading.Timer(0.1, queue.send, args=(body(ID_A),))
    started = time.monotonic()
    sender.start()

    messages = queue.receive(10, 5)

    sender.join()
    assert [m.interview_id for m in messages] == [ID_A]
    assert time.monotonic() - started < 2


def test_a_long_poll_wakes_for_a_delayed_message() -> None:
    queue = InMemoryMessageSource()
    queue.send(body(ID_A), delay_seconds=0.2)
    started = time.monotonic()

    messages = queue.receive(10, 5)

    assert [m.interview_id for m in messages] == [ID_A]
    assert 0.15 <= time.monotonic() - started < 2


def test_concurrent_receivers_never_share_a_delivery(queue: InMemoryMessageSource) -> None:
    sent = {queue.send(body(ID_A)) for _ in range(200)}
    received: list[str] = []
    lock = threading.Lock()

    def drain() -> None:
        while batch := queue.receive(3, 0):
            with lock:
                received.extend(m.message_id for m in batch)

    threads = [threading.Thread(target=drain) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(received) == sorted(sent)
