"""ProcessVideo with fakes: a video in, its transcript, questions and report out."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_core.errors import NoAudioTrack, TranscriptionUnavailable
from interview_core.ids import question_id, video_id
from interview_core.process_video import ProcessVideo
from interview_core.report import Outcome
from tests.unit.fakes import (
    RecordingListener,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    sample_questions,
    sample_transcript,
)

VIDEO = Path("/data/interview.mp4")
INTERVIEW_ID = "7e3a9b1c-5d2f-4e8a-9c0b-1a2b3c4d5e6f"


@pytest.fixture
def audio() -> SpyAudioExtractor:
    return SpyAudioExtractor(duration=61.5)


@pytest.fixture
def transcriber() -> SpyTranscriber:
    return SpyTranscriber()


@pytest.fixture
def extractor() -> SpyQuestionExtractor:
    return SpyQuestionExtractor(sample_questions(4))


@pytest.fixture
def use_case(
    audio: SpyAudioExtractor, transcriber: SpyTranscriber, extractor: SpyQuestionExtractor
) -> ProcessVideo:
    return ProcessVideo(audio, transcriber, extractor)


def test_a_video_gives_its_transcript_questions_and_report(
    use_case: ProcessVideo, transcriber: SpyTranscriber, extractor: SpyQuestionExtractor
) -> None:
    result = use_case.execute(VIDEO)

    identity = video_id(VIDEO.name)
    assert result.transcript == transcriber.transcript
    assert [q.question for q in result.questions] == [q.question for q in extractor.questions]
    assert [q.answer for q in result.questions] == [q.answer for q in extractor.questions]
    assert [q.start_time for q in result.questions] == [0.0, 10.0, 20.0, 30.0]
    assert [q.id for q in result.questions] == [question_id(identity, n) for n in range(4)]
    assert {q.interview_id for q in result.questions} == {identity}
    report = result.report
    assert report.outcome is Outcome.COMPLETED
    assert report.interview_id == identity
    assert (report.question_count, report.segment_count) == (4, len(sample_transcript().segments))
    assert report.audio_seconds == 61.5
    assert [s.name for s in report.stages] == ["extract_audio", "transcribe", "extract_questions"]
    assert report.error is None


def test_an_interview_id_names_the_questions_and_the_transcription_job(
    use_case: ProcessVideo, transcriber: SpyTranscriber
) -> None:
    result = use_case.execute(VIDEO, interview_id=INTERVIEW_ID)

    assert result.report.interview_id == INTERVIEW_ID
    assert result.questions[0].id == question_id(INTERVIEW_ID, 0)
    assert [job for _, job in transcriber.calls] == [INTERVIEW_ID]


def test_the_same_file_name_gives_the_same_ids(use_case: ProcessVideo) -> None:
    first = use_case.execute(VIDEO)
    second = use_case.execute(Path("/elsewhere") / VIDEO.name)
    other = use_case.execute(VIDEO.with_name("other.mp4"))

    assert [q.id for q in first.questions] == [q.id for q in second.questions]
    assert not {q.id for q in first.questions} & {q.id for q in other.questions}


def test_the_audio_of_the_video_is_transcribed_and_released(
    use_case: ProcessVideo, audio: SpyAudioExtractor, transcriber: SpyTranscriber
) -> None:
    use_case.execute(VIDEO)

    assert audio.extracted == [VIDEO]
    [(transcribed, _)] = transcriber.calls
    assert transcribed.source == VIDEO
    assert audio.closed == 1


def test_a_listener_hears_each_stage_and_the_progress(use_case: ProcessVideo) -> None:
    listener = RecordingListener()

    use_case.execute(VIDEO, listener=listener)

    assert listener.stages == ["extract_audio", "transcribe", "extract_questions"]
    assert listener.progress == [(61.5 / 2, 61.5), (61.5, 61.5)]


def test_a_video_without_questions_gives_none(
    use_case: ProcessVideo, extractor: SpyQuestionExtractor
) -> None:
    extractor.questions = []

    result = use_case.execute(VIDEO)

    assert result.questions == ()
    assert result.report.question_count == 0
    assert result.report.outcome is Outcome.COMPLETED


def test_core_errors_reach_the_caller_and_the_audio_is_released(
    use_case: ProcessVideo, audio: SpyAudioExtractor, transcriber: SpyTranscriber
) -> None:
    transcriber.faults.fail(TranscriptionUnavailable("slow"))

    with pytest.raises(TranscriptionUnavailable):
        use_case.execute(VIDEO)

    assert audio.closed == 1


def test_a_media_error_stops_before_transcription(
    use_case: ProcessVideo, audio: SpyAudioExtractor, transcriber: SpyTranscriber
) -> None:
    audio.faults.fail(NoAudioTrack("no audio stream"))

    with pytest.raises(NoAudioTrack):
        use_case.execute(VIDEO)

    assert transcriber.calls == []
