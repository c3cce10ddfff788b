"""Translation of DynamoDB errors into core errors, at the repository's edge."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe,
    describe_safely,
    error_code,
    error_message,
    is_access_denied,
    is_missing_credentials,
    is_throttling,
    is_transient,
)
from interview_core.errors import (
    ConfigurationError,
    InvalidInterviewRecord,
    RepositoryUnavailable,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    from interview_core.errors import InterviewError

logger = logging.getLogger(__name__)

_SCHEMA_WORDS = ("index", "key", "schema")
"""Words of a ValidationException about the table's layout rather than an item's content."""


class ConditionFailed(Exception):
    """A conditional write was refused; `item` is the item as it stood, when DynamoDB sent it."""

    def __init__(self, item: Mapping[str, AttributeValueTypeDef] | None) -> None:
        super().__init__("conditional check failed")
        self.item = item


@contextmanager
def translated_errors(table: str) -> Iterator[None]:
    """Turn botocore errors raised in the block into core errors naming `table`.

    ConditionalCheckFailedException becomes ConditionFailed (with the old item when the
    request asked for it), for the caller to interpret. ResourceNotFoundException, refused
    access and a ValidationException about an index, key or schema become ConfigurationError;
    other ValidationExceptions InvalidInterviewRecord; throttling, 5xx, timeouts, connection
    failures and unforeseen service errors RepositoryUnavailable. Client-side faults such as
    invalid parameters are bugs and pass through unchanged.
    """
    try:
        yield
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            item = cast("Mapping[str, Any]", exc.response).get("Item")
            raise ConditionFailed(item) from exc
        raise _translate(exc, table) from exc
    except BotoCoreError as exc:
        if is_missing_credentials(exc):
            raise ConfigurationError(NO_CREDENTIALS) from exc
        if not is_transient(exc):
            raise
        raise _unavailable(exc, table) from exc


def _unavailable(exc: BaseException, table: str) -> RepositoryUnavailable:
    """A transient failure, whose message may be stored on an interview: no endpoint or table
    in it (the log line written here has them)."""
    logger.warning("DynamoDB request on table %s failed: %s", table, describe(exc))
    return RepositoryUnavailable(
        f"DynamoDB could not answer now: {describe_safely(exc, table)}",
        throttled=is_throttling(exc),
    )


def _translate(exc: ClientError, table: str) -> InterviewError:
    code = error_code(exc)
    if code == "ResourceNotFoundException":
        message = error_message(exc)
        return ConfigurationError(f"DynamoDB table {table} or its index does not exist: {message}")
    if is_access_denied(exc):
        return ConfigurationError(f"DynamoDB refused access to table {table}: {describe(exc)}")
    if code == "ValidationException":
        if any(word in error_message(exc).lower() for word in _SCHEMA_WORDS):
            return ConfigurationError(f"DynamoDB table {table}: {describe(exc)}")
        logger.warning("DynamoDB rejected a request on table %s: %s", table, describe(exc))
        return InvalidInterviewRecord(
            f"DynamoDB rejected the record: {describe_safely(exc, table)}"
        )
    return _unavailable(exc, table)
