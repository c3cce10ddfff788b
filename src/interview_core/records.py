"""The rules for changing a stored interview: claims, leases, outcomes and question sets.

Pure functions from a record to its next version; repositories that hold records themselves
(in memory, SQLite) apply them inside their own atomic section. The DynamoDB repository
states the same rules as condition expressions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from interview_core.entities import Interview
from interview_core.errors import (
    AttemptsExhausted,
    InterviewAlreadyCompleted,
    InterviewDeleted,
    LeaseHeld,
    LeaseLost,
)
from interview_core.state import InterviewState, check_transition

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from interview_core.entities import Question


def require_positive_lease(lease_seconds: float) -> None:
    """Raise ValueError (a caller's mistake) unless the lease lasts some time."""
    if not lease_seconds > 0:
        raise ValueError("lease_seconds must be positive")


def check_claimable(record: Interview, now: datetime, *, force: bool = False) -> None:
    """Raise InterviewDeleted for a deleted (or deleting) record, whatever `force` says, then
    InterviewAlreadyCompleted when completed and not `force`, then LeaseHeld (with the seconds
    the lease has left) while any live lease exists, the caller's own included."""
    if record.state.erased:
        raise InterviewDeleted(record.id)
    if record.state is InterviewState.COMPLETED and not force:
        raise InterviewAlreadyCompleted(record.id)
    if record.has_live_lease(now):
        assert record.lease_expires_at is not None  # a live lease has an expiry
        raise LeaseHeld(record.id, (record.lease_expires_at - now).total_seconds())


def exhausted(
    record: Interview, now: datetime, max_attempts: int | None, *, force: bool = False
) -> Interview | None:
    """The record as a claim past `max_attempts` leaves it, or None while attempts are left.

    A claimable record (see `check_claimable`, whose refusals come first) still processing
    after `max_attempts` attempts (each of them crashed, timed out or was given back) ends
    failed with ATTEMPTS_EXHAUSTED. A pending, failed or completed record starts a new run and
    is claimed as usual. None when `max_attempts` is None (no limit).
    """
    check_claimable(record, now, force=force)
    unfinished = record.state is InterviewState.PROCESSING
    if max_attempts is None or not unfinished or record.attempts < max_attempts:
        return None
    error = AttemptsExhausted(record.id, record.attempts)
    return failed(record, error.code, error.message, now)


def claimed(
    record: Interview,
    owner: str,
    lease_seconds: float,
    now: datetime,
    *,
    force: bool = False,
) -> Interview:
    """The record once `owner` holds it: processing, a new lease, one more attempt.

    Refused as `check_claimable` says; earlier errors are cleared.
    """
    require_positive_lease(lease_seconds)
    check_claimable(record, now, force=force)
    check_transition(record.state, InterviewState.PROCESSING, force=force)
    return attrs.evolve(
        record,
        state=InterviewState.PROCESSING,
        lease_owner=owner,
        lease_expires_at=now + timedelta(seconds=lease_seconds),
        attempts=record.attempts + 1,
        error_code=None,
        error_message=None,
        created_at=record.created_at or now,
        updated_at=now,
    )


def held_by(record: Interview | None, interview_id: str, owner: str) -> Interview:
    """`record`, if `owner` holds its lease; raises LeaseLost otherwise (or for no record).

    A lease stays held after its expiry until another worker claims the interview, as the
    DynamoDB condition `lease_owner = :owner` has it.
    """
    if record is None or record.lease_owner != owner:
        raise LeaseLost(interview_id, owner)
    return record


def fenced(record: Interview | None, interview_id: str, owner: str, generation: int) -> Interview:
    """`record`, if a write of `owner`'s run in `generation` may change it: `owner` holds the
    lease, the interview is processing and still in `generation`. Raises LeaseLost otherwise
    (or for no record): a worker that no longer holds the interview changes nothing."""
    held = held_by(record, interview_id, owner)
    if held.state is not InterviewState.PROCESSING or held.generation != generation:
        raise LeaseLost(interview_id, owner)
    return held


def extended(record: Interview, lease_seconds: float, now: datetime) -> Interview:
    """The record with its lease running until now + `lease_seconds`."""
    require_positive_lease(lease_seconds)
    return attrs.evolve(
        record, lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now
    )


def released(record: Interview, now: datetime, *, throttled: bool = False) -> Interview:
    """The record without a lease, still processing and claimable at once.

    A run that ended `throttled` gives back the attempt its claim counted and starts the
    throttle patience (`throttled_since`) unless it has started already; any other run that
    ends this way clears it.
    """
    if throttled:
        return attrs.evolve(
            record,
            lease_owner=None,
            lease_expires_at=None,
            attempts=max(record.attempts - 1, 0),
            throttled_since=record.throttled_since or now,
            updated_at=now,
        )
    return attrs.evolve(
        record, lease_owner=None, lease_expires_at=None, throttled_since=None, updated_at=now
    )


def completed(
    record: Interview, question_count: int, now: datetime, *, questions_left_out: int = 0
) -> Interview:
    """The record completed with `question_count` questions (and how many a model limit kept
    out), its lease dropped."""
    check_transition(record.state, InterviewState.COMPLETED)
    return attrs.evolve(
        record,
        state=InterviewState.COMPLETED,
        question_count=question_count,
        questions_left_out=questions_left_out,
        lease_owner=None,
        lease_expires_at=None,
        error_code=None,
        error_message=None,
        throttled_since=None,
        updated_at=now,
    )


def failed(record: Interview, error_code: str, message: str, now: datetime) -> Interview:
    """The record failed with the reason, its lease dropped."""
    check_transition(record.state, InterviewState.FAILED)
    return attrs.evolve(
        record,
        state=InterviewState.FAILED,
        error_code=error_code,
        error_message=message,
        lease_owner=None,
        lease_expires_at=None,
        throttled_since=None,
        updated_at=now,
    )


def stamped(
    questions: Sequence[Question], now: datetime, earlier: Mapping[str, datetime | None]
) -> list[Question]:
    """`questions` as stored at `now`: `created_at` kept from an `earlier` write of the id."""
    return [
        attrs.evolve(question, created_at=earlier.get(question.id) or now, updated_at=now)
        for question in questions
    ]


def check_question_set(interview_id: str, questions: Sequence[Question]) -> None:
    """Raise ValueError (a caller's mistake) for questions of another interview or shared ids."""
    seen: set[str] = set()
    for question in questions:
        if question.interview_id != interview_id:
            raise ValueError(f"question {question.id} belongs to {question.interview_id}")
        if question.id in seen:
            raise ValueError(f"question id {question.id} appears twice: ids must be distinct")
        seen.add(question.id)


def reopened(record: Interview, now: datetime) -> Interview:
    """The record pending again for an operator's rerun: no lease, no error, no attempts,
    and the next generation.

    Refused with LeaseHeld while a live lease exists. This is the operator's reset, outside
    the worker's transitions: any state but deleted may go back to pending once no worker
    holds it. Raises InterviewDeleted for a deleted (or deleting) record.
    """
    if record.state.erased:
        raise InterviewDeleted(record.id)
    if record.has_live_lease(now):
        raise LeaseHeld(record.id)
    return attrs.evolve(
        record,
        state=InterviewState.PENDING,
        attempts=0,
        generation=record.generation + 1,
        lease_owner=None,
        lease_expires_at=None,
        error_code=None,
        error_message=None,
        throttled_since=None,
        updated_at=now,
    )


def next_generation(record: Interview, now: datetime) -> Interview:
    """The record in its next generation with a fresh attempt budget, for a dead-letter
    redrive: no attempts, no error, no throttle patience spent, and a failed record pending
    again. Any other state and a lease stay as they are (a worker that holds the lease goes
    on). Raises InterviewDeleted for a deleted (or deleting) record."""
    if record.state.erased:
        raise InterviewDeleted(record.id)
    state = InterviewState.PENDING if record.state is InterviewState.FAILED else record.state
    return attrs.evolve(
        record,
        state=state,
        attempts=0,
        generation=record.generation + 1,
        error_code=None,
        error_message=None,
        throttled_since=None,
        updated_at=now,
    )


def deletion_begun(record: Interview, now: datetime) -> Interview:
    """The record once the operator's delete has begun: `deleting`, its lease dropped, all
    else kept (the steps that follow read its generation and video location).

    Refused with LeaseHeld while a live lease exists. A record already deleting comes back
    as it is, so that a delete cut short is finished by the next; a deleted one too.
    """
    if record.state.erased:
        return record
    if record.has_live_lease(now):
        assert record.lease_expires_at is not None  # a live lease has an expiry
        raise LeaseHeld(record.id, (record.lease_expires_at - now).total_seconds())
    return attrs.evolve(
        record,
        state=InterviewState.DELETING,
        lease_owner=None,
        lease_expires_at=None,
        updated_at=now,
    )


def tombstone(record: Interview, now: datetime) -> Interview:
    """What a deleted record keeps with --keep-record: its id, `deleted`, its timestamps."""
    return Interview(
        id=record.id,
        video_path="",
        state=InterviewState.DELETED,
        created_at=record.created_at,
        updated_at=now,
    )


def as_created(interview: Interview) -> Interview:
    """A new record as the upstream writes one: its own fields only, nothing of ours."""
    return Interview(
        id=interview.id,
        video_path=interview.video_path,
        user_id=interview.user_id,
        state=interview.state,
        created_at=interview.created_at,
        updated_at=interview.updated_at,
    )


def check_limit(limit: int) -> None:
    """Raise ValueError (a caller's mistake) unless `limit` asks for at least one item."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
