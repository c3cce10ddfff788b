"""One hierarchy of core errors in three kinds: the interview's, transient, the deployment's."""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_ERROR_MESSAGE = 1000
"""The longest error message stored on an interview or reported; longer ones are cut."""
UNEXPECTED_ERROR = "UNEXPECTED_ERROR"
"""The code reported for an exception that is no core error (a bug, or a provider error no
adapter translated): it is handled as transient, so the interview is retried."""


class ErrorKind(enum.StrEnum):
    """Whose fault an error is, which alone decides what happens to the interview."""

    INTERVIEW = "interview"  # this interview cannot be processed: mark it failed
    TRANSIENT = "transient"  # a retry later may succeed: keep the interview for a retry
    DEPLOYMENT = "deployment"  # the setup is wrong: fail nothing, keep the message, stop


class InterviewError(Exception):
    """Base of every error the core and its adapters raise on purpose.

    Raise one of its three kinds, never this class: InterviewFault, TransientError or
    DeploymentFault.
    """

    code: ClassVar[str] = "INTERVIEW_ERROR"
    kind: ClassVar[ErrorKind]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @property
    def permanent(self) -> bool:
        """Whether retrying cannot help: true for every kind but transient."""
        return self.kind is not ErrorKind.TRANSIENT


class InterviewFault(InterviewError):
    """The interview's fault (bad record, bad video, no audio, refused by the model): the
    interview is marked failed at once and its message deleted."""

    code = "INTERVIEW_FAULT"
    kind = ErrorKind.INTERVIEW


class TransientError(InterviewError):
    """A retry later may succeed: throttling, timeouts, 5xx, lost connections, a lease held
    elsewhere. The interview is released for a retry; on the last attempt it is failed."""

    code = "TRANSIENT_ERROR"
    kind = ErrorKind.TRANSIENT

    def __init__(
        self, message: str, *, throttled: bool = False, retry_after_seconds: float | None = None
    ) -> None:
        """`throttled`: the service refused for a rate or a quota (throttling, HTTP 429, a
        concurrency limit), which is the world's doing and spends no attempt of the
        interview's; `retry_after_seconds`: how long the service asked the caller to wait,
        when it said."""
        super().__init__(message)
        self.throttled = throttled
        self.retry_after_seconds = retry_after_seconds


class DeploymentFault(InterviewError):
    """The deployment's fault (configuration, credentials, a missing tool, model, queue or
    table): no interview is failed for it, the message stays on the queue and the worker
    stops, so the setup can be fixed and the work resumed."""

    code = "DEPLOYMENT_FAULT"
    kind = ErrorKind.DEPLOYMENT


# --- Messages and records -------------------------------------------------------------


class InvalidMessage(InterviewFault):
    """A queue message body is not a valid interview request."""

    code = "INVALID_MESSAGE"

    def __init__(self, message_id: str, reason: str) -> None:
        super().__init__(f"message {message_id}: {reason}")
        self.message_id = message_id
        self.reason = reason


class InterviewNotFound(InterviewFault):
    """No interview record exists for the id."""

    code = "INTERVIEW_NOT_FOUND"

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} does not exist")
        self.interview_id = interview_id


class InvalidInterviewRecord(InterviewFault):
    """The stored interview record lacks a field the pipeline needs or holds a bad value."""

    code = "INVALID_INTERVIEW_RECORD"


class IllegalTransition(InterviewFault):
    """A state change that the interview state machine forbids."""

    code = "ILLEGAL_TRANSITION"


# --- Claims and leases -----------------------------------------------------------------


class InterviewAlreadyCompleted(InterviewFault):
    """The interview is completed and reprocessing was not forced.

    The interview's kind (retrying cannot help), but nothing is wrong with it: the use case
    reports it as skipped and the message is deleted without marking anything failed.
    """

    code = "ALREADY_COMPLETED"

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} is already completed")
        self.interview_id = interview_id


class InterviewDeleted(InterviewFault):
    """The interview is deleted, or its deletion has begun: nothing may process, reprocess
    or redrive it. A worker acknowledges its message without writing anything."""

    code = "INTERVIEW_DELETED"

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} is deleted or being deleted")
        self.interview_id = interview_id


class LeaseHeld(TransientError):
    """Another worker holds a live lease on the interview: transient, the message comes back
    when that lease has run out. `remaining_seconds` is how long the lease has left, when the
    repository knows it, so that a crashed holder's lease is waited out, not a whole lease."""

    code = "LEASE_HELD"

    def __init__(self, interview_id: str, remaining_seconds: float | None = None) -> None:
        super().__init__(f"interview {interview_id} is being processed by another worker")
        self.interview_id = interview_id
        self.remaining_seconds = remaining_seconds


class AttemptsExhausted(InterviewFault):
    """The interview was claimed as often as allowed without finishing (every attempt crashed
    or timed out): the claim that would pass the limit marks it failed instead."""

    code = "ATTEMPTS_EXHAUSTED"

    def __init__(self, interview_id: str, attempts: int) -> None:
        super().__init__(
            f"interview {interview_id} was attempted {attempts} times without finishing"
        )
        self.interview_id = interview_id
        self.attempts = attempts


class ThrottlePatienceExhausted(InterviewFault):
    """The services the interview needs kept refusing it for a rate or a quota for longer
    than the throttle patience (WORKER_THROTTLE_PATIENCE_SECONDS) allows: it is marked failed
    with its own code, never counted against its attempts."""

    code = "THROTTLE_PATIENCE_EXHAUSTED"

    def __init__(
        self, interview_id: str, throttled_seconds: float, patience_seconds: float, last: str
    ) -> None:
        super().__init__(
            f"interview {interview_id} was throttled for {throttled_seconds:.0f} s, past the "
            f"throttle patience of {patience_seconds:.0f} s (WORKER_THROTTLE_PATIENCE_SECONDS); "
            f"last refusal: {last}"
        )
        self.interview_id = interview_id
        self.throttled_seconds = throttled_seconds
        self.patience_seconds = patience_seconds


class LeaseLost(TransientError):
    """The caller no longer holds the lease it is acting under: transient, the new holder
    finishes the work and this delivery's message comes back after the busy delay."""

    code = "LEASE_LOST"

    def __init__(self, interview_id: str, owner: str) -> None:
        super().__init__(f"lease on interview {interview_id} is no longer held by {owner}")
        self.interview_id = interview_id
        self.owner = owner


class JobTimedOut(TransientError):
    """One attempt at an interview ran past its wall-clock limit and was abandoned: transient,
    the interview is released for another attempt."""

    code = "JOB_TIMED_OUT"

    def __init__(self, interview_id: str, seconds: float) -> None:
        super().__init__(f"interview {interview_id} was still in work after {seconds:.0f} s")
        self.interview_id = interview_id
        self.seconds = seconds


# --- Video ----------------------------------------------------------------------------


class InvalidVideoLocation(InterviewFault):
    """A video key or path is malformed or would escape its store."""

    code = "INVALID_VIDEO_LOCATION"


class VideoNotFound(InterviewFault):
    """No video exists at the location."""

    code = "VIDEO_NOT_FOUND"


class VideoTooLarge(InterviewFault):
    """The video exceeds the configured size limit."""

    code = "VIDEO_TOO_LARGE"


class VideoAccessDenied(InterviewFault):
    """The store refused access to the video."""

    code = "VIDEO_ACCESS_DENIED"


class StorageUnavailable(TransientError):
    """The video store is throttling, timing out or failing on its side."""

    code = "STORAGE_UNAVAILABLE"


# --- Media ----------------------------------------------------------------------------


class InvalidMedia(InterviewFault):
    """The file is not a media file of an accepted format, or it is corrupt."""

    code = "INVALID_MEDIA"


class NoAudioTrack(InterviewFault):
    """The media file has no audio stream."""

    code = "NO_AUDIO_TRACK"


class MediaTooLong(InterviewFault):
    """The media lasts longer than the configured maximum."""

    code = "MEDIA_TOO_LONG"


class MediaTimeout(TransientError):
    """Audio extraction ran past its wall-clock limit and was killed."""

    code = "MEDIA_TIMEOUT"


class MediaUnavailable(TransientError):
    """Audio extraction could not run now: cancelled at shutdown, ffmpeg could not be started
    (no memory or processes left), or this job's audio folder or file could not be made or
    written (throttled when the disk is full)."""

    code = "MEDIA_UNAVAILABLE"


class ToolMissing(DeploymentFault):
    """A required tool or model (ffmpeg, a speech model) is not installed or not loadable:
    the deployment's fault, so no interview is failed for it."""

    code = "TOOL_MISSING"


# --- Transcription and extraction -----------------------------------------------------


class TranscriptionFailed(InterviewFault):
    """The transcriber could not produce a transcript from the audio."""

    code = "TRANSCRIPTION_FAILED"


class UnknownSpeaker(InterviewFault):
    """A speaker named as an interviewer (`--interviewer`, INTERVIEWS_INTERVIEWER_SPEAKERS)
    does not speak in this interview's transcript, or the transcript has no speaker labels."""

    code = "UNKNOWN_SPEAKER"

    def __init__(self, names: Sequence[str], speakers: Sequence[str]) -> None:
        named = ", ".join(_printable(name) for name in names[:_LISTED])
        there = (
            f"its speakers are {', '.join(_printable(s) for s in speakers[:_LISTED])}"
            + (", ..." if len(speakers) > _LISTED else "")
            if speakers
            else "it has no speaker labels (is speaker labelling off?)"
        )
        super().__init__(
            f"no speaker {named} in this transcript to take as the interviewer: {there}"
        )
        self.names = tuple(names)
        self.speakers = tuple(speakers)


_LISTED = 12
_UNPRINTABLE = re.compile(r"[^0-9A-Za-z_.-]")


def _printable(label: str) -> str:
    """A speaker label safe for one log line: [A-Za-z0-9_.-] only, at most 32 characters."""
    return _UNPRINTABLE.sub("_", label)[:32] or "_"


class TranscriptionUnavailable(TransientError):
    """The transcription service is throttling, timing out or failing on its side."""

    code = "TRANSCRIPTION_UNAVAILABLE"


class ModelRefused(InterviewFault):
    """The language model refused this interview's request (a guardrail, filtered content, a
    transcript past its context window, a request it rejects); a model the deployment cannot
    use (unknown here, not allowed, invoked without its inference profile) is a
    ConfigurationError instead."""

    code = "MODEL_REFUSED"


class InvalidModelOutput(InterviewFault):
    """The language model's output failed validation after every allowed retry."""

    code = "INVALID_MODEL_OUTPUT"


class ExtractionUnavailable(TransientError):
    """The question extraction service is throttling, timing out or failing on its side."""

    code = "EXTRACTION_UNAVAILABLE"


# --- Persistence and queues -----------------------------------------------------------


class RepositoryUnavailable(TransientError):
    """The interview repository is throttling, timing out or failing on its side."""

    code = "REPOSITORY_UNAVAILABLE"


class QueueUnavailable(TransientError):
    """The message source is throttling, timing out or failing on its side."""

    code = "QUEUE_UNAVAILABLE"


class ConfigurationError(DeploymentFault):
    """Settings, wiring or access are wrong: a missing bucket, queue or table, refused
    credentials, an unknown adapter name. The deployment's fault: it fails no interview."""

    code = "CONFIGURATION_ERROR"


class InterviewExists(InterviewFault):
    """A new interview record was to be written under an id that is already stored."""

    code = "INTERVIEW_EXISTS"

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} already exists")
        self.interview_id = interview_id


# --- A stored interview's result -------------------------------------------------------


class InterviewNotCompleted(InterviewFault):
    """A stored interview's result was asked for before it was completed (or after it
    failed): there are no questions and transcript of it to show yet."""

    code = "NOT_COMPLETED"

    def __init__(self, interview_id: str, state: str, error_code: str | None = None) -> None:
        if state == "failed":
            why = f" ({error_code})" if error_code else ""
            hint = f"it failed{why}; `reprocess` runs it again"
        else:
            hint = "its result is ready once it is completed"
        super().__init__(f"interview {interview_id} is {state}, not completed: {hint}")
        self.interview_id = interview_id
        self.state = state


class TranscriptNotKept(InterviewFault):
    """A completed interview's transcript is no longer kept (or never was): its questions
    are stored, but exports and the review page need the transcript too."""

    code = "TRANSCRIPT_NOT_KEPT"

    def __init__(self, interview_id: str, generation: int, reason: str) -> None:
        super().__init__(
            f"interview {interview_id}: the transcript of generation {generation} is not "
            f"kept ({reason}); `reprocess` makes a new one"
        )
        self.interview_id = interview_id
        self.generation = generation


# --- Kept stages and deadlines ----------------------------------------------------------


class StageStoreUnavailable(TransientError):
    """The store of kept stage results (transcripts, questions) is failing on its side: the
    attempt goes on without it, re-running what it would have skipped."""

    code = "STAGE_STORE_UNAVAILABLE"


class DeadlineReached(TransientError):
    """The attempt was stopped between two stages because the time it may run is nearly
    over (a Lambda invocation's deadline): what finished is kept, the lease and the message
    are given back, and the interview is never marked failed for it, even on its final
    attempt."""

    code = "DEADLINE_REACHED"

    def __init__(self, interview_id: str, stage: str) -> None:
        super().__init__(f"interview {interview_id}: too little time left to start {stage}")
        self.interview_id = interview_id
        self.stage = stage
