"""Conditional writes of the lease holder, and what a refused claim becomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.dynamodb_claims import EndRun, claim_request, failure_request, refusal
from adapters.aws.dynamodb_errors import ConditionFailed, translated_errors
from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    epoch_number,
    format_timestamp,
    interview_from_item,
    key,
    number_value,
    read_string,
    stored_state,
    string_value,
)
from adapters.aws.dynamodb_reads import read_interview_item
from adapters.aws.dynamodb_transact_parts import generation_condition
from interview_core.errors import (
    MAX_ERROR_MESSAGE,
    AttemptsExhausted,
    InterviewNotFound,
    InvalidInterviewRecord,
    LeaseHeld,
    LeaseLost,
)
from interview_core.state import InterviewState, check_transition

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, UpdateItemInputTypeDef

    from interview_core.errors import InterviewError

MAX_ERROR_CODE_CHARS = 100


def claim_item(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    owner: str,
    lease_seconds: float,
    now: datetime,
    *,
    force: bool,
    max_attempts: int | None,
) -> Mapping[str, AttributeValueTypeDef]:
    """The claimed item, moved to processing under `owner`'s lease by one conditional write
    (see `dynamodb_claims.claim_request`); a refusal raises what `claim_refusal` returns."""
    request = claim_request(
        table, interview_id, owner, lease_seconds, now, force=force, max_attempts=max_attempts
    )
    try:
        with translated_errors(table):
            response = client.update_item(**request)
    except ConditionFailed as refused:
        raise claim_refusal(
            client,
            table,
            interview_id,
            refused.item,
            now,
            force=force,
            max_attempts=max_attempts,
        ) from None
    return response["Attributes"]


def push_lease_expiry(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    owner: str,
    expires_at: datetime,
    *,
    now: datetime,
) -> None:
    """Set the lease's expiry to `expires_at` while `owner` holds it. Raises LeaseLost, or
    what `translated_errors` raises."""
    update_as_owner(
        client,
        table,
        interview_id,
        owner,
        "SET lease_expires_at = :expires, updated_at = :now_text",
        {":expires": epoch_number(expires_at)},
        now=now,
    )


def drop_lease(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    owner: str,
    *,
    throttled: bool,
    now: datetime,
) -> None:
    """Remove `owner`'s lease, leaving the state; a `throttled` run takes back its attempt
    and sets `throttled_since` unless set, any other removes it. Raises LeaseLost, or what
    `translated_errors` raises."""
    if throttled:
        update_as_owner(
            client,
            table,
            interview_id,
            owner,
            "SET updated_at = :now_text,"
            " throttled_since = if_not_exists(throttled_since, :now_text),"
            " attempts = if_not_exists(attempts, :one) - :one"
            " REMOVE lease_owner, lease_expires_at",
            {":one": number_value(1)},
            now=now,
        )
        return
    update_as_owner(
        client,
        table,
        interview_id,
        owner,
        "SET updated_at = :now_text REMOVE lease_owner, lease_expires_at, throttled_since",
        now=now,
    )


def store_completed(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    owner: str,
    question_count: int,
    *,
    questions_left_out: int,
    generation: int | None,
    now: datetime,
) -> None:
    """Completed with the counts and no lease, while `owner` holds it (and the item is in
    `generation`, when given). Raises LeaseLost, IllegalTransition, or what
    `translated_errors` raises."""
    update_as_owner(
        client,
        table,
        interview_id,
        owner,
        "SET #state = :target, question_count = :count, questions_left_out = :left,"
        " updated_at = :now_text"
        " REMOVE lease_owner, lease_expires_at, error_code, error_message, throttled_since",
        {":count": number_value(question_count), ":left": number_value(questions_left_out)},
        target=InterviewState.COMPLETED,
        generation=generation,
        now=now,
    )


def store_failed(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    owner: str,
    error_code: str,
    message: str,
    *,
    now: datetime,
) -> None:
    """Failed with the error code and message (truncated to 100 and 1000 characters) and no
    lease, while `owner` holds it. Raises LeaseLost, IllegalTransition, or what
    `translated_errors` raises."""
    update_as_owner(
        client,
        table,
        interview_id,
        owner,
        "SET #state = :target, error_code = :code, error_message = :message,"
        " updated_at = :now_text REMOVE lease_owner, lease_expires_at, throttled_since",
        {
            ":code": string_value(error_code[:MAX_ERROR_CODE_CHARS]),
            ":message": string_value(message[:MAX_ERROR_MESSAGE]),
        },
        target=InterviewState.FAILED,
        now=now,
    )


def update_as_owner(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    owner: str,
    update: str,
    values: Mapping[str, AttributeValueTypeDef] | None = None,
    *,
    now: datetime,
    target: InterviewState | None = None,
    generation: int | None = None,
) -> None:
    """Apply `update` on condition that `owner` holds the lease (and, with `target`, that
    the record is processing; with `generation`, that it is in that generation).

    `update` may use `:owner`, `:now_text`, `:target` and the keys of `values`. Raises
    LeaseLost, IllegalTransition (the owner's record is not processing), or what
    `translated_errors` raises.
    """
    condition = "lease_owner = :owner"
    names: dict[str, str] = {}
    all_values: dict[str, AttributeValueTypeDef] = {
        ":owner": string_value(owner),
        ":now_text": string_value(format_timestamp(now)),
        **(values or {}),
    }
    if generation is not None:
        in_generation, generation_values = generation_condition(generation)
        condition += " AND " + in_generation
        all_values.update(generation_values)
    if target is not None:
        condition += " AND #state = :processing"
        names["#state"] = STATE_ATTRIBUTE
        all_values[":processing"] = string_value(InterviewState.PROCESSING)
        all_values[":target"] = string_value(target)
    request: UpdateItemInputTypeDef = {
        "TableName": table,
        "Key": key(interview_id),
        "UpdateExpression": update,
        "ConditionExpression": condition,
        "ExpressionAttributeValues": all_values,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if names:
        request["ExpressionAttributeNames"] = names
    try:
        with translated_errors(table):
            client.update_item(**request)
    except ConditionFailed as refused:
        item = refused.item
        if item is not None and target is not None and read_string(item, "lease_owner") == owner:
            check_transition(stored_state(item), target)
        raise LeaseLost(interview_id, owner) from None


def claim_refusal(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    item: Mapping[str, AttributeValueTypeDef] | None,
    now: datetime,
    *,
    force: bool,
    max_attempts: int | None,
) -> InterviewError:
    """The error for a claim the condition refused, given the item as it stood (None when
    DynamoDB returned none). A run out of attempts, or an unreadable attempt counter, is
    first marked failed by one more conditional write."""
    if item is None:
        # AWS returns no item for a missing key; an endpoint that ignores
        # ReturnValuesOnConditionCheckFailure does the same, so look once to be sure.
        item = read_interview_item(client, table, interview_id)
        if item is None:
            return InterviewNotFound(interview_id)
    reason = refusal(item, now, force=force, max_attempts=max_attempts)
    if not isinstance(reason, EndRun):
        return reason
    try:
        with translated_errors(table):
            client.update_item(**failure_request(table, interview_id, reason, now))
    except ConditionFailed:
        return LeaseHeld(interview_id)  # changed meanwhile: another delivery took it
    if reason.code == AttemptsExhausted.code:
        attempts = interview_from_item(item).attempts
        return AttemptsExhausted(interview_id, attempts)
    return InvalidInterviewRecord(reason.message)
