"""TranscribeTranscriber with stub clients: a job waiting in QUEUED, and which provider errors
are throttling (no attempt spent), merely transient, or permanent. No network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from adapters.aws.transcribe_transcriber import TranscribeTranscriber
from interview_core.entities import AudioFile
from interview_core.errors import (
    ConfigurationError,
    InterviewError,
    TranscriptionFailed,
    TranscriptionUnavailable,
)

BUCKET = "videos"
JOB_ID = "0b9f3a52-5d0e-4a57-9a53-3c1f6a9d2b7e"
NAME = f"interview-{JOB_ID}"
VIDEO = f"videos/u/{JOB_ID}/interview.mp4"
ROLE = "arn:aws:iam::123456789012:role/transcribe-data-access"


def client_error(code: str, status: int, operation: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": f"{code} says no"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )


class StubTranscribe:
    """Answers with the listed jobs and, for each Get, the next status (the last repeats);
    `fail` makes one operation raise the given error. Records every request."""

    def __init__(self, statuses: list[str], existing: list[str] | None = None) -> None:
        self.statuses: Iterator[str] = iter(statuses)
        self.last = statuses[-1] if statuses else "COMPLETED"
        self.existing = existing or []
        self.fail: dict[str, ClientError] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def _call(self, operation: str, request: dict[str, Any]) -> None:
        self.requests.append((operation, request))
        if operation in self.fail:
            raise self.fail[operation]

    def list_transcription_jobs(self, **request: Any) -> dict[str, Any]:
        self._call("ListTranscriptionJobs", request)
        return {"TranscriptionJobSummaries": [{"TranscriptionJobName": n} for n in self.existing]}

    def start_transcription_job(self, **request: Any) -> dict[str, Any]:
        self._call("StartTranscriptionJob", request)
        return {"TranscriptionJob": {"TranscriptionJobName": request["TranscriptionJobName"]}}

    def get_transcription_job(self, **request: Any) -> dict[str, Any]:
        self._call("GetTranscriptionJob", request)
        self.last = next(self.statuses, self.last)
        return {"TranscriptionJob": {"TranscriptionJobStatus": self.last}}

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.requests]


class StubS3:
    """An S3 client whose uploads fail with `error`, if given."""

    def __init__(self, error: ClientError | None = None) -> None:
        self.error = error

    def put_object(self, **_: Any) -> None:
        if self.error is not None:
            raise self.error


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def transcriber(
    transcribe: StubTranscribe, s3: StubS3 | None = None, clock: Clock | None = None, **options: Any
) -> TranscribeTranscriber:
    clock = clock or Clock()
    return TranscribeTranscriber(
        transcribe,  # type: ignore[arg-type]
        s3 or StubS3(),  # type: ignore[arg-type]
        BUCKET,
        sleep=clock.sleep,
        clock=clock,
        **options,
    )


# --- a job waiting in QUEUED ------------------------------------------------------------------


def test_a_job_queued_until_the_deadline_is_throttled_after_waiting_the_whole_deadline() -> None:
    stub, clock = StubTranscribe(["QUEUED"]), Clock()
    adapter = transcriber(stub, clock=clock, data_access_role_arn=ROLE, deadline_seconds=100.0)

    with pytest.raises(TranscriptionUnavailable, match="still QUEUED after 100 s") as caught:
        adapter.transcribe_stored(VIDEO, job_id=JOB_ID)

    assert caught.value.throttled is True
    assert "concurrent-job quota" in caught.value.message
    assert clock.now == 100.0
    assert clock.sleeps == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 10.0]
    (start,) = [request for operation, request in stub.requests if operation.startswith("Start")]
    assert start["JobExecutionSettings"] == {
        "AllowDeferredExecution": True,
        "DataAccessRoleArn": ROLE,
    }


def test_a_queued_job_that_starts_running_is_no_longer_throttling_at_the_deadline() -> None:
    stub = StubTranscribe(["QUEUED", "QUEUED", "IN_PROGRESS"])
    adapter = transcriber(stub, data_access_role_arn=ROLE, deadline_seconds=20.0)

    with pytest.raises(TranscriptionUnavailable, match="still IN_PROGRESS") as caught:
        adapter.transcribe_stored(VIDEO, job_id=JOB_ID)

    assert caught.value.throttled is False


def test_a_retry_waits_on_the_queued_job_it_finds_instead_of_starting_another() -> None:
    stub = StubTranscribe(["QUEUED"], existing=[NAME])
    adapter = transcriber(stub, data_access_role_arn=ROLE, deadline_seconds=5.0)

    with pytest.raises(TranscriptionUnavailable) as caught:
        adapter.transcribe_stored(VIDEO, job_id=JOB_ID)

    assert caught.value.throttled is True
    assert "StartTranscriptionJob" not in stub.operations()
    assert {request.get("TranscriptionJobName") for _, request in stub.requests[1:]} == {NAME}


def test_without_a_data_access_role_jobs_start_without_execution_settings() -> None:
    stub = StubTranscribe(["QUEUED"])
    adapter = transcriber(stub, deadline_seconds=1.0)

    with pytest.raises(TranscriptionUnavailable):
        adapter.transcribe_stored(VIDEO, job_id=JOB_ID)

    assert not adapter.defers_jobs
    (start,) = [request for operation, request in stub.requests if operation.startswith("Start")]
    assert "JobExecutionSettings" not in start


@pytest.mark.parametrize(
    "role",
    [
        "",
        "transcribe-data-access",
        "arn:aws:iam::123456789012:user/someone",
        "arn:aws:iam::12345:role/short-account",
        "arn:aws:s3:::videos",
        f"{ROLE} ",
    ],
)
def test_a_data_access_role_that_is_not_a_role_arn_is_refused(role: str) -> None:
    with pytest.raises(ValueError, match="IAM role ARN"):
        transcriber(StubTranscribe([]), data_access_role_arn=role)


@pytest.mark.parametrize(
    "role",
    [ROLE, "arn:aws-cn:iam::123456789012:role/service-role/transcribe.data_access@team+1"],
)
def test_a_role_arn_in_any_partition_and_path_is_accepted(role: str) -> None:
    assert transcriber(StubTranscribe([]), data_access_role_arn=role).defers_jobs


# --- which errors are throttling --------------------------------------------------------------

ERRORS = [
    ("ThrottlingException", 400, TranscriptionUnavailable, True),
    ("LimitExceededException", 400, TranscriptionUnavailable, True),
    ("TooManyRequestsException", 429, TranscriptionUnavailable, True),
    ("SomethingNew", 429, TranscriptionUnavailable, True),
    ("InternalFailureException", 500, TranscriptionUnavailable, False),
    ("ServiceUnavailable", 503, TranscriptionUnavailable, False),
    ("BadRequestException", 400, TranscriptionFailed, None),
    ("AccessDeniedException", 400, ConfigurationError, None),
]


@pytest.mark.parametrize(
    "operation", ["StartTranscriptionJob", "GetTranscriptionJob", "ListTranscriptionJobs"]
)
@pytest.mark.parametrize(("code", "status", "error", "throttled"), ERRORS)
def test_transcribe_errors_are_classified_on_every_call(
    operation: str, code: str, status: int, error: type[InterviewError], throttled: bool | None
) -> None:
    stub = StubTranscribe(["IN_PROGRESS"])
    stub.fail[operation] = client_error(code, status, operation)

    with pytest.raises(error) as caught:
        transcriber(stub, data_access_role_arn=ROLE).transcribe_stored(VIDEO, job_id=JOB_ID)

    assert type(caught.value) is error
    assert caught.value.__cause__ is stub.fail[operation]
    assert f"{code} says no" in caught.value.message
    if throttled is not None:
        assert isinstance(caught.value, TranscriptionUnavailable)
        assert caught.value.throttled is throttled
    assert stub.operations()[-1] == operation


@pytest.mark.parametrize(
    ("code", "status", "error", "throttled"),
    [
        ("SlowDown", 503, TranscriptionUnavailable, True),
        ("InternalError", 500, TranscriptionUnavailable, False),
        ("AccessDenied", 403, ConfigurationError, None),
    ],
)
def test_the_audio_upload_is_throttled_only_when_s3_says_slow_down(
    tmp_path: Path, code: str, status: int, error: type[InterviewError], throttled: bool | None
) -> None:
    audio = tmp_path / "audio.flac"
    audio.write_bytes(b"fLaC")
    stub = StubTranscribe(["COMPLETED"])
    s3 = StubS3(client_error(code, status, "PutObject"))

    with pytest.raises(error) as caught:
        transcriber(stub, s3).transcribe(AudioFile(audio, 1.0), job_id=JOB_ID)

    assert type(caught.value) is error
    assert getattr(caught.value, "throttled", None) is throttled
    assert "StartTranscriptionJob" not in stub.operations()
