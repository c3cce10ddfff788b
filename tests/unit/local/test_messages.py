"""The queue message body model: valid requests pass, everything else is InvalidMessage."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.messages import (
    MAX_BODY_BYTES,
    parse_interview_request,
    queue_message_from_body,
)
from interview_core.errors import InvalidMessage

INTERVIEW_ID = "6f1b2a0e-3c55-4b8e-9a7e-2d8f4c1a9b30"


def test_a_valid_body_gives_the_canonical_id() -> None:
    body = json.dumps({"interview_id": INTERVIEW_ID})

    assert parse_interview_request(body, "m-1") == INTERVIEW_ID


def test_bytes_and_upper_case_ids_are_read_as_the_lower_case_id() -> None:
    body = json.dumps({"interview_id": INTERVIEW_ID.upper()}).encode()

    assert parse_interview_request(body, "m-1") == INTERVIEW_ID


@given(st.uuids())
def test_any_uuid_round_trips(value: uuid.UUID) -> None:
    body = json.dumps({"interview_id": str(value)})

    assert parse_interview_request(body, "m") == str(value)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "body is empty"),
        ("   \n", "body is empty"),
        ("not json", "body is not valid JSON"),
        ('{"interview_id": ', "body is not valid JSON"),
        ("[" * 3000, "body is not valid JSON"),
        ('{"interview_id": NaN}', "body is not valid JSON"),
        (f'"{INTERVIEW_ID}"', "body is not a JSON object"),
        (f'["{INTERVIEW_ID}"]', "body is not a JSON object"),
        ("null", "body is not a JSON object"),
        ("{}", "body lacks interview_id"),
        ('{"interviewId": "x"}', "body lacks interview_id"),
        (f'{{"interview_id": "{INTERVIEW_ID}", "user_id": "u"}}', "body has fields other"),
        (
            f'{{"interview_id": "{INTERVIEW_ID}", "interview_id": "{uuid.uuid4()}"}}',
            "body repeats a key",
        ),
        ('{"interview_id": "not-a-uuid"}', "interview_id is not a UUID"),
        ('{"interview_id": 12345}', "interview_id is not a UUID"),
        ('{"interview_id": null}', "interview_id is not a UUID"),
        (f'{{"interview_id": ["{INTERVIEW_ID}"]}}', "interview_id is not a UUID"),
        (f'{{"interview_id": "{INTERVIEW_ID.replace("-", "")}"}}', "interview_id is not a UUID"),
        (f'{{"interview_id": "{{{INTERVIEW_ID}}}"}}', "interview_id is not a UUID"),
        (f'{{"interview_id": "urn:uuid:{INTERVIEW_ID}"}}', "interview_id is not a UUID"),
        (f'{{"interview_id": " {INTERVIEW_ID}"}}', "interview_id is not a UUID"),
    ],
)
def test_invalid_bodies_are_refused_with_a_reason(body: str, reason: str) -> None:
    with pytest.raises(InvalidMessage) as caught:
        parse_interview_request(body, "m-7")

    assert caught.value.message_id == "m-7"
    assert caught.value.reason.startswith(reason)
    assert caught.value.permanent


def test_a_body_over_the_size_limit_is_refused_before_parsing() -> None:
    padding = "x" * MAX_BODY_BYTES
    body = json.dumps({"interview_id": INTERVIEW_ID, "pad": padding})

    with pytest.raises(InvalidMessage, match="larger than"):
        parse_interview_request(body, "m")


def test_a_300_kb_body_is_refused() -> None:
    with pytest.raises(InvalidMessage, match="larger than"):
        parse_interview_request("{" + " " * 300_000 + "}", "m")


def test_the_size_limit_counts_utf8_bytes_not_characters() -> None:
    body = '{"interview_id": "' + "é" * (MAX_BODY_BYTES // 2) + '"}'
    assert len(body) < MAX_BODY_BYTES

    with pytest.raises(InvalidMessage, match="larger than"):
        parse_interview_request(body, "m")


@pytest.mark.parametrize("body", [b"\xff\xfe{}", "\ud800"])
def test_bodies_that_are_not_utf8_are_refused(body: str | bytes) -> None:
    with pytest.raises(InvalidMessage, match="not UTF-8"):
        parse_interview_request(body, "m")


@pytest.mark.parametrize(
    "body",
    [
        '{"interview_id": "SECRET-TEXT"}',
        '{"interview_id": "x", "SECRET-TEXT": 1}',
        "SECRET-TEXT",
        '["SECRET-TEXT"]',
    ],
)
def test_reasons_never_echo_the_body(body: str) -> None:
    with pytest.raises(InvalidMessage) as caught:
        parse_interview_request(body, "m")

    assert "SECRET" not in str(caught.value)


def test_a_valid_body_becomes_a_queue_message_with_its_id() -> None:
    message = queue_message_from_body(
        message_id="m-1",
        receipt="r-1",
        receive_count=2,
        body=json.dumps({"interview_id": INTERVIEW_ID}),
    )

    assert (message.message_id, message.receipt, message.receive_count) == ("m-1", "r-1", 2)
    assert message.interview_id == INTERVIEW_ID
    assert message.body_error is None


def test_an_invalid_body_becomes_a_queue_message_with_its_error() -> None:
    message = queue_message_from_body(
        message_id="m-1", receipt="r-1", receive_count=1, body='{"interview_id": 1}'
    )

    assert message.interview_id is None
    assert message.body_error == "interview_id is not a UUID"
