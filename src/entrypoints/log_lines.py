"""Log lines that stay one line each: control characters in text lines written escaped."""

from __future__ import annotations

import logging
import re
import unicodedata

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SUSPECT = re.compile(r"[^\x20-\x7e]")
_BREAKING_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Controls, format characters (bidirectional overrides, zero-width ones) and separators."""


def escape_controls(text: str) -> str:
    """`text` with every control, format or line-separator character written as an escape
    (`\\n`, `\\x1b`, `\\u2028`), so it prints as one line and cannot steer a terminal."""
    return _SUSPECT.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) not in _BREAKING_CATEGORIES:
        return char
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class TextLineFormatter(logging.Formatter):
    """`time LEVEL logger: message` with control characters escaped, one line per record.

    A traceback keeps its lines, each indented and escaped, so every line that starts
    without a space is a record: no message or exception text can forge one.
    """

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return escape_controls(super().formatMessage(record))

    def formatException(self, ei: object) -> str:  # noqa: N802 (logging's name)
        return _indented(super().formatException(ei))  # type: ignore[arg-type]

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 (logging's name)
        return _indented(super().formatStack(stack_info))


def _indented(text: str) -> str:
    return "\n".join(f"    {escape_controls(line)}" for line in text.splitlines())
