"""OpenAIQuestionExtractor: interviewer questions and suggested answers over Chat Completions."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from adapters.llm.question_prompt import SYSTEM_PROMPT, reask_text, render_transcript, user_prompt
from adapters.llm.question_reply import extracted_questions
from adapters.llm.question_schema import TOOL_DESCRIPTION, TOOL_NAME, read_tool_input, tool_schema
from adapters.openai_compatible.chat import ChatSettings, StructuredChat, Tool

if TYPE_CHECKING:
    import openai

    from interview_core.entities import ExtractedQuestion, Transcript

DEFAULT_MAX_TRANSCRIPT_CHARS = 400_000


class OpenAIQuestionExtractor:
    """Questions from any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, ...).

    The same prompt, schema, validation, caps and re-asks as the Bedrock extractor (see
    `adapters.llm`): the transcript goes as delimited data, the reply is a forced
    `record_questions` tool call (or a JSON-schema reply, by `settings.structured_output`),
    checked with strict types, at most `max_questions` questions and text fields cut to
    `max_field_chars`; an unusable reply is answered with what was wrong, up to
    `settings.max_attempts` replies in all. The core then keeps only grounded questions.

    Errors: refused connections, timeouts, 408, 409, 429, 5xx -> ExtractionUnavailable
    (transient); 401, 403, 404 or an unknown model -> ConfigurationError (the deployment's
    fault); other 4xx and a content filter -> ModelRefused; no valid reply after every
    attempt -> InvalidModelOutput.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        settings: ChatSettings,
        *,
        max_questions: int = 50,
        max_field_chars: int = 2000,
        max_transcript_chars: int = DEFAULT_MAX_TRANSCRIPT_CHARS,
    ) -> None:
        """Raise ValueError for a non-positive limit."""
        if min(max_questions, max_field_chars, max_transcript_chars) < 1:
            raise ValueError("question, field and transcript limits must be positive")
        self._chat = StructuredChat(client, settings)
        self._tool = Tool(TOOL_NAME, TOOL_DESCRIPTION, tool_schema(max_questions, max_field_chars))
        self._read = functools.partial(
            read_tool_input, max_questions=max_questions, max_field_chars=max_field_chars
        )
        self._max_transcript_chars = max_transcript_chars

    def extract(self, transcript: Transcript) -> list[ExtractedQuestion]:
        """The interviewer's questions in the order asked, each with a suggested answer.

        An empty list when the model records none. Raises ModelRefused or InvalidModelOutput
        (permanent), ExtractionUnavailable (transient) or ConfigurationError.
        """
        rendered = render_transcript(transcript, self._max_transcript_chars)
        items = self._chat.ask(
            SYSTEM_PROMPT, user_prompt(transcript, rendered), self._tool, self._read, reask_text
        )
        return extracted_questions(items, transcript)
