"""Questions written by TransactWriteItems, each transaction fenced by the interview's lease.

Every transaction holds at most 100 items (and about 3 MB): one on the interview item, whose
condition is the fence (`lease_owner` is the writer, `state` is processing, `generation` is
the writer's), and up to 99 question writes. A writer that no longer holds the interview has
every transaction refused, so it changes nothing. The interview item names the questions
that may be stored (`question_ids`, a list of their deterministic ids): a set too large for
one transaction is written in several, the first adding to that list, under the fence, every
id it is about to write, and the last leaving there exactly the ids of the set it wrote.
Questions of other generations and of earlier runs are deleted by the ids that list names,
never looked up through the eventually consistent index, so no question a run wrote can stay
behind unseen.

Only the lease holder changes `question_ids`, so the list the claim returned stays true for
as long as the fence holds: the writer remembers it per (interview, owner) from the claim
and from its own writes (a run writes through the repository that claimed it), and reads the
item, strongly consistent, only when it has nothing remembered.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from adapters.aws.dynamodb_errors import ConditionFailed, translated_errors
from adapters.aws.dynamodb_items import key
from adapters.aws.dynamodb_transact_parts import (
    THROTTLED_REASONS,
    cancellation_error,
    fence_part,
    holds_fence,
    question_part,
    reason_codes,
    stored_ids,
)
from adapters.aws.errors import error_code
from interview_core.errors import LeaseLost, RepositoryUnavailable

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from interview_core.entities import Question

logger = logging.getLogger(__name__)

TRANSACTION_ITEMS = 100
"""The most items DynamoDB accepts in one TransactWriteItems call, the fence included."""
TRANSACTION_BYTES = 3_000_000
"""The most bytes of question writes (as JSON) put in one transaction: DynamoDB refuses a
transaction above 4 MB, and the fence with its ids needs room too."""
REMEMBERED = 1024
"""The most (interview, owner) pairs remembered; the oldest is forgotten first."""


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
        self._lock = threading.Lock()
        self._named: dict[tuple[str, str], list[str]] = {}

    def remember(
        self, interview_id: str, owner: str, item: Mapping[str, AttributeValueTypeDef]
    ) -> None:
        """Keep the question ids of the item `owner` has just claimed."""
        self._keep(interview_id, owner, stored_ids(interview_id, item))

    def forget(self, interview_id: str, owner: str) -> None:
        """Drop what is kept for `owner`'s run, once it has ended."""
        with self._lock:
            self._named.pop((interview_id, owner), None)

    def _keep(self, interview_id: str, owner: str, ids: list[str]) -> None:
        with self._lock:
            self._named.pop((interview_id, owner), None)
            self._named[(interview_id, owner)] = ids
            while len(self._named) > REMEMBERED:
                del self._named[next(iter(self._named))]

    def _remembered(self, interview_id: str, owner: str) -> list[str] | None:
        with self._lock:
            return self._named.get((interview_id, owner))

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
        stored = self._remembered(interview_id, owner)
        if stored is None:
            stored = stored_ids(interview_id, self._fenced_item(interview_id, owner, generation))
        wanted = [question.id for question in questions]
        writes = [question_part(self._questions, question, now) for question in questions]
        kept = set(wanted)
        writes.extend(self._delete(stale) for stale in stored if stale not in kept)
        intent = list(dict.fromkeys([*stored, *wanted]))  # what the writes may leave behind
        chunks = transaction_chunks(writes)
        for number, writes_in_chunk in enumerate(chunks):
            last = number == len(chunks) - 1
            named = wanted if last else intent if number == 0 else None
            fence = fence_part(self._interviews, interview_id, owner, generation, named)
            try:
                self._transact(interview_id, owner, [fence, *writes_in_chunk])
            except Exception:
                # lost, or it may have landed unseen: what the item names is no longer known
                self.forget(interview_id, owner)
                raise
        self._keep(interview_id, owner, wanted)

    # --- the items of a transaction ------------------------------------------------------

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
        if item is None or not holds_fence(item, owner, generation):
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
                        codes = reason_codes(exc)
                        outcome = cancellation_error(codes, interview_id, owner, self._questions)
                        if outcome is not None:
                            raise outcome from exc
                        logger.info("transaction on %s cancelled: %s", interview_id, codes)
                        throttled = bool(set(codes) & THROTTLED_REASONS)
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


def transaction_chunks(
    writes: Sequence[TransactWriteItemTypeDef],
) -> list[list[TransactWriteItemTypeDef]]:
    """`writes` in order, in chunks of at most 99 (one item is the fence's) and about
    TRANSACTION_BYTES; one empty chunk when there are none, so the fence is still written."""
    chunks: list[list[TransactWriteItemTypeDef]] = [[]]
    size = 0
    for write in writes:
        weight = len(json.dumps(write))
        if chunks[-1] and (
            len(chunks[-1]) == TRANSACTION_ITEMS - 1 or size + weight > TRANSACTION_BYTES
        ):
            chunks.append([])
            size = 0
        chunks[-1].append(write)
        size += weight
    return chunks
