"""BedrockQuestionExtractor: interviewer questions and suggested answers from the Converse API."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.bedrock_errors import REFUSED_STOPS, converse_error
from adapters.llm.question_prompt import (
    SYSTEM_PROMPT,
    reask_text,
    render_transcript,
    user_prompt,
)
from adapters.llm.question_reply import extracted_questions
from adapters.llm.question_schema import TOOL_DESCRIPTION, TOOL_NAME, read_tool_input, tool_schema
from interview_core.errors import (
    InvalidModelOutput,
    ModelRefused,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from adapters.llm.question_schema import QuestionItem
    from interview_core.entities import ExtractedQuestion, Transcript

logger = logging.getLogger(__name__)

DEFAULT_MAX_TRANSCRIPT_CHARS = 400_000
"""About 100k tokens of transcript lines: some four hours of conversation."""


_Message = dict[str, Any]


class BedrockQuestionExtractor:
    """Questions from a Bedrock model through Converse, with a forced `record_questions` tool.

    The transcript reaches the model as delimited data (see `adapters.llm`); the system
    prompt tells it that instructions inside are to be ignored. The tool input is validated
    (strict types, at most `max_questions` questions, text fields cut to `max_field_chars`);
    a reply without the tool call, cut off at the token limit, or failing validation is
    answered with what was wrong, up to `max_attempts` replies in all. A question's
    start_time comes from the model when it falls within the transcript, else from locating
    its quote; its end_time is the end of the quoted lines, else of the line it starts on.

    Errors: throttling, ServiceUnavailable, InternalServer, ModelTimeout, ModelNotReady, other
    5xx, timeouts and lost connections -> ExtractionUnavailable (transient); Validation,
    AccessDenied, ResourceNotFound (unknown model), ModelError, other 4xx, and a reply stopped
    by a guardrail, a content filter or the context window -> ModelRefused (permanent, with
    the service's message); no valid reply after every attempt -> InvalidModelOutput.
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
    ) -> None:
        """Raise ValueError for an empty model id or a non-positive limit."""
        if not model_id:
            raise ValueError("a model id is required")
        limits = (max_tokens, max_questions, max_field_chars, max_attempts, max_transcript_chars)
        if min(limits) < 1:
            raise ValueError(
                "token, question, field, attempt and transcript limits must be positive"
            )
        self._client = client
        self._model_id = model_id
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._max_questions = max_questions
        self._max_field_chars = max_field_chars
        self._max_attempts = max_attempts
        self._max_transcript_chars = max_transcript_chars

    def extract(self, transcript: Transcript) -> list[ExtractedQuestion]:
        """The interviewer's questions in the order asked, each with a suggested answer.

        An empty list when the model records none. Raises ModelRefused or InvalidModelOutput
        (permanent) or ExtractionUnavailable (transient).
        """
        rendered = render_transcript(transcript, self._max_transcript_chars)
        messages: list[_Message] = [_user([{"text": user_prompt(transcript, rendered)}])]
        problem = ""
        for attempt in range(1, self._max_attempts + 1):
            response = self._converse(messages)
            message: Mapping[str, Any] = response.get("output", {}).get("message", {})
            try:
                items = self._read_reply(message, str(response.get("stopReason", "")))
            except ValueError as exc:
                problem = str(exc)
                logger.warning(
                    "invalid model reply", extra={"attempt": attempt, "problem": problem}
                )
                messages = self._reask(messages, message, transcript, rendered, problem)
                continue
            return extracted_questions(items, transcript)
        raise InvalidModelOutput(
            f"model {self._model_id} gave no valid {TOOL_NAME} reply in "
            f"{self._max_attempts} attempts; last problem: {problem}"
        )

    def _request(self, messages: list[_Message]) -> dict[str, Any]:
        inference: dict[str, Any] = {"maxTokens": self._max_tokens}
        if self._temperature is not None:
            inference["temperature"] = self._temperature
        tool = {
            "name": TOOL_NAME,
            "description": TOOL_DESCRIPTION,
            "inputSchema": {"json": tool_schema(self._max_questions)},
        }
        return {
            "modelId": self._model_id,
            "system": [{"text": SYSTEM_PROMPT}],
            "messages": messages,
            "inferenceConfig": inference,
            "toolConfig": {
                "tools": [{"toolSpec": tool}],
                "toolChoice": {"tool": {"name": TOOL_NAME}},
            },
        }

    def _converse(self, messages: list[_Message]) -> Mapping[str, Any]:
        try:
            response: Mapping[str, Any] = self._client.converse(**self._request(messages))
        except (ClientError, BotoCoreError) as exc:
            raise converse_error(exc, self._model_id) from exc
        usage = response.get("usage", {})
        logger.info(
            "model replied",
            extra={
                "model": self._model_id,
                "stop_reason": response.get("stopReason"),
                "input_tokens": usage.get("inputTokens"),
                "output_tokens": usage.get("outputTokens"),
            },
        )
        return response

    def _read_reply(self, message: Mapping[str, Any], stop_reason: str) -> list[QuestionItem]:
        """The validated questions of the reply; ValueError says what makes the reply unusable."""
        if stop_reason in REFUSED_STOPS:
            raise ModelRefused(f"model {self._model_id} stopped: {REFUSED_STOPS[stop_reason]}")
        if stop_reason == "max_tokens":
            raise ValueError("the reply was cut off at the token limit; keep the answers shorter")
        calls = [
            block["toolUse"]
            for block in message.get("content", [])
            if isinstance(block.get("toolUse"), dict) and block["toolUse"].get("name") == TOOL_NAME
        ]
        if not calls:
            raise ValueError(f"the reply did not call the {TOOL_NAME} tool")
        return read_tool_input(
            calls[0].get("input"),
            max_questions=self._max_questions,
            max_field_chars=self._max_field_chars,
        )

    def _reask(
        self,
        messages: list[_Message],
        reply: Mapping[str, Any],
        transcript: Transcript,
        rendered: str,
        problem: str,
    ) -> list[_Message]:
        """The conversation extended by the rejected reply and what was wrong with it."""
        echoed: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        for block in reply.get("content", []):
            if isinstance(block.get("text"), str) and block["text"].strip():
                echoed.append({"text": block["text"]})
            elif isinstance(block.get("toolUse"), dict):
                call = block["toolUse"]
                echoed.append(
                    {
                        "toolUse": {
                            "toolUseId": call.get("toolUseId", ""),
                            "name": call.get("name", ""),
                            "input": call.get("input", {}),
                        }
                    }
                )
                rejection = [{"text": f"Rejected: {problem}."}]
                results.append(
                    {"toolResult": {"toolUseId": call.get("toolUseId", ""), "content": rejection}}
                )
        if not echoed:  # nothing to answer: ask afresh, saying what was wrong
            return [_user([{"text": user_prompt(transcript, rendered, problem=problem)}])]
        followup = [*results, {"text": reask_text(problem)}]
        return [*messages, {"role": "assistant", "content": echoed}, _user(followup)]


def _user(content: list[dict[str, Any]]) -> _Message:
    return {"role": "user", "content": content}
