"""The SQS-like rules both local queues keep: limits, visibility, redrive and long polling."""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import attrs

from interview_core.limits import (
    MAX_RECEIVE_BATCH,
    MAX_SEND_DELAY_SECONDS,
    MAX_VISIBILITY_SECONDS,
    QUEUE_VISIBILITY_SECONDS,
)

if TYPE_CHECKING:
    from interview_core.ports import QueueMessage


@attrs.frozen
class QueuedMessage:
    """A message as a local queue holds it, for inspection by tests and tools."""

    message_id: str
    body: str
    receive_count: int


@attrs.frozen
class QueueRules:
    """How a local queue behaves like an SQS standard queue with a redrive policy.

    Each receive hides a message for `visibility_timeout` seconds; a message whose receive
    count would pass `max_receive_count` is dead-lettered instead of delivered. With
    `long_poll`, a receive waits up to its `wait_seconds` (in real time) for a first message;
    without it (tests on a manual clock) a receive returns at once. Raises ValueError for a
    visibility timeout outside 0..12 h or a receive limit below 1.
    """

    visibility_timeout: float = QUEUE_VISIBILITY_SECONDS
    max_receive_count: int | None = None
    long_poll: bool = True

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.visibility_timeout <= MAX_VISIBILITY_SECONDS:
            raise ValueError("visibility_timeout must be between 0 and 12 hours")
        if self.max_receive_count is not None and self.max_receive_count < 1:
            raise ValueError("max_receive_count must be at least 1")

    @staticmethod
    def check_send(delay_seconds: float) -> None:
        """Raise ValueError for a delivery delay SQS would refuse (outside 0..900 s)."""
        if not 0 <= delay_seconds <= MAX_SEND_DELAY_SECONDS:
            raise ValueError(f"delay_seconds must be between 0 and {MAX_SEND_DELAY_SECONDS}")

    @staticmethod
    def check_receive(max_messages: int) -> None:
        """Raise ValueError for a batch size SQS would refuse (outside 1..10)."""
        if not 1 <= max_messages <= MAX_RECEIVE_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_RECEIVE_BATCH}")

    @staticmethod
    def send_delay(seconds: float) -> float:
        """A requeued copy's delay clamped to SQS's 0..900 s (NaN counts as 0)."""
        if math.isnan(seconds):
            return 0.0
        return min(max(seconds, 0.0), float(MAX_SEND_DELAY_SECONDS))

    @staticmethod
    def check_requeue(message: QueueMessage) -> None:
        """Raise ValueError for a message that is not an interview request."""
        if message.interview_id is None:
            raise ValueError("only an interview request can be requeued")

    @staticmethod
    def hidden_seconds(seconds: float) -> float:
        """A release or extension's seconds clamped to SQS's 0..12 h."""
        return min(max(seconds, 0.0), MAX_VISIBILITY_SECONDS)

    def dead_letters(self, receive_count: int) -> bool:
        """Whether a message received `receive_count` times goes to the dead letters now."""
        return self.max_receive_count is not None and receive_count >= self.max_receive_count

    def poll_deadline(self, wait_seconds: float) -> float:
        """The monotonic time a receive may wait until: now when not long polling."""
        now = time.monotonic()
        return now + max(wait_seconds, 0.0) if self.long_poll else now


class LocalQueue(ABC):
    """What both local queues do alike: a release and an extension only move when the
    latest delivery of a message becomes visible again."""

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

    @abstractmethod
    def _hide(self, message: QueueMessage, seconds: float) -> None:
        """Hide `message` for `seconds` from now (clamped to 0..12 h) if it is the latest
        delivery of its message; otherwise do nothing."""
