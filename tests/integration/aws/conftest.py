"""Fixtures of the Transcribe tests: moto's S3 and Transcribe clients, the calls made, the
published transcripts, a Stubber-only client, the audio and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from interview_core.entities import AudioFile
from tests.integration.aws.transcribe_support import (
    BUCKET,
    NEWSCAST,
    NEWSCAST_SECONDS,
    REGION,
    FakeTime,
    Publisher,
)
from tests.provider_errors import offline_client
from tests.provider_errors import stubbed as stubbed_client


@pytest.fixture
def newscast(real_fixtures: Path) -> bytes:
    return (real_fixtures / NEWSCAST).read_bytes()


@pytest.fixture
def s3(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    client = boto_session.client("s3", endpoint_url=aws_endpoint, config=client_config)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def transcribe(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    return boto_session.client("transcribe", endpoint_url=aws_endpoint, config=client_config)


@pytest.fixture
def calls(s3: Any, transcribe: Any) -> list[str]:
    """The names of the S3 and Transcribe operations requested, in order."""
    made: list[str] = []
    for client in (s3, transcribe):
        client.meta.events.register("before-call.*.*", lambda model, **_: made.append(model.name))
    return made


@pytest.fixture
def publisher(s3: Any, transcribe: Any, newscast: bytes) -> Publisher:
    """Transcripts for the jobs moto completes: the newscast until a test says otherwise."""
    publishing = Publisher(s3, newscast)
    transcribe.meta.events.register("after-call.transcribe.GetTranscriptionJob", publishing.on_get)
    return publishing


@pytest.fixture
def publish_transcript(publisher: Publisher) -> list[str]:
    """Write the real output where a completed job says its transcript is; list those URIs."""
    return publisher.published


@pytest.fixture
def audio(tmp_path: Path) -> AudioFile:
    path = tmp_path / "audio.flac"
    path.write_bytes(b"fLaC" + bytes(range(256)) * 40)
    return AudioFile(path=path, duration=NEWSCAST_SECONDS, sample_rate=16_000, channels=1)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def offline_transcribe() -> Iterator[tuple[Any, Stubber]]:
    """A Transcribe client that answers only from a Stubber, never over the network."""
    client = offline_client("transcribe", REGION)
    with stubbed_client(client, check_pending=False) as stubber:
        yield client, stubber
