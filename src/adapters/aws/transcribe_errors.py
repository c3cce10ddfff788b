"""Amazon Transcribe's and S3's errors, as the transcriber's core errors."""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError

from adapters.aws.errors import (
    describe,
    describe_safely,
    error_codes,
    http_status,
    is_access_denied,
    is_throttling,
    is_transient,
)
from adapters.aws.transcribe_jobs import is_media_failure, is_service_failure
from interview_core.errors import (
    ConfigurationError,
    InterviewError,
    TranscriptionFailed,
    TranscriptionUnavailable,
)
from interview_core.redaction import redact_locations

logger = logging.getLogger("adapters.aws.transcribe_transcriber")

_UNAVAILABLE_CODES = frozenset({"InternalFailureException"})
_REFUSED_CODES = frozenset({"BadRequestException", "NotFoundException"})
_MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
TRANSCRIBE_GRANT = (
    "grant transcribe:StartTranscriptionJob, transcribe:GetTranscriptionJob and "
    "transcribe:ListTranscriptionJobs, and iam:PassRole on the data access role"
)
"""What a role refused by Amazon Transcribe needs (the template's TaskRole has it)."""


def transcribe_error(exc: BaseException, name: str) -> InterviewError:
    """The core error for a failed Transcribe request on the job `name` ("" for none).

    Throttling and quotas (ThrottlingException, LimitExceededException: too many requests
    or concurrent jobs, HTTP 429) -> TranscriptionUnavailable with `throttled`, which spends
    no attempt of the interview's; InternalFailureException, 5xx, timeouts and lost
    connections -> TranscriptionUnavailable; refused access (AccessDeniedException: the role
    lacks a transcribe: permission) -> ConfigurationError, the deployment's fault;
    BadRequestException, NotFoundException, any other 4xx and client-side errors ->
    TranscriptionFailed. Its message, which may be stored on the interview, names no
    endpoint, bucket or key: the log line written here has the whole of it.
    """
    logger.warning("Amazon Transcribe request failed (job %s): %s", name or "-", describe(exc))
    job = f" for job {name}" if name else ""
    status = http_status(exc)
    reason = describe_safely(exc)
    if is_throttling(exc):
        return TranscriptionUnavailable(
            f"Amazon Transcribe is throttling{job}: {reason}", throttled=True
        )
    if is_transient(exc) or error_codes(exc) & _UNAVAILABLE_CODES:
        return TranscriptionUnavailable(f"Amazon Transcribe is unavailable{job}: {reason}")
    if is_access_denied(exc):
        return ConfigurationError(
            f"the task role may not use Amazon Transcribe{job}: {TRANSCRIBE_GRANT} ({reason})"
        )
    if (
        error_codes(exc) & _REFUSED_CODES
        or (status is not None and 400 <= status < 500)
        or not isinstance(exc, ClientError)
    ):
        return TranscriptionFailed(f"Amazon Transcribe refused the request{job}: {reason}")
    return TranscriptionUnavailable(f"Amazon Transcribe failed{job}: {reason}")


def storage_error(
    exc: BaseException, what: str, bucket: str, key: str, *, permission: str = "s3:GetObject"
) -> InterviewError:
    """The core error for an S3 failure on `what`, naming neither `bucket` nor `key` (the log
    line written here does): throttling (SlowDown, 503) is transient and `throttled`, other
    transient failures transient, refused access a ConfigurationError naming `permission`
    (the role's fault, not the interview's), the rest permanent."""
    logger.warning("S3 request for %r in bucket %s failed: %s", key, bucket, describe(exc))
    reason = describe_safely(exc, bucket, key)
    if is_access_denied(exc):
        return ConfigurationError(
            f"the task role may not access {what} in AWS_S3_BUCKET: grant {permission} on the "
            f"transcription prefix ({reason})"
        )
    if is_transient(exc):
        return TranscriptionUnavailable(
            f"S3 could not serve {what} now: {reason}", throttled=is_throttling(exc)
        )
    return TranscriptionFailed(f"S3 refused {what}: {reason}")


def is_missing_object(exc: BaseException) -> bool:
    """Whether S3 answered that the object is not there (NoSuchKey, a bare 404), as it does
    for a transcript past the bucket's lifecycle rule; a missing bucket is not this."""
    return bool(error_codes(exc) & _MISSING_OBJECT_CODES)


def failed_job_error(
    name: str, reason: str, bucket: str, *, renewable: bool
) -> InterviewError | None:
    """The error for the job `name` that FAILED with `reason`, or None (logged) when a new
    job may replace it.

    A reason that blames the media -> TranscriptionFailed, whatever `renewable` says; any
    other reason -> None while `renewable` (the caller may start another job), else
    TranscriptionUnavailable when it blames the service itself (an internal failure) and
    TranscriptionFailed for a reason nobody recognises. The message names no location of
    `bucket` that the reason may quote.
    """
    logger.warning("transcription job %s failed: %s", name, reason)
    said = redact_locations(reason, bucket)
    if is_media_failure(reason):
        return TranscriptionFailed(f"Amazon Transcribe cannot use the media of {name}: {said}")
    if renewable:
        logger.warning("transcription job failed, starting a new one", extra={"job": name})
        return None
    if is_service_failure(reason):
        return TranscriptionUnavailable(f"transcription job {name} failed: {said}")
    return TranscriptionFailed(f"transcription job {name} failed: {said}")


def still_waiting(name: str, status: object, waited_seconds: float) -> TranscriptionUnavailable:
    """The error for a job not finished by the deadline; a later attempt finds it by its name.

    A job still QUEUED waits for the account's concurrent-job quota (deferred execution, or
    the service's own queue): the world's doing, so the error is `throttled`. A job still
    IN_PROGRESS is an ordinary transient failure.
    """
    queued = status == "QUEUED"
    because = ": Transcribe's concurrent-job quota is full" if queued else ""
    return TranscriptionUnavailable(
        f"transcription job {name} is still {status} after {waited_seconds:g} s{because}; "
        "a later attempt will pick it up",
        throttled=queued,
    )
