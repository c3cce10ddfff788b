"""The operator's delete in DynamoDB: the record marked deleting, its questions, the record.

Begun by one conditional UpdateItem (no live lease, not already deleting or deleted) that
sets `state` to `deleting` and removes the lease, so that no claim succeeds and no fenced
write of a worker that lost its lease lands. Questions are removed one DeleteItem each,
conditional on belonging to the interview, by the ids the record names (`question_ids`, or
its `question_count` for records older than that list) and those the `interview_id` index
finds. The record is then deleted, or replaced by its tombstone, while it says `deleting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.dynamodb_claims import CLAIMABLE, ERASED_VALUES, NOT_ERASED
from adapters.aws.dynamodb_errors import ConditionFailed, translated_errors
from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    epoch_number,
    format_timestamp,
    interview_from_item,
    key,
    read_timestamp,
    stored_state,
    string_value,
)
from adapters.aws.dynamodb_transact_parts import stored_ids
from interview_core.errors import InterviewNotFound, LeaseHeld
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    from interview_core.entities import Interview


def begin_deletion(
    client: DynamoDBClient, table: str, interview_id: str, now: datetime
) -> Interview:
    """Set `deleting` and remove the lease unless a live lease is held; the record as it
    then stands (unchanged when already deleting or deleted).

    Raises InterviewNotFound, LeaseHeld, or what `translated_errors` raises.
    """
    try:
        with translated_errors(table):
            response = client.update_item(
                TableName=table,
                Key=key(interview_id),
                UpdateExpression="SET #state = :deleting, updated_at = :now_text"
                " REMOVE lease_owner, lease_expires_at",
                ConditionExpression=f"{CLAIMABLE} AND {NOT_ERASED}",
                ExpressionAttributeNames={"#id": "id", "#state": STATE_ATTRIBUTE},
                ExpressionAttributeValues={
                    ":now": epoch_number(now),
                    ":now_text": string_value(format_timestamp(now)),
                    ":number_type": {"S": "N"},
                    **ERASED_VALUES,
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
    except ConditionFailed as refused:
        item = refused.item or _get(client, table, interview_id)
        if item is None:
            raise InterviewNotFound(interview_id) from None
        record = interview_from_item(item)
        if record.state.erased:
            return record
        expires = record.lease_expires_at
        remaining = (expires - now).total_seconds() if expires is not None else None
        raise LeaseHeld(interview_id, remaining) from None
    return interview_from_item(response["Attributes"])


def delete_questions(
    client: DynamoDBClient, interviews: str, questions: str, index: str, interview_id: str
) -> int:
    """Delete every question the record names or the index finds; how many were there.

    Raises what `translated_errors` raises.
    """
    item = _get(client, interviews, interview_id)
    named = stored_ids(interview_id, item) if item is not None else []
    found = _indexed_ids(client, questions, index, interview_id)
    removed = 0
    for question_id in dict.fromkeys([*named, *found]):
        try:
            with translated_errors(questions):
                client.delete_item(
                    TableName=questions,
                    Key=key(question_id),
                    ConditionExpression="interview_id = :interview_id",
                    ExpressionAttributeValues={":interview_id": string_value(interview_id)},
                )
        except ConditionFailed:
            continue  # gone already, or never written (an id named ahead of its write)
        removed += 1
    return removed


def finish_deletion(
    client: DynamoDBClient, table: str, interview_id: str, now: datetime, *, keep_record: bool
) -> None:
    """Delete the record, or with `keep_record` put its tombstone in its place (id, state
    `deleted`, `created_at`, `updated_at`), only while it says `deleting`.

    Raises what `translated_errors` raises.
    """
    condition = "#state = :deleting"
    names = {"#state": STATE_ATTRIBUTE}
    values: dict[str, AttributeValueTypeDef] = {":deleting": ERASED_VALUES[":deleting"]}
    try:
        with translated_errors(table):
            if not keep_record:
                client.delete_item(
                    TableName=table,
                    Key=key(interview_id),
                    ConditionExpression=condition,
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                )
                return
            item = _get(client, table, interview_id)
            if item is None or stored_state(item) is not InterviewState.DELETING:
                return
            tombstone: dict[str, AttributeValueTypeDef] = {
                "id": string_value(interview_id),
                STATE_ATTRIBUTE: string_value(InterviewState.DELETED.value),
                "updated_at": string_value(format_timestamp(now)),
            }
            created = read_timestamp(item, "created_at")
            if created is not None:
                tombstone["created_at"] = string_value(format_timestamp(created))
            client.put_item(
                TableName=table,
                Item=tombstone,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
    except ConditionFailed:
        return  # finished by another delete, or gone


def _get(
    client: DynamoDBClient, table: str, interview_id: str
) -> Mapping[str, AttributeValueTypeDef] | None:
    with translated_errors(table):
        response = client.get_item(TableName=table, Key=key(interview_id), ConsistentRead=True)
    return response.get("Item")


def _indexed_ids(
    client: DynamoDBClient, table: str, index: str, interview_id: str
) -> Iterable[str]:
    """The ids of the questions the index holds for the interview, every page."""
    request: dict[str, object] = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": "interview_id = :interview_id",
        "ExpressionAttributeValues": {":interview_id": string_value(interview_id)},
        "ProjectionExpression": "id",
    }
    ids: list[str] = []
    while True:
        with translated_errors(table):
            page = client.query(**request)  # type: ignore[arg-type]
        ids.extend(item["id"]["S"] for item in page["Items"] if "S" in item.get("id", {}))
        if "LastEvaluatedKey" not in page:
            return ids
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
