"""Fenced question writes on the moto server, with real threads: a worker whose lease lapses
while it writes leaves nothing of its own behind once another worker completes the interview."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.config import Config

from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables, put_interview
from interview_core.analysis import build_questions
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview, Question
from interview_core.errors import InterviewAlreadyCompleted, LeaseLost
from interview_core.state import InterviewState

INTERVIEWS = "fence-interviews"
QUESTIONS = "fence-questions"
INDEX = "by-interview"
LEASE = 60.0
WAIT = 30.0


@pytest.fixture
def make_client(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    def make() -> Any:
        return boto_session.client("dynamodb", endpoint_url=aws_endpoint, config=client_config)

    create_interview_tables(make(), INTERVIEWS, QUESTIONS, questions_index=INDEX)
    return make


def questions(interview_id: str, owner: str, count: int) -> tuple[Question, ...]:
    extracted = [ExtractedQuestion(f"{owner} asks {n}?", f"{owner} answers.") for n in range(count)]
    return build_questions(interview_id, extracted)


def stored_ids(client: Any) -> set[str]:
    return {item["id"]["S"] for item in client.scan(TableName=QUESTIONS)["Items"]}


class Outcome:
    """What a worker thread ended with: None when it finished, else the error it raised."""

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.finished = False


def run_in_thread(body: Any, outcome: Outcome) -> threading.Thread:
    def target() -> None:
        try:
            body()
            outcome.finished = True
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            outcome.error = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread


@pytest.mark.parametrize(
    "pause_at",
    [
        "before-call",  # the stale worker is about to send its first transaction
        "after-call",  # it wrote its first 99 questions, then lost the lease
    ],
)
def test_a_worker_whose_lease_lapses_mid_write_leaves_nothing_behind(
    make_client: Any, pause_at: str
) -> None:
    clock = ManualClock()
    stale_client, holder_client = make_client(), make_client()
    stale = DynamoDBInterviewRepository(
        stale_client, INTERVIEWS, QUESTIONS, questions_index=INDEX, clock=clock
    )
    holder = DynamoDBInterviewRepository(
        holder_client, INTERVIEWS, QUESTIONS, questions_index=INDEX, clock=clock
    )
    put_interview(stale_client, INTERVIEWS, Interview(id="iv-1", video_path="videos/a.mp4"))
    stale.claim("iv-1", "stale", LEASE)
    paused, resumed = threading.Event(), threading.Event()

    def pause(**_: Any) -> None:
        if not paused.is_set():
            paused.set()
            assert resumed.wait(WAIT)

    stale_client.meta.events.register(f"{pause_at}.dynamodb.TransactWriteItems", pause)
    stale_written = questions("iv-1", "stale", 250)
    holder_written = questions("iv-1", "holder", 2)

    def stale_run() -> None:
        stale.replace_questions("iv-1", stale_written, owner="stale", generation=0)
        stale.mark_completed("iv-1", "stale", 250, generation=0)

    def holder_run() -> None:
        assert paused.wait(WAIT)
        try:
            clock.advance(LEASE)  # the stale worker's lease lapses while it is paused
            holder.claim("iv-1", "holder", LEASE)
            holder.replace_questions("iv-1", holder_written, owner="holder", generation=0)
            holder.mark_completed("iv-1", "holder", 2, generation=0)
        finally:
            resumed.set()

    stale_outcome, holder_outcome = Outcome(), Outcome()
    threads = [run_in_thread(stale_run, stale_outcome), run_in_thread(holder_run, holder_outcome)]
    for thread in threads:
        thread.join(WAIT)

    assert holder_outcome.finished, holder_outcome.error
    assert isinstance(stale_outcome.error, LeaseLost)
    record = holder.get("iv-1")
    assert (record.state, record.question_count) == (InterviewState.COMPLETED, 2)
    assert [q.question for q in holder.list_questions("iv-1")] == [
        q.question for q in holder_written
    ]
    assert stored_ids(holder_client) == {q.id for q in holder_written}


def race(make_client: Any, clock: ManualClock, interview_id: str) -> None:
    """One race: the stale worker (lease lapsed) writes 150 questions and completes while the
    other claims, writes 3 and completes; exactly one completes, with its own questions."""
    clients = {name: make_client() for name in ("stale", "holder")}
    repositories = {
        name: DynamoDBInterviewRepository(
            client, INTERVIEWS, QUESTIONS, questions_index=INDEX, clock=clock
        )
        for name, client in clients.items()
    }
    put_interview(
        clients["stale"], INTERVIEWS, Interview(id=interview_id, video_path="videos/a.mp4")
    )
    repositories["stale"].claim(interview_id, "stale", LEASE)
    clock.advance(LEASE)  # lapsed: the other worker may claim while the stale one writes
    written = {
        "stale": questions(interview_id, "stale", 150),
        "holder": questions(interview_id, "holder", 3),
    }
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        repository = repositories[name]
        barrier.wait(WAIT)
        if name == "holder":
            repository.claim(interview_id, name, LEASE)
        repository.replace_questions(interview_id, written[name], owner=name, generation=0)
        repository.mark_completed(interview_id, name, len(written[name]), generation=0)

    outcomes = {name: Outcome() for name in written}
    threads = [run_in_thread(lambda name=name: work(name), outcomes[name]) for name in written]
    for thread in threads:
        thread.join(WAIT)

    completer = [name for name, outcome in outcomes.items() if outcome.finished]
    assert len(completer) == 1, {name: outcome.error for name, outcome in outcomes.items()}
    (winner,) = completer
    (loser,) = set(written) - {winner}
    # refused at its write (it lost the lease) or at its claim (the other completed)
    assert isinstance(outcomes[loser].error, LeaseLost | InterviewAlreadyCompleted)
    record = repositories["holder"].get(interview_id)
    assert record.state is InterviewState.COMPLETED
    assert record.question_count == len(written[winner])
    stored = repositories["holder"].list_questions(interview_id)
    assert [q.question for q in stored] == [q.question for q in written[winner]]


def test_two_workers_racing_after_a_lapse_leave_exactly_the_completing_workers_questions(
    make_client: Any,
) -> None:
    clock = ManualClock()
    for number in range(4):
        race(make_client, clock, f"race-{number}")
