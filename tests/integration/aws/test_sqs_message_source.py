"""SqsMessageSource against the moto server, and with botocore's Stubber for what moto cannot do."""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from mypy_boto3_sqs import SQSClient

from adapters.aws.sqs_message_source import SqsMessageSource
from adapters.aws.sqs_visibility import SqsQueueVisibility
from interview_core.errors import ConfigurationError, InterviewError, QueueUnavailable
from interview_core.ports import QueueMessage
from tests.provider_errors import offline_client, raises_core_error
from tests.provider_errors import stubbed as stubbed_client

REGION = "us-east-1"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/interviews"
SENTINEL = "SENTINEL-BODY-TEXT-7f3a"


def request_body(interview_id: str) -> str:
    return json.dumps({"interview_id": interview_id})


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def sqs(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> SQSClient:
    return boto_session.client("sqs", endpoint_url=aws_endpoint, config=client_config)


@pytest.fixture
def queue_url(sqs: SQSClient) -> str:
    return sqs.create_queue(QueueName="interviews", Attributes={"VisibilityTimeout": "30"})[
        "QueueUrl"
    ]


@pytest.fixture
def source(sqs: SQSClient, queue_url: str) -> SqsMessageSource:
    return SqsMessageSource(sqs, queue_url, wait_seconds=0)


def queue_counts(sqs: SQSClient, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages, as SQS reports them."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


@pytest.fixture(scope="module")
def offline_sqs() -> SQSClient:
    """An SQS client with test credentials and no endpoint; only a Stubber answers it."""
    client: SQSClient = offline_client("sqs", REGION)
    return client


@pytest.fixture
def stubbed(offline_sqs: SQSClient) -> Iterator[tuple[SqsMessageSource, Stubber]]:
    """A source whose client answers only from a Stubber, never over the network."""
    with stubbed_client(offline_sqs) as stubber:
        yield SqsMessageSource(offline_sqs, QUEUE_URL, wait_seconds=0), stubber


def a_message(receipt: str = "receipt-1") -> QueueMessage:
    return QueueMessage("message-1", receipt, 1, str(uuid.uuid4()))


# --- Against the moto server --------------------------------------------------------------


def test_receive_returns_the_request_with_its_receive_count(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource
) -> None:
    interview_id = str(uuid.uuid4())
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(interview_id.upper()))

    [message] = source.receive(10, 0)

    assert message.message_id == sent["MessageId"]
    assert message.interview_id == interview_id
    assert message.receive_count == 1
    assert message.body_error is None
    assert message.receipt
    assert queue_counts(sqs, queue_url) == (0, 1)


def test_receive_returns_at_most_ten_and_at_least_one(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource
) -> None:
    for _ in range(12):
        sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))

    assert len(source.receive(50, 0)) == 10
    assert len(source.receive(0, 0)) == 1


def test_an_empty_queue_long_polls_for_the_wait(source: SqsMessageSource) -> None:
    started = time.monotonic()

    assert source.receive(10, 1) == []

    assert time.monotonic() - started >= 0.9


def test_ack_deletes_the_message(sqs: SQSClient, queue_url: str, source: SqsMessageSource) -> None:
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    [message] = source.receive(1, 0)

    source.ack(message)

    assert queue_counts(sqs, queue_url) == (0, 0)


def test_release_with_no_delay_redelivers_with_a_higher_count(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource
) -> None:
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    counts = []
    for _ in range(3):
        [message] = source.receive(1, 0)
        assert source.receive(1, 0) == []
        counts.append(message.receive_count)
        source.release(message, 0)

    assert counts == [1, 2, 3]


def test_release_with_a_delay_hides_the_message_until_then(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource
) -> None:
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    [message] = source.receive(1, 0)

    source.release(message, 0.4)  # rounded up to 1 s

    assert source.receive(1, 0) == []
    time.sleep(1.2)
    [again] = source.receive(1, 0)
    assert again.message_id == message.message_id


def test_extend_keeps_the_message_hidden_past_its_timeout(sqs: SQSClient, queue_url: str) -> None:
    source = SqsMessageSource(sqs, queue_url, wait_seconds=0, visibility_timeout=1)
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    [message] = source.receive(1, 0)

    source.extend(message, 30)
    time.sleep(1.3)

    assert source.receive(1, 0) == []
    source.extend(message, 0)
    assert [m.message_id for m in source.receive(1, 0)] == [message.message_id]


def test_extend_beyond_twelve_hours_is_clamped_and_does_not_raise(
    sqs: SQSClient, queue_url: str, source
) -> None:
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    [message] = source.receive(1, 0)

    source.extend(message, 10**9)

    assert queue_counts(sqs, queue_url) == (0, 1)


def test_the_dead_letter_queue_receives_the_message_after_the_redrive_limit(sqs: SQSClient) -> None:
    dlq_url = sqs.create_queue(QueueName="interviews-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName="interviews",
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})
        },
    )["QueueUrl"]
    source = SqsMessageSource(sqs, queue_url, wait_seconds=0)
    dead_letters = SqsMessageSource(sqs, dlq_url, wait_seconds=0)
    interview_id = str(uuid.uuid4())
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(interview_id))

    for expected_count in (1, 2):
        [message] = source.receive(1, 0)
        assert message.receive_count == expected_count
        source.release(message, 0)

    assert source.receive(1, 0) == []
    [dead] = dead_letters.receive(1, 0)
    assert dead.message_id == sent["MessageId"]
    assert dead.interview_id == interview_id


@pytest.mark.parametrize(
    "body",
    [
        f"not json {SENTINEL}",
        json.dumps({"other": SENTINEL}),
        json.dumps({"interview_id": SENTINEL}),
        json.dumps({"interview_id": str(uuid.uuid4()), "note": SENTINEL}),
        json.dumps({"interview_id": str(uuid.uuid4()), "padding": SENTINEL * 40_000}),
        json.dumps([SENTINEL]),
    ],
    ids=["non-json", "missing-id", "non-uuid", "extra-field", "300-kb", "not-an-object"],
)
def test_invalid_bodies_come_back_with_a_reason_that_never_echoes_them(
    sqs: SQSClient,
    queue_url: str,
    source: SqsMessageSource,
    body: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good_id = str(uuid.uuid4())
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(good_id))
    caplog.set_level(logging.DEBUG, logger="adapters")

    messages = source.receive(10, 0)

    [bad] = [m for m in messages if m.body_error is not None]
    [good] = [m for m in messages if m.body_error is None]
    assert bad.interview_id is None
    assert bad.body_error and SENTINEL not in bad.body_error
    assert good.interview_id == good_id
    ours = [r for r in caplog.records if r.name.startswith("adapters")]
    assert not any(SENTINEL in r.getMessage() for r in ours)
    assert any(getattr(r, "message_id", None) == bad.message_id for r in ours)


def test_a_body_over_the_configured_limit_is_invalid_without_parsing(
    sqs: SQSClient, queue_url: str
) -> None:
    source = SqsMessageSource(sqs, queue_url, wait_seconds=0, max_body_bytes=20)
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))

    [message] = source.receive(1, 0)

    assert message.interview_id is None
    assert message.body_error == "body is larger than 20 bytes"


def test_acting_on_a_deleted_message_logs_and_does_not_raise(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource, caplog: pytest.LogCaptureFixture
) -> None:
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    [message] = source.receive(1, 0)
    source.ack(message)

    source.ack(message)
    source.release(message, 0)
    source.extend(message, 60)

    assert source.receive(1, 0) == []
    assert any(
        r.levelno == logging.WARNING and getattr(r, "message_id", None) == message.message_id
        for r in caplog.records
    )


def test_a_missing_queue_is_a_configuration_error(sqs: SQSClient, aws_endpoint: str) -> None:
    source = SqsMessageSource(sqs, f"{aws_endpoint}/123456789012/no-such-queue", wait_seconds=0)

    with pytest.raises(ConfigurationError):
        source.receive(1, 0)


def test_a_refused_connection_is_transient(boto_session: boto3.Session) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = boto_session.client(
        "sqs",
        endpoint_url=f"http://127.0.0.1:{port}",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1),
    )
    source = SqsMessageSource(client, f"http://127.0.0.1:{port}/123456789012/q")

    with pytest.raises(QueueUnavailable):
        source.receive(1, 0)
    with pytest.raises(QueueUnavailable):
        source.ack(a_message())


# --- With the Stubber: provider errors and parameters moto does not check -----------------


def test_receive_asks_for_long_polling_a_batch_and_the_receive_count(
    stubbed: tuple[SqsMessageSource, Stubber],
) -> None:
    source, stubber = stubbed
    stubber.add_response(
        "receive_message",
        {
            "Messages": [
                {
                    "MessageId": "m-1",
                    "ReceiptHandle": "r-1",
                    "Body": request_body(str(uuid.UUID(int=7))),
                }
            ]
        },
        {
            "QueueUrl": QUEUE_URL,
            "MaxNumberOfMessages": 10,
            "WaitTimeSeconds": 20,
            "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
        },
    )

    [message] = source.receive(25, 60)

    assert message == QueueMessage("m-1", "r-1", 1, str(uuid.UUID(int=7)))


def test_receive_uses_the_default_wait_and_the_visibility_override() -> None:
    client = offline_client("sqs", REGION)
    source = SqsMessageSource(client, QUEUE_URL, visibility_timeout=90)
    with Stubber(client) as stubber:
        stubber.add_response(
            "receive_message",
            {},
            {
                "QueueUrl": QUEUE_URL,
                "MaxNumberOfMessages": 10,
                "WaitTimeSeconds": 20,
                "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
                "VisibilityTimeout": 90,
            },
        )

        assert source.receive() == []


@pytest.mark.parametrize(
    ("requested", "sent"),
    [(10**9, 43_200), (43_200.5, 43_200), (2.1, 3), (0, 0), (-5, 0), (float("nan"), 0)],
)
def test_extend_and_release_clamp_to_the_visibility_range(
    stubbed: tuple[SqsMessageSource, Stubber], requested: float, sent: int
) -> None:
    source, stubber = stubbed
    expected = {"QueueUrl": QUEUE_URL, "ReceiptHandle": "receipt-1", "VisibilityTimeout": sent}
    stubber.add_response("change_message_visibility", {}, expected)
    stubber.add_response("change_message_visibility", {}, expected)

    source.extend(a_message(), requested)
    source.release(a_message(), requested)


@pytest.mark.parametrize(
    ("code", "status", "meta", "expected"),
    [
        ("ThrottlingException", 400, {}, QueueUnavailable),
        ("RequestThrottled", 403, {}, QueueUnavailable),
        ("KmsThrottled", 400, {}, QueueUnavailable),
        ("ServiceUnavailable", 503, {}, QueueUnavailable),
        ("InternalError", 500, {}, QueueUnavailable),
        ("OverLimit", 403, {}, QueueUnavailable),
        ("SomethingUnforeseen", 400, {}, QueueUnavailable),
        (
            "AWS.SimpleQueueService.NonExistentQueue",
            400,
            {"QueryErrorCode": "QueueDoesNotExist"},
            ConfigurationError,
        ),
        ("QueueDoesNotExist", 400, {}, ConfigurationError),
        ("AccessDenied", 403, {}, ConfigurationError),
        ("KmsAccessDenied", 400, {}, ConfigurationError),
    ],
)
def test_receive_errors_become_core_errors(
    stubbed: tuple[SqsMessageSource, Stubber],
    code: str,
    status: int,
    meta: dict[str, str],
    expected: type[InterviewError],
) -> None:
    source, stubber = stubbed

    error = raises_core_error(
        stubber, "receive_message", code, status, expected, lambda: source.receive(1, 0), meta=meta
    )

    throttling = {"ThrottlingException", "RequestThrottled", "KmsThrottled"}
    assert getattr(error, "throttled", False) is (code in throttling)


@pytest.mark.parametrize("operation", ["ack", "release", "extend"])
@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("RequestThrottled", 403, QueueUnavailable),
        ("ServiceUnavailable", 503, QueueUnavailable),
        ("InvalidParameterValue", 400, QueueUnavailable),
        ("AccessDenied", 403, ConfigurationError),
    ],
)
def test_ack_release_and_extend_errors_become_core_errors(
    stubbed: tuple[SqsMessageSource, Stubber],
    operation: str,
    code: str,
    status: int,
    expected: type[InterviewError],
) -> None:
    source, stubber = stubbed
    method = "delete_message" if operation == "ack" else "change_message_visibility"

    raises_core_error(stubber, method, code, status, expected, lambda: act(source, operation))


@pytest.mark.parametrize("operation", ["ack", "release", "extend"])
@pytest.mark.parametrize(
    ("code", "message", "meta"),
    [
        ("ReceiptHandleIsInvalid", "The input receipt handle is invalid.", {}),
        (
            "AWS.SimpleQueueService.MessageNotInflight",
            "",
            {"QueryErrorCode": "MessageNotInflight"},
        ),
        (
            "InvalidParameterValue",
            "Value r-1 for parameter ReceiptHandle is invalid. Reason: The receipt handle has"
            " expired.",
            {},
        ),
        (
            "InvalidParameterValue",
            "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total"
            " VisibilityTimeout for the message is beyond the limit [43200 seconds]",
            {},
        ),
    ],
)
def test_a_stale_receipt_is_logged_not_raised(
    stubbed: tuple[SqsMessageSource, Stubber],
    operation: str,
    code: str,
    message: str,
    meta: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source, stubber = stubbed
    method = "delete_message" if operation == "ack" else "change_message_visibility"
    stubber.add_client_error(method, code, message, 400, meta)

    act(source, operation)

    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert getattr(record, "message_id", None) == "message-1"
    assert operation in record.getMessage()


def act(source: SqsMessageSource, operation: str) -> None:
    if operation == "ack":
        source.ack(a_message())
    elif operation == "release":
        source.release(a_message(), 5)
    else:
        source.extend(a_message(), 60)


def test_a_missing_receive_count_counts_as_the_first(
    stubbed: tuple[SqsMessageSource, Stubber],
) -> None:
    source, stubber = stubbed
    stubber.add_response(
        "receive_message",
        {
            "Messages": [
                {
                    "MessageId": "m-1",
                    "ReceiptHandle": "r-1",
                    "Body": request_body(str(uuid.UUID(int=1))),
                    "Attributes": {"ApproximateReceiveCount": "4"},
                },
                {
                    "MessageId": "m-2",
                    "ReceiptHandle": "r-2",
                    "Body": request_body(str(uuid.UUID(int=2))),
                },
            ]
        },
    )

    assert [m.receive_count for m in source.receive(10, 0)] == [4, 1]


@pytest.mark.parametrize("arguments", [{"queue_url": ""}, {"max_body_bytes": 0}])
def test_bad_construction_is_refused(arguments: dict[str, object]) -> None:
    options: dict[str, object] = {"queue_url": QUEUE_URL, **arguments}
    with pytest.raises(ValueError):
        SqsMessageSource(object(), **options)  # type: ignore[arg-type]


# --- the redrive limit the worker needs ---------------------------------------------------


def queue_with_redrive(sqs: SQSClient, max_receive_count: int | None) -> str:
    attributes: dict[str, str] = {}
    if max_receive_count is not None:
        dlq_url = sqs.create_queue(QueueName="interviews-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
        attributes["RedrivePolicy"] = json.dumps(redrive)
    return sqs.create_queue(QueueName="interviews", Attributes=attributes)["QueueUrl"]


@pytest.mark.parametrize("max_receive_count", [6, 20])
def test_a_redrive_limit_above_the_attempts_is_ready(
    sqs: SQSClient, max_receive_count: int
) -> None:
    queue_url = queue_with_redrive(sqs, max_receive_count)

    SqsMessageSource(sqs, queue_url, max_attempts=5).check_ready()


@pytest.mark.parametrize(
    ("max_receive_count", "expected"),
    [
        (None, "no redrive policy"),
        (5, "maxReceiveCount is 5, not above WORKER_MAX_ATTEMPTS"),
        (2, "maxReceiveCount is 2"),
    ],
)
def test_a_queue_whose_redrive_limit_does_not_exceed_the_attempts_is_refused(
    sqs: SQSClient, max_receive_count: int | None, expected: str
) -> None:
    queue_url = queue_with_redrive(sqs, max_receive_count)
    source = SqsMessageSource(sqs, queue_url, max_attempts=5)

    with pytest.raises(ConfigurationError, match=expected) as refused:
        source.check_ready()

    assert "maxReceiveCount to at least 6" in str(refused.value)


@pytest.mark.parametrize(("max_receive_count", "warned"), [(6, True), (7, True), (8, False)])
def test_a_redrive_limit_with_fewer_than_three_spare_receives_is_warned_about(
    sqs: SQSClient, caplog: pytest.LogCaptureFixture, max_receive_count: int, warned: bool
) -> None:
    queue_url = queue_with_redrive(sqs, max_receive_count)

    with caplog.at_level(logging.WARNING):
        SqsMessageSource(sqs, queue_url, max_attempts=5).check_ready()

    assert ("8 is advised" in caplog.text) is warned


def test_without_a_limit_to_keep_any_queue_is_ready(sqs: SQSClient) -> None:
    SqsMessageSource(sqs, queue_with_redrive(sqs, None)).check_ready()


# --- releases for the Lambda handler ------------------------------------------------------


def test_a_message_of_the_event_sources_queue_is_released_by_its_arn(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource
) -> None:
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(str(uuid.uuid4())))
    [message] = source.receive(1, 0)
    assert queue_counts(sqs, queue_url) == (0, 1)
    visibility = SqsQueueVisibility(sqs)

    visibility.release(arn, message, 0)

    assert queue_counts(sqs, queue_url) == (1, 0)
    [again] = source.receive(1, 0)
    visibility.release(arn, again, 120)  # the URL is looked up once, then reused
    assert queue_counts(sqs, queue_url) == (0, 1)


@pytest.mark.parametrize(
    "arn", ["not-an-arn", "arn:aws:s3:us-east-1:123456789012:bucket", "arn:aws:sqs:::"]
)
def test_an_event_source_arn_that_names_no_queue_is_a_configuration_error(
    sqs: SQSClient, arn: str
) -> None:
    message = QueueMessage("m-1", "r-1", 1, None)
    with pytest.raises(ConfigurationError):
        SqsQueueVisibility(sqs).release(arn, message, 10)


# --- requeue: a fresh copy, the original deleted only once the copy is sent -----------------


def test_requeue_hides_sends_a_delayed_copy_then_deletes(
    stubbed: tuple[SqsMessageSource, Stubber],
) -> None:
    source, stubber = stubbed
    message = a_message()
    stubber.add_response(
        "change_message_visibility",
        {},
        {"QueueUrl": QUEUE_URL, "ReceiptHandle": "receipt-1", "VisibilityTimeout": 900 + 30},
    )
    stubber.add_response(
        "send_message",
        {"MessageId": "copy-1"},
        {
            "QueueUrl": QUEUE_URL,
            "MessageBody": request_body(str(message.interview_id)),
            "DelaySeconds": 900,
        },
    )
    stubber.add_response(
        "delete_message", {}, {"QueueUrl": QUEUE_URL, "ReceiptHandle": "receipt-1"}
    )

    source.requeue(message, 5000.0)  # SQS delays a message by 900 s at most

    stubber.assert_no_pending_responses()


def test_a_requeue_whose_send_fails_raises_and_deletes_nothing(
    stubbed: tuple[SqsMessageSource, Stubber],
) -> None:
    source, stubber = stubbed
    stubber.add_response("change_message_visibility", {})
    stubber.add_client_error("send_message", "ThrottlingException", "slow down", 400)

    with pytest.raises(QueueUnavailable) as raised:
        source.requeue(a_message(), 12.2)

    assert raised.value.throttled
    stubber.assert_no_pending_responses()  # no DeleteMessage was asked for


def test_a_requeue_whose_delete_fails_leaves_a_harmless_duplicate_and_does_not_raise(
    stubbed: tuple[SqsMessageSource, Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    source, stubber = stubbed
    stubber.add_response("change_message_visibility", {})
    stubber.add_response("send_message", {"MessageId": "copy-1"})
    stubber.add_client_error("delete_message", "ServiceUnavailable", "try later", 503)

    source.requeue(a_message(), 3)

    stubber.assert_no_pending_responses()
    assert "duplicate" in caplog.text


def test_a_requeue_with_a_stale_receipt_sends_no_copy(
    stubbed: tuple[SqsMessageSource, Stubber],
) -> None:
    source, stubber = stubbed
    stubber.add_client_error("change_message_visibility", "ReceiptHandleIsInvalid", "stale", 400)

    source.requeue(a_message(), 3)

    stubber.assert_no_pending_responses()


def test_a_throttled_lambda_record_is_requeued_to_its_queue_by_arn(
    sqs: SQSClient, queue_url: str, source: SqsMessageSource
) -> None:
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    interview_id = str(uuid.uuid4())
    sqs.send_message(QueueUrl=queue_url, MessageBody=request_body(interview_id))
    [message] = source.receive(1, 0)

    SqsQueueVisibility(sqs).requeue(arn, message, 0)

    assert queue_counts(sqs, queue_url) == (1, 1)  # the event source deletes the original
    [copy] = source.receive(1, 0)
    assert (copy.interview_id, copy.receive_count) == (interview_id, 1)
    assert copy.message_id != message.message_id
