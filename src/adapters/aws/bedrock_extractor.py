"""BedrockQuestionExtractor: interviewer questions, window by window, through Converse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.bedrock_chat import ConverseChat
from adapters.llm.question_windows import QuestionLimits, WindowedQuestions, WindowSizing

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from interview_core.entities import ExtractedQuestion, Transcript
    from interview_core.usage import UsageMeter

DEFAULT_MAX_TRANSCRIPT_CHARS = 400_000
"""About 100k tokens of transcript lines: the most one window may hold."""


class BedrockQuestionExtractor:
    """Questions from a Bedrock model through Converse, with a forced `record_questions` tool.

    The transcript reaches the model as delimited data (see `adapters.llm`) in windows sized
    to fit one reply of `max_tokens`, overlapping by a few segments; the system prompt tells
    it that instructions inside are to be ignored. The tool input is validated (strict
    types, at most `max_questions` questions a reply, more counted as left out, text fields
    cut to `max_field_chars`); a reply without the tool call or failing validation is
    answered with what was wrong, up to `max_attempts` replies; a reply stopped at
    `max_tokens` splits its window instead. Questions named in two windows are kept once. A
    question's start_time comes from the model when it falls within its window, else from
    locating its quote; its end_time is the end of the quoted lines, else of the line it
    starts on. With `answer_chars` None (an answer suggester writes them) no answers are
    asked for.

    Errors: throttling and ServiceQuotaExceeded (throttled), ServiceUnavailable,
    InternalServer, ModelTimeout, ModelNotReady, other 5xx, timeouts and lost connections ->
    ExtractionUnavailable (transient); Validation, AccessDenied, ResourceNotFound (unknown
    model), ModelError, other 4xx, and a reply stopped by a guardrail, a content filter or
    the context window -> ModelRefused (permanent, with the service's message); no window
    with a usable reply -> InvalidModelOutput.
    """

    def __init__(
        self,
        client: BedrockRuntimeClient,
        model_id: str,
        *,
        max_tokens: int = 4096,
        temperature: float | None = 0.2,
        max_questions: int = 50,
        max_field_chars: int = 2000,
        max_attempts: int = 3,
        max_transcript_chars: int = DEFAULT_MAX_TRANSCRIPT_CHARS,
        answer_chars: int | None = 600,
        sizing: WindowSizing | None = None,
    ) -> None:
        """Raise ValueError for an empty model id or a non-positive limit."""
        chat = ConverseChat(
            client,
            model_id,
            max_tokens=max_tokens,
            temperature=temperature,
            max_attempts=max_attempts,
        )
        limits = QuestionLimits(max_questions, max_field_chars, answer_chars, max_transcript_chars)
        self._windows = WindowedQuestions(chat, limits, sizing)

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        """The interviewer's questions in the order asked, with suggested answers when asked
        for; windows, requests, tokens and questions left out are recorded on `meter`.

        An empty list when the model records none. Raises ModelRefused or InvalidModelOutput
        (permanent) or ExtractionUnavailable (transient).
        """
        return self._windows.extract(transcript, meter)
