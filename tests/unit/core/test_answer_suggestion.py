"""The use cases with an answer suggester and grounding: fakes only, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.clock import SystemClock
from interview_core.entities import ExtractedQuestion, Interview, Transcript
from interview_core.errors import ExtractionUnavailable
from interview_core.process_interview import ProcessInterview
from interview_core.process_video import ProcessVideo
from interview_core.report import Outcome
from interview_core.usage import ModelUsage, UsageMeter
from tests.unit.fakes import (
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
)

VIDEO = Path("/data/interview.mp4")


class SpySuggester:
    """Writes "Suggested: <question>" as each answer and records what it was given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[list[str]] = []
        self.error = error

    def suggest(
        self,
        transcript: Transcript,
        questions: Sequence[ExtractedQuestion],
        *,
        meter: UsageMeter | None = None,
    ) -> list[ExtractedQuestion]:
        self.calls.append([q.question for q in questions])
        if self.error is not None:
            raise self.error
        return [attrs.evolve(q, answer=f"Suggested: {q.question}") for q in questions]


def _with_invented(count: int) -> list[ExtractedQuestion]:
    invented = ExtractedQuestion("What is your favourite colour?", "Blue.", start_time=3.0)
    return [*sample_questions(count), invented]


def test_answers_are_suggested_for_the_grounded_questions_only_in_one_call() -> None:
    suggester = SpySuggester()
    use_case = ProcessVideo(
        SpyAudioExtractor(), SpyTranscriber(), SpyQuestionExtractor(_with_invented(3)), suggester
    )

    result = use_case.execute(VIDEO)

    assert suggester.calls == [[q.question for q in sample_questions(3)]]
    assert [q.answer for q in result.questions] == [
        f"Suggested: {q.question}" for q in sample_questions(3)
    ]
    assert result.report.question_count == 3
    assert result.report.dropped_question_count == 1
    assert [s.name for s in result.report.stages][-2:] == ["extract_questions", "suggest_answers"]


def test_without_a_suggester_the_extractor_answers_are_kept() -> None:
    use_case = ProcessVideo(
        SpyAudioExtractor(), SpyTranscriber(), SpyQuestionExtractor(sample_questions(2))
    )

    result = use_case.execute(VIDEO)

    assert [q.answer for q in result.questions] == [q.answer for q in sample_questions(2)]
    assert "suggest_answers" not in [s.name for s in result.report.stages]


def test_no_suggester_call_when_every_question_is_dropped() -> None:
    suggester = SpySuggester()
    invented = [ExtractedQuestion("Do you like jazz?", "Yes.")]
    use_case = ProcessVideo(
        SpyAudioExtractor(), SpyTranscriber(), SpyQuestionExtractor(invented), suggester
    )

    result = use_case.execute(VIDEO)

    assert suggester.calls == [] and result.questions == ()
    assert result.report.dropped_question_count == 1


def test_a_transient_suggester_error_releases_the_interview_for_a_retry() -> None:
    repository = InMemoryInterviewRepository(clock=SystemClock())
    repository.add(Interview(id="i-1", video_path="videos/i-1.mp4"))
    use_case = ProcessInterview(
        repository,
        SpyVideoStore(),
        SpyAudioExtractor(),
        SpyTranscriber(),
        SpyQuestionExtractor(sample_questions(2)),
        answer_suggester=SpySuggester(ExtractionUnavailable("busy")),
    )

    report = use_case.execute("i-1", final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert repository.list_questions("i-1") == []


def test_model_usage_reaches_the_report_and_questions_left_out_the_record() -> None:
    extractor = SpyQuestionExtractor(sample_questions(2))
    extractor.usage = ModelUsage(
        windows=3, requests=4, input_tokens=400, output_tokens=80, questions_left_out=2
    )
    repository = InMemoryInterviewRepository(clock=SystemClock())
    repository.add(Interview(id="i-1", video_path="videos/i-1.mp4"))
    use_case = ProcessInterview(
        repository, SpyVideoStore(), SpyAudioExtractor(), SpyTranscriber(), extractor
    )

    report = use_case.execute("i-1")
    video = ProcessVideo(SpyAudioExtractor(), SpyTranscriber(), extractor).execute(VIDEO)

    assert report.outcome is Outcome.COMPLETED
    assert report.model_usage == extractor.usage and report.questions_left_out == 2
    assert repository.get("i-1").questions_left_out == 2
    assert video.report.model_usage == extractor.usage


def test_an_attempt_that_fails_after_extraction_still_reports_what_the_models_spent() -> None:
    extractor = SpyQuestionExtractor(sample_questions(2))
    extractor.usage = ModelUsage(windows=2, requests=2, input_tokens=500, output_tokens=90)
    repository = InMemoryInterviewRepository(clock=SystemClock())
    repository.add(Interview(id="i-1", video_path="videos/i-1.mp4"))
    use_case = ProcessInterview(
        repository,
        SpyVideoStore(),
        SpyAudioExtractor(),
        SpyTranscriber(),
        extractor,
        answer_suggester=SpySuggester(ExtractionUnavailable("throttled", throttled=True)),
    )

    report = use_case.execute("i-1", final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert report.model_usage == extractor.usage
