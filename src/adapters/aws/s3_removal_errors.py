"""What a failed S3 list or delete of the pipeline's own files becomes in the core's terms."""

from __future__ import annotations

from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe_safely,
    error_codes,
    http_status,
    is_access_denied,
    is_missing_credentials,
    is_throttling,
    is_transient,
)
from interview_core.errors import ConfigurationError, InterviewError, StageStoreUnavailable


def removal_error(
    exc: BaseException, bucket: str, key: str, *, what: str, when_refused: str
) -> InterviewError:
    """The error for `exc`, raised while removing `what` (for example "the interview's
    files") at `key`: a transient one to retry, else the deployment's fault, naming the
    missing bucket or, when access is refused, `when_refused` (what to grant)."""
    if is_missing_credentials(exc):
        return ConfigurationError(NO_CREDENTIALS)
    reason = describe_safely(exc, bucket, key)
    if is_transient(exc):
        return StageStoreUnavailable(
            f"S3 could not remove {what} now: {reason}", throttled=is_throttling(exc)
        )
    if "NoSuchBucket" in error_codes(exc):
        return ConfigurationError(f"bucket {bucket} does not exist: create it or set AWS_S3_BUCKET")
    if is_access_denied(exc) or http_status(exc) == 403:
        return ConfigurationError(when_refused)
    return StageStoreUnavailable(f"S3 failed to remove {what}: {reason}")
