"""The SQLite queue's tables, and how it stores times and bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SCHEMA_VERSION = 1

QUEUE_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS queue_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL UNIQUE,
        body BLOB NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        receipt TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS queue_messages_by_visibility ON queue_messages (visible_at)",
    """CREATE TABLE IF NOT EXISTS queue_dead_letters (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL,
        body BLOB NOT NULL,
        receive_count INTEGER NOT NULL
    )""",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """Whole microseconds since the Unix epoch: exact, and ordered like the times."""
    return (moment - _EPOCH) // _MICROSECOND


def encode_body(body: str) -> bytes:
    """The body as bytes; lone surrogates survive, so receive can report them as not UTF-8."""
    return body.encode("utf-8", "surrogatepass")


def decode_body(raw: bytes) -> str:
    """The body `encode_body` stored."""
    return bytes(raw).decode("utf-8", "surrogatepass")
