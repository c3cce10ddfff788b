"""The heartbeat of one delivery: keeps its message hidden and its interview's lease alive."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from interview_core.errors import InterviewError, LeaseLost

if TYPE_CHECKING:
    from interview_core.ports import InterviewRepository, MessageSource, QueueMessage

log = logging.getLogger("ai_interviews.heartbeat")


def heartbeat_interval(visibility_seconds: float, lease_seconds: float) -> float:
    """A third of the shorter of the two timeouts: two beats may fail before either lapses."""
    return max(min(visibility_seconds, lease_seconds) / 3.0, 0.01)


class DeliveryHeartbeat:
    """Extends a message's visibility, and once claimed the interview's lease, on a timer.

    Every `interval_seconds` a daemon thread hides the message for `visibility_seconds` more
    and, after `lease_claimed`, pushes the lease's expiry `lease_seconds` ahead. A failed
    extension is logged and tried again on the next beat; LeaseLost stops the lease part for
    good (the use case finds out when it completes). Once `stop` returns, no extension
    happens any more, so a release that follows cannot be undone by a late beat.
    """

    def __init__(
        self,
        source: MessageSource,
        repository: InterviewRepository,
        message: QueueMessage,
        *,
        visibility_seconds: float,
        lease_seconds: float,
        interval_seconds: float | None = None,
    ) -> None:
        self._source = source
        self._repository = repository
        self._message = message
        self._visibility = visibility_seconds
        self._lease_seconds = lease_seconds
        self._interval = interval_seconds or heartbeat_interval(visibility_seconds, lease_seconds)
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._active = True
        self._lease: tuple[str, str] | None = None
        self._lease_lost = False
        self.beats = 0

    @property
    def lease(self) -> tuple[str, str] | None:
        """(interview id, owner) of the lease this delivery holds, once claimed."""
        with self._lock:
            return self._lease

    @property
    def lease_lost(self) -> bool:
        """Whether extending the lease found it held by someone else."""
        with self._lock:
            return self._lease_lost

    def start(self) -> None:
        """Begin beating in a daemon thread."""
        name = f"heartbeat-{self._message.message_id[:8]}"
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def lease_claimed(self, interview_id: str, owner: str) -> None:
        """Extend the lease of `interview_id` held by `owner` from the next beat on."""
        with self._lock:
            self._lease = (interview_id, owner)

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
            if self._lease is not None and not self._lease_lost:
                self._extend_lease(*self._lease)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            self.beat()

    def _extend_visibility(self) -> None:
        message_id = self._message.message_id
        try:
            self._source.extend(self._message, self._visibility)
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
            self._lease_lost = True
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
        interview_id = self._lease[0] if self._lease else self._message.interview_id
        return {"interview_id": interview_id, "message_id": self._message.message_id}
