"""OpenAIQuestionExtractor: interviewer questions, window by window, over Chat Completions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.llm.question_windows import QuestionLimits, WindowedQuestions, WindowSizing
from adapters.openai_compatible.chat import ChatSettings, StructuredChat

if TYPE_CHECKING:
    import openai

    from interview_core.entities import ExtractedQuestion, Transcript
    from interview_core.usage import UsageMeter

DEFAULT_MAX_TRANSCRIPT_CHARS = 400_000


class OpenAIQuestionExtractor:
    """Questions from any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, ...).

    The same windows, prompt, schema, validation, caps and re-asks as the Bedrock extractor
    (see `adapters.llm`): the transcript goes as delimited data in windows sized to fit one
    reply of `settings.max_tokens`; each reply is a forced `record_questions` tool call (or
    a JSON-schema reply, by `settings.structured_output`), checked with strict types, at
    most `max_questions` questions (more are counted as left out) and text fields cut to
    `max_field_chars`; an unusable reply is answered with what was wrong, up to
    `settings.max_attempts` replies; a reply cut at the token limit splits its window. With
    `answers` off (an answer suggester writes them) the model records no answers. The core
    then keeps only grounded questions.

    Errors: refused connections, timeouts, 408, 409, 429 (throttled), 5xx ->
    ExtractionUnavailable (transient); 401, 403, 404 or an unknown model ->
    ConfigurationError (the deployment's fault); other 4xx and a content filter ->
    ModelRefused; no window with a usable reply -> InvalidModelOutput.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        settings: ChatSettings,
        *,
        max_questions: int = 50,
        max_field_chars: int = 2000,
        max_transcript_chars: int = DEFAULT_MAX_TRANSCRIPT_CHARS,
        answer_chars: int | None = 600,
        sizing: WindowSizing | None = None,
    ) -> None:
        """`answer_chars`: the length of the answers asked for, None for no answers. Raise
        ValueError for a non-positive limit."""
        if max_transcript_chars < 1:
            raise ValueError("question, field and transcript limits must be positive")
        limits = QuestionLimits(max_questions, max_field_chars, answer_chars, max_transcript_chars)
        self._windows = WindowedQuestions(StructuredChat(client, settings), limits, sizing)

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        """The interviewer's questions in the order asked, with suggested answers when asked
        for; windows, requests, tokens and questions left out are recorded on `meter`.

        An empty list when the model records none. Raises ModelRefused or InvalidModelOutput
        (permanent), ExtractionUnavailable (transient) or ConfigurationError.
        """
        return self._windows.extract(transcript, meter)
