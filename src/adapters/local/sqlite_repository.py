"""SqliteInterviewRepository: interview records and questions in one SQLite file, with leases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.local.sqlite_database import SqliteDatabase
from interview_core import records
from interview_core.clock import SystemClock
from interview_core.entities import Interview, Question
from interview_core.errors import (
    AttemptsExhausted,
    InterviewExists,
    InterviewNotFound,
    LeaseLost,
    RepositoryUnavailable,
)
from interview_core.state import InterviewState

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence
    from pathlib import Path

    from interview_core.ports import Clock

SCHEMA_VERSION = 5

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS interviews (
        id TEXT PRIMARY KEY,
        video_path TEXT NOT NULL,
        user_id TEXT,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at TEXT,
        error_code TEXT,
        error_message TEXT,
        question_count INTEGER,
        created_at TEXT,
        updated_at TEXT,
        generation INTEGER NOT NULL DEFAULT 0,
        throttled_since TEXT,
        questions_left_out INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS questions (
        interview_id TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        context TEXT NOT NULL,
        question_context TEXT NOT NULL,
        "global" INTEGER NOT NULL,
        start_time REAL,
        end_time REAL,
        user_id TEXT,
        created_at TEXT,
        updated_at TEXT,
        PRIMARY KEY (interview_id, id)
    )""",
    "CREATE INDEX IF NOT EXISTS questions_by_position ON questions (interview_id, position)",
)
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # version 1 -> 2: the upstream's field names, and question timestamps
    1: (
        "ALTER TABLE interviews RENAME COLUMN video_key TO video_path",
        'ALTER TABLE questions RENAME COLUMN is_global TO "global"',
        "ALTER TABLE questions ADD COLUMN created_at TEXT",
        "ALTER TABLE questions ADD COLUMN updated_at TEXT",
    ),
    # version 2 -> 3: the interview's generation
    2: ("ALTER TABLE interviews ADD COLUMN generation INTEGER NOT NULL DEFAULT 0",),
    # version 3 -> 4: when an interview's throttle patience started
    3: ("ALTER TABLE interviews ADD COLUMN throttled_since TEXT",),
    # version 4 -> 5: how many questions a model limit kept out
    4: ("ALTER TABLE interviews ADD COLUMN questions_left_out INTEGER",),
}

_INTERVIEW_COLUMNS = (
    "id, video_path, user_id, state, attempts, lease_owner, lease_expires_at, error_code,"
    " error_message, question_count, created_at, updated_at, generation, throttled_since,"
    " questions_left_out"
)
_QUESTION_COLUMNS = (
    'id, interview_id, position, question, answer, context, question_context, "global",'
    " start_time, end_time, user_id, created_at, updated_at"
)
_UPSERT_INTERVIEW = (
    f"INSERT INTO interviews ({_INTERVIEW_COLUMNS}) VALUES ({', '.join('?' * 15)})"
    " ON CONFLICT (id) DO UPDATE SET video_path = excluded.video_path,"
    " user_id = excluded.user_id, state = excluded.state, attempts = excluded.attempts,"
    " lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at,"
    " error_code = excluded.error_code, error_message = excluded.error_message,"
    " question_count = excluded.question_count, created_at = excluded.created_at,"
    " updated_at = excluded.updated_at, generation = excluded.generation,"
    " throttled_since = excluded.throttled_since, questions_left_out = excluded.questions_left_out"
)


class SqliteInterviewRepository:
    """An InterviewRepository in one SQLite file, with the in-memory fake's rules and errors.

    Safe to share between threads and between processes that open the same file: every
    check-then-write (claim, the lease operations, the outcomes, replacing questions) runs
    in one `BEGIN IMMEDIATE` transaction, so exactly one of two racing claims wins. A lease
    is held by `owner` while the record's `lease_owner` equals it, also after
    `lease_expires_at` has passed, as long as nobody has claimed since; a lease whose expiry
    is at or before now is no longer live. Times are stored as ISO 8601 text and read back
    equal to what was written.

    Errors: InterviewNotFound, InterviewAlreadyCompleted, LeaseHeld, LeaseLost and
    IllegalTransition as the port says; RepositoryUnavailable (transient) when the file stays
    locked past `busy_timeout_seconds` or the disk fails; ConfigurationError when the path
    cannot be opened or is not a database of ours.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Clock | None = None,
        busy_timeout_seconds: float = 30.0,
    ) -> None:
        """Use the database at `path`, created with its tables on first use.

        Raises ConfigurationError for an empty path or ":memory:".
        """
        self._clock: Clock = clock or SystemClock()
        self._database = SqliteDatabase(
            path,
            component="interview_repository",
            version=SCHEMA_VERSION,
            schema=_SCHEMA,
            migrations=_MIGRATIONS,
            unavailable=RepositoryUnavailable,
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

    # --- seeding and inspection ---------------------------------------------------------

    def add(self, interview: Interview) -> None:
        """Store `interview` as is, replacing any record with its id (as the upstream does)."""
        with self._database.write() as connection:
            _put(connection, interview)

    def all(self) -> list[Interview]:
        """Every interview record, in the order they were first added."""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_INTERVIEW_COLUMNS} FROM interviews ORDER BY rowid"
            ).fetchall()
        return [_interview(row) for row in rows]

    def all_questions(self) -> list[Question]:
        """Every stored question of every interview, in the order they were written."""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_QUESTION_COLUMNS} FROM questions ORDER BY rowid"
            ).fetchall()
        return [_question(row) for row in rows]

    # --- the InterviewRepository port ---------------------------------------------------

    def get(self, interview_id: str) -> Interview:
        """The interview record. Raises InterviewNotFound or RepositoryUnavailable."""
        with self._database.read() as connection:
            return _existing(connection, interview_id)

    def claim(
        self,
        interview_id: str,
        owner: str,
        lease_seconds: float,
        *,
        force: bool = False,
        max_attempts: int | None = None,
    ) -> Interview:
        """Move the interview to processing under a lease held by `owner` for `lease_seconds`.

        Refused with InterviewAlreadyCompleted when completed and not `force`, then with
        LeaseHeld while any live lease exists (the caller's own included). An interview still
        processing after `max_attempts` attempts is marked failed, in the same transaction,
        and AttemptsExhausted raised. On success the attempt counter goes up by one and
        earlier error fields are cleared. Raises InterviewNotFound for an unknown id,
        ValueError for a lease that is not positive.
        """
        records.require_positive_lease(lease_seconds)
        with self._database.write() as connection:
            record = _existing(connection, interview_id)
            now = self._clock.now()
            ended = records.exhausted(record, now, max_attempts, force=force)
            if ended is None:
                record = records.claimed(record, owner, lease_seconds, now, force=force)
            _put(connection, ended or record)
        if ended is not None:
            raise AttemptsExhausted(interview_id, record.attempts)
        return record

    def extend_lease(self, interview_id: str, owner: str, lease_seconds: float) -> None:
        """Set the lease's expiry to now + `lease_seconds`. Raises LeaseLost if not held."""
        records.require_positive_lease(lease_seconds)
        with self._database.write() as connection:
            record = records.extended(
                _held(connection, interview_id, owner), lease_seconds, self._clock.now()
            )
            _put(connection, record)

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        """Drop the lease, leaving the interview processing and claimable at once; a
        `throttled` run gives its attempt back and starts the throttle patience.

        Raises LeaseLost if `owner` does not hold it.
        """
        with self._database.write() as connection:
            record = records.released(
                _held(connection, interview_id, owner), self._clock.now(), throttled=throttled
            )
            _put(connection, record)

    def replace_questions(
        self,
        interview_id: str,
        questions: Sequence[Question],
        *,
        owner: str,
        generation: int,
    ) -> None:
        """Make `questions` the interview's only questions; earlier ones not among them go.

        Fenced in the same transaction: only while `owner` holds the lease, the interview is
        processing and in `generation`; otherwise nothing changes and LeaseLost is raised.
        Raises ValueError (a caller's mistake) when a question belongs to another interview
        or two share an id; nothing is changed then.
        """
        records.check_question_set(interview_id, questions)
        with self._database.write() as connection:
            records.fenced(_record(connection, interview_id), interview_id, owner, generation)
            earlier = {
                row[0]: _from_text(row[1])
                for row in connection.execute(
                    "SELECT id, created_at FROM questions WHERE interview_id = ?", (interview_id,)
                )
            }
            written = records.stamped(questions, self._clock.now(), earlier)
            connection.execute("DELETE FROM questions WHERE interview_id = ?", (interview_id,))
            connection.executemany(
                f"INSERT INTO questions ({_QUESTION_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_question_row(question) for question in written],
            )

    def list_questions(self, interview_id: str) -> list[Question]:
        """The interview's stored questions ordered by position; empty for an unknown id."""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE interview_id = ?"
                " ORDER BY position, rowid",
                (interview_id,),
            ).fetchall()
        return [_question(row) for row in rows]

    def mark_completed(
        self,
        interview_id: str,
        owner: str,
        question_count: int,
        *,
        generation: int | None = None,
        questions_left_out: int = 0,
    ) -> None:
        """Move to completed with `question_count` and `questions_left_out`, dropping the
        lease, while `owner` holds it (and the interview is in `generation`, when given).

        Raises LeaseLost, or IllegalTransition when the record is not processing.
        """
        with self._database.write() as connection:
            record = _held(connection, interview_id, owner)
            if generation is not None and record.generation != generation:
                raise LeaseLost(interview_id, owner)
            record = records.completed(
                record, question_count, self._clock.now(), questions_left_out=questions_left_out
            )
            _put(connection, record)

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        """Move to failed with `error_code` and `message`, dropping the lease, while held.

        Raises LeaseLost, or IllegalTransition when the record is not processing.
        """
        with self._database.write() as connection:
            record = records.failed(
                _held(connection, interview_id, owner), error_code, message, self._clock.now()
            )
            _put(connection, record)

    # --- the InterviewCatalog role ------------------------------------------------------

    def create(self, interview: Interview) -> None:
        """Store a new record with the upstream's fields only.

        Raises InterviewExists (nothing is changed then) or RepositoryUnavailable.
        """
        with self._database.write() as connection:
            known = connection.execute(
                "SELECT 1 FROM interviews WHERE id = ?", (interview.id,)
            ).fetchone()
            if known is not None:
                raise InterviewExists(interview.id)
            _put(connection, records.as_created(interview))

    def list_by_state(self, state: InterviewState, limit: int) -> list[Interview]:
        """Up to `limit` interviews in `state`, oldest first; pending includes any state
        the pipeline does not own. Raises ValueError for a limit below 1."""
        records.check_limit(limit)
        owned = [s.value for s in InterviewState if s is not InterviewState.PENDING]
        if state is InterviewState.PENDING:
            condition = f"state NOT IN ({', '.join('?' for _ in owned)})"
            values: list[object] = [*owned]
        else:
            condition, values = "state = ?", [state.value]
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_INTERVIEW_COLUMNS} FROM interviews WHERE {condition}"
                " ORDER BY created_at, rowid LIMIT ?",
                (*values, limit),
            ).fetchall()
        return [_interview(row) for row in rows]

    def reset_for_reprocess(self, interview_id: str) -> Interview:
        """Pending again, attempts at zero, no error, the next generation, in one transaction.

        Raises InterviewNotFound or LeaseHeld (nothing is changed then).
        """
        with self._database.write() as connection:
            record = records.reopened(_existing(connection, interview_id), self._clock.now())
            _put(connection, record)
        return record

    def start_new_generation(self, interview_id: str) -> Interview:
        """The generation raised by one with a fresh attempt budget (see
        `records.next_generation`), in one transaction. Raises InterviewNotFound."""
        with self._database.write() as connection:
            record = records.next_generation(_existing(connection, interview_id), self._clock.now())
            _put(connection, record)
        return record

    # --- the InterviewEraser role -----------------------------------------------------

    def begin_deletion(self, interview_id: str) -> Interview:
        """Deleting, its lease dropped, in one transaction (see `records.deletion_begun`).
        Raises InterviewNotFound or LeaseHeld (nothing is changed then)."""
        with self._database.write() as connection:
            record = records.deletion_begun(_existing(connection, interview_id), self._clock.now())
            _put(connection, record)
        return record

    def delete_questions(self, interview_id: str) -> int:
        """Remove the interview's question rows; how many there were."""
        with self._database.write() as connection:
            connection.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed
            cursor = connection.execute(
                "DELETE FROM questions WHERE interview_id = ?", (interview_id,)
            )
            return cursor.rowcount

    def finish_deletion(self, interview_id: str, *, keep_record: bool) -> None:
        """Remove the deleting record's row, or reduce it to a tombstone with `keep_record`,
        in one transaction; any other record is left as it is. The freed pages are zeroed
        and the write-ahead log emptied, so the file keeps no copy of what was removed."""
        with self._database.write() as connection:
            connection.execute("PRAGMA secure_delete = ON")
            record = _record(connection, interview_id)
            if record is None or record.state is not InterviewState.DELETING:
                return
            if keep_record:
                _put(connection, records.tombstone(record, self._clock.now()))
            else:
                connection.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))
        self._database.purge_journal()


# --- rows ---------------------------------------------------------------------------------


def _existing(connection: sqlite3.Connection, interview_id: str) -> Interview:
    row = connection.execute(
        f"SELECT {_INTERVIEW_COLUMNS} FROM interviews WHERE id = ?", (interview_id,)
    ).fetchone()
    if row is None:
        raise InterviewNotFound(interview_id)
    return _interview(row)


def _record(connection: sqlite3.Connection, interview_id: str) -> Interview | None:
    try:
        return _existing(connection, interview_id)
    except InterviewNotFound:
        return None


def _held(connection: sqlite3.Connection, interview_id: str, owner: str) -> Interview:
    return records.held_by(_record(connection, interview_id), interview_id, owner)


def _put(connection: sqlite3.Connection, interview: Interview) -> None:
    connection.execute(
        _UPSERT_INTERVIEW,
        (
            interview.id,
            interview.video_path,
            interview.user_id,
            interview.state.value,
            interview.attempts,
            interview.lease_owner,
            _to_text(interview.lease_expires_at),
            interview.error_code,
            interview.error_message,
            interview.question_count,
            _to_text(interview.created_at),
            _to_text(interview.updated_at),
            interview.generation,
            _to_text(interview.throttled_since),
            interview.questions_left_out,
        ),
    )


def _interview(row: Sequence[Any]) -> Interview:
    attempts, attempts_problem = _counter(row[0], row[4])
    expiry, expiry_problem = _expiry(row[0], row[6])
    generation, _ = _counter(row[0], row[12])
    return Interview(
        id=row[0],
        video_path=row[1],
        user_id=row[2],
        state=InterviewState.from_stored(row[3]),
        attempts=attempts,
        lease_owner=row[5],
        lease_expires_at=expiry,
        record_problem=attempts_problem or expiry_problem,
        error_code=row[7],
        error_message=row[8],
        question_count=row[9],
        created_at=_from_text(row[10]),
        updated_at=_from_text(row[11]),
        generation=generation,
        throttled_since=_from_text(row[13]),
        questions_left_out=row[14],
    )


def _counter(interview_id: str, value: object) -> tuple[int, str | None]:
    """The attempts column, or 0 and the reason when another writer stored something else
    (SQLite keeps any type in any column). A claim writes a number over it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    return 0, f"interview {interview_id}: attempts is not a number: {str(value)[:40]!r}"


def _expiry(interview_id: str, value: object) -> tuple[datetime | None, str | None]:
    """The lease expiry column, or None (no live lease, so it never blocks a claim) and the
    reason when it is not a time of ours."""
    if value is None:
        return None, None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value), None
        except ValueError:
            pass
    return None, f"interview {interview_id}: lease_expires_at is not a time: {str(value)[:40]!r}"


def _question_row(question: Question) -> tuple[object, ...]:
    return (
        question.id,
        question.interview_id,
        question.position,
        question.question,
        question.answer,
        question.context,
        question.question_context,
        int(question.is_global),
        question.start_time,
        question.end_time,
        question.user_id,
        _to_text(question.created_at),
        _to_text(question.updated_at),
    )


def _question(row: Sequence[Any]) -> Question:
    return Question(
        id=row[0],
        interview_id=row[1],
        position=row[2],
        question=row[3],
        answer=row[4],
        context=row[5],
        question_context=row[6],
        is_global=bool(row[7]),
        start_time=row[8],
        end_time=row[9],
        user_id=row[10],
        created_at=_from_text(row[11]),
        updated_at=_from_text(row[12]),
    )


def _to_text(moment: datetime | None) -> str | None:
    """ISO 8601 with microseconds; aware times are stored in UTC, naive ones as they are."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def _from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
