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
from interview_core.errors import (
    InterviewNotFound,
    InvalidMedia,
    LeaseHeld,
    RepositoryUnavailable,
)
from interview_core.redrive_dead_letters import RedriveDeadLetters
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


# --- RedriveDeadLetters -----------------------------------------------------------------------


IV_1 = "11111111-1111-4111-8111-111111111111"
IV_2 = "22222222-2222-4222-8222-222222222222"
IV_UNKNOWN = "33333333-3333-4333-8333-333333333333"


def dead_lettered(queue: InMemoryMessageSource, *bodies: str) -> None:
    """Send each body and receive it once: a queue with one allowed receive moves it aside."""
    for body in bodies:
        queue.send(body)
    for message in queue.receive(10, 0):
        queue.release(message, 0)
    assert queue.receive(10, 0) == []


def test_a_redrive_starts_each_known_interview_afresh_once_then_moves_every_letter() -> None:
    clock = ManualClock(NOW)
    repository = InMemoryInterviewRepository(clock)
    repository.add(
        Interview(
            id=IV_1,
            video_path="videos/a.mp4",
            generation=1,
            state=InterviewState.FAILED,
            attempts=5,
            error_code="ATTEMPTS_EXHAUSTED",
            error_message="tried 5 times",
        )
    )
    repository.add(Interview(id=IV_2, video_path="videos/b.mp4"))
    queue = InMemoryMessageSource(clock, max_receive_count=1, long_poll=False)
    dead_lettered(
        queue,
        json.dumps({"interview_id": IV_1}),
        json.dumps({"interview_id": IV_1}),
        json.dumps({"interview_id": IV_UNKNOWN}),
        "not a request",
    )

    redrive = RedriveDeadLetters(queue, repository).execute()

    assert redrive.moved == 4
    assert redrive.new_generations == (IV_1,)
    redriven = repository.get(IV_1)
    assert (redriven.generation, redriven.attempts, redriven.error_code) == (2, 0, None)
    assert redriven.state is InterviewState.PENDING  # a fresh attempt budget
    assert repository.get(IV_2).generation == 0
    assert queue.peek_dead_letters(10) == []
    assert len(queue.receive(10, 0)) == 4


class FailingCatalog(InMemoryInterviewRepository):
    """Refuses every new generation with a transient error."""

    def start_new_generation(self, interview_id: str) -> Interview:
        raise RepositoryUnavailable("throttled")


def test_a_redrive_that_cannot_raise_a_generation_moves_nothing() -> None:
    clock = ManualClock(NOW)
    catalog = FailingCatalog(clock)
    catalog.add(Interview(id=IV_1, video_path="videos/a.mp4"))
    queue = InMemoryMessageSource(clock, max_receive_count=1, long_poll=False)
    dead_lettered(queue, json.dumps({"interview_id": IV_1}))

    with pytest.raises(RepositoryUnavailable):
        RedriveDeadLetters(queue, catalog).execute()

    assert len(queue.peek_dead_letters(10)) == 1


def test_a_reprocess_starts_the_next_generation() -> None:
    clock = ManualClock(NOW)
    repository = InMemoryInterviewRepository(clock)
    repository.add(Interview(id="iv-1", video_path="videos/a.mp4", generation=5))
    queue = InMemoryMessageSource(clock, long_poll=False)

    reset = ReprocessInterview(repository, queue).execute("iv-1")

    assert reset.generation == 6
    assert repository.get("iv-1").generation == 6


@attrs.define
class RefusingRequests:
    """A request sender whose queue does not answer."""

    def send_request(self, interview_id: str) -> str:
        raise RepositoryUnavailable("SQS SendMessage: the queue did not answer")


@attrs.define
class RefusingCatalog:
    """An interview catalog whose table does not answer."""

    def create(self, interview: Interview) -> None:
        raise RepositoryUnavailable("DynamoDB PutItem: the table did not answer")


def test_a_send_that_fails_after_the_record_names_the_pending_interview(stack: Stack) -> None:
    submit = SubmitInterview(
        stack.probe, stack.uploader, stack.repository, RefusingRequests(), stack.clock
    )

    with pytest.raises(RepositoryUnavailable) as refused:
        submit.execute(Path("final.mp4"))

    (stored,) = stack.repository.all()
    assert stored.state is InterviewState.PENDING
    assert str(refused.value).startswith(
        "REPOSITORY_UNAVAILABLE: SQS SendMessage: the queue did not answer; "
        f"interview {stored.id} is stored as pending, with no request on the queue: "
        f"`ai-interviews reprocess {stored.id}` sends it"
    )


def test_a_record_that_fails_after_the_upload_names_the_stored_video(stack: Stack) -> None:
    submit = SubmitInterview(
        stack.probe, stack.uploader, RefusingCatalog(), stack.queue, stack.clock
    )

    with pytest.raises(RepositoryUnavailable) as refused:
        submit.execute(Path("final.mp4"))

    ((_, key),) = stack.uploader.uploads
    assert f"; the video was stored as {key}, but no record of " in str(refused.value)
    assert stack.sent() == []
