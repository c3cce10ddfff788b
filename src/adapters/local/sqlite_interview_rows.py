"""Interview rows of the SQLite repository, read and written as entities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.local.sqlite_interview_schema import INTERVIEW_COLUMNS, UPSERT_INTERVIEW
from interview_core import records
from interview_core.entities import Interview
from interview_core.errors import InterviewNotFound
from interview_core.state import InterviewState

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence


def existing(connection: sqlite3.Connection, interview_id: str) -> Interview:
    """The interview record. Raises InterviewNotFound."""
    row = connection.execute(
        f"SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE id = ?", (interview_id,)
    ).fetchone()
    if row is None:
        raise InterviewNotFound(interview_id)
    return interview_from_row(row)


def record_or_none(connection: sqlite3.Connection, interview_id: str) -> Interview | None:
    """The interview record, or None for an unknown id."""
    try:
        return existing(connection, interview_id)
    except InterviewNotFound:
        return None


def held(connection: sqlite3.Connection, interview_id: str, owner: str) -> Interview:
    """The record while `owner` holds its lease. Raises LeaseLost otherwise."""
    return records.held_by(record_or_none(connection, interview_id), interview_id, owner)


def put(connection: sqlite3.Connection, interview: Interview) -> None:
    """Insert `interview`, or replace every column of the record with its id."""
    connection.execute(
        UPSERT_INTERVIEW,
        (
            interview.id,
            interview.video_path,
            interview.user_id,
            interview.state.value,
            interview.attempts,
            interview.lease_owner,
            to_text(interview.lease_expires_at),
            interview.error_code,
            interview.error_message,
            interview.question_count,
            to_text(interview.created_at),
            to_text(interview.updated_at),
            interview.generation,
            to_text(interview.throttled_since),
            interview.questions_left_out,
        ),
    )


def interview_from_row(row: Sequence[Any]) -> Interview:
    """The interview of a row selected with INTERVIEW_COLUMNS."""
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
        created_at=from_text(row[10]),
        updated_at=from_text(row[11]),
        generation=generation,
        throttled_since=from_text(row[13]),
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


def to_text(moment: datetime | None) -> str | None:
    """ISO 8601 with microseconds; aware times are stored in UTC, naive ones as they are."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    """The time `to_text` wrote, or None."""
    return None if text is None else datetime.fromisoformat(text)
