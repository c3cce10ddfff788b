"""TranscribeTranscriber against the moto server, and with botocore's Stubber where moto cannot go.

moto runs StartTranscriptionJob/GetTranscriptionJob (each Get moves a job one step through
QUEUED, IN_PROGRESS, COMPLETED) but writes no transcript: a hook on GetTranscriptionJob
places a real Amazon Transcribe output at the location the job reports once it completes
(see transcribe_support.Publisher and the fixtures in conftest.py).
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from adapters.aws.transcribe_transcriber import TranscribeTranscriber
from interview_core.entities import AudioFile
from interview_core.errors import (
    ConfigurationError,
    InterviewError,
    InvalidVideoLocation,
    TranscriptionFailed,
    TranscriptionUnavailable,
)
from tests.integration.aws.transcribe_support import (
    AUDIO_KEY,
    BASE_NAME,
    BUCKET,
    JOB_ID,
    JOB_NAME_RULE,
    NEWSCAST_SECONDS,
    OUTPUT_KEY,
    OUTPUT_URI,
    FakeTime,
    expected_transcript,
    transcriber_for,
)
from tests.provider_errors import raises_core_error

# --- Against the moto server --------------------------------------------------------------


def test_audio_is_uploaded_a_labelled_job_runs_and_the_reported_transcript_is_read(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    publish_transcript: list[str],
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    heard: list[tuple[float, float]] = []
    transcriber = transcriber_for(transcribe, s3, fake_time)

    transcript = transcriber.transcribe(
        audio, job_id=JOB_ID, progress=lambda done, total: heard.append((done, total))
    )

    assert transcript == expected_transcript(newscast, audio.duration)
    assert {segment.speaker for segment in transcript.segments} == {"spk_0", "spk_1", "spk_2"}
    assert transcript.segments[0].text.startswith("From Illinois Public Media News.")
    assert transcript.duration == NEWSCAST_SECONDS
    assert publish_transcript == [OUTPUT_URI]
    stored = s3.get_object(Bucket=BUCKET, Key=AUDIO_KEY)["Body"].read()
    assert stored == audio.path.read_bytes()
    job = transcribe.get_transcription_job(TranscriptionJobName=BASE_NAME)["TranscriptionJob"]
    assert job["Media"]["MediaFileUri"] == f"s3://{BUCKET}/{AUDIO_KEY}"
    assert job["MediaFormat"] == "flac"
    assert job["LanguageCode"] == "en-US"
    assert job["Settings"]["ShowSpeakerLabels"] is True
    assert job["Settings"]["MaxSpeakerLabels"] == 2
    assert calls[:3] == ["ListTranscriptionJobs", "PutObject", "StartTranscriptionJob"]
    assert fake_time.sleeps == [2.0, 4.0]  # QUEUED, IN_PROGRESS, then COMPLETED
    assert heard == [(0.0, NEWSCAST_SECONDS), (NEWSCAST_SECONDS, NEWSCAST_SECONDS)]


def test_a_second_run_reuses_the_completed_job_without_uploading_or_starting_again(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    publish_transcript: list[str],
    audio: AudioFile,
    fake_time: FakeTime,
) -> None:
    transcriber = transcriber_for(transcribe, s3, fake_time)
    first = transcriber.transcribe(audio, job_id=JOB_ID)
    calls.clear()

    second = transcriber.transcribe(audio, job_id=JOB_ID)

    assert second == first
    assert calls == ["ListTranscriptionJobs", "GetTranscriptionJob", "GetObject"]
    jobs = transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert [job["TranscriptionJobName"] for job in jobs] == [BASE_NAME]


def test_without_a_language_the_job_identifies_it(
    s3: Any, transcribe: Any, publish_transcript: list[str], audio: AudioFile, fake_time: FakeTime
) -> None:
    transcriber_for(transcribe, s3, fake_time, language=None, max_speakers=3).transcribe(
        audio, job_id=JOB_ID
    )

    job = transcribe.get_transcription_job(TranscriptionJobName=BASE_NAME)["TranscriptionJob"]
    assert job["IdentifyLanguage"] is True
    assert job["Settings"]["MaxSpeakerLabels"] == 3


@pytest.mark.parametrize(
    "job_id",
    [
        "../../etc/passwd",
        "a b/c?d=e&f",
        "ünïcødé-interview",
        "..",
        "x" * 600,
        f"{JOB_ID}-r2",
        f"{JOB_ID}-g1",
    ],
)
def test_hostile_ids_give_valid_deterministic_names_and_safe_keys(
    s3: Any,
    transcribe: Any,
    publish_transcript: list[str],
    audio: AudioFile,
    fake_time: FakeTime,
    job_id: str,
) -> None:
    transcriber = transcriber_for(transcribe, s3, fake_time)
    name = transcriber.job_name(job_id)

    transcriber.transcribe(audio, job_id=job_id)

    assert JOB_NAME_RULE.fullmatch(name)
    assert name == transcriber.job_name(job_id)
    assert name not in (transcriber.job_name(JOB_ID), f"{BASE_NAME}-r2", f"{BASE_NAME}-g1")
    jobs = transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert [job["TranscriptionJobName"] for job in jobs] == [name]
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 2
    for key in keys:
        assert key.startswith("transcribe/")
        assert not {".", ".."} & set(key.split("/"))
        assert re.fullmatch(r"[A-Za-z0-9\-_.!*'()/]+", key)


def test_a_stored_video_is_transcribed_in_place_without_any_upload(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    publish_transcript: list[str],
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    s3.put_object(Bucket=BUCKET, Key="videos/user-1/interview.mp4", Body=b"\x00\x00\x00\x18ftyp")
    calls.clear()
    transcriber = transcriber_for(transcribe, s3, fake_time)

    transcript = transcriber.transcribe_stored(
        f"s3://{BUCKET}/videos/user-1/interview.mp4", job_id=JOB_ID
    )

    assert transcript == expected_transcript(newscast, None)
    assert calls[:2] == ["ListTranscriptionJobs", "StartTranscriptionJob"]
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {"videos/user-1/interview.mp4", OUTPUT_KEY}  # the transcript, no audio copy
    job = transcribe.get_transcription_job(TranscriptionJobName=BASE_NAME)["TranscriptionJob"]
    assert job["Media"]["MediaFileUri"] == f"s3://{BUCKET}/videos/user-1/interview.mp4"
    assert job["MediaFormat"] == "mp4"


@pytest.mark.parametrize(
    ("key", "size", "duration", "accepted"),
    [
        ("videos/a.mp4", 10_000, 60.0, True),
        ("videos/a.WEBM", None, None, True),
        ("videos/a.m4a", 2 * 1024**3, 4 * 3600.0, True),
        ("videos/a.mp4", 2 * 1024**3 + 1, None, False),
        ("videos/a.mp4", 10_000, 4 * 3600.0 + 1, False),
        ("videos/a.mov", 10_000, 60.0, False),
        ("videos/a.mkv", 10_000, 60.0, False),
        ("videos/a", 10_000, 60.0, False),
    ],
)
def test_accepts_directly_only_containers_and_sizes_transcribe_reads(
    key: str, size: int | None, duration: float | None, accepted: bool
) -> None:
    assert TranscribeTranscriber.accepts_directly(key, size, duration) is accepted


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("videos/../../etc/passwd.mp4", InvalidVideoLocation),
        ("s3://Bad_Bucket/videos/a.mp4", InvalidVideoLocation),
        ("s3://bucket-only", InvalidVideoLocation),
        ("videos/interview.mov", TranscriptionFailed),
    ],
)
def test_an_unusable_stored_location_is_refused_before_any_request(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    fake_time: FakeTime,
    location: str,
    error: type[InterviewError],
) -> None:
    with pytest.raises(error):
        transcriber_for(transcribe, s3, fake_time).transcribe_stored(location, job_id=JOB_ID)

    assert calls == []


def test_a_missing_bucket_is_a_permanent_failure(
    transcribe: Any, s3: Any, audio: AudioFile, fake_time: FakeTime
) -> None:
    transcriber = TranscribeTranscriber(transcribe, s3, "no-such-bucket", sleep=fake_time.sleep)

    with pytest.raises(TranscriptionFailed, match="NoSuchBucket"):
        transcriber.transcribe(audio, job_id=JOB_ID)


def test_a_completed_job_without_its_transcript_is_a_permanent_failure(
    s3: Any, transcribe: Any, audio: AudioFile, fake_time: FakeTime
) -> None:
    with pytest.raises(TranscriptionFailed, match="NoSuchKey"):
        transcriber_for(transcribe, s3, fake_time).transcribe(audio, job_id=JOB_ID)


def test_a_transcript_that_is_not_transcribe_output_is_a_permanent_failure(
    s3: Any, transcribe: Any, audio: AudioFile, fake_time: FakeTime
) -> None:
    s3.put_object(Bucket=BUCKET, Key=OUTPUT_KEY, Body=b'{"results": "nothing useful"}')

    with pytest.raises(TranscriptionFailed, match="invalid Transcribe output"):
        transcriber_for(transcribe, s3, fake_time).transcribe(audio, job_id=JOB_ID)


def test_audio_in_a_format_transcribe_does_not_read_is_refused(
    s3: Any, transcribe: Any, calls: list[str], tmp_path: Path, fake_time: FakeTime
) -> None:
    path = tmp_path / "audio.aiff"
    path.write_bytes(b"FORM")

    with pytest.raises(TranscriptionFailed):
        transcriber_for(transcribe, s3, fake_time).transcribe(AudioFile(path, 1.0), job_id=JOB_ID)

    assert calls == []


def test_an_unreachable_service_is_transient(
    s3: Any, boto_session: boto3.Session, audio: AudioFile, fake_time: FakeTime
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1)
    offline = boto_session.client(
        "transcribe", endpoint_url=f"http://127.0.0.1:{closed}", config=config
    )

    with pytest.raises(TranscriptionUnavailable) as caught:
        transcriber_for(offline, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    assert isinstance(caught.value.__cause__, EndpointConnectionError)


# --- With botocore's Stubber (Transcribe) and the moto server (S3) -----------------------


def _listing(*jobs: tuple[str, str]) -> dict[str, Any]:
    return {
        "TranscriptionJobSummaries": [
            {"TranscriptionJobName": name, "TranscriptionJobStatus": status}
            for name, status in jobs
        ]
    }


def _job(name: str, status: str, reason: str | None = None) -> dict[str, Any]:
    job: dict[str, Any] = {"TranscriptionJobName": name, "TranscriptionJobStatus": status}
    if status == "COMPLETED":
        job["Transcript"] = {"TranscriptFileUri": OUTPUT_URI}
    if reason:
        job["FailureReason"] = reason
    return {"TranscriptionJob": job}


def _start_params(name: str) -> dict[str, Any]:
    return {
        "TranscriptionJobName": name,
        "Media": {"MediaFileUri": f"s3://{BUCKET}/{AUDIO_KEY}"},
        "MediaFormat": "flac",
        "OutputBucketName": BUCKET,
        "OutputKey": OUTPUT_KEY,
        "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2},
        "LanguageCode": "en-US",
    }


LIST_PARAMS = {"JobNameContains": BASE_NAME, "MaxResults": 100}


def test_a_failed_earlier_job_is_retried_under_a_new_suffix(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    client, stubber = offline_transcribe
    s3.put_object(Bucket=BUCKET, Key=OUTPUT_KEY, Body=newscast)
    stubber.add_response("list_transcription_jobs", _listing((BASE_NAME, "FAILED")), LIST_PARAMS)
    stubber.add_response(
        "get_transcription_job",
        _job(BASE_NAME, "FAILED", "Internal failure. Please try your request again."),
        {"TranscriptionJobName": BASE_NAME},
    )
    stubber.add_response("start_transcription_job", {}, _start_params(f"{BASE_NAME}-r2"))
    stubber.add_response(
        "get_transcription_job",
        _job(f"{BASE_NAME}-r2", "COMPLETED"),
        {"TranscriptionJobName": f"{BASE_NAME}-r2"},
    )

    transcript = transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()
    assert transcript == expected_transcript(newscast, audio.duration)
    assert s3.get_object(Bucket=BUCKET, Key=AUDIO_KEY)["Body"].read() == audio.path.read_bytes()


def test_the_latest_retry_is_the_one_awaited(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    client, stubber = offline_transcribe
    s3.put_object(Bucket=BUCKET, Key=OUTPUT_KEY, Body=newscast)
    listing = _listing(
        (BASE_NAME, "FAILED"), (f"{BASE_NAME}-r2", "IN_PROGRESS"), (f"{BASE_NAME}0", "COMPLETED")
    )
    stubber.add_response("list_transcription_jobs", listing, LIST_PARAMS)
    for status in ("IN_PROGRESS", "IN_PROGRESS", "COMPLETED"):
        stubber.add_response(
            "get_transcription_job",
            _job(f"{BASE_NAME}-r2", status),
            {"TranscriptionJobName": f"{BASE_NAME}-r2"},
        )

    transcript = transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()
    assert transcript.segments
    assert fake_time.sleeps == [2.0, 4.0]
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=AUDIO_KEY)  # no upload


def test_a_job_failing_on_its_media_is_permanent_without_a_new_job(
    s3: Any, offline_transcribe: tuple[Any, Stubber], audio: AudioFile, fake_time: FakeTime
) -> None:
    client, stubber = offline_transcribe
    reason = "The media format provided does not match the detected media format."
    stubber.add_response("list_transcription_jobs", _listing((BASE_NAME, "FAILED")), LIST_PARAMS)
    stubber.add_response("get_transcription_job", _job(BASE_NAME, "FAILED", reason))

    with pytest.raises(TranscriptionFailed, match="does not match the detected media format"):
        transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("Internal failure. Please try your request again.", TranscriptionUnavailable),
        ("Something unforeseen went wrong.", TranscriptionFailed),
    ],
)
def test_a_job_that_keeps_failing_is_retried_once_then_given_up(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    fake_time: FakeTime,
    reason: str,
    error: type[InterviewError],
) -> None:
    """The service's own failure is transient (a later attempt starts new jobs again); a
    reason nobody recognises is permanent, as before."""
    client, stubber = offline_transcribe
    stubber.add_response("list_transcription_jobs", _listing(), LIST_PARAMS)
    for name in (BASE_NAME, f"{BASE_NAME}-r2"):
        stubber.add_response("start_transcription_job", {}, _start_params(name))
        stubber.add_response("get_transcription_job", _job(name, "FAILED", reason))

    with pytest.raises(error, match=f"{BASE_NAME}-r2 failed: {reason[:12]}") as raised:
        transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()
    assert getattr(raised.value, "throttled", False) is False


def test_a_job_started_concurrently_elsewhere_is_awaited(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    client, stubber = offline_transcribe
    s3.put_object(Bucket=BUCKET, Key=OUTPUT_KEY, Body=newscast)
    stubber.add_response("list_transcription_jobs", _listing(), LIST_PARAMS)
    stubber.add_client_error(
        "start_transcription_job",
        "ConflictException",
        "The requested job name already exists. Use a different job name.",
        expected_params=_start_params(BASE_NAME),
    )
    stubber.add_response("get_transcription_job", _job(BASE_NAME, "COMPLETED"))

    transcript = transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()
    assert transcript == expected_transcript(newscast, audio.duration)


def test_polling_backs_off_to_the_cap_and_gives_up_at_the_deadline(
    s3: Any, offline_transcribe: tuple[Any, Stubber], audio: AudioFile, fake_time: FakeTime
) -> None:
    client, stubber = offline_transcribe
    stubber.add_response("list_transcription_jobs", _listing(), LIST_PARAMS)
    stubber.add_response("start_transcription_job", {}, _start_params(BASE_NAME))
    for _ in range(7):
        stubber.add_response("get_transcription_job", _job(BASE_NAME, "IN_PROGRESS"))
    transcriber = transcriber_for(
        client, s3, fake_time, poll_initial=2.0, poll_max=10.0, deadline_seconds=40.0
    )

    with pytest.raises(TranscriptionUnavailable, match="still IN_PROGRESS"):
        transcriber.transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()
    assert fake_time.sleeps == [2.0, 4.0, 8.0, 10.0, 10.0, 6.0]
    assert fake_time.now == 40.0


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("ThrottlingException", 400, TranscriptionUnavailable),
        ("LimitExceededException", 400, TranscriptionUnavailable),
        ("InternalFailureException", 500, TranscriptionUnavailable),
        ("ServiceUnavailable", 503, TranscriptionUnavailable),
        ("BadRequestException", 400, TranscriptionFailed),
        ("AccessDeniedException", 400, ConfigurationError),
    ],
)
def test_service_errors_become_core_errors(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    fake_time: FakeTime,
    code: str,
    status: int,
    error: type[InterviewError],
) -> None:
    client, stubber = offline_transcribe
    stubber.add_response("list_transcription_jobs", _listing(), LIST_PARAMS)

    raised = raises_core_error(
        stubber,
        "start_transcription_job",
        code,
        status,
        error,
        lambda: transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID),
        message=f"{code} says no",
    )

    assert getattr(raised, "throttled", False) is (
        code in ("ThrottlingException", "LimitExceededException")
    )
    stubber.assert_no_pending_responses()
    assert f"{code} says no" in str(raised)


def test_throttled_polling_is_transient(
    s3: Any, offline_transcribe: tuple[Any, Stubber], audio: AudioFile, fake_time: FakeTime
) -> None:
    client, stubber = offline_transcribe
    stubber.add_response("list_transcription_jobs", _listing((BASE_NAME, "IN_PROGRESS")))
    stubber.add_client_error("get_transcription_job", "ThrottlingException", "Rate exceeded")

    with pytest.raises(TranscriptionUnavailable, match="Rate exceeded"):
        transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "options",
    [
        {"max_speakers": 1},
        {"max_speakers": 31},
        {"poll_initial": 0},
        {"deadline_seconds": -1},
        {"job_attempts": 0},
        {"key_prefix": "../escape/"},
        {"key_prefix": "/absolute/"},
        {"key_prefix": "with space/"},
    ],
)
def test_bad_settings_are_refused_at_construction(
    offline_transcribe: tuple[Any, Stubber], options: dict[str, Any]
) -> None:
    client, _ = offline_transcribe
    with pytest.raises(ValueError):
        TranscribeTranscriber(client, client, BUCKET, **options)
