"""Ending deliveries: ack or release a message, halt on a deployment fault, and give back
unfinished work at shutdown."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from interview_core.delivery import Action, Decision
from interview_core.errors import InterviewError, LeaseLost

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from entrypoints.delivery_handler import HandledMessage
    from entrypoints.worker.delivery import InFlight
    from entrypoints.worker.heartbeat import DeliveryHeartbeat
    from interview_core.ports import InterviewRepository, MessageSource, QueueMessage
    from interview_core.report import ErrorInfo

log = logging.getLogger("ai_interviews.worker")

RELEASE_NOW = Decision(Action.RELEASE, 0.0, reason="shutdown")
"""Makes a message visible again at once: work that never started or could not finish."""


def settle(source: MessageSource, message: QueueMessage, decision: Decision) -> bool:
    """Ack, release or requeue as decided, or leave a kept message be; never raises. A
    failure is logged, and the message comes back after its visibility timeout (an
    acked-too-late message finds its work done); a requeue that could not send its copy has
    hidden the message for the delay first, so it comes back then, as a release. Returns
    whether the queue took the ack, release or requeue."""
    if decision.halts:
        return False  # kept: it comes back when its visibility lapses, once the setup is fixed
    try:
        if decision.acknowledges:
            source.ack(message)
        elif decision.action is Action.REQUEUE:
            source.requeue(message, decision.delay_seconds)
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
        return False
    return True


GIVE_BACK_SECONDS = 5.0
"""How long all give-backs at shutdown may take together, whatever the network does."""


def log_halt(handled: HandledMessage) -> ErrorInfo | None:
    """Log that the worker halts for a deployment fault, its message kept; the fault."""
    error = handled.report.error if handled.report is not None else None
    code = error.code if error is not None else None
    log.error(
        "halting: %s; message %s kept for when the deployment is fixed",
        f"{error.code}: {error.message}" if error is not None else "deployment fault",
        handled.message.message_id,
        extra={"message_id": handled.message.message_id, "error_code": code},
    )
    return error


def give_back(
    source: MessageSource,
    repository: InterviewRepository,
    unfinished: Sequence[tuple[InFlight, DeliveryHeartbeat]],
    cancel_media: Callable[[], object] | None,
    *,
    deadline_seconds: float = GIVE_BACK_SECONDS,
) -> int:
    """Return work that could not finish, within `deadline_seconds` for all of it: for each
    delivery, stop its heartbeat, release its lease (so the abandoned work can store nothing
    more) and make its message visible, each delivery in a daemon thread of its own, all
    joined against one deadline; then kill media children. A give-back still waiting on the
    network when the deadline passes is left behind (its message and lease lapse by
    themselves). Returns how many deliveries were given back in time. Never raises."""
    deadline = time.monotonic() + deadline_seconds
    threads = [
        threading.Thread(
            target=_give_back_one,
            args=(source, repository, entry, heartbeat),
            name=f"give-back-{entry.message.message_id[:8]}",
            daemon=True,
        )
        for entry, heartbeat in unfinished
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0.0))
    late = [
        entry for thread, (entry, _) in zip(threads, unfinished, strict=True) if thread.is_alive()
    ]
    for entry in late:
        log.warning(
            "could not give back message %s within %.0f s; it comes back when its "
            "visibility lapses",
            entry.message.message_id,
            deadline_seconds,
            extra={
                "message_id": entry.message.message_id,
                "interview_id": entry.message.interview_id,
            },
        )
    if unfinished and cancel_media is not None:
        try:
            log.info("killed %s media processes", cancel_media())
        except Exception:
            log.exception("killing media processes failed")
    return len(unfinished) - len(late)


def _give_back_one(
    source: MessageSource,
    repository: InterviewRepository,
    entry: InFlight,
    heartbeat: DeliveryHeartbeat,
) -> None:
    heartbeat.stop()
    message = entry.message
    lease = entry.live_lease
    if lease is not None:
        _release_lease(repository, *lease)
    if settle(source, message, RELEASE_NOW):
        log.warning(
            "released unfinished message %s at shutdown",
            message.message_id,
            extra={"message_id": message.message_id, "interview_id": message.interview_id},
        )


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
