"""InMemoryInterviewRepository: conditional claims, leases, completion and question sets."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta

import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.analysis import build_questions
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview, Question
from interview_core.errors import (
    IllegalTransition,
    InterviewAlreadyCompleted,
    InterviewNotFound,
    LeaseHeld,
    LeaseLost,
)
from interview_core.state import InterviewState

ID = "0d9e5c8a-6a3b-4f43-9f5e-3f7a2b1c9d10"
OTHER_ID = "5b1f7e2c-1d4a-4c8b-8e6f-9a0b1c2d3e4f"
LEASE = 60.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def repo(clock: ManualClock) -> InMemoryInterviewRepository:
    repository = InMemoryInterviewRepository(clock)
    repository.add(Interview(id=ID, video_path="videos/a.mp4", user_id="user-1"))
    repository.add(Interview(id=OTHER_ID, video_path="videos/b.mp4"))
    return repository


def questions(interview_id: str, count: int) -> tuple[Question, ...]:
    extracted = [ExtractedQuestion(f"Question {n}?", f"Answer {n}.") for n in range(count)]
    return build_questions(interview_id, extracted)


def write(repo: InMemoryInterviewRepository, interview_id: str, stored: Sequence[Question]) -> None:
    """Store questions as a worker does: under its lease."""
    if repo.get(interview_id).lease_owner != "writer":
        repo.claim(interview_id, "writer", LEASE)
    repo.replace_questions(interview_id, stored, owner="writer", generation=0)


def test_get_returns_the_seeded_record(repo: InMemoryInterviewRepository) -> None:
    record = repo.get(ID)

    assert record == Interview(id=ID, video_path="videos/a.mp4", user_id="user-1")


def test_get_of_an_unknown_interview_raises_not_found(repo: InMemoryInterviewRepository) -> None:
    with pytest.raises(InterviewNotFound) as caught:
        repo.get("missing")

    assert caught.value.interview_id == "missing"


def test_all_lists_every_record(repo: InMemoryInterviewRepository) -> None:
    assert [record.id for record in repo.all()] == [ID, OTHER_ID]


def test_claim_takes_a_lease_and_counts_the_attempt(
    repo: InMemoryInterviewRepository, clock: ManualClock
) -> None:
    repo.add(Interview(id=ID, video_path="v.mp4", state=InterviewState.FAILED, error_code="X"))

    claimed = repo.claim(ID, "worker-a", LEASE)

    assert claimed.state is InterviewState.PROCESSING
    assert claimed.lease_owner == "worker-a"
    assert claimed.lease_expires_at == clock.now() + timedelta(seconds=LEASE)
    assert claimed.attempts == 1
    assert (claimed.error_code, claimed.error_message) == (None, None)
    assert claimed.updated_at == clock.now()
    assert repo.get(ID) == claimed


def test_claim_of_an_unknown_interview_raises_not_found(
    repo: InMemoryInterviewRepository,
) -> None:
    with pytest.raises(InterviewNotFound):
        repo.claim("missing", "worker-a", LEASE)


def test_a_live_lease_refuses_every_other_claim(repo: InMemoryInterviewRepository) -> None:
    repo.claim(ID, "worker-a", LEASE)

    for owner in ("worker-b", "worker-a"):
        with pytest.raises(LeaseHeld) as caught:
            repo.claim(ID, owner, LEASE)
        assert not caught.value.permanent
    assert repo.get(ID).lease_owner == "worker-a"
    assert repo.get(ID).attempts == 1


def test_an_expired_lease_can_be_taken_over(
    repo: InMemoryInterviewRepository, clock: ManualClock
) -> None:
    repo.claim(ID, "worker-a", LEASE)
    clock.advance(LEASE)  # expiry is exclusive: the lease ends at lease_expires_at

    taken = repo.claim(ID, "worker-b", LEASE)

    assert taken.lease_owner == "worker-b"
    assert taken.attempts == 2


def test_the_old_owner_loses_everything_after_a_takeover(
    repo: InMemoryInterviewRepository, clock: ManualClock
) -> None:
    repo.claim(ID, "worker-a", LEASE)
    clock.advance(LEASE + 1)
    repo.claim(ID, "worker-b", LEASE)

    with pytest.raises(LeaseLost):
        repo.extend_lease(ID, "worker-a", LEASE)
    with pytest.raises(LeaseLost):
        repo.release(ID, "worker-a")
    with pytest.raises(LeaseLost):
        repo.mark_completed(ID, "worker-a", 3)
    with pytest.raises(LeaseLost) as caught:
        repo.mark_failed(ID, "worker-a", "X", "x")
    assert caught.value.owner == "worker-a"
    assert repo.get(ID).lease_owner == "worker-b"
    assert repo.get(ID).state is InterviewState.PROCESSING


def test_an_owner_may_finish_after_expiry_if_nobody_claimed(
    repo: InMemoryInterviewRepository, clock: ManualClock
) -> None:
    repo.claim(ID, "worker-a", LEASE)
    clock.advance(LEASE * 3)

    repo.mark_completed(ID, "worker-a", 2)

    assert repo.get(ID).state is InterviewState.COMPLETED


def test_extend_lease_pushes_the_expiry(
    repo: InMemoryInterviewRepository, clock: ManualClock
) -> None:
    repo.claim(ID, "worker-a", LEASE)
    clock.advance(LEASE - 1)

    repo.extend_lease(ID, "worker-a", LEASE)
    clock.advance(LEASE - 1)

    assert repo.get(ID).lease_expires_at == clock.now() + timedelta(seconds=1)
    with pytest.raises(LeaseHeld):
        repo.claim(ID, "worker-b", LEASE)


def test_release_keeps_processing_and_lets_another_claim_at_once(
    repo: InMemoryInterviewRepository,
) -> None:
    repo.claim(ID, "worker-a", LEASE)

    repo.release(ID, "worker-a")

    released = repo.get(ID)
    assert released.state is InterviewState.PROCESSING
    assert (released.lease_owner, released.lease_expires_at) == (None, None)
    assert repo.claim(ID, "worker-b", LEASE).attempts == 2


def test_mark_completed_stores_the_count_and_makes_the_interview_final(
    repo: InMemoryInterviewRepository,
) -> None:
    repo.claim(ID, "worker-a", LEASE)

    repo.mark_completed(ID, "worker-a", 4)

    done = repo.get(ID)
    assert done.state is InterviewState.COMPLETED
    assert done.question_count == 4
    assert (done.lease_owner, done.lease_expires_at) == (None, None)
    with pytest.raises(InterviewAlreadyCompleted) as caught:
        repo.claim(ID, "worker-b", LEASE)
    assert caught.value.permanent
    assert repo.get(ID) == done


def test_a_forced_claim_reprocesses_a_completed_interview(
    repo: InMemoryInterviewRepository,
) -> None:
    repo.claim(ID, "worker-a", LEASE)
    repo.mark_completed(ID, "worker-a", 4)

    again = repo.claim(ID, "worker-b", LEASE, force=True)

    assert again.state is InterviewState.PROCESSING
    assert again.attempts == 2


def test_a_forced_claim_still_respects_a_live_lease(repo: InMemoryInterviewRepository) -> None:
    repo.claim(ID, "worker-a", LEASE)

    with pytest.raises(LeaseHeld):
        repo.claim(ID, "worker-b", LEASE, force=True)


def test_mark_failed_stores_the_reason_and_allows_a_new_claim(
    repo: InMemoryInterviewRepository,
) -> None:
    repo.claim(ID, "worker-a", LEASE)

    repo.mark_failed(ID, "worker-a", "VIDEO_NOT_FOUND", "no video at key 'a.mp4'")

    failed = repo.get(ID)
    assert failed.state is InterviewState.FAILED
    assert (failed.error_code, failed.error_message) == (
        "VIDEO_NOT_FOUND",
        "no video at key 'a.mp4'",
    )
    assert failed.lease_owner is None
    reclaimed = repo.claim(ID, "worker-b", LEASE)
    assert (reclaimed.error_code, reclaimed.error_message) == (None, None)


@pytest.mark.parametrize("owner", ["worker-b", ""])
def test_a_non_owner_can_neither_complete_nor_fail_nor_release(
    repo: InMemoryInterviewRepository, owner: str
) -> None:
    repo.claim(ID, "worker-a", LEASE)

    with pytest.raises(LeaseLost):
        repo.mark_completed(ID, owner, 1)
    with pytest.raises(LeaseLost):
        repo.mark_failed(ID, owner, "X", "x")
    with pytest.raises(LeaseLost):
        repo.release(ID, owner)
    with pytest.raises(LeaseLost):
        repo.extend_lease(ID, owner, LEASE)
    assert repo.get(ID).lease_owner == "worker-a"


def test_lease_operations_on_an_unclaimed_or_unknown_interview_are_lease_lost(
    repo: InMemoryInterviewRepository,
) -> None:
    for interview_id in (ID, "missing"):
        with pytest.raises(LeaseLost):
            repo.mark_completed(interview_id, "worker-a", 1)
        with pytest.raises(LeaseLost):
            repo.extend_lease(interview_id, "worker-a", LEASE)


def test_transitions_are_checked_even_for_an_inconsistent_seeded_record(
    repo: InMemoryInterviewRepository,
) -> None:
    repo.add(Interview(id=ID, video_path="v.mp4", state=InterviewState.COMPLETED, lease_owner="w"))

    with pytest.raises(IllegalTransition):
        repo.mark_failed(ID, "w", "X", "x")


@pytest.mark.parametrize("seconds", [0.0, -5.0])
def test_a_lease_must_last(repo: InMemoryInterviewRepository, seconds: float) -> None:
    with pytest.raises(ValueError):
        repo.claim(ID, "worker-a", seconds)


def test_only_one_of_many_racing_claims_wins(repo: InMemoryInterviewRepository) -> None:
    start = threading.Barrier(8)
    winners: list[str] = []
    refused: list[str] = []

    def contend(owner: str) -> None:
        start.wait()
        try:
            repo.claim(ID, owner, LEASE)
            winners.append(owner)
        except LeaseHeld:
            refused.append(owner)

    threads = [threading.Thread(target=contend, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(winners) == 1
    assert len(refused) == 7
    assert repo.get(ID).lease_owner == winners[0]
    assert repo.get(ID).attempts == 1


def test_replace_questions_stores_them_ordered_by_position(
    repo: InMemoryInterviewRepository,
) -> None:
    stored = questions(ID, 4)

    write(repo, ID, list(reversed(stored)))

    assert repo.list_questions(ID) == list(stored)


def test_a_rerun_with_fewer_questions_leaves_none_behind(
    repo: InMemoryInterviewRepository,
) -> None:
    write(repo, ID, questions(ID, 5))

    write(repo, ID, questions(ID, 2))

    assert [q.position for q in repo.list_questions(ID)] == [0, 1]
    assert len(repo.all_questions()) == 2


def test_replacing_with_no_questions_clears_them(repo: InMemoryInterviewRepository) -> None:
    write(repo, ID, questions(ID, 3))

    write(repo, ID, [])

    assert repo.list_questions(ID) == []


def test_replacing_is_idempotent(repo: InMemoryInterviewRepository) -> None:
    write(repo, ID, questions(ID, 3))
    write(repo, ID, questions(ID, 3))

    assert repo.list_questions(ID) == list(questions(ID, 3))


def test_other_interviews_keep_their_questions(repo: InMemoryInterviewRepository) -> None:
    write(repo, OTHER_ID, questions(OTHER_ID, 2))

    write(repo, ID, questions(ID, 3))
    write(repo, ID, [])

    assert repo.list_questions(OTHER_ID) == list(questions(OTHER_ID, 2))


def test_list_questions_of_an_unknown_interview_is_empty(
    repo: InMemoryInterviewRepository,
) -> None:
    assert repo.list_questions("missing") == []


def test_questions_of_another_interview_are_refused(repo: InMemoryInterviewRepository) -> None:
    with pytest.raises(ValueError):
        write(repo, ID, questions(OTHER_ID, 1))
    assert repo.all_questions() == []


def test_questions_sharing_an_id_are_refused(repo: InMemoryInterviewRepository) -> None:
    first = questions(ID, 1)[0]

    with pytest.raises(ValueError):
        write(repo, ID, [first, first])
