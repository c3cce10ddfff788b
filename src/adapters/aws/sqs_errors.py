"""SQS errors in core terms: what a deployment must fix, what may pass, and stale receipts."""

from __future__ import annotations

import logging

from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe,
    describe_safely,
    error_codes,
    error_message,
    is_access_denied,
    is_missing_credentials,
    is_throttling,
    is_transient,
)
from interview_core.errors import ConfigurationError, InterviewError, QueueUnavailable

logger = logging.getLogger(__name__)

STALE_RECEIPT_CODES = frozenset({"ReceiptHandleIsInvalid", "MessageNotInflight"})
"""Codes of a receipt handle that no longer acts on its message."""
SQS_CONFIGURATION_CODES = frozenset(
    {
        "QueueDoesNotExist",
        "NonExistentQueue",
        "InvalidAddress",
        "UnsupportedOperation",
        "KmsDisabled",
        "KmsNotFound",
        "KmsInvalidState",
        "KmsInvalidKeyUsage",
        "KmsOptInRequired",
    }
)
"""Codes that only a change of queue, identity or KMS key can cure."""


def translate_sqs_error(exc: BaseException, operation: str, queue_url: str) -> InterviewError:
    """The core error for `exc`. A transient one's message names no endpoint or queue
    URL (the log line written here does); a configuration error keeps the detail for
    whoever fixes the deployment."""
    if is_missing_credentials(exc):
        return ConfigurationError(NO_CREDENTIALS)
    if error_codes(exc) & SQS_CONFIGURATION_CODES or is_access_denied(exc):
        if not is_transient(exc):
            return ConfigurationError(f"SQS {operation} refused for the queue: {describe(exc)}")
    logger.warning("SQS %s on %s failed: %s", operation, queue_url, describe(exc))
    reason = describe_safely(exc, queue_url)
    if is_transient(exc):
        return QueueUnavailable(
            f"SQS {operation} failed, retry later: {reason}", throttled=is_throttling(exc)
        )
    return QueueUnavailable(f"SQS {operation} failed: {reason}")


def is_stale_receipt(exc: BaseException) -> bool:
    """Whether the receipt handle can no longer act on its message."""
    if error_codes(exc) & STALE_RECEIPT_CODES:
        return True
    if "InvalidParameterValue" in error_codes(exc):
        text = error_message(exc)
        return "ReceiptHandle" in text or "VisibilityTimeout" in text
    return False
