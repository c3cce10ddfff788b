"""The OpenAI SDK client, built from settings for any OpenAI-compatible server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interview_core.errors import ConfigurationError

if TYPE_CHECKING:
    import openai

NO_KEY = "not-needed"
"""Sent when no key is set: local servers (Ollama, llama.cpp, vLLM) accept any."""


def openai_client(
    *,
    base_url: str | None,
    api_key: str | None,
    timeout_seconds: float,
    max_retries: int,
) -> openai.OpenAI:
    """A client for `base_url` (the SDK's default, OpenAI itself, when None).

    The SDK retries refused connections, timeouts, 408, 409, 429 and 5xx `max_retries`
    times with backoff; that is the only retry layer. Raises ConfigurationError when the
    `llm` extra is not installed.
    """
    try:
        import openai
    except ImportError as exc:
        raise ConfigurationError(
            "the openai package is missing: pip install 'ai-interviews[llm]'"
        ) from exc
    return openai.OpenAI(
        base_url=base_url or None,
        api_key=api_key or NO_KEY,
        timeout=timeout_seconds,
        max_retries=max_retries,
    )
