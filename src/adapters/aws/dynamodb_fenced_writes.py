"""Questions written by TransactWriteItems, each transaction fenced by the interview's lease.

Every transaction holds at most 100 items: one on the interview item, whose condition is the
fence (`lease_owner` is the writer, `state` is processing, `generation` is the writer's), and
up to 99 question writes. A writer that no longer holds the interview has every transaction
refused, so it changes nothing. The interview item names the questions that may be stored
(`question_ids`, a list of their deterministic ids): a set too large for one transaction is
written in several, the first adding to that list, under the fence, every id it is about to
write, and the last leaving there exactly the ids of the set it wrote. Questions of other
generations and of earlier runs are deleted by the ids that list names, never looked up
through the eventually consistent index, so no question a run wrote can stay behind unseen.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from adapters.aws.dynamodb_errors import ConditionFailed, translated_errors
from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    key,
    number_value,
    question_to_item,
    read_string,
    stored_state,
    string_value,
)
from adapters.aws.errors import error_code
from interview_core.errors import (
    ConfigurationError,
    InvalidInterviewRecord,
    LeaseLost,
    RepositoryUnavailable,
)
from interview_core.ids import question_id
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from interview_core.entities import Question
    from interview_core.errors import InterviewError

logger = logging.getLogger(__name__)

TRANSACTION_ITEMS = 100
"""The most items DynamoDB accepts in one TransactWriteItems call, the fence included."""
IDS_ATTRIBUTE = "question_ids"
_THROTTLED_REASONS = frozenset(
    {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
_OPTIONAL_QUESTION_ATTRIBUTES = ("user_id", "start_time", "end_time")


class FencedQuestionWriter:
    """Replaces an interview's questions in lease-fenced transactions.

    A transaction DynamoDB cancels for a conflict with another write of the same items, or
    for throttling, is sent again after `jitter() * min(backoff_cap, backoff_base *
    2**(retry - 1))` seconds, at most `max_retries` times (the SDK retries neither).
    """

    def __init__(
        self,
        client: DynamoDBClient,
        interviews_table: str,
        questions_table: str,
        *,
        max_retries: int,
        backoff_base: float,
        backoff_cap: float,
        sleep: Callable[[float], None],
        jitter: Callable[[], float],
    ) -> None:
        if max_retries < 0 or backoff_base < 0 or backoff_cap < 0:
            raise ValueError("transaction retries and backoff must not be negative")
        self._client = client
        self._interviews = interviews_table
        self._questions = questions_table
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._jitter = jitter

    def replace(
        self,
        interview_id: str,
        questions: Sequence[Question],
        *,
        owner: str,
        generation: int,
        now: datetime,
    ) -> None:
        """Make `questions` the interview's only questions, while the fence holds.

        Raises LeaseLost when it does not (nothing written by a refused transaction
        survives), RepositoryUnavailable (throttled when DynamoDB kept throttling),
        InvalidInterviewRecord or ConfigurationError.
        """
        item = self._fenced_item(interview_id, owner, generation)
        stored = stored_ids(interview_id, item)
        wanted = [question.id for question in questions]
        writes = [self._put(question, now) for question in questions]
        kept = set(wanted)
        writes.extend(self._delete(stale) for stale in stored if stale not in kept)
        intent = list(dict.fromkeys([*stored, *wanted]))  # what the writes may leave behind
        chunk = TRANSACTION_ITEMS - 1
        chunks = [writes[start : start + chunk] for start in range(0, len(writes), chunk)] or [[]]
        for number, writes_in_chunk in enumerate(chunks):
            last = number == len(chunks) - 1
            named = wanted if last else intent if number == 0 else None
            fence = self._fence(interview_id, owner, generation, named)
            self._transact(interview_id, owner, [fence, *writes_in_chunk])

    # --- the items of a transaction ------------------------------------------------------

    def _fence(
        self, interview_id: str, owner: str, generation: int, named: Sequence[str] | None
    ) -> TransactWriteItemTypeDef:
        """The interview item's part: a condition only, or the stored ids set under it."""
        in_generation, values = generation_condition(generation)
        condition = "lease_owner = :owner AND #state = :processing AND " + in_generation
        values[":owner"] = string_value(owner)
        values[":processing"] = string_value(InterviewState.PROCESSING)
        names = {"#state": STATE_ATTRIBUTE}
        base: dict[str, Any] = {
            "TableName": self._interviews,
            "Key": key(interview_id),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if named is None:
            return cast("TransactWriteItemTypeDef", {"ConditionCheck": base})
        names["#ids"] = IDS_ATTRIBUTE
        values[":ids"] = {"L": [string_value(question_id_) for question_id_ in named]}
        base["UpdateExpression"] = "SET #ids = :ids"
        return cast("TransactWriteItemTypeDef", {"Update": base})

    def _put(self, question: Question, now: datetime) -> TransactWriteItemTypeDef:
        """An update that writes the whole question, keeping the `created_at` of an earlier
        write of its id (so no read is needed) and removing optional attributes it lacks."""
        item = question_to_item(question, now)
        names: dict[str, str] = {}
        values: dict[str, AttributeValueTypeDef] = {}
        sets: list[str] = []
        for number, (name, value) in enumerate(item.items()):
            if name == "id":
                continue
            names[f"#a{number}"], values[f":v{number}"] = name, value
            target = f"#a{number}"
            if name == "created_at":
                sets.append(f"{target} = if_not_exists({target}, :v{number})")
            else:
                sets.append(f"{target} = :v{number}")
        removed = [name for name in _OPTIONAL_QUESTION_ATTRIBUTES if name not in item]
        for number, name in enumerate(removed):
            names[f"#r{number}"] = name
        update = "SET " + ", ".join(sets)
        if removed:
            update += " REMOVE " + ", ".join(f"#r{number}" for number in range(len(removed)))
        return {
            "Update": {
                "TableName": self._questions,
                "Key": key(question.id),
                "UpdateExpression": update,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def _delete(self, question_id_: str) -> TransactWriteItemTypeDef:
        return {"Delete": {"TableName": self._questions, "Key": key(question_id_)}}

    # --- DynamoDB calls ------------------------------------------------------------------

    def _fenced_item(
        self, interview_id: str, owner: str, generation: int
    ) -> Mapping[str, AttributeValueTypeDef]:
        """The interview item (a strongly consistent read) while the fence holds; LeaseLost
        otherwise, before anything is sent."""
        with translated_errors(self._interviews):
            response = self._client.get_item(
                TableName=self._interviews, Key=key(interview_id), ConsistentRead=True
            )
        item = response.get("Item")
        if (
            item is None
            or read_string(item, "lease_owner") != owner
            or stored_state(item) is not InterviewState.PROCESSING
            or _generation(item) != generation
        ):
            raise LeaseLost(interview_id, owner)
        return item

    def _transact(
        self, interview_id: str, owner: str, items: Sequence[TransactWriteItemTypeDef]
    ) -> None:
        throttled = False
        for retry in range(self._max_retries + 1):
            if retry:
                ceiling = min(self._backoff_cap, self._backoff_base * 2 ** (retry - 1))
                self._sleep(self._jitter() * ceiling)
            try:
                with translated_errors(self._questions):
                    try:
                        self._client.transact_write_items(TransactItems=items)
                    except ClientError as exc:
                        if error_code(exc) != "TransactionCanceledException":
                            raise
                        codes = _reason_codes(exc)
                        outcome = _cancelled(codes, interview_id, owner, self._questions)
                        if outcome is not None:
                            raise outcome from exc
                        logger.info("transaction on %s cancelled: %s", interview_id, codes)
                        throttled = bool(set(codes) & _THROTTLED_REASONS)
                        continue
            except ConditionFailed:  # not sent by transactions; a fence in any case
                raise LeaseLost(interview_id, owner) from None
            return
        raise RepositoryUnavailable(
            f"DynamoDB cancelled the question writes of interview {interview_id}"
            f" {self._max_retries + 1} times ("
            + ("throttled" if throttled else "conflicting writes")
            + ")",
            throttled=throttled,
        )


def _reason_codes(exc: ClientError) -> list[str]:
    """The cancellation reason of each item of a cancelled transaction, in order."""
    reasons = cast("Mapping[str, Any]", exc.response).get("CancellationReasons") or []
    return [str(reason.get("Code") or "None") for reason in reasons]


def _cancelled(
    codes: Sequence[str], interview_id: str, owner: str, table: str
) -> InterviewError | None:
    """The error a cancelled transaction ends with, or None when sending it again may
    succeed (a conflict, throttling, or no reason given)."""
    if "ConditionalCheckFailed" in codes:  # the fence is the only condition
        return LeaseLost(interview_id, owner)
    if any(code.startswith("ResourceNotFound") for code in codes):  # as endpoints report it
        return ConfigurationError(f"DynamoDB table {table} does not exist")
    if "ValidationError" in codes:
        return InvalidInterviewRecord("DynamoDB rejected a question item of the transaction")
    return None


def generation_condition(generation: int) -> tuple[str, dict[str, AttributeValueTypeDef]]:
    """A condition that the interview item is in `generation`, and its values; generation 0
    is also an item without one, or with one that is not a number (as records read)."""
    values: dict[str, AttributeValueTypeDef] = {":generation": number_value(generation)}
    if generation != 0:
        return "generation = :generation", values
    values[":generation_type"] = string_value("N")
    return (
        "(attribute_not_exists(generation) OR NOT attribute_type(generation, :generation_type)"
        " OR generation = :generation)",
        values,
    )


def stored_ids(interview_id: str, item: Mapping[str, AttributeValueTypeDef]) -> list[str]:
    """The ids of the questions an interview item says may be stored, in order.

    An item written before the ids were kept has its `question_count` questions at the ids
    of generation 0 (the ids questions always had); entries that are not strings are ignored.
    """
    named = item.get(IDS_ATTRIBUTE)
    if named is not None and "L" in named:
        found = (entry.get("S") for entry in named["L"])
        return list(dict.fromkeys(text for text in found if text))
    legacy = _count(item.get("question_count")) or 0
    return [question_id(interview_id, position) for position in range(legacy)]


def _count(value: AttributeValueTypeDef | None) -> int | None:
    text = value.get("N") if value is not None else None
    if text is None or not text.isdigit():
        return None
    return int(text)


def _generation(item: Mapping[str, AttributeValueTypeDef]) -> int:
    """The item's generation as the interview record reads it (absent or unreadable: 0)."""
    return _count(item.get("generation")) or 0
