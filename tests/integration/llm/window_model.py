"""A model that honours its output limit: it names the questions in the lines it is shown.

Used behind the OpenAI-compatible HTTP fake and the Converse stub. It reads the transcript
block of a `record_questions` request and names every line ending in "?" (a question, with
its start time and the line as its quote, and a ~300-character answer when the schema asks
for one); for `record_answers` it writes a ~300-character answer per numbered question. The
reply is JSON; when it is longer than `max_tokens` (about four characters a token) it is cut
there, in the middle of a string, and the stop reason says so. Every request is recorded.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Callable
from typing import Any

import attrs

LINE = re.compile(r"^\[(\d+(?:\.\d+)?)\] [^:]*: (.*)$")
NUMBERED = re.compile(r"^(\d+)\. (.*)$")
ANSWER_CHARS = 300
CHARS_PER_TOKEN = 4


def answer_for(question: str) -> str:
    """A first-person answer of about ANSWER_CHARS characters."""
    opening = f"I would answer this from experience: {question[:60]} "
    filler = "I explain the situation, what I did, why I chose it, and what I learned from it. "
    return (opening + filler * 6)[:ANSWER_CHARS].rstrip()


@attrs.define
class Seen:
    """One request as the model received it."""

    tool: str
    digest: str
    transcript_chars: int
    prompt_chars: int
    named: list[float]
    cut: bool
    max_tokens: int


class WindowModel:
    """Answers structured requests, honouring the output limit; thread-safe."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.rewrite: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
        """Changes a reply's data (by tool name) before it is written: bad model output."""
        self._lock = threading.Lock()

    def reply(
        self, tool: str, user: str, schema: dict[str, Any], max_tokens: int, prompt: str
    ) -> tuple[str, bool, int, int]:
        """(tool input as JSON text, cut, input tokens, output tokens) for one request."""
        lines = transcript_lines(user)
        named: list[float] = []
        if tool == "record_questions":
            answers = "answer" in schema["properties"]["questions"]["items"]["properties"]
            items = []
            for start, text in lines:
                if text.rstrip().endswith("?"):
                    named.append(start)
                    item = {
                        "question": text,
                        "context": "",
                        "question_context": "general",
                        "global": False,
                        "start_time": start,
                        "quote": text,
                    }
                    if answers:
                        item["answer"] = answer_for(text)
                    items.append(item)
            data: dict[str, Any] = {"questions": items}
        else:
            data = {"answers": [answer_for(text) for text in numbered_questions(user)]}
        if self.rewrite is not None:
            data = self.rewrite(tool, data)
        text = json.dumps(data)
        cut = math.ceil(len(text) / CHARS_PER_TOKEN) > max_tokens
        if cut:
            text = text[: max_tokens * CHARS_PER_TOKEN]
        seen = Seen(
            tool=tool,
            digest=hashlib.sha256(prompt.encode()).hexdigest(),
            transcript_chars=sum(len(line) + 1 for line in block(user, "<transcript>")),
            prompt_chars=len(prompt),
            named=named,
            cut=cut,
            max_tokens=max_tokens,
        )
        with self._lock:
            self.seen.append(seen)
        input_tokens = math.ceil(len(prompt) / CHARS_PER_TOKEN)
        return text, cut, input_tokens, math.ceil(len(text) / CHARS_PER_TOKEN)

    def named_count(self) -> int:
        """How many times questions were named in replies not cut, repeats included."""
        return sum(len(seen.named) for seen in self.seen if not seen.cut)

    def named_starts(self) -> set[float]:
        """The start times of every question the model named in a reply that was not cut."""
        return {start for seen in self.seen if not seen.cut for start in seen.named}

    def sent_transcript_chars(self) -> int:
        """Transcript characters over every request."""
        return sum(seen.transcript_chars for seen in self.seen)


def block(user: str, tag: str) -> list[str]:
    """The lines between `tag` and its closing tag."""
    closing = tag.replace("<", "</")
    if tag not in user or closing not in user:
        return []
    inside = user[user.index(tag) + len(tag) : user.index(closing)]
    return [line for line in inside.splitlines() if line.strip()]


def transcript_lines(user: str) -> list[tuple[float, str]]:
    """(start, text) of each transcript line in the request."""
    found = []
    for line in block(user, "<transcript>"):
        match = LINE.match(line)
        if match:
            found.append((float(match.group(1)), match.group(2)))
    return found


def numbered_questions(user: str) -> list[str]:
    """The numbered questions of an answer request, in order."""
    return [m.group(2) for line in block(user, "<questions>") if (m := NUMBERED.match(line))]
