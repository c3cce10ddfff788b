"""The DynamoDB claim as conditional writes: taking a lease, and ending a run that cannot go on.

A claim is one UpdateItem whose condition holds when the interview exists, has no live lease
(a lease expiry that is not a number never counts as live, so a damaged item cannot block
claims for ever), keeps `attempts` as a number, and, with a limit, has attempts left. When
DynamoDB refuses it, `refusal` reads the item it returned to tell why; a run out of attempts
or an item whose `attempts` is not a number is then ended by one more conditional write,
`failure_request`, that marks it failed only while the same facts still hold.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import attrs

from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    epoch_number,
    epoch_seconds,
    format_timestamp,
    key,
    number_value,
    stored_state,
    string_value,
)
from interview_core.errors import (
    MAX_ERROR_MESSAGE,
    InterviewAlreadyCompleted,
    InterviewDeleted,
    LeaseHeld,
)
from interview_core.state import InterviewState, is_legal

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, UpdateItemInputTypeDef

    from interview_core.errors import InterviewError

_NUMBER_TYPE: AttributeValueTypeDef = {"S": "N"}
_PROCESSING: AttributeValueTypeDef = {"S": InterviewState.PROCESSING.value}

CLAIMABLE = (
    "attribute_exists(#id) AND (attribute_not_exists(lease_owner)"
    " OR attribute_not_exists(lease_expires_at)"
    " OR NOT attribute_type(lease_expires_at, :number_type)"
    " OR lease_expires_at <= :now)"
)
"""The interview exists and holds no live lease. The type test comes before the comparison,
which DynamoDB evaluates as false (and moto fails on) for a value that is not a number."""

NOT_ERASED = "(attribute_not_exists(#state) OR NOT (#state IN (:deleting, :deleted)))"
"""Neither deleting nor deleted: the condition every claim, reset and redrive adds."""
ERASED_VALUES: dict[str, AttributeValueTypeDef] = {
    ":deleting": {"S": InterviewState.DELETING.value},
    ":deleted": {"S": InterviewState.DELETED.value},
}

_COUNTABLE = "(attribute_not_exists(attempts) OR attribute_type(attempts, :number_type))"
_ATTEMPTS_LEFT = (
    "(#state <> :processing OR attribute_not_exists(attempts) OR attempts < :max_attempts)"
)
_CLAIM_UPDATE = (
    "SET #state = :processing, lease_owner = :owner, lease_expires_at = :expires,"
    " created_at = if_not_exists(created_at, :now_text), updated_at = :now_text"
    " ADD attempts :one REMOVE error_code, error_message"
)
_FAIL_UPDATE = (
    "SET #state = :failed, error_code = :code, error_message = :message,"
    " updated_at = :now_text REMOVE lease_owner, lease_expires_at, throttled_since"
)


@attrs.frozen
class EndRun:
    """A refused claim that ends the run: mark the interview failed with this reason."""

    code: str
    message: str
    condition: str
    values: dict[str, AttributeValueTypeDef]


def claim_request(
    table: str,
    interview_id: str,
    owner: str,
    lease_seconds: float,
    now: datetime,
    *,
    force: bool,
    max_attempts: int | None,
) -> UpdateItemInputTypeDef:
    """The UpdateItem that claims the interview for `owner` until now + `lease_seconds`."""
    conditions = [CLAIMABLE, _COUNTABLE, NOT_ERASED]
    values: dict[str, AttributeValueTypeDef] = {
        **_base_values(now),
        **ERASED_VALUES,
        ":processing": _PROCESSING,
        ":owner": string_value(owner),
        ":expires": epoch_number(now + timedelta(seconds=lease_seconds)),
        ":one": number_value(1),
    }
    if not force:
        conditions.append("#state <> :completed")
        values[":completed"] = string_value(InterviewState.COMPLETED)
    if max_attempts is not None:
        conditions.append(_ATTEMPTS_LEFT)
        values[":max_attempts"] = number_value(max_attempts)
    return {
        "TableName": table,
        "Key": key(interview_id),
        "UpdateExpression": _CLAIM_UPDATE,
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": {"#id": "id", "#state": STATE_ATTRIBUTE},
        "ExpressionAttributeValues": values,
        "ReturnValues": "ALL_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }


def refusal(
    item: Mapping[str, AttributeValueTypeDef],
    now: datetime,
    *,
    force: bool,
    max_attempts: int | None,
) -> InterviewError | EndRun:
    """Why the claim of the interview `item` records was refused: an error to raise, or the
    end of its run to write first."""
    interview_id = item.get("id", {}).get("S", "")
    state = stored_state(item)
    if state.erased:
        return InterviewDeleted(interview_id)
    if not is_legal(state, InterviewState.PROCESSING, force=force):
        return InterviewAlreadyCompleted(interview_id)
    remaining = _lease_remaining(item, now)
    if remaining is not None:
        return LeaseHeld(interview_id, remaining)
    attempts = item.get("attempts")
    if attempts is not None and "N" not in attempts:
        kind = next(iter(attempts), "?")
        return EndRun(
            "INVALID_INTERVIEW_RECORD",
            f"interview {interview_id}: attempts is not a number (DynamoDB type {kind})",
            f"{CLAIMABLE} AND attribute_exists(attempts)"
            " AND NOT attribute_type(attempts, :number_type) AND #state <> :completed",
            {":completed": string_value(InterviewState.COMPLETED)},
        )
    if max_attempts is not None and state is InterviewState.PROCESSING:
        count = _number(attempts)
        if count is not None and count >= max_attempts:
            return EndRun(
                "ATTEMPTS_EXHAUSTED",
                f"interview {interview_id} was attempted {count} times without finishing",
                f"{CLAIMABLE} AND #state = :processing AND {_COUNTABLE}"
                " AND attempts >= :max_attempts",
                {":max_attempts": number_value(max_attempts), ":processing": _PROCESSING},
            )
    return LeaseHeld(interview_id)


def failure_request(
    table: str, interview_id: str, end: EndRun, now: datetime
) -> UpdateItemInputTypeDef:
    """The UpdateItem that marks the interview failed as `end` says, while its facts hold."""
    values: dict[str, AttributeValueTypeDef] = {
        **_base_values(now),
        ":failed": string_value(InterviewState.FAILED),
        ":code": string_value(end.code),
        ":message": string_value(end.message[:MAX_ERROR_MESSAGE]),
        **ERASED_VALUES,
        **end.values,
    }
    return {
        "TableName": table,
        "Key": key(interview_id),
        "UpdateExpression": _FAIL_UPDATE,
        "ConditionExpression": f"{end.condition} AND {NOT_ERASED}",
        "ExpressionAttributeNames": {"#id": "id", "#state": STATE_ATTRIBUTE},
        "ExpressionAttributeValues": values,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }


def _base_values(now: datetime) -> dict[str, AttributeValueTypeDef]:
    return {
        ":now": epoch_number(now),
        ":now_text": string_value(format_timestamp(now)),
        ":number_type": _NUMBER_TYPE,
    }


def _lease_remaining(item: Mapping[str, AttributeValueTypeDef], now: datetime) -> float | None:
    """Seconds the item's lease has left, or None when it holds no live lease."""
    if "lease_owner" not in item:
        return None
    expires = _number(item.get("lease_expires_at"))
    if expires is None:
        return None
    remaining = float(expires) - epoch_seconds(now)
    return remaining if remaining > 0 else None


def _number(value: AttributeValueTypeDef | None) -> Decimal | None:
    """A DynamoDB number's value; None when absent or of another type."""
    text = value.get("N") if value is not None else None
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
