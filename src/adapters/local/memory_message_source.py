"""InMemoryMessageSource: an SQS-like queue in memory, with visibility and a dead-letter list."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from adapters.local.queue_rules import LocalQueue, QueuedMessage, QueueRules
from adapters.messages import dead_letter_from_body, queue_message_from_body, request_body
from interview_core.clock import SystemClock
from interview_core.limits import QUEUE_VISIBILITY_SECONDS
from interview_core.records import check_limit

if TYPE_CHECKING:
    from interview_core.ports import Clock, DeadLetter, QueueMessage


@attrs.define
class _Entry:
    message_id: str
    body: str
    visible_at: datetime
    receive_count: int = 0
    receipt: str | None = None

    def snapshot(self) -> QueuedMessage:
        return QueuedMessage(self.message_id, self.body, self.receive_count)


class InMemoryMessageSource(LocalQueue):
    """A MessageSource in memory that behaves like an SQS standard queue with a redrive policy.

    Each receive hides a message for `visibility_timeout` seconds, counts the receive and
    issues a new receipt. A message whose receive count would exceed `max_receive_count`
    moves to `dead_letters` instead of being delivered; `requeue` replaces a message by a
    fresh copy whose receive count starts again. Only the latest receipt acts: ack, release,
    extend and requeue with an earlier receipt (or for a deleted message) succeed and change
    nothing, so a slow worker can never delete or hide a newer delivery (SQS may honour a
    stale handle; refusing it is the safe reading). With `long_poll`, receive waits up to
    `wait_seconds` of real time for a message; without it (tests on a ManualClock, where time
    moves only when told) receive returns at once. Thread-safe.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        visibility_timeout: float = QUEUE_VISIBILITY_SECONDS,
        max_receive_count: int | None = None,
        *,
        long_poll: bool = True,
    ) -> None:
        """Raise ValueError for a visibility timeout outside 0..12 h or a limit below 1."""
        self._rules = QueueRules(visibility_timeout, max_receive_count, long_poll)
        self._clock: Clock = clock or SystemClock()
        self._changed = threading.Condition()
        self._entries: dict[str, _Entry] = {}
        self._dead: list[QueuedMessage] = []

    def send(self, body: str, delay_seconds: float = 0) -> str:
        """Enqueue `body`, visible after `delay_seconds` (0 to 900); returns the message id.

        Any body is accepted, even one SQS would refuse as too large, so that tests can
        deliver what a misbehaving producer might; receive reports it as a body error.
        """
        self._rules.check_send(delay_seconds)
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
        `wait_seconds` for a first message when long polling.
        """
        self._rules.check_receive(max_messages)
        deadline = self._rules.poll_deadline(wait_seconds)
        with self._changed:
            while True:
                now = self._clock.now()
                delivered = self._deliver(now, max_messages)
                left = deadline - time.monotonic()
                if delivered or left <= 0:
                    return delivered
                self._changed.wait(self._seconds_to_wait(now, left))

    def ack(self, message: QueueMessage) -> None:
        """Delete the message if `message` is its latest delivery; otherwise do nothing."""
        with self._changed:
            if self._current(message) is not None:
                del self._entries[message.message_id]

    def requeue(self, message: QueueMessage, delay_seconds: float) -> None:
        """Replace the message, if `message` is its latest delivery, by a fresh copy of its
        body under a new id, never received, visible after `delay_seconds` (clamped to
        0..900), in one step. Raises ValueError for a message that is not a request."""
        self._rules.check_requeue(message)
        delay = self._rules.send_delay(delay_seconds)
        with self._changed:
            entry = self._current(message)
            if entry is None:
                return
            del self._entries[message.message_id]
            copy_id = str(uuid.uuid4())
            self._entries[copy_id] = _Entry(
                message_id=copy_id,
                body=entry.body,
                visible_at=self._clock.now() + timedelta(seconds=delay),
            )
            self._changed.notify_all()

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
            if self._rules.dead_letters(entry.receive_count):
                del self._entries[entry.message_id]
                self._dead.append(entry.snapshot())
                continue
            entry.receive_count += 1
            entry.receipt = uuid.uuid4().hex
            entry.visible_at = now + timedelta(seconds=self._rules.visibility_timeout)
            delivered.append(
                queue_message_from_body(
                    message_id=entry.message_id,
                    receipt=entry.receipt,
                    receive_count=entry.receive_count,
                    body=entry.body,
                )
            )
        return delivered

    def _seconds_to_wait(self, now: datetime, left: float) -> float:
        """The `left` seconds of the poll, or fewer when a hidden message becomes visible."""
        wakes = [(e.visible_at - now).total_seconds() for e in self._entries.values()]
        return max(min([left, *wakes]), 0.001)

    def _hide(self, message: QueueMessage, seconds: float) -> None:
        seconds = self._rules.hidden_seconds(seconds)
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

    # --- the RequestSender and DeadLetterQueue roles --------------------------------------

    def send_request(self, interview_id: str) -> str:
        """Send `{"interview_id": ...}`; returns the message id."""
        return self.send(request_body(interview_id))

    def peek_dead_letters(self, limit: int) -> list[DeadLetter]:
        """Up to `limit` dead letters in the order they were moved, all left in place."""
        check_limit(limit)
        with self._changed:
            moved = self._dead[:limit]
        return [
            dead_letter_from_body(
                message_id=m.message_id, receive_count=m.receive_count, body=m.body
            )
            for m in moved
        ]

    def redrive_dead_letters(self) -> int:
        """Put every dead letter back on the queue, visible now and never received."""
        with self._changed:
            moved, self._dead = self._dead, []
            now = self._clock.now()
            for message in moved:
                self._entries[message.message_id] = _Entry(
                    message_id=message.message_id, body=message.body, visible_at=now
                )
            self._changed.notify_all()
        return len(moved)
