"""The ports: what the core needs from the outside world, as structural protocols."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from datetime import datetime
    from pathlib import Path

    from interview_core.entities import (
        AudioFile,
        ExtractedQuestion,
        Interview,
        Question,
        Transcript,
    )

ProgressCallback = Callable[[float, float], None]
"""Called with (seconds of audio done, total seconds) as transcription advances."""


class ProgressListener(Protocol):
    """Hears how a long single-video run is going, for a progress display."""

    def stage_started(self, stage: str) -> None:
        """A named stage (fetch, extract_audio, transcribe, extract_questions) begins."""
        ...

    def transcription_advanced(self, done_seconds: float, total_seconds: float) -> None:
        """Transcription has covered `done_seconds` of `total_seconds` of audio."""
        ...


class Clock(Protocol):
    """Tells the time for leases."""

    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class VideoStore(Protocol):
    """Where interview videos live."""

    def fetch(self, location: str) -> AbstractContextManager[Path]:
        """Make the video at `location` available as a local file while the context is open.

        Any temporary copy is removed on exit. Raises InvalidVideoLocation for a malformed or
        escaping location (checked before any I/O), VideoNotFound, VideoTooLarge,
        VideoAccessDenied, or StorageUnavailable (transient).
        """
        ...


class AudioExtractor(Protocol):
    """Turns a video file into audio a transcriber accepts."""

    def extract(self, video: Path) -> AbstractContextManager[AudioFile]:
        """Extract the audio track; the file is removed when the context closes.

        Raises VideoNotFound, VideoAccessDenied, InvalidMedia (not media, a refused format,
        or corrupt), NoAudioTrack, MediaTooLong, ToolMissing (the deployment's fault), or the
        transient MediaTimeout and MediaUnavailable (cancelled, no disk space).
        """
        ...


@runtime_checkable
class CancellableMediaWork(Protocol):
    """Media work running in child processes that a stopping worker can cut short."""

    def cancel_all(self) -> int:
        """Kill every running child; its work raises MediaUnavailable. Returns how many."""
        ...


class Transcriber(Protocol):
    """Speech to text."""

    def transcribe(
        self, audio: AudioFile, *, job_id: str, progress: ProgressCallback | None = None
    ) -> Transcript:
        """Transcribe `audio`; `job_id` names the work so a retry can reuse it.

        `progress`, when given, is called as audio seconds are done. Raises
        TranscriptionFailed (the interview's fault), ToolMissing or ConfigurationError (the
        deployment's) or TranscriptionUnavailable (transient).
        """
        ...


class InPlaceTranscriber(Protocol):
    """Transcribes a stored video where it lies, skipping download and audio extraction."""

    def transcribe_in_place(self, location: str, *, job_id: str) -> Transcript | None:
        """The transcript of the video at `location`, or None when it cannot be taken as is.

        None (a container or size the service does not accept directly) sends the caller down
        the download-and-extract path. Raises what VideoStore.fetch and Transcriber.transcribe
        raise.
        """
        ...


class QuestionExtractor(Protocol):
    """Finds the interviewer's questions in a transcript and suggests answers."""

    def extract(self, transcript: Transcript) -> list[ExtractedQuestion]:
        """The questions in the order they were asked; an empty list when there are none.

        Raises ModelRefused or InvalidModelOutput (the interview's fault) or
        ExtractionUnavailable (transient).
        """
        ...


class InterviewRepository(Protocol):
    """Interview records and their questions, with leases for exclusive processing."""

    def get(self, interview_id: str) -> Interview:
        """The interview record. Raises InterviewNotFound or RepositoryUnavailable."""
        ...

    def claim(
        self,
        interview_id: str,
        owner: str,
        lease_seconds: float,
        *,
        force: bool = False,
        max_attempts: int | None = None,
    ) -> Interview:
        """Atomically move the interview to processing under a lease held by `owner`.

        Succeeds only when the interview is not completed (unless `force`) and no live lease
        is held; increments its attempt counter and returns the updated record. An interview
        still processing after `max_attempts` attempts is instead marked failed with
        ATTEMPTS_EXHAUSTED in the same atomic write, and AttemptsExhausted raised. Raises
        InterviewNotFound, InterviewAlreadyCompleted, LeaseHeld (with the seconds the lease
        has left when known), AttemptsExhausted, InvalidInterviewRecord (a record that
        cannot be claimed as stored: it is marked failed with the reason) or
        RepositoryUnavailable.
        """
        ...

    def extend_lease(self, interview_id: str, owner: str, lease_seconds: float) -> None:
        """Push the lease's expiry to now + `lease_seconds`. Raises LeaseLost if not held."""
        ...

    def release(self, interview_id: str, owner: str) -> None:
        """Drop the lease so another delivery may claim at once. Raises LeaseLost if not held."""
        ...

    def replace_questions(self, interview_id: str, questions: Sequence[Question]) -> None:
        """Store `questions` as the interview's only questions, removing any earlier ones.

        Idempotent: questions carry deterministic ids. Raises RepositoryUnavailable.
        """
        ...

    def list_questions(self, interview_id: str) -> list[Question]:
        """The interview's stored questions ordered by position."""
        ...

    def mark_completed(self, interview_id: str, owner: str, question_count: int) -> None:
        """Move to completed and drop the lease, only while `owner` holds it.

        Raises LeaseLost or RepositoryUnavailable.
        """
        ...

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        """Move to failed with the reason and drop the lease, only while `owner` holds it.

        Raises LeaseLost or RepositoryUnavailable.
        """
        ...


@attrs.frozen
class QueueMessage:
    """A received request to process an interview, or a body that could not be read as one."""

    message_id: str
    receipt: str
    receive_count: int
    interview_id: str | None
    body_error: str | None = None


class MessageSource(Protocol):
    """A queue of interview requests with at-least-once delivery."""

    def receive(self, max_messages: int, wait_seconds: float) -> list[QueueMessage]:
        """Up to `max_messages` messages, waiting up to `wait_seconds` for the first.

        A message whose body is not a valid request is returned with `interview_id` None and
        `body_error` set. Raises QueueUnavailable (transient) or ConfigurationError (the
        deployment's fault: a missing queue, access denied), which stops a worker.
        """
        ...

    def ack(self, message: QueueMessage) -> None:
        """Delete the message: it is done. Raises QueueUnavailable."""
        ...

    def release(self, message: QueueMessage, delay_seconds: float) -> None:
        """Make the message visible again after `delay_seconds`. Raises QueueUnavailable."""
        ...

    def extend(self, message: QueueMessage, visibility_seconds: float) -> None:
        """Keep the message hidden for `visibility_seconds` from now. Raises QueueUnavailable."""
        ...
