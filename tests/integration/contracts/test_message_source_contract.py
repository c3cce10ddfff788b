"""One contract for every MessageSource: the in-memory queue, SQLite and SQS on moto give the
same results and raise the same errors."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import attrs
import boto3
import pytest
from botocore.config import Config

from adapters.aws.sqs_message_source import SqsMessageSource
from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.sqlite_message_source import SqliteMessageSource
from interview_core.ports import DeadLetterQueue, MessageSource, RequestSender

VISIBILITY = 2
MAX_RECEIVES = 2
SENTINEL = "SENTINEL-BODY-TEXT-5c1e"


@attrs.define
class Subject:
    """A message source under test, how a producer sends to it, and its dead letters."""

    source: MessageSource
    send: Callable[[str], str]
    dead_letter_ids: Callable[[], list[str]]


def request_body(interview_id: str) -> str:
    return json.dumps({"interview_id": interview_id})


@pytest.fixture(params=["memory", "sqlite", "sqs"])
def subject(request: pytest.FixtureRequest) -> Subject:
    if request.param == "memory":
        memory = InMemoryMessageSource(
            visibility_timeout=VISIBILITY, max_receive_count=MAX_RECEIVES
        )
        return Subject(memory, memory.send, lambda: [m.message_id for m in memory.dead_letters])
    if request.param == "sqlite":
        tmp_path: Path = request.getfixturevalue("tmp_path")
        sqlite = SqliteMessageSource(
            tmp_path / "queue.db", visibility_timeout=VISIBILITY, max_receive_count=MAX_RECEIVES
        )
        return Subject(sqlite, sqlite.send, lambda: [m.message_id for m in sqlite.dead_letters])

    endpoint: str = request.getfixturevalue("aws_endpoint")
    session: boto3.Session = request.getfixturevalue("boto_session")
    config: Config = request.getfixturevalue("client_config")
    sqs = session.client("sqs", endpoint_url=endpoint, config=config)
    dlq_url = sqs.create_queue(QueueName="interviews-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)}
    queue_url = sqs.create_queue(
        QueueName="interviews",
        Attributes={"VisibilityTimeout": str(VISIBILITY), "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    dead_letters = SqsMessageSource(sqs, dlq_url, wait_seconds=0)

    def send(body: str) -> str:
        return sqs.send_message(QueueUrl=queue_url, MessageBody=body)["MessageId"]

    return Subject(
        SqsMessageSource(sqs, queue_url, wait_seconds=0),
        send,
        lambda: [m.message_id for m in dead_letters.receive(10, 0)],
    )


def test_receive_returns_the_request_once_until_it_is_released(subject: Subject) -> None:
    interview_id = str(uuid.uuid4())
    message_id = subject.send(request_body(interview_id))

    [message] = subject.source.receive(10, 0)

    assert message.message_id == message_id
    assert message.interview_id == interview_id
    assert message.receive_count == 1
    assert message.body_error is None
    assert message.receipt
    assert subject.source.receive(10, 0) == []


def test_an_empty_queue_gives_nothing(subject: Subject) -> None:
    assert subject.source.receive(10, 0) == []


def test_receive_returns_a_batch(subject: Subject) -> None:
    sent = {subject.send(request_body(str(uuid.uuid4()))) for _ in range(3)}

    received = subject.source.receive(10, 0)

    assert {m.message_id for m in received} == sent


def test_receive_waits_for_a_message_sent_during_the_wait(subject: Subject) -> None:
    body = request_body(str(uuid.uuid4()))
    sender = threading.Timer(0.3, subject.send, args=(body,))
    started = time.monotonic()
    sender.start()
    try:
        received = subject.source.receive(1, 2)
    finally:
        sender.join()

    assert len(received) == 1
    assert time.monotonic() - started < 1.9


def test_ack_deletes_the_message(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [message] = subject.source.receive(1, 0)

    subject.source.ack(message)
    subject.source.release(message, 0)

    assert subject.source.receive(10, 0) == []


def test_release_with_no_delay_redelivers_with_a_new_receipt(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [first] = subject.source.receive(1, 0)

    subject.source.release(first, 0)

    [second] = subject.source.receive(1, 0)
    assert second.message_id == first.message_id
    assert second.receive_count == 2
    assert second.receipt != first.receipt


def test_release_with_a_delay_hides_the_message_until_then(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [message] = subject.source.receive(1, 0)

    subject.source.release(message, 1)

    assert subject.source.receive(1, 0) == []
    time.sleep(1.2)
    assert [m.message_id for m in subject.source.receive(1, 0)] == [message.message_id]


def test_extend_keeps_the_message_hidden_past_its_visibility_timeout(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [message] = subject.source.receive(1, 0)

    subject.source.extend(message, 30)
    time.sleep(VISIBILITY + 0.3)

    assert subject.source.receive(1, 0) == []
    subject.source.extend(message, 0)
    assert [m.message_id for m in subject.source.receive(1, 0)] == [message.message_id]


def test_the_message_is_dead_lettered_after_the_redrive_limit(subject: Subject) -> None:
    message_id = subject.send(request_body(str(uuid.uuid4())))

    counts = []
    for _ in range(MAX_RECEIVES):
        [message] = subject.source.receive(1, 0)
        counts.append(message.receive_count)
        subject.source.release(message, 0)

    assert counts == list(range(1, MAX_RECEIVES + 1))
    assert subject.source.receive(1, 0) == []
    assert subject.dead_letter_ids() == [message_id]


@pytest.mark.parametrize(
    "body",
    [
        f"not json {SENTINEL}",
        json.dumps({"other": SENTINEL}),
        json.dumps({"interview_id": SENTINEL}),
        json.dumps({"interview_id": str(uuid.uuid4()), "note": SENTINEL}),
        json.dumps({"interview_id": str(uuid.uuid4()), "padding": SENTINEL * 13_000}),
    ],
    ids=["non-json", "missing-id", "non-uuid", "extra-field", "300-kb"],
)
def test_an_invalid_body_comes_back_with_a_reason_beside_the_good_ones(
    subject: Subject, body: str
) -> None:
    bad_id = subject.send(body)
    good_interview = str(uuid.uuid4())
    subject.send(request_body(good_interview))

    received = {m.message_id: m for m in subject.source.receive(10, 0)}

    bad = received.pop(bad_id)
    [good] = received.values()
    assert bad.interview_id is None
    assert bad.body_error and SENTINEL not in bad.body_error
    assert bad.receive_count == 1
    assert good.interview_id == good_interview


def test_acting_with_an_earlier_receipt_does_not_raise(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [first] = subject.source.receive(1, 0)
    subject.source.release(first, 0)
    [second] = subject.source.receive(1, 0)

    subject.source.extend(first, 30)
    subject.source.release(first, 0)
    subject.source.ack(first)

    subject.source.ack(second)
    assert subject.source.receive(10, 0) == []


# --- requeue: a fresh copy whose receive count starts again -------------------------------


def test_requeue_replaces_the_message_by_a_fresh_copy_never_received(subject: Subject) -> None:
    interview_id = str(uuid.uuid4())
    subject.send(request_body(interview_id))
    [first] = subject.source.receive(1, 0)
    subject.source.release(first, 0)
    [second] = subject.source.receive(1, 0)
    assert second.receive_count == 2

    subject.source.requeue(second, 0)

    [copy] = subject.source.receive(10, 0)
    assert copy.message_id != first.message_id
    assert copy.interview_id == interview_id
    assert copy.receive_count == 1
    subject.source.ack(copy)
    assert subject.source.receive(10, 0) == []


def test_requeue_with_a_delay_hides_the_copy_until_then(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [message] = subject.source.receive(1, 0)

    subject.source.requeue(message, 1)

    assert subject.source.receive(1, 0) == []
    time.sleep(1.2)
    [copy] = subject.source.receive(1, 0)
    assert copy.message_id != message.message_id


def test_a_message_requeued_on_every_receive_never_reaches_the_dead_letters(
    subject: Subject,
) -> None:
    interview_id = str(uuid.uuid4())
    subject.send(request_body(interview_id))

    counts = []
    for _ in range(MAX_RECEIVES * 3):
        [message] = subject.source.receive(1, 0)
        counts.append(message.receive_count)
        subject.source.requeue(message, 0)

    assert counts == [1] * (MAX_RECEIVES * 3)
    assert subject.dead_letter_ids() == []
    [last] = subject.source.receive(1, 0)
    assert last.interview_id == interview_id


def test_requeue_with_a_stale_receipt_sends_no_copy(subject: Subject) -> None:
    subject.send(request_body(str(uuid.uuid4())))
    [message] = subject.source.receive(1, 0)
    subject.source.ack(message)

    subject.source.requeue(message, 0)

    assert subject.source.receive(10, 0) == []


def test_requeue_refuses_a_message_that_is_not_a_request(subject: Subject) -> None:
    subject.send(f"not json {SENTINEL}")
    [message] = subject.source.receive(1, 0)

    with pytest.raises(ValueError, match="request"):
        subject.source.requeue(message, 0)

    assert subject.source.receive(1, 0) == []  # still hidden: nothing was changed


# --- the RequestSender and DeadLetterQueue roles --------------------------------------------


def dead_letter_queue(subject: Subject) -> DeadLetterQueue:
    source = subject.source
    assert isinstance(source, DeadLetterQueue)
    return source


def dead_letter(subject: Subject, body: str) -> str:
    """Send `body` and receive it until the queue moves it to its dead letters."""
    message_id = subject.send(body)
    for _ in range(MAX_RECEIVES):
        [message] = subject.source.receive(1, 0)
        subject.source.release(message, 0)
    assert subject.source.receive(1, 0) == []
    return message_id


def test_send_request_puts_the_upstream_body_on_the_queue(subject: Subject) -> None:
    interview_id = str(uuid.uuid4())
    sender = subject.source
    assert isinstance(sender, RequestSender)

    message_id = sender.send_request(interview_id)

    [message] = subject.source.receive(10, 0)
    assert (message.message_id, message.interview_id) == (message_id, interview_id)


def test_dead_letters_are_shown_by_id_and_left_in_place(subject: Subject) -> None:
    interview_id = str(uuid.uuid4())
    good = dead_letter(subject, request_body(interview_id))
    bad = dead_letter(subject, f"not json {SENTINEL}")

    first = dead_letter_queue(subject).peek_dead_letters(10)
    again = dead_letter_queue(subject).peek_dead_letters(10)

    by_id = {letter.message_id: letter for letter in first}
    assert set(by_id) == {good, bad}
    assert (by_id[good].interview_id, by_id[good].body_error) == (interview_id, None)
    assert by_id[bad].interview_id is None and by_id[bad].body_error
    assert SENTINEL not in repr(first)
    assert all(letter.receive_count >= MAX_RECEIVES for letter in first)
    assert {letter.message_id for letter in again} == {good, bad}
    assert len(dead_letter_queue(subject).peek_dead_letters(1)) == 1
    with pytest.raises(ValueError, match="limit"):
        dead_letter_queue(subject).peek_dead_letters(0)


def test_redrive_moves_every_dead_letter_back_as_a_fresh_message(subject: Subject) -> None:
    interview_ids = [str(uuid.uuid4()) for _ in range(3)]
    for interview_id in interview_ids:
        dead_letter(subject, request_body(interview_id))

    moved = dead_letter_queue(subject).redrive_dead_letters()

    assert moved == 3
    assert dead_letter_queue(subject).peek_dead_letters(10) == []
    received = subject.source.receive(10, 0)
    assert sorted(m.interview_id or "" for m in received) == sorted(interview_ids)
    assert all(message.receive_count == 1 for message in received)


def test_redrive_of_no_dead_letters_moves_nothing(subject: Subject) -> None:
    assert dead_letter_queue(subject).peek_dead_letters(10) == []
    assert dead_letter_queue(subject).redrive_dead_letters() == 0
    assert subject.source.receive(10, 0) == []
