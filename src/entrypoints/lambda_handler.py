"""AWS Lambda entrypoint for an SQS event source, reporting partial batch failures."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from adapters.messages import queue_message_from_body
from entrypoints.log_config import configure_logging
from entrypoints.metrics import configure_metrics, emit_report_metrics
from entrypoints.settings import Settings
from interview_core.delivery import Action, Decision
from interview_core.errors import ConfigurationError, InterviewError

if TYPE_CHECKING:
    from entrypoints.container import Container
    from entrypoints.delivery_handler import DeliveryHandler
    from interview_core.ports import QueueMessage

log = logging.getLogger("ai_interviews.lambda")

START_MARGIN_MS = 30_000
"""A record is not started with less time than this left; it is handed back for a retry."""

BatchResponse = dict[str, list[dict[str, str]]]

_HAND_BACK = Decision(Action.RELEASE, reason="error")


class QueueVisibility(Protocol):
    """Changes when a message an SQS event source delivered comes back."""

    def release(self, queue_arn: str, message: QueueMessage, delay_seconds: float) -> None:
        """Make `message` of the queue `queue_arn` visible again after `delay_seconds`.

        Raises a core error when the queue cannot be reached or named."""
        ...

    def requeue(self, queue_arn: str, message: QueueMessage, delay_seconds: float) -> None:
        """Send a fresh copy of `message`'s request to the queue `queue_arn`, visible after
        `delay_seconds`; the event source deletes `message` itself once it is not reported
        as a failure.

        Raises a core error when the queue cannot be reached or named."""
        ...


def build_container() -> Container:
    """Read the settings, set up logging and metrics, and wire the adapters.

    Logs go to stderr only (CloudWatch Logs collects them; the file system is read-only
    outside /tmp), EMF lines to stdout when enabled. Raises pydantic's ValidationError for
    invalid settings, which fails the cold start.
    """
    from entrypoints.container import Container

    settings = Settings()
    configure_logging(level=settings.log_level, log_file=None, log_format=settings.log_format)
    configure_metrics(enabled=settings.emf_metrics, namespace=settings.metrics_namespace)
    container = Container()
    container.settings.override(settings)
    return container


class SqsBatchHandler:
    """Processes the records of an SQS event one after another, as the worker would.

    The container is built on the first invocation, not at import, and kept for the life of
    the execution environment. Each record goes through the container's DeliveryHandler and
    DeliveryPolicy (WORKER_MAX_ATTEMPTS, WORKER_INVALID_MESSAGES), as in the worker: the
    records it would not acknowledge, and only those, are returned as `batchItemFailures` so
    that SQS delivers them again. These are transient failures (outcome retry), interviews
    busy elsewhere (outcome busy), invalid bodies when WORKER_INVALID_MESSAGES=dead-letter,
    and deployment faults (outcome halted): after one, the rest of the batch is handed back
    unstarted, since it would meet the same fault. Completed, failed, already completed and
    unknown interviews are left out, so SQS deletes them. The receive whose
    `ApproximateReceiveCount` reaches WORKER_MAX_ATTEMPTS (below the queue's redrive limit)
    is the final attempt: a transient failure then marks the interview failed, and a claim
    past that many attempts marks it failed with ATTEMPTS_EXHAUSTED.

    A record whose run ended throttled (Action.REQUEUE) is not handed back: a fresh copy of
    its request is sent with the policy's delay (DelaySeconds) and the record left out of
    the failures, so SQS deletes it and the copy's receive count starts again; waiting out
    a quota never brings it nearer the dead-letter queue. When the copy cannot be sent the
    record is handed back with the delay instead.

    Records run sequentially: Lambda scales by running more environments, the event source
    mapping's batch size bounds the work of one invocation, and a record is not started with
    less than START_MARGIN_MS left (it is handed back instead). Within a record, no stage
    (fetch, audio extraction, transcription, question extraction, answers, storing) starts
    with less than INTERVIEWS_LAMBDA_STAGE_MARGIN_SECONDS left: the attempt keeps what it
    finished (the stage store), releases its lease and is handed back like a transient
    failure (DEADLINE_REACHED), so the next invocation resumes after it instead of the
    function being killed at its timeout with the lease still held. A record released by the
    policy gets the worker's delay (the jittered backoff, or the time a lease held elsewhere
    has left) through ChangeMessageVisibility before it is handed back; records handed back
    unstarted come back when the queue's visibility timeout ends. No heartbeat runs: the
    queue's visibility timeout and INTERVIEWS_LEASE_SECONDS must both be at least the
    function timeout.
    """

    def __init__(self, build: Callable[[], Container] = build_container) -> None:
        self._build = build
        self._container: Container | None = None
        self._deliveries: DeliveryHandler | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        """Whether the container exists yet."""
        return self._container is not None

    @property
    def container(self) -> Container:
        """The container of this execution environment, built on first use."""
        return self._cold_start()[0]

    def __call__(self, event: Mapping[str, Any], context: Any) -> BatchResponse:
        """Process the event's records; return the ones to deliver again as
        `batchItemFailures`.

        Raises ConfigurationError when the event is not an SQS event or the adapters cannot
        be built, so that the whole batch comes back.
        """
        records = event.get("Records") if isinstance(event, Mapping) else None
        if not isinstance(records, list):
            raise ConfigurationError("the Lambda handler expects an SQS event with Records")
        deliveries = self._cold_start()[1]
        failures: list[dict[str, str]] = []
        halted = False
        for record in records:
            message = _queue_message(record)
            if message is None:
                log.error("SQS record without a messageId skipped")
                continue
            if halted or _remaining_ms(context) < START_MARGIN_MS:
                log.warning(
                    "message %s handed back: %s",
                    message.message_id,
                    "the deployment is at fault" if halted else "too little time left",
                    extra={"message_id": message.message_id},
                )
            else:
                decision = _decide(deliveries, message, self._stop_check(context))
                if decision.acknowledges:
                    continue
                halted = decision.halts
                if decision.action is Action.REQUEUE and self._requeue(record, message, decision):
                    continue
                if decision.action in (Action.RELEASE, Action.REQUEUE):
                    self._delay(record, message, decision.delay_seconds)
            failures.append({"itemIdentifier": message.message_id})
        return {"batchItemFailures": failures}

    def _stop_check(self, context: Any) -> Callable[[], bool]:
        """Whether too little of the invocation is left to start another stage."""
        margin_ms = self.container.settings().lambda_stage_margin_seconds * 1000.0

        def should_stop() -> bool:
            return _remaining_ms(context) < margin_ms

        return should_stop

    def _requeue(
        self, record: Mapping[str, Any], message: QueueMessage, decision: Decision
    ) -> bool:
        """Send a throttled record's fresh copy; whether it was sent (the record is then left
        out of the failures, so SQS deletes it). When it was not, the caller releases it."""
        queue_arn = record.get("eventSourceARN")
        try:
            if not isinstance(queue_arn, str):
                raise ConfigurationError("the SQS record has no eventSourceARN")
            self.container.queue_visibility().requeue(queue_arn, message, decision.delay_seconds)
        except Exception as exc:
            code = exc.code if isinstance(exc, InterviewError) else type(exc).__name__
            log.warning(
                "message %s: could not requeue it (%s); it is handed back with its delay, "
                "which counts a receive",
                message.message_id,
                code,
                extra={"message_id": message.message_id, "error_code": code},
            )
            return False
        return True

    def _delay(self, record: Mapping[str, Any], message: QueueMessage, seconds: float) -> None:
        """Set the released record's visibility to the policy's delay; on failure it comes
        back after the queue's visibility timeout instead."""
        queue_arn = record.get("eventSourceARN")
        try:
            if not isinstance(queue_arn, str):
                raise ConfigurationError("the SQS record has no eventSourceARN")
            self.container.queue_visibility().release(queue_arn, message, seconds)
        except Exception as exc:
            code = exc.code if isinstance(exc, InterviewError) else type(exc).__name__
            log.warning(
                "message %s: could not delay its return by %.0f s (%s); it comes back after "
                "the queue's visibility timeout",
                message.message_id,
                seconds,
                code,
                extra={"message_id": message.message_id, "error_code": code},
            )

    def _cold_start(self) -> tuple[Container, DeliveryHandler]:
        with self._lock:
            if self._container is None or self._deliveries is None:
                container = self._build()
                self._deliveries = container.delivery_handler()
                self._container = container
            return self._container, self._deliveries


def _decide(
    deliveries: DeliveryHandler, message: QueueMessage, should_stop: Callable[[], bool]
) -> Decision:
    """Handle one message and emit its metrics; how its delivery ends.

    An unexpected error is logged and the message handed back, so one bad record cannot
    fail the others of the batch.
    """
    try:
        handled = deliveries.handle(message, should_stop=should_stop)
    except Exception:
        log.exception(
            "processing message %s failed unexpectedly",
            message.message_id,
            extra={"message_id": message.message_id},
        )
        return _HAND_BACK
    if handled.report is not None:
        emit_report_metrics(handled.report)
    return handled.decision


def _queue_message(record: Any) -> QueueMessage | None:
    """The record as the worker would have received it; None without a message id."""
    if not isinstance(record, Mapping):
        return None
    message_id = record.get("messageId")
    if not isinstance(message_id, str) or not message_id:
        return None
    body = record.get("body")
    receipt = record.get("receiptHandle")
    return queue_message_from_body(
        message_id=message_id,
        receipt=receipt if isinstance(receipt, str) else "",
        receive_count=_receive_count(record),
        body=body if isinstance(body, str) else "",
    )


def _receive_count(record: Mapping[str, Any]) -> int:
    """ApproximateReceiveCount, or 1 when absent or unreadable."""
    attributes = record.get("attributes")
    raw = attributes.get("ApproximateReceiveCount") if isinstance(attributes, Mapping) else None
    try:
        return max(int(raw), 1) if raw is not None else 1
    except (TypeError, ValueError):
        return 1


def _remaining_ms(context: Any) -> float:
    """Milliseconds left in this invocation; unlimited without a Lambda context."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return float(remaining()) if callable(remaining) else float("inf")


handler = SqsBatchHandler()
"""The Lambda function's handler: `entrypoints.lambda_handler.handler`."""
