"""SqsMessageSource: interview requests from one SQS queue, with long polling."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import describe
from adapters.aws.sqs_dead_letters import SqsDeadLetters
from adapters.aws.sqs_errors import is_stale_receipt, translate_sqs_error
from adapters.aws.sqs_queue_checks import check_redrive_limit
from adapters.aws.sqs_queue_checks import queue_url_for as queue_url_for  # entrypoints import it
from adapters.messages import MAX_BODY_BYTES, queue_message_from_body, request_body
from interview_core.errors import InterviewError
from interview_core.limits import (
    MAX_RECEIVE_BATCH,
    MAX_SEND_DELAY_SECONDS,
    MAX_VISIBILITY_SECONDS,
    MAX_WAIT_SECONDS,
)
from interview_core.ports import QueueMessage

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef, ReceiveMessageRequestTypeDef

    from interview_core.ports import DeadLetter

logger = logging.getLogger(__name__)

REQUEUE_HIDE_MARGIN_SECONDS = 30
"""How much longer than its copy's delay a requeued message is hidden: it must not be
received again while its copy is being sent, and comes back this late if the send fails."""


class SqsMessageSource:
    """A MessageSource over one SQS queue.

    `receive` long-polls (up to 20 s), asks for up to 10 messages with their
    ApproximateReceiveCount, and validates each body with `adapters.messages`: an invalid
    body (or one above `max_body_bytes`) comes back with `interview_id` None and the reason
    in `body_error`, never the body itself. `visibility_timeout`, when given, overrides the
    queue's default for the messages received.

    Errors: throttling, HTTP 5xx, timeouts, lost connections and unknown service errors
    raise QueueUnavailable (transient). A missing queue, a refused identity or an unusable
    KMS key raise ConfigurationError (permanent): retrying cannot help until the settings
    change.

    A receipt that no longer acts on its message (ReceiptHandleIsInvalid, MessageNotInflight,
    an expired receipt handle, or the 12-hour total visibility reached) means the message was
    already deleted, or its visibility ran out and it may be with another consumer. `ack`,
    `release`, `extend` and `requeue` then log a warning with the message id and return
    normally: the interview's lease and state, not the queue, guard against duplicate work,
    and a redelivered message for a finished interview is acked without work.
    """

    def __init__(
        self,
        client: SQSClient,
        queue_url: str,
        *,
        wait_seconds: float = MAX_WAIT_SECONDS,
        visibility_timeout: int | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_attempts: int | None = None,
    ) -> None:
        """Raise ValueError for an empty queue URL or a non-positive body limit.

        `max_attempts`, when given, is the consumer's WORKER_MAX_ATTEMPTS, which the queue's
        redrive limit must exceed (see `check_ready`).
        """
        if not queue_url:
            raise ValueError("a queue URL is required")
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        self._client = client
        self._queue_url = queue_url
        self._wait_seconds = wait_seconds
        self._visibility_timeout = (
            None if visibility_timeout is None else _clamp_seconds(visibility_timeout)
        )
        self._max_body_bytes = max_body_bytes
        self._max_attempts = max_attempts

    @property
    def queue_url(self) -> str:
        """The URL of the queue messages are read from."""
        return self._queue_url

    def check_ready(self) -> None:
        """Read the queue's attributes once: raises ConfigurationError for a missing queue or
        refused credentials, QueueUnavailable (transient) when SQS cannot answer now.

        With `max_attempts`, also raises ConfigurationError for a queue without a redrive
        policy or with a `maxReceiveCount` not above `max_attempts`: the receive after the
        last attempt must still reach a worker, which then marks the interview failed, or a
        crashed interview would sit in the dead-letter queue with its record processing.
        """
        try:
            attributes = self._client.get_queue_attributes(
                QueueUrl=self._queue_url, AttributeNames=["QueueArn", "RedrivePolicy"]
            ).get("Attributes", {})
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, "GetQueueAttributes") from exc
        if self._max_attempts is not None:
            check_redrive_limit(attributes.get("RedrivePolicy"), self._max_attempts)

    def receive(
        self, max_messages: int = MAX_RECEIVE_BATCH, wait_seconds: float | None = None
    ) -> list[QueueMessage]:
        """Up to `max_messages` (clamped to 1..10) messages, waiting up to `wait_seconds`
        (clamped to 0..20, rounded up; the constructor's default when None) for the first.

        Raises QueueUnavailable (transient) or ConfigurationError.
        """
        wait = self._wait_seconds if wait_seconds is None else wait_seconds
        request: ReceiveMessageRequestTypeDef = {
            "QueueUrl": self._queue_url,
            "MaxNumberOfMessages": min(max(int(max_messages), 1), MAX_RECEIVE_BATCH),
            "WaitTimeSeconds": min(_clamp_seconds(wait), MAX_WAIT_SECONDS),
            "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
        }
        if self._visibility_timeout is not None:
            request["VisibilityTimeout"] = self._visibility_timeout
        try:
            response = self._client.receive_message(**request)
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, "receive") from exc
        return [self._to_queue_message(raw) for raw in response.get("Messages", [])]

    def ack(self, message: QueueMessage) -> None:
        """Delete the message: it is done. A stale receipt is logged, not raised.

        Raises QueueUnavailable (transient) or ConfigurationError.
        """
        try:
            self._client.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message.receipt)
        except (ClientError, BotoCoreError) as exc:
            self._handle(exc, "ack", message)

    def release(self, message: QueueMessage, delay_seconds: float) -> None:
        """Make the message visible again after `delay_seconds` (clamped to 0..43200,
        rounded up). A stale receipt is logged, not raised.

        Raises QueueUnavailable (transient) or ConfigurationError.
        """
        self._change_visibility(message, delay_seconds, "release")

    def extend(self, message: QueueMessage, visibility_seconds: float) -> None:
        """Keep the message hidden for `visibility_seconds` from now (clamped to 0..43200,
        rounded up). A stale receipt or the 12-hour total reached is logged, not raised.

        Raises QueueUnavailable (transient) or ConfigurationError.
        """
        self._change_visibility(message, visibility_seconds, "extend")

    def requeue(self, message: QueueMessage, delay_seconds: float) -> None:
        """Replace the message by a fresh copy sent with DelaySeconds (`delay_seconds`
        clamped to 0..900, rounded up), whose ApproximateReceiveCount starts again.

        Three calls: ChangeMessageVisibility hides this delivery for the delay plus
        REQUEUE_HIDE_MARGIN_SECONDS (a stale receipt stops here, logged: someone else has the
        message), SendMessage sends `{"interview_id": ...}` again, and DeleteMessage deletes
        this delivery. When the send fails the message comes back after the hiding, like a
        released one, and QueueUnavailable or ConfigurationError is raised; a failed delete is
        logged, not raised (both messages remain: a duplicate the lease makes harmless).
        Raises ValueError for a message that is not a request.
        """
        if message.interview_id is None:
            raise ValueError("only an interview request can be requeued")
        delay = _send_delay(delay_seconds)
        try:
            self._client.change_message_visibility(
                QueueUrl=self._queue_url,
                ReceiptHandle=message.receipt,
                VisibilityTimeout=delay + REQUEUE_HIDE_MARGIN_SECONDS,
            )
        except (ClientError, BotoCoreError) as exc:
            if is_stale_receipt(exc):
                self._handle(exc, "requeue", message)
                return
            raise self._translate(exc, "requeue") from exc
        self.send_copy(message, delay)
        try:
            self.ack(message)
        except InterviewError as exc:
            logger.warning(
                "requeue of message left the original behind (%s); it comes back as a "
                "duplicate after %d s",
                exc.code,
                delay + REQUEUE_HIDE_MARGIN_SECONDS,
                extra={"message_id": message.message_id},
            )

    def send_copy(self, message: QueueMessage, delay_seconds: float) -> None:
        """Send `{"interview_id": ...}` of `message` again with DelaySeconds (`delay_seconds`
        clamped to 0..900, rounded up), leaving `message` itself as it is.

        Raises ValueError for a message that is not a request, QueueUnavailable (transient)
        or ConfigurationError.
        """
        if message.interview_id is None:
            raise ValueError("only an interview request can be requeued")
        try:
            self._client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=request_body(message.interview_id),
                DelaySeconds=_send_delay(delay_seconds),
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, "SendMessage") from exc

    def _change_visibility(self, message: QueueMessage, seconds: float, operation: str) -> None:
        try:
            self._client.change_message_visibility(
                QueueUrl=self._queue_url,
                ReceiptHandle=message.receipt,
                VisibilityTimeout=_clamp_seconds(seconds),
            )
        except (ClientError, BotoCoreError) as exc:
            self._handle(exc, operation, message)

    def _to_queue_message(self, raw: MessageTypeDef) -> QueueMessage:
        message_id = raw.get("MessageId", "")
        receipt = raw.get("ReceiptHandle", "")
        attributes = raw.get("Attributes", {})
        try:
            receive_count = int(attributes.get("ApproximateReceiveCount", "1"))
        except ValueError:
            receive_count = 1
        body = raw.get("Body", "")
        if len(body.encode("utf-8", "surrogatepass")) > self._max_body_bytes:
            reason = f"body is larger than {self._max_body_bytes} bytes"
            message = QueueMessage(message_id, receipt, receive_count, None, body_error=reason)
        else:
            message = queue_message_from_body(
                message_id=message_id, receipt=receipt, receive_count=receive_count, body=body
            )
        if message.body_error is not None:
            logger.warning(
                "invalid message body: %s",
                message.body_error,
                extra={"message_id": message_id},
            )
        return message

    def _handle(
        self, exc: ClientError | BotoCoreError, operation: str, message: QueueMessage
    ) -> None:
        """Log a stale receipt and return; raise the core error for anything else."""
        if is_stale_receipt(exc):
            logger.warning(
                "%s of message skipped: its receipt no longer applies (%s)",
                operation,
                describe(exc),
                extra={"message_id": message.message_id},
            )
            return
        raise self._translate(exc, operation) from exc

    def _translate(self, exc: BaseException, operation: str) -> InterviewError:
        return translate_sqs_error(exc, operation, self._queue_url)

    # --- the RequestSender and DeadLetterQueue roles --------------------------------------

    def send_request(self, interview_id: str) -> str:
        """Send `{"interview_id": ...}` and return the message id.

        Raises QueueUnavailable (transient) or ConfigurationError.
        """
        try:
            response = self._client.send_message(
                QueueUrl=self._queue_url, MessageBody=request_body(interview_id)
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, "SendMessage") from exc
        return response["MessageId"]

    def peek_dead_letters(self, limit: int) -> list[DeadLetter]:
        """Up to `limit` messages of the queue named by the RedrivePolicy, made visible again
        after reading (their receive counts go up). Raises ValueError for a limit below 1,
        ConfigurationError (no redrive policy, a missing queue, access denied) or
        QueueUnavailable."""
        return self._dead_letters().peek(limit)

    def redrive_dead_letters(self) -> int:
        """Move every dead letter to this queue, deleting each only once it is sent; how many
        moved. Raises ConfigurationError or QueueUnavailable."""
        return self._dead_letters().redrive()

    def _dead_letters(self) -> SqsDeadLetters:
        return SqsDeadLetters(self._client, self._queue_url, self._translate)


def _send_delay(seconds: float) -> int:
    """Whole seconds within SQS's 0..900 DelaySeconds range, rounded up; NaN counts as 0."""
    return min(_clamp_seconds(seconds), MAX_SEND_DELAY_SECONDS)


def _clamp_seconds(seconds: float) -> int:
    """Whole seconds within SQS's 0..43200 visibility range, rounded up; NaN counts as 0."""
    if math.isnan(seconds):
        return 0
    if seconds >= MAX_VISIBILITY_SECONDS:
        return MAX_VISIBILITY_SECONDS
    return max(0, math.ceil(seconds))
