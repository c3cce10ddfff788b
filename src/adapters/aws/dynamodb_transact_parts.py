"""The parts of a lease-fenced question transaction, and what a cancelled one means.

The fence is a condition on the interview item: `lease_owner` is the writer, `state` is
processing and `generation` is the writer's (an item without one, or with one that is not a
number, is generation 0, as records read). `question_ids` on the item names the questions
that may be stored (see adapters.aws.dynamodb_fenced_writes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    key,
    number_value,
    read_string,
    stored_state,
    string_value,
)
from adapters.aws.dynamodb_question_items import question_to_item
from interview_core.errors import ConfigurationError, InvalidInterviewRecord, LeaseLost
from interview_core.ids import question_id
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from botocore.exceptions import ClientError
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from interview_core.entities import Question
    from interview_core.errors import InterviewError

IDS_ATTRIBUTE = "question_ids"
THROTTLED_REASONS = frozenset(
    {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
"""Cancellation reasons with which DynamoDB says a transaction was over its throughput."""
_OPTIONAL_QUESTION_ATTRIBUTES = ("user_id", "start_time", "end_time")


def fence_part(
    table: str, interview_id: str, owner: str, generation: int, named: Sequence[str] | None
) -> TransactWriteItemTypeDef:
    """The interview item's part of a transaction: the fence as a condition only, or with
    `question_ids` set to `named` under it."""
    in_generation, values = generation_condition(generation)
    condition = "lease_owner = :owner AND #state = :processing AND " + in_generation
    values[":owner"] = string_value(owner)
    values[":processing"] = string_value(InterviewState.PROCESSING)
    names = {"#state": STATE_ATTRIBUTE}
    base: dict[str, Any] = {
        "TableName": table,
        "Key": key(interview_id),
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if named is None:
        return cast("TransactWriteItemTypeDef", {"ConditionCheck": base})
    names["#ids"] = IDS_ATTRIBUTE
    values[":ids"] = {"L": [string_value(question_id_) for question_id_ in named]}
    base["UpdateExpression"] = "SET #ids = :ids"
    return cast("TransactWriteItemTypeDef", {"Update": base})


def question_part(table: str, question: Question, now: datetime) -> TransactWriteItemTypeDef:
    """A question's part: an update that writes the whole question, keeping the `created_at`
    of an earlier write of its id (so no read is needed) and removing optional attributes it
    lacks."""
    item = question_to_item(question, now)
    names: dict[str, str] = {}
    values: dict[str, AttributeValueTypeDef] = {}
    sets: list[str] = []
    for number, (name, value) in enumerate(item.items()):
        if name == "id":
            continue
        names[f"#a{number}"], values[f":v{number}"] = name, value
        target = f"#a{number}"
        if name == "created_at":
            sets.append(f"{target} = if_not_exists({target}, :v{number})")
        else:
            sets.append(f"{target} = :v{number}")
    removed = [name for name in _OPTIONAL_QUESTION_ATTRIBUTES if name not in item]
    for number, name in enumerate(removed):
        names[f"#r{number}"] = name
    update = "SET " + ", ".join(sets)
    if removed:
        update += " REMOVE " + ", ".join(f"#r{number}" for number in range(len(removed)))
    return {
        "Update": {
            "TableName": table,
            "Key": key(question.id),
            "UpdateExpression": update,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def holds_fence(
    item: Mapping[str, AttributeValueTypeDef] | None, owner: str, generation: int
) -> bool:
    """Whether a write of `owner`'s run in `generation` may change the item (as the fence's
    condition says)."""
    return (
        item is not None
        and read_string(item, "lease_owner") == owner
        and stored_state(item) is InterviewState.PROCESSING
        and _generation(item) == generation
    )


def reason_codes(exc: ClientError) -> list[str]:
    """The cancellation reason of each item of a cancelled transaction, in order."""
    reasons = cast("Mapping[str, Any]", exc.response).get("CancellationReasons") or []
    return [str(reason.get("Code") or "None") for reason in reasons]


def cancellation_error(
    codes: Sequence[str], interview_id: str, owner: str, table: str
) -> InterviewError | None:
    """The error a cancelled transaction ends with, or None when sending it again may
    succeed (a conflict, throttling, or no reason given)."""
    if "ConditionalCheckFailed" in codes:  # the fence is the only condition
        return LeaseLost(interview_id, owner)
    if any(code.startswith("ResourceNotFound") for code in codes):  # as endpoints report it
        return ConfigurationError(f"DynamoDB table {table} does not exist")
    if "ValidationError" in codes:
        return InvalidInterviewRecord("DynamoDB rejected a question item of the transaction")
    return None


def generation_condition(generation: int) -> tuple[str, dict[str, AttributeValueTypeDef]]:
    """A condition that the interview item is in `generation`, and its values; generation 0
    is also an item without one, or with one that is not a number (as records read)."""
    values: dict[str, AttributeValueTypeDef] = {":generation": number_value(generation)}
    if generation != 0:
        return "generation = :generation", values
    values[":generation_type"] = string_value("N")
    return (
        "(attribute_not_exists(generation) OR NOT attribute_type(generation, :generation_type)"
        " OR generation = :generation)",
        values,
    )


def stored_ids(interview_id: str, item: Mapping[str, AttributeValueTypeDef]) -> list[str]:
    """The ids of the questions an interview item says may be stored, in order.

    An item written before the ids were kept has its `question_count` questions at the ids
    of generation 0 (the ids questions always had); entries that are not strings are ignored.
    """
    named = item.get(IDS_ATTRIBUTE)
    if named is not None and "L" in named:
        found = (entry.get("S") for entry in named["L"])
        return list(dict.fromkeys(text for text in found if text))
    legacy = _count(item.get("question_count")) or 0
    return [question_id(interview_id, position) for position in range(legacy)]


def _count(value: AttributeValueTypeDef | None) -> int | None:
    text = value.get("N") if value is not None else None
    if text is None or not text.isdigit():
        return None
    return int(text)


def _generation(item: Mapping[str, AttributeValueTypeDef]) -> int:
    """The item's generation as the interview record reads it (absent or unreadable: 0)."""
    return _count(item.get("generation")) or 0
