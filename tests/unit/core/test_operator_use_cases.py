"""SubmitInterview and ReprocessInterview on the in-memory fakes: order, refusals, no leftovers."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.clock import ManualClock
from interview_core.entities import Interview
from interview_core.errors import InterviewNotFound, InvalidMedia, LeaseHeld
from interview_core.reprocess_interview import ReprocessInterview
from interview_core.state import InterviewState
from interview_core.submit_interview import SubmitInterview, video_key

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@attrs.define
class ScriptedProbe:
    """Answers every probe with `duration`, or raises `refusal`; records what it was shown."""

    duration: float | None = 70.0
    refusal: Exception | None = None
    probed: list[Path] = attrs.field(factory=list)

    def probe(self, video: Path) -> float | None:
        self.probed.append(video)
        if self.refusal is not None:
            raise self.refusal
        return self.duration


@attrs.define
class RecordingUploader:
    """Keeps (source, key) of every upload and returns the key as the location."""

    uploads: list[tuple[Path, str]] = attrs.field(factory=list)

    def upload(self, source: Path, key: str) -> str:
        self.uploads.append((source, key))
        return key


@attrs.define
class Stack:
    probe: ScriptedProbe
    uploader: RecordingUploader
    repository: InMemoryInterviewRepository
    queue: InMemoryMessageSource
    clock: ManualClock

    def submit(self) -> SubmitInterview:
        return SubmitInterview(self.probe, self.uploader, self.repository, self.queue, self.clock)

    def sent(self) -> list[str]:
        return [json.loads(m.body)["interview_id"] for m in self.queue.visible()]


@pytest.fixture
def stack() -> Stack:
    clock = ManualClock(NOW)
    return Stack(
        ScriptedProbe(),
        RecordingUploader(),
        InMemoryInterviewRepository(clock),
        InMemoryMessageSource(clock, long_poll=False),
        clock,
    )


def test_submit_uploads_under_the_upstream_layout_records_and_requests(stack: Stack) -> None:
    video = Path("/recordings/final round.mp4")

    submission = stack.submit().execute(video, user_id="7d1c7f0e-0000-4000-8000-000000000001")

    key = video_key(
        "7d1c7f0e-0000-4000-8000-000000000001", submission.interview_id, "final round.mp4"
    )
    assert key.startswith("videos/7d1c7f0e-0000-4000-8000-000000000001/")
    assert stack.uploader.uploads == [(video, key)]
    assert stack.repository.all() == [
        Interview(
            id=submission.interview_id,
            video_path=key,
            user_id="7d1c7f0e-0000-4000-8000-000000000001",
            state=InterviewState.PENDING,
            created_at=NOW,
            updated_at=NOW,
        )
    ]
    assert stack.sent() == [submission.interview_id]
    assert (submission.video_path, submission.duration) == (key, 70.0)


def test_submit_without_a_user_gives_each_interview_a_new_user_uuid(stack: Stack) -> None:
    first = stack.submit().execute(Path("a.mp4"))
    second = stack.submit().execute(Path("b.mp4"))

    assert uuid.UUID(first.user_id) and uuid.UUID(second.user_id)
    assert first.user_id != second.user_id
    assert first.interview_id != second.interview_id


def test_a_file_the_probe_refuses_is_neither_uploaded_recorded_nor_requested(
    stack: Stack,
) -> None:
    stack.probe.refusal = InvalidMedia("notes.mp4: not a readable media file")

    with pytest.raises(InvalidMedia):
        stack.submit().execute(Path("notes.mp4"))

    assert stack.probe.probed == [Path("notes.mp4")]
    assert stack.uploader.uploads == []
    assert stack.repository.all() == []
    assert len(stack.queue) == 0


def test_reprocess_resets_a_failed_interview_and_requests_it(stack: Stack) -> None:
    stack.repository.add(Interview(id="iv-1", video_path="v.mp4"))
    stack.repository.claim("iv-1", "worker", 60)
    stack.repository.mark_failed("iv-1", "worker", "VIDEO_NOT_FOUND", "gone")

    reset = ReprocessInterview(stack.repository, stack.queue).execute("iv-1")

    assert reset.state is InterviewState.PENDING
    assert stack.repository.get("iv-1").state is InterviewState.PENDING
    assert stack.sent() == ["iv-1"]


def test_reprocess_of_a_held_or_unknown_interview_changes_and_sends_nothing(
    stack: Stack,
) -> None:
    stack.repository.add(Interview(id="iv-1", video_path="v.mp4"))
    held = stack.repository.claim("iv-1", "worker", 60)
    reprocess = ReprocessInterview(stack.repository, stack.queue)

    with pytest.raises(LeaseHeld):
        reprocess.execute("iv-1")
    with pytest.raises(InterviewNotFound):
        reprocess.execute("unknown")

    assert stack.repository.get("iv-1") == held
    assert len(stack.queue) == 0
