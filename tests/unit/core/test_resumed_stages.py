"""ProcessInterview with a stage store: a retry resumes after the last stage that finished."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.stage_items import QUESTIONS_ITEM, TRANSCRIPT_ITEM
from interview_core.clock import ManualClock
from interview_core.entities import Interview, KeptQuestions, Transcript
from interview_core.errors import (
    ConfigurationError,
    ExtractionUnavailable,
    InterviewError,
    MediaTimeout,
    ModelRefused,
    RepositoryUnavailable,
    StageStoreUnavailable,
    StorageUnavailable,
    TranscriptionUnavailable,
)
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome, ProcessingReport
from interview_core.state import InterviewState
from tests.unit.fakes import (
    Faults,
    FaultyInterviewRepository,
    FaultyStageStore,
    SpyAnswerSuggester,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
    sample_transcript,
)

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"
STAGES = ("fetch", "extract_audio", "transcribe", "extract_questions", "suggest_answers", "store")
TRANSIENT: dict[str, InterviewError] = {
    "fetch": StorageUnavailable("503 from the store"),
    "extract_audio": MediaTimeout("killed"),
    "transcribe": TranscriptionUnavailable("throttled"),
    "extract_questions": ExtractionUnavailable("throttled"),
    "suggest_answers": ExtractionUnavailable("throttled"),
    "store": RepositoryUnavailable("5xx"),
}


class World:
    """The use case wired to spies and a stage store around one pending interview."""

    def __init__(self, *, stage_store: bool = True) -> None:
        self.clock = ManualClock()
        self.records = InMemoryInterviewRepository(self.clock)
        self.records.add(Interview(id=ID, video_path="videos/interview.mp4", user_id="user-7"))
        self.repo = FaultyInterviewRepository(self.records)
        self.videos = SpyVideoStore()
        self.audio = SpyAudioExtractor(duration=42.0)
        self.transcriber = SpyTranscriber()
        self.extractor = SpyQuestionExtractor(sample_questions(3))
        self.suggester = SpyAnswerSuggester()
        self.kept = FaultyStageStore()
        self.use_case = ProcessInterview(
            self.repo,
            self.videos,
            self.audio,
            self.transcriber,
            self.extractor,
            answer_suggester=self.suggester,
            stage_store=self.kept if stage_store else None,
            sleep=lambda _: None,
        )

    def faults_at(self, stage: str) -> Faults:
        return {
            "fetch": self.videos.faults,
            "extract_audio": self.audio.faults,
            "transcribe": self.transcriber.faults,
            "extract_questions": self.extractor.faults,
            "suggest_answers": self.suggester.faults,
            "store": self.repo.faults["replace_questions"],
        }[stage]

    def successful_runs(self, failed_stage: str | None = None) -> dict[str, int]:
        """How often each stage ran to its end (a spy that records before it fails has its
        planned failure taken off)."""
        failures = {stage: int(stage == failed_stage) for stage in STAGES}
        return {
            "fetch": len(self.videos.fetched),
            "extract_audio": len(self.audio.extracted),
            "transcribe": len(self.transcriber.calls) - failures["transcribe"],
            "extract_questions": len(self.extractor.transcripts),
            "suggest_answers": len(self.suggester.calls),
            "store": self.repo.calls.count("replace_questions") - failures["store"],
        }

    def run(self, **options: object) -> ProcessingReport:
        return self.use_case.execute(ID, **options)  # type: ignore[arg-type]

    def state(self) -> InterviewState:
        return self.records.get(ID).state


RESUMED_AFTER = {
    "fetch": (),
    "extract_audio": (),
    "transcribe": (),
    "extract_questions": ("transcribe",),
    "suggest_answers": ("transcribe", "extract_questions"),
    "store": ("transcribe", "extract_questions", "suggest_answers"),
}


@pytest.mark.parametrize("failed", STAGES)
def test_across_a_transient_failure_at_any_stage_each_finished_stage_runs_once(
    failed: str,
) -> None:
    world = World()
    world.faults_at(failed).fail(TRANSIENT[failed])

    first = world.run(final_attempt=False)
    second = world.run(final_attempt=False)

    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.COMPLETED)
    assert first.error is not None
    assert first.error.code == TRANSIENT[failed].code
    # the video and its audio are not kept: they are fetched and extracted again only when
    # the failure came before the transcript was kept
    repeated = {"extract_audio": {"fetch"}, "transcribe": {"fetch", "extract_audio"}}
    expected = {stage: 1 + (stage in repeated.get(failed, set())) for stage in STAGES}
    assert world.successful_runs(failed) == expected
    assert world.successful_runs(failed)["transcribe"] == 1
    assert second.resumed == RESUMED_AFTER[failed]
    assert [q.answer for q in world.records.list_questions(ID)] == [
        f"Suggested: {q.question}" for q in sample_questions(3)
    ]
    # the questions are lost once the interview is completed; its transcript stays
    assert world.kept.inner.keys() == [f"{ID}/g0/{TRANSCRIPT_ITEM}"]
    assert world.kept.inner.load_transcript(ID, 0) == sample_transcript()


def test_without_a_stage_store_a_retry_starts_from_scratch() -> None:
    world = World(stage_store=False)
    world.faults_at("store").fail(TRANSIENT["store"])

    world.run(final_attempt=False)
    second = world.run(final_attempt=False)

    assert second.outcome is Outcome.COMPLETED
    assert second.resumed == ()
    assert world.successful_runs("store")["transcribe"] == 2


def test_the_transcript_is_kept_as_soon_as_it_is_made_and_the_questions_when_found() -> None:
    world = World()
    world.faults_at("suggest_answers").fail(TRANSIENT["suggest_answers"])

    world.run(final_attempt=False)

    assert world.kept.inner.load_transcript(ID, 0) == sample_transcript()
    kept = world.kept.inner.load_questions(ID, 0)
    assert kept is not None
    assert kept.answered is False
    assert [q.question for q in kept.questions] == [q.question for q in sample_questions(3)]


def test_a_resumed_attempt_reports_the_kept_transcripts_counts() -> None:
    world = World()
    world.faults_at("extract_questions").fail(TRANSIENT["extract_questions"])
    world.run(final_attempt=False)

    second = world.run(final_attempt=False)

    assert second.segment_count == len(sample_transcript().segments)
    assert second.audio_seconds == sample_transcript().duration
    assert [s.name for s in second.stages] == [
        "load",
        "claim",
        "extract_questions",
        "suggest_answers",
        "store",
        "complete",
    ]


def test_a_reprocess_starts_a_generation_that_reuses_nothing_kept() -> None:
    world = World()
    world.faults_at("store").fail(RepositoryUnavailable("5xx"))
    world.run(final_attempt=False)
    assert world.kept.inner.keys() == [f"{ID}/g0/{QUESTIONS_ITEM}", f"{ID}/g0/{TRANSCRIPT_ITEM}"]

    reset = world.records.reset_for_reprocess(ID)
    again = world.run()

    assert reset.generation == 1
    assert again.outcome is Outcome.COMPLETED
    assert again.resumed == ()
    assert len(world.transcriber.calls) == 2
    assert ("load_transcript", ID, 1) in world.kept.calls


def test_a_corrupt_kept_transcript_is_ignored_and_the_stage_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = World()
    world.kept.inner.put_raw(ID, 0, TRANSCRIPT_ITEM, b'{"segments": "not a list"}')
    world.kept.inner.put_raw(ID, 0, QUESTIONS_ITEM, b"\x00garbage")

    with caplog.at_level(logging.WARNING):
        report = world.run()

    assert report.outcome is Outcome.COMPLETED
    assert report.resumed == ()
    assert len(world.transcriber.calls) == 1
    assert any("cannot be read" in r.getMessage() for r in caplog.records)


def test_kept_unanswered_questions_are_answered_without_extracting_again() -> None:
    world = World()
    world.kept.inner.save_transcript(ID, 0, sample_transcript())
    world.kept.inner.save_questions(ID, 0, KeptQuestions(tuple(sample_questions(2))))

    report = world.run()

    assert report.resumed == ("transcribe", "extract_questions")
    assert world.extractor.transcripts == []
    assert world.suggester.calls == [[q.question for q in sample_questions(2)]]
    assert report.question_count == 2


def test_kept_questions_waiting_for_answers_without_their_transcript_are_found_again() -> None:
    world = World()
    world.kept.inner.save_questions(ID, 0, KeptQuestions(tuple(sample_questions(2))))

    report = world.run()

    assert report.resumed == ()
    assert len(world.extractor.transcripts) == 1
    assert report.question_count == 3


def test_kept_answered_questions_skip_every_stage_but_storing() -> None:
    world = World()
    answered = KeptQuestions(tuple(sample_questions(2)), dropped_count=1, answered=True)
    world.kept.inner.save_questions(ID, 0, answered)

    report = world.run()

    assert report.outcome is Outcome.COMPLETED
    assert report.resumed == ("transcribe", "extract_questions", "suggest_answers")
    assert world.videos.fetched == []
    assert world.transcriber.calls == []
    assert world.suggester.calls == []
    assert report.question_count == 2
    assert report.dropped_question_count == 1


@pytest.mark.parametrize("method", FaultyStageStore.METHODS)
def test_a_stage_store_that_fails_transiently_fails_no_interview(method: str) -> None:
    world = World()
    world.kept.faults[method].fail(StageStoreUnavailable("S3 is slow"), times=None)

    report = world.run()

    assert report.outcome is Outcome.COMPLETED
    assert world.state() is InterviewState.COMPLETED


def test_keeping_that_failed_means_the_retry_runs_the_stage_again() -> None:
    world = World()
    world.kept.faults["save_transcript"].fail(StageStoreUnavailable("S3 is slow"))
    world.faults_at("extract_questions").fail(TRANSIENT["extract_questions"])

    world.run(final_attempt=False)
    second = world.run()

    assert second.outcome is Outcome.COMPLETED
    assert second.resumed == ()
    assert len(world.transcriber.calls) == 2


@pytest.mark.parametrize("method", ["load_transcript", "save_transcript", "load_questions"])
def test_a_stage_store_the_deployment_cannot_use_halts_without_failing(method: str) -> None:
    world = World()
    world.kept.faults[method].fail(ConfigurationError("access denied"), times=None)

    report = world.run()

    assert report.outcome is Outcome.HALTED
    assert world.state() is InterviewState.PROCESSING
    assert world.records.get(ID).lease_owner is None


def test_a_completed_interview_keeps_the_transcript_its_questions_came_from() -> None:
    world = World()
    world.kept.inner.save_transcript(ID, 0, sample_transcript())  # a retry resumes from it
    world.kept.inner.save_questions(ID, 0, KeptQuestions(tuple(sample_questions(2))))

    report = world.run()

    assert report.outcome is Outcome.COMPLETED
    assert report.resumed == ("transcribe", "extract_questions")
    assert world.kept.inner.keys() == [f"{ID}/g0/{TRANSCRIPT_ITEM}"]


def test_a_reprocessed_interview_keeps_the_transcript_of_its_new_generation() -> None:
    world = World()
    world.run()
    world.records.reset_for_reprocess(ID)
    world.transcriber.transcript = Transcript(
        segments=sample_transcript().segments[:6], language="en", duration=30.0
    )

    again = world.run()

    assert again.outcome is Outcome.COMPLETED
    assert world.kept.inner.load_transcript(ID, 1) == world.transcriber.transcript
    assert world.kept.inner.load_transcript(ID, 0) == sample_transcript()  # until its expiry


def test_removing_what_was_kept_never_changes_how_an_interview_ended() -> None:
    world = World()
    world.kept.faults["discard"].fail(ConfigurationError("no s3:DeleteObject"))

    report = world.run()

    assert report.outcome is Outcome.COMPLETED


def test_an_interview_that_fails_loses_what_was_kept() -> None:
    world = World()
    world.faults_at("extract_questions").fail(ModelRefused("refused"))

    report = world.run()

    assert report.outcome is Outcome.FAILED
    assert ("save_transcript", ID, 0) in world.kept.calls
    assert world.kept.inner.keys() == []


def test_a_transient_failure_keeps_what_was_found_for_the_retry() -> None:
    world = World()
    world.faults_at("store").fail(RepositoryUnavailable("5xx"))

    report = world.run(final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert ("discard", ID, 0) not in world.kept.calls
    assert len(world.kept.inner.keys()) == 2


# --- a deadline between stages ----------------------------------------------------------------


def stop_before(stage: str, world: World) -> Callable[[], bool]:
    """A should_stop that says stop once every stage before `stage` has finished."""
    order = list(STAGES)

    def should_stop() -> bool:
        done = world.successful_runs()
        return all(done[s] >= 1 for s in order[: order.index(stage)])

    return should_stop


@pytest.mark.parametrize("stage", STAGES)
def test_a_deadline_before_a_stage_hands_back_without_failing_even_on_the_last_attempt(
    stage: str,
) -> None:
    world = World()

    first = world.run(final_attempt=True, should_stop=stop_before(stage, world))
    record = world.records.get(ID)

    assert first.outcome is Outcome.RETRY
    assert first.error is not None
    assert first.error.code == "DEADLINE_REACHED"
    assert stage in first.error.message
    assert record.state is InterviewState.PROCESSING
    assert record.lease_owner is None  # released: the next delivery claims at once
    assert world.successful_runs()[stage] == 0

    second = world.run()

    assert second.outcome is Outcome.COMPLETED
    assert world.successful_runs()["transcribe"] == 1
    assert world.successful_runs()["extract_questions"] == 1


def test_no_stop_asked_for_runs_every_stage() -> None:
    world = World()

    report = world.run(should_stop=lambda: False)

    assert report.outcome is Outcome.COMPLETED
    assert world.successful_runs() == dict.fromkeys(STAGES, 1)


@pytest.mark.parametrize("last_look", [False, True])
def test_an_interview_out_of_attempts_loses_what_was_kept(last_look: bool) -> None:
    world = World()
    world.records.add(
        Interview(
            id=ID, video_path="videos/interview.mp4", state=InterviewState.PROCESSING, attempts=3
        )
    )
    world.kept.inner.save_transcript(ID, 0, sample_transcript())

    report = world.run(max_attempts=3, last_look=last_look)

    assert report.outcome is Outcome.FAILED
    assert report.error is not None and report.error.code == "ATTEMPTS_EXHAUSTED"
    assert world.kept.inner.keys() == []
