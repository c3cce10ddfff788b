"""One contract for every InterviewRepository: the in-memory fake, SQLite and DynamoDB on
moto give the same results and raise the same errors."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import boto3
import pytest
from botocore.config import Config

from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables, put_interview
from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.sqlite_repository import SqliteInterviewRepository
from interview_core.analysis import build_questions
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview, Question
from interview_core.errors import (
    AttemptsExhausted,
    IllegalTransition,
    InterviewAlreadyCompleted,
    InterviewDeleted,
    InterviewExists,
    InterviewNotFound,
    LeaseHeld,
    LeaseLost,
)
from interview_core.ids import question_id
from interview_core.ports import InterviewCatalog, InterviewEraser, InterviewRepository
from interview_core.state import InterviewState

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LEASE = 60.0


@attrs.define
class Subject:
    """A repository under test, the clock it reads and a way to seed records as upstream does."""

    repository: InterviewRepository
    clock: ManualClock
    add: Callable[[Interview], None]

    def seed(self, interview_id: str = "iv-1", **fields: Any) -> Interview:
        interview = Interview(
            id=interview_id, video_path=f"videos/{interview_id}.mp4", created_at=START, **fields
        )
        self.add(interview)
        return interview


@pytest.fixture(params=["memory", "sqlite", "dynamodb"])
def subject(request: pytest.FixtureRequest) -> Subject:
    """Each repository with fresh storage and a manual clock at START."""
    clock = ManualClock(START)
    if request.param == "memory":
        memory = InMemoryInterviewRepository(clock)
        return Subject(memory, clock, memory.add)
    if request.param == "sqlite":
        tmp_path: Path = request.getfixturevalue("tmp_path")
        sqlite = SqliteInterviewRepository(tmp_path / "interviews.db", clock=clock)
        return Subject(sqlite, clock, sqlite.add)
    endpoint: str = request.getfixturevalue("aws_endpoint")
    session: boto3.Session = request.getfixturevalue("boto_session")
    config: Config = request.getfixturevalue("client_config")
    client = session.client("dynamodb", endpoint_url=endpoint, config=config)
    create_interview_tables(client, "interviews", "questions", questions_index="by-interview")
    dynamodb = DynamoDBInterviewRepository(
        client, "interviews", "questions", questions_index="by-interview", clock=clock
    )
    return Subject(
        dynamodb, clock, lambda interview: put_interview(client, "interviews", interview)
    )


def make_questions(interview_id: str, count: int, *, variant: str = "") -> list[Question]:
    return [
        Question(
            id=question_id(interview_id, n),
            interview_id=interview_id,
            position=n,
            question=f"{variant}Why {n}?",
            answer=f"Because {n}.",
            context="" if n % 2 else f"said at {n}",
            question_context="behavioural" if n % 2 else "technical",
            is_global=n % 3 == 0,
            start_time=None if n % 4 == 0 else n * 2.5 + 0.1,
            end_time=None if n % 4 == 0 else n * 2.5 + 1.7,
            user_id=None if n % 5 == 0 else "user-1",
        )
        for n in range(count)
    ]


# --- get and claim ------------------------------------------------------------------------


def test_get_returns_the_record_as_stored(subject: Subject) -> None:
    seeded = subject.seed(
        user_id="user-1",
        state=InterviewState.FAILED,
        attempts=2,
        error_code="VIDEO_NOT_FOUND",
        error_message="no video",
        question_count=3,
        updated_at=START + timedelta(seconds=1.5),
    )

    assert subject.repository.get("iv-1") == seeded
    with pytest.raises(InterviewNotFound):
        subject.repository.get("unknown")


def test_claim_moves_to_processing_under_a_lease(subject: Subject) -> None:
    subject.seed(state=InterviewState.FAILED, attempts=1, error_code="X", error_message="y")
    subject.clock.advance(10)

    claimed = subject.repository.claim("iv-1", "worker-a", LEASE)

    expected = Interview(
        id="iv-1",
        video_path="videos/iv-1.mp4",
        state=InterviewState.PROCESSING,
        attempts=2,
        lease_owner="worker-a",
        lease_expires_at=START + timedelta(seconds=10 + LEASE),
        created_at=START,
        updated_at=START + timedelta(seconds=10),
    )
    assert claimed == expected
    assert subject.repository.get("iv-1") == expected


def test_claim_refusals(subject: Subject) -> None:
    subject.seed("done", state=InterviewState.COMPLETED)
    subject.seed("busy")
    subject.repository.claim("busy", "worker-a", LEASE)

    with pytest.raises(InterviewNotFound):
        subject.repository.claim("unknown", "worker-a", LEASE)
    with pytest.raises(InterviewAlreadyCompleted):
        subject.repository.claim("done", "worker-a", LEASE)
    with pytest.raises(LeaseHeld):
        subject.repository.claim("busy", "worker-b", LEASE)
    with pytest.raises(LeaseHeld):
        subject.repository.claim("busy", "worker-a", LEASE)
    with pytest.raises(ValueError):
        subject.repository.claim("busy", "worker-a", 0)
    assert subject.repository.get("busy").attempts == 1
    assert subject.repository.get("done").attempts == 0


def test_force_reclaims_a_completed_interview(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.repository.mark_completed("iv-1", "worker-a", 4)
    with pytest.raises(InterviewAlreadyCompleted):
        subject.repository.claim("iv-1", "worker-b", LEASE)

    again = subject.repository.claim("iv-1", "worker-b", LEASE, force=True)

    assert again.state is InterviewState.PROCESSING
    assert (again.attempts, again.lease_owner, again.question_count) == (2, "worker-b", 4)


def test_a_lease_held_elsewhere_says_how_long_it_has_left(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.clock.advance(LEASE - 12.5)

    with pytest.raises(LeaseHeld) as held:
        subject.repository.claim("iv-1", "worker-b", LEASE)

    assert held.value.remaining_seconds == pytest.approx(12.5)


def test_the_claim_past_max_attempts_marks_the_unfinished_run_failed(subject: Subject) -> None:
    subject.seed()
    for owner in ("crashed-1", "crashed-2"):
        subject.repository.claim("iv-1", owner, LEASE, max_attempts=2)
        subject.clock.advance(LEASE)  # each attempt died with its lease

    with pytest.raises(AttemptsExhausted) as exhausted:
        subject.repository.claim("iv-1", "worker-c", LEASE, max_attempts=2)

    assert exhausted.value.attempts == 2
    record = subject.repository.get("iv-1")
    assert (record.state, record.error_code, record.attempts) == (
        InterviewState.FAILED,
        "ATTEMPTS_EXHAUSTED",
        2,
    )
    assert record.error_message is not None and "2 times" in record.error_message
    assert (record.lease_owner, record.lease_expires_at) == (None, None)
    assert record.updated_at == START + timedelta(seconds=2 * LEASE)


def test_attempts_exhaust_only_an_unfinished_run_without_a_live_lease(subject: Subject) -> None:
    subject.seed("again", state=InterviewState.FAILED, attempts=4)
    subject.seed("pending", attempts=9)
    subject.seed("held")
    subject.repository.claim("held", "worker-a", LEASE, max_attempts=1)

    with pytest.raises(LeaseHeld):
        subject.repository.claim("held", "worker-b", LEASE, max_attempts=1)
    assert subject.repository.claim("again", "worker-b", LEASE, max_attempts=3).attempts == 5
    assert subject.repository.claim("pending", "worker-b", LEASE, max_attempts=3).attempts == 10
    assert subject.repository.get("held").state is InterviewState.PROCESSING
    subject.clock.advance(LEASE)
    assert subject.repository.claim("held", "worker-b", LEASE).attempts == 2  # no limit


def claim_race(repository: InterviewRepository, interview_id: str) -> dict[str, object]:
    """Two threads claim at once after a barrier; each owner's Interview or LeaseHeld."""
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def contend(owner: str) -> None:
        barrier.wait()
        try:
            outcomes[owner] = repository.claim(interview_id, owner, LEASE)
        except LeaseHeld as exc:
            outcomes[owner] = exc

    threads = [threading.Thread(target=contend, args=(owner,)) for owner in ("w0", "w1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return outcomes


def test_claim_race_between_two_threads_has_exactly_one_winner(subject: Subject) -> None:
    for n in range(5):
        subject.seed(f"race-{n}")

        outcomes = claim_race(subject.repository, f"race-{n}")

        winners = [o for o, result in outcomes.items() if isinstance(result, Interview)]
        assert len(winners) == 1
        assert sum(isinstance(result, LeaseHeld) for result in outcomes.values()) == 1
        stored = subject.repository.get(f"race-{n}")
        assert (stored.lease_owner, stored.attempts) == (winners[0], 1)


def test_expired_lease_is_taken_over_and_the_old_owner_loses_it(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.clock.advance(LEASE - 0.001)
    with pytest.raises(LeaseHeld):
        subject.repository.claim("iv-1", "worker-b", LEASE)

    subject.clock.advance(0.001)  # now == expiry: the lease is no longer live
    taken = subject.repository.claim("iv-1", "worker-b", LEASE)

    assert (taken.lease_owner, taken.attempts) == ("worker-b", 2)
    with pytest.raises(LeaseLost):
        subject.repository.extend_lease("iv-1", "worker-a", LEASE)
    with pytest.raises(LeaseLost):
        subject.repository.release("iv-1", "worker-a")
    with pytest.raises(LeaseLost):
        subject.repository.mark_completed("iv-1", "worker-a", 1)
    with pytest.raises(LeaseLost):
        subject.repository.mark_failed("iv-1", "worker-a", "X", "late")
    assert subject.repository.get("iv-1") == taken


# --- leases and outcomes ------------------------------------------------------------------


def test_extend_pushes_the_expiry_while_the_owner_holds_it(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.clock.advance(LEASE + 5)  # expired, but nobody took it over

    subject.repository.extend_lease("iv-1", "worker-a", 30)

    extended = subject.repository.get("iv-1")
    assert extended.lease_expires_at == START + timedelta(seconds=LEASE + 35)
    assert extended.updated_at == START + timedelta(seconds=LEASE + 5)
    with pytest.raises(LeaseHeld):
        subject.repository.claim("iv-1", "worker-b", LEASE)
    with pytest.raises(LeaseLost):
        subject.repository.extend_lease("iv-1", "worker-b", 30)
    with pytest.raises(LeaseLost):
        subject.repository.extend_lease("unknown", "worker-a", 30)


def test_release_drops_the_lease_and_keeps_processing(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    with pytest.raises(LeaseLost):
        subject.repository.release("iv-1", "worker-b")

    subject.repository.release("iv-1", "worker-a")

    released = subject.repository.get("iv-1")
    assert released.state is InterviewState.PROCESSING
    assert (released.lease_owner, released.lease_expires_at) == (None, None)
    with pytest.raises(LeaseLost):
        subject.repository.release("iv-1", "worker-a")
    assert subject.repository.claim("iv-1", "worker-b", LEASE).attempts == 2


def test_a_throttled_release_gives_the_attempt_back_and_starts_the_patience(
    subject: Subject,
) -> None:
    subject.seed(attempts=2, state=InterviewState.PROCESSING)
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.clock.advance(5)
    with pytest.raises(LeaseLost):
        subject.repository.release("iv-1", "worker-b", throttled=True)

    subject.repository.release("iv-1", "worker-a", throttled=True)

    first = subject.repository.get("iv-1")
    assert (first.attempts, first.lease_owner, first.lease_expires_at) == (2, None, None)
    assert first.state is InterviewState.PROCESSING
    assert first.throttled_since == START + timedelta(seconds=5)
    subject.clock.advance(60)
    again = subject.repository.claim("iv-1", "worker-b", LEASE)
    assert (again.attempts, again.throttled_since) == (3, START + timedelta(seconds=5))
    subject.repository.release("iv-1", "worker-b", throttled=True)
    assert subject.repository.get("iv-1").throttled_since == START + timedelta(seconds=5)
    assert subject.repository.get("iv-1").attempts == 2


@pytest.mark.parametrize("end", ["release", "completed", "failed", "reset"])
def test_any_other_end_of_a_run_clears_the_throttle_patience(subject: Subject, end: str) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.repository.release("iv-1", "worker-a", throttled=True)
    assert subject.repository.get("iv-1").throttled_since == START
    subject.repository.claim("iv-1", "worker-b", LEASE)

    if end == "release":
        subject.repository.release("iv-1", "worker-b")
    elif end == "completed":
        subject.repository.mark_completed("iv-1", "worker-b", 1)
    elif end == "failed":
        subject.repository.mark_failed("iv-1", "worker-b", "NO_AUDIO_TRACK", "silent")
    else:
        subject.repository.release("iv-1", "worker-b", throttled=True)
        catalog(subject).reset_for_reprocess("iv-1")

    record = subject.repository.get("iv-1")
    assert record.throttled_since is None
    assert record.attempts == (0 if end == "reset" else 1)


def test_completion_by_the_owner_only(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    with pytest.raises(LeaseLost):
        subject.repository.mark_completed("iv-1", "worker-b", 3)
    assert subject.repository.get("iv-1").state is InterviewState.PROCESSING
    subject.clock.advance(2)

    subject.repository.mark_completed("iv-1", "worker-a", 3)

    assert subject.repository.get("iv-1") == Interview(
        id="iv-1",
        video_path="videos/iv-1.mp4",
        state=InterviewState.COMPLETED,
        attempts=1,
        question_count=3,
        questions_left_out=0,
        created_at=START,
        updated_at=START + timedelta(seconds=2),
    )
    with pytest.raises(LeaseLost):
        subject.repository.mark_completed("iv-1", "worker-a", 3)
    with pytest.raises(LeaseLost):
        subject.repository.mark_completed("unknown", "worker-a", 3)


def test_failure_by_the_owner_only_stores_the_reason(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    with pytest.raises(LeaseLost):
        subject.repository.mark_failed("iv-1", "worker-b", "NO_AUDIO_TRACK", "silent video")

    subject.repository.mark_failed("iv-1", "worker-a", "NO_AUDIO_TRACK", "silent video")

    failed = subject.repository.get("iv-1")
    assert failed.state is InterviewState.FAILED
    assert (failed.error_code, failed.error_message) == ("NO_AUDIO_TRACK", "silent video")
    assert (failed.lease_owner, failed.lease_expires_at) == (None, None)
    retried = subject.repository.claim("iv-1", "worker-b", LEASE)
    assert (retried.error_code, retried.error_message, retried.attempts) == (None, None, 2)


def test_an_owner_cannot_finish_a_record_that_is_not_processing(subject: Subject) -> None:
    subject.seed(state=InterviewState.COMPLETED, lease_owner="worker-a")

    with pytest.raises(IllegalTransition):
        subject.repository.mark_failed("iv-1", "worker-a", "X", "y")
    with pytest.raises(IllegalTransition):
        subject.repository.mark_completed("iv-1", "worker-a", 1)
    assert subject.repository.get("iv-1").state is InterviewState.COMPLETED


# --- questions ----------------------------------------------------------------------------


def hold(subject: Subject, interview_id: str = "iv-1", owner: str = "worker-a") -> Interview:
    """Seed the interview and claim it for `owner`, as a worker does before it writes."""
    subject.seed(interview_id)
    return subject.repository.claim(interview_id, owner, LEASE)


def store(
    subject: Subject,
    interview_id: str,
    questions: list[Question],
    owner: str = "worker-a",
    generation: int = 0,
) -> None:
    subject.repository.replace_questions(
        interview_id, questions, owner=owner, generation=generation
    )


def test_questions_round_trip_in_position_order(subject: Subject) -> None:
    hold(subject)
    questions = make_questions("iv-1", 7)

    store(subject, "iv-1", list(reversed(questions)))

    assert subject.repository.list_questions("iv-1") == questions
    assert subject.repository.list_questions("unknown") == []


def test_rerun_with_fewer_questions_leaves_none_behind(subject: Subject) -> None:
    hold(subject, "other")
    hold(subject)
    store(subject, "other", make_questions("other", 2))
    store(subject, "iv-1", make_questions("iv-1", 30))

    rerun = make_questions("iv-1", 3, variant="again: ")
    store(subject, "iv-1", rerun)

    assert subject.repository.list_questions("iv-1") == rerun
    assert subject.repository.list_questions("other") == make_questions("other", 2)
    store(subject, "iv-1", [])
    assert subject.repository.list_questions("iv-1") == []


def test_bad_question_sets_are_refused_and_change_nothing(subject: Subject) -> None:
    hold(subject)
    store(subject, "iv-1", make_questions("iv-1", 2))

    with pytest.raises(ValueError):
        store(subject, "iv-1", make_questions("iv-2", 1))
    with pytest.raises(ValueError):
        store(subject, "iv-1", make_questions("iv-1", 1) * 2)
    assert subject.repository.list_questions("iv-1") == make_questions("iv-1", 2)


def test_questions_carry_created_at_kept_across_reruns_and_updated_at(subject: Subject) -> None:
    hold(subject)
    first = make_questions("iv-1", 3)
    store(subject, "iv-1", first)
    subject.clock.advance(30)

    store(subject, "iv-1", [*first[:2], *make_questions("iv-1", 4)[3:]])

    stored = subject.repository.list_questions("iv-1")
    assert [(q.position, q.created_at, q.updated_at) for q in stored] == [
        (0, START, START + timedelta(seconds=30)),
        (1, START, START + timedelta(seconds=30)),
        (3, START + timedelta(seconds=30), START + timedelta(seconds=30)),
    ]


# --- fenced question writes: only the lease holder of the generation changes anything -------


def test_a_write_without_the_lease_changes_nothing(subject: Subject) -> None:
    hold(subject)
    store(subject, "iv-1", make_questions("iv-1", 2))
    before = subject.repository.get("iv-1")

    with pytest.raises(LeaseLost):
        store(subject, "iv-1", make_questions("iv-1", 5, variant="stale: "), owner="worker-b")
    with pytest.raises(LeaseLost):
        store(subject, "iv-1", [], owner="worker-b")
    with pytest.raises(LeaseLost):
        store(subject, "unknown", make_questions("unknown", 1))

    assert subject.repository.list_questions("iv-1") == make_questions("iv-1", 2)
    assert subject.repository.get("iv-1") == before


def test_a_worker_whose_lease_lapsed_cannot_touch_the_completed_questions(
    subject: Subject,
) -> None:
    stale = hold(subject, owner="stale")
    subject.clock.advance(LEASE)  # the stale worker's lease lapses; another takes over
    subject.repository.claim("iv-1", "holder", LEASE)
    store(subject, "iv-1", make_questions("iv-1", 2), owner="holder")
    subject.repository.mark_completed("iv-1", "holder", 2, generation=stale.generation)

    with pytest.raises(LeaseLost):
        store(subject, "iv-1", make_questions("iv-1", 4, variant="stale: "), owner="stale")
    with pytest.raises(LeaseLost):
        store(subject, "iv-1", [], owner="stale")

    assert subject.repository.list_questions("iv-1") == make_questions("iv-1", 2)
    assert subject.repository.get("iv-1").question_count == 2


def test_the_holder_cannot_write_once_the_interview_is_not_processing(subject: Subject) -> None:
    subject.seed(state=InterviewState.COMPLETED, lease_owner="worker-a")

    with pytest.raises(LeaseLost):
        store(subject, "iv-1", make_questions("iv-1", 1))
    assert subject.repository.list_questions("iv-1") == []


def test_a_write_of_another_generation_changes_nothing(subject: Subject) -> None:
    subject.seed(generation=3)
    subject.repository.claim("iv-1", "worker-a", LEASE)

    with pytest.raises(LeaseLost):
        store(subject, "iv-1", make_questions("iv-1", 1), generation=2)
    catalog(subject).start_new_generation("iv-1")  # a redrive while the worker runs
    with pytest.raises(LeaseLost):
        store(subject, "iv-1", make_questions("iv-1", 1), generation=3)
    with pytest.raises(LeaseLost):
        subject.repository.mark_completed("iv-1", "worker-a", 1, generation=3)

    assert subject.repository.list_questions("iv-1") == []
    store(subject, "iv-1", make_questions("iv-1", 1), generation=4)
    subject.repository.mark_completed("iv-1", "worker-a", 1, generation=4)
    assert subject.repository.get("iv-1").state is InterviewState.COMPLETED


def generation_questions(interview_id: str, count: int, generation: int) -> list[Question]:
    return list(
        build_questions(
            interview_id,
            [ExtractedQuestion(f"G{generation} Q{n}?", f"A{n}.") for n in range(count)],
            generation=generation,
        )
    )


def test_a_new_generation_replaces_every_question_of_the_earlier_ones(subject: Subject) -> None:
    hold(subject)
    store(subject, "iv-1", generation_questions("iv-1", 4, 0))
    subject.repository.mark_completed("iv-1", "worker-a", 4)
    catalog(subject).reset_for_reprocess("iv-1")
    subject.repository.claim("iv-1", "worker-b", LEASE)

    store(subject, "iv-1", generation_questions("iv-1", 2, 1), owner="worker-b", generation=1)

    assert subject.repository.list_questions("iv-1") == generation_questions("iv-1", 2, 1)


def test_a_run_that_lost_its_lease_leaves_nothing_for_the_next_holder_to_miss(
    subject: Subject,
) -> None:
    """A big set written by a run that then lost the lease: the next holder's smaller set is
    all that stays (its earlier writes are named on the record, not found by the index)."""
    hold(subject, owner="first")
    store(subject, "iv-1", generation_questions("iv-1", 120, 0), owner="first")
    subject.clock.advance(LEASE)
    subject.repository.claim("iv-1", "second", LEASE)

    store(subject, "iv-1", generation_questions("iv-1", 3, 0), owner="second")
    subject.repository.mark_completed("iv-1", "second", 3, generation=0)

    assert subject.repository.list_questions("iv-1") == generation_questions("iv-1", 3, 0)


def test_a_claim_sets_created_at_only_when_the_record_has_none(subject: Subject) -> None:
    subject.add(Interview(id="iv-new", video_path="videos/new.mp4"))
    subject.seed("iv-old")
    subject.clock.advance(5)

    fresh = subject.repository.claim("iv-new", "worker-a", LEASE)
    old = subject.repository.claim("iv-old", "worker-a", LEASE)

    assert fresh.created_at == START + timedelta(seconds=5)
    assert old.created_at == START
    assert subject.repository.get("iv-new").created_at == START + timedelta(seconds=5)


# --- the InterviewCatalog role: new records, listing by state, the reset to pending -------


def catalog(subject: Subject) -> InterviewCatalog:
    repository = subject.repository
    assert isinstance(repository, InterviewCatalog)
    return repository


def test_create_stores_the_upstream_fields_and_refuses_a_second_record_with_the_id(
    subject: Subject,
) -> None:
    new = Interview(
        id="iv-new",
        video_path="videos/u-1/iv-new/interview.mp4",
        user_id="u-1",
        attempts=7,
        error_code="IGNORED",
        created_at=START,
        updated_at=START,
    )

    catalog(subject).create(new)

    expected = Interview(
        id="iv-new",
        video_path="videos/u-1/iv-new/interview.mp4",
        user_id="u-1",
        state=InterviewState.PENDING,
        created_at=START,
        updated_at=START,
    )
    assert subject.repository.get("iv-new") == expected
    with pytest.raises(InterviewExists):
        catalog(subject).create(attrs.evolve(new, video_path="videos/other.mp4"))
    assert subject.repository.get("iv-new") == expected


def test_list_by_state_finds_exactly_the_interviews_in_that_state(subject: Subject) -> None:
    states = {
        "iv-p1": InterviewState.PENDING,
        "iv-p2": InterviewState.PENDING,
        "iv-r": InterviewState.PROCESSING,
        "iv-c": InterviewState.COMPLETED,
        "iv-f1": InterviewState.FAILED,
        "iv-f2": InterviewState.FAILED,
    }
    for interview_id, state in states.items():
        subject.seed(interview_id, state=state)

    for state in InterviewState:
        found = catalog(subject).list_by_state(state, 100)
        assert {i.id for i in found} == {i for i, s in states.items() if s is state}
        assert all(interview.state is state for interview in found)


def test_list_by_state_stops_at_the_limit_and_refuses_a_limit_below_one(
    subject: Subject,
) -> None:
    for number in range(5):
        subject.seed(f"iv-{number}", state=InterviewState.FAILED)

    found = catalog(subject).list_by_state(InterviewState.FAILED, 2)

    assert len(found) == 2
    assert {i.id for i in found} <= {f"iv-{number}" for number in range(5)}
    with pytest.raises(ValueError, match="limit"):
        catalog(subject).list_by_state(InterviewState.FAILED, 0)


@pytest.mark.parametrize("finish", ["completed", "failed"])
def test_reset_makes_a_finished_interview_pending_and_claimable(
    subject: Subject, finish: str
) -> None:
    subject.seed(user_id="u-1")
    subject.repository.claim("iv-1", "worker-a", LEASE)
    if finish == "completed":
        subject.repository.mark_completed("iv-1", "worker-a", 3)
    else:
        subject.repository.mark_failed("iv-1", "worker-a", "VIDEO_NOT_FOUND", "gone")
    subject.clock.advance(5)

    reset = catalog(subject).reset_for_reprocess("iv-1")

    assert reset.state is InterviewState.PENDING
    assert (reset.attempts, reset.lease_owner, reset.lease_expires_at) == (0, None, None)
    assert (reset.error_code, reset.error_message) == (None, None)
    assert reset.updated_at == START + timedelta(seconds=5)
    assert (reset.created_at, reset.user_id) == (START, "u-1")
    assert subject.repository.get("iv-1") == reset
    assert subject.repository.claim("iv-1", "worker-b", LEASE).attempts == 1


def test_reset_is_refused_while_a_live_lease_is_held_and_changes_nothing(
    subject: Subject,
) -> None:
    subject.seed()
    held = subject.repository.claim("iv-1", "worker-a", LEASE)

    with pytest.raises(LeaseHeld):
        catalog(subject).reset_for_reprocess("iv-1")
    assert subject.repository.get("iv-1") == held

    subject.clock.advance(LEASE + 1)
    assert catalog(subject).reset_for_reprocess("iv-1").state is InterviewState.PENDING
    with pytest.raises(LeaseLost):
        subject.repository.mark_completed("iv-1", "worker-a", 0)


def test_reset_of_an_unknown_interview_is_not_found(subject: Subject) -> None:
    with pytest.raises(InterviewNotFound):
        catalog(subject).reset_for_reprocess("unknown")


# --- the generation: raised by reprocess and redrive, kept by every other write --------------


def test_a_record_without_a_generation_reads_as_generation_zero(subject: Subject) -> None:
    subject.seed()

    assert subject.repository.get("iv-1").generation == 0
    assert subject.repository.claim("iv-1", "worker-a", LEASE).generation == 0


def test_a_stored_generation_reads_back_and_every_worker_write_keeps_it(
    subject: Subject,
) -> None:
    subject.seed(generation=4)

    claimed = subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.repository.extend_lease("iv-1", "worker-a", LEASE)
    subject.repository.release("iv-1", "worker-a")
    subject.repository.claim("iv-1", "worker-b", LEASE)
    subject.repository.mark_completed("iv-1", "worker-b", 2)

    assert claimed.generation == 4
    assert subject.repository.get("iv-1").generation == 4


def test_reprocess_raises_the_generation(subject: Subject) -> None:
    subject.seed(generation=2)
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.repository.mark_failed("iv-1", "worker-a", "X", "y")

    first = catalog(subject).reset_for_reprocess("iv-1")
    second = catalog(subject).reset_for_reprocess("iv-1")

    assert (first.generation, second.generation) == (3, 4)
    assert subject.repository.get("iv-1").generation == 4


def test_a_new_generation_gives_a_failed_interview_a_fresh_attempt_budget(
    subject: Subject,
) -> None:
    seeded = subject.seed(
        user_id="u-1",
        state=InterviewState.FAILED,
        attempts=5,
        error_code="ATTEMPTS_EXHAUSTED",
        error_message="tried 5 times",
        question_count=2,
        generation=2,
        throttled_since=START - timedelta(hours=1),
        updated_at=START,
    )
    subject.clock.advance(3)

    raised = catalog(subject).start_new_generation("iv-1")

    expected = attrs.evolve(
        seeded,
        state=InterviewState.PENDING,
        attempts=0,
        generation=3,
        error_code=None,
        error_message=None,
        throttled_since=None,
        updated_at=START + timedelta(seconds=3),
    )
    assert raised == expected
    assert subject.repository.get("iv-1") == expected
    assert catalog(subject).start_new_generation("iv-1").generation == 4


def test_a_new_generation_leaves_a_held_lease_and_any_other_state_as_they_are(
    subject: Subject,
) -> None:
    subject.seed("held", generation=1)
    subject.repository.claim("held", "worker-a", LEASE)
    subject.repository.release("held", "worker-a", throttled=True)
    held = subject.repository.claim("held", "worker-b", LEASE)
    subject.seed("done", state=InterviewState.COMPLETED, attempts=1, question_count=3)
    subject.clock.advance(3)

    raised = catalog(subject).start_new_generation("held")
    completed = catalog(subject).start_new_generation("done")

    assert held.throttled_since is not None and held.attempts == 1
    assert raised == attrs.evolve(
        held,
        attempts=0,
        generation=2,
        throttled_since=None,
        updated_at=START + timedelta(seconds=3),
    )
    assert (raised.state, raised.lease_owner) == (InterviewState.PROCESSING, "worker-b")
    subject.repository.mark_completed("held", "worker-b", 1)  # the worker goes on
    assert (completed.state, completed.attempts, completed.generation) == (
        InterviewState.COMPLETED,
        0,
        1,
    )


def test_a_new_generation_of_an_unknown_interview_is_not_found(subject: Subject) -> None:
    with pytest.raises(InterviewNotFound):
        catalog(subject).start_new_generation("unknown")


def test_completion_stores_how_many_questions_a_model_limit_left_out(subject: Subject) -> None:
    subject.seed()
    subject.repository.claim("iv-1", "worker-a", LEASE)
    subject.repository.mark_completed("iv-1", "worker-a", 7, questions_left_out=3)
    assert subject.repository.get("iv-1").questions_left_out == 3

    subject.repository.claim("iv-1", "worker-b", LEASE, force=True)
    subject.repository.mark_completed("iv-1", "worker-b", 9)

    record = subject.repository.get("iv-1")
    assert (record.question_count, record.questions_left_out) == (9, 0)


# --- the InterviewEraser role ---------------------------------------------------------------


def eraser(subject: Subject) -> InterviewEraser:
    repository = subject.repository
    assert isinstance(repository, InterviewEraser)
    return repository


def test_deletion_begins_past_an_expired_lease_and_nothing_may_claim_reset_or_redrive(
    subject: Subject,
) -> None:
    hold(subject)
    subject.clock.advance(LEASE + 1)

    begun = eraser(subject).begin_deletion("iv-1")

    assert (begun.state, begun.lease_owner, begun.video_path) == (
        InterviewState.DELETING,
        None,
        "videos/iv-1.mp4",
    )
    assert subject.repository.get("iv-1") == begun
    for refused in (
        lambda: subject.repository.claim("iv-1", "worker-b", LEASE),
        lambda: subject.repository.claim("iv-1", "worker-b", LEASE, force=True, max_attempts=1),
        lambda: catalog(subject).reset_for_reprocess("iv-1"),
        lambda: catalog(subject).start_new_generation("iv-1"),
    ):
        with pytest.raises(InterviewDeleted):
            refused()
    with pytest.raises(LeaseLost):  # the worker whose lease ran out writes nothing
        store(subject, "iv-1", make_questions("iv-1", 1))
    with pytest.raises(LeaseLost):
        subject.repository.mark_failed("iv-1", "worker-a", "X", "y")
    assert subject.repository.get("iv-1") == begun
    assert [i.id for i in catalog(subject).list_by_state(InterviewState.DELETING, 5)] == ["iv-1"]
    assert catalog(subject).list_by_state(InterviewState.PENDING, 5) == []
    assert eraser(subject).begin_deletion("iv-1") == begun  # a second start changes nothing


def test_deletion_is_refused_while_a_lease_is_live_and_for_an_unknown_interview(
    subject: Subject,
) -> None:
    held = hold(subject)

    with pytest.raises(LeaseHeld):
        eraser(subject).begin_deletion("iv-1")
    with pytest.raises(InterviewNotFound):
        eraser(subject).begin_deletion("unknown")

    assert subject.repository.get("iv-1") == held


def test_questions_go_by_interview_and_a_second_removal_finds_none(subject: Subject) -> None:
    hold(subject, "other")
    hold(subject)
    store(subject, "other", make_questions("other", 2))
    store(subject, "iv-1", make_questions("iv-1", 3))
    subject.repository.mark_completed("iv-1", "worker-a", 3)
    eraser(subject).begin_deletion("iv-1")

    assert eraser(subject).delete_questions("iv-1") == 3
    assert eraser(subject).delete_questions("iv-1") == 0
    assert subject.repository.list_questions("iv-1") == []
    assert subject.repository.list_questions("other") == make_questions("other", 2)


@pytest.mark.parametrize("keep_record", [True, False])
def test_finishing_removes_or_reduces_only_a_deleting_record(
    subject: Subject, keep_record: bool
) -> None:
    subject.seed("iv-1", user_id="u-1", state=InterviewState.FAILED, error_code="X", attempts=3)
    subject.seed("untouched")
    eraser(subject).finish_deletion("untouched", keep_record=keep_record)
    eraser(subject).begin_deletion("iv-1")
    subject.clock.advance(5)

    eraser(subject).finish_deletion("iv-1", keep_record=keep_record)
    eraser(subject).finish_deletion("iv-1", keep_record=keep_record)  # again: nothing to do

    if keep_record:
        assert subject.repository.get("iv-1") == Interview(
            id="iv-1",
            video_path="",
            state=InterviewState.DELETED,
            created_at=START,
            updated_at=subject.clock.now(),
            record_problem=subject.repository.get("iv-1").record_problem,
        )
        assert eraser(subject).begin_deletion("iv-1").state is InterviewState.DELETED
    else:
        with pytest.raises(InterviewNotFound):
            subject.repository.get("iv-1")
    assert subject.repository.get("untouched").state is InterviewState.PENDING


def claim_and_delete_at_once(subject: Subject, interview_id: str) -> dict[str, object]:
    """Claim and begin deleting the interview from two threads released together."""
    start = threading.Barrier(2)
    results: dict[str, object] = {}
    actions: dict[str, Callable[[], Interview]] = {
        "claim": lambda: subject.repository.claim(interview_id, "w", LEASE),
        "delete": lambda: eraser(subject).begin_deletion(interview_id),
    }

    def run(name: str) -> None:
        start.wait()
        try:
            results[name] = actions[name]()
        except (LeaseHeld, InterviewDeleted) as exc:
            results[name] = exc

    threads = [threading.Thread(target=run, args=(name,)) for name in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_claim_and_a_delete_racing_have_exactly_one_winner(subject: Subject) -> None:
    for n in range(5):
        subject.seed(f"race-{n}")

        results = claim_and_delete_at_once(subject, f"race-{n}")

        stored = subject.repository.get(f"race-{n}")
        if isinstance(results["claim"], Interview):
            assert isinstance(results["delete"], LeaseHeld)
            assert (stored.state, stored.lease_owner) == (InterviewState.PROCESSING, "w")
        else:
            assert isinstance(results["claim"], InterviewDeleted)
            assert (stored.state, stored.lease_owner) == (InterviewState.DELETING, None)
