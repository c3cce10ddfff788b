"""What happens to a delivered message: acknowledged, or released to come back after a delay."""

from __future__ import annotations

import enum
import random
from typing import TYPE_CHECKING

import attrs

from interview_core.limits import (
    DEFAULT_LEASE_SECONDS,
    DEFAULT_THROTTLE_PATIENCE_SECONDS,
    MAX_SEND_DELAY_SECONDS,
    MAX_VISIBILITY_SECONDS,
    SPARE_RECEIVES,
)
from interview_core.report import Outcome

if TYPE_CHECKING:
    from collections.abc import Callable

    from interview_core.ports import QueueMessage
    from interview_core.report import ProcessingReport

MAX_DELAY_SECONDS = float(MAX_VISIBILITY_SECONDS)
"""The longest a released message can stay hidden: the queue's ceiling on visibility."""

BUSY_MARGIN_SECONDS = 1.0
"""Added to the time a lease held elsewhere has left before its message comes back."""

BUSY_WAIT_SECONDS = 10.0
"""A lease held elsewhere that runs out within this (margin included) is waited out in place
and the claim tried once more, so that a crashed holder's lease costs no receive."""

LAST_LOOK_RETRIES = 6
"""How often a last look that met a transient error is tried again in place."""

LAST_LOOK_MAX_DELAY_SECONDS = 16.0
"""The longest pause between two of those tries (about a minute in all)."""

THROTTLE_MAX_DELAY_SECONDS = 240.0
"""The longest a throttled interview waits between two tries, whatever the backoff: a quota
storm ends without notice, and each interview should look again within minutes of its end
(the retry after the longest wait then lands within 5 minutes of it). A Retry-After the
service sent is honoured beyond it, up to MAX_SEND_DELAY_SECONDS."""

_MAX_EXPONENT = 64  # 2**64 times any sensible base is far above the ceiling


class InvalidMessageAction(enum.StrEnum):
    """What to do with a message whose body is not an interview request."""

    DELETE = "delete"  # acknowledge it: it is logged (id and reason) and gone
    DEAD_LETTER = "dead-letter"  # release it at once so the queue's redrive policy moves it


class Action(enum.StrEnum):
    """The four ways a delivery ends."""

    ACK = "ack"  # delete the message: its work is done or can never be done
    RELEASE = "release"  # make the message visible again after a delay
    REQUEUE = "requeue"  # a fresh copy after a delay, this one deleted: receive count anew
    KEEP = "keep"  # leave the message be and stop: the deployment must be fixed first


@attrs.frozen
class Decision:
    """How to end one delivery, and a short reason for the log."""

    action: Action
    delay_seconds: float = 0.0
    reason: str = ""

    @property
    def acknowledges(self) -> bool:
        """Whether the message is to be deleted."""
        return self.action is Action.ACK

    @property
    def halts(self) -> bool:
        """Whether the consumer must stop: the deployment is at fault, not the message."""
        return self.action is Action.KEEP


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ValueError(f"{attribute.name} must be positive")


def _not_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{attribute.name} must not be negative")


@attrs.frozen
class DeliveryPolicy:
    """Retry rules for interview requests delivered at least once.

    `max_attempts` is how often an interview is attempted: the receive (or the claim, which
    counts attempts on the record) that reaches it is the final attempt, on which a transient
    error marks the interview failed instead of retrying, and a claim after it marks the
    interview failed (ATTEMPTS_EXHAUSTED). The queue's redrive `maxReceiveCount` must be
    larger, so that this last look happens before the dead-letter queue takes the message,
    and should be larger by SPARE_RECEIVES, so that a receive lost to a kill cannot cost it.
    A transient error releases the message after a delay drawn with full jitter from
    [0, min(backoff_max_seconds, backoff_base_seconds * 2 ** (receive_count - 1))]; an
    interview leased by another worker releases it for the time that lease has left (see
    `busy_delay`), at most `busy_delay_seconds`, which should be the lease duration so that
    a crashed holder's lease has expired by then. Every delay is capped at MAX_DELAY_SECONDS.

    Throttling is not the interview's doing: a run that ends throttled requeues its message
    (a fresh copy whose receive count starts again, so that waiting never brings it nearer
    the dead-letter queue) after `throttle_delay`, and the use case gives its attempt back.
    It waits so for `throttle_patience_seconds` (measured on the record from its first
    throttled run since it last made progress), after which it is failed with
    THROTTLE_PATIENCE_EXHAUSTED.
    """

    max_attempts: int = attrs.field(default=5)
    backoff_base_seconds: float = attrs.field(default=10.0, validator=_positive)
    backoff_max_seconds: float = attrs.field(default=900.0, validator=_positive)
    busy_delay_seconds: float = attrs.field(default=DEFAULT_LEASE_SECONDS, validator=_not_negative)
    invalid_messages: InvalidMessageAction = InvalidMessageAction.DEAD_LETTER
    throttle_patience_seconds: float = attrs.field(
        default=DEFAULT_THROTTLE_PATIENCE_SECONDS, validator=_positive
    )

    @max_attempts.validator
    def _at_least_one(self, attribute: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise ValueError("max_attempts must be at least 1")

    def is_final_attempt(self, message: QueueMessage) -> bool:
        """Whether this receive is the last one the message gets before the dead-letter queue."""
        return message.receive_count >= self.max_attempts

    def is_last_look(self, message: QueueMessage) -> bool:
        """Whether this receive comes after the last attempt: it starts no work, and ends an
        unfinished interview (ATTEMPTS_EXHAUSTED) before the dead-letter queue takes the
        message. Receives count what claims cannot: a worker killed between a receive and its
        claim, or a delivery that found the interview busy."""
        return message.receive_count > self.max_attempts

    def last_look_retry(
        self,
        message: QueueMessage,
        report: ProcessingReport,
        tries: int,
        jitter: Callable[[], float] = random.random,
    ) -> float | None:
        """Seconds to wait in place before the last look is tried again; None to decide.

        A last look that met a transient error (the store throttled, say) is not released:
        the queue's next receive of it may be the one that moves it to the dead-letter queue
        and leaves the interview unfinished for good. It is tried again in place, while its
        message stays hidden, up to LAST_LOOK_RETRIES times after pauses of 1, 2, 4, ... s
        (at most LAST_LOOK_MAX_DELAY_SECONDS, the upper half jittered).
        """
        if report.outcome is not Outcome.RETRY or not self.is_last_look(message):
            return None
        if tries >= LAST_LOOK_RETRIES:
            return None
        ceiling = min(2.0 ** min(tries, _MAX_EXPONENT), LAST_LOOK_MAX_DELAY_SECONDS)
        return ceiling * (0.5 + 0.5 * min(max(jitter(), 0.0), 1.0))

    def backoff_ceiling(self, receive_count: int) -> float:
        """The longest retry delay after the `receive_count`-th receive failed transiently."""
        exponent = min(max(receive_count, 1) - 1, _MAX_EXPONENT)
        return min(
            self.backoff_base_seconds * 2.0**exponent, self.backoff_max_seconds, MAX_DELAY_SECONDS
        )

    def retry_delay(self, receive_count: int, jitter: Callable[[], float] = random.random) -> float:
        """A delay with full jitter: `jitter()` (a number in [0, 1)) times the ceiling."""
        fraction = min(max(jitter(), 0.0), 1.0)
        return fraction * self.backoff_ceiling(receive_count)

    def throttle_delay(
        self,
        message: QueueMessage,
        report: ProcessingReport,
        jitter: Callable[[], float] = random.random,
    ) -> float:
        """How long a throttled interview waits before its next try, with full jitter.

        The ceiling grows with how long the interview has been throttled
        (`report.throttled_seconds`, so that it keeps growing though each requeued copy's
        receive count starts again; the receive count's backoff when the record does not
        say, as for a throttled claim), from `backoff_base_seconds` up to
        `backoff_max_seconds` and THROTTLE_MAX_DELAY_SECONDS. A longer Retry-After the
        service asked for is honoured. At most MAX_SEND_DELAY_SECONDS, the longest a sent
        copy can wait.
        """
        if report.throttled_seconds is None:
            ceiling = self.backoff_ceiling(message.receive_count)
        else:
            ceiling = min(
                max(report.throttled_seconds, self.backoff_base_seconds), self.backoff_max_seconds
            )
        delay = min(max(jitter(), 0.0), 1.0) * min(ceiling, THROTTLE_MAX_DELAY_SECONDS)
        asked = report.error.retry_after_seconds if report.error is not None else None
        if asked is not None and asked > delay:
            delay = asked
        return min(delay, float(MAX_SEND_DELAY_SECONDS))

    def busy_delay(self, lease_remaining_seconds: float | None) -> float:
        """How long a message waits when its interview is leased elsewhere: the time the
        lease has left plus BUSY_MARGIN_SECONDS (for clocks that differ a little), at most
        `busy_delay_seconds`; the whole `busy_delay_seconds` when the time left is unknown."""
        ceiling = min(self.busy_delay_seconds, MAX_DELAY_SECONDS)
        if lease_remaining_seconds is None:
            return ceiling
        return min(max(lease_remaining_seconds, 0.0) + BUSY_MARGIN_SECONDS, ceiling)

    def busy_wait(self, report: ProcessingReport) -> float | None:
        """Seconds to wait in place before claiming again, for a busy outcome whose lease
        runs out within BUSY_WAIT_SECONDS; None to decide at once. Every release costs a
        receive of the message's redrive budget, so a short wait is better spent in place."""
        remaining = report.lease_remaining_seconds
        if report.outcome is not Outcome.BUSY or remaining is None:
            return None
        wait = max(remaining, 0.0) + BUSY_MARGIN_SECONDS
        return wait if wait <= BUSY_WAIT_SECONDS else None

    def decide(
        self,
        message: QueueMessage,
        report: ProcessingReport,
        jitter: Callable[[], float] = random.random,
    ) -> Decision:
        """Ack when the outcome stored a final state (or needs none); otherwise release.

        RETRY releases with the jittered backoff for the message's receive count, unless the
        run was throttled: that requeues after `throttle_delay`, spending no receive; BUSY
        (another worker holds the interview, or this one lost its lease) releases after the
        busy delay; HALTED (the deployment is at fault) keeps the message untouched, so it
        returns when its visibility lapses, and tells the consumer to stop.
        """
        if report.outcome.acknowledges:
            return Decision(Action.ACK, reason=str(report.outcome))
        if report.outcome is Outcome.HALTED:
            return Decision(Action.KEEP, reason=str(report.outcome))
        if report.outcome is Outcome.BUSY:
            delay = self.busy_delay(report.lease_remaining_seconds)
            return Decision(Action.RELEASE, delay, reason=str(report.outcome))
        if report.throttled:
            delay = self.throttle_delay(message, report, jitter)
            return Decision(Action.REQUEUE, delay, reason="throttled")
        delay = self.retry_delay(message.receive_count, jitter)
        return Decision(Action.RELEASE, delay, reason=str(report.outcome))

    def decide_invalid(
        self, message: QueueMessage, jitter: Callable[[], float] = random.random
    ) -> Decision:
        """What to do with a message whose body is not a request (`interview_id` is None).

        DELETE acknowledges it. DEAD_LETTER releases it at once, so that the redrive policy
        moves it to the dead-letter queue after `max_attempts + SPARE_RECEIVES` receives (the
        `maxReceiveCount` advised) or fewer; a message received more often than that (a
        queue with a larger limit) is released with the retry backoff instead, so it cannot
        keep a worker busy.
        """
        if self.invalid_messages is InvalidMessageAction.DELETE:
            return Decision(Action.ACK, reason="invalid-deleted")
        if message.receive_count <= self.max_attempts + SPARE_RECEIVES:
            return Decision(Action.RELEASE, 0.0, reason="invalid-for-dead-letter")
        delay = self.retry_delay(message.receive_count, jitter)
        return Decision(Action.RELEASE, delay, reason="invalid-past-redrive-limit")
