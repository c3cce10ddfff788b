"""The queue message body `{"interview_id": "<uuid>"}`, validated before anything trusts it."""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from interview_core.errors import InvalidMessage
from interview_core.ports import DeadLetter, QueueMessage

MAX_BODY_BYTES = 4096
"""Our bodies are a few dozen bytes; anything this large is not a request of ours."""

CANONICAL_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
"""A UUID in its usual hyphenated form, in either case (UUID() also takes other forms)."""


class InterviewRequest(BaseModel):
    """A request to process one interview: exactly one field, a UUID in its usual form."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    interview_id: UUID

    @field_validator("interview_id", mode="before")
    @classmethod
    def _hyphenated(cls, value: Any) -> Any:
        """Refuse the braced, URN and unhyphenated spellings that UUID() would also accept."""
        if isinstance(value, str) and not CANONICAL_UUID.fullmatch(value):
            raise ValueError("not a hyphenated UUID")
        return value


def parse_interview_request(body: str | bytes, message_id: str) -> str:
    """The interview id of a message body, as a lower-case hyphenated UUID string.

    Raises InvalidMessage(message_id, reason) when the body is empty, larger than
    MAX_BODY_BYTES, not UTF-8, not a JSON object, repeats a key, lacks `interview_id`,
    carries other fields, or holds an id that is not a UUID. The reason never quotes the
    body, which is untrusted and may be large.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if not raw.strip():
        raise InvalidMessage(message_id, "body is empty")
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidMessage(message_id, f"body is larger than {MAX_BODY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidMessage(message_id, "body is not UTF-8 text") from None
    try:
        json.loads(text, object_pairs_hook=_refuse_repeated_keys, parse_constant=_refuse_constant)
    except _RepeatedKey:
        raise InvalidMessage(message_id, "body repeats a key") from None
    except (ValueError, RecursionError):
        raise InvalidMessage(message_id, "body is not valid JSON") from None
    try:
        request = InterviewRequest.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidMessage(message_id, _reason(exc)) from None
    return str(request.interview_id)


def queue_message_from_body(
    *, message_id: str, receipt: str, receive_count: int, body: str | bytes
) -> QueueMessage:
    """A core QueueMessage: the interview id, or the reason the body is not a request."""
    try:
        interview_id = parse_interview_request(body, message_id)
    except InvalidMessage as exc:
        return QueueMessage(message_id, receipt, receive_count, None, body_error=exc.reason)
    return QueueMessage(message_id, receipt, receive_count, interview_id)


def request_body(interview_id: str) -> str:
    """The body the upstream sends for an interview: `{"interview_id": "<uuid>"}`."""
    return json.dumps({"interview_id": interview_id})


def dead_letter_from_body(*, message_id: str, receive_count: int, body: str | bytes) -> DeadLetter:
    """A core DeadLetter: the interview id its body names, or why it names none."""
    read = queue_message_from_body(
        message_id=message_id, receipt="", receive_count=receive_count, body=body
    )
    return DeadLetter(message_id, receive_count, read.interview_id, read.body_error)


class _RepeatedKey(Exception):
    """A JSON object names the same key twice, which parsers resolve differently."""


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _RepeatedKey
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _reason(exc: ValidationError) -> str:
    """A short reason from pydantic's first error, without the offending input."""
    error = exc.errors(include_url=False, include_input=False)[0]
    kind = error["type"]
    if kind == "model_type":
        return "body is not a JSON object"
    if kind == "missing":
        return "body lacks interview_id"
    if kind == "extra_forbidden":
        return "body has fields other than interview_id"
    if error["loc"] == ("interview_id",):
        return "interview_id is not a UUID"
    return "body is not a valid interview request"
