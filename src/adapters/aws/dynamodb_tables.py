"""Creates the interview and question tables, for tests, benchmarks and a local setup."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from adapters.aws.dynamodb_items import interview_to_item

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_dynamodb import DynamoDBClient

    from interview_core.entities import Interview

DEFAULT_INTERVIEWS_TABLE = "app-interviews-interviews"
DEFAULT_QUESTIONS_TABLE = "app-interviews-questions"
DEFAULT_QUESTIONS_INDEX = "interview_id-index"


def create_interview_tables(
    client: DynamoDBClient,
    interviews_table: str = DEFAULT_INTERVIEWS_TABLE,
    questions_table: str = DEFAULT_QUESTIONS_TABLE,
    *,
    questions_index: str = DEFAULT_QUESTIONS_INDEX,
) -> None:
    """Create both tables (on-demand billing) and wait until they are active.

    The interviews table is keyed by `id`; the questions table is keyed by `id` with a global
    secondary index on `interview_id` that projects every attribute, which listing needs.
    A table that already exists is left as it is.
    """
    with _unless_exists(client):
        client.create_table(
            TableName=interviews_table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    with _unless_exists(client):
        client.create_table(
            TableName=questions_table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "interview_id", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": questions_index,
                    "KeySchema": [{"AttributeName": "interview_id", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    waiter = client.get_waiter("table_exists")
    for table in (interviews_table, questions_table):
        waiter.wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


@contextmanager
def _unless_exists(client: DynamoDBClient) -> Iterator[None]:
    try:
        yield
    except client.exceptions.ResourceInUseException:
        pass


def put_interview(client: DynamoDBClient, interviews_table: str, interview: Interview) -> None:
    """Write an interview record as the upstream service does, replacing any with its id."""
    client.put_item(TableName=interviews_table, Item=interview_to_item(interview))
