"""Adapters: implementations of the core ports.

The names in `__all__` are the supported imports (`from adapters import S3VideoStore`), each
an implementation of the port named beside it; every other module and name is internal and
may change. They are imported on first use, so `import adapters` loads neither boto3 nor
faster-whisper nor the OpenAI SDK.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from adapters.aws.bedrock_answer_suggester import BedrockAnswerSuggester
    from adapters.aws.bedrock_extractor import BedrockQuestionExtractor
    from adapters.aws.clients import AwsClientFactory
    from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
    from adapters.aws.s3_in_place_transcriber import S3InPlaceTranscriber
    from adapters.aws.s3_stage_store import S3StageStore
    from adapters.aws.s3_video_store import S3VideoStore
    from adapters.aws.sqs_message_source import SqsMessageSource
    from adapters.aws.transcribe_transcriber import TranscribeTranscriber
    from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
    from adapters.local.file_stage_store import LocalFileStageStore
    from adapters.local.file_video_store import LocalFileVideoStore
    from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
    from adapters.local.memory_message_source import InMemoryMessageSource
    from adapters.local.memory_repository import InMemoryInterviewRepository
    from adapters.local.memory_stage_store import InMemoryStageStore
    from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder
    from adapters.local.sqlite_message_source import SqliteMessageSource
    from adapters.local.sqlite_repository import SqliteInterviewRepository
    from adapters.local.stub_transcriber import StubTranscriber
    from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
    from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
    from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor

PORTS: dict[str, tuple[str, ...]] = {
    "VideoStore": ("LocalFileVideoStore", "S3VideoStore"),
    "AudioExtractor": ("FfmpegAudioExtractor",),
    "Transcriber": ("FasterWhisperTranscriber", "StubTranscriber", "TranscribeTranscriber"),
    "InPlaceTranscriber": ("S3InPlaceTranscriber",),
    "QuestionExtractor": (
        "HeuristicQuestionExtractor",
        "BedrockQuestionExtractor",
        "OpenAIQuestionExtractor",
    ),
    "SpeakerRoleFinder": ("HeuristicSpeakerRoleFinder",),
    "AnswerSuggester": ("BedrockAnswerSuggester", "OpenAIAnswerSuggester"),
    "InterviewRepository": (
        "InMemoryInterviewRepository",
        "SqliteInterviewRepository",
        "DynamoDBInterviewRepository",
    ),
    "MessageSource": ("InMemoryMessageSource", "SqliteMessageSource", "SqsMessageSource"),
    "StageStore": ("InMemoryStageStore", "LocalFileStageStore", "S3StageStore"),
    "boto3 clients for the AWS adapters": ("AwsClientFactory",),
}
"""Each supported adapter by the port it implements."""

_EXPORTS: dict[str, tuple[str, ...]] = {
    "adapters.aws.bedrock_answer_suggester": ("BedrockAnswerSuggester",),
    "adapters.aws.bedrock_extractor": ("BedrockQuestionExtractor",),
    "adapters.aws.clients": ("AwsClientFactory",),
    "adapters.aws.dynamodb_repository": ("DynamoDBInterviewRepository",),
    "adapters.aws.s3_in_place_transcriber": ("S3InPlaceTranscriber",),
    "adapters.aws.s3_stage_store": ("S3StageStore",),
    "adapters.aws.s3_video_store": ("S3VideoStore",),
    "adapters.aws.sqs_message_source": ("SqsMessageSource",),
    "adapters.aws.transcribe_transcriber": ("TranscribeTranscriber",),
    "adapters.local.faster_whisper_transcriber": ("FasterWhisperTranscriber",),
    "adapters.local.file_stage_store": ("LocalFileStageStore",),
    "adapters.local.file_video_store": ("LocalFileVideoStore",),
    "adapters.local.heuristic_extractor": ("HeuristicQuestionExtractor",),
    "adapters.local.memory_message_source": ("InMemoryMessageSource",),
    "adapters.local.memory_repository": ("InMemoryInterviewRepository",),
    "adapters.local.memory_stage_store": ("InMemoryStageStore",),
    "adapters.local.speaker_roles": ("HeuristicSpeakerRoleFinder",),
    "adapters.local.sqlite_message_source": ("SqliteMessageSource",),
    "adapters.local.sqlite_repository": ("SqliteInterviewRepository",),
    "adapters.local.stub_transcriber": ("StubTranscriber",),
    "adapters.media.ffmpeg_audio_extractor": ("FfmpegAudioExtractor",),
    "adapters.openai_compatible.answer_suggester": ("OpenAIAnswerSuggester",),
    "adapters.openai_compatible.question_extractor": ("OpenAIQuestionExtractor",),
}
"""The module that defines each supported name."""

_MODULES = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "LocalFileVideoStore",
    "S3VideoStore",
    "FfmpegAudioExtractor",
    "FasterWhisperTranscriber",
    "StubTranscriber",
    "TranscribeTranscriber",
    "S3InPlaceTranscriber",
    "HeuristicQuestionExtractor",
    "BedrockQuestionExtractor",
    "OpenAIQuestionExtractor",
    "HeuristicSpeakerRoleFinder",
    "BedrockAnswerSuggester",
    "OpenAIAnswerSuggester",
    "InMemoryInterviewRepository",
    "SqliteInterviewRepository",
    "DynamoDBInterviewRepository",
    "InMemoryMessageSource",
    "SqliteMessageSource",
    "SqsMessageSource",
    "InMemoryStageStore",
    "LocalFileStageStore",
    "S3StageStore",
    "AwsClientFactory",
]


def __getattr__(name: str) -> Any:
    """Import a supported adapter the first time it is asked for."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'adapters' has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
