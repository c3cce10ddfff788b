"""The operator's DynamoDB calls: new upstream records, a Scan by state, the reset to pending,
a new generation with a fresh attempt budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.dynamodb_claims import ERASED_VALUES, NOT_ERASED
from adapters.aws.dynamodb_errors import ConditionFailed, translated_errors
from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    epoch_number,
    format_timestamp,
    interview_from_item,
    key,
    number_value,
    string_value,
)
from interview_core.errors import (
    InterviewDeleted,
    InterviewExists,
    InterviewNotFound,
    LeaseHeld,
    RepositoryUnavailable,
)
from interview_core.records import check_limit
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, ScanInputTypeDef

    from interview_core.entities import Interview

_NO_LIVE_LEASE = (
    "attribute_exists(#id) AND (attribute_not_exists(lease_owner)"
    " OR attribute_not_exists(lease_expires_at) OR lease_expires_at <= :now)"
)
_REOPEN = (
    "SET #state = :pending, attempts = :zero, updated_at = :now_text"
    " ADD generation :one"
    " REMOVE lease_owner, lease_expires_at, error_code, error_message, throttled_since"
)
_RAISE = (
    "SET attempts = :zero, updated_at = :now_text ADD generation :one"
    " REMOVE error_code, error_message, throttled_since"
)
_RAISE_FAILED = (
    "SET #state = :pending, attempts = :zero, updated_at = :now_text ADD generation :one"
    " REMOVE error_code, error_message, throttled_since"
)
_RAISE_TRIES = 3
"""How often the redrive's raise is tried while the record's state changes under it."""
_OWNED = tuple(state for state in InterviewState if state is not InterviewState.PENDING)


def put_new_interview(client: DynamoDBClient, table: str, interview: Interview) -> None:
    """Write the upstream's six attributes for a new record, only if the id is not stored.

    Raises InterviewExists, or what `translated_errors` raises.
    """
    item: dict[str, AttributeValueTypeDef] = {
        "id": string_value(interview.id),
        "video_path": string_value(interview.video_path),
        STATE_ATTRIBUTE: string_value(interview.state.value),
    }
    if interview.user_id is not None:
        item["user_id"] = string_value(interview.user_id)
    for name, moment in (
        ("created_at", interview.created_at),
        ("updated_at", interview.updated_at),
    ):
        if moment is not None:
            item[name] = string_value(format_timestamp(moment))
    try:
        with translated_errors(table):
            client.put_item(
                TableName=table,
                Item=item,
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": "id"},
            )
    except ConditionFailed:
        raise InterviewExists(interview.id) from None


def scan_by_state(
    client: DynamoDBClient,
    table: str,
    state: InterviewState,
    limit: int,
    *,
    page_size: int | None = None,
) -> list[Interview]:
    """Up to `limit` records whose state reads as `state`: a filtered Scan, page by page.

    Pending matches a missing state and any value the pipeline does not own. `page_size`
    caps the items each Scan page reads (DynamoDB's own 1 MB page when None). Raises
    ValueError for a limit below 1, or what `translated_errors` raises.
    """
    check_limit(limit)
    values: dict[str, AttributeValueTypeDef] = {
        f":s{index}": string_value(owned) for index, owned in enumerate(_OWNED)
    }
    if state is InterviewState.PENDING:
        listed = ", ".join(values)
        condition = f"attribute_not_exists(#state) OR NOT (#state IN ({listed}))"
    else:
        values = {":state": string_value(state.value)}
        condition = "#state = :state"
    request: ScanInputTypeDef = {
        "TableName": table,
        "FilterExpression": condition,
        "ExpressionAttributeNames": {"#state": STATE_ATTRIBUTE},
        "ExpressionAttributeValues": values,
    }
    if page_size is not None:
        request["Limit"] = page_size
    found: list[Interview] = []
    while len(found) < limit:
        with translated_errors(table):
            page = client.scan(**request)
        found.extend(interview_from_item(item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return found[:limit]


def reopen_interview(
    client: DynamoDBClient, table: str, interview_id: str, now: datetime
) -> Interview:
    """Set the record pending with no attempts, lease or error, unless a live lease is held.

    Raises InterviewNotFound, LeaseHeld, or what `translated_errors` raises.
    """
    try:
        with translated_errors(table):
            response = client.update_item(
                TableName=table,
                Key=key(interview_id),
                UpdateExpression=_REOPEN,
                ConditionExpression=f"{_NO_LIVE_LEASE} AND {NOT_ERASED}",
                ExpressionAttributeNames={"#id": "id", "#state": STATE_ATTRIBUTE},
                ExpressionAttributeValues={
                    **ERASED_VALUES,
                    ":now": epoch_number(now),
                    ":now_text": string_value(format_timestamp(now)),
                    ":pending": string_value(InterviewState.PENDING.value),
                    ":zero": number_value(0),
                    ":one": number_value(1),
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
    except ConditionFailed as refused:
        item = refused.item
        if item is None:
            with translated_errors(table):
                item = client.get_item(
                    TableName=table, Key=key(interview_id), ConsistentRead=True
                ).get("Item")
        if item is None:
            raise InterviewNotFound(interview_id) from None
        if interview_from_item(item).state.erased:
            raise InterviewDeleted(interview_id) from None
        raise LeaseHeld(interview_id) from None
    return interview_from_item(response["Attributes"])


def raise_generation(
    client: DynamoDBClient, table: str, interview_id: str, now: datetime
) -> Interview:
    """Add one to the record's `generation` (absent counts as 0) with a fresh attempt budget
    (`attempts` 0; no error or `throttled_since`), a failed record pending again, and return
    the record; any other state and a lease are left as they are.

    One conditional write for a failed record and another for any other, each tried while
    the state read does not change under it. Raises InterviewNotFound, RepositoryUnavailable
    when the state kept changing, or what `translated_errors` raises.
    """
    for _ in range(_RAISE_TRIES):
        for failed in (True, False):
            try:
                return _raise_generation(client, table, interview_id, now, failed=failed)
            except ConditionFailed as refused:
                item = _item(client, table, interview_id, refused.item)
                if item is None:
                    raise InterviewNotFound(interview_id) from None
                if interview_from_item(item).state.erased:
                    raise InterviewDeleted(interview_id) from None
    raise RepositoryUnavailable(f"interview {interview_id} kept changing state; try again")


def _raise_generation(
    client: DynamoDBClient, table: str, interview_id: str, now: datetime, *, failed: bool
) -> Interview:
    """One conditional write of `raise_generation`, for a failed record or for any other."""
    values: dict[str, AttributeValueTypeDef] = {
        ":now_text": string_value(format_timestamp(now)),
        ":zero": number_value(0),
        ":one": number_value(1),
        ":failed": string_value(InterviewState.FAILED.value),
    }
    if failed:
        values[":pending"] = string_value(InterviewState.PENDING.value)
    else:
        values.update(ERASED_VALUES)
    with translated_errors(table):
        response = client.update_item(
            TableName=table,
            Key=key(interview_id),
            UpdateExpression=_RAISE_FAILED if failed else _RAISE,
            ConditionExpression=(
                "attribute_exists(#id) AND #state = :failed"
                if failed
                else "attribute_exists(#id) AND (attribute_not_exists(#state) OR #state <> :failed)"
                f" AND {NOT_ERASED}"
            ),
            ExpressionAttributeNames={"#id": "id", "#state": STATE_ATTRIBUTE},
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    return interview_from_item(response["Attributes"])


def _item(
    client: DynamoDBClient,
    table: str,
    interview_id: str,
    item: Mapping[str, AttributeValueTypeDef] | None,
) -> Mapping[str, AttributeValueTypeDef] | None:
    """The record, from the item a refused write returned or a read; None when missing."""
    if item is None:
        with translated_errors(table):
            item = client.get_item(TableName=table, Key=key(interview_id), ConsistentRead=True).get(
                "Item"
            )
    return item
