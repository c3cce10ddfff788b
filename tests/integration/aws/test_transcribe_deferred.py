"""Deferred execution against the moto server: jobs carry the data access role, a job held in
QUEUED past the deadline is throttling (no attempt spent), and the retry finds that same job.

moto's state manager (`/moto-api/state-manager/set-transition`) holds a job in QUEUED, as
Transcribe does while the account's concurrent jobs are at their quota.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from adapters.aws.transcribe_transcriber import TranscribeTranscriber
from interview_core.entities import AudioFile
from interview_core.errors import TranscriptionUnavailable
from tests.integration.aws.transcribe_support import (
    BASE_NAME,
    BUCKET,
    JOB_ID,
    NEWSCAST,
    FakeTime,
)

ROLE = "arn:aws:iam::123456789012:role/ai-interviews-transcribe-data-access"
JOB_MODEL = "transcribe::transcriptionjob"


def _moto_api(endpoint: str, action: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/state-manager/{action}",
        data=json.dumps(body).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)


@pytest.fixture
def s3(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    client = boto_session.client("s3", endpoint_url=aws_endpoint, config=client_config)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def transcribe(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Any:
    return boto_session.client("transcribe", endpoint_url=aws_endpoint, config=client_config)


@pytest.fixture
def requests(transcribe: Any) -> list[tuple[str, dict[str, Any]]]:
    """Each Transcribe operation requested, with its parameters, in order."""
    made: list[tuple[str, dict[str, Any]]] = []
    transcribe.meta.events.register(
        "before-parameter-build.transcribe.*",
        lambda model, params, **_: made.append((model.name, json.loads(json.dumps(params)))),
    )
    return made


@pytest.fixture
def started(transcribe: Any) -> list[dict[str, Any]]:
    """What moto answered to each StartTranscriptionJob: the job as the service made it."""
    jobs: list[dict[str, Any]] = []
    transcribe.meta.events.register(
        "after-call.transcribe.StartTranscriptionJob",
        lambda parsed, **_: jobs.append(parsed["TranscriptionJob"]),
    )
    return jobs


@pytest.fixture
def publish_transcript(s3: Any, transcribe: Any, real_fixtures: Path) -> None:
    """Write a real Transcribe output where a completed job says its transcript is."""
    body = (real_fixtures / NEWSCAST).read_bytes()

    def on_get(parsed: dict[str, Any], **_: Any) -> None:
        job = parsed.get("TranscriptionJob", {})
        uri = job.get("Transcript", {}).get("TranscriptFileUri")
        if job.get("TranscriptionJobStatus") == "COMPLETED" and uri:
            bucket, _, key = urlsplit(uri).path.lstrip("/").partition("/")
            s3.put_object(Bucket=bucket, Key=key, Body=body)

    transcribe.meta.events.register("after-call.transcribe.GetTranscriptionJob", on_get)


@pytest.fixture
def quota_full(aws_endpoint: str, transcribe: Any) -> Iterator[Callable[[], None]]:
    """Hold every job that reaches QUEUED there, as a full concurrency quota does; the
    fixture's value lets the queue move again (moto's own progression, one step per Get)."""
    held = {"on": True}

    def hold(parsed: dict[str, Any], **_: Any) -> None:
        status = parsed.get("TranscriptionJob", {}).get("TranscriptionJobStatus")
        if held["on"] and status == "QUEUED":
            transition = {"progression": "manual", "times": 1_000_000}
            _moto_api(
                aws_endpoint, "set-transition", {"model_name": JOB_MODEL, "transition": transition}
            )

    def release() -> None:
        held["on"] = False
        _moto_api(aws_endpoint, "unset-transition", {"model_name": JOB_MODEL})

    transcribe.meta.events.register("after-call.transcribe.GetTranscriptionJob", hold)
    try:
        yield release
    finally:
        _moto_api(aws_endpoint, "unset-transition", {"model_name": JOB_MODEL})


@pytest.fixture
def audio(tmp_path: Path) -> AudioFile:
    path = tmp_path / "audio.flac"
    path.write_bytes(b"fLaC" + bytes(range(256)) * 40)
    return AudioFile(path=path, duration=189.07, sample_rate=16_000, channels=1)


def _transcriber(transcribe: Any, s3: Any, time: FakeTime, **options: Any) -> TranscribeTranscriber:
    return TranscribeTranscriber(
        transcribe, s3, BUCKET, sleep=time.sleep, clock=time.clock, **options
    )


def _starts(requests: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [params for name, params in requests if name == "StartTranscriptionJob"]


def test_with_a_data_access_role_the_job_is_started_deferred_as_that_role(
    s3: Any,
    transcribe: Any,
    requests: list[tuple[str, dict[str, Any]]],
    started: list[dict[str, Any]],
    publish_transcript: None,
    audio: AudioFile,
) -> None:
    transcriber = _transcriber(transcribe, s3, FakeTime(), data_access_role_arn=ROLE)

    transcript = transcriber.transcribe(audio, job_id=JOB_ID)

    assert transcriber.defers_jobs
    assert transcript.segments
    (start,) = _starts(requests)
    expected = {"AllowDeferredExecution": True, "DataAccessRoleArn": ROLE}
    assert start["JobExecutionSettings"] == expected
    assert [job["JobExecutionSettings"] for job in started] == [expected]


def test_without_a_data_access_role_the_job_is_not_deferred(
    s3: Any,
    transcribe: Any,
    requests: list[tuple[str, dict[str, Any]]],
    started: list[dict[str, Any]],
    publish_transcript: None,
    audio: AudioFile,
) -> None:
    transcriber = _transcriber(transcribe, s3, FakeTime())

    transcriber.transcribe(audio, job_id=JOB_ID)

    assert not transcriber.defers_jobs
    (start,) = _starts(requests)
    assert "JobExecutionSettings" not in start
    assert started[0]["JobExecutionSettings"]["AllowDeferredExecution"] is False


def test_a_job_queued_past_the_deadline_is_throttling_and_the_retry_finds_that_same_job(
    s3: Any,
    transcribe: Any,
    requests: list[tuple[str, dict[str, Any]]],
    publish_transcript: None,
    quota_full: Callable[[], None],
    audio: AudioFile,
) -> None:
    time = FakeTime()
    transcriber = _transcriber(
        transcribe, s3, time, data_access_role_arn=ROLE, poll_max=10.0, deadline_seconds=60.0
    )

    with pytest.raises(TranscriptionUnavailable, match="still QUEUED after 60 s") as caught:
        transcriber.transcribe(audio, job_id=JOB_ID)

    assert caught.value.throttled is True
    assert time.now == 60.0  # it waited the whole deadline before giving up
    job = transcribe.get_transcription_job(TranscriptionJobName=BASE_NAME)["TranscriptionJob"]
    assert job["TranscriptionJobStatus"] == "QUEUED"
    requests.clear()
    quota_full()  # the quota frees up

    transcript = transcriber.transcribe(audio, job_id=JOB_ID)

    assert transcript.segments
    assert _starts(requests) == []  # no second job: the queued one ran
    jobs = transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert [job["TranscriptionJobName"] for job in jobs] == [BASE_NAME]


def test_a_job_still_in_progress_at_the_deadline_is_transient_but_not_throttling(
    s3: Any, transcribe: Any, audio: AudioFile
) -> None:
    time = FakeTime()
    transcriber = _transcriber(transcribe, s3, time, poll_initial=1.0, deadline_seconds=1.0)

    with pytest.raises(TranscriptionUnavailable, match="still IN_PROGRESS") as caught:
        transcriber.transcribe(audio, job_id=JOB_ID)

    assert caught.value.throttled is False
