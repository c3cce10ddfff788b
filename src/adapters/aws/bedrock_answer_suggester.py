"""BedrockAnswerSuggester: suggested answers for questions already found, through Converse."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.bedrock_errors import REFUSED_STOPS, converse_error
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
from interview_core.errors import InvalidModelOutput, ModelRefused

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from interview_core.entities import ExtractedQuestion, Transcript

logger = logging.getLogger(__name__)

DEFAULT_MAX_TRANSCRIPT_CHARS = 400_000


class BedrockAnswerSuggester:
    """Answers from a Bedrock model: one forced `record_answers` call per interview.

    The transcript and the numbered questions go as delimited data; the reply must hold one
    non-empty answer per question, each cut to `max_answer_chars`. An unusable reply is
    asked again, saying what was wrong, up to `max_attempts` requests in all. Errors are
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
        max_transcript_chars: int = DEFAULT_MAX_TRANSCRIPT_CHARS,
    ) -> None:
        """Raise ValueError for an empty model id or a non-positive limit."""
        if not model_id:
            raise ValueError("a model id is required")
        if min(max_tokens, max_answer_chars, max_attempts, max_transcript_chars) < 1:
            raise ValueError("token, answer, attempt and transcript limits must be positive")
        self._client = client
        self._model_id = model_id
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._max_answer_chars = max_answer_chars
        self._max_attempts = max_attempts
        self._max_transcript_chars = max_transcript_chars

    def suggest(
        self, transcript: Transcript, questions: Sequence[ExtractedQuestion]
    ) -> list[ExtractedQuestion]:
        """The questions in order, each with a suggested answer. Raises ModelRefused or
        InvalidModelOutput (permanent) or ExtractionUnavailable (transient)."""
        if not questions:
            return []
        check = AnswerCheck(len(questions), self._max_answer_chars)
        rendered = render_transcript(transcript, self._max_transcript_chars)
        prompt = answer_user_prompt(rendered, questions)
        problem = ""
        for attempt in range(1, self._max_attempts + 1):
            text = f"{prompt}\n\n{answer_reask_text(problem)}" if problem else prompt
            response = self._converse(text, check)
            try:
                return with_answers(questions, check.read(self._tool_input(response)))
            except ValueError as exc:
                problem = str(exc)
                logger.warning(
                    "invalid model reply", extra={"attempt": attempt, "problem": problem}
                )
        raise InvalidModelOutput(
            f"model {self._model_id} gave no valid {ANSWER_TOOL} reply in "
            f"{self._max_attempts} attempts; last problem: {problem}"
        )

    def _converse(self, text: str, check: AnswerCheck) -> Mapping[str, Any]:
        inference: dict[str, Any] = {"maxTokens": self._max_tokens}
        if self._temperature is not None:
            inference["temperature"] = self._temperature
        tool = {
            "name": ANSWER_TOOL,
            "description": ANSWER_TOOL_DESCRIPTION,
            "inputSchema": {"json": answer_schema(check.count, check.max_chars)},
        }
        request: dict[str, Any] = {
            "modelId": self._model_id,
            "system": [{"text": answer_system_prompt(self._max_answer_chars)}],
            "messages": [{"role": "user", "content": [{"text": text}]}],
            "inferenceConfig": inference,
            "toolConfig": {
                "tools": [{"toolSpec": tool}],
                "toolChoice": {"tool": {"name": ANSWER_TOOL}},
            },
        }
        try:
            response: Mapping[str, Any] = self._client.converse(**request)
        except (ClientError, BotoCoreError) as exc:
            raise converse_error(exc, self._model_id) from exc
        return response

    def _tool_input(self, response: Mapping[str, Any]) -> object:
        stop = str(response.get("stopReason", ""))
        if stop in REFUSED_STOPS:
            raise ModelRefused(f"model {self._model_id} stopped: {REFUSED_STOPS[stop]}")
        if stop == "max_tokens":
            raise ValueError("the reply was cut off at the token limit; keep the answers shorter")
        content = response.get("output", {}).get("message", {}).get("content", [])
        for block in content:
            call = block.get("toolUse")
            if isinstance(call, dict) and call.get("name") == ANSWER_TOOL:
                return call.get("input")
        raise ValueError(f"the reply did not call the {ANSWER_TOOL} tool")
