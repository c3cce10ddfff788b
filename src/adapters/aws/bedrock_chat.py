"""One structured Converse exchange: a forced tool call, re-asked until its reply passes."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.bedrock_errors import REFUSED_STOPS, converse_error
from adapters.llm.exchange import ReplyCut, Request, estimate_tokens, request_tokens
from interview_core.errors import InvalidModelOutput, ModelRefused

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from interview_core.usage import UsageMeter

logger = logging.getLogger(__name__)

T = TypeVar("T")
_Message = dict[str, Any]


class ConverseChat:
    """A ModelExchange over Bedrock Converse with a forced tool choice."""

    def __init__(
        self,
        client: BedrockRuntimeClient,
        model_id: str,
        *,
        max_tokens: int = 4096,
        temperature: float | None = 0.2,
        max_attempts: int = 3,
    ) -> None:
        """Raise ValueError for an empty model id or a non-positive limit."""
        if not model_id:
            raise ValueError("a model id is required")
        if min(max_tokens, max_attempts) < 1:
            raise ValueError("token and attempt limits must be positive")
        self._client = client
        self._model_id = model_id
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._max_attempts = max_attempts

    @property
    def max_tokens(self) -> int:
        """The output budget of one reply (`inferenceConfig.maxTokens`)."""
        return self._max_tokens

    def ask(
        self,
        request: Request,
        read: Callable[[object], T],
        reask: Callable[[str], str],
        meter: UsageMeter | None = None,
    ) -> T:
        """`read` applied to the tool input of the first usable reply; a rejected one is
        answered (its toolUse with a toolResult) with `reask(problem)`, up to `max_attempts`
        replies. Each request is recorded on `meter` with the reply's usage (else estimates).

        Raises ReplyCut for stopReason max_tokens, ModelRefused for a guardrail, a content
        filter or the context window (and for a refused request), InvalidModelOutput when no
        reply passes, ExtractionUnavailable (transient; throttled for throttling and quotas).
        """
        messages: list[_Message] = [_user([{"text": request.user}])]
        problem = ""
        for attempt in range(1, self._max_attempts + 1):
            response = self._converse(request, messages, meter)
            message: Mapping[str, Any] = response.get("output", {}).get("message", {})
            try:
                return read(self._tool_input(request, message, str(response.get("stopReason"))))
            except ValueError as exc:
                problem = str(exc)
            logger.warning("invalid model reply", extra={"attempt": attempt, "problem": problem})
            messages = _reasked(messages, message, request, problem, reask)
        raise InvalidModelOutput(
            f"model {self._model_id} gave no valid {request.tool.name} reply in "
            f"{self._max_attempts} attempts; last problem: {problem}"
        )

    def _converse(
        self, request: Request, messages: list[_Message], meter: UsageMeter | None
    ) -> Mapping[str, Any]:
        inference: dict[str, Any] = {"maxTokens": self._max_tokens}
        if self._temperature is not None:
            inference["temperature"] = self._temperature
        tool = request.tool
        spec = {"name": tool.name, "description": tool.description}
        body: dict[str, Any] = {
            "modelId": self._model_id,
            "system": [{"text": request.system}],
            "messages": messages,
            "inferenceConfig": inference,
            "toolConfig": {
                "tools": [{"toolSpec": {**spec, "inputSchema": {"json": tool.schema}}}],
                "toolChoice": {"tool": {"name": tool.name}},
            },
        }
        try:
            response: Mapping[str, Any] = self._client.converse(**body)
        except (ClientError, BotoCoreError) as exc:
            raise converse_error(exc, self._model_id) from exc
        usage = response.get("usage") or {}
        sent = Request(request.system, json.dumps(messages, default=str), tool)
        input_tokens = usage.get("inputTokens") or request_tokens(sent)
        output_tokens = usage.get("outputTokens") or estimate_tokens(
            json.dumps(response.get("output", {}), default=str)
        )
        if meter is not None:
            meter.record_request(int(input_tokens), int(output_tokens))
        logger.info(
            "model replied",
            extra={
                "model": self._model_id,
                "stop_reason": response.get("stopReason"),
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "reported": bool(usage),
            },
        )
        return response

    def _tool_input(self, request: Request, message: Mapping[str, Any], stop: str) -> object:
        """The tool input of the reply; ValueError says what makes it unusable."""
        if stop in REFUSED_STOPS:
            raise ModelRefused(f"model {self._model_id} stopped: {REFUSED_STOPS[stop]}")
        if stop == "max_tokens":
            raise ReplyCut(f"model {self._model_id} reached maxTokens")
        for block in message.get("content", []):
            call = block.get("toolUse")
            if isinstance(call, dict) and call.get("name") == request.tool.name:
                return call.get("input")
        raise ValueError(f"the reply did not call the {request.tool.name} tool")


def _reasked(
    messages: list[_Message],
    reply: Mapping[str, Any],
    request: Request,
    problem: str,
    reask: Callable[[str], str],
) -> list[_Message]:
    """The conversation extended by the rejected reply and what was wrong with it."""
    echoed: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for block in reply.get("content", []):
        if isinstance(block.get("text"), str) and block["text"].strip():
            echoed.append({"text": block["text"]})
        elif isinstance(block.get("toolUse"), dict):
            call = block["toolUse"]
            use_id = call.get("toolUseId", "")
            echoed.append(
                {
                    "toolUse": {
                        "toolUseId": use_id,
                        "name": call.get("name", ""),
                        "input": call.get("input", {}),
                    }
                }
            )
            rejection = [{"text": f"Rejected: {problem}."}]
            results.append({"toolResult": {"toolUseId": use_id, "content": rejection}})
    if not echoed:  # nothing to answer: ask afresh, saying what was wrong
        return [_user([{"text": f"{request.user}\n\n{reask(problem)}"}])]
    followup = [*results, {"text": reask(problem)}]
    return [*messages, {"role": "assistant", "content": echoed}, _user(followup)]


def _user(content: list[dict[str, Any]]) -> _Message:
    return {"role": "user", "content": content}
