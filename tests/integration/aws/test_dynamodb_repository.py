"""DynamoDBInterviewRepository against the moto server, and botocore's Stubber for what moto
cannot do (cancelled transactions, throttling)."""

from __future__ import annotations

import json
import math
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from mypy_boto3_dynamodb import DynamoDBClient

from adapters.aws.dynamodb_fenced_writes import TRANSACTION_ITEMS
from adapters.aws.dynamodb_items import interview_to_item
from adapters.aws.dynamodb_question_items import question_to_item
from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables, put_interview
from interview_core.analysis import build_questions
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview, Question
from interview_core.errors import (
    ConfigurationError,
    IllegalTransition,
    InterviewAlreadyCompleted,
    InterviewNotFound,
    InvalidInterviewRecord,
    LeaseHeld,
    LeaseLost,
    RepositoryUnavailable,
)
from interview_core.state import InterviewState

INTERVIEWS = "app-interviews-interviews"
QUESTIONS = "app-interviews-questions"
INDEX = "interview_id-index"
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


# --- Fixtures and helpers ----------------------------------------------------------------


@pytest.fixture
def dynamodb(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    client = boto_session.client("dynamodb", endpoint_url=aws_endpoint, config=client_config)
    create_interview_tables(client, INTERVIEWS, QUESTIONS, questions_index=INDEX)
    return client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def repository(dynamodb: DynamoDBClient, clock: ManualClock) -> DynamoDBInterviewRepository:
    return DynamoDBInterviewRepository(
        dynamodb, INTERVIEWS, QUESTIONS, questions_index=INDEX, clock=clock
    )


def seed(client: DynamoDBClient, interview_id: str = "iv-1", **fields: Any) -> Interview:
    interview = Interview(id=interview_id, video_path=f"videos/{interview_id}.mp4", **fields)
    put_interview(client, INTERVIEWS, interview)
    return interview


def questions_for(interview_id: str, count: int) -> tuple[Question, ...]:
    extracted = [
        ExtractedQuestion(
            question=f"Question {n}?",
            answer=f"Answer {n}.",
            context="" if n % 2 else f"context {n}",
            question_context="technical",
            is_global=n % 3 == 0,
            start_time=n * 1.1 if n % 4 else None,
            end_time=n * 1.1 + 0.35 if n % 4 else None,
        )
        for n in range(count)
    ]
    return build_questions(interview_id, extracted, user_id="user-7")


def raw_interview(client: DynamoDBClient, interview_id: str) -> dict[str, Any]:
    return dict(client.get_item(TableName=INTERVIEWS, Key={"id": {"S": interview_id}})["Item"])


def stored_question_ids(client: DynamoDBClient) -> set[str]:
    items = client.scan(TableName=QUESTIONS)["Items"]
    return {item["id"]["S"] for item in items}


class CallRecorder:
    """Records the operation name and parameters of every DynamoDB call a client makes.

    `before-call` sees each request as sent (its JSON body); a Stubber answers at that event
    itself, so stubbed clients are recorded at `before-parameter-build` instead.
    """

    def __init__(self, client: DynamoDBClient, event: str = "before-call") -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        client.meta.events.register(f"{event}.dynamodb", self._record)

    def _record(self, model: Any, params: dict[str, Any], **kwargs: Any) -> None:
        body = json.loads(params["body"] or b"{}") if "body" in params else params
        self.calls.append((model.name, body))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def transactions(self) -> list[list[dict[str, Any]]]:
        """The items of each TransactWriteItems call, in order."""
        return [body["TransactItems"] for name, body in self.calls if name == "TransactWriteItems"]


def hold(
    client: DynamoDBClient,
    repository: DynamoDBInterviewRepository,
    interview_id: str = "iv-1",
    owner: str = "worker-a",
) -> None:
    """Seed the interview and claim it for `owner`, as a worker does before it writes."""
    seed(client, interview_id)
    repository.claim(interview_id, owner, 60)


def write(
    repository: DynamoDBInterviewRepository,
    interview_id: str,
    questions: Any,
    owner: str = "worker-a",
) -> None:
    repository.replace_questions(interview_id, questions, owner=owner, generation=0)


# --- Lifecycle ---------------------------------------------------------------------------


def test_full_lifecycle_stores_state_lease_questions_and_schema(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, clock: ManualClock
) -> None:
    seed(dynamodb, user_id="user-7", created_at=START)

    claimed = repository.claim("iv-1", "worker-a", 60)
    assert claimed.state is InterviewState.PROCESSING
    assert (claimed.attempts, claimed.lease_owner) == (1, "worker-a")
    assert claimed.lease_expires_at == datetime(2026, 1, 1, 12, 1, tzinfo=UTC)
    assert claimed.created_at == START

    clock.advance(30.25)
    repository.extend_lease("iv-1", "worker-a", 60)
    assert repository.get("iv-1").lease_expires_at == datetime(
        2026, 1, 1, 12, 1, 30, 250000, tzinfo=UTC
    )
    questions = questions_for("iv-1", 5)
    write(repository, "iv-1", questions)
    assert repository.list_questions("iv-1") == list(questions)

    repository.mark_completed("iv-1", "worker-a", 5)
    done = repository.get("iv-1")
    assert done.state is InterviewState.COMPLETED
    assert (done.question_count, done.attempts) == (5, 1)
    assert (done.lease_owner, done.lease_expires_at) == (None, None)
    assert done.updated_at == datetime(2026, 1, 1, 12, 0, 30, 250000, tzinfo=UTC)

    item = raw_interview(dynamodb, "iv-1")
    assert item["state"] == {"S": "completed"}
    assert "status" not in item
    assert item["video_path"] == {"S": "videos/iv-1.mp4"}
    assert item["attempts"] == {"N": "1"}
    assert item["updated_at"] == {"S": "2026-01-01T12:00:30.250000Z"}
    assert "lease_owner" not in item and "lease_expires_at" not in item
    assert item["question_ids"] == {"L": [{"S": q.id} for q in questions]}
    question_item = dynamodb.get_item(TableName=QUESTIONS, Key={"id": {"S": questions[1].id}})
    stored = question_item["Item"]
    assert stored["start_time"] == {"N": "1.1"} and stored["end_time"] == {
        "N": "1.4500000000000002"
    }
    assert stored["global"] == {"BOOL": False} and stored["position"] == {"N": "1"}
    assert stored["user_id"] == {"S": "user-7"} and stored["context"] == {"S": ""}
    assert stored["created_at"] == {"S": "2026-01-01T12:00:30.250000Z"}
    assert stored["updated_at"] == {"S": "2026-01-01T12:00:30.250000Z"}


def test_claim_stores_the_lease_expiry_as_epoch_seconds(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    seed(dynamodb)
    repository.claim("iv-1", "worker-a", 90.5)

    item = raw_interview(dynamodb, "iv-1")

    expected = START.timestamp() + 90.5
    assert item["lease_expires_at"] == {"N": f"{expected:.6f}"}
    assert item["lease_owner"] == {"S": "worker-a"}


@pytest.mark.parametrize("attribute", ["video_path", "video_key", "s3_key", "video_s3_key"])
def test_reads_records_written_upstream(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, attribute: str
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={
            "id": {"S": "up-1"},
            attribute: {"S": "videos/up-1.webm"},
            "user_id": {"S": "u-1"},
            "state": {"S": "uploaded"},
            "created_at": {"S": "2026-01-01T12:00:00Z"},
            "updated_at": {"S": "2026-01-01T12:00:05.5+00:00"},
        },
    )

    interview = repository.get("up-1")

    assert interview.video_path == "videos/up-1.webm"
    assert interview.state is InterviewState.PENDING and interview.attempts == 0
    assert interview.created_at == START
    assert interview.updated_at == datetime(2026, 1, 1, 12, 0, 5, 500000, tzinfo=UTC)
    assert repository.claim("up-1", "worker-a", 60).attempts == 1


@pytest.mark.parametrize(
    ("video", "reason"),
    [
        (None, "has no video_path"),
        ({"N": "42"}, "video_path is not a string"),
        ({"L": [{"S": "a.mp4"}]}, "video_path is not a string"),
        ({"S": "  "}, "video_path is empty"),
    ],
)
def test_a_record_without_a_readable_video_path_reads_with_its_problem(
    dynamodb: DynamoDBClient,
    repository: DynamoDBInterviewRepository,
    video: dict[str, object] | None,
    reason: str,
) -> None:
    item: dict[str, Any] = {"id": {"S": "bad"}, "state": {"S": "pending"}}
    if video is not None:
        item["video_path"] = video
    dynamodb.put_item(TableName=INTERVIEWS, Item=item)

    interview = repository.get("bad")

    assert interview.record_problem is not None and reason in interview.record_problem
    claimed = repository.claim("bad", "worker-a", 60)
    repository.mark_failed(
        "bad", "worker-a", "INVALID_INTERVIEW_RECORD", claimed.record_problem or ""
    )
    assert raw_interview(dynamodb, "bad")["state"] == {"S": "failed"}


def test_the_upstream_video_path_wins_over_older_names(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={
            "id": {"S": "up-2"},
            "video_path": {"S": "videos/new.mkv"},
            "video_key": {"S": "videos/old.mp4"},
        },
    )

    assert repository.get("up-2").video_path == "videos/new.mkv"


def test_a_claim_keeps_created_at_and_sets_it_when_the_upstream_left_it_out(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={"id": {"S": "up-3"}, "video_path": {"S": "v.mp4"}, "state": {"S": "pending"}},
    )
    seed(dynamodb, interview_id="up-4", created_at=START - timedelta(days=3))

    repository.claim("up-3", "worker-a", 60)
    repository.claim("up-4", "worker-a", 60)

    assert (
        raw_interview(dynamodb, "up-3")["created_at"]
        == raw_interview(dynamodb, "up-3")["updated_at"]
    )
    assert repository.get("up-4").created_at == START - timedelta(days=3)


def test_a_rerun_keeps_each_question_created_at_and_moves_updated_at(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, clock: Any
) -> None:
    hold(dynamodb, repository)
    first = questions_for("iv-1", 2)
    write(repository, "iv-1", first)
    written = repository.list_questions("iv-1")
    clock.advance(30)

    write(repository, "iv-1", first)

    again = repository.list_questions("iv-1")
    assert [q.created_at for q in again] == [q.created_at for q in written]
    assert all(
        q.updated_at is not None and q.created_at is not None and q.updated_at > q.created_at
        for q in again
    )


def test_unknown_interview_is_not_found_and_not_created(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    with pytest.raises(InterviewNotFound):
        repository.get("nope")
    with pytest.raises(InterviewNotFound):
        repository.claim("nope", "worker-a", 60)
    with pytest.raises(LeaseLost):
        repository.extend_lease("nope", "worker-a", 60)
    with pytest.raises(LeaseLost):
        repository.mark_completed("nope", "worker-a", 0)

    assert dynamodb.scan(TableName=INTERVIEWS)["Items"] == []


def test_non_positive_lease_is_refused(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    seed(dynamodb)
    with pytest.raises(ValueError, match="lease_seconds"):
        repository.claim("iv-1", "worker-a", 0)
    assert "lease_owner" not in raw_interview(dynamodb, "iv-1")


# --- Claims and leases -------------------------------------------------------------------


def test_completed_interview_is_refused_unless_forced(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    seed(dynamodb, state=InterviewState.COMPLETED, attempts=2, question_count=4)

    with pytest.raises(InterviewAlreadyCompleted):
        repository.claim("iv-1", "worker-a", 60)
    assert raw_interview(dynamodb, "iv-1")["attempts"] == {"N": "2"}

    again = repository.claim("iv-1", "worker-a", 60, force=True)
    assert again.state is InterviewState.PROCESSING and again.attempts == 3


def test_live_lease_is_held_and_an_expired_one_is_taken_over(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, clock: ManualClock
) -> None:
    seed(dynamodb)
    repository.claim("iv-1", "worker-a", 60)

    clock.advance(59.999999)
    with pytest.raises(LeaseHeld):
        repository.claim("iv-1", "worker-b", 60)
    with pytest.raises(LeaseHeld):
        repository.claim("iv-1", "worker-a", 60)

    clock.advance(0.000001)
    taken = repository.claim("iv-1", "worker-b", 60)
    assert (taken.lease_owner, taken.attempts) == ("worker-b", 2)
    refusals: list[Callable[[], None]] = [
        lambda: repository.extend_lease("iv-1", "worker-a", 60),
        lambda: repository.release("iv-1", "worker-a"),
        lambda: repository.mark_completed("iv-1", "worker-a", 3),
        lambda: repository.mark_failed("iv-1", "worker-a", "X", "late"),
    ]
    for refused in refusals:
        with pytest.raises(LeaseLost):
            refused()
    assert repository.get("iv-1").lease_owner == "worker-b"


def claim_race(
    repository: DynamoDBInterviewRepository, interview_id: str
) -> tuple[list[str], list[str]]:
    """Two threads claim at once after a barrier; returns (winners, owners refused LeaseHeld)."""
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def contend(owner: str) -> None:
        barrier.wait()
        try:
            outcomes[owner] = repository.claim(interview_id, owner, 60)
        except LeaseHeld as exc:
            outcomes[owner] = exc

    threads = [threading.Thread(target=contend, args=(f"w{k}",)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    winners = [owner for owner, result in outcomes.items() if isinstance(result, Interview)]
    refused = [owner for owner, result in outcomes.items() if isinstance(result, LeaseHeld)]
    return winners, refused


def test_claim_race_between_two_threads_has_exactly_one_winner(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    for n in range(10):
        seed(dynamodb, f"race-{n}")
        winners, refused = claim_race(repository, f"race-{n}")

        assert len(winners) == 1 and len(refused) == 1
        stored = repository.get(f"race-{n}")
        assert (stored.lease_owner, stored.attempts) == (winners[0], 1)


def test_release_keeps_processing_and_lets_another_worker_claim(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    seed(dynamodb)
    repository.claim("iv-1", "worker-a", 600)

    repository.release("iv-1", "worker-a")

    released = repository.get("iv-1")
    assert released.state is InterviewState.PROCESSING and released.lease_owner is None
    assert repository.claim("iv-1", "worker-b", 600).attempts == 2


def test_mark_failed_stores_the_reason_truncated_and_a_claim_clears_it(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    seed(dynamodb)
    repository.claim("iv-1", "worker-a", 60)
    with pytest.raises(LeaseLost):
        repository.mark_failed("iv-1", "worker-b", "VIDEO_NOT_FOUND", "nope")

    repository.mark_failed("iv-1", "worker-a", "VIDEO_NOT_FOUND", "x" * 5000)

    failed = repository.get("iv-1")
    assert failed.state is InterviewState.FAILED and failed.lease_owner is None
    assert failed.error_code == "VIDEO_NOT_FOUND" and failed.error_message == "x" * 1000
    again = repository.claim("iv-1", "worker-b", 60)
    assert (again.error_code, again.error_message, again.attempts) == (None, None, 2)


def test_owner_of_a_record_that_is_not_processing_cannot_finish_it(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    seed(dynamodb, state=InterviewState.COMPLETED, lease_owner="worker-a")

    with pytest.raises(IllegalTransition):
        repository.mark_failed("iv-1", "worker-a", "X", "y")
    assert repository.get("iv-1").state is InterviewState.COMPLETED


# --- Questions ---------------------------------------------------------------------------


def test_rerun_with_fewer_questions_leaves_none_behind(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    hold(dynamodb, repository)
    hold(dynamodb, repository, "other")
    write(repository, "other", questions_for("other", 3))
    write(repository, "iv-1", questions_for("iv-1", 30))

    rerun = questions_for("iv-1", 4)
    write(repository, "iv-1", rerun)

    assert repository.list_questions("iv-1") == list(rerun)
    assert len(repository.list_questions("other")) == 3
    assert stored_question_ids(dynamodb) == {q.id for q in rerun} | {
        q.id for q in questions_for("other", 3)
    }


def test_250_questions_take_three_fenced_transactions_and_no_index_read(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    hold(dynamodb, repository)
    recorder = CallRecorder(dynamodb)

    write(repository, "iv-1", questions_for("iv-1", 250))

    assert recorder.names() == ["TransactWriteItems"] * 3  # the claim said what is stored
    transactions = recorder.transactions()
    assert [len(items) for items in transactions] == [100, 100, 53]
    assert all(len(items) <= TRANSACTION_ITEMS for items in transactions)
    fences = [items[0] for items in transactions]
    assert [next(iter(fence)) for fence in fences] == ["Update", "ConditionCheck", "Update"]
    for fence in fences:
        (part,) = fence.values()
        assert part["TableName"] == INTERVIEWS
        assert part["ConditionExpression"].startswith(
            "lease_owner = :owner AND #state = :processing AND "
        )
    assert all(
        part["TableName"] == QUESTIONS
        for items in transactions
        for w in items[1:]
        for part in w.values()
    )
    assert len(stored_question_ids(dynamodb)) == 250
    ids = raw_interview(dynamodb, "iv-1")["question_ids"]["L"]
    assert [entry["S"] for entry in ids] == [q.id for q in questions_for("iv-1", 250)]


def test_large_questions_are_split_so_no_transaction_nears_dynamodbs_4_mb(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    hold(dynamodb, repository)
    long_answer = "word " * 40_000  # about 200 KB each: 20 of them are 4 MB
    questions = [attrs.evolve(q, answer=long_answer) for q in questions_for("iv-1", 20)]
    recorder = CallRecorder(dynamodb)

    write(repository, "iv-1", questions)

    sizes = [len(json.dumps(items)) for items in recorder.transactions()]
    assert len(sizes) == 2 and max(sizes) < 3_500_000, sizes
    assert repository.list_questions("iv-1") == questions


def test_a_writer_that_did_not_claim_here_reads_the_item_once_and_is_fenced_all_the_same(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, clock: ManualClock
) -> None:
    """Another repository (another process) holds nothing remembered: it reads the item
    first; one that remembered a claim whose lease was then taken over is refused by the
    transaction's own condition."""
    hold(dynamodb, repository)
    write(repository, "iv-1", questions_for("iv-1", 3))
    other = DynamoDBInterviewRepository(
        dynamodb, INTERVIEWS, QUESTIONS, questions_index=INDEX, clock=clock
    )
    recorder = CallRecorder(dynamodb)

    write(other, "iv-1", questions_for("iv-1", 1))

    assert recorder.names() == ["GetItem", "TransactWriteItems"]
    assert stored_question_ids(dynamodb) == {questions_for("iv-1", 1)[0].id}
    clock.advance(60)
    other.claim("iv-1", "worker-b", 60)
    with pytest.raises(LeaseLost):
        write(repository, "iv-1", questions_for("iv-1", 5))
    assert stored_question_ids(dynamodb) == {questions_for("iv-1", 1)[0].id}


def test_a_record_written_before_ids_were_kept_has_its_question_count_removed(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    """Questions stored by an earlier version (ids of generation 0, counted on the record) are
    deleted by their ids when a later generation writes its own."""
    old = questions_for("iv-1", 4)
    for question in old:
        dynamodb.put_item(TableName=QUESTIONS, Item=question_to_item(question, START))
    seed(dynamodb, state=InterviewState.PENDING, question_count=4, generation=2)
    repository.claim("iv-1", "worker-a", 60)
    new = build_questions("iv-1", [ExtractedQuestion("New?", "Yes.")], generation=2)

    repository.replace_questions("iv-1", new, owner="worker-a", generation=2)

    assert stored_question_ids(dynamodb) == {new[0].id}
    assert new[0].id not in {q.id for q in old}


def test_listing_pages_through_the_index(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    long_answer = "word " * 2000  # about 10 KB each, so 150 of them span several 1 MB pages
    questions = [
        Question(
            id=f"q-{n:03d}",
            interview_id="iv-1",
            position=149 - n,
            question=f"Q{n}?",
            answer=long_answer,
            context="",
            question_context="general",
            is_global=False,
            start_time=None,
            end_time=None,
        )
        for n in range(150)
    ]
    hold(dynamodb, repository)
    write(repository, "iv-1", questions)
    recorder = CallRecorder(dynamodb)

    listed = repository.list_questions("iv-1")

    assert [q.position for q in listed] == list(range(150))
    assert recorder.names().count("Query") > 1


def test_questions_of_another_interview_or_with_repeated_ids_are_refused(
    repository: DynamoDBInterviewRepository,
) -> None:
    with pytest.raises(ValueError, match="belongs to"):
        write(repository, "iv-1", questions_for("iv-2", 1))
    twice = questions_for("iv-1", 1) * 2
    with pytest.raises(ValueError, match="twice"):
        write(repository, "iv-1", twice)


# --- Items that do not fit the schema -----------------------------------------------------


def test_timestamps_in_other_forms_are_read_or_ignored(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={
            "id": {"S": "iv-1"},
            "video_path": {"S": "v.mp4"},
            "created_at": {"N": str(int(START.timestamp()))},
            "updated_at": {"S": "yesterday"},
            "attempts": {"N": "3"},
        },
    )

    interview = repository.get("iv-1")

    assert (interview.created_at, interview.updated_at, interview.attempts) == (START, None, 3)


@pytest.mark.parametrize("attempts", [{"S": "many"}, {"S": "3"}, {"BOOL": True}])
def test_a_counter_that_is_not_a_number_fails_the_record_at_its_claim(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, attempts: Any
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={"id": {"S": "iv-1"}, "video_path": {"S": "v.mp4"}, "attempts": attempts},
    )
    loaded = repository.get("iv-1")
    assert loaded.record_problem is not None and "attempts is not a number" in loaded.record_problem

    with pytest.raises(InvalidInterviewRecord, match="attempts is not a number"):
        repository.claim("iv-1", "worker-a", 60, max_attempts=5)

    item = raw_interview(dynamodb, "iv-1")
    assert item["state"] == {"S": "failed"}
    assert item["error_code"] == {"S": "INVALID_INTERVIEW_RECORD"}
    assert "attempts is not a number" in item["error_message"]["S"]
    assert "lease_owner" not in item
    assert item["attempts"] == attempts  # the upstream's data is left for a person to see


@pytest.mark.parametrize("expiry", [{"S": "2026-01-01T13:00:00Z"}, {"S": "soon"}, {"NULL": True}])
def test_a_lease_expiry_that_is_not_a_number_never_blocks_a_claim(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository, expiry: Any
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={
            "id": {"S": "iv-1"},
            "video_path": {"S": "v.mp4"},
            "state": {"S": "processing"},
            "attempts": {"N": "1"},
            "lease_owner": {"S": "long-gone"},
            "lease_expires_at": expiry,
        },
    )

    claimed = repository.claim("iv-1", "worker-a", 60, max_attempts=5)

    assert (claimed.lease_owner, claimed.attempts) == ("worker-a", 2)
    assert raw_interview(dynamodb, "iv-1")["lease_expires_at"] == {
        "N": str(int(START.timestamp()) + 60) + ".000000"
    }
    problem = repository.get("iv-1").record_problem
    assert problem is None


def test_a_lease_expiry_of_the_wrong_type_is_named_as_the_record_problem(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    dynamodb.put_item(
        TableName=INTERVIEWS,
        Item={
            "id": {"S": "iv-1"},
            "video_path": {"S": "v.mp4"},
            "lease_owner": {"S": "long-gone"},
            "lease_expires_at": {"S": "soon"},
        },
    )

    loaded = repository.get("iv-1")

    assert loaded.lease_expires_at is None
    assert loaded.record_problem is not None
    assert "lease_expires_at is not a number (DynamoDB type S)" in loaded.record_problem


def test_a_question_item_without_position_is_invalid(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    dynamodb.put_item(
        TableName=QUESTIONS,
        Item={"id": {"S": "q-1"}, "interview_id": {"S": "iv-1"}, "question": {"S": "Why?"}},
    )

    with pytest.raises(InvalidInterviewRecord, match="position"):
        repository.list_questions("iv-1")


def test_non_finite_times_are_stored_as_unknown(
    dynamodb: DynamoDBClient, repository: DynamoDBInterviewRepository
) -> None:
    question = attrs.evolve(questions_for("iv-1", 2)[1], start_time=math.nan, end_time=math.inf)
    hold(dynamodb, repository)

    write(repository, "iv-1", [question])

    (stored,) = repository.list_questions("iv-1")
    assert (stored.start_time, stored.end_time) == (None, None)
    assert stored == attrs.evolve(question, start_time=None, end_time=None)


# --- Provider errors on the real endpoint ------------------------------------------------


def test_missing_tables_and_index_are_configuration_errors(dynamodb: DynamoDBClient) -> None:
    no_interviews = DynamoDBInterviewRepository(dynamodb, "missing-interviews", QUESTIONS)
    with pytest.raises(ConfigurationError, match="missing-interviews"):
        no_interviews.get("iv-1")
    with pytest.raises(ConfigurationError, match="missing-interviews"):
        no_interviews.claim("iv-1", "worker-a", 60)
    no_questions = DynamoDBInterviewRepository(dynamodb, INTERVIEWS, "missing-questions")
    with pytest.raises(ConfigurationError, match="missing-questions"):
        no_questions.list_questions("iv-1")
    hold(dynamodb, no_questions)
    with pytest.raises(ConfigurationError, match="missing-questions"):
        write(no_questions, "iv-1", questions_for("iv-1", 2))
    no_index = DynamoDBInterviewRepository(
        dynamodb, INTERVIEWS, QUESTIONS, questions_index="missing-index"
    )
    with pytest.raises(ConfigurationError, match=QUESTIONS):
        no_index.list_questions("iv-1")


def test_unreachable_endpoint_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the call: connection refused
    client = _offline_client(f"http://127.0.0.1:{port}")

    with pytest.raises(RepositoryUnavailable, match="EndpointConnectionError"):
        DynamoDBInterviewRepository(client, INTERVIEWS, QUESTIONS).get("iv-1")


def test_read_timeout_is_unavailable() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        client = _offline_client(f"http://127.0.0.1:{silent.getsockname()[1]}", read_timeout=0.3)
        with pytest.raises(RepositoryUnavailable, match="ReadTimeoutError"):
            DynamoDBInterviewRepository(client, INTERVIEWS, QUESTIONS).claim("iv-1", "w", 60)


# --- The Stubber: what moto never does ---------------------------------------------------


def _offline_client(endpoint: str = "http://127.0.0.1:9", read_timeout: float = 5) -> Any:
    config = Config(
        retries={"mode": "standard", "max_attempts": 1},
        connect_timeout=1,
        read_timeout=read_timeout,
    )
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


class Sleeps:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    client = _offline_client()
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _stub_repository(client: Any, sleeps: Sleeps, **options: Any) -> DynamoDBInterviewRepository:
    return DynamoDBInterviewRepository(
        client,
        INTERVIEWS,
        QUESTIONS,
        clock=ManualClock(START),
        sleep=sleeps,
        jitter=lambda: 0.5,
        **options,
    )


def _held_item(generation: int = 0) -> dict[str, Any]:
    return interview_to_item(
        Interview(
            id="iv-1",
            video_path="v.mp4",
            state=InterviewState.PROCESSING,
            lease_owner="worker-a",
            lease_expires_at=datetime(2026, 1, 1, 13, tzinfo=UTC),
            generation=generation,
        )
    )


def _cancel(stubber: Stubber, *codes: str) -> None:
    """A TransactWriteItems answered with TransactionCanceledException and these reasons."""
    stubber.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons",
        400,
        modeled_fields={"CancellationReasons": [{"Code": code} for code in codes]},
    )


def test_a_transaction_cancelled_for_a_conflict_is_sent_again_after_a_backoff(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    sleeps = Sleeps()
    stubber.add_response("get_item", {"Item": _held_item()})
    _cancel(stubber, "TransactionConflict", "None", "None")
    _cancel(stubber, "None", "ThrottlingError", "None")
    stubber.add_response("transact_write_items", {})

    write(_stub_repository(client, sleeps), "iv-1", questions_for("iv-1", 2))

    assert sleeps.seconds == [0.5 * 0.05, 0.5 * 0.1]


@pytest.mark.parametrize(
    ("code", "throttled"),
    [
        ("TransactionConflict", False),
        ("ThrottlingError", True),
        ("ProvisionedThroughputExceeded", True),
        ("RequestLimitExceeded", True),
    ],
)
def test_a_transaction_cancelled_every_time_is_transient(
    stubbed: tuple[Any, Stubber], code: str, throttled: bool
) -> None:
    client, stubber = stubbed
    sleeps = Sleeps()
    stubber.add_response("get_item", {"Item": _held_item()})
    for _ in range(4):
        _cancel(stubber, "None", code)
    repository = _stub_repository(
        client, sleeps, max_write_retries=3, write_backoff_base=0.05, write_backoff_cap=0.1
    )

    with pytest.raises(RepositoryUnavailable, match="4 times") as raised:
        write(repository, "iv-1", questions_for("iv-1", 1))
    assert raised.value.permanent is False
    assert raised.value.throttled is throttled  # throughput refusals spend no attempt
    assert sleeps.seconds == [0.5 * s for s in (0.05, 0.1, 0.1)]


def test_a_failed_fence_in_a_transaction_is_a_lost_lease_and_not_retried(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    sleeps = Sleeps()
    stubber.add_response("get_item", {"Item": _held_item()})
    _cancel(stubber, "ConditionalCheckFailed", "TransactionConflict", "None")

    with pytest.raises(LeaseLost):
        write(_stub_repository(client, sleeps), "iv-1", questions_for("iv-1", 2))
    assert sleeps.seconds == []


def test_a_question_item_dynamodb_refuses_in_a_transaction_is_invalid(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    stubber.add_response("get_item", {"Item": _held_item()})
    _cancel(stubber, "None", "ValidationError")

    with pytest.raises(InvalidInterviewRecord):
        write(_stub_repository(client, Sleeps()), "iv-1", questions_for("iv-1", 1))


@pytest.mark.parametrize(
    "item",
    [
        None,
        interview_to_item(Interview(id="iv-1", video_path="v.mp4", lease_owner="worker-b")),
        interview_to_item(
            Interview(
                id="iv-1", video_path="v.mp4", state=InterviewState.FAILED, lease_owner="worker-a"
            )
        ),
        _held_item(generation=1),
    ],
)
def test_a_writer_that_does_not_hold_the_fence_sends_no_write(
    stubbed: tuple[Any, Stubber], item: dict[str, Any] | None
) -> None:
    client, stubber = stubbed
    stubber.add_response("get_item", {"Item": item} if item is not None else {})

    with pytest.raises(LeaseLost):
        write(_stub_repository(client, Sleeps()), "iv-1", questions_for("iv-1", 1))


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("RequestLimitExceeded", 400),
        ("InternalServerError", 500),
        ("ServiceUnavailable", 503),
    ],
)
def test_throttling_and_server_errors_on_claim_are_transient(
    stubbed: tuple[Any, Stubber], code: str, status: int
) -> None:
    client, stubber = stubbed
    stubber.add_client_error("update_item", code, "slow down", status)

    with pytest.raises(RepositoryUnavailable, match=code) as raised:
        _stub_repository(client, Sleeps()).claim("iv-1", "worker-a", 60)
    assert raised.value.permanent is False
    assert raised.value.throttled is (status == 400)  # throughput refusals spend no attempt


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("get_item", lambda r: r.get("iv-1")),
        ("update_item", lambda r: r.claim("iv-1", "w", 60)),
        ("update_item", lambda r: r.mark_completed("iv-1", "w", 1)),
        ("query", lambda r: r.list_questions("iv-1")),
    ],
)
def test_resource_not_found_is_a_permanent_configuration_error(
    stubbed: tuple[Any, Stubber], operation: str, call: Any
) -> None:
    client, stubber = stubbed
    stubber.add_client_error(operation, "ResourceNotFoundException", "Requested resource not found")

    with pytest.raises(ConfigurationError, match="does not exist") as raised:
        call(_stub_repository(client, Sleeps()))
    assert raised.value.permanent is True


def test_resource_not_found_while_writing_questions(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("get_item", {"Item": _held_item()})
    stubber.add_client_error("transact_write_items", "ResourceNotFoundException", "not found")

    with pytest.raises(ConfigurationError, match=QUESTIONS):
        write(_stub_repository(client, Sleeps()), "iv-1", questions_for("iv-1", 1))


@pytest.mark.parametrize(
    ("code", "message", "error"),
    [
        ("AccessDeniedException", "not authorized", ConfigurationError),
        ("UnrecognizedClientException", "bad token", ConfigurationError),
        ("ValidationException", "The table does not have the specified index", ConfigurationError),
        (
            "ValidationException",
            "Item size has exceeded the maximum allowed size",
            InvalidInterviewRecord,
        ),
    ],
)
def test_refused_requests_are_permanent(
    stubbed: tuple[Any, Stubber], code: str, message: str, error: type[Exception]
) -> None:
    client, stubber = stubbed
    stubber.add_client_error("get_item", code, message, 400)

    with pytest.raises(error, match=code):
        _stub_repository(client, Sleeps()).get("iv-1")


def test_claim_refusal_without_the_old_item_reads_it_once(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    completed = interview_to_item(
        Interview(id="iv-1", video_path="v.mp4", state=InterviewState.COMPLETED)
    )
    stubber.add_client_error("update_item", "ConditionalCheckFailedException", "failed")
    stubber.add_response("get_item", {"Item": completed})
    stubber.add_client_error("update_item", "ConditionalCheckFailedException", "failed")
    stubber.add_response("get_item", {})
    repository = _stub_repository(client, Sleeps())

    with pytest.raises(InterviewAlreadyCompleted):
        repository.claim("iv-1", "worker-a", 60)
    with pytest.raises(InterviewNotFound):
        repository.claim("iv-1", "worker-a", 60)


def test_claim_refusal_uses_the_old_item_the_service_returns(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    held = interview_to_item(
        Interview(
            id="iv-1",
            video_path="v.mp4",
            state=InterviewState.PROCESSING,
            lease_owner="worker-b",
            lease_expires_at=datetime(2026, 1, 1, 13, tzinfo=UTC),
        )
    )
    stubber.add_client_error(
        "update_item", "ConditionalCheckFailedException", "failed", modeled_fields={"Item": held}
    )

    with pytest.raises(LeaseHeld):
        _stub_repository(client, Sleeps()).claim("iv-1", "worker-a", 60)


def test_a_new_generation_whose_record_keeps_changing_state_is_transient(
    stubbed: tuple[Any, Stubber],
) -> None:
    """Each write is refused because the state changed after the other one was refused."""
    client, stubber = stubbed
    states = (InterviewState.PROCESSING, InterviewState.FAILED) * 3
    for state in states:
        item = interview_to_item(Interview(id="iv-1", video_path="v.mp4", state=state))
        stubber.add_client_error(
            "update_item",
            "ConditionalCheckFailedException",
            "failed",
            modeled_fields={"Item": item},
        )

    with pytest.raises(RepositoryUnavailable, match="kept changing state"):
        _stub_repository(client, Sleeps()).start_new_generation("iv-1")

    stubber.assert_no_pending_responses()


def test_a_new_generation_of_a_record_gone_between_its_writes_is_not_found(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    processing = interview_to_item(Interview(id="iv-1", video_path="v.mp4"))
    stubber.add_client_error(
        "update_item",
        "ConditionalCheckFailedException",
        "failed",
        modeled_fields={"Item": processing},
    )
    stubber.add_client_error("update_item", "ConditionalCheckFailedException", "failed")
    stubber.add_response("get_item", {})

    with pytest.raises(InterviewNotFound):
        _stub_repository(client, Sleeps()).start_new_generation("iv-1")

    stubber.assert_no_pending_responses()
