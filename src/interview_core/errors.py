"""One hierarchy of core errors, each either permanent or transient."""

from __future__ import annotations

from typing import ClassVar


class InterviewError(Exception):
    """Base of every error the core and its adapters raise on purpose."""

    code: ClassVar[str] = "INTERVIEW_ERROR"
    permanent: ClassVar[bool] = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class PermanentError(InterviewError):
    """Retrying cannot help: the interview is marked failed at once."""

    code = "PERMANENT_ERROR"
    permanent = True


class TransientError(InterviewError):
    """A retry later may succeed: throttling, timeouts, 5xx, lost connections."""

    code = "TRANSIENT_ERROR"
    permanent = False


# --- Messages and records -------------------------------------------------------------


class InvalidMessage(PermanentError):
    """A queue message body is not a valid interview request."""

    code = "INVALID_MESSAGE"

    def __init__(self, message_id: str, reason: str) -> None:
        super().__init__(f"message {message_id}: {reason}")
        self.message_id = message_id
        self.reason = reason


class InterviewNotFound(PermanentError):
    """No interview record exists for the id."""

    code = "INTERVIEW_NOT_FOUND"

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} does not exist")
        self.interview_id = interview_id


class InvalidInterviewRecord(PermanentError):
    """The stored interview record lacks a field the pipeline needs or holds a bad value."""

    code = "INVALID_INTERVIEW_RECORD"


class IllegalTransition(PermanentError):
    """A state change that the interview state machine forbids."""

    code = "ILLEGAL_TRANSITION"


# --- Claims and leases -----------------------------------------------------------------


class ClaimRefused(InterviewError):
    """The interview cannot be claimed now; not a failure of the interview itself."""

    code = "CLAIM_REFUSED"


class InterviewAlreadyCompleted(ClaimRefused):
    """The interview is completed and reprocessing was not forced."""

    code = "ALREADY_COMPLETED"
    permanent = True

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} is already completed")
        self.interview_id = interview_id


class LeaseHeld(ClaimRefused):
    """Another worker holds a live lease on the interview."""

    code = "LEASE_HELD"
    permanent = False

    def __init__(self, interview_id: str) -> None:
        super().__init__(f"interview {interview_id} is being processed by another worker")
        self.interview_id = interview_id


class LeaseLost(ClaimRefused):
    """The caller no longer holds the lease it is acting under."""

    code = "LEASE_LOST"
    permanent = False

    def __init__(self, interview_id: str, owner: str) -> None:
        super().__init__(f"lease on interview {interview_id} is no longer held by {owner}")
        self.interview_id = interview_id
        self.owner = owner


# --- Video ----------------------------------------------------------------------------


class InvalidVideoLocation(PermanentError):
    """A video key or path is malformed or would escape its store."""

    code = "INVALID_VIDEO_LOCATION"


class VideoNotFound(PermanentError):
    """No video exists at the location."""

    code = "VIDEO_NOT_FOUND"


class VideoTooLarge(PermanentError):
    """The video exceeds the configured size limit."""

    code = "VIDEO_TOO_LARGE"


class VideoAccessDenied(PermanentError):
    """The store refused access to the video."""

    code = "VIDEO_ACCESS_DENIED"


class StorageUnavailable(TransientError):
    """The video store is throttling, timing out or failing on its side."""

    code = "STORAGE_UNAVAILABLE"


# --- Media ----------------------------------------------------------------------------


class InvalidMedia(PermanentError):
    """The file is not a media file of an accepted format, or it is corrupt."""

    code = "INVALID_MEDIA"


class NoAudioTrack(PermanentError):
    """The media file has no audio stream."""

    code = "NO_AUDIO_TRACK"


class MediaTooLong(PermanentError):
    """The media lasts longer than the configured maximum."""

    code = "MEDIA_TOO_LONG"


class MediaTimeout(TransientError):
    """Audio extraction ran past its wall-clock limit and was killed."""

    code = "MEDIA_TIMEOUT"


class MediaUnavailable(TransientError):
    """Audio extraction could not run now: cancelled at shutdown, or no disk space left."""

    code = "MEDIA_UNAVAILABLE"


class ToolMissing(PermanentError):
    """A required tool or model (ffmpeg, a speech model) is not installed or not loadable."""

    code = "TOOL_MISSING"


# --- Transcription and extraction -----------------------------------------------------


class TranscriptionFailed(PermanentError):
    """The transcriber could not produce a transcript from the audio."""

    code = "TRANSCRIPTION_FAILED"


class TranscriptionUnavailable(TransientError):
    """The transcription service is throttling, timing out or failing on its side."""

    code = "TRANSCRIPTION_UNAVAILABLE"


class ModelRefused(PermanentError):
    """The language model refused the request or does not exist or is not allowed."""

    code = "MODEL_REFUSED"


class InvalidModelOutput(PermanentError):
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


class ConfigurationError(PermanentError):
    """Settings or wiring are wrong: a missing bucket, an unknown adapter name."""

    code = "CONFIGURATION_ERROR"
