"""The Lambda handler on a real SQS event shape: exactly the transient records come back."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.memory_stage_store import InMemoryStageStore
from entrypoints import lambda_handler
from entrypoints.container import Container
from entrypoints.lambda_handler import START_MARGIN_MS, SqsBatchHandler, build_container
from entrypoints.metrics import configure_metrics, emit_report_metrics
from entrypoints.settings import Settings
from interview_core.clock import ManualClock
from interview_core.entities import Interview
from interview_core.errors import (
    ConfigurationError,
    QueueUnavailable,
    StorageUnavailable,
    ToolMissing,
    VideoNotFound,
)
from interview_core.ports import QueueMessage
from interview_core.report import Outcome, ProcessingReport
from interview_core.state import InterviewState
from tests.container_fakes import fake_container
from tests.unit.fakes import SpyAudioExtractor, SpyQuestionExtractor, SpyTranscriber

MAX_ATTEMPTS = 3
IDS = {
    name: f"00000000-0000-4000-8000-{n:012d}"
    for n, name in enumerate(
        ["good", "flaky", "flaky_last", "missing", "unknown", "busy", "done", "good2", "throttled"],
        start=1,
    )
}


class KeyedVideoStore:
    """Hands out a path for any key except those told to fail, and records the fetches."""

    def __init__(self, errors: dict[str, Exception]) -> None:
        self.errors = errors
        self.fetched: list[str] = []

    @contextmanager
    def fetch(self, location: str) -> Iterator[Path]:
        self.fetched.append(location)
        if location in self.errors:
            raise self.errors[location]
        yield Path("/videos") / location


class LambdaContext:
    """The part of the Lambda context object the handler reads."""

    def __init__(self, remaining_ms: int = 900_000) -> None:
        self.remaining_ms = remaining_ms
        self.aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


class RecordingVisibility:
    """Records each release the handler asks for; fails while `error` is set."""

    def __init__(self) -> None:
        self.released: dict[str, tuple[str, float]] = {}  # message id -> (queue ARN, delay)
        self.requeued: dict[str, tuple[str, float]] = {}  # message id -> (queue ARN, delay)
        self.error: Exception | None = None
        self.requeue_error: Exception | None = None

    def release(self, queue_arn: str, message: QueueMessage, delay_seconds: float) -> None:
        if self.error is not None:
            raise self.error
        self.released[message.message_id] = (queue_arn, delay_seconds)

    def requeue(self, queue_arn: str, message: QueueMessage, delay_seconds: float) -> None:
        if self.requeue_error is not None:
            raise self.requeue_error
        self.requeued[message.message_id] = (queue_arn, delay_seconds)


class World:
    """A container whose ports are in-memory fakes, seeded with one interview per case."""

    def __init__(self, invalid_messages: str = "delete") -> None:
        self.clock = ManualClock()
        self.repository = InMemoryInterviewRepository(self.clock)
        self.video_store = KeyedVideoStore(
            {
                "videos/flaky.mp4": StorageUnavailable("S3 is throttling"),
                "videos/flaky_last.mp4": StorageUnavailable("S3 is throttling"),
                "videos/missing.mp4": VideoNotFound("videos/missing.mp4"),
                "videos/throttled.mp4": StorageUnavailable("SlowDown", throttled=True),
            }
        )
        self.transcriber = SpyTranscriber()
        self.extractor = SpyQuestionExtractor()
        for name, interview_id in IDS.items():
            if name == "unknown":
                continue
            self.repository.add(Interview(id=interview_id, video_path=f"videos/{name}.mp4"))
        busy = self.repository.claim(IDS["busy"], "another-worker", 600.0)
        assert busy.lease_owner == "another-worker"
        done = self.repository.claim(IDS["done"], "earlier-run", 600.0)
        self.repository.mark_completed(done.id, "earlier-run", 0)
        self.builds = 0
        self.stage_store: InMemoryStageStore | None = None
        self.visibility = RecordingVisibility()
        self.settings = Settings(
            INTERVIEWS_BACKEND="local",
            WORKER_MAX_ATTEMPTS=MAX_ATTEMPTS,
            WORKER_INVALID_MESSAGES=invalid_messages,
            INTERVIEWS_LEASE_SECONDS=900,
        )

    def build(self) -> Container:
        self.builds += 1
        container = fake_container(
            self.settings,
            repository=self.repository,
            video_store=self.video_store,
            audio_extractor=SpyAudioExtractor(),
            transcriber=self.transcriber,
            question_extractor=self.extractor,
            stage_store=self.stage_store,
        )
        container.queue_visibility.override(providers.Object(self.visibility))
        return container

    def state(self, name: str) -> InterviewState:
        return self.repository.get(IDS[name]).state


@pytest.fixture
def real_event(real_fixtures: Path) -> dict[str, Any]:
    """The SQS event Lambda delivers, as recorded in the shared fixtures."""
    event = json.loads((real_fixtures / "sqs_event_powertools.json").read_text("utf-8"))
    assert event["Records"][0]["eventSource"] == "aws:sqs"
    return event


def _records(event: dict[str, Any], cases: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Copies of the event's first record, one per (case, receive count), with our bodies."""
    template = event["Records"][0]
    records = []
    for n, (name, receive_count) in enumerate(cases):
        record = copy.deepcopy(template)
        record["messageId"] = f"msg-{n}-{name}"
        record["body"] = json.dumps({"interview_id": IDS[name]})
        record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
        records.append(record)
    return records


def _failures(response: dict[str, list[dict[str, str]]]) -> set[str]:
    return {item["itemIdentifier"] for item in response["batchItemFailures"]}


MIXED = [
    ("good", 1),
    ("flaky", 1),
    ("flaky_last", MAX_ATTEMPTS),
    ("missing", 1),
    ("unknown", MAX_ATTEMPTS),  # its record never came: dropped on the final attempt
    ("busy", 2),
    ("done", 1),
    ("good2", MAX_ATTEMPTS),
]


def test_only_transient_and_busy_records_are_returned(real_event: dict[str, Any]) -> None:
    world = World()
    real_event["Records"] = _records(real_event, MIXED)
    response = SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert _failures(response) == {"msg-1-flaky", "msg-5-busy"}
    assert all(set(item) == {"itemIdentifier"} for item in response["batchItemFailures"])


def test_released_records_get_the_workers_delay_not_the_queues_timeout(
    real_event: dict[str, Any],
) -> None:
    world = World()
    real_event["Records"] = _records(real_event, MIXED)

    SqsBatchHandler(world.build)(real_event, LambdaContext())

    queue = real_event["Records"][0]["eventSourceARN"]
    policy = world.build().delivery_policy()
    assert set(world.visibility.released) == {"msg-1-flaky", "msg-5-busy"}
    arn, flaky_delay = world.visibility.released["msg-1-flaky"]
    assert arn == queue
    assert 0 <= flaky_delay <= policy.backoff_ceiling(1)
    _, busy_delay = world.visibility.released["msg-5-busy"]
    assert busy_delay == pytest.approx(600.0 + 1.0)  # the lease's time left, plus a margin


def test_a_request_before_its_record_is_handed_back_with_the_retry_delay(
    real_event: dict[str, Any],
) -> None:
    world = World()
    real_event["Records"] = _records(real_event, [("unknown", 1)])

    response = SqsBatchHandler(world.build)(real_event, LambdaContext())

    assert _failures(response) == {"msg-0-unknown"}
    _, delay = world.visibility.released["msg-0-unknown"]
    assert 0 <= delay <= world.build().delivery_policy().backoff_ceiling(1)


def test_a_release_that_fails_still_hands_the_record_back(real_event: dict[str, Any]) -> None:
    world = World()
    world.visibility.error = QueueUnavailable("throttled")
    real_event["Records"] = _records(real_event, [("flaky", 1)])

    response = SqsBatchHandler(world.build)(real_event, LambdaContext())

    assert _failures(response) == {"msg-0-flaky"}


def test_a_throttled_record_is_requeued_as_a_fresh_copy_and_left_for_sqs_to_delete(
    real_event: dict[str, Any],
) -> None:
    world = World()
    real_event["Records"] = _records(real_event, [("throttled", MAX_ATTEMPTS)])  # its final attempt

    response = SqsBatchHandler(world.build)(real_event, LambdaContext())

    assert _failures(response) == set()
    queue = real_event["Records"][0]["eventSourceARN"]
    arn, delay = world.visibility.requeued["msg-0-throttled"]
    assert arn == queue
    assert 0 <= delay <= world.build().delivery_policy().backoff_base_seconds
    assert world.visibility.released == {}
    record = world.repository.get(IDS["throttled"])
    assert (record.state, record.attempts, record.lease_owner) == (
        InterviewState.PROCESSING,
        0,
        None,
    )
    assert record.throttled_since is not None


def test_a_throttled_record_that_cannot_be_requeued_is_handed_back_with_its_delay(
    real_event: dict[str, Any],
) -> None:
    world = World()
    world.visibility.requeue_error = QueueUnavailable("SendMessage throttled")
    real_event["Records"] = _records(real_event, [("throttled", 1)])

    response = SqsBatchHandler(world.build)(real_event, LambdaContext())

    assert _failures(response) == {"msg-0-throttled"}
    assert set(world.visibility.released) == {"msg-0-throttled"}
    assert world.visibility.requeued == {}


def test_each_record_ends_in_the_state_its_outcome_requires(real_event: dict[str, Any]) -> None:
    world = World()
    real_event["Records"] = _records(real_event, MIXED)
    SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert world.state("good") is InterviewState.COMPLETED
    assert world.state("good2") is InterviewState.COMPLETED
    assert len(world.repository.list_questions(IDS["good"])) == len(world.extractor.questions)
    flaky = world.repository.get(IDS["flaky"])
    assert flaky.state is InterviewState.PROCESSING
    assert flaky.lease_owner is None  # released: the next delivery may claim at once
    flaky_last = world.repository.get(IDS["flaky_last"])
    assert flaky_last.state is InterviewState.FAILED
    assert flaky_last.error_code == "STORAGE_UNAVAILABLE"
    assert world.repository.get(IDS["missing"]).error_code == "VIDEO_NOT_FOUND"
    assert world.repository.get(IDS["busy"]).lease_owner == "another-worker"
    assert world.state("done") is InterviewState.COMPLETED
    assert "videos/done.mp4" not in world.video_store.fetched
    assert "videos/busy.mp4" not in world.video_store.fetched


def test_a_retried_record_completes_once_the_fault_clears(real_event: dict[str, Any]) -> None:
    world = World()
    handler = SqsBatchHandler(world.build)
    real_event["Records"] = _records(real_event, [("flaky", 1)])
    assert _failures(handler(real_event, LambdaContext())) == {"msg-0-flaky"}
    del world.video_store.errors["videos/flaky.mp4"]
    real_event["Records"] = _records(real_event, [("flaky", 2)])
    assert _failures(handler(real_event, LambdaContext())) == set()
    assert world.state("flaky") is InterviewState.COMPLETED


def test_a_busy_record_is_processed_after_the_holder_lease_expires(
    real_event: dict[str, Any],
) -> None:
    world = World()
    handler = SqsBatchHandler(world.build)
    real_event["Records"] = _records(real_event, [("busy", 1)])
    assert _failures(handler(real_event, LambdaContext())) == {"msg-0-busy"}
    world.clock.advance(601)
    assert _failures(handler(real_event, LambdaContext())) == set()
    assert world.state("busy") is InterviewState.COMPLETED


def test_the_fixture_bodies_are_invalid_and_deleted_by_default_setting(
    real_event: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    world = World(invalid_messages="delete")
    response = SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert _failures(response) == set()
    assert world.transcriber.calls == []
    for record in real_event["Records"]:
        assert record["messageId"] in caplog.text
        assert record["body"] not in caplog.text
    assert "INVALID_MESSAGE" in caplog.text


def test_invalid_bodies_come_back_for_the_dead_letter_queue_when_configured(
    real_event: dict[str, Any],
) -> None:
    world = World(invalid_messages="dead-letter")
    real_event["Records"] += _records(real_event, [("good", 1)])
    response = SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert _failures(response) == {r["messageId"] for r in real_event["Records"][:2]}
    assert world.state("good") is InterviewState.COMPLETED


def test_records_are_handed_back_unstarted_when_time_runs_out(real_event: dict[str, Any]) -> None:
    world = World()
    real_event["Records"] = _records(real_event, [("good", 1), ("good2", 1)])
    response = SqsBatchHandler(world.build)(real_event, LambdaContext(START_MARGIN_MS - 1))
    assert _failures(response) == {"msg-0-good", "msg-1-good2"}
    assert world.video_store.fetched == []
    assert world.state("good") is InterviewState.PENDING


def test_a_deployment_fault_fails_nothing_and_hands_back_the_rest_of_the_batch(
    real_event: dict[str, Any],
) -> None:
    world = World()
    world.video_store.errors["videos/good.mp4"] = ToolMissing("ffmpeg was not found")
    real_event["Records"] = _records(real_event, [("good", MAX_ATTEMPTS), ("good2", 1)])
    response = SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert _failures(response) == {"msg-0-good", "msg-1-good2"}
    good = world.repository.get(IDS["good"])
    assert good.state is InterviewState.PROCESSING  # even on the last attempt: not failed
    assert (good.error_code, good.lease_owner) == (None, None)
    assert world.video_store.fetched == ["videos/good.mp4"]  # good2 was never started
    assert world.state("good2") is InterviewState.PENDING


def test_an_unexpected_error_in_one_record_does_not_fail_the_others(
    real_event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World()
    handler = SqsBatchHandler(world.build)
    real_event["Records"] = _records(real_event, [("good", 1), ("good2", 1)])
    deliveries = handler._cold_start()[1]
    original: Callable[..., Any] = deliveries.handle

    def explode_on_first(message: Any, **kwargs: Any) -> Any:
        if message.message_id == "msg-0-good":
            raise RuntimeError("bug")
        return original(message, **kwargs)

    monkeypatch.setattr(deliveries, "handle", explode_on_first)
    assert _failures(handler(real_event, LambdaContext())) == {"msg-0-good"}
    assert world.state("good2") is InterviewState.COMPLETED


def test_the_container_is_built_on_first_invocation_and_kept(real_event: dict[str, Any]) -> None:
    world = World()
    handler = SqsBatchHandler(world.build)
    assert not handler.built and world.builds == 0
    real_event["Records"] = _records(real_event, [("good", 1)])
    handler(real_event, LambdaContext())
    assert handler.built and world.builds == 1
    real_event["Records"] = _records(real_event, [("good2", 1)])
    handler(real_event, LambdaContext())
    assert world.builds == 1
    assert world.state("good2") is InterviewState.COMPLETED


def test_importing_the_module_builds_nothing() -> None:
    assert isinstance(lambda_handler.handler, SqsBatchHandler)
    assert not lambda_handler.handler.built


@pytest.mark.parametrize("event", [{}, {"Records": "nope"}, {"detail-type": "Scheduled Event"}])
def test_an_event_that_is_not_from_sqs_is_refused(event: dict[str, Any]) -> None:
    world = World()
    with pytest.raises(ConfigurationError):
        SqsBatchHandler(world.build)(event, LambdaContext())


def test_a_record_without_a_message_id_is_skipped(real_event: dict[str, Any]) -> None:
    world = World()
    records = _records(real_event, [("good", 1), ("flaky", 1)])
    del records[0]["messageId"]
    real_event["Records"] = records
    response = SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert _failures(response) == {"msg-1-flaky"}
    assert world.state("good") is InterviewState.PENDING


def test_an_unreadable_receive_count_counts_as_a_first_receive(real_event: dict[str, Any]) -> None:
    world = World()
    records = _records(real_event, [("flaky", 1)])
    records[0]["attributes"]["ApproximateReceiveCount"] = "many"
    real_event["Records"] = records
    response = SqsBatchHandler(world.build)(real_event, LambdaContext())
    assert _failures(response) == {"msg-0-flaky"}
    assert world.state("flaky") is InterviewState.PROCESSING


def test_one_metrics_line_per_processed_interview(real_event: dict[str, Any]) -> None:
    world = World()
    stream = io.StringIO()
    configure_metrics(enabled=True, namespace="Test", stream=stream)
    try:
        real_event["Records"] += _records(real_event, [("good", 1), ("flaky", 1)])
        SqsBatchHandler(world.build)(real_event, LambdaContext())
    finally:
        configure_metrics(enabled=False)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["interview_id"], line["Outcome"]) for line in lines] == [
        (IDS["good"], "completed"),
        (IDS["flaky"], "retry"),
    ]
    assert lines[0]["Questions"] == len(world.extractor.questions)


def test_cold_start_reads_the_environment_and_turns_metrics_on(
    monkeypatch: pytest.MonkeyPatch,
    restored_logging: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTERVIEWS_BACKEND", "local")
    monkeypatch.setenv("WORKER_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("INTERVIEWS_EMF_METRICS", "true")
    monkeypatch.setenv("INTERVIEWS_METRICS_NAMESPACE", "Cold/Start")
    container = build_container()
    assert container.settings().worker_max_attempts == 7
    emit_report_metrics(ProcessingReport(interview_id=IDS["good"], outcome=Outcome.SKIPPED))
    line = json.loads(capsys.readouterr().out)
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Cold/Start"
    assert list(tmp_path.iterdir()) == []  # no log file: Lambda's disk is read-only


# --- the function's deadline between stages --------------------------------------------------


def test_an_attempt_near_the_deadline_keeps_its_transcript_and_hands_the_message_back(
    real_event: dict[str, Any],
) -> None:
    world = World()
    world.stage_store = InMemoryStageStore()
    handler = SqsBatchHandler(world.build)
    margin_ms = world.settings.lambda_stage_margin_seconds * 1000
    context = LambdaContext(remaining_ms=900_000)

    def transcription_takes_the_time_left() -> None:
        context.remaining_ms = int(margin_ms) - 1  # too little left to find the questions

    world.transcriber.during = transcription_takes_the_time_left
    real_event["Records"] = _records(real_event, [("good", MAX_ATTEMPTS)])

    first = handler(real_event, context)

    record = world.repository.get(IDS["good"])
    assert _failures(first) == {"msg-0-good"}
    assert "msg-0-good" in world.visibility.released
    assert record.state is InterviewState.PROCESSING  # not failed, though the final attempt
    assert record.lease_owner is None
    assert world.extractor.transcripts == []
    assert world.stage_store.load_transcript(IDS["good"], 0) is not None

    world.transcriber.during = None
    real_event["Records"] = _records(real_event, [("good", MAX_ATTEMPTS)])
    second = handler(real_event, LambdaContext(remaining_ms=900_000))

    assert _failures(second) == set()
    assert world.state("good") is InterviewState.COMPLETED
    assert len(world.transcriber.calls) == 1  # the second invocation resumed after it
    assert world.stage_store.keys() == [f"{IDS['good']}/g0/transcript.json"]  # for exports


def test_a_stage_is_not_started_with_less_than_the_margin_left(
    real_event: dict[str, Any],
) -> None:
    world = World()
    margin_ms = world.settings.lambda_stage_margin_seconds * 1000
    real_event["Records"] = _records(real_event, [("good", 1)])

    response = SqsBatchHandler(world.build)(
        real_event, LambdaContext(remaining_ms=int(margin_ms) - 1)
    )

    assert _failures(response) == {"msg-0-good"}
    assert world.video_store.fetched == []
    record = world.repository.get(IDS["good"])
    assert (record.state, record.lease_owner) == (InterviewState.PROCESSING, None)


def test_with_the_margin_left_every_stage_runs(real_event: dict[str, Any]) -> None:
    world = World()
    margin_ms = world.settings.lambda_stage_margin_seconds * 1000
    real_event["Records"] = _records(real_event, [("good", 1)])

    response = SqsBatchHandler(world.build)(real_event, LambdaContext(remaining_ms=int(margin_ms)))

    assert _failures(response) == set()
    assert world.state("good") is InterviewState.COMPLETED
