"""Ending deliveries: ack or release a message, and give back unfinished work at shutdown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from interview_core.delivery import Action, Decision
from interview_core.errors import InterviewError, LeaseLost

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from entrypoints.worker.delivery import InFlight
    from entrypoints.worker.heartbeat import DeliveryHeartbeat
    from interview_core.ports import InterviewRepository, MessageSource, QueueMessage

log = logging.getLogger("ai_interviews.worker")

RELEASE_NOW = Decision(Action.RELEASE, 0.0, reason="shutdown")
"""Makes a message visible again at once: work that never started or could not finish."""


def settle(source: MessageSource, message: QueueMessage, decision: Decision) -> None:
    """Ack or release as decided, or leave a kept message be; never raises. A failure is
    logged, and the message comes back after its visibility timeout (an acked-too-late message
    finds its work done)."""
    if decision.halts:
        return  # kept: it comes back when its visibility lapses, once the setup is fixed
    try:
        if decision.acknowledges:
            source.ack(message)
        else:
            source.release(message, decision.delay_seconds)
    except Exception as exc:
        code = exc.code if isinstance(exc, InterviewError) else type(exc).__name__
        log.warning(
            "could not %s message %s: %s",
            decision.action,
            message.message_id,
            code,
            extra={"message_id": message.message_id, "error_code": code},
        )


def give_back(
    source: MessageSource,
    repository: InterviewRepository,
    unfinished: Sequence[tuple[InFlight, DeliveryHeartbeat]],
    cancel_media: Callable[[], object] | None,
) -> None:
    """Return work that could not finish: stop its heartbeats, release its leases (so the
    abandoned work can store nothing more), make its messages visible, then kill media
    children. Never raises."""
    for _, heartbeat in unfinished:
        heartbeat.stop()
    for entry, _ in unfinished:
        message = entry.message
        lease = entry.live_lease
        if lease is not None:
            _release_lease(repository, *lease)
        settle(source, message, RELEASE_NOW)
        log.warning(
            "released unfinished message %s at shutdown",
            message.message_id,
            extra={"message_id": message.message_id, "interview_id": message.interview_id},
        )
    if unfinished and cancel_media is not None:
        try:
            log.info("killed %s media processes", cancel_media())
        except Exception:
            log.exception("killing media processes failed")


def _release_lease(repository: InterviewRepository, interview_id: str, owner: str) -> None:
    try:
        repository.release(interview_id, owner)
    except LeaseLost:
        pass  # finished or taken over meanwhile: nothing to give back
    except Exception as exc:
        code = exc.code if isinstance(exc, InterviewError) else type(exc).__name__
        log.warning(
            "could not release the lease on interview %s: %s (it expires by itself)",
            interview_id,
            code,
            extra={"interview_id": interview_id, "error_code": code},
        )
