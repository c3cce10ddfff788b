"""Stateful property test: no sequence of lease operations reaches an illegal interview state.

Claims (plain and forced), lease extensions, releases, completions, failures, question
rewrites and clock jumps that expire leases are driven at random against
InMemoryInterviewRepository. A small model predicts which operations must succeed; after
every step the record must agree with it and satisfy the lifecycle invariants.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.analysis import build_questions
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview
from interview_core.errors import (
    InterviewAlreadyCompleted,
    InterviewDeleted,
    LeaseHeld,
    LeaseLost,
)
from interview_core.ids import question_id
from interview_core.state import InterviewState, is_legal

INTERVIEWS = ("a1f0c6de-0000-4000-8000-000000000001", "b2e1d7ef-0000-4000-8000-000000000002")
OWNERS = ("worker-1", "worker-2", "worker-3")
LEASES = (10.0, 60.0, 300.0)

interviews = st.sampled_from(INTERVIEWS)
owners = st.sampled_from(OWNERS)
leases = st.sampled_from(LEASES)


@attrs.define
class Expected:
    """What the model says one interview's record must hold."""

    state: InterviewState
    owner: str | None = None
    expires: datetime | None = None
    attempts: int = 0
    question_count: int | None = None
    error_code: str | None = None
    stored_questions: int = 0

    def live_lease(self, now: datetime) -> bool:
        return self.owner is not None and self.expires is not None and self.expires > now


class InterviewLifecycle(RuleBasedStateMachine):
    """Random lease operations on two interviews, checked against a model after each step."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock()
        self.repo = InMemoryInterviewRepository(self.clock)
        self.model: dict[str, Expected] = {}
        self.seen: dict[str, InterviewState] = {}

    @initialize(
        first=st.sampled_from(list(InterviewState)),
        second=st.sampled_from([None, "pending", "uploaded", "queued"]),
    )
    def seed(self, first: InterviewState, second: str | None) -> None:
        """One interview starts in any state a run leaves, the other as the upstream wrote it."""
        starts = {INTERVIEWS[0]: first, INTERVIEWS[1]: InterviewState.from_stored(second)}
        for interview_id, state in starts.items():
            done = state is InterviewState.COMPLETED
            failed = state is InterviewState.FAILED
            self.repo.add(
                Interview(
                    id=interview_id,
                    video_path="videos/x.mp4",
                    state=state,
                    question_count=0 if done else None,
                    error_code="SEEDED" if failed else None,
                )
            )
            self.model[interview_id] = Expected(
                state=state,
                question_count=0 if done else None,
                error_code="SEEDED" if failed else None,
            )
            self.seen[interview_id] = state

    # --- rules --------------------------------------------------------------------------

    @rule(interview_id=interviews, owner=owners, lease=leases, force=st.booleans())
    def claim(self, interview_id: str, owner: str, lease: float, force: bool) -> None:
        expected = self.model[interview_id]
        now = self.clock.now()
        try:
            claimed = self.repo.claim(interview_id, owner, lease, force=force)
        except InterviewDeleted:  # whatever `force` says: a deleted interview is never claimed
            assert expected.state.erased
        except InterviewAlreadyCompleted:
            assert expected.state is InterviewState.COMPLETED and not force
        except LeaseHeld:
            assert not (expected.state is InterviewState.COMPLETED and not force)
            assert expected.live_lease(now)
        else:
            assert expected.state is not InterviewState.COMPLETED or force
            assert not expected.state.erased
            assert not expected.live_lease(now)
            expected.state = InterviewState.PROCESSING
            expected.owner = owner
            expected.expires = now + timedelta(seconds=lease)
            expected.attempts += 1
            expected.error_code = None
            assert claimed == self.repo.get(interview_id)
        self._observe(interview_id, force=force)

    @rule(interview_id=interviews, owner=owners, lease=leases)
    def extend_lease(self, interview_id: str, owner: str, lease: float) -> None:
        expected = self.model[interview_id]
        if self._held(
            interview_id, owner, lambda: self.repo.extend_lease(interview_id, owner, lease)
        ):
            expected.expires = self.clock.now() + timedelta(seconds=lease)
        self._observe(interview_id)

    @rule(interview_id=interviews, owner=owners)
    def release(self, interview_id: str, owner: str) -> None:
        expected = self.model[interview_id]
        if self._held(interview_id, owner, lambda: self.repo.release(interview_id, owner)):
            expected.owner = expected.expires = None
        self._observe(interview_id)

    @rule(interview_id=interviews, owner=owners, count=st.integers(0, 4))
    def complete(self, interview_id: str, owner: str, count: int) -> None:
        expected = self.model[interview_id]
        if self._held(
            interview_id, owner, lambda: self.repo.mark_completed(interview_id, owner, count)
        ):
            expected.state = InterviewState.COMPLETED
            expected.owner = expected.expires = None
            expected.question_count = count
            expected.error_code = None
        self._observe(interview_id)

    @rule(interview_id=interviews, owner=owners, code=st.sampled_from(["VIDEO_NOT_FOUND", "X"]))
    def fail(self, interview_id: str, owner: str, code: str) -> None:
        expected = self.model[interview_id]
        if self._held(
            interview_id, owner, lambda: self.repo.mark_failed(interview_id, owner, code, "why")
        ):
            expected.state = InterviewState.FAILED
            expected.owner = expected.expires = None
            expected.error_code = code
        self._observe(interview_id)

    @rule(interview_id=interviews, owner=owners, count=st.integers(0, 5))
    def store_questions(self, interview_id: str, owner: str, count: int) -> None:
        """A fenced write: it lands exactly when `owner` holds the lease, else changes nothing."""
        extracted = [ExtractedQuestion(f"Q{n}?", f"A{n}.") for n in range(count)]
        written = build_questions(interview_id, extracted)
        if self._held(
            interview_id,
            owner,
            lambda: self.repo.replace_questions(interview_id, written, owner=owner, generation=0),
        ):
            self.model[interview_id].stored_questions = count

    @rule(seconds=st.sampled_from([1.0, 9.0, 10.0, 59.0, 61.0, 400.0]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def records_match_the_model(self) -> None:
        for interview_id, expected in self.model.items():
            record = self.repo.get(interview_id)
            assert record.state is expected.state
            assert record.lease_owner == expected.owner
            assert record.lease_expires_at == expected.expires
            assert record.attempts == expected.attempts
            assert record.question_count == expected.question_count
            assert record.error_code == expected.error_code

    @invariant()
    def lifecycle_invariants_hold(self) -> None:
        for record in self.repo.all():
            assert isinstance(record.state, InterviewState)
            assert (record.lease_owner is None) == (record.lease_expires_at is None)
            if record.lease_owner is not None:
                assert record.state is InterviewState.PROCESSING
            if record.state is InterviewState.COMPLETED:
                assert record.question_count is not None
                assert record.error_code is None
            if record.state is InterviewState.FAILED:
                assert record.error_code is not None

    @invariant()
    def questions_are_exactly_the_last_set_written(self) -> None:
        for interview_id, expected in self.model.items():
            stored = self.repo.list_questions(interview_id)
            assert [q.position for q in stored] == list(range(expected.stored_questions))
            assert [q.id for q in stored] == [
                question_id(interview_id, n) for n in range(expected.stored_questions)
            ]

    # --- helpers --------------------------------------------------------------------------

    def _held(self, interview_id: str, owner: str, action: Callable[[], None]) -> bool:
        """Run a lease-guarded action; it must succeed exactly when the model says `owner` holds."""
        holds = self.model[interview_id].owner == owner
        try:
            action()
        except LeaseLost:
            assert not holds
            return False
        assert holds
        return True

    def _observe(self, interview_id: str, *, force: bool = False) -> None:
        """Every state change between steps must be a legal transition."""
        before = self.seen[interview_id]
        after = self.repo.get(interview_id).state
        if after is not before:
            assert is_legal(before, after, force=force), f"{before} -> {after}"
            if before is InterviewState.COMPLETED:
                assert force, "a completed interview moved without a forced claim"
        self.seen[interview_id] = after


InterviewLifecycle.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
TestInterviewLifecycle = InterviewLifecycle.TestCase
