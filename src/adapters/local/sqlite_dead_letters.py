"""The SQLite queue's dead letters: moved aside after too many receives, listed, sent back."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3


def move_to_dead_letters(connection: sqlite3.Connection, seq: int) -> None:
    """Move the message `seq` from the queue to the dead letters, with its receive count."""
    connection.execute(
        "INSERT INTO queue_dead_letters (message_id, body, receive_count)"
        " SELECT message_id, body, receive_count FROM queue_messages WHERE seq = ?",
        (seq,),
    )
    connection.execute("DELETE FROM queue_messages WHERE seq = ?", (seq,))


def select_dead_letters(
    connection: sqlite3.Connection, limit: int | None = None
) -> list[tuple[str, bytes, int]]:
    """Message id, stored body and receive count of the dead letters (up to `limit`), in
    the order they were moved."""
    query = "SELECT message_id, body, receive_count FROM queue_dead_letters ORDER BY seq"
    if limit is None:
        rows = connection.execute(query).fetchall()
    else:
        rows = connection.execute(query + " LIMIT ?", (limit,)).fetchall()
    return [(row[0], bytes(row[1]), row[2]) for row in rows]


def redrive_dead_letters(connection: sqlite3.Connection, visible_at: int) -> int:
    """Put every dead letter back on the queue, never received and visible at `visible_at`
    (microseconds since the epoch); how many moved."""
    moved = connection.execute(
        "INSERT INTO queue_messages (message_id, body, visible_at)"
        " SELECT message_id, body, ? FROM queue_dead_letters ORDER BY seq",
        (visible_at,),
    ).rowcount
    connection.execute("DELETE FROM queue_dead_letters")
    return int(moved)
