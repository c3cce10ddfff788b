"""SqliteInterviewRepository: interview records and questions in one SQLite file, with leases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.local.sqlite_database import SqliteDatabase
from adapters.local.sqlite_interview_rows import (
    existing,
    held,
    interview_from_row,
    put,
    record_or_none,
)
from adapters.local.sqlite_interview_schema import (
    INTERVIEW_COLUMNS,
    INTERVIEW_MIGRATIONS,
    INTERVIEW_SCHEMA,
    SCHEMA_VERSION,
)
from adapters.local.sqlite_questions import erase_questions, select_questions, write_question_set
from interview_core import records
from interview_core.clock import SystemClock
from interview_core.errors import (
    AttemptsExhausted,
    InterviewExists,
    LeaseLost,
    RepositoryUnavailable,
)
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from interview_core.entities import Interview, Question
    from interview_core.ports import Clock


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
            schema=INTERVIEW_SCHEMA,
            migrations=INTERVIEW_MIGRATIONS,
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
            put(connection, interview)

    def all(self) -> list[Interview]:
        """Every interview record, in the order they were first added."""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {INTERVIEW_COLUMNS} FROM interviews ORDER BY rowid"
            ).fetchall()
        return [interview_from_row(row) for row in rows]

    def all_questions(self) -> list[Question]:
        """Every stored question of every interview, in the order they were written."""
        with self._database.read() as connection:
            return select_questions(connection, None)

    # --- the InterviewRepository port ---------------------------------------------------

    def get(self, interview_id: str) -> Interview:
        """The interview record. Raises InterviewNotFound or RepositoryUnavailable."""
        with self._database.read() as connection:
            return existing(connection, interview_id)

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
            record = existing(connection, interview_id)
            now = self._clock.now()
            ended = records.exhausted(record, now, max_attempts, force=force)
            if ended is None:
                record = records.claimed(record, owner, lease_seconds, now, force=force)
            put(connection, ended or record)
        if ended is not None:
            raise AttemptsExhausted(interview_id, record.attempts)
        return record

    def extend_lease(self, interview_id: str, owner: str, lease_seconds: float) -> None:
        """Set the lease's expiry to now + `lease_seconds`. Raises LeaseLost if not held."""
        records.require_positive_lease(lease_seconds)
        with self._database.write() as connection:
            record = records.extended(
                held(connection, interview_id, owner), lease_seconds, self._clock.now()
            )
            put(connection, record)

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        """Drop the lease, leaving the interview processing and claimable at once; a
        `throttled` run gives its attempt back and starts the throttle patience.

        Raises LeaseLost if `owner` does not hold it.
        """
        with self._database.write() as connection:
            record = records.released(
                held(connection, interview_id, owner), self._clock.now(), throttled=throttled
            )
            put(connection, record)

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
            record = record_or_none(connection, interview_id)
            records.fenced(record, interview_id, owner, generation)
            write_question_set(connection, interview_id, questions, self._clock.now())

    def list_questions(self, interview_id: str) -> list[Question]:
        """The interview's stored questions ordered by position; empty for an unknown id."""
        with self._database.read() as connection:
            return select_questions(connection, interview_id)

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
            record = held(connection, interview_id, owner)
            if generation is not None and record.generation != generation:
                raise LeaseLost(interview_id, owner)
            record = records.completed(
                record, question_count, self._clock.now(), questions_left_out=questions_left_out
            )
            put(connection, record)

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        """Move to failed with `error_code` and `message`, dropping the lease, while held.

        Raises LeaseLost, or IllegalTransition when the record is not processing.
        """
        with self._database.write() as connection:
            record = records.failed(
                held(connection, interview_id, owner), error_code, message, self._clock.now()
            )
            put(connection, record)

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
            put(connection, records.as_created(interview))

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
                f"SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE {condition}"
                " ORDER BY created_at, rowid LIMIT ?",
                (*values, limit),
            ).fetchall()
        return [interview_from_row(row) for row in rows]

    def reset_for_reprocess(self, interview_id: str) -> Interview:
        """Pending again, attempts at zero, no error, the next generation, in one transaction.

        Raises InterviewNotFound or LeaseHeld (nothing is changed then).
        """
        with self._database.write() as connection:
            record = records.reopened(existing(connection, interview_id), self._clock.now())
            put(connection, record)
        return record

    def start_new_generation(self, interview_id: str) -> Interview:
        """The generation raised by one with a fresh attempt budget (see
        `records.next_generation`), in one transaction. Raises InterviewNotFound."""
        with self._database.write() as connection:
            record = records.next_generation(existing(connection, interview_id), self._clock.now())
            put(connection, record)
        return record

    # --- the InterviewEraser role -----------------------------------------------------

    def begin_deletion(self, interview_id: str) -> Interview:
        """Deleting, its lease dropped, in one transaction (see `records.deletion_begun`).
        Raises InterviewNotFound or LeaseHeld (nothing is changed then)."""
        with self._database.write() as connection:
            record = records.deletion_begun(existing(connection, interview_id), self._clock.now())
            put(connection, record)
        return record

    def delete_questions(self, interview_id: str) -> int:
        """Remove the interview's question rows; how many there were."""
        with self._database.write() as connection:
            return erase_questions(connection, interview_id)

    def finish_deletion(self, interview_id: str, *, keep_record: bool) -> None:
        """Remove the deleting record's row, or reduce it to a tombstone with `keep_record`,
        in one transaction; any other record is left as it is. The freed pages are zeroed
        and the write-ahead log emptied, so the file keeps no copy of what was removed."""
        with self._database.write() as connection:
            connection.execute("PRAGMA secure_delete = ON")
            record = record_or_none(connection, interview_id)
            if record is None or record.state is not InterviewState.DELETING:
                return
            if keep_record:
                put(connection, records.tombstone(record, self._clock.now()))
            else:
                connection.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))
        self._database.purge_journal()
