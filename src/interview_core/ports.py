"""The ports: what the core needs from the outside world, as structural protocols."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping
    from contextlib import AbstractContextManager
    from datetime import datetime
    from pathlib import Path

    from interview_core.entities import (
        AudioFile,
        ExtractedQuestion,
        Interview,
        KeptQuestions,
        Question,
        Transcript,
    )
    from interview_core.speaker_roles import Role
    from interview_core.state import InterviewState
    from interview_core.usage import UsageMeter

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
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        """Transcribe `audio`; `job_id` and `generation` name the work so a retry can reuse it.

        Work of one generation (the interview's counter, raised by reprocess and redrive) is
        never reused in another: a reprocessed interview is transcribed afresh. `progress`,
        when given, is called as audio seconds are done. Raises TranscriptionFailed (the
        interview's fault), ToolMissing or ConfigurationError (the deployment's) or
        TranscriptionUnavailable (transient).
        """
        ...


class PiiRedactor(Protocol):
    """Takes personal details out of a transcript before any later stage sees it."""

    def redact(self, transcript: Transcript) -> Transcript:
        """`transcript` with each personal detail it finds replaced by `[PII:<TYPE>]`.

        Segment text and words are redacted alike: a value spread over several words
        becomes one word spanning their times, so word timings stay consistent. Markers
        already present are left as they are, so redacting twice changes nothing more.
        Never raises for any text.
        """
        ...


class TranscriptionOutputs(Protocol):
    """The files a speech service itself wrote for a job: its transcript as it made it,
    holding what the caller's redaction takes out afterwards."""

    def remove_outputs(self, job_id: str, generation: int) -> list[str]:
        """Remove the transcripts the service wrote for the work of `job_id` in `generation`
        (every job of it writes to the same place) and return the names removed or found
        gone; nothing there is no error. The work is not undone: a later transcription of
        the same generation finds its transcript gone and runs a new job.

        Raises ValueError for an empty id or a negative generation, StageStoreUnavailable
        (transient) or ConfigurationError (a missing bucket, refused access).
        """
        ...


class InPlaceTranscriber(Protocol):
    """Transcribes a stored video where it lies, skipping download and audio extraction."""

    def transcribe_in_place(
        self, location: str, *, job_id: str, generation: int = 0
    ) -> Transcript | None:
        """The transcript of the video at `location`, or None when it cannot be taken as is.

        `job_id` and `generation` name the work as for Transcriber.transcribe. None (a
        container or size the service does not accept directly) sends the caller down the
        download-and-extract path. Raises what VideoStore.fetch and Transcriber.transcribe
        raise.
        """
        ...


class SpeakerRoleFinder(Protocol):
    """Tells from what each speaker says who asks the questions and who answers them."""

    def roles(self, transcript: Transcript) -> Mapping[str, Role]:
        """A role for every speaker label of `transcript`: the interviewers (several on a
        panel) and the candidate; empty when that cannot be told (fewer than two speakers,
        or none of them asks a question). Never raises."""
        ...


class QuestionExtractor(Protocol):
    """Finds the interviewer's questions in a transcript and suggests answers."""

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        """The questions in the order they were asked; an empty list when there are none.

        A model-backed extractor sets each question's `quote` (the transcript words it was
        found in) when it can; the use cases keep only questions the transcript holds. It
        records on `meter`, when given, the windows, requests and tokens it spent and the
        questions a limit kept out (a model-free extractor records nothing).
        Raises ModelRefused or InvalidModelOutput (the interview's fault; a windowed
        extractor raises it only when no window gave a usable reply), ExtractionUnavailable
        (transient), or ConfigurationError (the deployment's fault:
        credentials, an unknown model).
        """
        ...


class AnswerSuggester(Protocol):
    """Writes a suggested professional answer for each question already found."""

    def suggest(
        self,
        transcript: Transcript,
        questions: Sequence[ExtractedQuestion],
        *,
        meter: UsageMeter | None = None,
    ) -> list[ExtractedQuestion]:
        """The questions in the same order, each with a suggested answer in `answer`.

        Each answer is capped in length. A question whose answer cannot be had (its batch
        stays unusable) keeps the answer it came with, or is left out when it has none and
        counted on `meter`, which also gets the batches, requests and tokens spent. Raises
        ModelRefused or InvalidModelOutput (permanent), ExtractionUnavailable (transient),
        or ConfigurationError (credentials, an unknown model).
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

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        """Drop the lease so another delivery may claim at once. Raises LeaseLost if not held.

        With `throttled` (the run ended because a service refused for a rate or a quota), the
        attempt the claim counted is given back and `throttled_since` is set to now unless it
        is set already, in the same write; without it `throttled_since` is cleared. Completion,
        failure and the operator's reset clear it too.
        """
        ...

    def replace_questions(
        self,
        interview_id: str,
        questions: Sequence[Question],
        *,
        owner: str,
        generation: int,
    ) -> None:
        """Store `questions` as the interview's only questions, removing any earlier ones,
        fenced by the lease: only while `owner` holds it, the interview is processing and its
        generation is `generation`.

        A write that loses the fence changes nothing (and raises LeaseLost), so a worker whose
        lease lapsed can never overwrite or remove the questions of the run that holds or
        completed the interview. Questions of other generations and of earlier runs are
        removed by their deterministic ids, never looked up through an eventually consistent
        index. Idempotent: questions carry deterministic ids. Raises LeaseLost, ValueError
        (questions of another interview or a repeated id; nothing is changed),
        RepositoryUnavailable or ConfigurationError.
        """
        ...

    def list_questions(self, interview_id: str) -> list[Question]:
        """The interview's stored questions ordered by position."""
        ...

    def mark_completed(
        self,
        interview_id: str,
        owner: str,
        question_count: int,
        *,
        generation: int | None = None,
        questions_left_out: int = 0,
    ) -> None:
        """Move to completed and drop the lease, only while `owner` holds it (and, with
        `generation`, only while the interview is still in that generation), storing how many
        questions were stored and how many a model limit kept out.

        Raises LeaseLost or RepositoryUnavailable.
        """
        ...

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        """Move to failed with the reason and drop the lease, only while `owner` holds it.

        Raises LeaseLost or RepositoryUnavailable.
        """
        ...


class StageStore(Protocol):
    """What an attempt finished, kept per interview and generation so a retry resumes.

    Two items per (interview, generation): the transcript, and the questions found with
    their answers. Keys are built only from a validated interview id (an id with other
    characters is replaced by a digest of it) and a generation of at least 0. A kept item
    that cannot be read back (corrupt, of another format) is logged and reported absent, so
    its stage runs again; it never fails an interview. A completed interview keeps its
    transcript (for its exports and review page) until the store's retention removes it.
    """

    def load_transcript(self, interview_id: str, generation: int) -> Transcript | None:
        """The kept transcript, or None when there is none or it cannot be read.

        Raises ValueError for a negative generation, StageStoreUnavailable (transient) or
        ConfigurationError (the deployment's fault: a missing bucket, refused access).
        """
        ...

    def save_transcript(self, interview_id: str, generation: int, transcript: Transcript) -> None:
        """Keep `transcript`, replacing any kept one; a reader never sees half of it.

        Raises ValueError as `load_transcript`, StageStoreUnavailable or ConfigurationError.
        """
        ...

    def load_questions(self, interview_id: str, generation: int) -> KeptQuestions | None:
        """The kept questions, or None when there are none or they cannot be read.

        Raises as `load_transcript`.
        """
        ...

    def save_questions(self, interview_id: str, generation: int, found: KeptQuestions) -> None:
        """Keep `found`, replacing any kept questions. Raises as `save_transcript`."""
        ...

    def discard(self, interview_id: str, generation: int, *, keep_transcript: bool = False) -> None:
        """Remove both kept items of the generation, or only the questions with
        `keep_transcript`; nothing kept is no error.

        Raises ValueError, StageStoreUnavailable or ConfigurationError.
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

    def requeue(self, message: QueueMessage, delay_seconds: float) -> None:
        """Put a fresh copy of the request on the queue, visible after `delay_seconds`
        (clamped to 0..MAX_SEND_DELAY_SECONDS), and delete this delivery.

        The copy has never been received, so its receive count (which the redrive policy
        counts against `maxReceiveCount`) starts again. The delivery is deleted only once the
        copy is sent: when sending fails nothing is lost (the message comes back later, as a
        released one: SQS hides it for the delay first) and QueueUnavailable is raised; when
        only the deletion fails both remain, a duplicate the lease and the idempotent writes
        make harmless. Does nothing when `message` is no longer the latest
        delivery of its message (a stale receipt). Raises ValueError for a message that is not
        a request (`interview_id` None), QueueUnavailable or ConfigurationError.
        """
        ...


# --- the operator's roles ------------------------------------------------------------------


@runtime_checkable
class MediaProbe(Protocol):
    """Tells, without converting anything, whether a file is media the pipeline can take."""

    def probe(self, video: Path) -> float | None:
        """The duration of `video` in seconds (None when its header does not say).

        Raises VideoNotFound, VideoAccessDenied, InvalidMedia (not media, a refused format,
        or corrupt), NoAudioTrack, MediaTooLong, ToolMissing (the deployment's fault), or
        the transient MediaTimeout.
        """
        ...


@runtime_checkable
class VideoUploader(Protocol):
    """A video store that new videos can be put into."""

    def upload(self, source: Path, key: str) -> str:
        """Store the local file `source` under `key`, replacing any object there.

        Returns the location an interview record names the video by (its `video_path`),
        which `VideoStore.fetch` accepts. Raises InvalidVideoLocation for a malformed key and
        VideoTooLarge above the store's limit (both before any write), VideoNotFound when
        `source` cannot be read, VideoAccessDenied, StorageUnavailable (transient) or
        ConfigurationError (a missing bucket, refused credentials).
        """
        ...


@runtime_checkable
class InterviewCatalog(Protocol):
    """The operator's view of interview records: new ones, by state, back to pending."""

    def create(self, interview: Interview) -> None:
        """Store a new record with the upstream's fields only (`id`, `video_path`,
        `user_id`, `state`, `created_at`, `updated_at`).

        Raises InterviewExists when a record with the id is already stored (nothing is
        changed then), RepositoryUnavailable or ConfigurationError.
        """
        ...

    def list_by_state(self, state: InterviewState, limit: int) -> list[Interview]:
        """Up to `limit` interviews whose state reads as `state`, in no promised order.

        Pending includes every state the upstream writes that the pipeline does not own.
        Raises ValueError for a limit below 1, RepositoryUnavailable or ConfigurationError.
        """
        ...

    def reset_for_reprocess(self, interview_id: str) -> Interview:
        """Make the interview pending again, in one conditional write, and return it.

        Refused with LeaseHeld while a live lease is held (nothing is changed then). The
        attempt counter goes back to zero and any error, `throttled_since` and dropped lease
        are cleared; the stored questions stay until the next run replaces them. Raises
        InterviewNotFound, LeaseHeld, RepositoryUnavailable or ConfigurationError.

        The generation goes up by one, so that the rerun keeps nothing of earlier attempts.
        """
        ...

    def start_new_generation(self, interview_id: str) -> Interview:
        """Raise the interview's generation by one with a fresh attempt budget, and return
        the record.

        For a dead-letter redrive: the attempt counter goes back to zero, any error and
        `throttled_since` are cleared and a failed interview is pending again, so that the
        redriven request has every attempt and the whole throttle patience before it. Any
        other state and a lease are left as they are (a worker holding the lease goes on).
        Raises InterviewNotFound, RepositoryUnavailable or ConfigurationError.
        """
        ...


@runtime_checkable
class RequestSender(Protocol):
    """Puts interview requests on the queue, as the upstream does."""

    def send_request(self, interview_id: str) -> str:
        """Send `{"interview_id": ...}` and return the message id.

        Raises QueueUnavailable (transient) or ConfigurationError.
        """
        ...


@attrs.frozen
class DeadLetter:
    """A message moved aside after too many receives, read without its raw body."""

    message_id: str
    receive_count: int
    interview_id: str | None
    body_error: str | None = None


@runtime_checkable
class DeadLetterQueue(Protocol):
    """The messages a queue has given up on, and the way back."""

    def peek_dead_letters(self, limit: int) -> list[DeadLetter]:
        """Up to `limit` dead letters, leaving every one where it is.

        Raises ValueError for a limit below 1, QueueUnavailable (transient) or
        ConfigurationError (no dead-letter queue configured, a missing queue, access denied).
        """
        ...

    def redrive_dead_letters(self) -> int:
        """Move every dead letter back to the main queue as a fresh message; how many moved.

        A message is removed from the dead letters only once it is on the main queue, so a
        failure part way loses nothing (at worst a message is on both). Raises
        QueueUnavailable or ConfigurationError, as `peek_dead_letters`.
        """
        ...


# --- erasure: what the operator's delete removes ---------------------------------------------


@runtime_checkable
class InterviewEraser(Protocol):
    """The records side of deleting an interview: the record and every question it had."""

    def begin_deletion(self, interview_id: str) -> Interview:
        """Mark the interview `deleting` and drop any lease in one conditional write, and
        return the record as it then stands (its generation and video location are kept).

        From then on no worker may claim it, and a worker whose lease ran out can write
        nothing more. Refused with LeaseHeld while a live lease is held (nothing is changed).
        A record already deleting or deleted comes back unchanged, so that a delete cut short
        is finished by the next. Raises InterviewNotFound, LeaseHeld, RepositoryUnavailable
        or ConfigurationError.
        """
        ...

    def delete_questions(self, interview_id: str) -> int:
        """Remove every stored question of the interview, of every generation (those the
        record names and those stored under its id); how many were removed, 0 when none.

        Raises RepositoryUnavailable or ConfigurationError.
        """
        ...

    def finish_deletion(self, interview_id: str, *, keep_record: bool) -> None:
        """Remove the record, or with `keep_record` reduce it to its id, `deleted` and its
        timestamps, only while it is `deleting`; a deleted or missing record is left as it
        is. Raises RepositoryUnavailable or ConfigurationError.
        """
        ...


@runtime_checkable
class InterviewFiles(Protocol):
    """The files the pipeline made for an interview: kept stages, audio uploads, transcripts."""

    def remove_files(self, interview_id: str, generation: int) -> list[str]:
        """Remove every such file of generations 0 to `generation`, and return the names
        (object keys, or paths relative to the store's folder) of those removed; nothing
        there is no error.

        Raises ValueError for a negative generation, StageStoreUnavailable (transient) or
        ConfigurationError (a missing bucket, refused access).
        """
        ...


@runtime_checkable
class TranscriptionJobs(Protocol):
    """A speech service's record of the jobs it ran for an interview."""

    def delete_jobs(self, job_id: str, generation: int) -> list[str]:
        """Delete every job run for `job_id` (the interview's id) in generations 0 to
        `generation`, renewed jobs included, and return the names of those deleted; a job
        already gone is no error.

        Raises ValueError for a negative generation, TranscriptionUnavailable (transient,
        also for a job the service will not delete while it runs) or ConfigurationError.
        """
        ...


@runtime_checkable
class VideoRemover(Protocol):
    """A video store that videos can be removed from."""

    def remove_video(self, location: str) -> bool:
        """Remove the video at `location` (as a record names it); whether one was there.

        Raises InvalidVideoLocation for a malformed location (before any I/O),
        VideoAccessDenied, StorageUnavailable (transient) or ConfigurationError.
        """
        ...
