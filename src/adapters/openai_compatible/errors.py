"""OpenAI SDK errors translated into the core's three kinds of error."""

from __future__ import annotations

import openai

from adapters.llm.retry_after import retry_after_seconds
from interview_core.errors import (
    ConfigurationError,
    ExtractionUnavailable,
    InterviewError,
    ModelRefused,
)

_MISSING_MODEL = ("not found", "does not exist", "no such model", "unknown model")
_MAX_DETAIL = 300


def translate(exc: openai.OpenAIError, model: str) -> InterviewError:
    """Refused connections, timeouts, 408, 409, 429 and 5xx are transient (429 marked
    throttled, with the Retry-After wait when the server sent one); 401, 403, 404 and an
    unknown model are the deployment's fault; any other 4xx is the interview's fault."""
    detail = _detail(exc)
    if isinstance(exc, openai.APIConnectionError):  # refused, reset, or timed out
        return ExtractionUnavailable(f"model {model} cannot be reached now: {detail}")
    if not isinstance(exc, openai.APIStatusError):
        return ExtractionUnavailable(f"model {model} failed: {detail}")
    status = exc.status_code
    if status == 429:
        return ExtractionUnavailable(
            f"model {model} is throttling requests ({status}): {detail}",
            throttled=True,
            retry_after_seconds=retry_after_seconds(exc.response.headers),
        )
    if status in (408, 409) or status >= 500:
        return ExtractionUnavailable(f"model {model} is unavailable now ({status}): {detail}")
    if status in (401, 403):
        return ConfigurationError(
            f"model {model} refused the credentials ({status}); check OPENAI_API_KEY: {detail}"
        )
    lowered = detail.lower()
    if status == 404 or ("model" in lowered and any(m in lowered for m in _MISSING_MODEL)):
        return ConfigurationError(
            f"model {model} is not served at OPENAI_BASE_URL ({status}); check "
            f"INTERVIEWS_OPENAI_MODEL: {detail}"
        )
    return ModelRefused(f"model {model} refused the request ({status}): {detail}")


def _detail(exc: openai.OpenAIError) -> str:
    """The server's own message, on one line and bounded."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(message).split())[:_MAX_DETAIL]
