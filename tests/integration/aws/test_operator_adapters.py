"""What only the AWS adapters do for the operator's commands, against the moto server: the
upstream's six attributes on a new record, a paginated Scan by state, the dead-letter queue
found from the redrive policy, and the errors of a missing bucket or redrive policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from adapters.aws.dynamodb_catalog import scan_by_state
from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables
from adapters.aws.s3_video_store import S3VideoStore
from adapters.aws.sqs_message_source import SqsMessageSource
from interview_core.entities import Interview
from interview_core.errors import ConfigurationError
from interview_core.state import InterviewState
from tests.provider_errors import offline_client, stubbed

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def dynamodb(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    client = boto_session.client("dynamodb", endpoint_url=aws_endpoint, config=client_config)
    create_interview_tables(client, "interviews", "questions")
    return client


def test_create_writes_exactly_the_upstream_attributes(dynamodb: Any) -> None:
    repository = DynamoDBInterviewRepository(dynamodb, "interviews", "questions")

    repository.create(
        Interview(
            id="iv-1",
            video_path="videos/u-1/iv-1/interview.mp4",
            user_id="u-1",
            attempts=3,
            created_at=NOW,
            updated_at=NOW,
        )
    )

    item = dynamodb.get_item(TableName="interviews", Key={"id": {"S": "iv-1"}})["Item"]
    assert item == {
        "id": {"S": "iv-1"},
        "video_path": {"S": "videos/u-1/iv-1/interview.mp4"},
        "user_id": {"S": "u-1"},
        "state": {"S": "pending"},
        "created_at": {"S": "2026-12-01T09:30:00.000000Z"},
        "updated_at": {"S": "2026-12-01T09:30:00.000000Z"},
    }


def test_the_scan_follows_every_page_and_reads_upstream_states_as_pending(
    dynamodb: Any,
) -> None:
    states = {f"iv-{n}": state for n, state in enumerate(["uploaded", "pending", "failed"] * 4)}
    for interview_id, state in states.items():
        dynamodb.put_item(
            TableName="interviews",
            Item={"id": {"S": interview_id}, "video_path": {"S": "v.mp4"}, "state": {"S": state}},
        )
    dynamodb.put_item(
        TableName="interviews", Item={"id": {"S": "iv-stateless"}, "video_path": {"S": "v.mp4"}}
    )

    pending = scan_by_state(dynamodb, "interviews", InterviewState.PENDING, 100, page_size=2)
    failed = scan_by_state(dynamodb, "interviews", InterviewState.FAILED, 100, page_size=2)
    some = scan_by_state(dynamodb, "interviews", InterviewState.PENDING, 3, page_size=2)

    assert {i.id for i in pending} == {i for i, s in states.items() if s != "failed"} | {
        "iv-stateless"
    }
    assert {i.id for i in failed} == {i for i, s in states.items() if s == "failed"}
    assert len(some) == 3


def test_dead_letters_are_read_from_the_queue_the_redrive_policy_names(
    aws_endpoint: str, boto_session: boto3.Session, client_config: Config
) -> None:
    sqs = boto_session.client("sqs", endpoint_url=aws_endpoint, config=client_config)
    dlq_url = sqs.create_queue(QueueName="named-elsewhere-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}
    queue_url = sqs.create_queue(
        QueueName="requests", Attributes={"RedrivePolicy": json.dumps(policy)}
    )["QueueUrl"]
    body = json.dumps({"interview_id": "0b8e2a9c-1d4f-4f7a-9c3e-2a1b5c6d7e8f"})
    sqs.send_message(QueueUrl=dlq_url, MessageBody=body)
    source = SqsMessageSource(sqs, queue_url, wait_seconds=0)

    [letter] = source.peek_dead_letters(10)
    assert letter.interview_id == "0b8e2a9c-1d4f-4f7a-9c3e-2a1b5c6d7e8f"
    assert source.redrive_dead_letters() == 1
    [moved] = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    assert moved["Body"] == body
    assert sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=0).get("Messages", []) == []


def test_a_queue_without_a_redrive_policy_is_a_configuration_error(
    aws_endpoint: str, boto_session: boto3.Session, client_config: Config
) -> None:
    sqs = boto_session.client("sqs", endpoint_url=aws_endpoint, config=client_config)
    queue_url = sqs.create_queue(QueueName="no-dead-letters")["QueueUrl"]
    source = SqsMessageSource(sqs, queue_url, wait_seconds=0)

    with pytest.raises(ConfigurationError, match="no dead-letter queue"):
        source.peek_dead_letters(10)
    with pytest.raises(ConfigurationError, match="no dead-letter queue"):
        source.redrive_dead_letters()


def test_an_upload_to_a_missing_bucket_is_a_configuration_error(
    aws_endpoint: str, boto_session: boto3.Session, client_config: Config, tmp_path: Path
) -> None:
    s3 = boto_session.client("s3", endpoint_url=aws_endpoint, config=client_config)
    source = tmp_path / "interview.mp4"
    source.write_bytes(b"video")

    with pytest.raises(ConfigurationError, match="no-such-bucket"):
        S3VideoStore(s3, "no-such-bucket").upload(source, "videos/u/i/interview.mp4")


def test_a_redrive_stops_at_a_message_it_already_sent_that_failed_again() -> None:
    sqs = offline_client("sqs")
    main_url = "https://sqs.us-east-1.amazonaws.com/123456789012/requests"
    dlq_url = "https://sqs.us-east-1.amazonaws.com/123456789012/requests-dlq"
    policy = {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:requests-dlq"}
    body = json.dumps({"interview_id": "0b8e2a9c-1d4f-4f7a-9c3e-2a1b5c6d7e8f"})
    with stubbed(sqs) as stub:
        stub.add_response(
            "get_queue_attributes", {"Attributes": {"RedrivePolicy": json.dumps(policy)}}
        )
        stub.add_response("get_queue_url", {"QueueUrl": dlq_url})
        stub.add_response(
            "receive_message",
            {"Messages": [{"MessageId": "old-1", "ReceiptHandle": "r1", "Body": body}]},
        )
        stub.add_response(
            "send_message_batch",
            {
                "Successful": [{"Id": "0", "MessageId": "new-1", "MD5OfMessageBody": "x"}],
                "Failed": [],
            },
            {"QueueUrl": main_url, "Entries": [{"Id": "0", "MessageBody": body}]},
        )
        stub.add_response(
            "delete_message_batch",
            {"Successful": [{"Id": "0"}], "Failed": []},
            {"QueueUrl": dlq_url, "Entries": [{"Id": "0", "ReceiptHandle": "r1"}]},
        )
        stub.add_response(
            "receive_message",
            {"Messages": [{"MessageId": "new-1", "ReceiptHandle": "r2", "Body": body}]},
        )
        stub.add_response(
            "change_message_visibility_batch",
            {"Successful": [{"Id": "0"}], "Failed": []},
            {
                "QueueUrl": dlq_url,
                "Entries": [{"Id": "0", "ReceiptHandle": "r2", "VisibilityTimeout": 0}],
            },
        )

        moved = SqsMessageSource(sqs, main_url, wait_seconds=0).redrive_dead_letters()

    assert moved == 1
