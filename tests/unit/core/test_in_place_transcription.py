"""ProcessInterview tries in-place transcription first and falls back to download."""

from __future__ import annotations

import attrs
import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.entities import Interview, Transcript
from interview_core.errors import TranscriptionUnavailable, VideoNotFound
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.state import InterviewState
from tests.unit.fakes import (
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_transcript,
)

ID = "0b7e8a52-6f44-4a44-9d1c-1f6c2f1a2b3c"


class SpyInPlaceTranscriber:
    """Answers with a transcript, None (not eligible), or an error; records each call."""

    def __init__(self, answer: Transcript | Exception | None) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str, int]] = []

    def transcribe_in_place(
        self, location: str, *, job_id: str, generation: int = 0
    ) -> Transcript | None:
        self.calls.append((location, job_id, generation))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@attrs.define
class World:
    repository: InMemoryInterviewRepository
    store: SpyVideoStore
    audio: SpyAudioExtractor
    transcriber: SpyTranscriber
    extractor: SpyQuestionExtractor

    def use_case(self, in_place: SpyInPlaceTranscriber) -> ProcessInterview:
        return ProcessInterview(
            self.repository,
            self.store,
            self.audio,
            self.transcriber,
            self.extractor,
            in_place_transcriber=in_place,
        )


@pytest.fixture
def world() -> World:
    repository = InMemoryInterviewRepository()
    repository.add(Interview(id=ID, video_path="videos/interview.mp4"))
    return World(
        repository, SpyVideoStore(), SpyAudioExtractor(), SpyTranscriber(), SpyQuestionExtractor()
    )


def test_an_eligible_video_is_never_downloaded(world: World) -> None:
    in_place = SpyInPlaceTranscriber(sample_transcript())

    report = world.use_case(in_place).execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert in_place.calls == [("videos/interview.mp4", ID, 0)]
    assert world.store.fetched == []
    assert world.audio.extracted == []
    assert world.transcriber.calls == []
    assert world.extractor.transcripts == [sample_transcript()]
    assert [s.name for s in report.stages] == [
        "load", "claim", "transcribe_in_place", "extract_questions", "store", "complete"
    ]  # fmt: skip
    assert report.question_count == len(world.repository.list_questions(ID)) == 3


def test_each_path_transcribes_in_the_interviews_generation(world: World) -> None:
    world.repository.reset_for_reprocess(ID)
    world.repository.reset_for_reprocess(ID)
    in_place = SpyInPlaceTranscriber(None)

    report = world.use_case(in_place).execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert in_place.calls == [("videos/interview.mp4", ID, 2)]
    assert world.transcriber.generations == [2]


def test_an_ineligible_video_takes_the_download_path(world: World) -> None:
    in_place = SpyInPlaceTranscriber(None)

    report = world.use_case(in_place).execute(ID)

    assert report.outcome is Outcome.COMPLETED
    assert world.store.fetched == ["videos/interview.mp4"]
    assert len(world.transcriber.calls) == 1
    assert "fetch" in [s.name for s in report.stages]


def test_a_permanent_error_in_place_fails_the_interview(world: World) -> None:
    in_place = SpyInPlaceTranscriber(VideoNotFound("videos/interview.mp4"))

    report = world.use_case(in_place).execute(ID, final_attempt=False)

    assert report.outcome is Outcome.FAILED
    assert report.error is not None and report.error.code == "VIDEO_NOT_FOUND"
    assert world.repository.get(ID).state is InterviewState.FAILED
    assert world.store.fetched == []


def test_a_transient_error_in_place_is_retried_without_falling_back(world: World) -> None:
    in_place = SpyInPlaceTranscriber(TranscriptionUnavailable("throttled"))

    report = world.use_case(in_place).execute(ID, final_attempt=False)

    assert report.outcome is Outcome.RETRY
    assert world.store.fetched == []
    assert world.repository.get(ID).lease_owner is None
