"""Adapters: implementations of the core ports, and the presenters of a result.

The names in `__all__` are the supported imports (`from adapters import S3VideoStore`), each
listed in `PORTS` under the port it implements (or, lower-case, what else it is for: the
speaker labelling FasterWhisperTranscriber uses, the review page, the exports); every other
module and name is internal and may change. They are imported on first use, so
`import adapters` loads neither boto3 nor faster-whisper, onnxruntime or the OpenAI SDK.
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
    from adapters.aws.s3_interview_files import S3InterviewFiles
    from adapters.aws.s3_stage_store import S3StageStore
    from adapters.aws.s3_video_store import S3VideoStore
    from adapters.aws.sqs_message_source import SqsMessageSource
    from adapters.aws.transcribe_job_records import TranscribeTranscriptionJobs
    from adapters.aws.transcribe_outputs import S3TranscribeOutputs
    from adapters.aws.transcribe_transcriber import TranscribeTranscriber
    from adapters.exports.formats import render_export, write_exports
    from adapters.exports.subtitle_files import (
        question_chapters,
        transcript_srt,
        transcript_vtt,
    )
    from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
    from adapters.local.file_stage_store import LocalFileStageStore
    from adapters.local.file_video_store import LocalFileVideoStore
    from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
    from adapters.local.memory_message_source import InMemoryMessageSource
    from adapters.local.memory_repository import InMemoryInterviewRepository
    from adapters.local.memory_stage_store import InMemoryStageStore
    from adapters.local.pii_redactor import PatternPiiRedactor
    from adapters.local.speaker_diarizer import CamppSpeakerDiarizer
    from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder
    from adapters.local.sqlite_message_source import SqliteMessageSource
    from adapters.local.sqlite_repository import SqliteInterviewRepository
    from adapters.local.stub_transcriber import StubTranscriber
    from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
    from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
    from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor
    from adapters.review_page.page import ReviewPage, render_review_page, video_url_from

PORTS: dict[str, tuple[str, ...]] = {
    "VideoStore": ("LocalFileVideoStore", "S3VideoStore"),
    "AudioExtractor": ("FfmpegAudioExtractor",),
    "Transcriber": ("FasterWhisperTranscriber", "StubTranscriber", "TranscribeTranscriber"),
    "speaker labels for FasterWhisperTranscriber": ("CamppSpeakerDiarizer",),
    "InPlaceTranscriber": ("S3InPlaceTranscriber",),
    "PiiRedactor": ("PatternPiiRedactor",),
    "TranscriptionOutputs": ("S3TranscribeOutputs",),
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
    "InterviewFiles": ("S3InterviewFiles",),
    "TranscriptionJobs": ("TranscribeTranscriptionJobs",),
    "boto3 clients for the AWS adapters": ("AwsClientFactory",),
    "the review page": ("ReviewPage", "render_review_page", "video_url_from"),
    "subtitle and chapter exports": (
        "render_export",
        "write_exports",
        "transcript_srt",
        "transcript_vtt",
        "question_chapters",
    ),
}
"""Each supported name by the port it implements, or (lower-case) by what it is for.

A name is listed once, under its main port; some implement more ports too: the three
InterviewRepository adapters are InterviewEraser, InMemoryStageStore and
LocalFileStageStore are InterviewFiles, LocalFileVideoStore and S3VideoStore are
VideoRemover.
"""

_EXPORTS: dict[str, tuple[str, ...]] = {
    "adapters.aws.bedrock_answer_suggester": ("BedrockAnswerSuggester",),
    "adapters.aws.bedrock_extractor": ("BedrockQuestionExtractor",),
    "adapters.aws.clients": ("AwsClientFactory",),
    "adapters.aws.dynamodb_repository": ("DynamoDBInterviewRepository",),
    "adapters.aws.s3_in_place_transcriber": ("S3InPlaceTranscriber",),
    "adapters.aws.s3_interview_files": ("S3InterviewFiles",),
    "adapters.aws.s3_stage_store": ("S3StageStore",),
    "adapters.aws.s3_video_store": ("S3VideoStore",),
    "adapters.aws.sqs_message_source": ("SqsMessageSource",),
    "adapters.aws.transcribe_job_records": ("TranscribeTranscriptionJobs",),
    "adapters.aws.transcribe_outputs": ("S3TranscribeOutputs",),
    "adapters.aws.transcribe_transcriber": ("TranscribeTranscriber",),
    "adapters.exports.formats": ("render_export", "write_exports"),
    "adapters.exports.subtitle_files": ("question_chapters", "transcript_srt", "transcript_vtt"),
    "adapters.local.faster_whisper_transcriber": ("FasterWhisperTranscriber",),
    "adapters.local.file_stage_store": ("LocalFileStageStore",),
    "adapters.local.file_video_store": ("LocalFileVideoStore",),
    "adapters.local.heuristic_extractor": ("HeuristicQuestionExtractor",),
    "adapters.local.memory_message_source": ("InMemoryMessageSource",),
    "adapters.local.memory_repository": ("InMemoryInterviewRepository",),
    "adapters.local.memory_stage_store": ("InMemoryStageStore",),
    "adapters.local.pii_redactor": ("PatternPiiRedactor",),
    "adapters.local.speaker_diarizer": ("CamppSpeakerDiarizer",),
    "adapters.local.speaker_roles": ("HeuristicSpeakerRoleFinder",),
    "adapters.local.sqlite_message_source": ("SqliteMessageSource",),
    "adapters.local.sqlite_repository": ("SqliteInterviewRepository",),
    "adapters.local.stub_transcriber": ("StubTranscriber",),
    "adapters.media.ffmpeg_audio_extractor": ("FfmpegAudioExtractor",),
    "adapters.openai_compatible.answer_suggester": ("OpenAIAnswerSuggester",),
    "adapters.openai_compatible.question_extractor": ("OpenAIQuestionExtractor",),
    "adapters.review_page.page": ("ReviewPage", "render_review_page", "video_url_from"),
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
    "CamppSpeakerDiarizer",
    "S3InPlaceTranscriber",
    "PatternPiiRedactor",
    "S3TranscribeOutputs",
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
    "S3InterviewFiles",
    "TranscribeTranscriptionJobs",
    "AwsClientFactory",
    "ReviewPage",
    "render_review_page",
    "video_url_from",
    "render_export",
    "write_exports",
    "transcript_srt",
    "transcript_vtt",
    "question_chapters",
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
