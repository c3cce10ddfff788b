"""Typed builders the container calls: each imports its adapter inside and returns a port.

Only the builders a configuration selects ever run, so a local run never imports boto3 and
an AWS run never imports the speech model's libraries. A renamed constructor argument fails
mypy here rather than a deployment.
"""

from __future__ import annotations

import atexit
import logging
from typing import TYPE_CHECKING, TypeVar

from entrypoints.settings import AnswerSuggesterKind
from interview_core.delivery import DeliveryPolicy
from interview_core.errors import ConfigurationError, TranscriptionFailed
from interview_core.limits import SPARE_RECEIVES
from interview_core.ports import (
    CancellableMediaWork,
    DeadLetterQueue,
    InterviewCatalog,
    InterviewEraser,
    InterviewFiles,
    MediaProbe,
    RequestSender,
    TranscriptionJobs,
    VideoRemover,
    VideoUploader,
)
from interview_core.speaker_roles import ChosenInterviewers

if TYPE_CHECKING:
    from openai import OpenAI

    from adapters.aws.bedrock_model_check import BedrockModelCheck
    from adapters.aws.clients import AwsClientFactory
    from adapters.aws.s3_video_links import S3VideoLinks
    from adapters.media.audio_target import AudioTarget
    from adapters.openai_compatible.chat import ChatSettings
    from entrypoints.lambda_handler import QueueVisibility
    from entrypoints.settings import Settings
    from entrypoints.work_folder import WorkFolder
    from entrypoints.worker.options import WorkerOptions
    from interview_core.entities import Transcript
    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        Clock,
        InPlaceTranscriber,
        InterviewRepository,
        MessageSource,
        PiiRedactor,
        QuestionExtractor,
        SpeakerRoleFinder,
        StageStore,
        Transcriber,
        TranscriptionOutputs,
        VideoStore,
    )

_T = TypeVar("_T")
logger = logging.getLogger(__name__)


def required(value: _T | None, variable: str) -> _T:
    """The setting's value, or a ConfigurationError naming the variable to set."""
    if value is None or value == "":
        raise ConfigurationError(f"{variable} must be set for the chosen adapters")
    return value


# --- AWS clients ---------------------------------------------------------------------------


def aws_clients(settings: Settings) -> AwsClientFactory:
    """The one factory of boto3 clients, with Bedrock's longer read timeout.

    No endpoint is passed, so botocore resolves each client's own, as it resolves
    credentials: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the profile's
    `services` section, then its `endpoint_url`, else AWS.
    """
    from adapters.aws.clients import AwsClientFactory

    return AwsClientFactory(
        region=settings.aws_region,
        read_timeouts={"bedrock-runtime": settings.bedrock_read_timeout_seconds},
    )


GIVE_BACK_CONNECT_TIMEOUT_SECONDS = 1.0
GIVE_BACK_READ_TIMEOUT_SECONDS = 2.0
GIVE_BACK_MAX_ATTEMPTS = 2
"""Give-backs at shutdown try twice, each within 3 s, and all share one deadline."""


def give_back_aws_clients(aws: AwsClientFactory) -> AwsClientFactory:
    """Clients with short timeouts, on the same session, for giving work back at shutdown."""
    return aws.prompt(
        connect_timeout=GIVE_BACK_CONNECT_TIMEOUT_SECONDS,
        read_timeout=GIVE_BACK_READ_TIMEOUT_SECONDS,
        max_attempts=GIVE_BACK_MAX_ATTEMPTS,
    )


# --- the process's temporary files ----------------------------------------------------------


def work_folder(settings: Settings) -> WorkFolder:
    """This process's folder under INTERVIEWS_TEMP_DIR (else TMPDIR), removed at exit; the
    folders of processes that are gone are removed first. Raises ConfigurationError."""
    from entrypoints.work_folder import WorkFolder

    folder = WorkFolder(settings.temp_dir)
    atexit.register(folder.remove)
    return folder


# --- video stores --------------------------------------------------------------------------


def local_video_store(settings: Settings) -> VideoStore:
    """Videos under INTERVIEWS_LOCAL_VIDEO_ROOT."""
    from adapters.local.file_video_store import LocalFileVideoStore

    return LocalFileVideoStore(root=settings.local_video_root, max_bytes=settings.max_video_bytes)


def s3_video_store(settings: Settings, aws: AwsClientFactory, work: WorkFolder) -> VideoStore:
    """Videos in the AWS_S3_BUCKET bucket, downloaded into this process's work folder."""
    from adapters.aws.s3_video_store import S3VideoStore

    return S3VideoStore(
        client=aws.s3(),
        bucket=required(settings.aws_s3_bucket, "AWS_S3_BUCKET"),
        max_bytes=settings.max_video_bytes,
        tmp_dir=work.path,
    )


def s3_video_links(settings: Settings, aws: AwsClientFactory) -> S3VideoLinks:
    """Presigned links to the videos in the AWS_S3_BUCKET bucket."""
    from adapters.aws.s3_video_links import S3VideoLinks

    return S3VideoLinks(aws.s3_link_signer(), required(settings.aws_s3_bucket, "AWS_S3_BUCKET"))


# --- media ---------------------------------------------------------------------------------


def audio_target(name: str) -> AudioTarget:
    """The audio extraction preset called `name`."""
    from adapters.media.audio_target import AUDIO_TARGETS

    return AUDIO_TARGETS[name]


def ffmpeg_audio_extractor(settings: Settings, work: WorkFolder) -> AudioExtractor:
    """ffmpeg with the time, length and format limits of the settings, writing its audio in
    this process's work folder."""
    from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor

    return FfmpegAudioExtractor(
        ffmpeg_binary=settings.ffmpeg_binary,
        temp_dir=work.path,
        timeout_seconds=settings.media_timeout_seconds,
        max_duration_seconds=settings.max_media_seconds,
        target=audio_target(settings.audio_target),
    )


def cancellable_media_work(extractor: AudioExtractor) -> CancellableMediaWork | None:
    """The extractor as media work a stopping worker can cut short, when it is such work."""
    return extractor if isinstance(extractor, CancellableMediaWork) else None


# --- transcribers --------------------------------------------------------------------------


def whisper_transcriber(settings: Settings) -> Transcriber:
    """Offline speech recognition with faster-whisper."""
    from adapters.local.faster_whisper_transcriber import (
        FasterWhisperTranscriber,
        worker_threads,
    )
    from adapters.local.speaker_diarizer import CamppSpeakerDiarizer

    workers, threads_each = worker_threads(
        settings.whisper_threads, settings.whisper_workers or None
    )
    diarizer = (
        CamppSpeakerDiarizer(max_speakers=settings.max_speakers, cpu_threads=threads_each)
        if settings.diarization
        else None
    )
    return FasterWhisperTranscriber(
        model=settings.whisper_model,
        language=settings.language,
        cpu_threads=settings.whisper_threads,
        workers=workers,
        compute_type=settings.whisper_compute_type,
        beam_size=settings.whisper_beam_size,
        vad_filter=settings.whisper_vad,
        decoder=settings.whisper_decoder,
        batch_size=settings.whisper_batch_size,
        diarizer=diarizer,
    )


def stub_transcriber(settings: Settings) -> Transcriber:
    """The INTERVIEWS_STUB_TRANSCRIPT transcript for every video, else sidecar transcripts.

    Raises ConfigurationError, naming the setting, when that file cannot be read or parsed.
    """
    from adapters.local.stub_transcriber import StubTranscriber

    return StubTranscriber(transcript=_stub_transcript(settings))


def _stub_transcript(settings: Settings) -> Transcript | None:
    if settings.stub_transcript is None:
        return None
    from adapters.transcripts.native import read_transcript

    try:
        return read_transcript(settings.stub_transcript)
    except TranscriptionFailed as exc:
        raise ConfigurationError(f"INTERVIEWS_STUB_TRANSCRIPT: {exc.message}") from exc


def transcribe_transcriber(settings: Settings, aws: AwsClientFactory) -> Transcriber:
    """Amazon Transcribe, staging audio and transcripts in the videos' bucket; its jobs wait
    in Transcribe's queue beyond the concurrency quota when a data access role is set, and
    the log says once, as the transcriber is built, when none is."""
    from adapters.aws.transcribe_transcriber import TranscribeTranscriber

    role = settings.transcribe_data_access_role_arn
    if role is None:
        logger.info(
            "Transcribe jobs are not deferred: INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN is "
            "unset, so jobs beyond the account's concurrency quota are refused and retried later"
        )
    return TranscribeTranscriber(
        transcribe_client=aws.transcribe(),
        s3_client=aws.s3(),
        bucket=required(settings.aws_s3_bucket, "AWS_S3_BUCKET"),
        key_prefix=settings.transcribe_prefix,
        max_speakers=settings.transcribe_max_speakers,
        language=settings.transcribe_language or None,
        deadline_seconds=settings.transcribe_deadline_seconds,
        data_access_role_arn=role,
        redact_types=settings.pii_types or None,
    )


def s3_in_place_transcriber(store: VideoStore, transcriber: Transcriber) -> InPlaceTranscriber:
    """Transcribe reading videos straight from S3; needs the S3 store and Transcribe."""
    from adapters.aws.s3_in_place_transcriber import S3InPlaceTranscriber
    from adapters.aws.s3_video_store import S3VideoStore
    from adapters.aws.transcribe_transcriber import TranscribeTranscriber

    if not isinstance(store, S3VideoStore) or not isinstance(transcriber, TranscribeTranscriber):
        raise ConfigurationError("direct transcription needs the s3 store and transcribe")
    return S3InPlaceTranscriber(store=store, transcriber=transcriber)


def pattern_pii_redactor(settings: Settings) -> PiiRedactor:
    """The offline redactor of the INTERVIEWS_REDACT_PII_TYPES it can find."""
    from adapters.local.pii_redactor import PatternPiiRedactor

    return PatternPiiRedactor(settings.pii_types)


# --- question extractors -------------------------------------------------------------------


def heuristic_extractor() -> QuestionExtractor:
    """Offline question finding from the transcript's speakers and sentences."""
    from adapters.local.heuristic_extractor import HeuristicQuestionExtractor

    return HeuristicQuestionExtractor()


def speaker_role_finder() -> SpeakerRoleFinder:
    """Interviewers and candidate told from who asks the questions."""
    from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder

    return HeuristicSpeakerRoleFinder()


def chosen_interviewers(settings: Settings) -> ChosenInterviewers:
    """The speakers INTERVIEWS_INTERVIEWER_SPEAKERS (or --interviewer) names, if any."""
    return ChosenInterviewers(settings.interviewer_labels)


def extractor_answer_chars(settings: Settings) -> int | None:
    """The answer length a model extractor asks for: none when a suggester writes them."""
    if settings.answer_suggester != AnswerSuggesterKind.NONE:
        return None
    return settings.answer_max_chars


def bedrock_extractor(settings: Settings, aws: AwsClientFactory) -> QuestionExtractor:
    """A Bedrock Converse model with a forced tool choice, window by window."""
    from adapters.aws.bedrock_extractor import BedrockQuestionExtractor

    return BedrockQuestionExtractor(
        client=aws.bedrock_runtime(),
        model_id=required(settings.bedrock_model_id, "INTERVIEWS_BEDROCK_MODEL_ID"),
        max_tokens=settings.bedrock_max_tokens,
        temperature=settings.bedrock_temperature,
        answer_chars=extractor_answer_chars(settings),
    )


def openai_client(settings: Settings) -> OpenAI:
    """A client of the OpenAI-compatible server at OPENAI_BASE_URL (OpenAI itself when unset).

    Raises ConfigurationError when the `llm` extra is not installed.
    """
    from adapters.openai_compatible.client import openai_client as make_client

    key = settings.openai_api_key
    return make_client(
        base_url=settings.openai_base_url or None,
        api_key=key.get_secret_value() if key is not None else None,
        timeout_seconds=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,
    )


def openai_chat_settings(settings: Settings) -> ChatSettings:
    """What every request to the OpenAI-compatible server carries."""
    from adapters.openai_compatible.chat import ChatSettings, StructuredOutput

    return ChatSettings(
        model=required(settings.openai_model, "INTERVIEWS_OPENAI_MODEL"),
        max_tokens=settings.openai_max_tokens,
        temperature=settings.openai_temperature,
        structured_output=StructuredOutput(str(settings.openai_structured_output)),
    )


def openai_extractor(settings: Settings, client: OpenAI, chat: ChatSettings) -> QuestionExtractor:
    """Questions from an OpenAI-compatible model (Ollama, vLLM, llama.cpp, OpenAI)."""
    from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor

    return OpenAIQuestionExtractor(
        client=client, settings=chat, answer_chars=extractor_answer_chars(settings)
    )


def openai_answer_suggester(
    settings: Settings, client: OpenAI, chat: ChatSettings
) -> AnswerSuggester:
    """Suggested answers from an OpenAI-compatible model, in batches that fit one reply."""
    from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester

    return OpenAIAnswerSuggester(
        client=client, settings=chat, max_answer_chars=settings.answer_max_chars
    )


def bedrock_model_check(settings: Settings, aws: AwsClientFactory) -> BedrockModelCheck:
    """The start-up check of the Bedrock model (GetFoundationModel or GetInferenceProfile)."""
    from adapters.aws.bedrock_model_check import BedrockModelCheck

    return BedrockModelCheck(
        aws.bedrock(), required(settings.bedrock_model_id, "INTERVIEWS_BEDROCK_MODEL_ID")
    )


def bedrock_answer_suggester(settings: Settings, aws: AwsClientFactory) -> AnswerSuggester:
    """Suggested answers from a Bedrock Converse model, in batches that fit one reply."""
    from adapters.aws.bedrock_answer_suggester import BedrockAnswerSuggester

    return BedrockAnswerSuggester(
        client=aws.bedrock_runtime(),
        model_id=required(settings.bedrock_model_id, "INTERVIEWS_BEDROCK_MODEL_ID"),
        max_tokens=settings.bedrock_max_tokens,
        temperature=settings.bedrock_temperature,
        max_answer_chars=settings.answer_max_chars,
    )


# --- repositories --------------------------------------------------------------------------


def memory_repository(clock: Clock) -> InterviewRepository:
    """Interview records in this process's memory."""
    from adapters.local.memory_repository import InMemoryInterviewRepository

    return InMemoryInterviewRepository(clock=clock)


def sqlite_repository(settings: Settings, clock: Clock) -> InterviewRepository:
    """Interview records in the INTERVIEWS_SQLITE_PATH file."""
    from adapters.local.sqlite_repository import SqliteInterviewRepository

    return SqliteInterviewRepository(path=settings.sqlite_path, clock=clock)


def dynamodb_repository(
    settings: Settings, aws: AwsClientFactory, clock: Clock
) -> InterviewRepository:
    """Interview records and questions in the upstream's DynamoDB tables."""
    from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository

    return DynamoDBInterviewRepository(
        client=aws.dynamodb(),
        interviews_table=settings.aws_dynamodb_interviews_table,
        questions_table=settings.aws_dynamodb_questions_table,
        questions_index=settings.aws_dynamodb_questions_index,
        clock=clock,
    )


def dynamodb_give_back_repository(
    settings: Settings, repository: InterviewRepository, aws: AwsClientFactory, clock: Clock
) -> InterviewRepository:
    """The worker's tables through `aws` (short timeouts), for lease releases at shutdown;
    `repository` itself when it is not the DynamoDB adapter (a test's fake)."""
    from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository

    if not isinstance(repository, DynamoDBInterviewRepository):
        return repository
    return dynamodb_repository(settings, aws, clock)


# --- kept stages ---------------------------------------------------------------------------


def memory_stage_store() -> StageStore:
    """Kept stages in this process's memory."""
    from adapters.local.memory_stage_store import InMemoryStageStore

    return InMemoryStageStore()


def local_stage_store(settings: Settings) -> StageStore:
    """Kept stages in the folder beside the INTERVIEWS_SQLITE_PATH file."""
    from adapters.local.file_stage_store import LocalFileStageStore

    return LocalFileStageStore(settings.stage_dir)


def s3_stage_store(settings: Settings, aws: AwsClientFactory) -> StageStore:
    """Kept stages in the AWS_S3_BUCKET bucket under INTERVIEWS_TRANSCRIBE_PREFIX."""
    from adapters.aws.s3_stage_store import S3StageStore

    try:
        return S3StageStore(
            client=aws.s3(),
            bucket=required(settings.aws_s3_bucket, "AWS_S3_BUCKET"),
            key_prefix=settings.transcribe_prefix,
        )
    except ValueError as exc:
        raise ConfigurationError(f"INTERVIEWS_TRANSCRIBE_PREFIX: {exc}") from exc


# --- message sources -----------------------------------------------------------------------


def memory_message_source(clock: Clock) -> MessageSource:
    """A queue in this process's memory, long-polling in real time."""
    from adapters.local.memory_message_source import InMemoryMessageSource

    return InMemoryMessageSource(clock=clock, long_poll=True)


def sqlite_message_source(settings: Settings, clock: Clock) -> MessageSource:
    """The queue in the INTERVIEWS_SQLITE_PATH file. Its redrive limit is one receive more
    than WORKER_MAX_ATTEMPTS, so that the receive after the last attempt still marks a
    crashed interview failed before the message moves to the dead letters."""
    from adapters.local.sqlite_message_source import SqliteMessageSource

    return SqliteMessageSource(
        path=settings.sqlite_path,
        clock=clock,
        visibility_timeout=settings.worker_visibility_timeout_seconds,
        max_receive_count=settings.worker_max_attempts + SPARE_RECEIVES,
        long_poll=True,
    )


def sqs_message_source(settings: Settings, aws: AwsClientFactory) -> MessageSource:
    """The AWS_SQS_QUEUE_URL queue, else the one named AWS_SQS_QUEUE_NAME (GetQueueUrl); its
    readiness check refuses a redrive limit that WORKER_MAX_ATTEMPTS does not stay below."""
    from adapters.aws.sqs_message_source import SqsMessageSource, queue_url_for

    return SqsMessageSource(
        client=aws.sqs(),
        queue_url=queue_url_for(aws.sqs(), settings.aws_sqs_queue_url, settings.aws_sqs_queue_name),
        visibility_timeout=settings.worker_visibility_timeout_seconds,
        max_attempts=settings.worker_max_attempts,
    )


def sqs_give_back_source(
    settings: Settings, source: MessageSource, aws: AwsClientFactory
) -> MessageSource:
    """The worker's SQS queue through `aws` (short timeouts), for releases at shutdown;
    `source` itself when it is not the SQS adapter (a test's fake)."""
    from adapters.aws.sqs_message_source import SqsMessageSource

    if not isinstance(source, SqsMessageSource):
        return source
    return SqsMessageSource(
        client=aws.sqs(),
        queue_url=source.queue_url,
        visibility_timeout=settings.worker_visibility_timeout_seconds,
    )


def sqs_queue_visibility(aws: AwsClientFactory) -> QueueVisibility:
    """Changes the visibility of messages an SQS event source delivered to the Lambda."""
    from adapters.aws.sqs_visibility import SqsQueueVisibility

    return SqsQueueVisibility(aws.sqs())


# --- delivery and the worker ---------------------------------------------------------------


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """The retry rules from the WORKER_* settings; the busy delay is at most the lease."""
    busy = settings.worker_busy_delay_seconds
    return DeliveryPolicy(
        max_attempts=settings.worker_max_attempts,
        backoff_base_seconds=settings.worker_backoff_base_seconds,
        backoff_max_seconds=settings.worker_backoff_max_seconds,
        busy_delay_seconds=settings.lease_seconds if busy is None else busy,
        invalid_messages=settings.worker_invalid_messages,
        throttle_patience_seconds=settings.worker_throttle_patience_seconds,
    )


def worker_options(
    settings: Settings,
    *,
    max_messages: int | None = None,
    idle_exit_seconds: float | None = None,
) -> WorkerOptions:
    """The loop's options from the WORKER_* settings and the command line.

    Raises ConfigurationError when the settings choose in-memory storage, which no worker
    can share with the processes that feed it.
    """
    from entrypoints.worker.options import WorkerOptions

    settings.check_worker_storage()
    return WorkerOptions(
        concurrency=settings.worker_concurrency,
        wait_seconds=settings.worker_wait_seconds,
        visibility_seconds=settings.worker_visibility_timeout_seconds,
        lease_seconds=settings.lease_seconds,
        grace_seconds=settings.worker_shutdown_grace_seconds,
        max_messages=max_messages,
        idle_exit_seconds=idle_exit_seconds,
        heartbeat_file=settings.worker_heartbeat_file,
        job_timeout_seconds=settings.job_timeout_seconds,
    )


# --- the operator's roles ------------------------------------------------------------------


def _cannot(component: object, needed: str) -> ConfigurationError:
    """The error for a selected adapter that does not play an operator's role."""
    return ConfigurationError(f"{type(component).__name__} cannot {needed}: choose another adapter")


def media_probe(extractor: AudioExtractor) -> MediaProbe:
    """The audio extractor, which can tell media from other files without converting."""
    if not isinstance(extractor, MediaProbe):
        raise _cannot(extractor, "probe media")
    return extractor


def video_uploader(store: VideoStore) -> VideoUploader:
    """The selected video store, which new videos are uploaded to."""
    if not isinstance(store, VideoUploader):
        raise _cannot(store, "take uploads")
    return store


def interview_catalog(repository: InterviewRepository) -> InterviewCatalog:
    """The selected repository, for new records, listing by state and the reset to pending."""
    if not isinstance(repository, InterviewCatalog):
        raise _cannot(repository, "create, list or reset interviews")
    return repository


def request_sender(source: MessageSource) -> RequestSender:
    """The selected queue, which interview requests are sent to."""
    if not isinstance(source, RequestSender):
        raise _cannot(source, "send interview requests")
    return source


def dead_letter_queue(source: MessageSource) -> DeadLetterQueue:
    """The selected queue's dead letters."""
    if not isinstance(source, DeadLetterQueue):
        raise _cannot(source, "show or move dead letters")
    return source


# --- erasure -------------------------------------------------------------------------------


def interview_eraser(repository: InterviewRepository) -> InterviewEraser:
    """The selected repository, which deletes records and their questions."""
    if not isinstance(repository, InterviewEraser):
        raise _cannot(repository, "delete interviews")
    return repository


def interview_files(
    settings: Settings, aws: AwsClientFactory, stages: StageStore | None
) -> InterviewFiles | None:
    """What holds an interview's files: the bucket's INTERVIEWS_TRANSCRIBE_PREFIX when
    Amazon Transcribe or the S3 stage store writes there, else the selected stage store
    (its folder, or memory); None when nothing keeps files."""
    bucket = settings.aws_s3_bucket
    if bucket and (settings.transcriber == "transcribe" or settings.stage_store == "s3"):
        from adapters.aws.s3_interview_files import S3InterviewFiles

        try:
            return S3InterviewFiles(aws.s3(), bucket, settings.transcribe_prefix)
        except ValueError as exc:
            raise ConfigurationError(f"INTERVIEWS_TRANSCRIBE_PREFIX: {exc}") from exc
    return stages if isinstance(stages, InterviewFiles) else None


def transcription_outputs(settings: Settings, aws: AwsClientFactory) -> TranscriptionOutputs | None:
    """Amazon Transcribe's own transcripts in AWS_S3_BUCKET, which hold what redaction
    removes: with INTERVIEWS_REDACT_PII and the transcribe transcriber; None otherwise."""
    if not settings.redact_pii or settings.transcriber != "transcribe":
        return None
    from adapters.aws.transcribe_outputs import S3TranscribeOutputs

    try:
        return S3TranscribeOutputs(
            aws.s3(), required(settings.aws_s3_bucket, "AWS_S3_BUCKET"), settings.transcribe_prefix
        )
    except ValueError as exc:
        raise ConfigurationError(f"INTERVIEWS_TRANSCRIBE_PREFIX: {exc}") from exc


def transcription_jobs(settings: Settings, aws: AwsClientFactory) -> TranscriptionJobs | None:
    """Amazon Transcribe's jobs when it is the transcriber; None for any other."""
    if settings.transcriber != "transcribe":
        return None
    from adapters.aws.transcribe_job_records import TranscribeTranscriptionJobs

    return TranscribeTranscriptionJobs(aws.transcribe())


def video_remover(store: VideoStore) -> VideoRemover | None:
    """The selected video store, when videos can be removed from it."""
    return store if isinstance(store, VideoRemover) else None
