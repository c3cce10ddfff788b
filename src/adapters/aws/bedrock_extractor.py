"""BedrockQuestionExtractor: interviewer questions and suggested answers from the Converse API."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.bedrock_prompt import (
    SYSTEM_PROMPT,
    TranscriptIndex,
    reask_text,
    render_transcript,
    user_prompt,
)
from adapters.aws.bedrock_schema import TOOL_DESCRIPTION, TOOL_NAME, read_tool_input, tool_schema
from adapters.aws.errors import describe, describe_safely, error_codes, http_status, is_transient
from interview_core.entities import ExtractedQuestion
from interview_core.errors import (
    ExtractionUnavailable,
    InterviewError,
    InvalidModelOutput,
    ModelRefused,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from adapters.aws.bedrock_schema import QuestionItem
    from interview_core.entities import Transcript

logger = logging.getLogger(__name__)

DEFAULT_MAX_TRANSCRIPT_CHARS = 400_000
"""About 100k tokens of transcript lines: some four hours of conversation."""

_UNAVAILABLE_CODES = frozenset({"ModelTimeoutException", "ServiceQuotaExceededException"})
_REFUSED_STOPS = {
    "guardrail_intervened": "a guardrail intervened",
    "content_filtered": "the content was filtered",
    "model_context_window_exceeded": "the transcript exceeds the model's context window",
}

_Message = dict[str, Any]


class BedrockQuestionExtractor:
    """Questions from a Bedrock model through Converse, with a forced `record_questions` tool.

    The transcript reaches the model as delimited data (see `bedrock_prompt`); the system
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
            return _questions(items, transcript)
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
            raise self._translate(exc) from exc
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
        if stop_reason in _REFUSED_STOPS:
            raise ModelRefused(f"model {self._model_id} stopped: {_REFUSED_STOPS[stop_reason]}")
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

    def _translate(self, exc: BaseException) -> InterviewError:
        """The core error for `exc`; its message, which may be stored on the interview, names
        no endpoint or ARN: the log line written here has the whole of it."""
        logger.warning("Bedrock request to %s failed: %s", self._model_id, describe(exc))
        status = http_status(exc)
        reason = describe_safely(exc)
        if is_transient(exc) or error_codes(exc) & _UNAVAILABLE_CODES or status == 408:
            return ExtractionUnavailable(f"model {self._model_id} is unavailable now: {reason}")
        if not isinstance(exc, ClientError) or status is None or status < 500:
            return ModelRefused(f"model {self._model_id} refused the request: {reason}")
        return ExtractionUnavailable(f"model {self._model_id} failed: {reason}")


def _user(content: list[dict[str, Any]]) -> _Message:
    return {"role": "user", "content": content}


def _questions(items: list[QuestionItem], transcript: Transcript) -> list[ExtractedQuestion]:
    """Core questions with times: the model's start_time, else where the quote is found."""
    index = TranscriptIndex.of(transcript.segments)
    questions: list[ExtractedQuestion] = []
    for item in items:
        start: float | None = None
        end: float | None = None
        located = index.locate(item.quote) if item.quote else None
        if item.start_time is not None and index.end_of_line_at(item.start_time) is not None:
            start = item.start_time
            quoted_here = located is not None and located[0] - 1.0 <= start <= located[1]
            end = located[1] if located and quoted_here else index.end_of_line_at(start)
        elif located is not None:
            start, end = located
        questions.append(
            ExtractedQuestion(
                question=item.question,
                answer=item.answer,
                context=item.context or "",
                question_context=item.question_context,
                is_global=item.is_global,
                start_time=start,
                end_time=end,
            )
        )
    if all(question.start_time is not None for question in questions):
        questions.sort(key=lambda question: question.start_time or 0.0)
    return questions
