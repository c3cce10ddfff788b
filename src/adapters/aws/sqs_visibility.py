"""SqsQueueVisibility: changes the visibility of messages an SQS event source delivered."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from adapters.aws.sqs_message_source import SqsMessageSource
from adapters.aws.sqs_queue_checks import queue_url_for
from interview_core.errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from interview_core.ports import QueueMessage


class SqsQueueVisibility:
    """Releases or requeues a message of the queue named by an event record's
    `eventSourceARN`.

    The queue's URL is looked up once per ARN (GetQueueUrl by the queue's name), then
    the message is released as SqsMessageSource.release does it: ChangeMessageVisibility,
    with a stale receipt logged rather than raised. Safe to share between threads.
    """

    def __init__(self, client: SQSClient) -> None:
        self._client = client
        self._sources: dict[str, SqsMessageSource] = {}
        self._lock = threading.Lock()

    def release(self, queue_arn: str, message: QueueMessage, delay_seconds: float) -> None:
        """Make `message` of the queue `queue_arn` visible again after `delay_seconds`.

        Raises ConfigurationError for an ARN that names no SQS queue or a queue that does not
        exist, QueueUnavailable (transient) when SQS cannot answer now.
        """
        self._source(queue_arn).release(message, delay_seconds)

    def requeue(self, queue_arn: str, message: QueueMessage, delay_seconds: float) -> None:
        """Send a fresh copy of `message`'s request to the queue `queue_arn`, visible after
        `delay_seconds` (clamped to 0..900), leaving `message` itself to the event source,
        which deletes it when the record is not reported as a batch item failure.

        Raises ValueError for a message that is not a request, ConfigurationError for an ARN
        that names no SQS queue or a queue that does not exist, QueueUnavailable (transient).
        """
        self._source(queue_arn).send_copy(message, delay_seconds)

    def _source(self, queue_arn: str) -> SqsMessageSource:
        with self._lock:
            source = self._sources.get(queue_arn)
        if source is not None:
            return source
        parts = queue_arn.split(":")
        if len(parts) != 6 or parts[:3] != ["arn", parts[1], "sqs"] or not parts[5]:
            raise ConfigurationError("the event record's eventSourceARN is not an SQS queue")
        source = SqsMessageSource(self._client, queue_url_for(self._client, None, parts[5]))
        with self._lock:
            self._sources[queue_arn] = source
        return source
