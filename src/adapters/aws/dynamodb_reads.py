"""Strongly consistent reads of an interview item, and the question index's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.aws.dynamodb_errors import translated_errors
from adapters.aws.dynamodb_items import key, string_value

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef


def read_interview_item(
    client: DynamoDBClient, table: str, interview_id: str
) -> Mapping[str, AttributeValueTypeDef] | None:
    """The interview's item by a strongly consistent GetItem; None when missing.

    Raises what `translated_errors` raises.
    """
    with translated_errors(table):
        response = client.get_item(TableName=table, Key=key(interview_id), ConsistentRead=True)
    return response.get("Item")


def query_question_items(
    client: DynamoDBClient,
    table: str,
    index: str,
    interview_id: str,
    *,
    projection: str | None = None,
) -> Iterator[Mapping[str, AttributeValueTypeDef]]:
    """Every question item the `interview_id` index holds for the interview, page after
    page, with only the `projection` attributes when given.

    Raises what `translated_errors` raises.
    """
    request: QueryInputTypeDef = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": "interview_id = :interview_id",
        "ExpressionAttributeValues": {":interview_id": string_value(interview_id)},
    }
    if projection is not None:
        request["ProjectionExpression"] = projection
    while True:
        with translated_errors(table):
            page = client.query(**request)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
