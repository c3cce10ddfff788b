"""The composition root: settings in, one Selector per port, the use cases out."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from entrypoints.settings import Settings
from interview_core.clock import SystemClock
from interview_core.errors import ConfigurationError
from interview_core.process_interview import ProcessInterview
from interview_core.process_video import ProcessVideo

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def lazy(target: str) -> Callable[..., Any]:
    """A constructor for `module:Class` that imports it on first use.

    Only the adapters a configuration selects are imported, so a local run never loads
    boto3 and an AWS run never loads the speech model's libraries.
    """
    module_name, _, class_name = target.partition(":")

    def construct(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), class_name)(*args, **kwargs)

    construct.__name__ = construct.__qualname__ = class_name
    return construct


def required(value: Any, variable: str) -> Any:
    """The setting's value, or a ConfigurationError naming the variable to set."""
    if value is None or value == "":
        raise ConfigurationError(f"{variable} must be set for the chosen adapters")
    return value


def stub_transcript(path: Path | None) -> Any:
    """The transcript INTERVIEWS_STUB_TRANSCRIPT names, read once; None lets the stub read
    sidecars. Raises TranscriptionFailed when the file cannot be read or parsed."""
    if path is None:
        return None
    return lazy("adapters.transcripts.native:read_transcript")(path)


def audio_target(name: str) -> Any:
    """The audio extraction preset called `name`."""
    from adapters.media.audio_target import AUDIO_TARGETS

    return AUDIO_TARGETS[name]


def _or_none(value: str | None) -> str | None:
    """An empty setting means "not set"."""
    return value or None


def _secret(value: Any) -> str | None:
    """The text of a secret setting, or None."""
    return value.get_secret_value() if value is not None else None


def chat_settings(settings: Settings) -> Any:
    """What every request to the OpenAI-compatible server carries."""
    from adapters.openai_compatible.chat import ChatSettings, StructuredOutput

    return ChatSettings(
        model=required(settings.openai_model, "INTERVIEWS_OPENAI_MODEL"),
        max_tokens=settings.openai_max_tokens,
        temperature=settings.openai_temperature,
        structured_output=StructuredOutput(str(settings.openai_structured_output)),
    )


class Container(containers.DeclarativeContainer):
    """Builds every adapter from settings; tests override single providers."""

    settings = providers.Singleton(Settings)
    clock = providers.Singleton(SystemClock)

    aws = providers.Singleton(
        lazy("adapters.aws.clients:AwsClientFactory"),
        region=settings.provided.aws_region,
        endpoint_url=settings.provided.aws_endpoint_url,
        read_timeouts=providers.Dict(
            {"bedrock-runtime": settings.provided.bedrock_read_timeout_seconds}
        ),
    )

    video_store = providers.Selector(
        settings.provided.video_store,
        local=providers.Singleton(
            lazy("adapters.local.file_video_store:LocalFileVideoStore"),
            root=settings.provided.local_video_root,
            max_bytes=settings.provided.max_video_bytes,
        ),
        s3=providers.Singleton(
            lazy("adapters.aws.s3_video_store:S3VideoStore"),
            client=aws.provided.s3.call(),
            bucket=providers.Callable(required, settings.provided.aws_s3_bucket, "AWS_S3_BUCKET"),
            max_bytes=settings.provided.max_video_bytes,
        ),
    )

    audio_extractor = providers.Singleton(
        lazy("adapters.media.ffmpeg_audio_extractor:FfmpegAudioExtractor"),
        ffmpeg_binary=settings.provided.ffmpeg_binary,
        timeout_seconds=settings.provided.media_timeout_seconds,
        max_duration_seconds=settings.provided.max_media_seconds,
        target=providers.Callable(audio_target, settings.provided.audio_target),
    )

    transcriber = providers.Selector(
        settings.provided.transcriber,
        whisper=providers.Singleton(
            lazy("adapters.local.faster_whisper_transcriber:FasterWhisperTranscriber"),
            model=settings.provided.whisper_model,
            language=settings.provided.language,
            cpu_threads=settings.provided.whisper_threads,
            compute_type=settings.provided.whisper_compute_type,
            vad_filter=settings.provided.whisper_vad,
        ),
        stub=providers.Singleton(
            lazy("adapters.local.stub_transcriber:StubTranscriber"),
            transcript=providers.Callable(stub_transcript, settings.provided.stub_transcript),
        ),
        transcribe=providers.Singleton(
            lazy("adapters.aws.transcribe_transcriber:TranscribeTranscriber"),
            transcribe_client=aws.provided.transcribe.call(),
            s3_client=aws.provided.s3.call(),
            bucket=providers.Callable(required, settings.provided.aws_s3_bucket, "AWS_S3_BUCKET"),
            key_prefix=settings.provided.transcribe_prefix,
            max_speakers=settings.provided.transcribe_max_speakers,
            language=providers.Callable(_or_none, settings.provided.transcribe_language),
            deadline_seconds=settings.provided.transcribe_deadline_seconds,
        ),
    )

    in_place_transcriber = providers.Selector(
        settings.provided.in_place_transcription,
        s3=providers.Singleton(
            lazy("adapters.aws.s3_in_place_transcriber:S3InPlaceTranscriber"),
            store=video_store,
            transcriber=transcriber,
        ),
        off=providers.Object(None),
    )

    openai_client = providers.Singleton(
        lazy("adapters.openai_compatible.client:openai_client"),
        base_url=providers.Callable(_or_none, settings.provided.openai_base_url),
        api_key=providers.Callable(_secret, settings.provided.openai_api_key),
        timeout_seconds=settings.provided.openai_timeout_seconds,
        max_retries=settings.provided.openai_max_retries,
    )
    openai_chat = providers.Singleton(chat_settings, settings)

    question_extractor = providers.Selector(
        settings.provided.question_extractor,
        heuristic=providers.Singleton(
            lazy("adapters.local.heuristic_extractor:HeuristicQuestionExtractor")
        ),
        bedrock=providers.Singleton(
            lazy("adapters.aws.bedrock_extractor:BedrockQuestionExtractor"),
            client=aws.provided.bedrock_runtime.call(),
            model_id=providers.Callable(
                required, settings.provided.bedrock_model_id, "INTERVIEWS_BEDROCK_MODEL_ID"
            ),
            max_tokens=settings.provided.bedrock_max_tokens,
            temperature=settings.provided.bedrock_temperature,
        ),
        openai=providers.Singleton(
            lazy("adapters.openai_compatible.question_extractor:OpenAIQuestionExtractor"),
            client=openai_client,
            settings=openai_chat,
        ),
    )

    answer_suggester = providers.Selector(
        settings.provided.answer_suggester,
        none=providers.Object(None),
        openai=providers.Singleton(
            lazy("adapters.openai_compatible.answer_suggester:OpenAIAnswerSuggester"),
            client=openai_client,
            settings=openai_chat,
            max_answer_chars=settings.provided.answer_max_chars,
        ),
        bedrock=providers.Singleton(
            lazy("adapters.aws.bedrock_answer_suggester:BedrockAnswerSuggester"),
            client=aws.provided.bedrock_runtime.call(),
            model_id=providers.Callable(
                required, settings.provided.bedrock_model_id, "INTERVIEWS_BEDROCK_MODEL_ID"
            ),
            max_tokens=settings.provided.bedrock_max_tokens,
            temperature=settings.provided.bedrock_temperature,
            max_answer_chars=settings.provided.answer_max_chars,
        ),
    )

    repository = providers.Selector(
        settings.provided.repository,
        memory=providers.Singleton(
            lazy("adapters.local.memory_repository:InMemoryInterviewRepository"), clock=clock
        ),
        sqlite=providers.Singleton(
            lazy("adapters.local.sqlite_repository:SqliteInterviewRepository"),
            path=settings.provided.sqlite_path,
            clock=clock,
        ),
        dynamodb=providers.Singleton(
            lazy("adapters.aws.dynamodb_repository:DynamoDBInterviewRepository"),
            client=aws.provided.dynamodb.call(),
            interviews_table=settings.provided.aws_dynamodb_interviews_table,
            questions_table=settings.provided.aws_dynamodb_questions_table,
            questions_index=settings.provided.aws_dynamodb_questions_index,
            clock=clock,
        ),
    )

    message_source = providers.Selector(
        settings.provided.message_source,
        memory=providers.Singleton(
            lazy("adapters.local.memory_message_source:InMemoryMessageSource"), clock=clock
        ),
        sqlite=providers.Singleton(
            lazy("adapters.local.sqlite_message_source:SqliteMessageSource"),
            path=settings.provided.sqlite_path,
            clock=clock,
            visibility_timeout=settings.provided.worker_visibility_timeout_seconds,
            # the local queue's redrive limit is the worker's attempt limit
            max_receive_count=settings.provided.worker_max_attempts,
        ),
        sqs=providers.Singleton(
            lazy("adapters.aws.sqs_message_source:SqsMessageSource"),
            client=aws.provided.sqs.call(),
            queue_url=providers.Callable(
                required, settings.provided.aws_sqs_queue_url, "AWS_SQS_QUEUE_URL"
            ),
            visibility_timeout=settings.provided.worker_visibility_timeout_seconds,
        ),
    )

    process_video = providers.Factory(
        ProcessVideo,
        audio_extractor=audio_extractor,
        transcriber=transcriber,
        question_extractor=question_extractor,
        answer_suggester=answer_suggester,
    )

    process_interview = providers.Factory(
        ProcessInterview,
        repository=repository,
        video_store=video_store,
        audio_extractor=audio_extractor,
        transcriber=transcriber,
        question_extractor=question_extractor,
        lease_seconds=settings.provided.lease_seconds,
        in_place_transcriber=in_place_transcriber,
        answer_suggester=answer_suggester,
    )
