"""The heartbeat of one delivery: keeps its message hidden and its interview's lease alive."""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import TYPE_CHECKING

from interview_core.errors import InterviewError, LeaseLost

if TYPE_CHECKING:
    from collections.abc import Callable

    from entrypoints.worker.delivery import InFlight
    from interview_core.ports import InterviewRepository, MessageSource

log = logging.getLogger("ai_interviews.heartbeat")


def heartbeat_interval(visibility_seconds: float, lease_seconds: float) -> float:
    """A third of the shorter of the two timeouts: two beats may fail before either lapses."""
    return max(min(visibility_seconds, lease_seconds) / 3.0, 0.01)


class DeliveryHeartbeat:
    """Extends an in-flight message's visibility, and once claimed its lease, on a timer.

    Every `interval_seconds` a daemon thread hides the entry's message for
    `visibility_seconds` more and, once the entry holds a lease, pushes the lease's expiry
    `lease_seconds` ahead. A failed extension is logged and tried again on the next beat;
    LeaseLost marks the entry's lease lost for good (the use case finds out when it
    completes). Once `stop` returns, no extension happens any more, so a release that
    follows cannot be undone by a late beat.

    The first beat comes after a random part of the interval (`first_beat_fraction`, drawn
    from 0.1 to 1 when not given), so that messages received together do not stay in step:
    after a crash they reappear at different times and go to different receives, and an
    interview that crashes its worker every time does not keep taking the same neighbours
    down with it until their attempts run out too.

    It is also the delivery's watchdog: `job_timeout_seconds` after `start`, it stops
    beating and calls `on_timeout` (from its own thread) so that the hung work is given up.
    """

    def __init__(
        self,
        source: MessageSource,
        repository: InterviewRepository,
        entry: InFlight,
        *,
        visibility_seconds: float,
        lease_seconds: float,
        interval_seconds: float | None = None,
        job_timeout_seconds: float | None = None,
        on_timeout: Callable[[], None] | None = None,
        first_beat_fraction: float | None = None,
    ) -> None:
        self._job_timeout = job_timeout_seconds
        self._on_timeout = on_timeout
        self._started = time.monotonic()
        self._source = source
        self._repository = repository
        self._entry = entry
        self._visibility = visibility_seconds
        self._lease_seconds = lease_seconds
        self._interval = interval_seconds or heartbeat_interval(visibility_seconds, lease_seconds)
        fraction = random.uniform(0.1, 1.0) if first_beat_fraction is None else first_beat_fraction
        self.first_beat_seconds = self._interval * fraction
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._active = True
        self.beats = 0

    def start(self) -> None:
        """Begin beating in a daemon thread."""
        name = f"heartbeat-{self._entry.message.message_id[:8]}"
        self._started = time.monotonic()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def stop(self) -> None:
        """Stop beating; waits for a beat in progress, so none happens after this returns."""
        self._stopped.set()
        with self._lock:
            self._active = False

    def beat(self) -> None:
        """Extend the visibility and, when claimed and not lost, the lease; never raises."""
        with self._lock:
            if not self._active:
                return
            self.beats += 1
            self._extend_visibility()
            lease = self._entry.live_lease
            if lease is not None:
                self._extend_lease(*lease)

    def _run(self) -> None:
        wait = self._next_wait(self.first_beat_seconds)
        while not self._stopped.wait(wait):
            if self._past_deadline():
                self._time_out()
                return
            self.beat()
            wait = self._next_wait(self._interval)

    def _next_wait(self, interval: float) -> float:
        if self._job_timeout is None:
            return interval
        left = self._started + self._job_timeout - time.monotonic()
        return min(interval, max(left, 0.0))

    def _past_deadline(self) -> bool:
        if self._job_timeout is None:
            return False
        return time.monotonic() >= self._started + self._job_timeout

    def _time_out(self) -> None:
        with self._lock:
            if not self._active:
                return  # stopped meanwhile: the work ended on time
            self._active = False
        self._stopped.set()
        if self._on_timeout is not None:
            try:
                self._on_timeout()
            except Exception:
                log.exception("giving up a timed-out delivery failed", extra=self._ids())

    def _extend_visibility(self) -> None:
        message_id = self._entry.message.message_id
        try:
            self._source.extend(self._entry.message, self._visibility)
        except InterviewError as exc:
            log.warning(
                "could not extend the visibility of message %s: %s",
                message_id,
                exc.code,
                extra={"message_id": message_id, "error_code": exc.code},
            )
        except Exception:
            log.exception("extending message %s failed", message_id, extra=self._ids())

    def _extend_lease(self, interview_id: str, owner: str) -> None:
        try:
            self._repository.extend_lease(interview_id, owner, self._lease_seconds)
        except LeaseLost:
            self._entry.lose_lease()
            log.warning(
                "lease on interview %s lost; no longer extending it",
                interview_id,
                extra={**self._ids(), "error_code": LeaseLost.code},
            )
        except InterviewError as exc:
            log.warning(
                "could not extend the lease on interview %s: %s",
                interview_id,
                exc.code,
                extra={**self._ids(), "error_code": exc.code},
            )
        except Exception:
            log.exception("extending the lease on %s failed", interview_id, extra=self._ids())

    def _ids(self) -> dict[str, str | None]:
        message = self._entry.message
        lease = self._entry.lease
        interview_id = lease[0] if lease else message.interview_id
        return {"interview_id": interview_id, "message_id": message.message_id}
