"""Settings from the environment, read once; the only module that reads os.environ."""

from __future__ import annotations

import enum
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.aws.transcribe_jobs import is_role_arn
from interview_core.delivery import InvalidMessageAction
from interview_core.errors import ConfigurationError
from interview_core.limits import (
    DEFAULT_JOB_TIMEOUT_SECONDS,
    DEFAULT_LEASE_SECONDS,
    DEFAULT_THROTTLE_PATIENCE_SECONDS,
    MAX_VISIBILITY_SECONDS,
    MAX_WAIT_SECONDS,
    WORKER_VISIBILITY_SECONDS,
)
from interview_core.personal_data import PiiType, parse_pii_types

DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024
"""The size past which the log file is rotated."""
DEFAULT_LOG_BACKUPS = 5
"""How many rotated log files are kept beside the current one."""
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Backend(enum.StrEnum):
    """A preset of adapters: everything local and offline, or everything on AWS."""

    LOCAL = "local"
    AWS = "aws"


class VideoStoreKind(enum.StrEnum):
    """Where videos are read from."""

    LOCAL = "local"
    S3 = "s3"


class TranscriberKind(enum.StrEnum):
    """Who turns speech into text."""

    WHISPER = "whisper"
    STUB = "stub"
    TRANSCRIBE = "transcribe"


class WhisperDecoderKind(enum.StrEnum):
    """How faster-whisper decodes: in batches for long audio, or one window after another."""

    AUTO = "auto"
    BATCHED = "batched"
    SEQUENTIAL = "sequential"


class ExtractorKind(enum.StrEnum):
    """Who finds the questions."""

    HEURISTIC = "heuristic"
    BEDROCK = "bedrock"
    OPENAI = "openai"


class AnswerSuggesterKind(enum.StrEnum):
    """Who rewrites each found question's answer as a suggested one (none: keep the
    extractor's answer)."""

    NONE = "none"
    OPENAI = "openai"
    BEDROCK = "bedrock"


class StructuredOutputKind(enum.StrEnum):
    """How an OpenAI-compatible server is made to answer in the schema."""

    TOOL = "tool"
    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"


class RepositoryKind(enum.StrEnum):
    """Where interview records and questions live."""

    MEMORY = "memory"
    SQLITE = "sqlite"
    DYNAMODB = "dynamodb"


class MessageSourceKind(enum.StrEnum):
    """Where interview requests come from."""

    MEMORY = "memory"
    SQLITE = "sqlite"
    SQS = "sqs"


class StageStoreKind(enum.StrEnum):
    """Where a retry finds what earlier attempts finished (the transcript, the questions)."""

    MEMORY = "memory"
    LOCAL = "local"
    S3 = "s3"
    OFF = "off"


class LogFormat(enum.StrEnum):
    """How log lines are written."""

    TEXT = "text"
    JSON = "json"


_PRESETS: dict[Backend, dict[str, enum.StrEnum]] = {
    Backend.LOCAL: {
        "video_store": VideoStoreKind.LOCAL,
        "transcriber": TranscriberKind.WHISPER,
        "question_extractor": ExtractorKind.HEURISTIC,
        "repository": RepositoryKind.SQLITE,
        "message_source": MessageSourceKind.SQLITE,
    },
    Backend.AWS: {
        "video_store": VideoStoreKind.S3,
        "transcriber": TranscriberKind.TRANSCRIBE,
        "question_extractor": ExtractorKind.BEDROCK,
        "repository": RepositoryKind.DYNAMODB,
        "message_source": MessageSourceKind.SQS,
    },
}


MAX_SPEAKER_LABEL = 64
"""The longest speaker label a user may name."""


def speaker_labels(text: str) -> tuple[str, ...]:
    """The speaker labels of a comma-separated list, blanks around them and empty items
    dropped, each once. Raises ValueError for a label that is longer than 64 characters or
    holds a control character; the refusal does not repeat it."""
    labels = [part.strip() for part in text.split(",")]
    for label in labels:
        if len(label) > MAX_SPEAKER_LABEL or not label.isprintable():
            raise ValueError(
                f"a speaker label has at most {MAX_SPEAKER_LABEL} printable characters"
            )
    return tuple(dict.fromkeys(label for label in labels if label))


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Every setting the pipeline reads, with its environment variable."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, frozen=True)

    # --- the upstream's AWS names ---
    aws_region: str = Field(
        "us-east-1",
        description="The AWS region of every client.",
        validation_alias=_env("AWS_REGION", "AWS_DEFAULT_REGION"),
    )
    aws_s3_bucket: str | None = Field(
        None,
        description=(
            "The videos' bucket; the transcripts and kept stages go under "
            "INTERVIEWS_TRANSCRIBE_PREFIX in it."
        ),
        validation_alias=_env("AWS_S3_BUCKET"),
    )
    aws_sqs_queue_url: str | None = Field(
        None,
        description="The interview request queue's URL.",
        validation_alias=_env("AWS_SQS_QUEUE_URL"),
    )
    aws_sqs_queue_name: str = Field(
        "app-interviews-sqs-videos",
        min_length=1,
        description="The queue looked up (GetQueueUrl) when AWS_SQS_QUEUE_URL is not set.",
        validation_alias=_env("AWS_SQS_QUEUE_NAME"),
    )
    aws_dynamodb_interviews_table: str = Field(
        "app-interviews-interviews",
        description="The interview records, keyed by `id`.",
        validation_alias=_env("AWS_DYNAMODB_INTERVIEWS_TABLE"),
    )
    aws_dynamodb_questions_table: str = Field(
        "app-interviews-questions",
        description="The questions, keyed by `id`.",
        validation_alias=_env("AWS_DYNAMODB_QUESTIONS_TABLE"),
    )
    aws_dynamodb_questions_index: str = Field(
        "interview_id-index",
        description="The global secondary index on `interview_id` of the questions table.",
        validation_alias=_env("AWS_DYNAMODB_QUESTIONS_INDEX"),
    )

    # --- adapter choice: a preset, and one override per port ---
    backend: Backend = Field(
        Backend.LOCAL,
        description=(
            "The preset of adapters: `local` (offline: local files, Whisper, the heuristic, "
            "SQLite) or `aws` (S3, Transcribe, Bedrock, DynamoDB, SQS)."
        ),
        validation_alias=_env("INTERVIEWS_BACKEND"),
    )
    video_store_override: VideoStoreKind | None = Field(
        None,
        description="Where videos are read from, over the preset: `local` or `s3`.",
        validation_alias=_env("INTERVIEWS_VIDEO_STORE"),
    )
    transcriber_override: TranscriberKind | None = Field(
        None,
        description=(
            "Who turns speech into text, over the preset: `whisper` (offline), `stub` (reads a "
            "sidecar transcript) or `transcribe` (Amazon Transcribe)."
        ),
        validation_alias=_env("INTERVIEWS_TRANSCRIBER"),
    )
    question_extractor_override: ExtractorKind | None = Field(
        None,
        description=(
            "Who finds the questions, over the preset: `heuristic` (offline), `bedrock` or "
            "`openai` (any OpenAI-compatible server)."
        ),
        validation_alias=_env("INTERVIEWS_QUESTION_EXTRACTOR"),
    )
    repository_override: RepositoryKind | None = Field(
        None,
        description=(
            "Where interview records and questions live, over the preset: `sqlite` (the local "
            "preset), `memory` or `dynamodb`."
        ),
        validation_alias=_env("INTERVIEWS_REPOSITORY"),
    )
    message_source_override: MessageSourceKind | None = Field(
        None,
        description=(
            "Where interview requests come from, over the preset: `sqlite` (the local preset), "
            "`memory` or `sqs`."
        ),
        validation_alias=_env("INTERVIEWS_MESSAGE_SOURCE"),
    )
    stage_store_override: StageStoreKind | None = Field(  # None: follows the adapters
        None,
        description=(
            "Where a retry finds what earlier attempts finished: `s3` (under "
            "INTERVIEWS_TRANSCRIBE_PREFIX; the default with the S3 video store), `local` (the "
            "folder `<INTERVIEWS_SQLITE_PATH>-stages`; the default with the SQLite repository), "
            "`memory` (otherwise) or `off` (every retry starts from scratch)."
        ),
        validation_alias=_env("INTERVIEWS_STAGE_STORE"),
    )  # where a retry finds the transcript and questions earlier attempts kept
    answer_suggester: AnswerSuggesterKind = Field(
        AnswerSuggesterKind.NONE,
        description=(
            "Who writes the suggested answers: `none` (the question extractor writes them), "
            "`openai` or `bedrock` (one answer per question found, in batches; the extractor then "
            "asks for none)."
        ),
        validation_alias=_env("INTERVIEWS_ANSWER_SUGGESTER"),
    )

    # --- local adapters ---
    sqlite_path: Path = Field(
        Path("interviews.sqlite3"),
        description=(
            "The SQLite file of the local repository and queue, shared by local worker processes."
        ),
        validation_alias=_env("INTERVIEWS_SQLITE_PATH"),
    )
    local_video_root: Path = Field(
        Path(),
        description=(
            "The folder the local video store may read; `video_path` is read relative to it and "
            "keys that escape it are refused."
        ),
        validation_alias=_env("INTERVIEWS_LOCAL_VIDEO_ROOT"),
    )
    max_video_bytes: int = Field(
        10 * 1024**3,
        gt=0,
        description=(
            "The largest stored video accepted (from S3 or INTERVIEWS_LOCAL_VIDEO_ROOT, by the "
            "worker and single-interview), in bytes (10 GiB by default); a file given to "
            "single-video is read where it is, and INTERVIEWS_MAX_MEDIA_SECONDS bounds it."
        ),
        validation_alias=_env("INTERVIEWS_MAX_VIDEO_BYTES"),
    )

    # --- media ---
    temp_dir: Path | None = Field(
        None,
        description=(
            "Where each process keeps its own folder (`ai-interviews-<pid "
            "namespace>-<pid>-<start>-<token>`) for downloaded videos and extracted audio; unset, "
            "TMPDIR. Removed at exit; a starting process removes the folders of processes that are"
            " gone. A folder that cannot be created at start-up exits 2; a job whose video or "
            "audio cannot be written there (a full disk) is retried later."
        ),
        validation_alias=_env("INTERVIEWS_TEMP_DIR"),
    )
    ffmpeg_binary: str | None = Field(
        None,
        description="The ffmpeg to run; unset, the one on PATH, then the imageio-ffmpeg wheel's.",
        validation_alias=_env("INTERVIEWS_FFMPEG_BINARY"),
    )
    media_timeout_seconds: float = Field(
        3600.0,
        gt=0,
        description="The wall-clock limit of one ffmpeg run.",
        validation_alias=_env("INTERVIEWS_MEDIA_TIMEOUT_SECONDS"),
    )
    max_media_seconds: float = Field(
        4 * 3600.0,
        gt=0,
        description="The longest recording accepted (4 hours by default).",
        validation_alias=_env("INTERVIEWS_MAX_MEDIA_SECONDS"),
    )

    # --- offline speech recognition ---
    whisper_model: str | None = Field(
        None,
        description=(
            "A faster-whisper model name in the local Hugging Face cache (`base.en`, `small.en`) "
            "or a model folder; unset, the bundled tiny.en. Nothing is downloaded at run time."
        ),
        validation_alias=_env("INTERVIEWS_WHISPER_MODEL"),
    )
    whisper_threads: int = Field(
        2,
        ge=1,
        description="CPU threads for offline speech recognition and speaker labels, in all.",
        validation_alias=_env("INTERVIEWS_WHISPER_THREADS"),
    )
    whisper_workers: int = Field(
        0,
        ge=0,
        le=64,
        description=(
            "Pieces of audio recognised at once, each on INTERVIEWS_WHISPER_THREADS / this many "
            "threads; 0 means one per thread, which uses the cores best. The batched decoder's "
            "chunks (INTERVIEWS_WHISPER_BATCH_SIZE) are shared among them."
        ),
        validation_alias=_env("INTERVIEWS_WHISPER_WORKERS"),
    )
    whisper_vad: bool = Field(
        True,
        description=(
            "Skip stretches without speech before recognition (voice activity detection); batched "
            "decoding needs it."
        ),
        validation_alias=_env("INTERVIEWS_WHISPER_VAD"),
    )
    whisper_decoder: WhisperDecoderKind = Field(
        WhisperDecoderKind.AUTO,
        description=(
            "`auto` (batched from 2 minutes of audio), `batched` (refused at start-up without "
            "INTERVIEWS_WHISPER_VAD) or `sequential`."
        ),
        validation_alias=_env("INTERVIEWS_WHISPER_DECODER"),
    )
    whisper_batch_size: int = Field(
        4,
        ge=1,
        le=64,
        description=(
            "Speech chunks the batched decoder decodes at once, shared among the workers "
            "(INTERVIEWS_WHISPER_WORKERS); each adds 75 to 100 MB to the peak memory."
        ),
        validation_alias=_env("INTERVIEWS_WHISPER_BATCH_SIZE"),
    )
    whisper_compute_type: str = Field(
        "int8",
        description="The CTranslate2 compute type on the CPU.",
        validation_alias=_env("INTERVIEWS_WHISPER_COMPUTE_TYPE"),
    )
    language: str | None = Field(
        "en",
        description="The spoken language for offline recognition; empty to detect it.",
        validation_alias=_env("INTERVIEWS_LANGUAGE"),
    )
    whisper_beam_size: int = Field(
        3,
        ge=1,
        le=10,
        description=(
            "Hypotheses the offline recogniser keeps while decoding: 3 hears as well as 5 for "
            "less CPU time; 1 (greedy) takes less again for about a quarter more word errors "
            "(see BENCHMARKS.md)."
        ),
        validation_alias=_env("INTERVIEWS_WHISPER_BEAM_SIZE"),
    )
    diarization: bool = Field(
        True,
        description=(
            "Label each offline transcript segment with its speaker (spk_0, spk_1...) using "
            "the CAM++ speaker model shipped with the package; off (false) leaves segments "
            "unlabelled."
        ),
        validation_alias=_env("INTERVIEWS_DIARIZATION"),
    )
    max_speakers: int = Field(
        6,
        ge=1,
        le=20,
        description=(
            "The most speakers offline speaker labelling finds in one recording; the count "
            "is found from the voices, up to this many."
        ),
        validation_alias=_env("INTERVIEWS_MAX_SPEAKERS"),
    )
    stub_transcript: Path | None = Field(
        None,
        description=(
            "A transcript JSON the `stub` transcriber returns for every video, instead of the "
            "transcript saved beside the video."
        ),
        validation_alias=_env("INTERVIEWS_STUB_TRANSCRIPT"),
    )  # the stub transcriber returns this transcript (our JSON) instead of reading sidecars

    # --- speakers ---
    interviewer_speakers: str = Field(
        "",
        description=(
            "Speaker labels to take as the interviewers, comma-separated (spk_0 or "
            "spk_0,spk_2 for a panel); every other speaker is the candidate. Empty: the "
            "speaker who asks the questions is found from the transcript. A label the "
            "transcript lacks fails the interview with UNKNOWN_SPEAKER."
        ),
        validation_alias=_env("INTERVIEWS_INTERVIEWER_SPEAKERS"),
    )

    # --- privacy ---
    redact_pii: bool = Field(
        False,
        description=(
            "Replace personal details in every transcript with [PII:<TYPE>] before any later "
            "stage (models, questions, kept transcripts, logs, outputs) sees them: offline "
            "patterns for every transcriber, and Amazon Transcribe's own redaction where it "
            "supports the language."
        ),
        validation_alias=_env("INTERVIEWS_REDACT_PII"),
    )
    redact_pii_types: str = Field(
        "all",
        description=(
            "The personal details INTERVIEWS_REDACT_PII replaces: all, or a comma-separated "
            "list of EMAIL, PHONE, CARD, IBAN, URL, SSN, NINO (found offline) and NAME, "
            "ADDRESS, BANK_ACCOUNT, BANK_ROUTING, CARD_CVV, CARD_EXPIRY, PIN (found only by "
            "Amazon Transcribe)."
        ),
        validation_alias=_env("INTERVIEWS_REDACT_PII_TYPES"),
    )

    # --- Amazon Transcribe ---
    transcribe_direct: bool = Field(
        True,
        description=(
            "Let Amazon Transcribe read mp4, webm, ogg, m4a, mp3, wav and flac videos straight "
            "from S3 (no download, no ffmpeg)."
        ),
        validation_alias=_env("INTERVIEWS_TRANSCRIBE_DIRECT"),
    )
    transcribe_prefix: str = Field(
        "transcribe/",
        description=(
            "Where audio uploads and transcripts go in the bucket (`<prefix><id>/` in generation "
            "0, `<prefix><id>-g<generation>/` after), and the kept stages of attempts "
            "(`<prefix><id>/g<generation>/`)."
        ),
        validation_alias=_env("INTERVIEWS_TRANSCRIBE_PREFIX"),
    )
    transcribe_language: str | None = Field(
        "en-US",
        description="Amazon Transcribe's language code; empty for language identification.",
        validation_alias=_env("INTERVIEWS_TRANSCRIBE_LANGUAGE"),
    )
    transcribe_max_speakers: int = Field(
        2,
        ge=2,
        le=30,
        description="How many speakers Amazon Transcribe tells apart in its speaker labels.",
        validation_alias=_env("INTERVIEWS_TRANSCRIBE_MAX_SPEAKERS"),
    )
    transcribe_deadline_seconds: float = Field(
        3600.0,
        gt=0,
        description=(
            "How long to wait for one Transcribe job: a job still QUEUED then is throttling (the "
            "retry waits without spending an attempt and finds the same job), one still "
            "IN_PROGRESS an ordinary transient failure."
        ),
        validation_alias=_env("INTERVIEWS_TRANSCRIBE_DEADLINE_SECONDS"),
    )
    transcribe_data_access_role_arn: str | None = Field(  # None: jobs are not deferred
        None,
        description=(
            "An IAM role Amazon Transcribe assumes to read the media and write the transcript: "
            "jobs then start with deferred execution, so beyond the account's concurrent-job quota"
            " they wait in Transcribe's queue instead of being refused. Unset, jobs are not "
            "deferred and a refusal (LimitExceededException) is retried as throttling."
        ),
        validation_alias=_env("INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN"),
    )

    # --- Amazon Bedrock ---
    bedrock_model_id: str | None = Field(
        None,
        description=(
            "The Bedrock model (required with `bedrock`): one that supports Converse with a forced"
            " tool choice, as a foundation model id, or an inference profile's id (`us.`, `eu.`, "
            "`apac.`, `global.`, ...) or ARN; checked at start-up."
        ),
        validation_alias=_env("INTERVIEWS_BEDROCK_MODEL_ID"),
    )
    bedrock_max_tokens: int = Field(
        4096,
        gt=0,
        description=(
            "Bedrock's output budget per request; it also sizes the transcript windows and answer "
            "batches."
        ),
        validation_alias=_env("INTERVIEWS_BEDROCK_MAX_TOKENS"),
    )
    bedrock_temperature: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Bedrock's sampling temperature.",
        validation_alias=_env("INTERVIEWS_BEDROCK_TEMPERATURE"),
    )
    bedrock_read_timeout_seconds: float = Field(
        300.0,
        gt=20,
        description="The read timeout of the Bedrock client.",
        validation_alias=_env("INTERVIEWS_BEDROCK_READ_TIMEOUT_SECONDS"),
    )

    # --- any OpenAI-compatible server (the SDK's own variables, plus ours) ---
    openai_base_url: str | None = Field(
        None,
        description=(
            "The OpenAI-compatible server's `/v1` URL (the OpenAI SDK's own variable); unset, "
            "OpenAI."
        ),
        validation_alias=_env("OPENAI_BASE_URL"),
    )
    openai_api_key: SecretStr | None = Field(
        None,
        description=(
            "The key for the OpenAI-compatible server (the SDK's own variable); local servers "
            "accept any."
        ),
        validation_alias=_env("OPENAI_API_KEY"),
    )
    openai_model: str | None = Field(
        None,
        description="The model name the OpenAI-compatible server knows (required with `openai`).",
        validation_alias=_env("INTERVIEWS_OPENAI_MODEL"),
    )
    openai_max_tokens: int = Field(
        4096,
        gt=0,
        description=(
            "The output budget per request; it also sizes the transcript windows and answer "
            "batches."
        ),
        validation_alias=_env("INTERVIEWS_OPENAI_MAX_TOKENS"),
    )
    openai_temperature: float = Field(
        0.2,
        ge=0,
        le=2,
        description="The sampling temperature.",
        validation_alias=_env("INTERVIEWS_OPENAI_TEMPERATURE"),
    )
    openai_timeout_seconds: float = Field(
        300.0,
        gt=0,
        description="The timeout of one request.",
        validation_alias=_env("INTERVIEWS_OPENAI_TIMEOUT_SECONDS"),
    )
    openai_max_retries: int = Field(
        2,
        ge=0,
        le=10,
        description="How often the SDK retries refused connections, timeouts, 429 and 5xx.",
        validation_alias=_env("INTERVIEWS_OPENAI_MAX_RETRIES"),
    )
    openai_structured_output: StructuredOutputKind = Field(
        StructuredOutputKind.TOOL,
        description=(
            "How the server is made to answer in the schema: `tool` (a forced function call), "
            "`json_schema` (OpenAI's `response_format`) or `json_object` (`response_format` with a"
            " `schema`, as llama-cpp-python's server takes it)."
        ),
        validation_alias=_env("INTERVIEWS_OPENAI_STRUCTURED_OUTPUT"),
    )
    answer_max_chars: int = Field(
        600,
        ge=20,
        le=4000,
        description=(
            "The longest suggested answer kept; it also sizes the answer batches, and the windows "
            "when the extractor writes the answers."
        ),
        validation_alias=_env("INTERVIEWS_ANSWER_MAX_CHARS"),
    )

    # --- processing ---
    lease_seconds: float = Field(
        DEFAULT_LEASE_SECONDS,
        gt=0,
        description=(
            "How long a claim on an interview lasts without a heartbeat; the worker renews it "
            "every third of the shorter of it and the visibility timeout."
        ),
        validation_alias=_env("INTERVIEWS_LEASE_SECONDS"),
    )
    job_timeout_seconds: float = Field(  # must exceed INTERVIEWS_MEDIA_TIMEOUT_SECONDS
        DEFAULT_JOB_TIMEOUT_SECONDS,
        gt=0,
        description=(
            "The wall-clock limit of one attempt at an interview (4 hours by default); past it the"
            " attempt is given up as transient (JOB_TIMED_OUT). Must be larger than "
            "INTERVIEWS_MEDIA_TIMEOUT_SECONDS."
        ),
        validation_alias=_env("INTERVIEWS_JOB_TIMEOUT_SECONDS"),
    )

    lambda_stage_margin_seconds: float = Field(  # no stage starts with less time left
        120.0,
        ge=0,
        le=900,
        description=(
            "The Lambda form starts no stage with less of the invocation left (0 to 900); it keeps"
            " what finished and hands the message back instead (DEADLINE_REACHED)."
        ),
        validation_alias=_env("INTERVIEWS_LAMBDA_STAGE_MARGIN_SECONDS"),
    )

    # --- the queue worker (--mode sqs) ---
    worker_concurrency: int = Field(
        4,
        ge=1,
        le=256,
        description="Messages the worker works on at once (threads).",
        validation_alias=_env("WORKER_CONCURRENCY"),
    )
    worker_max_attempts: int = Field(  # the queue's maxReceiveCount must be larger
        5,
        ge=1,
        description=(
            "Attempts per interview (receives and claims; throttled runs spend none); must be "
            "below the queue's maxReceiveCount (by 3 advised)."
        ),
        validation_alias=_env("WORKER_MAX_ATTEMPTS"),
    )
    worker_backoff_base_seconds: float = Field(
        10.0,
        gt=0,
        le=MAX_VISIBILITY_SECONDS,
        description=(
            "The base of the retry delay (full jitter: a delay drawn from 0 to base * 2^(receives "
            "- 1))."
        ),
        validation_alias=_env("WORKER_BACKOFF_BASE_SECONDS"),
    )
    worker_backoff_max_seconds: float = Field(
        900.0,
        gt=0,
        le=MAX_VISIBILITY_SECONDS,
        description="The longest retry delay.",
        validation_alias=_env("WORKER_BACKOFF_MAX_SECONDS"),
    )
    worker_throttle_patience_seconds: float = Field(  # how long throttling may last
        DEFAULT_THROTTLE_PATIENCE_SECONDS,
        gt=0,
        description=(
            "How long an interview may keep being refused for a rate or a quota (any "
            "service's throttling) before it is failed with THROTTLE_PATIENCE_EXHAUSTED; "
            "until then throttled runs spend no attempt and no dead-letter receive."
        ),
        validation_alias=_env("WORKER_THROTTLE_PATIENCE_SECONDS"),
    )
    worker_busy_delay_seconds: float | None = Field(  # None: INTERVIEWS_LEASE_SECONDS
        None,
        ge=0,
        le=MAX_VISIBILITY_SECONDS,
        description=(
            "The longest delay when another worker holds the interview (the lease's time left when"
            " known); unset, INTERVIEWS_LEASE_SECONDS."
        ),
        validation_alias=_env("WORKER_BUSY_DELAY_SECONDS"),
    )
    worker_invalid_messages: InvalidMessageAction = Field(
        InvalidMessageAction.DEAD_LETTER,
        description=(
            "What happens to a message whose body is not a valid request: `dead-letter` (left for "
            "the dead-letter queue) or `delete`."
        ),
        validation_alias=_env("WORKER_INVALID_MESSAGES"),
    )
    worker_visibility_timeout_seconds: int = Field(
        WORKER_VISIBILITY_SECONDS,
        ge=1,
        le=MAX_VISIBILITY_SECONDS,
        description=(
            "The message visibility per receive, renewed with the lease; longer than the lease, so"
            " a killed worker's message comes back to a free interview."
        ),
        validation_alias=_env("WORKER_VISIBILITY_TIMEOUT_SECONDS"),
    )
    worker_wait_seconds: float = Field(
        float(MAX_WAIT_SECONDS),
        ge=0,
        le=MAX_WAIT_SECONDS,
        description="The long-poll wait of one receive.",
        validation_alias=_env("WORKER_WAIT_SECONDS"),
    )
    worker_shutdown_grace_seconds: float = Field(
        25.0,
        ge=0,
        description="How long in-flight work may finish after SIGTERM or SIGINT.",
        validation_alias=_env("WORKER_SHUTDOWN_GRACE_SECONDS"),
    )
    worker_heartbeat_file: Path | None = Field(
        None,
        description="A file touched on every loop of the worker, for a health check; unset, none.",
        validation_alias=_env("WORKER_HEARTBEAT_FILE"),
    )

    # --- logging ---
    log_file: Path | None = Field(
        Path("interview_processing.log"),
        description="The log file, rotated; empty for standard error only.",
        validation_alias=_env("INTERVIEWS_LOG_FILE"),
    )
    log_max_bytes: int = Field(
        DEFAULT_LOG_MAX_BYTES,
        ge=0,
        description=(
            "The size past which the log file is renamed to `.1` (`.1` to `.2`, ...); `0` never "
            "rotates. Processes sharing the file keep the limit together."
        ),
        validation_alias=_env("INTERVIEWS_LOG_MAX_BYTES"),
    )
    log_backups: int = Field(
        DEFAULT_LOG_BACKUPS,
        ge=1,
        description="How many rotated log files are kept.",
        validation_alias=_env("INTERVIEWS_LOG_BACKUPS"),
    )
    log_level: str = Field(
        "INFO",
        description="The log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.",
        validation_alias=_env("INTERVIEWS_LOG_LEVEL"),
    )
    log_format: LogFormat = Field(
        LogFormat.TEXT,
        description="`text`, or `json` for one object per line.",
        validation_alias=_env("INTERVIEWS_LOG_FORMAT"),
    )
    emf_metrics: bool = Field(
        False,
        description="Write CloudWatch embedded-metric lines on stdout, one per interview.",
        validation_alias=_env("INTERVIEWS_EMF_METRICS"),
    )
    metrics_namespace: str = Field(
        "AiInterviews",
        min_length=1,
        max_length=255,
        description="The CloudWatch namespace of the embedded metrics.",
        validation_alias=_env("INTERVIEWS_METRICS_NAMESPACE"),
    )

    @field_validator("log_file", mode="before")
    @classmethod
    def _blank_log_file_means_none(cls, value: object) -> object:
        """An empty INTERVIEWS_LOG_FILE turns the log file off (standard error only)."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        """One of the standard level names, in any case."""
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}, not {value!r}")
        return level

    @field_validator("interviewer_speakers")
    @classmethod
    def _speaker_list(cls, value: str) -> str:
        """Comma-separated speaker labels, each printable and at most 64 characters."""
        return ",".join(speaker_labels(value))

    @property
    def interviewer_labels(self) -> tuple[str, ...]:
        """The speakers named as interviewers, in order; empty when none is named."""
        return tuple(self.interviewer_speakers.split(",")) if self.interviewer_speakers else ()

    @field_validator("redact_pii_types")
    @classmethod
    def _known_pii_types(cls, value: str) -> str:
        """Every name is a known type (or `all`); raises ValueError naming the unknown."""
        parse_pii_types(value)
        return value

    @property
    def pii_types(self) -> frozenset[PiiType]:
        """The types to redact when INTERVIEWS_REDACT_PII is on (none when it is off)."""
        return parse_pii_types(self.redact_pii_types) if self.redact_pii else frozenset()

    @property
    def pii_redaction(self) -> str:
        """`on` when transcripts are redacted, else `off`."""
        return "on" if self.redact_pii else "off"

    @field_validator("transcribe_data_access_role_arn", mode="before")
    @classmethod
    def _role_arn(cls, value: object) -> object:
        """The role Transcribe assumes for deferred jobs: an IAM role ARN, or blank for none."""
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not is_role_arn(value.strip()):
            raise ValueError(
                "INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN must be an IAM role ARN "
                "(arn:aws:iam::<account>:role/<name>)"
            )
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _job_outlasts_media(self) -> Settings:
        if self.job_timeout_seconds <= self.media_timeout_seconds:
            raise ValueError(
                "INTERVIEWS_JOB_TIMEOUT_SECONDS must be larger than "
                "INTERVIEWS_MEDIA_TIMEOUT_SECONDS, which limits one ffmpeg run of the job"
            )
        return self

    def check_worker_storage(self) -> None:
        """Raise ConfigurationError unless the queue and the repository outlive the process.

        A worker's in-memory queue starts empty, and its in-memory repository would find no
        interview and acknowledge every message as failed: a worker needs shared storage.
        """
        in_memory = (
            self.message_source == MessageSourceKind.MEMORY
            or self.repository == RepositoryKind.MEMORY
        )
        if in_memory:
            raise ConfigurationError(
                "--mode sqs needs a shared queue and repository: set INTERVIEWS_MESSAGE_SOURCE "
                "and INTERVIEWS_REPOSITORY to sqlite (offline) or sqs and dynamodb"
            )

    def _chosen(self, port: str, override: enum.StrEnum | None) -> str:
        return str(override if override is not None else _PRESETS[self.backend][port])

    @property
    def uses_aws(self) -> bool:
        """Whether any selected adapter calls AWS, so credentials are needed."""
        return (
            self.video_store == "s3"
            or self.transcriber == "transcribe"
            or self.question_extractor == "bedrock"
            or self.repository == "dynamodb"
            or self.message_source == "sqs"
        )

    @property
    def audio_target(self) -> str:
        """What audio extraction produces: a copy of the source's AAC, Opus, MP3 or FLAC when
        it has one, else 16 kHz FLAC for Amazon Transcribe or 16 kHz PCM WAV for local
        speech recognition."""
        return "transcribe_upload" if self.transcriber == "transcribe" else "local_recognition"

    @property
    def in_place_transcription(self) -> str:
        """`s3` when Transcribe may read videos straight from S3, else `off`."""
        direct = (
            self.transcribe_direct and self.transcriber == "transcribe" and self.video_store == "s3"
        )
        return "s3" if direct else "off"

    @property
    def video_store(self) -> str:
        """The video store adapter in use: the override, else the preset's."""
        return self._chosen("video_store", self.video_store_override)

    @property
    def transcriber(self) -> str:
        """The transcriber adapter in use: the override, else the preset's."""
        return self._chosen("transcriber", self.transcriber_override)

    @property
    def question_extractor(self) -> str:
        """The question extractor adapter in use: the override, else the preset's."""
        return self._chosen("question_extractor", self.question_extractor_override)

    @property
    def repository(self) -> str:
        """The repository adapter in use: the override, else the preset's."""
        return self._chosen("repository", self.repository_override)

    @property
    def message_source(self) -> str:
        """The message source adapter in use: the override, else the preset's."""
        return self._chosen("message_source", self.message_source_override)

    @property
    def stage_store(self) -> str:
        """Where attempts keep their finished stages: the override, else S3 (under
        INTERVIEWS_TRANSCRIBE_PREFIX) with the S3 video store, a folder beside the SQLite
        file with the SQLite repository, and memory otherwise."""
        if self.stage_store_override is not None:
            return str(self.stage_store_override)
        if self.video_store == VideoStoreKind.S3:
            return str(StageStoreKind.S3)
        if self.repository == RepositoryKind.SQLITE:
            return str(StageStoreKind.LOCAL)
        return str(StageStoreKind.MEMORY)

    @property
    def stage_dir(self) -> Path:
        """The local stage store's folder: `<INTERVIEWS_SQLITE_PATH>-stages`, beside it."""
        return self.sqlite_path.with_name(f"{self.sqlite_path.name}-stages")
