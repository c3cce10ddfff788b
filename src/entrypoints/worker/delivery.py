"""One delivery in the worker: the message in work, the lease it holds, and its run."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from entrypoints.delivery_handler import DeliveryHandler, HandledMessage
    from entrypoints.worker.heartbeat import DeliveryHeartbeat
    from interview_core.entities import Interview
    from interview_core.ports import QueueMessage

log = logging.getLogger("ai_interviews.worker")

Lease = tuple[str, str]
"""(interview id, owner) of a lease a delivery holds."""


class InFlight:
    """A message in work, the lease its delivery holds once claimed, and how it ends.

    The lease is set by the delivery's thread when the claim succeeds and read by its
    heartbeat and, at shutdown, by the worker that gives it back; `lose_lease` records that
    someone else holds it now. `abandoned`, `settling` and `timed_out` (abandoned because it
    ran past the job timeout, its thread still running) are guarded by the worker's lock.
    """

    def __init__(self, message: QueueMessage) -> None:
        self.message = message
        self.abandoned = False
        self.settling = False
        self.timed_out = False
        self._lock = threading.Lock()
        self._lease: Lease | None = None
        self._lease_lost = False

    def lease_claimed(self, interview_id: str, owner: str) -> None:
        """The delivery holds the lease of `interview_id` as `owner` from now on."""
        with self._lock:
            self._lease = (interview_id, owner)

    def lose_lease(self) -> None:
        """The lease is held by someone else now: it is neither extended nor released."""
        with self._lock:
            self._lease_lost = True

    @property
    def lease(self) -> Lease | None:
        """(interview id, owner) of the lease this delivery holds, once claimed."""
        with self._lock:
            return self._lease

    @property
    def lease_lost(self) -> bool:
        """Whether extending the lease found it held by someone else."""
        with self._lock:
            return self._lease_lost

    @property
    def live_lease(self) -> Lease | None:
        """The lease while this delivery still holds it, else None."""
        with self._lock:
            return None if self._lease_lost else self._lease


def run_delivery(
    entry: InFlight,
    heartbeat: DeliveryHeartbeat,
    handler: DeliveryHandler,
    admit: Callable[[Interview], AbstractContextManager[bool]] | None = None,
) -> HandledMessage | None:
    """Process the entry's message under its heartbeat, through `admit` (see
    DeliveryHandler.handle); None when handling failed unexpectedly.

    The heartbeat runs from before the claim until the decision is made, and has stopped when
    this returns, so no late beat can undo the ack or release that follows.
    """
    try:
        heartbeat.start()
        return handler.handle(entry.message, on_claimed=entry.lease_claimed, admit=admit)
    except Exception:
        log.exception(
            "processing message %s failed unexpectedly",
            entry.message.message_id,
            extra={"message_id": entry.message.message_id},
        )
        return None
    finally:
        heartbeat.stop()
