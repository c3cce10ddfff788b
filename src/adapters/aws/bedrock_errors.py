"""Converse errors and stop reasons translated into core errors."""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError

from adapters.aws.bedrock_setup_faults import setup_fault
from adapters.aws.errors import describe, describe_safely, error_codes, http_status, is_transient
from adapters.llm.retry_after import retry_after_seconds
from interview_core.errors import ExtractionUnavailable, InterviewError, ModelRefused

logger = logging.getLogger(__name__)

_UNAVAILABLE_CODES = frozenset({"ModelTimeoutException"})
_THROTTLED_CODES = frozenset({"ThrottlingException", "ServiceQuotaExceededException"})
"""A rate or a quota: the world's doing, which spends no attempt of the interview's."""

REFUSED_STOPS = {
    "guardrail_intervened": "a guardrail intervened",
    "content_filtered": "the content was filtered",
    "model_context_window_exceeded": "the transcript exceeds the model's context window",
}
"""Stop reasons after which asking again cannot help, with what they mean."""


def converse_error(exc: BaseException, model_id: str) -> InterviewError:
    """ThrottlingException and ServiceQuotaExceededException -> ExtractionUnavailable marked
    throttled (with the Retry-After wait when sent); timeouts, lost connections and 5xx ->
    ExtractionUnavailable; any other error -> ModelRefused. The message, which may be stored
    on the interview, names no endpoint or ARN; the log line written here has the whole of
    the service's reply."""
    if (fault := setup_fault(exc, model_id)) is not None:  # the deployment's: bedrock_setup_faults
        return fault
    logger.warning("Bedrock request to %s failed: %s", model_id, describe(exc))
    status = http_status(exc)
    reason = describe_safely(exc)
    codes = error_codes(exc)
    if codes & _THROTTLED_CODES:
        return ExtractionUnavailable(
            f"model {model_id} is throttling requests: {reason}",
            throttled=True,
            retry_after_seconds=retry_after_seconds(_headers(exc)),
        )
    if is_transient(exc) or codes & _UNAVAILABLE_CODES or status == 408:
        return ExtractionUnavailable(f"model {model_id} is unavailable now: {reason}")
    if not isinstance(exc, ClientError) or status is None or status < 500:
        return ModelRefused(f"model {model_id} refused the request: {reason}")
    return ExtractionUnavailable(f"model {model_id} failed: {reason}")


def _headers(exc: BaseException) -> dict[str, str] | None:
    if not isinstance(exc, ClientError):
        return None
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders")
    return dict(headers) if headers else None
