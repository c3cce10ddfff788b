"""LoadInterviewResult: a completed interview's record, questions and kept transcript."""

from __future__ import annotations

import pytest

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.memory_stage_store import InMemoryStageStore
from interview_core.clock import ManualClock
from interview_core.entities import Interview
from interview_core.errors import (
    ErrorKind,
    InterviewNotCompleted,
    InterviewNotFound,
    StageStoreUnavailable,
    TranscriptNotKept,
)
from interview_core.interview_result import LoadInterviewResult
from interview_core.process_interview import ProcessInterview
from interview_core.state import InterviewState
from tests.unit.fakes import (
    FaultyStageStore,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
    sample_transcript,
)

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


class World:
    """One interview, processed by ProcessInterview with a stage store, then read back."""

    def __init__(self) -> None:
        self.records = InMemoryInterviewRepository(ManualClock())
        self.records.add(Interview(id=ID, video_path="videos/interview.mp4"))
        self.kept = FaultyStageStore(InMemoryStageStore())
        self.transcriber = SpyTranscriber()
        self.process = ProcessInterview(
            self.records,
            SpyVideoStore(),
            SpyAudioExtractor(duration=80.0),
            self.transcriber,
            SpyQuestionExtractor(sample_questions(3)),
            stage_store=self.kept,
            sleep=lambda _: None,
        )
        self.load = LoadInterviewResult(self.records, self.kept)


def test_a_completed_interview_reads_as_its_record_questions_and_transcript() -> None:
    world = World()
    world.process.execute(ID)

    result = world.load.execute(ID)

    assert result.interview.state is InterviewState.COMPLETED
    assert [q.question for q in result.questions] == [q.question for q in sample_questions(3)]
    assert [q.position for q in result.questions] == [0, 1, 2]
    assert result.transcript == sample_transcript()


def test_a_reprocessed_interview_reads_its_new_generation_only() -> None:
    world = World()
    world.process.execute(ID)
    world.records.reset_for_reprocess(ID)
    with pytest.raises(InterviewNotCompleted, match="pending, not completed"):
        world.load.execute(ID)  # the old generation's result is not shown as the current one

    world.process.execute(ID)
    result = world.load.execute(ID)

    assert result.interview.generation == 1
    assert ("load_transcript", ID, 1) in world.kept.calls


def test_an_unknown_interview_is_refused() -> None:
    with pytest.raises(InterviewNotFound):
        World().load.execute("no-such-interview")


@pytest.mark.parametrize(
    ("state", "error_code", "said"),
    [
        (InterviewState.PENDING, None, "is pending, not completed: its result is ready once"),
        (InterviewState.PROCESSING, None, "is processing, not completed"),
        (InterviewState.FAILED, "NO_AUDIO_TRACK", "failed (NO_AUDIO_TRACK); `reprocess`"),
    ],
)
def test_an_interview_not_completed_is_refused_with_its_state(
    state: InterviewState, error_code: str | None, said: str
) -> None:
    world = World()
    world.records.add(Interview(id="other", video_path="v.mp4", state=state, error_code=error_code))

    with pytest.raises(InterviewNotCompleted, match=said.replace("(", r"\(").replace(")", r"\)")):
        world.load.execute("other")
    assert world.kept.calls == []  # nothing read before the state was checked


def test_a_completed_interview_whose_transcript_is_gone_says_so() -> None:
    world = World()
    world.process.execute(ID)
    world.kept.inner.discard(ID, 0)  # removed, or expired with the bucket's retention

    with pytest.raises(TranscriptNotKept) as caught:
        world.load.execute(ID)

    assert caught.value.kind is ErrorKind.INTERVIEW
    assert "generation 0 is not kept" in caught.value.message
    assert "`reprocess` makes a new one" in caught.value.message


def test_an_unreadable_kept_transcript_reads_as_not_kept() -> None:
    world = World()
    world.process.execute(ID)
    world.kept.inner.put_raw(ID, 0, "transcript.json", b"\x00 not json")

    with pytest.raises(TranscriptNotKept):
        world.load.execute(ID)


def test_without_a_shared_stage_store_no_transcript_can_be_read() -> None:
    world = World()
    world.process.execute(ID)

    with pytest.raises(TranscriptNotKept, match="keeps no transcripts"):
        LoadInterviewResult(world.records, None).execute(ID)


def test_a_stage_store_failing_now_raises_its_transient_error() -> None:
    world = World()
    world.process.execute(ID)
    world.kept.faults["load_transcript"].fail(StageStoreUnavailable("S3 is slow"))

    with pytest.raises(StageStoreUnavailable):
        world.load.execute(ID)
