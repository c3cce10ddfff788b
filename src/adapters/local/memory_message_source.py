"""InMemoryMessageSource: an SQS-like queue in memory, with visibility and a dead-letter list."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from adapters.messages import queue_message_from_body
from interview_core.clock import SystemClock

if TYPE_CHECKING:
    from interview_core.ports import Clock, QueueMessage

MAX_VISIBILITY_SECONDS = 12 * 60 * 60
"""SQS's limit on a visibility timeout."""

MAX_DELAY_SECONDS = 15 * 60
"""SQS's limit on a message's delivery delay."""

MAX_RECEIVE_BATCH = 10
"""SQS returns at most ten messages per receive."""


@attrs.frozen
class QueuedMessage:
    """A message as the queue holds it, for inspection by tests and tools."""

    message_id: str
    body: str
    receive_count: int


@attrs.define
class _Entry:
    message_id: str
    body: str
    visible_at: datetime
    receive_count: int = 0
    receipt: str | None = None

    def snapshot(self) -> QueuedMessage:
        return QueuedMessage(self.message_id, self.body, self.receive_count)


class InMemoryMessageSource:
    """A MessageSource in memory that behaves like an SQS standard queue with a redrive policy.

    Each receive hides a message for `visibility_timeout` seconds, counts the receive and
    issues a new receipt. A message whose receive count would exceed `max_receive_count`
    moves to `dead_letters` instead of being delivered. Only the latest receipt acts: ack,
    release and extend with an earlier receipt (or for a deleted message) succeed and change
    nothing, so a slow worker can never delete or hide a newer delivery (SQS may honour a
    stale handle; refusing it is the safe reading). With the system clock, receive waits up
    to `wait_seconds` for a message like a long poll; with any other clock (a ManualClock in
    tests) time moves only when told, so receive returns at once. Thread-safe.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        visibility_timeout: float = 30.0,
        max_receive_count: int | None = None,
    ) -> None:
        if not 0 <= visibility_timeout <= MAX_VISIBILITY_SECONDS:
            raise ValueError("visibility_timeout must be between 0 and 12 hours")
        if max_receive_count is not None and max_receive_count < 1:
            raise ValueError("max_receive_count must be at least 1")
        self._clock: Clock = clock or SystemClock()
        self._waits = isinstance(self._clock, SystemClock)
        self._visibility_timeout = visibility_timeout
        self._max_receive_count = max_receive_count
        self._changed = threading.Condition()
        self._entries: dict[str, _Entry] = {}
        self._dead: list[QueuedMessage] = []

    def send(self, body: str, delay_seconds: float = 0) -> str:
        """Enqueue `body`, visible after `delay_seconds` (0 to 900); returns the message id.

        Any body is accepted, even one SQS would refuse as too large, so that tests can
        deliver what a misbehaving producer might; receive reports it as a body error.
        """
        if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
            raise ValueError("delay_seconds must be between 0 and 900")
        message_id = str(uuid.uuid4())
        with self._changed:
            self._entries[message_id] = _Entry(
                message_id=message_id,
                body=body,
                visible_at=self._clock.now() + timedelta(seconds=delay_seconds),
            )
            self._changed.notify_all()
        return message_id

    def receive(self, max_messages: int, wait_seconds: float) -> list[QueueMessage]:
        """Up to `max_messages` (1 to 10) visible messages, oldest first.

        Each is hidden for the visibility timeout and gets a new receipt; one whose receive
        count would pass `max_receive_count` goes to the dead letters instead. Waits up to
        `wait_seconds` for a first message when the clock is the system clock.
        """
        if not 1 <= max_messages <= MAX_RECEIVE_BATCH:
            raise ValueError("max_messages must be between 1 and 10")
        deadline = self._clock.now() + timedelta(seconds=max(wait_seconds, 0))
        with self._changed:
            while True:
                now = self._clock.now()
                delivered = self._deliver(now, max_messages)
                if delivered or not self._waits or now >= deadline:
                    return delivered
                self._changed.wait(self._seconds_to_wait(now, deadline))

    def ack(self, message: QueueMessage) -> None:
        """Delete the message if `message` is its latest delivery; otherwise do nothing."""
        with self._changed:
            if self._current(message) is not None:
                del self._entries[message.message_id]

    def release(self, message: QueueMessage, delay_seconds: float) -> None:
        """Make the message visible again after `delay_seconds` (clamped to 0..12 h).

        Does nothing unless `message` is the latest delivery.
        """
        self._hide(message, delay_seconds)

    def extend(self, message: QueueMessage, visibility_seconds: float) -> None:
        """Keep the message hidden for `visibility_seconds` from now (clamped to 0..12 h).

        Does nothing unless `message` is the latest delivery.
        """
        self._hide(message, visibility_seconds)

    # --- inspection -----------------------------------------------------------------------

    def visible(self) -> list[QueuedMessage]:
        """Messages a receive could return now, oldest first."""
        now = self._clock.now()
        with self._changed:
            return [e.snapshot() for e in self._ordered() if e.visible_at <= now]

    def in_flight(self) -> list[QueuedMessage]:
        """Messages received at least once and hidden now (by visibility or a release)."""
        now = self._clock.now()
        with self._changed:
            return [
                e.snapshot() for e in self._ordered() if e.receive_count > 0 and e.visible_at > now
            ]

    def delayed(self) -> list[QueuedMessage]:
        """Messages never received and not yet visible because they were sent with a delay."""
        now = self._clock.now()
        with self._changed:
            return [
                e.snapshot() for e in self._ordered() if e.receive_count == 0 and e.visible_at > now
            ]

    @property
    def dead_letters(self) -> list[QueuedMessage]:
        """Messages moved aside after too many receives, in the order they were moved."""
        with self._changed:
            return list(self._dead)

    def __len__(self) -> int:
        """How many messages the queue holds, visible or not (dead letters excluded)."""
        with self._changed:
            return len(self._entries)

    # --- helpers, called with the lock held -------------------------------------------------

    def _deliver(self, now: datetime, max_messages: int) -> list[QueueMessage]:
        delivered: list[QueueMessage] = []
        for entry in self._ordered():
            if len(delivered) == max_messages:
                break
            if entry.visible_at > now:
                continue
            if self._max_receive_count is not None and (
                entry.receive_count >= self._max_receive_count
            ):
                del self._entries[entry.message_id]
                self._dead.append(entry.snapshot())
                continue
            entry.receive_count += 1
            entry.receipt = uuid.uuid4().hex
            entry.visible_at = now + timedelta(seconds=self._visibility_timeout)
            delivered.append(
                queue_message_from_body(
                    message_id=entry.message_id,
                    receipt=entry.receipt,
                    receive_count=entry.receive_count,
                    body=entry.body,
                )
            )
        return delivered

    def _seconds_to_wait(self, now: datetime, deadline: datetime) -> float:
        """Until the deadline, or sooner when a hidden message becomes visible."""
        wake = min([deadline, *(e.visible_at for e in self._entries.values())])
        return max((wake - now).total_seconds(), 0.001)

    def _hide(self, message: QueueMessage, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), MAX_VISIBILITY_SECONDS)
        with self._changed:
            entry = self._current(message)
            if entry is not None:
                entry.visible_at = self._clock.now() + timedelta(seconds=seconds)
                self._changed.notify_all()

    def _current(self, message: QueueMessage) -> _Entry | None:
        entry = self._entries.get(message.message_id)
        if entry is None or entry.receipt != message.receipt:
            return None
        return entry

    def _ordered(self) -> list[_Entry]:
        return list(self._entries.values())  # dicts keep insertion order: oldest first
