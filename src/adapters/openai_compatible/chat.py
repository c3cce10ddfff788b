"""One structured Chat Completions exchange: a forced tool call or a JSON schema, re-asked."""

from __future__ import annotations

import enum
import json
import logging
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import openai

from adapters.llm.exchange import (
    ReplyCut,
    Request,
    Tool,
    estimate_tokens,
    request_tokens,
    salvage,
)
from adapters.openai_compatible.errors import translate
from interview_core.errors import InvalidModelOutput, ModelRefused

if TYPE_CHECKING:
    from collections.abc import Callable

    from openai.types.chat import (
        ChatCompletion,
        ChatCompletionMessage,
        ChatCompletionMessageParam,
    )

    from interview_core.usage import UsageMeter

logger = logging.getLogger(__name__)

T = TypeVar("T")
_Message = dict[str, Any]

JSON_ONLY_NOTE = (
    "Reply with the tool's input alone: one JSON object that follows the schema, no other text."
)


class StructuredOutput(enum.StrEnum):
    """How the server is made to answer in the schema: servers differ in what they honour."""

    TOOL = "tool"  # tools + tool_choice naming the one function
    JSON_SCHEMA = "json_schema"  # response_format {"type": "json_schema", ...}
    JSON_OBJECT = "json_object"  # response_format {"type": "json_object", "schema": ...}


__all__ = ["ChatSettings", "StructuredChat", "StructuredOutput", "Tool"]


@attrs.frozen
class ChatSettings:
    """What every request carries."""

    model: str
    max_tokens: int = 4096
    temperature: float | None = 0.2
    max_attempts: int = 3
    structured_output: StructuredOutput = StructuredOutput.TOOL

    def __attrs_post_init__(self) -> None:
        if not self.model:
            raise ValueError("a model name is required")
        if min(self.max_tokens, self.max_attempts) < 1:
            raise ValueError("token and attempt limits must be positive")


class StructuredChat:
    """A ModelExchange over Chat Completions: asks for `tool`'s input and checks it, telling
    the model what was wrong each time."""

    def __init__(self, client: openai.OpenAI, settings: ChatSettings) -> None:
        self._client = client
        self._settings = settings

    @property
    def max_tokens(self) -> int:
        """The output budget of one reply."""
        return self._settings.max_tokens

    def ask(
        self,
        request: Request,
        read: Callable[[object], T],
        reask: Callable[[str], str],
        meter: UsageMeter | None = None,
    ) -> T:
        """`read` applied to the first valid input: it raises ValueError for an unusable one,
        which is answered with `reask(problem)`, up to `max_attempts` replies in all. Each
        request is recorded on `meter` with the server's token counts (else estimates).

        Raises ReplyCut for a reply stopped at `max_tokens` (finish_reason "length"),
        InvalidModelOutput when no reply passes, ModelRefused for a content filter or a
        refused request, ExtractionUnavailable (transient; throttled for a 429) or
        ConfigurationError.
        """
        tool = request.tool
        system = request.system
        if self._settings.structured_output is not StructuredOutput.TOOL:
            system = f"{system}\n\n{JSON_ONLY_NOTE}"
        messages: list[_Message] = [
            {"role": "system", "content": system},
            {"role": "user", "content": request.user},
        ]
        problem = ""
        for attempt in range(1, self._settings.max_attempts + 1):
            completion = self._complete(messages, tool, meter)
            try:
                raw = self._tool_input(completion, tool)
                return read(raw)
            except ValueError as exc:
                problem = str(exc)
            logger.warning("invalid model reply", extra={"attempt": attempt, "problem": problem})
            messages = [*messages, _echo(completion), {"role": "user", "content": reask(problem)}]
        raise InvalidModelOutput(
            f"model {self._settings.model} gave no valid {tool.name} reply in "
            f"{self._settings.max_attempts} attempts; last problem: {problem}"
        )

    def _complete(
        self, messages: list[_Message], tool: Tool, meter: UsageMeter | None
    ) -> ChatCompletion:
        settings = self._settings
        options: dict[str, Any] = {}
        if settings.temperature is not None:
            options["temperature"] = settings.temperature
        if settings.structured_output is StructuredOutput.TOOL:
            function = {"name": tool.name, "description": tool.description}
            options["tools"] = [
                {"type": "function", "function": {**function, "parameters": tool.schema}}
            ]
            options["tool_choice"] = {"type": "function", "function": {"name": tool.name}}
        elif settings.structured_output is StructuredOutput.JSON_SCHEMA:
            schema = {"name": tool.name, "description": tool.description, "schema": tool.schema}
            options["response_format"] = {"type": "json_schema", "json_schema": schema}
        else:  # llama-cpp-python's server and others that take a schema with json_object
            options["response_format"] = {"type": "json_object", "schema": tool.schema}
        try:
            completion: ChatCompletion = self._client.chat.completions.create(
                model=settings.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                max_tokens=settings.max_tokens,
                **options,
            )
        except openai.OpenAIError as exc:
            raise translate(exc, settings.model) from exc
        usage = completion.usage
        sent = Request("", "".join(str(m.get("content", "")) for m in messages), tool)
        input_tokens = usage.prompt_tokens if usage else request_tokens(sent)
        output_tokens = (
            usage.completion_tokens if usage else estimate_tokens(json.dumps(_echo(completion)))
        )
        if meter is not None:
            meter.record_request(input_tokens, output_tokens)
        logger.info(
            "model replied",
            extra={
                "model": settings.model,
                "finish_reason": completion.choices[0].finish_reason
                if completion.choices
                else None,
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "reported": usage is not None,
            },
        )
        return completion

    def _tool_input(self, completion: ChatCompletion, tool: Tool) -> object:
        """The parsed tool input; ValueError says what makes the reply unusable."""
        if not completion.choices:
            raise ValueError("the reply had no choices")
        choice = completion.choices[0]
        if choice.finish_reason == "content_filter":
            raise ModelRefused(f"model {self._settings.model} stopped: the content was filtered")
        message = choice.message
        if self._settings.structured_output is StructuredOutput.TOOL:
            calls = [arguments for name, arguments in _function_calls(message) if name == tool.name]
            if not calls and choice.finish_reason != "length":
                raise ValueError(f"the reply did not call the {tool.name} tool")
            text = calls[0] if calls else ""
        else:
            text = message.content or ""
        if choice.finish_reason == "length":  # what came before the cut is still usable
            raise ReplyCut(f"model {self._settings.model} reached max_tokens", salvage(text))
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            raise ValueError(f"the {tool.name} input is not valid JSON") from None


def _echo(completion: ChatCompletion) -> _Message:
    """The rejected reply as an assistant turn of plain text, which every server accepts."""
    if not completion.choices:
        return {"role": "assistant", "content": ""}
    message = completion.choices[0].message
    parts = [message.content or ""]
    parts.extend(f"{name}({arguments})" for name, arguments in _function_calls(message))
    return {"role": "assistant", "content": "\n".join(part for part in parts if part) or "(empty)"}


def _function_calls(message: ChatCompletionMessage) -> list[tuple[str, str]]:
    """(name, arguments) of each function call in the message, in order."""
    calls: list[tuple[str, str]] = []
    for call in message.tool_calls or []:
        function = getattr(call, "function", None)
        if function is not None:
            calls.append((str(function.name), str(function.arguments)))
    return calls
