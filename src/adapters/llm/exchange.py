"""What the windowed engine needs from a model adapter: one structured request, and its cost."""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable

    from interview_core.usage import UsageMeter

T = TypeVar("T")

CHARS_PER_TOKEN = 4
"""The estimate used when a server reports no token counts: about four characters a token."""


class ReplyCut(Exception):  # noqa: N818 - a signal between the engine and its adapters
    """A reply stopped at the output token limit: the request asked for more than fits.

    Never re-sent as it was: the engine asks for less (a smaller window, a smaller batch).
    `partial` is what the reply held before the cut, when the adapter could read it (see
    `salvage`): `{"<list name>": [the complete items]}`.
    """

    def __init__(self, message: str, partial: object | None = None) -> None:
        super().__init__(message)
        self.partial = partial


@attrs.frozen
class Tool:
    """A function the model must call: its name, what it is for and its parameters."""

    name: str
    description: str
    schema: dict[str, Any]


@attrs.frozen
class Request:
    """One structured request: the instructions, the user turn (data included) and the tool."""

    system: str
    user: str
    tool: Tool


class ModelExchange(Protocol):
    """One model behind one protocol (Chat Completions, Converse)."""

    @property
    def max_tokens(self) -> int:
        """The output budget of one reply, in tokens."""
        ...

    def ask(
        self,
        request: Request,
        read: Callable[[object], T],
        reask: Callable[[str], str],
        meter: UsageMeter | None,
    ) -> T:
        """`read` applied to the tool input of the first usable reply; a reply `read` rejects
        (ValueError) is answered with `reask(problem)`, up to the attempts allowed. Every
        request is recorded on `meter` with its tokens (the server's counts, else estimates).

        Raises ReplyCut for a reply stopped at the token limit (not asked again),
        InvalidModelOutput when no reply passes, ModelRefused, ExtractionUnavailable
        (transient) or ConfigurationError.
        """
        ...


_LIST_START = re.compile(r'\s*\{\s*"(\w+)"\s*:\s*\[')


def salvage(text: str) -> dict[str, list[object]] | None:
    """The complete items of a JSON reply `{"name": [item, item, ...` cut anywhere: the items
    before the cut, under their list's name; None when the text does not start that way.

    An item is complete only when it parses whole, so an item cut in a string is dropped.
    """
    match = _LIST_START.match(text)
    if match is None:
        return None
    decoder = json.JSONDecoder()
    items: list[object] = []
    position = match.end()
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            item, position = decoder.raw_decode(text, position)
        except ValueError:
            break
        items.append(item)
    return {match.group(1): items}


def estimate_tokens(text: str) -> int:
    """Tokens of `text` by `CHARS_PER_TOKEN`, rounded up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def request_tokens(request: Request) -> int:
    """The estimated input tokens of a request: instructions, user turn and tool schema."""
    schema = json.dumps(request.tool.schema)
    return estimate_tokens(request.system + request.user + request.tool.description + schema)
