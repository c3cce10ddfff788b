"""SqliteMessageSource: an SQS-like queue in one SQLite file, shared by worker processes."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from adapters.local.queue_rules import LocalQueue, QueuedMessage, QueueRules
from adapters.local.sqlite_database import SqliteDatabase
from adapters.local.sqlite_dead_letters import (
    move_to_dead_letters,
    redrive_dead_letters,
    select_dead_letters,
)
from adapters.local.sqlite_queue_schema import (
    QUEUE_SCHEMA,
    SCHEMA_VERSION,
    decode_body,
    encode_body,
    micros,
)
from adapters.messages import (
    MAX_BODY_BYTES,
    dead_letter_from_body,
    queue_message_from_body,
    request_body,
)
from interview_core.clock import SystemClock
from interview_core.errors import QueueUnavailable
from interview_core.limits import QUEUE_VISIBILITY_SECONDS
from interview_core.ports import QueueMessage
from interview_core.records import check_limit

if TYPE_CHECKING:
    from pathlib import Path

    from interview_core.ports import Clock, DeadLetter


class SqliteMessageSource(LocalQueue):
    """A MessageSource in one SQLite file that behaves like the in-memory queue.

    Each receive hides a message for `visibility_timeout` seconds, counts the receive and
    issues a new receipt; a message whose receive count would exceed `max_receive_count`
    moves to the dead letters instead of being delivered; `requeue` replaces a message by a
    fresh copy whose receive count starts again. Only the latest receipt acts: ack, release,
    extend and requeue with an earlier receipt (or for a deleted message) change nothing.
    A body above `max_body_bytes` comes back with a body error without being parsed. Any
    number of threads and processes may share the file: a receive selects and hides its
    messages in one `BEGIN IMMEDIATE` transaction, so no two receivers get the same message
    while it is hidden. With `long_poll`, receive polls every `poll_interval` seconds for up
    to `wait_seconds`; without it (tests on a ManualClock) it returns at once.

    Errors: QueueUnavailable (transient) when the file stays locked past the busy timeout
    or the disk fails; ConfigurationError when the path cannot be opened or is not a
    database of ours.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Clock | None = None,
        visibility_timeout: float = QUEUE_VISIBILITY_SECONDS,
        max_receive_count: int | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        poll_interval: float = 0.2,
        busy_timeout_seconds: float = 30.0,
        long_poll: bool = True,
    ) -> None:
        """Use the queue in the database at `path`, created with its tables on first use.

        Raises ValueError for a visibility timeout outside 0..12 h, a receive limit below 1,
        a body limit below 1 or a poll interval that is not positive; ConfigurationError for
        an empty path or ":memory:".
        """
        self._rules = QueueRules(visibility_timeout, max_receive_count, long_poll)
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        if not poll_interval > 0:
            raise ValueError("poll_interval must be positive")
        self._clock: Clock = clock or SystemClock()
        self._max_body_bytes = max_body_bytes
        self._poll_interval = poll_interval
        self._database = SqliteDatabase(
            path,
            component="message_source",
            version=SCHEMA_VERSION,
            schema=QUEUE_SCHEMA,
            unavailable=QueueUnavailable,
            busy_timeout_seconds=busy_timeout_seconds,
        )

    def check_ready(self) -> None:
        """Open the file and its tables now. Raises ConfigurationError or the transient
        error for a locked or failing disk."""
        with self._database.read():
            pass

    @property
    def path(self) -> Path:
        """The database file."""
        return self._database.path

    def send(self, body: str, delay_seconds: float = 0) -> str:
        """Enqueue `body`, visible after `delay_seconds` (0 to 900); returns the message id.

        Any body is accepted, even one SQS would refuse as too large; receive reports it as
        a body error. Raises ValueError for a delay outside 0..900 s, QueueUnavailable.
        """
        self._rules.check_send(delay_seconds)
        message_id = str(uuid.uuid4())
        visible_at = micros(self._clock.now() + timedelta(seconds=delay_seconds))
        with self._database.write() as connection:
            connection.execute(
                "INSERT INTO queue_messages (message_id, body, visible_at) VALUES (?, ?, ?)",
                (message_id, encode_body(body), visible_at),
            )
        return message_id

    def receive(self, max_messages: int, wait_seconds: float) -> list[QueueMessage]:
        """Up to `max_messages` (1 to 10) visible messages, oldest first.

        Each is hidden for the visibility timeout and gets a new receipt; one whose receive
        count would pass `max_receive_count` goes to the dead letters instead. Waits up to
        `wait_seconds` for a first message when long polling. Raises ValueError for a batch
        size outside 1..10, QueueUnavailable or ConfigurationError.
        """
        self._rules.check_receive(max_messages)
        deadline = self._rules.poll_deadline(wait_seconds)
        while True:
            delivered = self._deliver(max_messages)
            remaining = deadline - time.monotonic()
            if delivered or remaining <= 0:
                return delivered
            time.sleep(min(self._poll_interval, remaining))

    def ack(self, message: QueueMessage) -> None:
        """Delete the message if `message` is its latest delivery; otherwise do nothing."""
        with self._database.write() as connection:
            connection.execute(
                "DELETE FROM queue_messages WHERE message_id = ? AND receipt = ?",
                (message.message_id, message.receipt),
            )

    def requeue(self, message: QueueMessage, delay_seconds: float) -> None:
        """Replace the message, if `message` is its latest delivery, by a fresh copy of its
        body under a new id, never received, visible after `delay_seconds` (clamped to
        0..900), in one transaction. Raises ValueError for a message that is not a request,
        QueueUnavailable or ConfigurationError."""
        self._rules.check_requeue(message)
        delay = self._rules.send_delay(delay_seconds)
        visible_at = micros(self._clock.now() + timedelta(seconds=delay))
        with self._database.write() as connection:
            replaced = connection.execute(
                "INSERT INTO queue_messages (message_id, body, visible_at)"
                " SELECT ?, body, ? FROM queue_messages WHERE message_id = ? AND receipt = ?",
                (str(uuid.uuid4()), visible_at, message.message_id, message.receipt),
            ).rowcount
            if replaced:
                connection.execute(
                    "DELETE FROM queue_messages WHERE message_id = ? AND receipt = ?",
                    (message.message_id, message.receipt),
                )

    # --- inspection -----------------------------------------------------------------------

    def visible(self) -> list[QueuedMessage]:
        """Messages a receive could return now, oldest first."""
        return self._snapshots("visible_at <= :now")

    def in_flight(self) -> list[QueuedMessage]:
        """Messages received at least once and hidden now (by visibility or a release)."""
        return self._snapshots("receive_count > 0 AND visible_at > :now")

    def delayed(self) -> list[QueuedMessage]:
        """Messages never received and not yet visible because they were sent with a delay."""
        return self._snapshots("receive_count = 0 AND visible_at > :now")

    @property
    def dead_letters(self) -> list[QueuedMessage]:
        """Messages moved aside after too many receives, in the order they were moved."""
        with self._database.read() as connection:
            rows = select_dead_letters(connection)
        return [
            QueuedMessage(message_id, decode_body(body), count) for message_id, body, count in rows
        ]

    def __len__(self) -> int:
        """How many messages the queue holds, visible or not (dead letters excluded)."""
        with self._database.read() as connection:
            (count,) = connection.execute("SELECT COUNT(*) FROM queue_messages").fetchone()
        return int(count)

    # --- helpers --------------------------------------------------------------------------

    def _deliver(self, max_messages: int) -> list[QueueMessage]:
        """Hide and hand out visible messages in one transaction; parse bodies after it."""
        now = micros(self._clock.now())
        with self._database.read() as connection:
            anything = connection.execute(
                "SELECT 1 FROM queue_messages WHERE visible_at <= ? LIMIT 1", (now,)
            ).fetchone()
        if anything is None:
            return []
        taken: list[tuple[str, str, int, bytes]] = []
        hidden_until = now + round(self._rules.visibility_timeout * 1_000_000)
        with self._database.write() as connection:
            candidates = connection.execute(
                "SELECT seq, message_id, receive_count FROM queue_messages"
                " WHERE visible_at <= ? ORDER BY seq",
                (now,),
            ).fetchall()
            for seq, message_id, receive_count in candidates:
                if len(taken) == max_messages:
                    break
                if self._rules.dead_letters(receive_count):
                    move_to_dead_letters(connection, seq)
                    continue
                receipt = uuid.uuid4().hex
                connection.execute(
                    "UPDATE queue_messages SET receive_count = ?, receipt = ?, visible_at = ?"
                    " WHERE seq = ?",
                    (receive_count + 1, receipt, hidden_until, seq),
                )
                (body,) = connection.execute(
                    "SELECT body FROM queue_messages WHERE seq = ?", (seq,)
                ).fetchone()
                taken.append((message_id, receipt, receive_count + 1, bytes(body)))
        return [self._to_queue_message(*entry) for entry in taken]

    def _to_queue_message(
        self, message_id: str, receipt: str, receive_count: int, body: bytes
    ) -> QueueMessage:
        if len(body) > self._max_body_bytes:
            reason = f"body is larger than {self._max_body_bytes} bytes"
            return QueueMessage(message_id, receipt, receive_count, None, body_error=reason)
        return queue_message_from_body(
            message_id=message_id, receipt=receipt, receive_count=receive_count, body=body
        )

    def _hide(self, message: QueueMessage, seconds: float) -> None:
        seconds = self._rules.hidden_seconds(seconds)
        visible_at = micros(self._clock.now() + timedelta(seconds=seconds))
        with self._database.write() as connection:
            connection.execute(
                "UPDATE queue_messages SET visible_at = ? WHERE message_id = ? AND receipt = ?",
                (visible_at, message.message_id, message.receipt),
            )

    def _snapshots(self, condition: str) -> list[QueuedMessage]:
        now = micros(self._clock.now())
        with self._database.read() as connection:
            rows = connection.execute(
                "SELECT message_id, body, receive_count FROM queue_messages"
                f" WHERE {condition} ORDER BY seq",
                {"now": now},
            ).fetchall()
        return [QueuedMessage(row[0], decode_body(row[1]), row[2]) for row in rows]

    # --- the RequestSender and DeadLetterQueue roles --------------------------------------

    def send_request(self, interview_id: str) -> str:
        """Send `{"interview_id": ...}`; returns the message id. Raises QueueUnavailable."""
        return self.send(request_body(interview_id))

    def peek_dead_letters(self, limit: int) -> list[DeadLetter]:
        """Up to `limit` dead letters in the order they were moved, all left in place.

        Raises ValueError for a limit below 1, QueueUnavailable or ConfigurationError.
        """
        check_limit(limit)
        with self._database.read() as connection:
            rows = select_dead_letters(connection, limit)
        return [
            dead_letter_from_body(message_id=message_id, receive_count=count, body=body)
            for message_id, body, count in rows
        ]

    def redrive_dead_letters(self) -> int:
        """Put every dead letter back on the queue, visible now and never received, in one
        transaction. Raises QueueUnavailable or ConfigurationError."""
        with self._database.write() as connection:
            return redrive_dead_letters(connection, micros(self._clock.now()))
