"""InMemoryInterviewRepository: interview records and questions in a dict, with leases."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import attrs

from interview_core import records
from interview_core.clock import SystemClock
from interview_core.errors import (
    AttemptsExhausted,
    InterviewExists,
    InterviewNotFound,
    LeaseLost,
)
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Interview, Question
    from interview_core.ports import Clock


class InMemoryInterviewRepository:
    """An InterviewRepository in memory, with the DynamoDB adapter's conditions and errors.

    Thread-safe: one lock guards every read and write, so a claim is atomic. Records are
    frozen and handed out as copies. A lease is held by `owner` while the record's
    `lease_owner` equals it, also after `lease_expires_at` has passed, as long as no other
    worker has claimed since (the DynamoDB condition `lease_owner = :owner`). An unknown
    interview holds no lease, so the lease operations raise LeaseLost for it. Questions are
    kept per interview by id, as the questions table and its `interview_id` index keep them.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._interviews: dict[str, Interview] = {}
        self._questions: dict[str, dict[str, Question]] = {}  # by interview, then by id

    # --- seeding and inspection ---------------------------------------------------------

    def add(self, interview: Interview) -> None:
        """Store `interview` as is, replacing any record with its id (as the upstream does)."""
        with self._lock:
            self._interviews[interview.id] = interview

    def all(self) -> list[Interview]:
        """Every interview record, in the order they were first added."""
        with self._lock:
            return [attrs.evolve(record) for record in self._interviews.values()]

    def all_questions(self) -> list[Question]:
        """Every stored question of every interview, in the order they were written."""
        with self._lock:
            return [q for stored in self._questions.values() for q in stored.values()]

    # --- the InterviewRepository port ---------------------------------------------------

    def get(self, interview_id: str) -> Interview:
        """The interview record. Raises InterviewNotFound."""
        with self._lock:
            return attrs.evolve(self._existing(interview_id))

    def claim(
        self,
        interview_id: str,
        owner: str,
        lease_seconds: float,
        *,
        force: bool = False,
        max_attempts: int | None = None,
    ) -> Interview:
        """Move the interview to processing under a lease held by `owner` for `lease_seconds`.

        Refused with InterviewAlreadyCompleted when completed and not `force`, then with
        LeaseHeld while any live lease exists (the caller's own included). An interview still
        processing after `max_attempts` attempts is marked failed (AttemptsExhausted). On
        success the attempt counter goes up by one and earlier error fields are cleared.
        Raises InterviewNotFound for an unknown id.
        """
        records.require_positive_lease(lease_seconds)
        with self._lock:
            record = self._existing(interview_id)
            now = self._clock.now()
            ended = records.exhausted(record, now, max_attempts, force=force)
            if ended is not None:
                self._interviews[interview_id] = ended
                raise AttemptsExhausted(interview_id, record.attempts)
            record = records.claimed(record, owner, lease_seconds, now, force=force)
            self._interviews[interview_id] = record
        return attrs.evolve(record)

    def extend_lease(self, interview_id: str, owner: str, lease_seconds: float) -> None:
        """Set the lease's expiry to now + `lease_seconds`. Raises LeaseLost if not held."""
        records.require_positive_lease(lease_seconds)
        with self._lock:
            record = records.extended(
                self._held(interview_id, owner), lease_seconds, self._clock.now()
            )
            self._interviews[interview_id] = record

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        """Drop the lease, leaving the interview processing and claimable at once; a
        `throttled` run gives its attempt back and starts the throttle patience.

        Raises LeaseLost if `owner` does not hold it.
        """
        with self._lock:
            record = records.released(
                self._held(interview_id, owner), self._clock.now(), throttled=throttled
            )
            self._interviews[interview_id] = record

    def replace_questions(
        self,
        interview_id: str,
        questions: Sequence[Question],
        *,
        owner: str,
        generation: int,
    ) -> None:
        """Make `questions` the interview's only questions; earlier ones not among them go.

        Fenced: only while `owner` holds the lease, the interview is processing and in
        `generation`; otherwise nothing changes and LeaseLost is raised. Raises ValueError (a
        caller's mistake) when a question belongs to another interview or two share an id,
        which the questions table would refuse too.
        """
        records.check_question_set(interview_id, questions)
        with self._lock:
            records.fenced(self._interviews.get(interview_id), interview_id, owner, generation)
            earlier = {
                question_id: stored.created_at
                for question_id, stored in self._questions.get(interview_id, {}).items()
            }
            written = records.stamped(questions, self._clock.now(), earlier)
            self._questions[interview_id] = {question.id: question for question in written}

    def list_questions(self, interview_id: str) -> list[Question]:
        """The interview's stored questions ordered by position; empty for an unknown id."""
        with self._lock:
            found = list(self._questions.get(interview_id, {}).values())
        return sorted(found, key=lambda question: question.position)

    def mark_completed(
        self,
        interview_id: str,
        owner: str,
        question_count: int,
        *,
        generation: int | None = None,
        questions_left_out: int = 0,
    ) -> None:
        """Move to completed with `question_count` and `questions_left_out`, dropping the
        lease, while `owner` holds it (and the interview is in `generation`, when given).

        Raises LeaseLost.
        """
        with self._lock:
            record = self._held(interview_id, owner)
            if generation is not None and record.generation != generation:
                raise LeaseLost(interview_id, owner)
            record = records.completed(
                record, question_count, self._clock.now(), questions_left_out=questions_left_out
            )
            self._interviews[interview_id] = record

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        """Move to failed with `error_code` and `message`, dropping the lease, while held.

        Raises LeaseLost.
        """
        with self._lock:
            record = records.failed(
                self._held(interview_id, owner), error_code, message, self._clock.now()
            )
            self._interviews[interview_id] = record

    # --- helpers, called with the lock held ---------------------------------------------

    def _existing(self, interview_id: str) -> Interview:
        try:
            return self._interviews[interview_id]
        except KeyError:
            raise InterviewNotFound(interview_id) from None

    def _held(self, interview_id: str, owner: str) -> Interview:
        return records.held_by(self._interviews.get(interview_id), interview_id, owner)

    # --- the InterviewCatalog role ------------------------------------------------------

    def create(self, interview: Interview) -> None:
        """Store a new record with the upstream's fields only. Raises InterviewExists."""
        with self._lock:
            if interview.id in self._interviews:
                raise InterviewExists(interview.id)
            self._interviews[interview.id] = records.as_created(interview)

    def list_by_state(self, state: InterviewState, limit: int) -> list[Interview]:
        """Up to `limit` interviews in `state`, in the order they were first added."""
        records.check_limit(limit)
        with self._lock:
            found = [record for record in self._interviews.values() if record.state is state]
        return found[:limit]

    def reset_for_reprocess(self, interview_id: str) -> Interview:
        """Pending again, attempts at zero, no error, the next generation. Raises
        InterviewNotFound or LeaseHeld."""
        with self._lock:
            record = records.reopened(self._existing(interview_id), self._clock.now())
            self._interviews[interview_id] = record
        return attrs.evolve(record)

    def start_new_generation(self, interview_id: str) -> Interview:
        """The generation raised by one with a fresh attempt budget (see
        `records.next_generation`). Raises InterviewNotFound."""
        with self._lock:
            record = records.next_generation(self._existing(interview_id), self._clock.now())
            self._interviews[interview_id] = record
        return attrs.evolve(record)

    # --- the InterviewEraser role -------------------------------------------------------

    def begin_deletion(self, interview_id: str) -> Interview:
        """Deleting, its lease dropped (see `records.deletion_begun`). Raises
        InterviewNotFound or LeaseHeld."""
        with self._lock:
            record = records.deletion_begun(self._existing(interview_id), self._clock.now())
            self._interviews[interview_id] = record
        return attrs.evolve(record)

    def delete_questions(self, interview_id: str) -> int:
        """Remove the interview's questions; how many there were."""
        with self._lock:
            return len(self._questions.pop(interview_id, {}))

    def finish_deletion(self, interview_id: str, *, keep_record: bool) -> None:
        """Remove the deleting record, or reduce it to a tombstone with `keep_record`."""
        with self._lock:
            record = self._interviews.get(interview_id)
            if record is None or record.state is not InterviewState.DELETING:
                return
            if keep_record:
                self._interviews[interview_id] = records.tombstone(record, self._clock.now())
            else:
                del self._interviews[interview_id]
