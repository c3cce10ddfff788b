"""Converse errors and stop reasons translated into core errors."""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError

from adapters.aws.bedrock_setup_faults import setup_fault
from adapters.aws.errors import describe, describe_safely, error_codes, http_status, is_transient
from interview_core.errors import ExtractionUnavailable, InterviewError, ModelRefused

logger = logging.getLogger(__name__)

_UNAVAILABLE_CODES = frozenset({"ModelTimeoutException", "ServiceQuotaExceededException"})

REFUSED_STOPS = {
    "guardrail_intervened": "a guardrail intervened",
    "content_filtered": "the content was filtered",
    "model_context_window_exceeded": "the transcript exceeds the model's context window",
}
"""Stop reasons after which asking again cannot help, with what they mean."""


def converse_error(exc: BaseException, model_id: str) -> InterviewError:
    """Throttling, timeouts, lost connections and 5xx -> ExtractionUnavailable; any other
    error -> ModelRefused. The message, which may be stored on the interview, names no
    endpoint or ARN; the log line written here has the whole of the service's reply."""
    if (fault := setup_fault(exc, model_id)) is not None:  # the deployment's: bedrock_setup_faults
        return fault
    logger.warning("Bedrock request to %s failed: %s", model_id, describe(exc))
    status = http_status(exc)
    reason = describe_safely(exc)
    if is_transient(exc) or error_codes(exc) & _UNAVAILABLE_CODES or status == 408:
        return ExtractionUnavailable(f"model {model_id} is unavailable now: {reason}")
    if not isinstance(exc, ClientError) or status is None or status < 500:
        return ModelRefused(f"model {model_id} refused the request: {reason}")
    return ExtractionUnavailable(f"model {model_id} failed: {reason}")
