"""Giving work back at shutdown: in parallel, within one deadline, whatever the network does."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from entrypoints.worker.delivery import InFlight
from entrypoints.worker.heartbeat import DeliveryHeartbeat
from entrypoints.worker.shutdown import give_back
from interview_core.ports import QueueMessage

HUNG = "hung"


class HangingQueue:
    """Releases messages at once, except those whose id starts with `hung`: those never
    return until `unblock` (as a call into a black-holed endpoint)."""

    def __init__(self) -> None:
        self.released: list[str] = []
        self.unblock = threading.Event()

    def release(self, message: QueueMessage, delay_seconds: float) -> None:
        if message.message_id.startswith(HUNG):
            self.unblock.wait(30)
        self.released.append(message.message_id)

    def extend(self, message: QueueMessage, visibility_seconds: float) -> None:
        """Never called: the heartbeats are not started."""

    def ack(self, message: QueueMessage) -> None:
        """Never called at shutdown."""

    def receive(self, max_messages: int, wait_seconds: float) -> list[QueueMessage]:
        return []


class HangingLeases:
    """Releases leases at once, except for interviews whose id starts with `hung`."""

    def __init__(self, unblock: threading.Event) -> None:
        self.released: list[str] = []
        self.unblock = unblock

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        if interview_id.startswith(HUNG):
            self.unblock.wait(30)
        self.released.append(interview_id)

    def extend_lease(self, interview_id: str, owner: str, seconds: float) -> None:
        """Never called: the heartbeats are not started."""


def _work(
    name: str, queue: HangingQueue, leases: HangingLeases
) -> tuple[InFlight, DeliveryHeartbeat]:
    entry = InFlight(QueueMessage(f"{name}-message", f"receipt-{name}", 1, f"{name}-interview"))
    entry.lease_claimed(f"{name}-interview", "worker-1")
    heartbeat = DeliveryHeartbeat(
        queue,  # type: ignore[arg-type]
        leases,  # type: ignore[arg-type]
        entry,
        visibility_seconds=30,
        lease_seconds=30,
    )
    return entry, heartbeat


def test_a_hung_give_back_ends_at_the_deadline_and_does_not_hold_up_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = HangingQueue()
    leases = HangingLeases(queue.unblock)
    cancels: list[int] = []
    work = [_work(HUNG, queue, leases), _work("quick", queue, leases)]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="ai_interviews.worker"):
        given_back = give_back(
            queue,  # type: ignore[arg-type]
            leases,  # type: ignore[arg-type]
            work,
            lambda: cancels.append(1),
            deadline_seconds=0.5,
        )
    took = time.monotonic() - started
    queue.unblock.set()
    assert 0.5 <= took < 1.5
    assert given_back == 1
    assert leases.released[:1] == ["quick-interview"]
    assert queue.released[:1] == ["quick-message"]
    assert cancels == [1]  # media children are killed even when a give-back hangs
    assert f"could not give back message {HUNG}-message" in caplog.text


def test_give_backs_that_answer_return_as_soon_as_they_are_done() -> None:
    queue = HangingQueue()
    leases = HangingLeases(queue.unblock)
    work = [_work(f"quick{n}", queue, leases) for n in range(3)]
    started = time.monotonic()
    given_back = give_back(queue, leases, work, None, deadline_seconds=5.0)  # type: ignore[arg-type]
    assert time.monotonic() - started < 1.0
    assert given_back == 3
    assert sorted(queue.released) == [f"quick{n}-message" for n in range(3)]
    assert sorted(leases.released) == [f"quick{n}-interview" for n in range(3)]
