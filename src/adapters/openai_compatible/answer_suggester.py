"""OpenAIAnswerSuggester: suggested answers for questions already found, in batches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.llm.answer_batches import DEFAULT_CONTEXT_CHARS, BatchedAnswers
from adapters.llm.answers import DEFAULT_MAX_ANSWER_CHARS
from adapters.openai_compatible.chat import StructuredChat

if TYPE_CHECKING:
    from collections.abc import Sequence

    import openai

    from adapters.openai_compatible.chat import ChatSettings
    from interview_core.entities import ExtractedQuestion, Transcript
    from interview_core.usage import UsageMeter


class OpenAIAnswerSuggester:
    """Answers from an OpenAI-compatible server: forced `record_answers` calls, one batch of
    questions a request (as many as fit one reply of `settings.max_tokens`), each batch with
    the transcript lines around its questions as delimited data; every answer is checked and
    cut to `max_answer_chars`. Errors are those of OpenAIQuestionExtractor.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        settings: ChatSettings,
        *,
        max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
        context_chars: int = DEFAULT_CONTEXT_CHARS,
    ) -> None:
        """Raise ValueError for a non-positive limit."""
        self._batches = BatchedAnswers(
            StructuredChat(client, settings), max_answer_chars, context_chars=context_chars
        )

    def suggest(
        self,
        transcript: Transcript,
        questions: Sequence[ExtractedQuestion],
        *,
        meter: UsageMeter | None = None,
    ) -> list[ExtractedQuestion]:
        """The questions in order, each with a suggested answer; one whose batch stays
        unusable keeps its own answer or is left out and counted on `meter`. Raises
        ModelRefused or InvalidModelOutput (permanent), ExtractionUnavailable (transient) or
        ConfigurationError."""
        if not questions:
            return []
        return self._batches.suggest(transcript, questions, meter)
