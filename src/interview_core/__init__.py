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
]

_MODULES: dict[str, str] = {
    "AnswerSuggester": "interview_core.ports",
    "AttemptsExhausted": "interview_core.errors",
    "AudioExtractor": "interview_core.ports",
    "AudioFile": "interview_core.entities",
    "CancellableMediaWork": "interview_core.ports",
    "Clock": "interview_core.ports",
    "ConfigurationError": "interview_core.errors",
    "DeadLetter": "interview_core.ports",
    "DeadLetterQueue": "interview_core.ports",
    "DeadlineReached": "interview_core.errors",
    "DeploymentFault": "interview_core.errors",
    "ErrorInfo": "interview_core.report",
    "ErrorKind": "interview_core.errors",
    "ExtractedQuestion": "interview_core.entities",
    "ExtractionUnavailable": "interview_core.errors",
    "IllegalTransition": "interview_core.errors",
    "InPlaceTranscriber": "interview_core.ports",
    "Interview": "interview_core.entities",
    "InterviewAlreadyCompleted": "interview_core.errors",
    "InterviewCatalog": "interview_core.ports",
    "InterviewError": "interview_core.errors",
    "InterviewExists": "interview_core.errors",
    "InterviewFault": "interview_core.errors",
    "InterviewNotFound": "interview_core.errors",
    "InterviewRepository": "interview_core.ports",
    "InterviewState": "interview_core.state",
    "InvalidInterviewRecord": "interview_core.errors",
    "InvalidMedia": "interview_core.errors",
    "InvalidMessage": "interview_core.errors",
    "InvalidModelOutput": "interview_core.errors",
    "InvalidVideoLocation": "interview_core.errors",
    "JobTimedOut": "interview_core.errors",
    "KeptQuestions": "interview_core.entities",
    "LeaseHeld": "interview_core.errors",
    "LeaseLost": "interview_core.errors",
    "MediaProbe": "interview_core.ports",
    "MediaTimeout": "interview_core.errors",
    "MediaTooLong": "interview_core.errors",
    "MediaUnavailable": "interview_core.errors",
    "MessageSource": "interview_core.ports",
    "ModelRefused": "interview_core.errors",
    "NoAudioTrack": "interview_core.errors",
    "Outcome": "interview_core.report",
    "ProcessInterview": "interview_core.process_interview",
    "ProcessVideo": "interview_core.process_video",
    "ProcessingReport": "interview_core.report",
    "ProgressCallback": "interview_core.ports",
    "ProgressListener": "interview_core.ports",
    "Question": "interview_core.entities",
    "QuestionCategory": "interview_core.categories",
    "QuestionExtractor": "interview_core.ports",
    "QueueMessage": "interview_core.ports",
    "QueueUnavailable": "interview_core.errors",
    "Redrive": "interview_core.redrive_dead_letters",
    "RedriveDeadLetters": "interview_core.redrive_dead_letters",
    "RepositoryUnavailable": "interview_core.errors",
    "ReprocessInterview": "interview_core.reprocess_interview",
    "RequestSender": "interview_core.ports",
    "Segment": "interview_core.entities",
    "StageStore": "interview_core.ports",
    "StageStoreUnavailable": "interview_core.errors",
    "StageTiming": "interview_core.report",
    "StorageUnavailable": "interview_core.errors",
    "Submission": "interview_core.submit_interview",
    "SubmitInterview": "interview_core.submit_interview",
    "ThrottlePatienceExhausted": "interview_core.errors",
    "ToolMissing": "interview_core.errors",
    "Transcriber": "interview_core.ports",
    "Transcript": "interview_core.entities",
    "TranscriptionFailed": "interview_core.errors",
    "TranscriptionUnavailable": "interview_core.errors",
    "TransientError": "interview_core.errors",
    "VideoAccessDenied": "interview_core.errors",
    "VideoNotFound": "interview_core.errors",
    "VideoResult": "interview_core.process_video",
    "VideoStore": "interview_core.ports",
    "VideoTooLarge": "interview_core.errors",
    "VideoUploader": "interview_core.ports",
    "Word": "interview_core.entities",
}
"""The module that defines each supported name."""


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
