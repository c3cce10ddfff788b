"""Throttling is the world's doing: a throttled run spends no attempt, waits within its
patience, and is requeued rather than released; past the patience it fails with its own code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.clock import ManualClock
from interview_core.delivery import THROTTLE_MAX_DELAY_SECONDS, Action, DeliveryPolicy
from interview_core.entities import Interview
from interview_core.errors import (
    ErrorKind,
    ExtractionUnavailable,
    RepositoryUnavailable,
    StorageUnavailable,
    TranscriptionUnavailable,
)
from interview_core.limits import MAX_SEND_DELAY_SECONDS
from interview_core.ports import QueueMessage
from interview_core.process_interview import ProcessInterview
from interview_core.report import ErrorInfo, Outcome, ProcessingReport
from interview_core.state import InterviewState
from tests.unit.fakes import (
    FaultyInterviewRepository,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
)

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"
HOUR = 3600.0
PATIENCE = 24 * HOUR


class World:
    """The use case on a manual clock, around one pending interview."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.store = InMemoryInterviewRepository(self.clock)
        self.store.add(Interview(id=ID, video_path="videos/interview.mp4"))
        self.repo = FaultyInterviewRepository(self.store)
        self.transcriber = SpyTranscriber()
        self.extractor = SpyQuestionExtractor(sample_questions(2))
        self.use_case = ProcessInterview(
            self.repo,
            SpyVideoStore(),
            SpyAudioExtractor(duration=30.0),
            self.transcriber,
            self.extractor,
            lease_seconds=60.0,
            sleep=lambda _: None,
        )

    def run(self, *, final_attempt: bool = False, max_attempts: int = 5) -> ProcessingReport:
        return self.use_case.execute(
            ID,
            final_attempt=final_attempt,
            max_attempts=max_attempts,
            throttle_patience_seconds=PATIENCE,
        )

    def record(self) -> Interview:
        return self.store.get(ID)


@pytest.fixture
def world() -> World:
    return World()


def throttled(retry_after: float | None = None) -> ExtractionUnavailable:
    return ExtractionUnavailable("HTTP 429", throttled=True, retry_after_seconds=retry_after)


def test_a_throttled_run_gives_its_attempt_back_and_starts_the_patience(world: World) -> None:
    world.extractor.faults.fail(throttled(7.0))

    report = world.run()

    assert report.outcome is Outcome.RETRY
    assert report.throttled
    assert report.error is not None
    assert (report.error.code, report.error.retry_after_seconds) == ("EXTRACTION_UNAVAILABLE", 7.0)
    assert report.throttled_seconds == 0.0
    record = world.record()
    assert (record.state, record.attempts, record.lease_owner) == (
        InterviewState.PROCESSING,
        0,
        None,
    )
    assert record.throttled_since == world.clock.now()


def test_throttled_runs_never_exhaust_the_attempts(world: World) -> None:
    world.extractor.faults.fail(throttled(), times=None)
    started = world.clock.now()

    for _ in range(50):  # ten times WORKER_MAX_ATTEMPTS, each on a "final" receive
        report = world.run(final_attempt=True)
        assert report.outcome is Outcome.RETRY
        world.clock.advance(60)

    assert world.record().attempts == 0
    assert world.record().throttled_since == started
    world.extractor.faults.clear()
    assert world.run().outcome is Outcome.COMPLETED
    assert (world.record().attempts, world.record().throttled_since) == (1, None)


def test_the_throttled_time_is_measured_from_the_first_throttled_run(world: World) -> None:
    world.extractor.faults.fail(throttled(), times=3)

    world.run()
    world.clock.advance(100)
    world.run()
    world.clock.advance(50)
    report = world.run()

    assert report.throttled_seconds == 150.0


def test_a_run_that_is_not_throttled_clears_the_patience(world: World) -> None:
    world.extractor.faults.fail(throttled())
    world.run()
    world.clock.advance(10)
    world.transcriber.faults.fail(TranscriptionUnavailable("timed out"))

    report = world.run()

    assert not report.throttled
    record = world.record()
    assert record.throttled_since is None
    assert record.attempts == 1  # the ordinary failure spends its attempt


def test_past_its_patience_the_interview_fails_with_its_own_code(world: World) -> None:
    world.extractor.faults.fail(throttled(), times=None)
    world.run()
    world.clock.advance(PATIENCE - 1)
    assert world.run().outcome is Outcome.RETRY
    world.clock.advance(1)

    report = world.run()

    assert report.outcome is Outcome.FAILED
    assert report.error is not None
    assert report.error.code == "THROTTLE_PATIENCE_EXHAUSTED"
    assert report.error.kind is ErrorKind.INTERVIEW
    record = world.record()
    assert (record.state, record.error_code) == (InterviewState.FAILED, report.error.code)
    assert record.error_message is not None
    assert "86400 s" in record.error_message
    assert "WORKER_THROTTLE_PATIENCE_SECONDS" in record.error_message
    assert "EXTRACTION_UNAVAILABLE" in record.error_message
    assert record.throttled_since is None


@pytest.mark.parametrize(
    "error",
    [
        StorageUnavailable("SlowDown", throttled=True),
        TranscriptionUnavailable("LimitExceededException", throttled=True),
        RepositoryUnavailable("ProvisionedThroughputExceededException", throttled=True),
    ],
    ids=["s3", "transcribe", "dynamodb"],
)
def test_every_service_s_throttling_spends_no_attempt(
    world: World, error: StorageUnavailable
) -> None:
    world.transcriber.faults.fail(error)

    report = world.run(final_attempt=True)

    assert report.outcome is Outcome.RETRY
    assert report.throttled
    assert world.record().attempts == 0


def test_a_throttled_claim_changes_nothing_and_is_reported_throttled(world: World) -> None:
    world.repo.faults["claim"].fail(RepositoryUnavailable("throttled", throttled=True))

    report = world.run()

    assert report.throttled
    assert report.throttled_seconds is None  # the record was never claimed
    assert world.record().attempts == 0


def test_a_throttled_release_that_cannot_be_stored_is_still_a_retry(world: World) -> None:
    world.extractor.faults.fail(throttled())
    world.repo.faults["release"].fail(RepositoryUnavailable("down"), times=None)

    report = world.run()

    assert report.outcome is Outcome.RETRY
    assert report.settle_error is not None
    assert world.record().attempts == 1  # the lease lapses by itself, the attempt stays counted


# --- the policy's decision ---------------------------------------------------------------------

POLICY = DeliveryPolicy(max_attempts=5, backoff_base_seconds=10.0, backoff_max_seconds=900.0)


def message(receive_count: int = 1) -> QueueMessage:
    return QueueMessage("m-1", "r-1", receive_count, ID)


def throttled_report(
    throttled_seconds: float | None, retry_after: float | None = None
) -> ProcessingReport:
    error = ErrorInfo(
        "EXTRACTION_UNAVAILABLE",
        "429",
        ErrorKind.TRANSIENT,
        throttled=True,
        retry_after_seconds=retry_after,
    )
    return ProcessingReport(
        interview_id=ID, outcome=Outcome.RETRY, error=error, throttled_seconds=throttled_seconds
    )


def test_a_throttled_retry_is_requeued_not_released() -> None:
    decision = POLICY.decide(message(4), throttled_report(30.0), jitter=lambda: 0.5)

    assert decision.action is Action.REQUEUE
    assert decision.delay_seconds == 15.0
    assert decision.reason == "throttled"
    assert not decision.acknowledges
    assert not decision.halts


def test_an_ordinary_retry_is_still_released() -> None:
    report = ProcessingReport(
        interview_id=ID,
        outcome=Outcome.RETRY,
        error=ErrorInfo("STORAGE_UNAVAILABLE", "503", ErrorKind.TRANSIENT),
    )

    assert POLICY.decide(message(), report).action is Action.RELEASE


@pytest.mark.parametrize(
    ("throttled_seconds", "ceiling"),
    [(0.0, 10.0), (5.0, 10.0), (100.0, 100.0), (200.0, 200.0), (3600.0, 240.0)],
)
def test_the_throttle_ceiling_grows_with_the_time_throttled_up_to_four_minutes(
    throttled_seconds: float, ceiling: float
) -> None:
    assert POLICY.throttle_delay(message(), throttled_report(throttled_seconds), lambda: 1.0) == (
        ceiling
    )
    assert THROTTLE_MAX_DELAY_SECONDS == 240.0


def test_the_throttle_ceiling_never_passes_the_backoff_maximum() -> None:
    policy = DeliveryPolicy(backoff_base_seconds=1.0, backoff_max_seconds=30.0)

    assert policy.throttle_delay(message(), throttled_report(3600.0), lambda: 1.0) == 30.0


def test_a_throttled_claim_backs_off_by_the_receive_count() -> None:
    assert POLICY.throttle_delay(message(3), throttled_report(None), lambda: 1.0) == 40.0


def test_a_longer_retry_after_is_honoured_up_to_the_send_delay_limit() -> None:
    assert POLICY.throttle_delay(message(), throttled_report(0.0, 120.0), lambda: 0.5) == 120.0
    assert POLICY.throttle_delay(message(), throttled_report(400.0, 2.0), lambda: 0.5) == 120.0
    assert POLICY.throttle_delay(message(), throttled_report(0.0, 5000.0), lambda: 0.5) == float(
        MAX_SEND_DELAY_SECONDS
    )


@given(
    throttled_seconds=st.one_of(st.none(), st.floats(0, 1e7)),
    retry_after=st.one_of(st.none(), st.floats(0, 1e7)),
    receive_count=st.integers(1, 10_000),
    jitter=st.floats(0, 1),
)
def test_a_throttle_delay_is_never_negative_nor_past_what_sqs_can_delay(
    throttled_seconds: float | None, retry_after: float | None, receive_count: int, jitter: float
) -> None:
    delay = POLICY.throttle_delay(
        message(receive_count), throttled_report(throttled_seconds, retry_after), lambda: jitter
    )

    assert 0.0 <= delay <= MAX_SEND_DELAY_SECONDS
    if retry_after is not None:
        assert delay >= min(retry_after, MAX_SEND_DELAY_SECONDS)


def test_the_patience_must_be_positive() -> None:
    with pytest.raises(ValueError, match="throttle_patience_seconds"):
        DeliveryPolicy(throttle_patience_seconds=0)


def test_a_throttled_run_keeps_its_place_across_clock_hours(world: World) -> None:
    world.extractor.faults.fail(throttled(), times=2)
    world.run()
    world.clock.advance(timedelta(hours=5).total_seconds())

    report = world.run()

    assert report.throttled_seconds == 5 * HOUR
    assert report.outcome is Outcome.RETRY
