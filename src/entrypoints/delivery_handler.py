"""One delivered message through the use case to a decision, for the worker and the Lambda."""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid
from typing import TYPE_CHECKING

import attrs

from entrypoints.log_config import log_report
from interview_core.delivery import LAST_LOOK_RETRIES, Action
from interview_core.report import Outcome

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from interview_core.delivery import Decision, DeliveryPolicy
    from interview_core.entities import Interview
    from interview_core.ports import QueueMessage
    from interview_core.process_interview import ProcessInterview
    from interview_core.report import ProcessingReport

log = logging.getLogger("ai_interviews.delivery")


@attrs.frozen
class HandledMessage:
    """A message after its work: the decision, and the report when the body was a request."""

    message: QueueMessage
    decision: Decision
    report: ProcessingReport | None = None
    owner: str | None = None


def worker_identity() -> str:
    """`host:pid`, the prefix of every lease owner this process uses."""
    return f"{socket.gethostname()}:{os.getpid()}"


class DeliveryHandler:
    """Runs ProcessInterview for one message and decides its fate; never acks or releases.

    Each delivery gets a lease owner of its own (`<identity>/<random hex>`), so two deliveries
    of one interview never share a lease, even in one process. `final_attempt` follows the
    policy (the receive count against `max_attempts`). An interview leased elsewhere for a
    few seconds more (DeliveryPolicy.busy_wait) is waited for through `sleep` and claimed
    once more, instead of costing the message a receive. The policy's throttle patience
    (WORKER_THROTTLE_PATIENCE_SECONDS) goes to the use case with the attempt limit; a
    throttled run is decided REQUEUE, which the caller carries out. Logs the upstream's
    PROCESSING_METRICS line for every request and one line per decision, with ids and error
    codes only: never the body, transcript text or answers. Safe to share between threads.
    """

    def __init__(
        self,
        process: ProcessInterview,
        policy: DeliveryPolicy,
        *,
        identity: str | None = None,
        jitter: Callable[[], float] = random.random,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._sleep = sleep
        self._process = process
        self._policy = policy
        self._identity = identity or worker_identity()
        self._jitter = jitter

    @property
    def policy(self) -> DeliveryPolicy:
        """The retry rules decisions follow."""
        return self._policy

    def handle(
        self,
        message: QueueMessage,
        *,
        on_claimed: Callable[[str, str], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        admit: Callable[[Interview], AbstractContextManager[bool]] | None = None,
    ) -> HandledMessage:
        """Process the message's interview and decide; `on_claimed(interview_id, owner)` runs
        once the lease is held (to start extending it); `should_stop`, asked before each
        stage, hands the work back between stages, and `admit` lets a run start after its
        record is loaded (both as ProcessInterview.execute has them). Returns without raising
        a core error.
        """
        interview_id = message.interview_id
        if interview_id is None:
            return self._invalid(message)
        owner = f"{self._identity}/{uuid.uuid4().hex}"

        def claimed(interview: Interview) -> None:
            if on_claimed is not None:
                on_claimed(interview.id, owner)

        def attempt() -> ProcessingReport:
            return self._process.execute(
                interview_id,
                owner=owner,
                final_attempt=self._policy.is_final_attempt(message),
                max_attempts=self._policy.max_attempts,
                last_look=self._policy.is_last_look(message),
                on_claimed=claimed,
                should_stop=should_stop,
                throttle_patience_seconds=self._policy.throttle_patience_seconds,
                admit=admit,
            )

        report = attempt()
        wait = self._policy.busy_wait(report)
        if wait is not None:
            log.info(
                "interview %s is leased elsewhere for %.1f s more; waiting for it",
                report.interview_id,
                wait,
                extra={"interview_id": report.interview_id, "message_id": message.message_id},
            )
            self._sleep(wait)
            report = attempt()
        report = self._retry_last_look(message, report, attempt)
        decision = self._policy.decide(message, report, self._jitter)
        log_report(report, message_id=message.message_id)
        _log_settle_error(message, report)
        _log_decision(message, decision, report)
        return HandledMessage(message, decision, report, owner)

    def _retry_last_look(
        self,
        message: QueueMessage,
        report: ProcessingReport,
        attempt: Callable[[], ProcessingReport],
    ) -> ProcessingReport:
        """Try a last look that met a transient error again in place (DeliveryPolicy.
        last_look_retry), so that it is not the dead-letter queue that ends it."""
        tries = 0
        while (
            pause := self._policy.last_look_retry(message, report, tries, self._jitter)
        ) is not None:
            tries += 1
            log.warning(
                "interview %s: its last look met %s; trying again in %.1f s (try %d of %d) "
                "rather than giving the message back to the dead-letter queue",
                report.interview_id,
                report.error.code if report.error is not None else "a transient error",
                pause,
                tries,
                LAST_LOOK_RETRIES,
                extra={"interview_id": report.interview_id, "message_id": message.message_id},
            )
            self._sleep(pause)
            report = attempt()
        if report.outcome is Outcome.RETRY and self._policy.is_last_look(message):
            log.error(
                "interview %s: its last look could not end it after %d tries; the queue's "
                "redrive policy may move message %s to the dead-letter queue (see "
                "`ai-interviews dead-letters`)",
                report.interview_id,
                tries,
                message.message_id,
                extra={"interview_id": report.interview_id, "message_id": message.message_id},
            )
        return report

    def _invalid(self, message: QueueMessage) -> HandledMessage:
        decision = self._policy.decide_invalid(message, self._jitter)
        level = (
            logging.ERROR if decision.reason == "invalid-past-redrive-limit" else logging.WARNING
        )
        log.log(
            level,
            "INVALID_MESSAGE: message %s is not an interview request (%s); %s",
            message.message_id,
            message.body_error or "unreadable body",
            _describe(decision),
            extra={"message_id": message.message_id, "error_code": "INVALID_MESSAGE"},
        )
        return HandledMessage(message, decision)


def _describe(decision: Decision) -> str:
    if decision.acknowledges:
        return "deleting it"
    if decision.halts:
        return "kept until the deployment is fixed"
    if decision.action is Action.REQUEUE:
        return (
            f"requeued as a fresh copy for {decision.delay_seconds:.1f} s "
            "(throttled: no attempt spent)"
        )
    if decision.reason == "invalid-for-dead-letter":
        return "released for the dead-letter queue"
    if decision.reason == "invalid-past-redrive-limit":
        return (
            f"released for {decision.delay_seconds:.0f} s; received more often than "
            "WORKER_MAX_ATTEMPTS + 1: check the queue's redrive policy"
        )
    return f"released for {decision.delay_seconds:.1f} s"


def _log_decision(message: QueueMessage, decision: Decision, report: ProcessingReport) -> None:
    code = report.error.code if report.error is not None else None
    level = logging.WARNING if code is not None else logging.INFO
    log.log(
        level,
        "interview %s %s%s (receive %d); message %s",
        report.interview_id,
        report.outcome,
        f": {code}" if code else "",
        message.receive_count,
        "acknowledged" if decision.acknowledges else _describe(decision),
        extra={
            "interview_id": report.interview_id,
            "message_id": message.message_id,
            "outcome": str(report.outcome),
            "error_code": code,
        },
    )


def _log_settle_error(message: QueueMessage, report: ProcessingReport) -> None:
    """Warn when the attempt could not release its lease or store its failure."""
    if report.settle_error is None:
        return
    log.warning(
        "interview %s: could not end the attempt in the repository (%s: %s); its lease "
        "runs out by itself",
        report.interview_id,
        report.settle_error.code,
        report.settle_error.message,
        extra={
            "interview_id": report.interview_id,
            "message_id": message.message_id,
            "error_code": report.settle_error.code,
        },
    )
