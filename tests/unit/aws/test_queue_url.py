"""The queue URL from the settings, or looked up by the queue's name with GetQueueUrl."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from adapters.aws.sqs_queue_checks import queue_url_for
from interview_core.errors import ConfigurationError, QueueUnavailable

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/app-interviews-sqs-videos"


@pytest.fixture
def stubbed() -> tuple[object, Stubber]:
    client = boto3.client(
        "sqs",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return client, Stubber(client)


def test_a_configured_url_is_used_without_a_request(stubbed: tuple[object, Stubber]) -> None:
    client, stubber = stubbed
    with stubber:
        assert queue_url_for(client, URL, "ignored") == URL  # type: ignore[arg-type]
    stubber.assert_no_pending_responses()


def test_without_a_url_the_named_queue_is_looked_up(stubbed: tuple[object, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "get_queue_url", {"QueueUrl": URL}, {"QueueName": "app-interviews-sqs-videos"}
    )
    with stubber:
        assert queue_url_for(client, None, "app-interviews-sqs-videos") == URL  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"])
def test_a_missing_queue_is_a_configuration_error_naming_it(
    stubbed: tuple[object, Stubber], code: str
) -> None:
    client, stubber = stubbed
    stubber.add_client_error("get_queue_url", service_error_code=code, http_status_code=400)
    with stubber, pytest.raises(ConfigurationError, match="queue my-queue does not exist"):
        queue_url_for(client, "", "my-queue")  # type: ignore[arg-type]


def test_throttling_is_transient(stubbed: tuple[object, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "get_queue_url", service_error_code="ThrottlingException", http_status_code=400
    )
    with stubber, pytest.raises(QueueUnavailable):
        queue_url_for(client, None, "my-queue")  # type: ignore[arg-type]
