"""The interview pipeline's domain: entities, states, ports, errors and use cases.

The names in `__all__` are the supported imports (`from interview_core import ProcessVideo`);
every other module and name is internal and may change. They are imported on first use, so
`import interview_core.errors` does not load the use cases.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from interview_core.categories import (
        QuestionCategory,
    )
    from interview_core.entities import (
        AudioFile,
        ExtractedQuestion,
        Interview,
        KeptQuestions,
        Question,
        Segment,
        Transcript,
        Word,
    )
    from interview_core.errors import (
        AttemptsExhausted,
        ConfigurationError,
        DeadlineReached,
        DeploymentFault,
        ErrorKind,
        ExtractionUnavailable,
        IllegalTransition,
        InterviewAlreadyCompleted,
        InterviewError,
        InterviewExists,
        InterviewFault,
        InterviewNotFound,
        InvalidInterviewRecord,
        InvalidMedia,
        InvalidMessage,
        InvalidModelOutput,
        InvalidVideoLocation,
        JobTimedOut,
        LeaseHeld,
        LeaseLost,
        MediaTimeout,
        MediaTooLong,
        MediaUnavailable,
        ModelRefused,
        NoAudioTrack,
        QueueUnavailable,
        RepositoryUnavailable,
        StageStoreUnavailable,
        StorageUnavailable,
        ThrottlePatienceExhausted,
        ToolMissing,
        TranscriptionFailed,
        TranscriptionUnavailable,
        TransientError,
        UnknownSpeaker,
        VideoAccessDenied,
        VideoNotFound,
        VideoTooLarge,
    )
    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        CancellableMediaWork,
        Clock,
        DeadLetter,
        DeadLetterQueue,
        InPlaceTranscriber,
        InterviewCatalog,
        InterviewRepository,
        MediaProbe,
        MessageSource,
        ProgressCallback,
        ProgressListener,
        QuestionExtractor,
        QueueMessage,
        RequestSender,
        SpeakerRoleFinder,
        StageStore,
        Transcriber,
        VideoStore,
        VideoUploader,
    )
    from interview_core.process_interview import (
        ProcessInterview,
    )
    from interview_core.process_video import (
        ProcessVideo,
        VideoResult,
    )
    from interview_core.redrive_dead_letters import (
        Redrive,
        RedriveDeadLetters,
    )
    from interview_core.report import (
        ErrorInfo,
        Outcome,
        ProcessingReport,
        StageTiming,
    )
    from interview_core.reprocess_interview import (
        ReprocessInterview,
    )
    from interview_core.speaker_roles import (
        ChosenInterviewers,
        Role,
    )
    from interview_core.state import (
        InterviewState,
    )
    from interview_core.submit_interview import (
        Submission,
        SubmitInterview,
    )

__all__ = [
    # entities and values
    "AudioFile",
    "ExtractedQuestion",
    "Interview",
    "KeptQuestions",
    "Question",
    "Segment",
    "Transcript",
    "Word",
    "InterviewState",
    "QuestionCategory",
    "ErrorInfo",
    "Outcome",
    "ProcessingReport",
    "StageTiming",
    "Role",
    "ChosenInterviewers",
    # ports
    "AnswerSuggester",
    "AudioExtractor",
    "CancellableMediaWork",
    "Clock",
    "DeadLetter",
    "DeadLetterQueue",
    "InPlaceTranscriber",
    "InterviewCatalog",
    "InterviewRepository",
    "MediaProbe",
    "MessageSource",
    "ProgressCallback",
    "ProgressListener",
    "QuestionExtractor",
    "QueueMessage",
    "RequestSender",
    "SpeakerRoleFinder",
    "StageStore",
    "Transcriber",
    "VideoStore",
    "VideoUploader",
    # use cases
    "ProcessInterview",
    "ProcessVideo",
    "VideoResult",
    "Submission",
    "SubmitInterview",
    "ReprocessInterview",
    "Redrive",
    "RedriveDeadLetters",
    # errors
    "ErrorKind",
    "InterviewError",
    "InterviewFault",
    "TransientError",
    "DeploymentFault",
    "InvalidMessage",
    "InterviewNotFound",
    "InvalidInterviewRecord",
    "IllegalTransition",
    "InterviewAlreadyCompleted",
    "LeaseHeld",
    "AttemptsExhausted",
    "ThrottlePatienceExhausted",
    "LeaseLost",
    "JobTimedOut",
    "InvalidVideoLocation",
    "VideoNotFound",
    "VideoTooLarge",
    "VideoAccessDenied",
    "StorageUnavailable",
    "InvalidMedia",
    "NoAudioTrack",
    "MediaTooLong",
    "MediaTimeout",
    "MediaUnavailable",
    "ToolMissing",
    "TranscriptionFailed",
    "TranscriptionUnavailable",
    "ModelRefused",
    "InvalidModelOutput",
    "ExtractionUnavailable",
    "RepositoryUnavailable",
    "QueueUnavailable",
    "ConfigurationError",
    "InterviewExists",
    "StageStoreUnavailable",
    "DeadlineReached",
    "UnknownSpeaker",
]

_EXPORTS: dict[str, tuple[str, ...]] = {
    "interview_core.categories": ("QuestionCategory",),
    "interview_core.entities": (
        "AudioFile",
        "ExtractedQuestion",
        "Interview",
        "KeptQuestions",
        "Question",
        "Segment",
        "Transcript",
        "Word",
    ),
    "interview_core.errors": (
        "AttemptsExhausted",
        "ConfigurationError",
        "DeadlineReached",
        "DeploymentFault",
        "ErrorKind",
        "ExtractionUnavailable",
        "IllegalTransition",
        "InterviewAlreadyCompleted",
        "InterviewError",
        "InterviewExists",
        "InterviewFault",
        "InterviewNotFound",
        "InvalidInterviewRecord",
        "InvalidMedia",
        "InvalidMessage",
        "InvalidModelOutput",
        "InvalidVideoLocation",
        "JobTimedOut",
        "LeaseHeld",
        "LeaseLost",
        "MediaTimeout",
        "MediaTooLong",
        "MediaUnavailable",
        "ModelRefused",
        "NoAudioTrack",
        "QueueUnavailable",
        "RepositoryUnavailable",
        "StageStoreUnavailable",
        "StorageUnavailable",
        "ThrottlePatienceExhausted",
        "ToolMissing",
        "TranscriptionFailed",
        "TranscriptionUnavailable",
        "TransientError",
        "UnknownSpeaker",
        "VideoAccessDenied",
        "VideoNotFound",
        "VideoTooLarge",
    ),
    "interview_core.ports": (
        "AnswerSuggester",
        "AudioExtractor",
        "CancellableMediaWork",
        "Clock",
        "DeadLetter",
        "DeadLetterQueue",
        "InPlaceTranscriber",
        "InterviewCatalog",
        "InterviewRepository",
        "MediaProbe",
        "MessageSource",
        "ProgressCallback",
        "ProgressListener",
        "QuestionExtractor",
        "QueueMessage",
        "RequestSender",
        "SpeakerRoleFinder",
        "StageStore",
        "Transcriber",
        "VideoStore",
        "VideoUploader",
    ),
    "interview_core.process_interview": ("ProcessInterview",),
    "interview_core.process_video": (
        "ProcessVideo",
        "VideoResult",
    ),
    "interview_core.redrive_dead_letters": (
        "Redrive",
        "RedriveDeadLetters",
    ),
    "interview_core.report": (
        "ErrorInfo",
        "Outcome",
        "ProcessingReport",
        "StageTiming",
    ),
    "interview_core.reprocess_interview": ("ReprocessInterview",),
    "interview_core.speaker_roles": (
        "ChosenInterviewers",
        "Role",
    ),
    "interview_core.state": ("InterviewState",),
    "interview_core.submit_interview": (
        "Submission",
        "SubmitInterview",
    ),
}
"""The module that defines each supported name."""

_MODULES = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import a supported name the first time it is asked for."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'interview_core' has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
