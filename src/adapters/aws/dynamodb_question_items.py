"""DynamoDB item <-> entity mapping for stored questions.

Question items (table keyed by `id`, a global secondary index on `interview_id`): the
upstream's `id`, `interview_id`, `user_id` (optional), `question`, `answer`, `context`,
`question_context` (S), `global` (BOOL), `created_at`, `updated_at` (S, as in interview
items: see adapters.aws.dynamodb_items), and this
project's `position` (N), `start_time`, `end_time` (N, absent when unknown or not finite).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.aws.dynamodb_items import (
    format_timestamp,
    number_value,
    optional_number,
    optional_string,
    read_float,
    read_int,
    read_string,
    read_timestamp,
    string_value,
)
from interview_core.entities import Question
from interview_core.errors import InvalidInterviewRecord

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def question_to_item(question: Question, now: datetime) -> dict[str, AttributeValueTypeDef]:
    """The item for a stored question, written at `now`; non-finite times are left out.

    `created_at` is the question's own when it has one (an earlier write of the same id).
    """
    item: dict[str, AttributeValueTypeDef] = {
        "id": string_value(question.id),
        "interview_id": string_value(question.interview_id),
        "position": number_value(question.position),
        "question": string_value(question.question),
        "answer": string_value(question.answer),
        "context": string_value(question.context),
        "question_context": string_value(question.question_context),
        "global": {"BOOL": question.is_global},
        "created_at": string_value(format_timestamp(question.created_at or now)),
        "updated_at": string_value(format_timestamp(now)),
    }
    optional: dict[str, AttributeValueTypeDef | None] = {
        "user_id": optional_string(question.user_id),
        "start_time": optional_number(question.start_time),
        "end_time": optional_number(question.end_time),
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    return item


def question_from_item(item: Mapping[str, AttributeValueTypeDef]) -> Question:
    """The question an item records. Raises InvalidInterviewRecord without id or position."""
    question_id = read_string(item, "id")
    interview_id = read_string(item, "interview_id")
    position = read_int(item, "position")
    if not question_id or not interview_id or position is None:
        raise InvalidInterviewRecord(
            f"question item {question_id} lacks interview_id or position"
            " (the index must project every attribute)"
        )
    flag: Any = item.get("global", {}).get("BOOL", False)
    return Question(
        id=question_id,
        interview_id=interview_id,
        position=position,
        question=read_string(item, "question") or "",
        answer=read_string(item, "answer") or "",
        context=read_string(item, "context") or "",
        question_context=read_string(item, "question_context") or "general",
        is_global=bool(flag),
        start_time=read_float(item, "start_time"),
        end_time=read_float(item, "end_time"),
        user_id=read_string(item, "user_id"),
        created_at=read_timestamp(item, "created_at"),
        updated_at=read_timestamp(item, "updated_at"),
    )
