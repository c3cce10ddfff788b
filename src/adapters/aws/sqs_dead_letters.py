"""The dead-letter queue behind an SQS queue's redrive policy: read it, and move it back."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.messages import dead_letter_from_body
from interview_core.errors import ConfigurationError, QueueUnavailable
from interview_core.limits import MAX_RECEIVE_BATCH
from interview_core.records import check_limit

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

    from interview_core.errors import InterviewError
    from interview_core.ports import DeadLetter

    Translate = Callable[[BaseException, str], InterviewError]

PEEK_HIDE_SECONDS = 30
"""How long a peek hides what it has read, so that one listing never shows a message twice."""
REDRIVE_HIDE_SECONDS = 60
"""How long a redrive hides a batch while it is sent to the main queue."""
FINAL_WAIT_SECONDS = 1
"""A short long-poll, so that an empty answer means an empty queue and not a missed sample."""


class SqsDeadLetters:
    """The queue named by `deadLetterTargetArn` in the main queue's RedrivePolicy.

    Peeking receives with a short visibility timeout and then makes every message visible
    again; the receive counts go up, as with any look at an SQS message. A redrive sends
    each batch to the main queue with SendMessageBatch and deletes from the dead-letter
    queue only the entries that were sent. Errors go through `translate`, the main queue's
    adapter's translation; a queue without a redrive policy raises ConfigurationError.
    """

    def __init__(self, client: SQSClient, queue_url: str, translate: Translate) -> None:
        self._client = client
        self._queue_url = queue_url
        self._translate = translate
        self._url: str | None = None

    def url(self) -> str:
        """The dead-letter queue's URL, looked up once from the main queue's attributes."""
        if self._url is None:
            with self._translated("GetQueueAttributes"):
                attributes = self._client.get_queue_attributes(
                    QueueUrl=self._queue_url, AttributeNames=["RedrivePolicy"]
                ).get("Attributes", {})
            target = _target_arn(attributes.get("RedrivePolicy"))
            if target is None:
                raise ConfigurationError(
                    "the queue has no dead-letter queue: its RedrivePolicy names no "
                    "deadLetterTargetArn"
                )
            *_, account, name = target.split(":")
            with self._translated("GetQueueUrl"):
                self._url = self._client.get_queue_url(
                    QueueName=name, QueueOwnerAWSAccountId=account
                )["QueueUrl"]
        return self._url

    def peek(self, limit: int) -> list[DeadLetter]:
        """Up to `limit` dead letters, each made visible again before returning."""
        check_limit(limit)
        seen: dict[str, MessageTypeDef] = {}
        try:
            for batch in self._batches(PEEK_HIDE_SECONDS):
                for raw in batch:
                    seen.setdefault(raw.get("MessageId", ""), raw)
                if len(seen) >= limit:
                    break
        finally:
            self._show_again(list(seen.values()))
        return [_dead_letter(raw) for raw in list(seen.values())[:limit]]

    def redrive(self) -> int:
        """Move every dead letter to the main queue; how many were moved.

        A message this redrive has already sent that comes back to the dead letters while it
        runs is left there, so that a queue whose messages keep failing cannot keep it going.
        """
        moved = 0
        resent: set[str] = set()
        for received in self._batches(REDRIVE_HIDE_SECONDS):
            batch = [raw for raw in received if raw.get("MessageId") not in resent]
            if len(batch) < len(received):
                self._show_again([raw for raw in received if raw not in batch])
            if batch:
                resent |= self._move(batch)
                moved += len(batch)
            if len(batch) < len(received):
                break
        return moved

    def _move(self, batch: list[MessageTypeDef]) -> set[str]:
        """Send `batch` to the main queue, then delete what was sent; the new message ids."""
        entries = {str(index): raw for index, raw in enumerate(batch)}
        with self._translated("SendMessageBatch"):
            sent = self._client.send_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": entry_id, "MessageBody": raw.get("Body", "")}
                    for entry_id, raw in entries.items()
                ],
            ).get("Successful", [])
        done = [entries[entry["Id"]] for entry in sent]
        if done:
            with self._translated("DeleteMessageBatch"):
                self._client.delete_message_batch(
                    QueueUrl=self.url(),
                    Entries=[
                        {"Id": str(index), "ReceiptHandle": raw.get("ReceiptHandle", "")}
                        for index, raw in enumerate(done)
                    ],
                )
        if len(done) < len(batch):
            raise QueueUnavailable(
                f"SQS SendMessageBatch accepted {len(done)} of {len(batch)} dead letters; "
                "the rest stay in the dead-letter queue"
            )
        return {entry["MessageId"] for entry in sent}

    def _batches(self, hide_seconds: int) -> Iterator[list[MessageTypeDef]]:
        """Received batches, hidden for `hide_seconds`, until a receive comes back empty."""
        url = self.url()
        while True:
            with self._translated("ReceiveMessage"):
                batch = self._client.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=MAX_RECEIVE_BATCH,
                    WaitTimeSeconds=FINAL_WAIT_SECONDS,
                    VisibilityTimeout=hide_seconds,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
            if not batch:
                return
            yield batch

    def _show_again(self, messages: list[MessageTypeDef]) -> None:
        for start in range(0, len(messages), MAX_RECEIVE_BATCH):
            chunk = messages[start : start + MAX_RECEIVE_BATCH]
            with self._translated("ChangeMessageVisibilityBatch"):
                self._client.change_message_visibility_batch(
                    QueueUrl=self.url(),
                    Entries=[
                        {
                            "Id": str(index),
                            "ReceiptHandle": raw.get("ReceiptHandle", ""),
                            "VisibilityTimeout": 0,
                        }
                        for index, raw in enumerate(chunk)
                    ],
                )

    @contextmanager
    def _translated(self, operation: str) -> Iterator[None]:
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, operation) from exc


def _target_arn(policy: str | None) -> str | None:
    if not policy:
        return None
    try:
        target = json.loads(policy).get("deadLetterTargetArn")
    except (ValueError, AttributeError):
        return None
    return target if isinstance(target, str) and target.count(":") >= 5 else None


def _dead_letter(raw: MessageTypeDef) -> DeadLetter:
    try:
        count = int(raw.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
    except ValueError:
        count = 1
    return dead_letter_from_body(
        message_id=raw.get("MessageId", ""), receive_count=count, body=raw.get("Body", "")
    )
