"""Question rows of the SQLite repository: read, replaced as a set, and removed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.local.sqlite_interview_rows import from_text, to_text
from adapters.local.sqlite_interview_schema import QUESTION_COLUMNS
from interview_core import records
from interview_core.entities import Question

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence
    from datetime import datetime


def select_questions(connection: sqlite3.Connection, interview_id: str | None) -> list[Question]:
    """The interview's questions ordered by position, or with None every question of every
    interview in the order they were written."""
    if interview_id is None:
        rows = connection.execute(
            f"SELECT {QUESTION_COLUMNS} FROM questions ORDER BY rowid"
        ).fetchall()
    else:
        rows = connection.execute(
            f"SELECT {QUESTION_COLUMNS} FROM questions WHERE interview_id = ?"
            " ORDER BY position, rowid",
            (interview_id,),
        ).fetchall()
    return [question_from_row(row) for row in rows]


def write_question_set(
    connection: sqlite3.Connection,
    interview_id: str,
    questions: Sequence[Question],
    now: datetime,
) -> None:
    """Make `questions` the interview's only rows, keeping the creation time of those that
    were already there (see `records.stamped`)."""
    earlier = {
        row[0]: from_text(row[1])
        for row in connection.execute(
            "SELECT id, created_at FROM questions WHERE interview_id = ?", (interview_id,)
        )
    }
    written = records.stamped(questions, now, earlier)
    connection.execute("DELETE FROM questions WHERE interview_id = ?", (interview_id,))
    connection.executemany(
        f"INSERT INTO questions ({QUESTION_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [question_row(question) for question in written],
    )


def erase_questions(connection: sqlite3.Connection, interview_id: str) -> int:
    """Remove the interview's question rows with their freed pages zeroed; how many there
    were."""
    connection.execute("PRAGMA secure_delete = ON")
    return connection.execute(
        "DELETE FROM questions WHERE interview_id = ?", (interview_id,)
    ).rowcount


def question_row(question: Question) -> tuple[object, ...]:
    """The values of `question` in the order of QUESTION_COLUMNS."""
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
        to_text(question.created_at),
        to_text(question.updated_at),
    )


def question_from_row(row: Sequence[Any]) -> Question:
    """The question of a row selected with QUESTION_COLUMNS."""
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
        created_at=from_text(row[11]),
        updated_at=from_text(row[12]),
    )
