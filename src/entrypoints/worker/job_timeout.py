"""Giving up on an attempt that ran past INTERVIEWS_JOB_TIMEOUT_SECONDS, while its thread hangs.

A Python thread cannot be stopped from outside, so the hung attempt is abandoned instead: its
lease is released first, which fences the thread (its next write under the lease, the
renewal before storing questions or the completion, fails with LeaseLost), then its message
is released with the retry delay, as for any transient error. The thread keeps its slot
until it returns, and its result is then discarded.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from entrypoints.log_config import log_report
from entrypoints.worker.shutdown import settle
from interview_core.delivery import Action, Decision
from interview_core.errors import ErrorKind, InterviewError, JobTimedOut, LeaseLost
from interview_core.report import ErrorInfo, Outcome, ProcessingReport

if TYPE_CHECKING:
    from entrypoints.worker.delivery import InFlight
    from interview_core.delivery import DeliveryPolicy
    from interview_core.ports import InterviewRepository, MessageSource

log = logging.getLogger("ai_interviews.worker")


def give_up(
    entry: InFlight,
    source: MessageSource,
    repository: InterviewRepository,
    policy: DeliveryPolicy,
    seconds: float,
) -> None:
    """Release the lease and then the message of `entry`, an attempt in work for `seconds`;
    log the timeout and its metrics line. Never raises."""
    message = entry.message
    lease = entry.live_lease
    interview_id = lease[0] if lease else (message.interview_id or "")
    error = JobTimedOut(interview_id, seconds)
    if lease is not None:
        _release_lease(repository, *lease)
    entry.lose_lease()  # nothing gives this lease back again, nor extends it
    decision = Decision(Action.RELEASE, policy.retry_delay(message.receive_count), "job-timeout")
    settle(source, message, decision)
    log.error(
        "%s: %s; lease released, message %s released for %.0f s",
        error.code,
        error.message,
        message.message_id,
        decision.delay_seconds,
        extra={
            "interview_id": interview_id,
            "message_id": message.message_id,
            "error_code": error.code,
        },
    )
    info = ErrorInfo(error.code, error.message, ErrorKind.TRANSIENT)
    log_report(
        ProcessingReport(interview_id=interview_id, outcome=Outcome.RETRY, error=info),
        message_id=message.message_id,
    )


def _release_lease(repository: InterviewRepository, interview_id: str, owner: str) -> None:
    try:
        repository.release(interview_id, owner)
    except LeaseLost:
        pass  # taken over meanwhile: the stale thread is fenced already
    except Exception as exc:
        code = exc.code if isinstance(exc, InterviewError) else type(exc).__name__
        log.warning(
            "could not release the lease on timed-out interview %s: %s (it runs out by itself, "
            "and fences the attempt once another delivery claims it)",
            interview_id,
            code,
            extra={"interview_id": interview_id, "error_code": code},
        )
