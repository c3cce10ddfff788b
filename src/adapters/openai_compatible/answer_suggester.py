"""OpenAIAnswerSuggester: suggested answers for questions already found, in one request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.llm.answers import (
    ANSWER_TOOL,
    ANSWER_TOOL_DESCRIPTION,
    DEFAULT_MAX_ANSWER_CHARS,
    AnswerCheck,
    answer_reask_text,
    answer_schema,
    answer_system_prompt,
    answer_user_prompt,
    with_answers,
)
from adapters.llm.question_prompt import render_transcript
from adapters.openai_compatible.chat import StructuredChat, Tool

if TYPE_CHECKING:
    from collections.abc import Sequence

    import openai

    from adapters.openai_compatible.chat import ChatSettings
    from interview_core.entities import ExtractedQuestion, Transcript

DEFAULT_MAX_TRANSCRIPT_CHARS = 24_000
"""About 6k tokens: small local models have small context windows."""


class OpenAIAnswerSuggester:
    """Answers from any OpenAI-compatible server: one `record_answers` call per interview.

    The transcript and the numbered questions go as delimited data; the reply must hold one
    non-empty answer per question, each cut to `max_answer_chars`; re-asks and errors are
    those of OpenAIQuestionExtractor.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        settings: ChatSettings,
        *,
        max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
        max_transcript_chars: int = DEFAULT_MAX_TRANSCRIPT_CHARS,
    ) -> None:
        """Raise ValueError for a non-positive limit."""
        if min(max_answer_chars, max_transcript_chars) < 1:
            raise ValueError("answer and transcript limits must be positive")
        self._chat = StructuredChat(client, settings)
        self._max_answer_chars = max_answer_chars
        self._max_transcript_chars = max_transcript_chars

    def suggest(
        self, transcript: Transcript, questions: Sequence[ExtractedQuestion]
    ) -> list[ExtractedQuestion]:
        """The questions in order, each with a suggested answer. Raises ModelRefused or
        InvalidModelOutput (permanent), ExtractionUnavailable (transient) or
        ConfigurationError."""
        if not questions:
            return []
        check = AnswerCheck(len(questions), self._max_answer_chars)
        tool = Tool(
            ANSWER_TOOL, ANSWER_TOOL_DESCRIPTION, answer_schema(check.count, check.max_chars)
        )
        rendered = render_transcript(transcript, self._max_transcript_chars)
        answers = self._chat.ask(
            answer_system_prompt(self._max_answer_chars),
            answer_user_prompt(rendered, questions),
            tool,
            check.read,
            answer_reask_text,
        )
        return with_answers(questions, answers)
