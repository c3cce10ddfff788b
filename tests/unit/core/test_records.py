"""The record rules: claims, leases, outcomes and question sets as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from interview_core import records
from interview_core.entities import Interview, Question
from interview_core.errors import (
    IllegalTransition,
    InterviewAlreadyCompleted,
    LeaseHeld,
    LeaseLost,
)
from interview_core.state import InterviewState

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PENDING = Interview(id="i-1", video_path="a.mp4", error_code="OLD", error_message="old")


def test_a_claim_starts_a_lease_counts_an_attempt_and_clears_old_errors() -> None:
    record = records.claimed(PENDING, "w1", 60, NOW)
    assert record.state is InterviewState.PROCESSING
    assert (record.lease_owner, record.lease_expires_at) == ("w1", NOW + timedelta(seconds=60))
    assert record.attempts == 1
    assert (record.error_code, record.error_message) == (None, None)


def test_a_live_lease_refuses_every_claimant_including_its_holder() -> None:
    held = records.claimed(PENDING, "w1", 60, NOW)
    for owner in ("w1", "w2"):
        with pytest.raises(LeaseHeld):
            records.claimed(held, owner, 60, NOW + timedelta(seconds=59))


def test_an_expired_lease_can_be_taken_over_at_its_expiry() -> None:
    held = records.claimed(PENDING, "w1", 60, NOW)
    taken = records.claimed(held, "w2", 60, NOW + timedelta(seconds=60))
    assert taken.lease_owner == "w2"
    assert taken.attempts == 2


def test_completed_is_final_unless_forced() -> None:
    done = records.completed(records.claimed(PENDING, "w1", 60, NOW), 3, NOW)
    with pytest.raises(InterviewAlreadyCompleted):
        records.claimed(done, "w2", 60, NOW)
    assert records.claimed(done, "w2", 60, NOW, force=True).state is InterviewState.PROCESSING


def test_only_the_holder_acts_under_a_lease() -> None:
    held = records.claimed(PENDING, "w1", 60, NOW)
    assert records.held_by(held, "i-1", "w1") is held
    with pytest.raises(LeaseLost):
        records.held_by(held, "i-1", "w2")
    with pytest.raises(LeaseLost):
        records.held_by(None, "i-1", "w1")


def test_outcomes_drop_the_lease_and_record_what_happened() -> None:
    held = records.claimed(PENDING, "w1", 60, NOW)
    done = records.completed(held, 4, NOW)
    assert (done.state, done.question_count, done.lease_owner) == (
        InterviewState.COMPLETED, 4, None
    )  # fmt: skip
    failed = records.failed(held, "NO_AUDIO_TRACK", "no audio", NOW)
    assert (failed.state, failed.error_code, failed.lease_expires_at) == (
        InterviewState.FAILED, "NO_AUDIO_TRACK", None
    )  # fmt: skip
    with pytest.raises(IllegalTransition):
        records.completed(failed, 1, NOW)


def test_extending_and_releasing_keep_the_state() -> None:
    held = records.claimed(PENDING, "w1", 60, NOW)
    later = NOW + timedelta(seconds=30)
    assert records.extended(held, 60, later).lease_expires_at == later + timedelta(seconds=60)
    released = records.released(held, later)
    assert (released.state, released.lease_owner) == (InterviewState.PROCESSING, None)


@pytest.mark.parametrize("seconds", [0, -1])
def test_a_lease_must_last_some_time(seconds: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        records.claimed(PENDING, "w1", seconds, NOW)


def _question(question_id: str, interview_id: str = "i-1") -> Question:
    return Question(question_id, interview_id, 0, "Why?", "", "", "general", False, None, None)


def test_question_sets_belong_to_one_interview_with_distinct_ids() -> None:
    records.check_question_set("i-1", [_question("a"), _question("b")])
    with pytest.raises(ValueError, match="distinct"):
        records.check_question_set("i-1", [_question("a"), _question("a")])
    with pytest.raises(ValueError, match="belong"):
        records.check_question_set("i-1", [_question("a", "i-2")])


def test_rules_never_change_the_record_they_are_given() -> None:
    before = attrs.evolve(PENDING)
    records.claimed(PENDING, "w1", 60, NOW)
    assert before == PENDING


def test_a_question_write_is_fenced_by_owner_state_and_generation() -> None:
    held = records.claimed(attrs.evolve(PENDING, generation=2), "w1", 60, NOW)

    assert records.fenced(held, "i-1", "w1", 2) == held
    for record, owner, generation in [
        (held, "w2", 2),  # another owner
        (held, "w1", 1),  # an earlier generation
        (attrs.evolve(held, generation=3), "w1", 2),  # the generation moved on
        (attrs.evolve(held, state=InterviewState.COMPLETED), "w1", 2),  # not processing
        (None, "w1", 2),  # no record
    ]:
        with pytest.raises(LeaseLost):
            records.fenced(record, "i-1", owner, generation)


def test_only_a_lapsed_lease_never_given_back_marks_a_vanished_run() -> None:
    held = records.claimed(PENDING, "w1", 60, NOW)
    lapsed = NOW + timedelta(seconds=61)
    assert held.last_run_vanished(lapsed)  # its worker died: nobody gave the lease back
    assert not held.last_run_vanished(NOW + timedelta(seconds=59))  # still running somewhere
    assert not records.released(held, NOW).last_run_vanished(lapsed)  # handed back
    assert not records.released(held, NOW, throttled=True).last_run_vanished(lapsed)
    assert not PENDING.last_run_vanished(lapsed)
    for state in (InterviewState.COMPLETED, InterviewState.FAILED):
        assert not attrs.evolve(held, state=state).last_run_vanished(lapsed)
