"""How the operator's commands show interviews, questions and dead letters: JSON or a table."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from entrypoints.output import question_to_dict

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from interview_core.delete_interview import Erasure
    from interview_core.entities import Interview, Question
    from interview_core.ports import DeadLetter

INTERVIEW_COLUMNS = ("id", "state", "user_id", "attempts", "updated_at", "error_code")
QUESTION_COLUMNS = ("position", "question_context", "start_time", "question")
DEAD_LETTER_COLUMNS = ("message_id", "interview_id", "receive_count", "body_error")


def interview_to_dict(interview: Interview) -> dict[str, Any]:
    """The record under the upstream's names, then the attributes this project adds."""
    return {
        "id": interview.id,
        "video_path": interview.video_path or None,  # null when the record has none
        "user_id": interview.user_id,
        "state": interview.state.value,
        "created_at": _moment(interview.created_at),
        "updated_at": _moment(interview.updated_at),
        "attempts": interview.attempts,
        "generation": interview.generation,
        "question_count": interview.question_count,
        "questions_left_out": interview.questions_left_out,
        "error_code": interview.error_code,
        "error_message": interview.error_message,
        "lease_owner": interview.lease_owner,
        "lease_expires_at": _moment(interview.lease_expires_at),
    }


def stored_question_to_dict(question: Question) -> dict[str, Any]:
    """A stored question as `questions.json` has it, with its interview, user and position."""
    return {
        **question_to_dict(question),
        "interview_id": question.interview_id,
        "user_id": question.user_id,
        "position": question.position,
        "created_at": _moment(question.created_at),
        "updated_at": _moment(question.updated_at),
    }


def dead_letter_to_dict(letter: DeadLetter) -> dict[str, Any]:
    """A dead letter by its ids and count; the body itself is never shown."""
    return {
        "message_id": letter.message_id,
        "interview_id": letter.interview_id,
        "receive_count": letter.receive_count,
        "body_error": letter.body_error,
    }


def confirmed(record: Interview, *, include_video: bool) -> bool:
    """Ask on the terminal whether to delete the interview; true for a `y` or `yes`."""
    video = "and its video " if include_video else ""
    print(
        f"Delete interview {record.id} ({record.state.value}, generation {record.generation}) "
        f"{video}with its questions, transcripts, audio and transcription jobs?"
        " This cannot be undone.",
        file=sys.stderr,
    )
    try:
        answer = input("Type yes to delete: ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def erasure_lines(erasure: Erasure) -> str:
    """What a delete removed and what it left, one line each."""
    if erasure.already_deleted:
        return f"interview {erasure.interview_id} was already deleted: nothing left to remove"
    lines = [f"deleted interview {erasure.interview_id}", f"questions: {erasure.questions}"]
    lines.append(f"transcription jobs: {len(erasure.transcription_jobs)}")
    lines.extend(f"  {name}" for name in erasure.transcription_jobs)
    lines.append(f"files: {len(erasure.files)}")
    lines.extend(f"  {name}" for name in erasure.files)
    if erasure.video_removed is not None:
        lines.append(f"video: removed {erasure.video_removed}")
    elif erasure.video_left is not None and erasure.video_elsewhere:
        lines.append(f"video: left at {erasure.video_left} (not in this store: remove it there)")
    elif erasure.video_left is not None:
        lines.append(f"video: kept at {erasure.video_left} (the upstream's; --include-video)")
    else:
        lines.append("video: none found")
    lines.append("record: kept as deleted" if erasure.record_kept else "record: removed")
    return "\n".join(lines)


def as_json(data: Any) -> str:
    """`data` as indented JSON."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def as_record_table(row: dict[str, Any]) -> str:
    """One record as `name  value` lines."""
    width = max(len(name) for name in row)
    return "\n".join(f"{name.ljust(width)}  {_cell(value)}" for name, value in row.items())


def as_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as aligned columns under a header line."""
    cells = [list(columns), *([_cell(row.get(name)) for name in columns] for row in rows)]
    widths = [max(len(line[index]) for line in cells) for index in range(len(columns))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )


def _cell(value: Any) -> str:
    """A value on one line of a table: line breaks as spaces, other control characters
    escaped (a stored record could move the terminal's cursor), cut to 100 characters."""
    if value is None:
        return "-"
    text = "".join(_shown(char) for char in str(value).replace("\n", " "))
    return text if len(text) <= 100 else text[:99] + "…"


def _shown(char: str) -> str:
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
