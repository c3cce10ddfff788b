"""TranscribeTranscriber across generations and renewed jobs, against the moto server and,
for job states moto cannot produce (FAILED), with botocore's Stubber.

A reprocessed interview (a later generation) gets a job, an audio upload and a transcript of
its own; within a generation a completed job whose transcript has expired, or a job that
failed in the service, is replaced by a new job under the next `-r<n>` suffix, a few at most
per call; a job that failed on its media is not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables, put_interview
from adapters.aws.s3_in_place_transcriber import S3InPlaceTranscriber
from adapters.aws.s3_stage_store import S3StageStore
from adapters.aws.s3_video_store import S3VideoStore
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.transcripts import parse_transcribe_output
from interview_core.entities import AudioFile, Interview
from interview_core.errors import InterviewError, TranscriptionFailed, TranscriptionUnavailable
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.reprocess_interview import ReprocessInterview
from tests.integration.aws.transcribe_support import (
    AUDIO_KEY,
    BASE_NAME,
    BUCKET,
    JOB_ID,
    OUTPUT_KEY,
    REGION,
    FakeTime,
    Publisher,
    expected_transcript,
    transcriber_for,
)
from tests.unit.fakes import SpyAudioExtractor, SpyTranscriber

OTHER = "transcribe_2020_speaker_labels_3spk.json"
G1_NAME = f"{BASE_NAME}-g1"
G1_FOLDER = f"transcribe/{JOB_ID}-g1"


def _job_names(transcribe: Any) -> list[str]:
    summaries = transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    return sorted(job["TranscriptionJobName"] for job in summaries)


def _keys(s3: Any) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


# --- Against the moto server --------------------------------------------------------------


def test_a_new_generation_runs_its_own_job_and_reads_its_own_transcript(
    s3: Any,
    transcribe: Any,
    publisher: Publisher,
    audio: AudioFile,
    newscast: bytes,
    real_fixtures: Path,
    fake_time: FakeTime,
) -> None:
    transcriber = transcriber_for(transcribe, s3, fake_time)
    first = transcriber.transcribe(audio, job_id=JOB_ID)
    publisher.body = (real_fixtures / OTHER).read_bytes()  # the language or video was fixed

    again = transcriber.transcribe(audio, job_id=JOB_ID, generation=1)

    assert first == expected_transcript(newscast, audio.duration)
    assert again == expected_transcript(publisher.body, audio.duration)
    assert again != first
    assert transcriber.job_name(JOB_ID, 1) == G1_NAME
    assert _job_names(transcribe) == [BASE_NAME, G1_NAME]
    job = transcribe.get_transcription_job(TranscriptionJobName=G1_NAME)["TranscriptionJob"]
    assert job["Media"]["MediaFileUri"] == f"s3://{BUCKET}/{G1_FOLDER}/audio.flac"
    assert publisher.published[-1].endswith(f"/{BUCKET}/{G1_FOLDER}/transcript.json")
    assert {AUDIO_KEY, OUTPUT_KEY, f"{G1_FOLDER}/audio.flac"} <= _keys(s3)


def test_a_retry_within_a_generation_reuses_that_generations_job(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    publisher: Publisher,
    audio: AudioFile,
    real_fixtures: Path,
    fake_time: FakeTime,
) -> None:
    publisher.body = (real_fixtures / OTHER).read_bytes()
    transcriber = transcriber_for(transcribe, s3, fake_time)
    first = transcriber.transcribe(audio, job_id=JOB_ID, generation=3)
    calls.clear()

    second = transcriber.transcribe(audio, job_id=JOB_ID, generation=3)

    assert second == first == expected_transcript(publisher.body, audio.duration)
    assert calls == ["ListTranscriptionJobs", "GetTranscriptionJob", "GetObject"]
    assert _job_names(transcribe) == [f"{BASE_NAME}-g3"]


def test_a_stored_video_is_transcribed_in_place_in_its_generation(
    s3: Any, transcribe: Any, publisher: Publisher, fake_time: FakeTime
) -> None:
    video = "videos/user-1/interview.mp4"
    s3.put_object(Bucket=BUCKET, Key=video, Body=b"\x00\x00\x00\x18ftyp")
    transcriber = transcriber_for(transcribe, s3, fake_time)

    transcriber.transcribe_stored(video, job_id=JOB_ID, generation=2)

    assert _job_names(transcribe) == [f"{BASE_NAME}-g2"]
    assert _keys(s3) == {video, f"transcribe/{JOB_ID}-g2/transcript.json"}


def test_an_expired_transcript_is_made_again_by_a_new_job_that_later_runs_reuse(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    publisher: Publisher,
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    transcriber = transcriber_for(transcribe, s3, fake_time)
    transcriber.transcribe(audio, job_id=JOB_ID)
    s3.delete_objects(  # the bucket's lifecycle rule expires both after 30 days
        Bucket=BUCKET, Delete={"Objects": [{"Key": OUTPUT_KEY}, {"Key": AUDIO_KEY}]}
    )
    calls.clear()

    renewed = transcriber.transcribe(audio, job_id=JOB_ID)

    assert renewed == expected_transcript(newscast, audio.duration)
    assert calls[:5] == [
        "ListTranscriptionJobs", "GetTranscriptionJob", "GetObject",  # found, but gone
        "PutObject", "StartTranscriptionJob",  # the audio again, for the new job
    ]  # fmt: skip
    assert _job_names(transcribe) == [BASE_NAME, f"{BASE_NAME}-r2"]
    assert s3.get_object(Bucket=BUCKET, Key=AUDIO_KEY)["Body"].read() == audio.path.read_bytes()
    calls.clear()

    assert transcriber.transcribe(audio, job_id=JOB_ID) == renewed
    assert calls == ["ListTranscriptionJobs", "GetTranscriptionJob", "GetObject"]


def test_a_new_job_whose_transcript_is_missing_too_is_a_permanent_failure(
    s3: Any, transcribe: Any, publisher: Publisher, audio: AudioFile, fake_time: FakeTime
) -> None:
    transcriber = transcriber_for(transcribe, s3, fake_time)
    transcriber.transcribe(audio, job_id=JOB_ID)
    s3.delete_object(Bucket=BUCKET, Key=OUTPUT_KEY)
    publisher.on = False  # the new job's transcript never appears either

    with pytest.raises(TranscriptionFailed, match="NoSuchKey"):
        transcriber.transcribe(audio, job_id=JOB_ID)

    assert _job_names(transcribe) == [BASE_NAME, f"{BASE_NAME}-r2"]


@pytest.mark.parametrize("generation", [-1, True, 1.5])
def test_a_generation_that_is_not_a_count_is_refused_before_any_request(
    s3: Any,
    transcribe: Any,
    calls: list[str],
    audio: AudioFile,
    fake_time: FakeTime,
    generation: Any,
) -> None:
    transcriber = transcriber_for(transcribe, s3, fake_time)

    with pytest.raises(ValueError, match="generation"):
        transcriber.transcribe(audio, job_id=JOB_ID, generation=generation)
    with pytest.raises(ValueError, match="generation"):
        transcriber.transcribe_stored("videos/a.mp4", job_id=JOB_ID, generation=generation)

    assert calls == []


# --- With botocore's Stubber (Transcribe) and the moto server (S3) -----------------------


def _listing(*jobs: tuple[str, str]) -> dict[str, Any]:
    return {
        "TranscriptionJobSummaries": [
            {"TranscriptionJobName": name, "TranscriptionJobStatus": status}
            for name, status in jobs
        ]
    }


def _job(name: str, status: str, reason: str | None = None, *, folder: str = "") -> Any:
    job: dict[str, Any] = {"TranscriptionJobName": name, "TranscriptionJobStatus": status}
    if status == "COMPLETED":
        key = f"{folder or f'transcribe/{JOB_ID}'}/transcript.json"
        job["Transcript"] = {
            "TranscriptFileUri": f"https://s3.{REGION}.amazonaws.com/{BUCKET}/{key}"
        }
    if reason:
        job["FailureReason"] = reason
    return {"TranscriptionJob": job}


def _start(name: str, folder: str = f"transcribe/{JOB_ID}") -> dict[str, Any]:
    return {
        "TranscriptionJobName": name,
        "Media": {"MediaFileUri": f"s3://{BUCKET}/{folder}/audio.flac"},
        "MediaFormat": "flac",
        "OutputBucketName": BUCKET,
        "OutputKey": f"{folder}/transcript.json",
        "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2},
        "LanguageCode": "en-US",
    }


INTERNAL = "Internal failure. Please try your request again."


def test_a_rerun_after_every_earlier_job_failed_in_the_service_starts_a_new_job(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    """An earlier attempt spent its jobs (r1 and r2 failed internally) and was retried."""
    client, stubber = offline_transcribe
    s3.put_object(Bucket=BUCKET, Key=OUTPUT_KEY, Body=newscast)
    earlier = _listing((BASE_NAME, "FAILED"), (f"{BASE_NAME}-r2", "FAILED"))
    stubber.add_response("list_transcription_jobs", earlier)
    stubber.add_response("get_transcription_job", _job(f"{BASE_NAME}-r2", "FAILED", INTERNAL))
    stubber.add_response("start_transcription_job", {}, _start(f"{BASE_NAME}-r3"))
    stubber.add_response("get_transcription_job", _job(f"{BASE_NAME}-r3", "COMPLETED"))

    transcript = transcriber_for(client, s3, fake_time).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()
    assert transcript == expected_transcript(newscast, audio.duration)


@pytest.mark.parametrize(
    ("reason", "error"),
    [(INTERNAL, TranscriptionUnavailable), ("Something unforeseen.", TranscriptionFailed)],
)
def test_one_call_starts_at_most_job_attempts_new_jobs(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    fake_time: FakeTime,
    reason: str,
    error: type[InterviewError],
) -> None:
    client, stubber = offline_transcribe
    stubber.add_response("list_transcription_jobs", _listing((BASE_NAME, "FAILED")))
    stubber.add_response("get_transcription_job", _job(BASE_NAME, "FAILED", reason))
    for attempt in (2, 3, 4):
        name = f"{BASE_NAME}-r{attempt}"
        stubber.add_response("start_transcription_job", {}, _start(name))
        stubber.add_response("get_transcription_job", _job(name, "FAILED", reason))

    with pytest.raises(error, match=f"{BASE_NAME}-r4 failed"):
        transcriber_for(client, s3, fake_time, job_attempts=3).transcribe(audio, job_id=JOB_ID)

    stubber.assert_no_pending_responses()  # three new jobs, and no fourth


def test_an_earlier_job_that_failed_on_its_media_starts_no_new_job_in_any_call(
    s3: Any, offline_transcribe: tuple[Any, Stubber], audio: AudioFile, fake_time: FakeTime
) -> None:
    client, stubber = offline_transcribe
    reason = "Invalid sample rate for audio file."
    for _ in range(2):
        stubber.add_response("list_transcription_jobs", _listing((G1_NAME, "FAILED")))
        stubber.add_response("get_transcription_job", _job(G1_NAME, "FAILED", reason))
    transcriber = transcriber_for(client, s3, fake_time)

    for _ in range(2):
        with pytest.raises(TranscriptionFailed, match="cannot use the media"):
            transcriber.transcribe(audio, job_id=JOB_ID, generation=1)

    stubber.assert_no_pending_responses()


def test_only_jobs_of_the_callers_generation_count(
    s3: Any,
    offline_transcribe: tuple[Any, Stubber],
    audio: AudioFile,
    newscast: bytes,
    fake_time: FakeTime,
) -> None:
    client, stubber = offline_transcribe
    s3.put_object(Bucket=BUCKET, Key=f"{G1_FOLDER}/transcript.json", Body=newscast)
    listing = _listing(  # what JobNameContains finds for generation 1
        (f"{BASE_NAME}-g10", "COMPLETED"),
        (f"{BASE_NAME}-g10-r5", "COMPLETED"),
        (G1_NAME, "FAILED"),
    )
    stubber.add_response(
        "list_transcription_jobs", listing, {"JobNameContains": G1_NAME, "MaxResults": 100}
    )
    stubber.add_response(
        "get_transcription_job",
        _job(G1_NAME, "FAILED", INTERNAL),
        {"TranscriptionJobName": G1_NAME},
    )
    stubber.add_response("start_transcription_job", {}, _start(f"{G1_NAME}-r2", G1_FOLDER))
    stubber.add_response(
        "get_transcription_job", _job(f"{G1_NAME}-r2", "COMPLETED", folder=G1_FOLDER)
    )

    transcript = transcriber_for(client, s3, fake_time).transcribe(
        audio, job_id=JOB_ID, generation=1
    )

    stubber.assert_no_pending_responses()
    assert transcript == expected_transcript(newscast, audio.duration)


# --- The whole worker path: process, reprocess, process again ---------------------------


class SentRequests:
    """The RequestSender port, keeping what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_request(self, interview_id: str) -> str:
        self.sent.append(interview_id)
        return f"message-{len(self.sent)}"


def test_a_reprocessed_interview_is_transcribed_again_by_a_job_of_its_new_generation(
    s3: Any,
    transcribe: Any,
    publisher: Publisher,
    newscast: bytes,
    real_fixtures: Path,
    fake_time: FakeTime,
    aws_endpoint: str,
    boto_session: boto3.Session,
    client_config: Config,
) -> None:
    """The video was transcribed in the wrong language; the operator fixes the setting and
    reprocesses it: the rerun must not read the first job's transcript again."""
    dynamodb = boto_session.client("dynamodb", endpoint_url=aws_endpoint, config=client_config)
    create_interview_tables(dynamodb, "interviews", "questions", questions_index="by-interview")
    repository = DynamoDBInterviewRepository(
        dynamodb, "interviews", "questions", questions_index="by-interview"
    )
    video = f"videos/user-1/{JOB_ID}/interview.mp4"
    s3.put_object(Bucket=BUCKET, Key=video, Body=b"\x00\x00\x00\x18ftyp")
    put_interview(dynamodb, "interviews", Interview(id=JOB_ID, video_path=video))
    store = S3VideoStore(s3, BUCKET)
    worker = ProcessInterview(
        repository,
        store,
        SpyAudioExtractor(),
        SpyTranscriber(),  # never used: Transcribe reads the mp4 where it lies
        HeuristicQuestionExtractor(),
        in_place_transcriber=S3InPlaceTranscriber(
            store, transcriber_for(transcribe, s3, fake_time)
        ),
        stage_store=S3StageStore(s3, BUCKET),
    )
    first = worker.execute(JOB_ID)
    publisher.body = (real_fixtures / OTHER).read_bytes()  # what the right language gives
    requests = SentRequests()

    reset = ReprocessInterview(repository, requests).execute(JOB_ID)
    again = worker.execute(JOB_ID)

    assert (first.outcome, again.outcome) == (Outcome.COMPLETED, Outcome.COMPLETED)
    assert (reset.generation, requests.sent) == (1, [JOB_ID])
    assert first.segment_count == len(parse_transcribe_output(newscast).segments)
    assert again.segment_count == len(parse_transcribe_output(publisher.body).segments)
    assert again.segment_count != first.segment_count
    assert _job_names(transcribe) == [BASE_NAME, G1_NAME]
    assert repository.get(JOB_ID).generation == 1
