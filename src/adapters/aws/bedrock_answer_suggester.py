"""BedrockAnswerSuggester: suggested answers for questions already found, through Converse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.bedrock_chat import ConverseChat
from adapters.llm.answer_batches import DEFAULT_CONTEXT_CHARS, BatchedAnswers
from adapters.llm.answers import DEFAULT_MAX_ANSWER_CHARS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from interview_core.entities import ExtractedQuestion, Transcript
    from interview_core.usage import UsageMeter


class BedrockAnswerSuggester:
    """Answers from a Bedrock model: forced `record_answers` calls, one batch of questions a
    request (as many as fit one reply of `max_tokens`), each with the transcript lines
    around its questions as delimited data. Every answer must be non-empty and is cut to
    `max_answer_chars`; an unusable reply is asked again, saying what was wrong, up to
    `max_attempts` requests; a reply stopped at `max_tokens` splits its batch. Errors are
    those of BedrockQuestionExtractor.
    """

    def __init__(
        self,
        client: BedrockRuntimeClient,
        model_id: str,
        *,
        max_tokens: int = 4096,
        temperature: float | None = 0.2,
        max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
        max_attempts: int = 3,
        context_chars: int = DEFAULT_CONTEXT_CHARS,
    ) -> None:
        """Raise ValueError for an empty model id or a non-positive limit."""
        chat = ConverseChat(
            client,
            model_id,
            max_tokens=max_tokens,
            temperature=temperature,
            max_attempts=max_attempts,
        )
        self._batches = BatchedAnswers(chat, max_answer_chars, context_chars=context_chars)

    def suggest(
        self,
        transcript: Transcript,
        questions: Sequence[ExtractedQuestion],
        *,
        meter: UsageMeter | None = None,
    ) -> list[ExtractedQuestion]:
        """The questions in order, each with a suggested answer; one whose batch stays
        unusable keeps its own answer or is left out and counted on `meter`. Raises
        ModelRefused or InvalidModelOutput (permanent) or ExtractionUnavailable (transient)."""
        if not questions:
            return []
        return self._batches.suggest(transcript, questions, meter)
