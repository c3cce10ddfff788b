"""Both use cases redact the transcript before any later stage, kept transcript or report."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.pii_redactor import PatternPiiRedactor
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview, Segment, Transcript, Word
from interview_core.errors import (
    ConfigurationError,
    ExtractionUnavailable,
    RepositoryUnavailable,
    StageStoreUnavailable,
)
from interview_core.process_interview import ProcessInterview
from interview_core.process_video import ProcessVideo
from interview_core.report import Outcome, ProcessingReport
from interview_core.state import InterviewState
from tests.unit.fakes import (
    FaultyInterviewRepository,
    FaultyStageStore,
    SpyAnswerSuggester,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
)

ID = "5b2e8f1a-7c3d-4e9b-a0f1-2c3d4e5f6a7b"
VALUES = ("jane.doe@example.com", "555", "123", "4567", "4111 1111 1111 1111")
QUESTION = "What is the best way to reach you?"


def _words(text: str, start: float) -> tuple[Word, ...]:
    return tuple(Word(t, start + n, start + n + 0.5) for n, t in enumerate(text.split()))


def transcript_with_details() -> Transcript:
    asked = QUESTION
    said = "Mail jane.doe@example.com or call 555 123 4567, card 4111 1111 1111 1111."
    return Transcript(
        (
            Segment(asked, 0.0, 4.0, "interviewer", _words(asked, 0.0)),
            Segment(said, 4.0, 20.0, "candidate", _words(said, 4.0)),
        ),
        language="en",
        duration=20.0,
    )


def _text(transcript: Transcript) -> str:
    words = " ".join(w.text for s in transcript.segments for w in s.words)
    return f"{transcript.text} {words}"


def _extractor() -> SpyQuestionExtractor:
    return SpyQuestionExtractor(
        [ExtractedQuestion(question=QUESTION, answer="By e-mail.", start_time=0.0, end_time=4.0)]
    )


def test_process_video_hands_every_later_stage_the_redacted_transcript() -> None:
    extractor = _extractor()
    use_case = ProcessVideo(
        SpyAudioExtractor(duration=20.0),
        SpyTranscriber(transcript_with_details()),
        extractor,
        SpyAnswerSuggester(),
        pii_redactor=PatternPiiRedactor(),
    )

    result = use_case.execute(Path("/data/interview.mp4"))

    seen = _text(extractor.transcripts[0])
    for value in VALUES:
        assert value not in seen
        assert value not in _text(result.transcript)
    assert "[PII:EMAIL]" in seen and "[PII:PHONE]," in seen and "[PII:CARD]." in seen
    assert result.report.redactions == (("CARD", 1), ("EMAIL", 1), ("PHONE", 1))
    assert result.report.redaction_count == 3
    assert result.report.stage_seconds("redact") is not None
    assert [q.question for q in result.questions] == [QUESTION]


def test_without_a_redactor_nothing_is_redacted_or_counted() -> None:
    extractor = _extractor()
    use_case = ProcessVideo(
        SpyAudioExtractor(), SpyTranscriber(transcript_with_details()), extractor
    )

    result = use_case.execute(Path("/data/interview.mp4"))

    assert "jane.doe@example.com" in extractor.transcripts[0].text
    assert result.report.redactions == ()
    assert result.report.stage_seconds("redact") is None


class _World:
    def __init__(self, transcript: Transcript) -> None:
        self.records = InMemoryInterviewRepository(ManualClock())
        self.records.add(Interview(id=ID, video_path="videos/interview.mp4"))
        self.transcriber = SpyTranscriber(transcript)
        self.extractor = _extractor()
        self.suggester = SpyAnswerSuggester()
        self.kept = FaultyStageStore()

    def use_case(self, *, redact: bool) -> ProcessInterview:
        return ProcessInterview(
            self.records,
            SpyVideoStore(),
            SpyAudioExtractor(duration=20.0),
            self.transcriber,
            self.extractor,
            answer_suggester=self.suggester,
            stage_store=self.kept,
            pii_redactor=PatternPiiRedactor() if redact else None,
            sleep=lambda _: None,
        )


def test_the_kept_transcript_and_the_models_never_hold_a_redacted_value() -> None:
    world = _World(transcript_with_details())
    world.extractor.faults.fail(ExtractionUnavailable("throttled"))

    first = world.use_case(redact=True).execute(ID, final_attempt=False)
    kept = world.kept.inner.load_transcript(ID, 0)
    second = world.use_case(redact=True).execute(ID, final_attempt=False)

    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.COMPLETED)
    assert kept is not None
    for value in VALUES:
        assert value not in _text(kept)
        assert all(value not in _text(seen) for seen in world.extractor.transcripts)
    assert first.redactions == second.redactions == (("CARD", 1), ("EMAIL", 1), ("PHONE", 1))
    assert second.resumed == ("transcribe",)
    stored = world.records.list_questions(ID)
    assert [q.question for q in stored] == [QUESTION]


def test_a_transcript_kept_before_redaction_was_turned_on_is_redacted_and_kept_again() -> None:
    world = _World(transcript_with_details())
    world.extractor.faults.fail(ExtractionUnavailable("throttled"), times=2)
    world.use_case(redact=False).execute(ID, final_attempt=False)
    before = world.kept.inner.load_transcript(ID, 0)
    assert before is not None and "jane.doe@example.com" in before.text

    failed = world.use_case(redact=True).execute(ID, final_attempt=False)
    after = world.kept.inner.load_transcript(ID, 0)
    report = world.use_case(redact=True).execute(ID, final_attempt=False)

    assert (failed.outcome, report.outcome) == (Outcome.RETRY, Outcome.COMPLETED)
    assert after is not None and "jane.doe@example.com" not in _text(after)
    assert "[PII:EMAIL]" in after.text
    (seen,) = world.extractor.transcripts  # the failing calls fail before they record
    assert "jane.doe@example.com" not in _text(seen)
    assert report.redactions == (("CARD", 1), ("EMAIL", 1), ("PHONE", 1))
    assert len(world.transcriber.calls) == 1


class SpyOutputs:
    """TranscriptionOutputs that records each removal and what was kept at that moment."""

    def __init__(self, kept: FaultyStageStore | None = None, error: Exception | None = None):
        self.kept = kept
        self.error = error
        self.removed: list[tuple[str, int, bool]] = []

    def remove_outputs(self, job_id: str, generation: int) -> list[str]:
        was_kept = self.kept is not None and self.kept.inner.load_transcript(job_id, 0) is not None
        self.removed.append((job_id, generation, was_kept))
        if self.error is not None:
            raise self.error
        return [f"transcribe/{job_id}/transcript.json"]


def _redacting(world: _World, outputs: SpyOutputs, *, redact: bool = True) -> ProcessInterview:
    return ProcessInterview(
        world.records,
        SpyVideoStore(),
        SpyAudioExtractor(duration=20.0),
        world.transcriber,
        world.extractor,
        answer_suggester=world.suggester,
        stage_store=world.kept,
        pii_redactor=PatternPiiRedactor() if redact else None,
        transcription_outputs=outputs,
        sleep=lambda _: None,
    )


def test_the_transcribers_own_transcript_is_removed_once_the_redacted_one_is_kept() -> None:
    world = _World(transcript_with_details())
    world.extractor.faults.fail(ExtractionUnavailable("throttled"))
    outputs = SpyOutputs(world.kept)

    first = _redacting(world, outputs).execute(ID, final_attempt=False)
    second = _redacting(world, outputs).execute(ID, final_attempt=False)

    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.COMPLETED)
    # removed after the redacted transcript was kept, and again by the retry that resumed
    # from it (an attempt cut short between keeping and removing leaves nothing behind)
    assert outputs.removed == [(ID, 0, True), (ID, 0, True)]
    assert second.resumed == ("transcribe",)
    assert len(world.transcriber.calls) == 1


def test_without_redaction_the_transcribers_own_transcript_is_left_for_reuse() -> None:
    world = _World(transcript_with_details())
    outputs = SpyOutputs(world.kept)

    report = _redacting(world, outputs, redact=False).execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert outputs.removed == []


def test_a_transient_failure_to_remove_is_logged_and_the_interview_completes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = _World(transcript_with_details())
    outputs = SpyOutputs(world.kept, StageStoreUnavailable("S3 is slow"))

    report = _redacting(world, outputs).execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert "could not remove the transcriber's own transcript (STAGE_STORE_UNAVAILABLE)" in (
        caplog.text
    )
    assert all(value not in caplog.text for value in VALUES)


def test_a_refused_removal_is_the_deployments_fault_and_stops_the_worker() -> None:
    world = _World(transcript_with_details())
    outputs = SpyOutputs(world.kept, ConfigurationError("grant s3:DeleteObject"))

    report = _redacting(world, outputs).execute(ID)

    assert report.outcome is Outcome.HALTED
    assert world.records.get(ID).state is not InterviewState.FAILED
    assert world.records.list_questions(ID) == []


def test_process_video_removes_the_transcribers_own_transcript_after_redacting() -> None:
    outputs = SpyOutputs()
    use_case = ProcessVideo(
        SpyAudioExtractor(duration=20.0),
        SpyTranscriber(transcript_with_details()),
        _extractor(),
        pii_redactor=PatternPiiRedactor(),
        transcription_outputs=outputs,
    )

    result = use_case.execute(Path("/data/interview.mp4"), interview_id="video-1")

    assert [(job, generation) for job, generation, _ in outputs.removed] == [("video-1", 0)]
    assert result.report.redaction_count == 3


def test_a_retry_resuming_from_kept_questions_removes_what_an_earlier_attempt_could_not() -> None:
    world = _World(transcript_with_details())
    repository = FaultyInterviewRepository(world.records)
    repository.faults["replace_questions"].fail(RepositoryUnavailable("DynamoDB is slow"))
    outputs = SpyOutputs(world.kept, StageStoreUnavailable("S3 is slow"))

    def attempt() -> ProcessingReport:
        return ProcessInterview(
            repository,
            SpyVideoStore(),
            SpyAudioExtractor(duration=20.0),
            world.transcriber,
            world.extractor,
            answer_suggester=world.suggester,
            stage_store=world.kept,
            pii_redactor=PatternPiiRedactor(),
            transcription_outputs=outputs,
            sleep=lambda _: None,
        ).execute(ID, final_attempt=False)

    first = attempt()
    outputs.error = None
    second = attempt()

    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.COMPLETED)
    assert second.resumed == ("transcribe", "extract_questions", "suggest_answers")
    assert len(outputs.removed) == 2  # failed once, then removed by the retry
