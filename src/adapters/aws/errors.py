"""Classify botocore exceptions as throttling, transient or access errors for the AWS adapters."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    IncompleteReadError,
    NoCredentialsError,
)
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from interview_core.redaction import redact_locations

THROTTLING_CODES: frozenset[str] = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "SlowDown",
        "PriorRequestNotComplete",
        "KmsThrottled",
        "KMS.ThrottlingException",
    }
)
"""Error codes with which AWS services say "too many requests, slow down"."""

TRANSIENT_CODES: frozenset[str] = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServiceFailure",
        "ModelNotReadyException",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
    }
)
"""Error codes, besides throttling, that a later retry may clear (including expired
temporary credentials, which the default credential chain refreshes)."""

ACCESS_DENIED_CODES: frozenset[str] = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AllAccessDisabled",
        "Forbidden",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSecurity",
        "KmsAccessDenied",
        "KMS.AccessDeniedException",
    }
)
"""Error codes with which a service refuses the caller's identity or permissions."""

_QUERY_PREFIXES = ("AWS.SimpleQueueService.",)
"""Prefixes of legacy query-protocol codes, e.g. `AWS.SimpleQueueService.NonExistentQueue`."""


def error_codes(exc: BaseException) -> frozenset[str]:
    """Every code a ClientError carries, without legacy prefixes; empty for other errors.

    Services that moved from the query to the JSON protocol (SQS) report both a legacy code
    and the modeled one (`QueryErrorCode`); both are returned so callers may match either.
    """
    if not isinstance(exc, ClientError):
        return frozenset()
    error = exc.response.get("Error", {})
    codes: set[str] = set()
    for raw in (error.get("Code"), error.get("QueryErrorCode")):
        if not raw:
            continue
        code = str(raw)
        codes.add(code)
        for prefix in _QUERY_PREFIXES:
            if code.startswith(prefix):
                codes.add(code.removeprefix(prefix))
    return frozenset(codes)


def error_code(exc: BaseException) -> str:
    """The primary error code of a ClientError, or the exception's class name otherwise."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "Unknown")
    return type(exc).__name__


def error_message(exc: BaseException) -> str:
    """The service's own message for a ClientError, or the exception's text otherwise."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Message") or "")
    return str(exc)


def http_status(exc: BaseException) -> int | None:
    """The HTTP status code of a ClientError's response, when it has one."""
    if not isinstance(exc, ClientError):
        return None
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None


_LONGEST_MESSAGE = 300
"""A service's message is cut to this many characters in a description: a proxy or a
stand-in server may answer with a whole HTML page."""


def describe(exc: BaseException) -> str:
    """A short description for error messages, on one line: the code, the HTTP status and
    the service's message (cut to a few hundred characters)."""
    status = http_status(exc)
    status_text = f" (HTTP {status})" if status is not None else ""
    message = " ".join(error_message(exc).split())
    if len(message) > _LONGEST_MESSAGE:
        message = message[: _LONGEST_MESSAGE - 1].rstrip() + "…"
    return f"{error_code(exc)}{status_text}" + (f": {message}" if message else "")


def describe_safely(exc: BaseException, *names: str) -> str:
    """`describe(exc)` with every location and each of `names` redacted (`redact_locations`)."""
    return redact_locations(describe(exc), *names)


def is_throttling(exc: BaseException) -> bool:
    """Whether the service asked the caller to slow down (a throttling code or HTTP 429)."""
    return bool(error_codes(exc) & THROTTLING_CODES) or http_status(exc) == 429


def is_access_denied(exc: BaseException) -> bool:
    """Whether the service refused the caller's permissions or identity."""
    return bool(error_codes(exc) & ACCESS_DENIED_CODES)


NO_CREDENTIALS = (
    "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, "
    "or run with a role"
)
"""What every adapter says when boto3's default chain finds no credentials."""


def is_missing_credentials(exc: BaseException) -> bool:
    """Whether botocore found no credentials to sign the request with."""
    return isinstance(exc, NoCredentialsError)


def is_transient(exc: BaseException) -> bool:
    """Whether a later retry may succeed.

    True for throttling, the transient codes above, any HTTP 5xx, and the connection-level
    failures botocore raises before a response arrives or while a body streams:
    EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError,
    ResponseStreamingError and IncompleteReadError.
    """
    if isinstance(exc, BotocoreConnectionError | HTTPClientError | IncompleteReadError):
        return True
    if not isinstance(exc, ClientError):
        return False
    if is_throttling(exc) or error_codes(exc) & TRANSIENT_CODES:
        return True
    status = http_status(exc)
    return status is not None and status >= 500


def is_botocore_error(exc: BaseException) -> bool:
    """Whether the exception comes from botocore (a service reply or a client-side failure)."""
    return isinstance(exc, ClientError | BotoCoreError)
