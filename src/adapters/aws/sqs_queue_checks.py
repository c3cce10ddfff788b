"""An SQS queue's setup: its URL from its name, and a redrive limit the worker can live with."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe,
    describe_safely,
    error_codes,
    is_missing_credentials,
    is_transient,
)
from adapters.aws.sqs_errors import SQS_CONFIGURATION_CODES
from interview_core.errors import ConfigurationError, QueueUnavailable
from interview_core.limits import SPARE_RECEIVES

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

logger = logging.getLogger(__name__)


def queue_url_for(client: SQSClient, url: str | None, name: str) -> str:
    """`url` when given, else the URL of the queue called `name`, from one GetQueueUrl.

    Raises ConfigurationError when no such queue exists or the credentials are refused,
    QueueUnavailable (transient) when SQS cannot answer now.
    """
    if url:
        return url
    try:
        return client.get_queue_url(QueueName=name)["QueueUrl"]
    except (ClientError, BotoCoreError) as exc:
        if is_missing_credentials(exc):
            raise ConfigurationError(NO_CREDENTIALS) from exc
        if is_transient(exc):
            reason = describe_safely(exc)
            raise QueueUnavailable(f"SQS GetQueueUrl failed, retry later: {reason}") from exc
        if error_codes(exc) & SQS_CONFIGURATION_CODES:
            raise ConfigurationError(
                f"queue {name} does not exist: create it, or set AWS_SQS_QUEUE_URL "
                "or AWS_SQS_QUEUE_NAME"
            ) from exc
        raise ConfigurationError(f"SQS GetQueueUrl refused for {name}: {describe(exc)}") from exc


def check_redrive_limit(policy: str | None, max_attempts: int) -> int:
    """The maxReceiveCount of the RedrivePolicy `policy` (JSON); ConfigurationError unless it
    is larger than `max_attempts`, naming the setting to change. A limit with fewer than
    SPARE_RECEIVES receives to spare is accepted with a warning."""
    wanted = f"set the queue's redrive maxReceiveCount to at least {max_attempts + 1}"
    if not policy:
        raise ConfigurationError(
            "the queue has no redrive policy: give it a dead-letter queue and "
            f"{wanted} (WORKER_MAX_ATTEMPTS is {max_attempts})"
        )
    try:
        limit = int(json.loads(policy)["maxReceiveCount"])
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigurationError(f"the queue's redrive policy cannot be read: {wanted}") from exc
    if limit <= max_attempts:
        raise ConfigurationError(
            f"the queue's redrive maxReceiveCount is {limit}, not above WORKER_MAX_ATTEMPTS "
            f"({max_attempts}): {wanted}, or lower WORKER_MAX_ATTEMPTS below {limit}"
        )
    if limit < max_attempts + SPARE_RECEIVES:
        logger.warning(
            "the queue's redrive maxReceiveCount (%d) leaves %d receive(s) past "
            "WORKER_MAX_ATTEMPTS (%d) for the last look; a receive lost to a worker killed "
            "before its claim could send an unfinished interview to the dead-letter queue: "
            "%d is advised",
            limit,
            limit - max_attempts,
            max_attempts,
            max_attempts + SPARE_RECEIVES,
        )
    return limit
