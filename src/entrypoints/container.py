"""The composition root: settings in, one Selector per port, use cases and delivery out."""

from __future__ import annotations

from dependency_injector import containers, providers

from entrypoints import builders
from entrypoints.delivery_handler import DeliveryHandler
from entrypoints.settings import Settings
from interview_core.clock import SystemClock
from interview_core.delete_interview import DeleteInterview
from interview_core.interview_result import LoadInterviewResult
from interview_core.process_interview import ProcessInterview
from interview_core.process_video import ProcessVideo
from interview_core.redrive_dead_letters import RedriveDeadLetters
from interview_core.reprocess_interview import ReprocessInterview
from interview_core.submit_interview import SubmitInterview


class Container(containers.DeclarativeContainer):
    """Builds every adapter, use case and delivery rule from settings; tests override any one.

    Each adapter provider calls a typed builder in `entrypoints.builders`, which imports its
    adapter on first use, so only the adapters a configuration selects are loaded.
    """

    settings = providers.Singleton(Settings)
    clock = providers.Singleton(SystemClock)

    aws = providers.Singleton(builders.aws_clients, settings)
    give_back_aws = providers.Singleton(builders.give_back_aws_clients, aws)

    work_folder = providers.Singleton(builders.work_folder, settings)
    """This process's temporary folder: downloaded videos and extracted audio live in it."""

    video_store = providers.Selector(
        settings.provided.video_store,
        local=providers.Singleton(builders.local_video_store, settings),
        s3=providers.Singleton(builders.s3_video_store, settings, aws, work_folder),
    )

    audio_extractor = providers.Singleton(builders.ffmpeg_audio_extractor, settings, work_folder)
    media_work = providers.Callable(builders.cancellable_media_work, audio_extractor)

    transcriber = providers.Selector(
        settings.provided.transcriber,
        whisper=providers.Singleton(builders.whisper_transcriber, settings),
        stub=providers.Singleton(builders.stub_transcriber, settings),
        transcribe=providers.Singleton(builders.transcribe_transcriber, settings, aws),
    )

    in_place_transcriber = providers.Selector(
        settings.provided.in_place_transcription,
        s3=providers.Singleton(builders.s3_in_place_transcriber, video_store, transcriber),
        off=providers.Object(None),
    )

    pii_redactor = providers.Selector(
        settings.provided.pii_redaction,
        on=providers.Singleton(builders.pattern_pii_redactor, settings),
        off=providers.Object(None),
    )
    """Redacts every transcript (INTERVIEWS_REDACT_PII) before any later stage sees it."""

    transcription_outputs = providers.Callable(builders.transcription_outputs, settings, aws)
    """Amazon Transcribe's own transcripts, removed once redacted (INTERVIEWS_REDACT_PII)."""

    openai_client = providers.Singleton(builders.openai_client, settings)
    openai_chat = providers.Singleton(builders.openai_chat_settings, settings)

    question_extractor = providers.Selector(
        settings.provided.question_extractor,
        heuristic=providers.Singleton(builders.heuristic_extractor),
        bedrock=providers.Singleton(builders.bedrock_extractor, settings, aws),
        openai=providers.Singleton(builders.openai_extractor, settings, openai_client, openai_chat),
    )

    speaker_role_finder = providers.Singleton(builders.speaker_role_finder)
    interviewers = providers.Singleton(builders.chosen_interviewers, settings)
    """The speakers a user named as interviewers; none: the role finder tells them."""

    bedrock_model_check = providers.Singleton(builders.bedrock_model_check, settings, aws)

    answer_suggester = providers.Selector(
        settings.provided.answer_suggester,
        none=providers.Object(None),
        openai=providers.Singleton(
            builders.openai_answer_suggester, settings, openai_client, openai_chat
        ),
        bedrock=providers.Singleton(builders.bedrock_answer_suggester, settings, aws),
    )

    repository = providers.Selector(
        settings.provided.repository,
        memory=providers.Singleton(builders.memory_repository, clock),
        sqlite=providers.Singleton(builders.sqlite_repository, settings, clock),
        dynamodb=providers.Singleton(builders.dynamodb_repository, settings, aws, clock),
    )

    stage_store = providers.Selector(
        settings.provided.stage_store,
        memory=providers.Singleton(builders.memory_stage_store),
        local=providers.Singleton(builders.local_stage_store, settings),
        s3=providers.Singleton(builders.s3_stage_store, settings, aws),
        off=providers.Object(None),
    )
    """What a retry resumes from: the transcript and the questions earlier attempts kept."""

    message_source = providers.Selector(
        settings.provided.message_source,
        memory=providers.Singleton(builders.memory_message_source, clock),
        sqlite=providers.Singleton(builders.sqlite_message_source, settings, clock),
        sqs=providers.Singleton(builders.sqs_message_source, settings, aws),
    )

    give_back_repository = providers.Selector(
        settings.provided.repository,
        memory=repository,
        sqlite=repository,
        dynamodb=providers.Singleton(
            builders.dynamodb_give_back_repository, settings, repository, give_back_aws, clock
        ),
    )
    """The repository a stopping worker releases leases through: short timeouts on AWS."""

    give_back_message_source = providers.Selector(
        settings.provided.message_source,
        memory=message_source,
        sqlite=message_source,
        sqs=providers.Singleton(
            builders.sqs_give_back_source, settings, message_source, give_back_aws
        ),
    )
    """The queue a stopping worker releases messages through: short timeouts on AWS."""

    queue_visibility = providers.Singleton(builders.sqs_queue_visibility, aws)
    """For the Lambda handler: releases delivered messages with the retry delay."""

    process_video = providers.Factory(
        ProcessVideo,
        audio_extractor=audio_extractor,
        transcriber=transcriber,
        question_extractor=question_extractor,
        answer_suggester=answer_suggester,
        role_finder=speaker_role_finder,
        interviewers=interviewers,
        pii_redactor=pii_redactor,
        transcription_outputs=transcription_outputs,
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
        stage_store=stage_store,
        role_finder=speaker_role_finder,
        interviewers=interviewers,
        pii_redactor=pii_redactor,
        transcription_outputs=transcription_outputs,
    )

    delivery_policy = providers.Singleton(builders.delivery_policy, settings)
    delivery_handler = providers.Singleton(DeliveryHandler, process_interview, delivery_policy)
    worker_options = providers.Factory(builders.worker_options, settings)
    """Call with `max_messages=` and `idle_exit_seconds=` from the command line."""

    # --- the operator's commands: roles of the selected adapters, and their use cases ---

    media_probe = providers.Callable(builders.media_probe, audio_extractor)
    video_uploader = providers.Callable(builders.video_uploader, video_store)
    interview_catalog = providers.Callable(builders.interview_catalog, repository)
    request_sender = providers.Callable(builders.request_sender, message_source)
    dead_letter_queue = providers.Callable(builders.dead_letter_queue, message_source)

    submit_interview = providers.Factory(
        SubmitInterview,
        probe=media_probe,
        uploader=video_uploader,
        catalog=interview_catalog,
        requests=request_sender,
        clock=clock,
    )
    reprocess_interview = providers.Factory(
        ReprocessInterview, catalog=interview_catalog, requests=request_sender
    )
    redrive_dead_letters = providers.Factory(
        RedriveDeadLetters, queue=dead_letter_queue, catalog=interview_catalog
    )

    shared_stage_store = providers.Selector(
        settings.provided.stage_store,
        memory=providers.Object(None),
        local=stage_store,
        s3=stage_store,
        off=providers.Object(None),
    )
    """The stage store another process can read (a folder or S3), or None."""

    load_interview_result = providers.Factory(
        LoadInterviewResult, repository=repository, stage_store=shared_stage_store
    )
    """A completed interview's record, questions and transcript: exports, the review page."""

    # --- erasure: the operator's delete ---

    interview_eraser = providers.Callable(builders.interview_eraser, repository)
    interview_files = providers.Callable(builders.interview_files, settings, aws, stage_store)
    transcription_jobs = providers.Callable(builders.transcription_jobs, settings, aws)
    video_remover = providers.Callable(builders.video_remover, video_store)
    delete_interview = providers.Factory(
        DeleteInterview,
        eraser=interview_eraser,
        files=interview_files,
        jobs=transcription_jobs,
        videos=video_remover,
    )
