"""DynamoDB item <-> entity mapping for interview records, and the attribute values of both.

The upstream's contract names the attributes; the ones this project adds sit beside them.

Interview items (table keyed by `id`):

- `id` (S), `user_id` (S, optional).
- `video_path` (S): an object key such as `videos/<uuid>/<uuid>/<file>.mkv`, or
  `s3://<bucket>/<key>`. Older records may name it `video_key`, `s3_key` or `video_s3_key`;
  reading takes the first of those present. A record whose video location is missing or not
  a string still reads, with `record_problem` saying so, so that it can be marked failed;
  so does one whose `attempts` or `lease_expires_at` is not a number (read as 0 and no
  lease).
- `state` (S): `processing`, `completed`, `failed`, or any value the upstream writes (such
  as `pending`), which reads as pending.
- `created_at`, `updated_at` (S): ISO 8601 UTC with microseconds and a `Z`, for example
  `2026-01-01T12:00:00.000000Z`. Reading accepts any ISO 8601 form (a naive value is taken
  as UTC) or epoch seconds (N). `created_at` is never changed; `updated_at` is set on
  every change.
- Added by this project: `attempts` (N), `generation` (N, absent reads as 0, as does a
  value that is not a number), `question_count` and `questions_left_out` (N, optional,
  written on completion: the questions stored and those a model limit kept out),
  `lease_owner` (S)
  and `lease_expires_at` (N, epoch seconds with microseconds, so that conditions compare
  numbers), both absent when no lease is held, and `error_code`, `error_message` (S), set
  by a failure and removed by a claim or a completion; `throttled_since` (S, as the times
  above), set by the first run since the last progress that ended throttled and removed by
  any other end of a run; `question_ids` (L of S), the ids of the questions that may be
  stored, written only by lease-fenced question transactions (see
  adapters.aws.dynamodb_fenced_writes).

Question items are described in adapters.aws.dynamodb_question_items. Numbers are written
as exact decimals, never floats.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from interview_core.entities import Interview
from interview_core.errors import InvalidInterviewRecord
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    Item = Mapping[str, AttributeValueTypeDef]

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
VIDEO_PATH_ATTRIBUTES = ("video_path", "video_key", "s3_key", "video_s3_key")
"""Where a record names its video: the upstream's `video_path` first, then older names."""
STATE_ATTRIBUTE = "state"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


# --- Scalars ---------------------------------------------------------------------------


def format_timestamp(moment: datetime) -> str:
    """`moment` as ISO 8601 UTC with microseconds and a Z suffix."""
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def epoch_number(moment: datetime) -> AttributeValueTypeDef:
    """`moment` as an exact DynamoDB number of epoch seconds with microseconds."""
    micros = (moment.astimezone(UTC) - _EPOCH) // _MICROSECOND
    return {"N": str(Decimal(micros).scaleb(-6))}


def epoch_seconds(moment: datetime) -> float:
    """`moment` as seconds since the Unix epoch."""
    return (moment.astimezone(UTC) - _EPOCH).total_seconds()


def string_value(text: str) -> AttributeValueTypeDef:
    """A DynamoDB string."""
    return {"S": text}


def number_value(number: int | float) -> AttributeValueTypeDef:
    """A DynamoDB number, converted through its shortest decimal text (never a binary float)."""
    return {"N": str(Decimal(str(number)))}


def key(item_id: str) -> dict[str, AttributeValueTypeDef]:
    """The primary key of an item in either table."""
    return {"id": {"S": item_id}}


def read_string(item: Item, name: str) -> str | None:
    """The string attribute `name`, or None when absent, NULL or of another type."""
    value = item.get(name)
    return value.get("S") if value is not None else None


def stored_state(item: Item) -> InterviewState:
    """The interview state an item records."""
    return InterviewState.from_stored(read_string(item, STATE_ATTRIBUTE))


def _read_decimal(item: Item, name: str) -> Decimal | None:
    value = item.get(name)
    if value is None:
        return None
    text = value.get("N", value.get("S"))
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise InvalidInterviewRecord(f"attribute {name} is not a number: {text!r}") from exc


def read_int(item: Item, name: str) -> int | None:
    """The number attribute `name` as a whole number, or None when absent."""
    number = _read_decimal(item, name)
    return int(number) if number is not None else None


def read_float(item: Item, name: str) -> float | None:
    """The number attribute `name` as a float, or None when absent."""
    number = _read_decimal(item, name)
    return float(number) if number is not None else None


def _read_epoch(item: Item, name: str) -> datetime | None:
    number = _read_decimal(item, name)
    if number is None:
        return None
    return _EPOCH + timedelta(microseconds=int(number.scaleb(6)))


def read_timestamp(item: Item, name: str) -> datetime | None:
    if "N" in item.get(name, {}):
        return _read_epoch(item, name)
    text = read_string(item, name)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None  # an upstream format we cannot read; no decision depends on it
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- Interviews ------------------------------------------------------------------------


def interview_from_item(item: Item) -> Interview:
    """The interview an item records. Raises InvalidInterviewRecord without an id.

    A missing or unreadable video location does not raise: the record comes back with an
    empty `video_path` and `record_problem` naming the fault.
    """
    interview_id = read_string(item, "id")
    if not interview_id:
        raise InvalidInterviewRecord("interview record has no id")
    video_path, problem = _video_path(item, interview_id)
    attempts, attempts_problem = _own_number(item, "attempts", interview_id)
    expiry, expiry_problem = _own_number(item, "lease_expires_at", interview_id)
    generation, _ = _own_number(item, "generation", interview_id)
    return Interview(
        id=interview_id,
        video_path=video_path,
        user_id=read_string(item, "user_id"),
        state=stored_state(item),
        attempts=int(attempts) if attempts is not None else 0,
        lease_owner=read_string(item, "lease_owner"),
        lease_expires_at=_EPOCH + timedelta(microseconds=int(expiry.scaleb(6)))
        if expiry is not None
        else None,
        error_code=read_string(item, "error_code"),
        error_message=read_string(item, "error_message"),
        question_count=read_int(item, "question_count"),
        questions_left_out=read_int(item, "questions_left_out"),
        created_at=read_timestamp(item, "created_at"),
        updated_at=read_timestamp(item, "updated_at"),
        record_problem=problem or attempts_problem or expiry_problem,
        generation=_whole(generation),
        throttled_since=read_timestamp(item, "throttled_since"),
    )


def _whole(number: Decimal | None) -> int:
    """A counter of ours as a whole number at least 0; 0 when absent or not whole."""
    if number is None or number != number.to_integral_value() or number < 0:
        return 0
    return int(number)


def _own_number(item: Item, name: str, interview_id: str) -> tuple[Decimal | None, str | None]:
    """A number attribute this project writes, or None and the reason it cannot be read.

    Only a DynamoDB number counts: conditions compare these attributes as numbers, so a
    value of another type would never match them.
    """
    value = item.get(name)
    if value is None or "NULL" in value:
        return None, None
    text = value.get("N")
    if text is None:
        kind = next(iter(value), "?")
        return None, f"interview {interview_id}: {name} is not a number (DynamoDB type {kind})"
    try:
        return Decimal(text), None
    except InvalidOperation:
        return None, f"interview {interview_id}: {name} is not a number: {text[:40]!r}"


def _video_path(item: Item, interview_id: str) -> tuple[str, str | None]:
    """The record's video location, or an empty one and the reason it cannot be read."""
    for name in VIDEO_PATH_ATTRIBUTES:
        value = item.get(name)
        if value is None or "NULL" in value:
            continue
        text = value.get("S")
        if text is None:
            kind = next(iter(value), "?")
            return "", f"interview {interview_id}: {name} is not a string (DynamoDB type {kind})"
        if not text.strip():
            return "", f"interview {interview_id}: {name} is empty"
        return text, None
    return "", f"interview {interview_id} has no video_path"


def interview_to_item(interview: Interview) -> dict[str, AttributeValueTypeDef]:
    """The item for an interview record, as the upstream service or a test would write it."""
    item: dict[str, AttributeValueTypeDef] = {
        "id": string_value(interview.id),
        "video_path": string_value(interview.video_path),
        STATE_ATTRIBUTE: string_value(interview.state.value),
        "attempts": number_value(interview.attempts),
    }
    if interview.generation:
        item["generation"] = number_value(interview.generation)
    optional: dict[str, AttributeValueTypeDef | None] = {
        "user_id": optional_string(interview.user_id),
        "lease_owner": optional_string(interview.lease_owner),
        "lease_expires_at": _optional_epoch(interview.lease_expires_at),
        "error_code": optional_string(interview.error_code),
        "error_message": optional_string(interview.error_message),
        "question_count": optional_number(interview.question_count),
        "questions_left_out": optional_number(interview.questions_left_out),
        "created_at": _optional_timestamp(interview.created_at),
        "updated_at": _optional_timestamp(interview.updated_at),
        "throttled_since": _optional_timestamp(interview.throttled_since),
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    return item


def optional_string(text: str | None) -> AttributeValueTypeDef | None:
    """The string value, or None (left out) for None."""
    return string_value(text) if text is not None else None


def optional_number(number: int | float | None) -> AttributeValueTypeDef | None:
    """The number value, or None (left out) for None or a float that is not finite."""
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        return None
    return number_value(number)


def _optional_epoch(moment: datetime | None) -> AttributeValueTypeDef | None:
    return epoch_number(moment) if moment is not None else None


def _optional_timestamp(moment: datetime | None) -> AttributeValueTypeDef | None:
    return string_value(format_timestamp(moment)) if moment is not None else None
