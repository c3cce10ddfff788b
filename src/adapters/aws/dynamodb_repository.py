"""DynamoDB interview repository: leases by conditional writes, questions in fenced transactions."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from adapters.aws import dynamodb_catalog, dynamodb_erasure
from adapters.aws.dynamodb_claims import EndRun, claim_request, failure_request, refusal
from adapters.aws.dynamodb_errors import ConditionFailed, translated_errors
from adapters.aws.dynamodb_fenced_writes import FencedQuestionWriter
from adapters.aws.dynamodb_items import (
    STATE_ATTRIBUTE,
    epoch_number,
    format_timestamp,
    interview_from_item,
    key,
    number_value,
    question_from_item,
    read_string,
    stored_state,
    string_value,
)
from adapters.aws.dynamodb_transact_parts import generation_condition
from interview_core.clock import SystemClock
from interview_core.errors import (
    MAX_ERROR_MESSAGE,
    AttemptsExhausted,
    ConfigurationError,
    InterviewNotFound,
    InvalidInterviewRecord,
    LeaseHeld,
    LeaseLost,
)
from interview_core.records import check_question_set
from interview_core.state import InterviewState, check_transition

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        QueryInputTypeDef,
        UpdateItemInputTypeDef,
    )

    from interview_core.entities import Interview, Question
    from interview_core.errors import InterviewError
    from interview_core.ports import Clock

MAX_ERROR_CODE_CHARS = 100


class DynamoDBInterviewRepository:
    """Interview records and questions in two DynamoDB tables, through the low-level client.

    Leases are held by conditional UpdateItem calls that compare the lease owner and expiry
    (epoch seconds from `clock`), so two workers never hold one interview at once. Questions
    are written in TransactWriteItems fenced by the lease (a worker that lost it changes
    nothing) and listed through a global secondary index on `interview_id` that must project
    every attribute. Provider errors become core errors: throttling, 5xx and timeouts
    RepositoryUnavailable (transient); a missing table or index, or refused access,
    ConfigurationError; a request DynamoDB rejects as invalid, InvalidInterviewRecord.
    """

    def __init__(
        self,
        client: DynamoDBClient,
        interviews_table: str,
        questions_table: str,
        *,
        questions_index: str = "interview_id-index",
        clock: Clock | None = None,
        max_write_retries: int = 8,
        write_backoff_base: float = 0.05,
        write_backoff_cap: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """`max_write_retries` bounds the retries of a question transaction DynamoDB cancelled
        for a conflict or throttling, which wait `jitter() * min(cap, base * 2**(retry - 1))`
        seconds (full jitter) through `sleep`."""
        self._client = client
        self._interviews = interviews_table
        self._questions = questions_table
        self._index = questions_index
        self._clock: Clock = clock or SystemClock()
        self._writes = FencedQuestionWriter(
            client,
            interviews_table,
            questions_table,
            max_retries=max_write_retries,
            backoff_base=write_backoff_base,
            backoff_cap=write_backoff_cap,
            sleep=sleep,
            jitter=jitter,
        )

    def check_ready(self) -> None:
        """Describe both tables once: raises ConfigurationError when either table or the
        questions index is missing or access is refused, RepositoryUnavailable (transient)
        when DynamoDB cannot answer now."""
        with translated_errors(self._interviews):
            self._client.describe_table(TableName=self._interviews)
        with translated_errors(self._questions):
            table = self._client.describe_table(TableName=self._questions)["Table"]
        indexes = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
        if self._index not in indexes:
            raise ConfigurationError(
                f"DynamoDB table {self._questions} has no index {self._index} on interview_id: "
                "create it or set AWS_DYNAMODB_QUESTIONS_INDEX"
            )

    # --- Interviews ----------------------------------------------------------------------

    def get(self, interview_id: str) -> Interview:
        """The interview record (a strongly consistent read).

        Raises InterviewNotFound, InvalidInterviewRecord (no video key), RepositoryUnavailable
        or ConfigurationError.
        """
        item = self._get_item(interview_id)
        if item is None:
            raise InterviewNotFound(interview_id)
        return interview_from_item(item)

    def claim(
        self,
        interview_id: str,
        owner: str,
        lease_seconds: float,
        *,
        force: bool = False,
        max_attempts: int | None = None,
    ) -> Interview:
        """Move the interview to processing under `owner`'s lease in one conditional write.

        Succeeds when the interview exists, is not completed (unless `force`), has no live
        lease (an expiry that is not a number counts as none) and, with `max_attempts`, has
        attempts left; increments `attempts`, clears any earlier error and returns the new
        record. A run out of attempts, or an item whose `attempts` is not a number, is marked
        failed by one more conditional write, and AttemptsExhausted or InvalidInterviewRecord
        raised. Raises InterviewNotFound, InterviewAlreadyCompleted, LeaseHeld (with the
        seconds left), RepositoryUnavailable or ConfigurationError; ValueError for a
        non-positive `lease_seconds`.
        """
        _check_lease_seconds(lease_seconds)
        now = self._clock.now()
        request = claim_request(
            self._interviews,
            interview_id,
            owner,
            lease_seconds,
            now,
            force=force,
            max_attempts=max_attempts,
        )
        try:
            with translated_errors(self._interviews):
                response = self._client.update_item(**request)
        except ConditionFailed as refused:
            raise self._claim_refusal(
                interview_id, refused.item, now, force=force, max_attempts=max_attempts
            ) from None
        claimed = interview_from_item(response["Attributes"])
        self._writes.remember(interview_id, owner, response["Attributes"])
        return claimed

    def extend_lease(self, interview_id: str, owner: str, lease_seconds: float) -> None:
        """Push `owner`'s lease to now + `lease_seconds`. Raises LeaseLost if `owner` does not
        hold it, RepositoryUnavailable or ConfigurationError; ValueError for a non-positive
        `lease_seconds`."""
        _check_lease_seconds(lease_seconds)
        now = self._clock.now()
        self._update_as_owner(
            interview_id,
            owner,
            "SET lease_expires_at = :expires, updated_at = :now_text",
            {":expires": epoch_number(now + timedelta(seconds=lease_seconds))},
        )

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        """Drop `owner`'s lease, leaving the state as it is, so another delivery may claim.

        A `throttled` run takes back the attempt its claim added and sets `throttled_since`
        unless it is set; any other release removes it. Raises LeaseLost if `owner` does not
        hold it, RepositoryUnavailable or ConfigurationError.
        """
        self._writes.forget(interview_id, owner)  # the run ends here, whatever the answer
        if throttled:
            self._update_as_owner(
                interview_id,
                owner,
                "SET updated_at = :now_text,"
                " throttled_since = if_not_exists(throttled_since, :now_text),"
                " attempts = if_not_exists(attempts, :one) - :one"
                " REMOVE lease_owner, lease_expires_at",
                {":one": number_value(1)},
            )
            return
        self._update_as_owner(
            interview_id,
            owner,
            "SET updated_at = :now_text REMOVE lease_owner, lease_expires_at, throttled_since",
        )

    def mark_completed(
        self,
        interview_id: str,
        owner: str,
        question_count: int,
        *,
        generation: int | None = None,
        questions_left_out: int = 0,
    ) -> None:
        """Store completed with the question count and the count of questions a model limit
        kept out, and drop the lease, while `owner` holds it (and, with `generation`, while
        the item is in that generation).

        Raises LeaseLost, IllegalTransition (the owner's record is not processing),
        RepositoryUnavailable or ConfigurationError.
        """
        self._writes.forget(interview_id, owner)
        self._update_as_owner(
            interview_id,
            owner,
            "SET #state = :target, question_count = :count, questions_left_out = :left,"
            " updated_at = :now_text"
            " REMOVE lease_owner, lease_expires_at, error_code, error_message, throttled_since",
            {":count": number_value(question_count), ":left": number_value(questions_left_out)},
            target=InterviewState.COMPLETED,
            generation=generation,
        )

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        """Store failed with the error code and message (truncated to 100 and 1000 characters)
        and drop the lease, while `owner` holds it.

        Raises LeaseLost, IllegalTransition (the owner's record is not processing),
        RepositoryUnavailable or ConfigurationError.
        """
        self._writes.forget(interview_id, owner)
        self._update_as_owner(
            interview_id,
            owner,
            "SET #state = :target, error_code = :code, error_message = :message,"
            " updated_at = :now_text REMOVE lease_owner, lease_expires_at, throttled_since",
            {
                ":code": string_value(error_code[:MAX_ERROR_CODE_CHARS]),
                ":message": string_value(message[:MAX_ERROR_MESSAGE]),
            },
            target=InterviewState.FAILED,
        )

    # --- Questions -----------------------------------------------------------------------

    def replace_questions(
        self,
        interview_id: str,
        questions: Sequence[Question],
        *,
        owner: str,
        generation: int,
    ) -> None:
        """Store `questions` as the interview's only questions, fenced by the lease.

        TransactWriteItems of at most 100 items, each with a condition on the interview item
        (`lease_owner` is `owner`, `state` processing, `generation` the given one) and up to
        99 question writes; the questions of other generations and earlier runs are deleted
        by the ids the interview item's `question_slots` name (see
        adapters.aws.dynamodb_fenced_writes). A writer that no longer holds the interview
        changes nothing. Raises LeaseLost, ValueError for a question of another interview or
        a repeated id, RepositoryUnavailable (also when DynamoDB keeps cancelling for
        conflicts or throttling, then with `throttled` for the latter),
        InvalidInterviewRecord (an item DynamoDB refuses) or ConfigurationError.
        """
        check_question_set(interview_id, questions)
        self._writes.replace(
            interview_id, questions, owner=owner, generation=generation, now=self._clock.now()
        )

    def list_questions(self, interview_id: str) -> list[Question]:
        """The interview's stored questions ordered by position (an empty list when none).

        Raises RepositoryUnavailable, InvalidInterviewRecord or ConfigurationError.
        """
        questions = [question_from_item(item) for item in self._query_questions(interview_id)]
        return sorted(questions, key=lambda question: (question.position, question.id))

    # --- DynamoDB calls ------------------------------------------------------------------

    def _get_item(self, interview_id: str) -> Mapping[str, AttributeValueTypeDef] | None:
        with translated_errors(self._interviews):
            response = self._client.get_item(
                TableName=self._interviews, Key=key(interview_id), ConsistentRead=True
            )
        return response.get("Item")

    def _update_as_owner(
        self,
        interview_id: str,
        owner: str,
        update: str,
        values: Mapping[str, AttributeValueTypeDef] | None = None,
        *,
        target: InterviewState | None = None,
        generation: int | None = None,
    ) -> None:
        condition = "lease_owner = :owner"
        names: dict[str, str] = {}
        all_values: dict[str, AttributeValueTypeDef] = {
            ":owner": string_value(owner),
            ":now_text": string_value(format_timestamp(self._clock.now())),
            **(values or {}),
        }
        if generation is not None:
            in_generation, generation_values = generation_condition(generation)
            condition += " AND " + in_generation
            all_values.update(generation_values)
        if target is not None:
            condition += " AND #state = :processing"
            names["#state"] = STATE_ATTRIBUTE
            all_values[":processing"] = string_value(InterviewState.PROCESSING)
            all_values[":target"] = string_value(target)
        request: UpdateItemInputTypeDef = {
            "TableName": self._interviews,
            "Key": key(interview_id),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": all_values,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if names:
            request["ExpressionAttributeNames"] = names
        try:
            with translated_errors(self._interviews):
                self._client.update_item(**request)
        except ConditionFailed as refused:
            item = refused.item
            if (
                item is not None
                and target is not None
                and read_string(item, "lease_owner") == owner
            ):
                check_transition(stored_state(item), target)
            raise LeaseLost(interview_id, owner) from None

    def _claim_refusal(
        self,
        interview_id: str,
        item: Mapping[str, AttributeValueTypeDef] | None,
        now: datetime,
        *,
        force: bool,
        max_attempts: int | None,
    ) -> InterviewError:
        if item is None:
            # AWS returns no item for a missing key; an endpoint that ignores
            # ReturnValuesOnConditionCheckFailure does the same, so look once to be sure.
            item = self._get_item(interview_id)
            if item is None:
                return InterviewNotFound(interview_id)
        reason = refusal(item, now, force=force, max_attempts=max_attempts)
        if not isinstance(reason, EndRun):
            return reason
        try:
            with translated_errors(self._interviews):
                self._client.update_item(
                    **failure_request(self._interviews, interview_id, reason, now)
                )
        except ConditionFailed:
            return LeaseHeld(interview_id)  # changed meanwhile: another delivery took it
        if reason.code == AttemptsExhausted.code:
            attempts = interview_from_item(item).attempts
            return AttemptsExhausted(interview_id, attempts)
        return InvalidInterviewRecord(reason.message)

    def _query_questions(self, interview_id: str) -> Iterator[Mapping[str, AttributeValueTypeDef]]:
        request: QueryInputTypeDef = {
            "TableName": self._questions,
            "IndexName": self._index,
            "KeyConditionExpression": "interview_id = :interview_id",
            "ExpressionAttributeValues": {":interview_id": string_value(interview_id)},
        }
        while True:
            with translated_errors(self._questions):
                page = self._client.query(**request)
            yield from page["Items"]
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- the InterviewCatalog role (calls in adapters.aws.dynamodb_catalog) ---------------

    def create(self, interview: Interview) -> None:
        """Write a new record with the upstream's attributes only, conditional on its id
        being new. Raises InterviewExists, RepositoryUnavailable or ConfigurationError."""
        dynamodb_catalog.put_new_interview(self._client, self._interviews, interview)

    def list_by_state(self, state: InterviewState, limit: int) -> list[Interview]:
        """Up to `limit` interviews in `state`, by a Scan filtered on `state` that follows
        LastEvaluatedKey. Raises ValueError for a limit below 1, RepositoryUnavailable,
        InvalidInterviewRecord or ConfigurationError."""
        return dynamodb_catalog.scan_by_state(self._client, self._interviews, state, limit)

    def reset_for_reprocess(self, interview_id: str) -> Interview:
        """Pending again, attempts at zero, no error, the next generation, in one conditional
        write. Raises InterviewNotFound, LeaseHeld, RepositoryUnavailable or
        ConfigurationError."""
        return dynamodb_catalog.reopen_interview(
            self._client, self._interviews, interview_id, self._clock.now()
        )

    def start_new_generation(self, interview_id: str) -> Interview:
        """`generation` raised by one (ADD) with no attempts, error or `throttled_since`,
        a failed record pending again, in one conditional write. Raises InterviewNotFound,
        RepositoryUnavailable or ConfigurationError."""
        return dynamodb_catalog.raise_generation(
            self._client, self._interviews, interview_id, self._clock.now()
        )

    # --- the InterviewEraser role (calls in adapters.aws.dynamodb_erasure) ----------------

    def begin_deletion(self, interview_id: str) -> Interview:
        """`deleting` and no lease, in one conditional write unless a live lease is held;
        the record as it then stands. Raises InterviewNotFound, LeaseHeld,
        RepositoryUnavailable or ConfigurationError."""
        return dynamodb_erasure.begin_deletion(
            self._client, self._interviews, interview_id, self._clock.now()
        )

    def delete_questions(self, interview_id: str) -> int:
        """Delete the questions the record names and the index finds, one conditional
        DeleteItem each; how many were there. Raises RepositoryUnavailable or
        ConfigurationError."""
        return dynamodb_erasure.delete_questions(
            self._client, self._interviews, self._questions, self._index, interview_id
        )

    def finish_deletion(self, interview_id: str, *, keep_record: bool) -> None:
        """Delete the `deleting` record (DeleteItem), or put its tombstone (PutItem).
        Raises RepositoryUnavailable or ConfigurationError."""
        dynamodb_erasure.finish_deletion(
            self._client, self._interviews, interview_id, self._clock.now(), keep_record=keep_record
        )


def _check_lease_seconds(lease_seconds: float) -> None:
    if not lease_seconds > 0:
        raise ValueError("lease_seconds must be positive")
