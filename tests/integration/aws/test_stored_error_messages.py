"""Error messages that may be stored on an interview name no endpoint, bucket, key or queue.

Each AWS adapter is made to fail for real: against the moto server (a missing object or
bucket) or against an endpoint where nothing listens. The core error's message, which
`ProcessInterview` stores as `error_message`, must say what went wrong without saying where
things live; the log line keeps the detail.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adapters.aws.bedrock_extractor import BedrockQuestionExtractor
from adapters.aws.clients import AwsClientFactory
from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    DEFAULT_QUESTIONS_TABLE,
    create_interview_tables,
    put_interview,
)
from adapters.aws.s3_video_store import S3VideoStore
from adapters.aws.sqs_message_source import SqsMessageSource
from adapters.aws.transcribe_transcriber import TranscribeTranscriber
from interview_core.entities import AudioFile, Interview, Segment, Transcript
from interview_core.errors import InterviewError, TransientError
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from tests.unit.fakes import SpyAudioExtractor, SpyQuestionExtractor, SpyTranscriber

REGION = "us-east-1"
BUCKET = "secret-bucket-4f2a"
KEY = "videos/7d1e/9a2b/private-interview-recording.mp4"
QUEUE_NAME = "secret-queue-8c1d"


@pytest.fixture
def dead_endpoint(aws_endpoint: str) -> str:
    """The URL of a port on 127.0.0.1 where nothing listens (connections are refused); with
    the test credentials that `aws_endpoint` sets."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _fast(endpoint: str) -> AwsClientFactory:
    return AwsClientFactory(REGION, endpoint, connect_timeout=1, max_attempts=1)


def _assert_names_no_location(error: InterviewError, *locations: str) -> None:
    for location in (BUCKET, KEY, QUEUE_NAME, "127.0.0.1", "http://", "s3://", *locations):
        assert location not in error.message, (location, error.message)


def _raised(action: Callable[[], object]) -> InterviewError:
    with pytest.raises(InterviewError) as caught:
        action()
    return caught.value


def _fetch(store: S3VideoStore, key: str = KEY) -> Callable[[], object]:
    def fetch() -> None:
        with store.fetch(key):
            pass

    return fetch


# --- S3VideoStore ---------------------------------------------------------------------------


def test_s3_missing_video_says_so_without_bucket_or_key(
    aws_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    factory = _fast(aws_endpoint)
    factory.s3().create_bucket(Bucket=BUCKET)
    with caplog.at_level(logging.WARNING):
        error = _raised(_fetch(S3VideoStore(factory.s3(), BUCKET)))
    assert error.code == "VIDEO_NOT_FOUND"
    _assert_names_no_location(error, aws_endpoint)
    assert KEY in caplog.text and BUCKET in caplog.text  # the log line keeps the detail


def test_s3_too_large_video_gives_sizes_only(aws_endpoint: str) -> None:
    factory = _fast(aws_endpoint)
    factory.s3().create_bucket(Bucket=BUCKET)
    factory.s3().put_object(Bucket=BUCKET, Key=KEY, Body=b"x" * 100)
    error = _raised(_fetch(S3VideoStore(factory.s3(), BUCKET, max_bytes=10)))
    assert error.code == "VIDEO_TOO_LARGE" and "100 bytes" in error.message
    _assert_names_no_location(error)


def test_s3_unreachable_gives_no_endpoint(dead_endpoint: str) -> None:
    error = _raised(_fetch(S3VideoStore(_fast(dead_endpoint).s3(), BUCKET)))
    assert isinstance(error, TransientError)
    _assert_names_no_location(error, dead_endpoint)


# --- TranscribeTranscriber ------------------------------------------------------------------


def _audio(tmp_path: Path) -> AudioFile:
    path = tmp_path / "audio.wav"
    path.write_bytes(b"RIFF....WAVE")
    return AudioFile(path=path, duration=1.0, source=path)


def test_transcribe_upload_refused_gives_no_bucket_or_key(
    aws_endpoint: str, tmp_path: Path
) -> None:
    factory = _fast(aws_endpoint)  # no bucket was created: the upload is refused
    transcriber = TranscribeTranscriber(factory.transcribe(), factory.s3(), BUCKET)
    error = _raised(lambda: transcriber.transcribe(_audio(tmp_path), job_id=str(uuid.uuid4())))
    assert error.code == "TRANSCRIPTION_FAILED" and "NoSuchBucket" in error.message
    _assert_names_no_location(error, "transcribe/")


def test_transcribe_unreachable_gives_no_endpoint(dead_endpoint: str, tmp_path: Path) -> None:
    factory = _fast(dead_endpoint)
    transcriber = TranscribeTranscriber(factory.transcribe(), factory.s3(), BUCKET)
    error = _raised(lambda: transcriber.transcribe_stored(KEY, job_id=str(uuid.uuid4())))
    assert isinstance(error, TransientError)
    _assert_names_no_location(error, dead_endpoint)


# --- DynamoDB, SQS, Bedrock -----------------------------------------------------------------


def test_dynamodb_unreachable_gives_no_endpoint_or_table(dead_endpoint: str) -> None:
    repository = DynamoDBInterviewRepository(
        _fast(dead_endpoint).dynamodb(), DEFAULT_INTERVIEWS_TABLE, DEFAULT_QUESTIONS_TABLE
    )
    error = _raised(lambda: repository.get(str(uuid.uuid4())))
    assert error.code == "REPOSITORY_UNAVAILABLE"
    _assert_names_no_location(error, dead_endpoint, DEFAULT_INTERVIEWS_TABLE)


def test_sqs_unreachable_gives_no_endpoint_or_queue(dead_endpoint: str) -> None:
    queue_url = f"{dead_endpoint}/000000000000/{QUEUE_NAME}"
    source = SqsMessageSource(_fast(dead_endpoint).sqs(), queue_url)
    error = _raised(lambda: source.receive(1, 0))
    assert error.code == "QUEUE_UNAVAILABLE"
    _assert_names_no_location(error, dead_endpoint, queue_url)


def test_bedrock_unreachable_gives_no_endpoint(dead_endpoint: str) -> None:
    extractor = BedrockQuestionExtractor(_fast(dead_endpoint).bedrock_runtime(), "test-model")
    transcript = Transcript((Segment("Why do you want this job?", 0.0, 2.0),), duration=2.0)
    error = _raised(lambda: extractor.extract(transcript))
    assert isinstance(error, TransientError)
    _assert_names_no_location(error, dead_endpoint)


# --- what is stored -------------------------------------------------------------------------


@pytest.fixture
def tables(aws_endpoint: str) -> Iterator[DynamoDBInterviewRepository]:
    factory = _fast(aws_endpoint)
    create_interview_tables(factory.dynamodb())
    yield DynamoDBInterviewRepository(
        factory.dynamodb(), DEFAULT_INTERVIEWS_TABLE, DEFAULT_QUESTIONS_TABLE
    )


@pytest.mark.parametrize("s3_reachable", [True, False], ids=["missing-video", "s3-unreachable"])
def test_the_stored_error_message_names_no_location(
    aws_endpoint: str,
    dead_endpoint: str,
    tables: DynamoDBInterviewRepository,
    s3_reachable: bool,
) -> None:
    factory = _fast(aws_endpoint)
    factory.s3().create_bucket(Bucket=BUCKET)
    s3 = factory.s3() if s3_reachable else _fast(dead_endpoint).s3()
    interview_id = str(uuid.uuid4())
    put_interview(
        factory.dynamodb(),
        DEFAULT_INTERVIEWS_TABLE,
        Interview(id=interview_id, video_path=f"s3://{BUCKET}/{KEY}", user_id="user-1"),
    )
    use_case = ProcessInterview(
        tables,
        S3VideoStore(s3, BUCKET),
        SpyAudioExtractor(),
        SpyTranscriber(),
        SpyQuestionExtractor([]),
    )
    report = use_case.execute(interview_id, final_attempt=True)
    assert report.outcome is Outcome.FAILED
    stored = tables.get(interview_id)
    assert stored.error_code == ("VIDEO_NOT_FOUND" if s3_reachable else "STORAGE_UNAVAILABLE")
    assert stored.error_message
    for location in (BUCKET, KEY, "127.0.0.1", "http://", "s3://"):
        assert location not in stored.error_message, (location, stored.error_message)
