"""DeleteInterview on the in-memory fakes: what goes, what stays, refusals, a delete cut short,
and workers, reprocess and redrive meeting a deleted interview."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.memory_stage_store import InMemoryStageStore
from interview_core.clock import ManualClock
from interview_core.delete_interview import DeleteInterview
from interview_core.entities import Interview, KeptQuestions
from interview_core.errors import (
    InterviewDeleted,
    InterviewNotFound,
    InvalidVideoLocation,
    LeaseHeld,
    TranscriptionUnavailable,
)
from interview_core.process_interview import ProcessInterview
from interview_core.redrive_dead_letters import RedriveDeadLetters
from interview_core.report import Outcome
from interview_core.reprocess_interview import ReprocessInterview
from interview_core.state import InterviewState
from tests.unit.fakes import (
    Faults,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
    sample_transcript,
)

ID = "7d1c3b2a-4e5f-4a6b-8c9d-0e1f2a3b4c5d"
OTHER = "8e2d4c3b-5f6a-4b7c-9d0e-1f2a3b4c5d6e"
VIDEO = f"videos/u/{ID}/interview.mp4"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@attrs.define
class RecordingJobs:
    """Transcription jobs by interview and generation; deleting forgets them."""

    jobs: dict[str, int] = attrs.field(factory=dict)  # name -> generation
    faults: Faults = attrs.field(factory=Faults)
    asked: list[tuple[str, int]] = attrs.field(factory=list)

    def delete_jobs(self, job_id: str, generation: int) -> list[str]:
        self.asked.append((job_id, generation))
        self.faults.check()
        names = [
            name
            for name, number in self.jobs.items()
            if name.startswith(f"interview-{job_id}") and number <= generation
        ]
        for name in names:
            del self.jobs[name]
        return sorted(names)


@attrs.define
class RecordingVideos:
    """Videos by location; removing one forgets it."""

    videos: set[str] = attrs.field(factory=set)

    def remove_video(self, location: str) -> bool:
        if location.startswith("s3://"):
            raise InvalidVideoLocation("not this store's bucket")
        there = location in self.videos
        self.videos.discard(location)
        return there


@attrs.define
class Rig:
    clock: ManualClock
    repository: InMemoryInterviewRepository
    stages: InMemoryStageStore
    jobs: RecordingJobs
    videos: RecordingVideos

    def delete(self) -> DeleteInterview:
        return DeleteInterview(self.repository, self.stages, self.jobs, self.videos)

    def process(self) -> ProcessInterview:
        return ProcessInterview(
            self.repository,
            SpyVideoStore(),
            SpyAudioExtractor(),
            SpyTranscriber(),
            SpyQuestionExtractor(sample_questions(3)),
            stage_store=self.stages,
        )


@pytest.fixture
def rig() -> Rig:
    """Two interviews; the first completed in generation 1 with three questions, kept stages
    of both generations, three transcription jobs (one renewed) and its video."""
    clock = ManualClock(NOW)
    rig = Rig(
        clock,
        InMemoryInterviewRepository(clock),
        InMemoryStageStore(),
        RecordingJobs(),
        RecordingVideos({VIDEO, "videos/u/other/interview.mp4"}),
    )
    for interview_id in (ID, OTHER):
        rig.repository.add(
            Interview(id=interview_id, video_path=VIDEO, user_id="u", generation=1, created_at=NOW)
        )
        assert rig.process().execute(interview_id).outcome is Outcome.COMPLETED
        for generation in (0, 1):
            rig.stages.save_transcript(interview_id, generation, sample_transcript())
            rig.stages.save_questions(interview_id, generation, KeptQuestions(()))
        rig.jobs.jobs |= {
            f"interview-{interview_id}": 0,
            f"interview-{interview_id}-g1": 1,
            f"interview-{interview_id}-g1-r2": 1,
        }
    return rig


def other_is_untouched(rig: Rig) -> None:
    assert rig.repository.get(OTHER).state is InterviewState.COMPLETED
    assert len(rig.repository.list_questions(OTHER)) == 3
    assert sum(OTHER in key for key in rig.stages.keys()) == 4
    assert sum(OTHER in name for name in rig.jobs.jobs) == 3


def test_delete_removes_questions_kept_stages_jobs_and_the_record_and_leaves_the_video(
    rig: Rig,
) -> None:
    erasure = rig.delete().execute(ID)

    with pytest.raises(InterviewNotFound):
        rig.repository.get(ID)
    assert rig.repository.list_questions(ID) == []
    assert [key for key in rig.stages.keys() if ID in key] == []
    assert [name for name in rig.jobs.jobs if ID in name] == []
    assert VIDEO in rig.videos.videos
    assert erasure.questions == 3
    assert erasure.transcription_jobs == (
        f"interview-{ID}",
        f"interview-{ID}-g1",
        f"interview-{ID}-g1-r2",
    )
    assert len(erasure.files) == 4
    assert (erasure.video_left, erasure.video_removed, erasure.record_kept) == (VIDEO, None, False)
    other_is_untouched(rig)


def test_include_video_removes_it_and_keep_record_leaves_only_a_tombstone(rig: Rig) -> None:
    rig.clock.advance(60)

    erasure = rig.delete().execute(ID, include_video=True, keep_record=True)

    assert VIDEO not in rig.videos.videos
    assert erasure.video_removed == VIDEO
    assert rig.repository.get(ID) == Interview(
        id=ID,
        video_path="",
        state=InterviewState.DELETED,
        created_at=NOW,
        updated_at=rig.clock.now(),
    )


def test_a_video_the_store_does_not_hold_is_left_and_said_so(rig: Rig) -> None:
    elsewhere = "s3://another-bucket/videos/u/i/interview.mp4"
    rig.repository.add(Interview(id="far", video_path=elsewhere))

    erasure = rig.delete().execute("far", include_video=True)

    assert (erasure.video_left, erasure.video_elsewhere, erasure.video_removed) == (
        elsewhere,
        True,
        None,
    )
    with pytest.raises(InterviewNotFound):
        rig.repository.get("far")


def test_an_unknown_interview_is_refused_and_nothing_is_removed(rig: Rig) -> None:
    with pytest.raises(InterviewNotFound):
        rig.delete().execute("no-such-interview")

    assert rig.jobs.asked == []
    assert len(rig.stages.keys()) == 8


def test_a_live_lease_refuses_the_delete_and_nothing_is_removed(rig: Rig) -> None:
    rig.repository.reset_for_reprocess(ID)
    rig.repository.claim(ID, "worker-1", 300.0)
    rig.clock.advance(299)

    with pytest.raises(LeaseHeld) as refused:
        rig.delete().execute(ID, include_video=True)

    assert refused.value.remaining_seconds == pytest.approx(1.0)
    assert rig.repository.get(ID).state is InterviewState.PROCESSING
    assert len(rig.repository.list_questions(ID)) == 3
    assert len(rig.stages.keys()) == 8 and len(rig.jobs.jobs) == 6
    assert rig.jobs.asked == [] and VIDEO in rig.videos.videos


def test_an_expired_lease_does_not_hold_the_delete_and_its_worker_can_write_nothing(
    rig: Rig,
) -> None:
    rig.repository.reset_for_reprocess(ID)
    rig.repository.claim(ID, "worker-1", 300.0)
    rig.clock.advance(301)

    rig.delete().execute(ID, keep_record=True)

    assert rig.repository.get(ID).state is InterviewState.DELETED
    with pytest.raises(Exception, match="LEASE_LOST"):
        rig.repository.mark_completed(ID, "worker-1", 3)
    assert rig.repository.get(ID).state is InterviewState.DELETED


def test_a_delete_cut_short_leaves_deleting_which_no_worker_claims_and_the_next_finishes(
    rig: Rig,
) -> None:
    rig.jobs.faults.fail(TranscriptionUnavailable("Transcribe is throttling"))

    with pytest.raises(TranscriptionUnavailable):
        rig.delete().execute(ID)

    assert rig.repository.get(ID).state is InterviewState.DELETING
    assert rig.repository.list_questions(ID) == []  # removed before the failing step
    assert rig.process().execute(ID, force=True).outcome is Outcome.SKIPPED
    with pytest.raises(InterviewDeleted):
        ReprocessInterview(
            rig.repository, InMemoryMessageSource(rig.clock, long_poll=False)
        ).execute(ID)

    erasure = rig.delete().execute(ID)

    assert len(erasure.transcription_jobs) == 3 and len(erasure.files) == 4
    with pytest.raises(InterviewNotFound):
        rig.repository.get(ID)
    other_is_untouched(rig)


def test_a_second_delete_of_a_kept_record_finds_nothing_left(rig: Rig) -> None:
    rig.delete().execute(ID, keep_record=True)
    kept = rig.repository.get(ID)

    again = rig.delete().execute(ID, keep_record=True, include_video=True)

    assert again.already_deleted and again.questions == 0 and again.files == ()
    assert rig.repository.get(ID) == kept
    assert rig.jobs.asked == [(ID, 1)]  # only the first delete asked
    other_is_untouched(rig)


def test_a_second_delete_of_a_removed_record_is_an_unknown_interview(rig: Rig) -> None:
    rig.delete().execute(ID)

    with pytest.raises(InterviewNotFound):
        rig.delete().execute(ID)

    assert rig.jobs.asked == [(ID, 1)]
    other_is_untouched(rig)


@pytest.mark.parametrize("state", [InterviewState.DELETING, InterviewState.DELETED])
@pytest.mark.parametrize("last_look", [False, True])
def test_a_worker_acknowledges_a_deleted_interview_and_writes_nothing(
    rig: Rig, state: InterviewState, last_look: bool
) -> None:
    rig.repository.add(Interview(id="erased", video_path="", state=state, updated_at=NOW))
    transcriber = SpyTranscriber()
    before = rig.stages.keys()

    report = ProcessInterview(
        rig.repository,
        SpyVideoStore(),
        SpyAudioExtractor(),
        transcriber,
        SpyQuestionExtractor(sample_questions(2)),
        stage_store=rig.stages,
    ).execute("erased", force=True, last_look=last_look, max_attempts=1)

    assert report.outcome is Outcome.SKIPPED and report.outcome.acknowledges
    assert report.error is not None and report.error.code == "INTERVIEW_DELETED"
    assert rig.repository.get("erased") == Interview(
        id="erased", video_path="", state=state, updated_at=NOW
    )
    assert transcriber.calls == [] and rig.stages.keys() == before
    assert rig.repository.list_questions("erased") == []


def test_a_redrive_leaves_a_deleted_interview_deleted_and_moves_its_letter(rig: Rig) -> None:
    rig.delete().execute(ID, keep_record=True)
    queue = InMemoryMessageSource(rig.clock, max_receive_count=1, long_poll=False)
    queue.send_request(ID)
    (message,) = queue.receive(1, 0)
    queue.release(message, 0)
    assert queue.receive(1, 0) == []  # past the limit: dead-lettered

    redrive = RedriveDeadLetters(queue, rig.repository).execute()

    assert redrive.new_generations == ()
    assert redrive.moved == 1
    assert rig.repository.get(ID).state is InterviewState.DELETED
