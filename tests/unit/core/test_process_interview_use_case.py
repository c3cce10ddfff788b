"""ProcessInterview with fakes: every step's failure ends in the right state and outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.clock import ManualClock
from interview_core.entities import Interview
from interview_core.errors import (
    MAX_ERROR_MESSAGE,
    ConfigurationError,
    ErrorKind,
    ExtractionUnavailable,
    IllegalTransition,
    InterviewError,
    InvalidInterviewRecord,
    LeaseLost,
    MediaTimeout,
    ModelRefused,
    NoAudioTrack,
    QueueUnavailable,
    RepositoryUnavailable,
    StorageUnavailable,
    ToolMissing,
    TranscriptionFailed,
    TranscriptionUnavailable,
    VideoNotFound,
)
from interview_core.ids import question_id
from interview_core.process_interview import SETTLE_PAUSES, ProcessInterview
from interview_core.report import Outcome
from interview_core.state import InterviewState
from tests.unit.fakes import (
    Faults,
    FaultyInterviewRepository,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
    sample_transcript,
)

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"
LEASE = 300.0
ALL_STAGES = [
    "load",
    "claim",
    "fetch",
    "extract_audio",
    "transcribe",
    "extract_questions",
    "store",
    "complete",
]


class World:
    """The use case wired to fakes around one pending interview."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.store = InMemoryInterviewRepository(self.clock)
        self.store.add(Interview(id=ID, video_path="videos/interview.mp4", user_id="user-7"))
        self.repo = FaultyInterviewRepository(self.store)
        self.videos = SpyVideoStore()
        self.audio = SpyAudioExtractor(duration=42.0)
        self.transcriber = SpyTranscriber()
        self.extractor = SpyQuestionExtractor(sample_questions(3))
        self.pauses: list[float] = []
        self.use_case = ProcessInterview(
            self.repo,
            self.videos,
            self.audio,
            self.transcriber,
            self.extractor,
            lease_seconds=LEASE,
            sleep=self.pauses.append,
        )

    def record(self) -> Interview:
        return self.store.get(ID)

    def faults_at(self, step: str) -> Faults:
        return {
            "load": self.repo.faults["get"],
            "claim": self.repo.faults["claim"],
            "fetch": self.videos.faults,
            "extract_audio": self.audio.faults,
            "transcribe": self.transcriber.faults,
            "extract_questions": self.extractor.faults,
            "store": self.repo.faults["replace_questions"],
            "complete": self.repo.faults["mark_completed"],
        }[step]

    def work_done(self) -> int:
        return len(self.videos.fetched) + len(self.audio.extracted) + len(self.transcriber.calls)


@pytest.fixture
def world() -> World:
    return World()


class StepErrors(NamedTuple):
    permanent: InterviewError
    transient: InterviewError


STEP_ERRORS = {
    "load": StepErrors(InvalidInterviewRecord("no video_key"), RepositoryUnavailable("throttled")),
    "claim": StepErrors(InvalidInterviewRecord("bad state"), RepositoryUnavailable("timeout")),
    "fetch": StepErrors(VideoNotFound("no video at key"), StorageUnavailable("503 from store")),
    "extract_audio": StepErrors(NoAudioTrack("no audio stream"), MediaTimeout("killed")),
    "transcribe": StepErrors(TranscriptionFailed("job failed"), TranscriptionUnavailable("slow")),
    "extract_questions": StepErrors(ModelRefused("refused"), ExtractionUnavailable("throttled")),
    "store": StepErrors(InvalidInterviewRecord("item too large"), RepositoryUnavailable("5xx")),
    "complete": StepErrors(IllegalTransition("refused"), RepositoryUnavailable("5xx")),
}
BEFORE_CLAIM = ("load", "claim")
AFTER_CLAIM = tuple(step for step in STEP_ERRORS if step not in BEFORE_CLAIM)


# --- the happy path ---------------------------------------------------------------------


def test_a_pending_interview_is_completed_with_its_questions(world: World) -> None:
    report = world.use_case.execute(ID, owner="worker-1")

    assert report.outcome is Outcome.COMPLETED
    assert report.outcome.acknowledges
    assert report.error is None
    assert (report.question_count, report.segment_count) == (3, len(sample_transcript().segments))
    assert report.audio_seconds == 42.0
    assert report.attempts == 1
    record = world.record()
    assert record.state is InterviewState.COMPLETED
    assert record.question_count == 3
    assert record.lease_owner is None
    stored = world.store.list_questions(ID)
    assert [q.question for q in stored] == [q.question for q in world.extractor.questions]
    assert [q.id for q in stored] == [question_id(ID, n) for n in range(3)]
    assert {q.user_id for q in stored} == {"user-7"}


def test_the_steps_run_in_order_with_the_interview_as_job_id(world: World) -> None:
    world.use_case.execute(ID)

    assert world.videos.fetched == ["videos/interview.mp4"]
    assert world.audio.extracted == [world.videos.path]
    [(audio, job_id)] = world.transcriber.calls
    assert job_id == ID
    assert audio.duration == 42.0
    assert world.extractor.transcripts == [world.transcriber.transcript]
    assert world.repo.calls == [
        "get",
        "claim",
        "extend_lease",
        "replace_questions",
        "mark_completed",
    ]


def test_every_stage_is_timed_in_order(world: World) -> None:
    report = world.use_case.execute(ID)

    assert [stage.name for stage in report.stages] == ALL_STAGES
    assert all(stage.seconds >= 0 for stage in report.stages)
    assert report.duration == pytest.approx(sum(stage.seconds for stage in report.stages))
    assert report.stage_seconds("transcribe") is not None
    assert report.stage_seconds("nonexistent") is None


def test_video_and_audio_are_released_after_success(world: World) -> None:
    world.use_case.execute(ID)

    assert (world.videos.closed, world.audio.closed) == (1, 1)


def test_no_questions_is_a_completed_interview_with_zero(world: World) -> None:
    world.extractor.questions = []

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert world.record().question_count == 0
    assert world.store.list_questions(ID) == []


def test_on_claimed_hears_the_claimed_record_once(world: World) -> None:
    heard: list[Interview] = []

    world.use_case.execute(ID, owner="worker-9", on_claimed=heard.append)

    [claimed] = heard
    assert claimed.state is InterviewState.PROCESSING
    assert claimed.lease_owner == "worker-9"
    assert claimed.lease_expires_at == world.clock.now() + timedelta(seconds=LEASE)


def test_each_execution_without_an_owner_gets_a_fresh_lease_owner(world: World) -> None:
    heard: list[Interview] = []
    world.transcriber.faults.fail(TranscriptionUnavailable("slow"))

    world.use_case.execute(ID, final_attempt=False, on_claimed=heard.append)
    world.use_case.execute(ID, on_claimed=heard.append)

    owners = [record.lease_owner for record in heard]
    assert len(set(owners)) == 2
    assert all(owners)


# --- refusals before any work -----------------------------------------------------------


def test_an_unknown_interview_fails_without_work(world: World) -> None:
    report = world.use_case.execute("4f0c2d1e-0000-4000-8000-000000000000")

    assert report.outcome is Outcome.FAILED
    assert report.outcome.acknowledges
    assert report.error is not None
    assert report.error.code == "INTERVIEW_NOT_FOUND"
    assert report.error.permanent
    assert world.work_done() == 0


def test_a_completed_interview_is_skipped_without_work(world: World) -> None:
    world.use_case.execute(ID)
    before = world.record()
    world.transcriber.calls.clear()
    world.videos.fetched.clear()
    world.audio.extracted.clear()

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.SKIPPED
    assert report.outcome.acknowledges
    assert report.error is None
    assert world.work_done() == 0
    assert world.record() == before


def test_an_interview_held_by_another_worker_is_busy_without_work(world: World) -> None:
    world.store.claim(ID, "other-worker", LEASE)
    before = world.record()

    report = world.use_case.execute(ID, owner="worker-1")

    assert report.outcome is Outcome.BUSY
    assert not report.outcome.acknowledges
    assert report.error is not None
    assert report.error.code == "LEASE_HELD"
    assert world.work_done() == 0
    assert world.record() == before


def test_an_expired_lease_of_a_crashed_worker_is_taken_over(world: World) -> None:
    world.store.claim(ID, "crashed-worker", LEASE)
    world.clock.advance(LEASE)

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert report.attempts == 2


# --- every step's failure ---------------------------------------------------------------


@pytest.mark.parametrize("final_attempt", [False, True])
@pytest.mark.parametrize("step", AFTER_CLAIM)
def test_a_permanent_error_after_the_claim_fails_the_interview(
    world: World, step: str, final_attempt: bool
) -> None:
    error = STEP_ERRORS[step].permanent
    world.faults_at(step).fail(error)

    report = world.use_case.execute(ID, final_attempt=final_attempt)

    assert report.outcome is Outcome.FAILED
    assert report.outcome.acknowledges
    assert report.error is not None
    assert (report.error.code, report.error.permanent) == (error.code, True)
    assert report.question_count == 0
    record = world.record()
    assert record.state is InterviewState.FAILED
    assert (record.error_code, record.error_message) == (error.code, error.message)
    assert record.lease_owner is None


@pytest.mark.parametrize("step", AFTER_CLAIM)
def test_a_transient_error_before_the_last_attempt_releases_for_a_retry(
    world: World, step: str
) -> None:
    error = STEP_ERRORS[step].transient
    world.faults_at(step).fail(error)

    report = world.use_case.execute(ID, final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert not report.outcome.acknowledges
    assert report.error is not None
    assert (report.error.code, report.error.permanent) == (error.code, False)
    record = world.record()
    assert record.state is InterviewState.PROCESSING
    assert (record.lease_owner, record.lease_expires_at) == (None, None)
    assert record.error_code is None
    assert world.use_case.execute(ID).outcome is Outcome.COMPLETED  # claimable at once


@pytest.mark.parametrize("step", AFTER_CLAIM)
def test_a_transient_error_on_the_last_attempt_fails_the_interview(world: World, step: str) -> None:
    error = STEP_ERRORS[step].transient
    world.faults_at(step).fail(error)

    report = world.use_case.execute(ID, final_attempt=True)

    assert report.outcome is Outcome.FAILED
    assert report.error is not None
    assert (report.error.code, report.error.permanent) == (error.code, False)
    record = world.record()
    assert record.state is InterviewState.FAILED
    assert record.error_code == error.code
    assert record.lease_owner is None


@pytest.mark.parametrize("final_attempt", [False, True])
@pytest.mark.parametrize("step", BEFORE_CLAIM)
def test_a_transient_error_before_the_claim_is_retried_without_touching_the_record(
    world: World, step: str, final_attempt: bool
) -> None:
    before = world.record()
    world.faults_at(step).fail(STEP_ERRORS[step].transient)

    report = world.use_case.execute(ID, final_attempt=final_attempt)

    assert report.outcome is Outcome.RETRY
    assert report.error is not None
    assert report.error.code == "REPOSITORY_UNAVAILABLE"
    assert report.attempts is None
    assert world.record() == before
    assert world.work_done() == 0


@pytest.mark.parametrize("final_attempt", [False, True])
@pytest.mark.parametrize("step", AFTER_CLAIM)
def test_a_deployment_fault_after_the_claim_releases_the_lease_and_fails_nothing(
    world: World, step: str, final_attempt: bool
) -> None:
    world.faults_at(step).fail(ToolMissing("ffmpeg is not installed"))

    report = world.use_case.execute(ID, final_attempt=final_attempt)

    assert report.outcome is Outcome.HALTED
    assert not report.outcome.acknowledges
    assert report.error is not None
    assert (report.error.code, report.error.kind) == ("TOOL_MISSING", ErrorKind.DEPLOYMENT)
    record = world.record()
    assert record.state is InterviewState.PROCESSING
    assert (record.lease_owner, record.error_code) == (None, None)
    assert world.use_case.execute(ID).outcome is Outcome.COMPLETED  # once the tool is back


@pytest.mark.parametrize("step", BEFORE_CLAIM)
def test_a_deployment_fault_before_the_claim_halts_without_touching_the_record(
    world: World, step: str
) -> None:
    before = world.record()
    world.faults_at(step).fail(ConfigurationError("the table does not exist"))

    report = world.use_case.execute(ID, final_attempt=True)

    assert report.outcome is Outcome.HALTED
    assert report.error is not None
    assert report.error.kind is ErrorKind.DEPLOYMENT
    assert world.record() == before
    assert world.work_done() == 0


@pytest.mark.parametrize("step", BEFORE_CLAIM)
def test_a_permanent_error_before_the_claim_is_acknowledged(world: World, step: str) -> None:
    world.faults_at(step).fail(STEP_ERRORS[step].permanent)

    report = world.use_case.execute(ID, final_attempt=False)

    assert report.outcome is Outcome.FAILED
    assert report.outcome.acknowledges


@pytest.mark.parametrize("step", ALL_STAGES)
def test_stages_are_timed_up_to_the_failing_one(world: World, step: str) -> None:
    world.faults_at(step).fail(STEP_ERRORS[step].transient)

    report = world.use_case.execute(ID, final_attempt=False)

    assert [stage.name for stage in report.stages] == ALL_STAGES[: ALL_STAGES.index(step) + 1]


@pytest.mark.parametrize("step", ["extract_audio", "transcribe", "extract_questions", "store"])
def test_video_and_audio_are_released_after_a_failure(world: World, step: str) -> None:
    world.faults_at(step).fail(STEP_ERRORS[step].permanent)

    world.use_case.execute(ID)

    assert world.videos.closed == len(world.videos.fetched) == 1
    assert world.audio.closed == len(world.audio.extracted)


@pytest.mark.parametrize("final_attempt", [False, True])
def test_an_unexpected_exception_is_treated_as_retryable(world: World, final_attempt: bool) -> None:
    world.transcriber.faults.fail(RuntimeError("decoder crashed"))

    report = world.use_case.execute(ID, final_attempt=final_attempt)

    assert report.error is not None
    assert report.error.code == "UNEXPECTED_ERROR"
    assert not report.error.permanent
    assert "RuntimeError" in report.error.message
    if final_attempt:
        assert report.outcome is Outcome.FAILED
        assert world.record().error_code == "UNEXPECTED_ERROR"
    else:
        assert report.outcome is Outcome.RETRY
        assert world.record().lease_owner is None


def test_an_unexpected_exception_is_stored_without_the_places_it_names(world: World) -> None:
    world.transcriber.faults.fail(
        OSError("cannot reach https://s3.example.test/bucket/key.mp4 for arn:aws:s3:::bucket")
    )

    world.use_case.execute(ID, final_attempt=True)

    stored = world.record().error_message or ""
    assert stored.startswith("OSError: cannot reach <redacted> for <redacted>")
    assert "example.test" not in stored and "arn:" not in stored


def test_an_unexpected_exception_before_the_claim_is_retried(world: World) -> None:
    world.repo.faults["claim"].fail(ConnectionResetError("reset by peer"))

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.RETRY
    assert report.error is not None
    assert report.error.code == "UNEXPECTED_ERROR"


def test_a_long_error_message_is_cut_before_it_is_stored(world: World) -> None:
    world.transcriber.faults.fail(TranscriptionFailed("x" * (MAX_ERROR_MESSAGE * 5)))

    report = world.use_case.execute(ID)

    assert report.error is not None
    assert len(report.error.message) == MAX_ERROR_MESSAGE
    assert len(world.record().error_message or "") == MAX_ERROR_MESSAGE


def test_a_failed_interview_can_be_processed_again(world: World) -> None:
    world.videos.faults.fail(VideoNotFound("not yet uploaded"))
    world.use_case.execute(ID)

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert report.attempts == 2
    assert world.record().error_code is None


# --- losing the lease -------------------------------------------------------------------


def take_over_during_transcription(world: World) -> Callable[[], None]:
    def take_over() -> None:
        world.clock.advance(LEASE + 1)
        world.store.claim(ID, "newer-worker", LEASE)

    return take_over


def test_losing_the_lease_before_completion_is_busy_and_leaves_the_new_owner_alone(
    world: World,
) -> None:
    world.transcriber.during = take_over_during_transcription(world)

    report = world.use_case.execute(ID, owner="slow-worker")

    assert report.outcome is Outcome.BUSY
    assert report.error is not None
    assert report.error.code == LeaseLost.code
    record = world.record()
    assert record.state is InterviewState.PROCESSING
    assert record.lease_owner == "newer-worker"


@pytest.mark.parametrize("error", [TranscriptionUnavailable("slow"), TranscriptionFailed("bad")])
def test_losing_the_lease_before_settling_a_failure_is_busy(
    world: World, error: InterviewError
) -> None:
    world.transcriber.during = take_over_during_transcription(world)
    world.transcriber.faults.fail(error)

    report = world.use_case.execute(ID, owner="slow-worker", final_attempt=False)

    assert report.outcome is Outcome.BUSY
    assert world.record().lease_owner == "newer-worker"
    assert world.record().state is InterviewState.PROCESSING


def test_a_repository_outage_while_settling_leaves_the_message_for_a_retry(world: World) -> None:
    world.transcriber.faults.fail(TranscriptionFailed("bad audio"))
    world.repo.faults["mark_failed"].fail(RepositoryUnavailable("down"), times=None)

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.RETRY
    assert report.error is not None
    assert report.error.code == "TRANSCRIPTION_FAILED"
    assert report.settle_error is not None
    assert report.settle_error.code == "REPOSITORY_UNAVAILABLE"
    assert world.repo.calls.count("mark_failed") == 3
    assert world.pauses == list(SETTLE_PAUSES)
    assert world.record().state is InterviewState.PROCESSING


def test_a_release_that_fails_for_a_moment_is_tried_again_and_frees_the_lease(
    world: World,
) -> None:
    world.transcriber.faults.fail(TranscriptionUnavailable("throttled"))
    world.repo.faults["release"].fail(RepositoryUnavailable("throttled"), times=2)

    report = world.use_case.execute(ID, final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert report.settle_error is None
    assert world.repo.calls.count("release") == 3
    assert (world.record().lease_owner, world.record().lease_expires_at) == (None, None)


def test_a_release_that_keeps_failing_is_reported_not_swallowed(world: World) -> None:
    world.transcriber.faults.fail(TranscriptionUnavailable("throttled"))
    world.repo.faults["release"].fail(RepositoryUnavailable("throttled"), times=None)

    report = world.use_case.execute(ID, final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert report.settle_error is not None
    assert report.settle_error.code == "REPOSITORY_UNAVAILABLE"
    assert world.record().lease_owner is not None  # it runs out by itself


# --- attempts -----------------------------------------------------------------------------


def test_the_claim_past_max_attempts_fails_the_interview_without_work(world: World) -> None:
    for n in range(3):
        world.store.claim(ID, f"crashed-{n}", LEASE)
        world.clock.advance(LEASE)

    report = world.use_case.execute(ID, final_attempt=False, max_attempts=3)

    assert report.outcome is Outcome.FAILED
    assert report.error is not None
    assert report.error.code == "ATTEMPTS_EXHAUSTED"
    record = world.record()
    assert (record.state, record.error_code, record.attempts) == (
        InterviewState.FAILED,
        "ATTEMPTS_EXHAUSTED",
        3,
    )
    assert record.lease_owner is None
    assert world.work_done() == 0


def test_the_last_allowed_attempt_fails_on_a_transient_error(world: World) -> None:
    world.store.claim(ID, "crashed", LEASE)
    world.clock.advance(LEASE)
    world.transcriber.faults.fail(TranscriptionUnavailable("down"))

    report = world.use_case.execute(ID, final_attempt=False, max_attempts=2)

    assert report.outcome is Outcome.FAILED
    assert world.record().error_code == "TRANSCRIPTION_UNAVAILABLE"


def test_attempts_left_are_worked_on(world: World) -> None:
    world.store.claim(ID, "crashed", LEASE)
    world.clock.advance(LEASE)

    report = world.use_case.execute(ID, final_attempt=False, max_attempts=3)

    assert report.outcome is Outcome.COMPLETED
    assert report.attempts == 2


def test_a_busy_report_says_how_long_the_lease_has_left(world: World) -> None:
    world.store.claim(ID, "someone-else", LEASE)
    world.clock.advance(LEASE - 12.5)

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.BUSY
    assert report.lease_remaining_seconds == pytest.approx(12.5)


def test_an_error_in_on_claimed_releases_the_lease_for_a_retry(world: World) -> None:
    def heartbeat_fails(interview: Interview) -> None:
        raise QueueUnavailable("could not extend the message")

    report = world.use_case.execute(ID, final_attempt=False, on_claimed=heartbeat_fails)

    assert report.outcome is Outcome.RETRY
    assert world.record().lease_owner is None


# --- idempotent reruns ------------------------------------------------------------------


def test_a_forced_rerun_with_fewer_questions_leaves_none_behind(world: World) -> None:
    world.extractor.questions = sample_questions(5)
    world.use_case.execute(ID)
    first_ids = [q.id for q in world.store.list_questions(ID)]
    world.extractor.questions = sample_questions(2)

    report = world.use_case.execute(ID, force=True)

    assert report.outcome is Outcome.COMPLETED
    stored = world.store.list_questions(ID)
    assert [q.id for q in stored] == first_ids[:2]
    assert len(world.store.all_questions()) == 2
    assert world.record().question_count == 2


def test_question_ids_are_the_same_on_every_run(world: World) -> None:
    world.use_case.execute(ID)
    first = world.store.list_questions(ID)

    world.use_case.execute(ID, force=True)

    assert world.store.list_questions(ID) == first
    assert [q.id for q in first] == [question_id(ID, n) for n in range(len(first))]


def test_a_retry_after_storing_questions_does_not_duplicate_them(world: World) -> None:
    world.repo.faults["mark_completed"].fail(RepositoryUnavailable("5xx"))
    world.use_case.execute(ID, final_attempt=False)

    world.use_case.execute(ID)

    assert len(world.store.all_questions()) == 3
    assert world.record().question_count == 3
    assert [job for _, job in world.transcriber.calls] == [ID, ID]


def test_the_report_counts_attempts_across_retries(world: World) -> None:
    world.transcriber.faults.fail(TranscriptionUnavailable("slow"), times=2)

    outcomes = [world.use_case.execute(ID, final_attempt=False) for _ in range(3)]

    assert [r.outcome for r in outcomes] == [Outcome.RETRY, Outcome.RETRY, Outcome.COMPLETED]
    assert [r.attempts for r in outcomes] == [1, 2, 3]
    assert world.record().attempts == 3


@pytest.mark.parametrize(
    ("outcome", "acknowledges"),
    [
        (Outcome.COMPLETED, True),
        (Outcome.FAILED, True),
        (Outcome.SKIPPED, True),
        (Outcome.RETRY, False),
        (Outcome.BUSY, False),
    ],
)
def test_only_final_outcomes_acknowledge_the_message(outcome: Outcome, acknowledges: bool) -> None:
    assert outcome.acknowledges is acknowledges


def test_a_record_whose_video_path_cannot_be_read_is_claimed_and_failed_with_the_reason() -> None:
    world = World()
    world.store.add(
        Interview(id=ID, video_path="", record_problem=f"interview {ID} has no video_path")
    )

    report = world.use_case.execute(ID)

    record = world.record()
    assert report.outcome is Outcome.FAILED
    assert record.state is InterviewState.FAILED
    assert record.error_code == InvalidInterviewRecord.code
    assert record.error_message == f"interview {ID} has no video_path"
    assert world.videos.fetched == []


@pytest.mark.parametrize("state", [InterviewState.PENDING, InterviewState.PROCESSING])
def test_the_last_look_ends_an_unfinished_interview_without_work(
    world: World, state: InterviewState
) -> None:
    if state is InterviewState.PROCESSING:
        world.store.claim(ID, "crashed", LEASE)
        world.clock.advance(LEASE)

    report = world.use_case.execute(ID, max_attempts=5, last_look=True)

    assert report.outcome is Outcome.FAILED
    assert report.error is not None and report.error.code == "ATTEMPTS_EXHAUSTED"
    record = world.record()
    assert (record.state, record.error_code, record.lease_owner) == (
        InterviewState.FAILED,
        "ATTEMPTS_EXHAUSTED",
        None,
    )
    assert world.work_done() == 0


def test_the_last_look_leaves_a_failed_interview_and_skips_a_completed_one(
    world: World,
) -> None:
    world.store.claim(ID, "earlier", LEASE)
    world.store.mark_failed(ID, "earlier", "VIDEO_NOT_FOUND", "no video")

    failed = world.use_case.execute(ID, max_attempts=5, last_look=True)

    assert failed.outcome is Outcome.FAILED
    assert world.record().error_code == "VIDEO_NOT_FOUND"  # its reason is kept
    world.store.claim(ID, "later", LEASE)
    world.store.mark_completed(ID, "later", 2)
    assert world.use_case.execute(ID, last_look=True).outcome is Outcome.SKIPPED
    assert world.work_done() == 0


def test_the_last_look_waits_for_a_live_lease_elsewhere(world: World) -> None:
    world.store.claim(ID, "live", LEASE)

    report = world.use_case.execute(ID, max_attempts=5, last_look=True)

    assert report.outcome is Outcome.BUSY
    assert world.record().lease_owner == "live"


# --- question writes belong to the generation and are fenced by the lease -------------------


def test_the_questions_of_a_later_generation_carry_its_ids(world: World) -> None:
    world.store.add(Interview(id=ID, video_path="videos/interview.mp4", generation=2))

    report = world.use_case.execute(ID)

    assert report.outcome is Outcome.COMPLETED
    stored = world.store.list_questions(ID)
    assert [q.id for q in stored] == [question_id(ID, n, 2) for n in range(3)]
    assert world.record().question_count == 3


def test_a_redrive_during_the_run_leaves_the_run_nothing_to_write(world: World) -> None:
    """The generation moved on while the worker worked: its write is refused, the run ends
    BUSY and nothing of it is stored."""
    report = world.use_case.execute(ID, on_claimed=lambda _: world.store.start_new_generation(ID))

    assert report.outcome is Outcome.BUSY
    assert report.error is not None and report.error.code == LeaseLost.code
    assert world.store.list_questions(ID) == []
    assert world.record().state is InterviewState.PROCESSING  # for the redriven request


def test_a_worker_taken_over_during_the_run_cannot_touch_the_new_holders_questions(
    world: World,
) -> None:
    def taken_over(_: Interview) -> None:
        world.clock.advance(LEASE)  # this worker's lease lapses while it works
        world.store.claim(ID, "holder", LEASE)
        world.store.replace_questions(ID, [], owner="holder", generation=0)
        world.store.mark_completed(ID, "holder", 0, generation=0)

    report = world.use_case.execute(ID, on_claimed=taken_over)

    assert report.outcome is Outcome.BUSY
    assert world.store.list_questions(ID) == []
    assert (world.record().state, world.record().question_count) == (
        InterviewState.COMPLETED,
        0,
    )
