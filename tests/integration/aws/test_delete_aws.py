"""The delete against the moto server with the AWS adapters: DynamoDB records and questions of
every generation, the files under the transcription prefix, Transcribe's jobs and the video;
refusals, what is already gone, a delete cut short, and claims, resets and redrives of a
deleted record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config

from adapters.aws.dynamodb_items import interview_to_item, question_to_item
from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables
from adapters.aws.s3_interview_files import S3InterviewFiles
from adapters.aws.s3_video_store import S3VideoStore
from adapters.aws.transcribe_job_records import TranscribeTranscriptionJobs
from interview_core.clock import ManualClock
from interview_core.delete_interview import DeleteInterview
from interview_core.entities import Interview, Question
from interview_core.errors import (
    ConfigurationError,
    InterviewDeleted,
    InterviewNotFound,
    LeaseHeld,
    TranscriptionUnavailable,
)
from interview_core.ids import question_id
from interview_core.state import InterviewState
from tests.provider_errors import offline_client, stubbed

BUCKET = "interview-videos"
ID = "5b2e8c1d-7f3a-4d6b-9e0c-2a4f6b8d0e1f"
OTHER = f"{ID}x"  # its folders and jobs start with ID's: none of them may go
VIDEO = f"videos/u-1/{ID}/interview.mp4"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FILES = [
    f"transcribe/{ID}/audio.m4a",
    f"transcribe/{ID}/transcript.json",
    f"transcribe/{ID}/g0/transcript.json",
    f"transcribe/{ID}-g1/transcript.json",
    f"transcribe/{ID}-g2/audio.flac",
    f"transcribe/{ID}/g2/questions.json",
]
JOBS = [f"interview-{ID}", f"interview-{ID}-g1", f"interview-{ID}-g2-r2"]
KEPT_FILES = [f"transcribe/{OTHER}/transcript.json", "transcribe/elsewhere/transcript.json"]
KEPT_JOBS = [f"interview-{OTHER}"]


def question(interview_id: str, position: int, generation: int) -> Question:
    return Question(
        id=question_id(interview_id, position, generation),
        interview_id=interview_id,
        position=position,
        question=f"Question {position}?",
        answer="An answer.",
        context="",
        question_context="general",
        is_global=False,
        start_time=1.0,
        end_time=2.0,
    )


class Aws:
    """The tables, the bucket and Transcribe in moto, with one interview in generation 2
    (questions of generation 0 left unnamed, generation 2's named on the record), and
    another whose names start with the first's."""

    def __init__(self, session: boto3.Session, endpoint: str, config: Config) -> None:
        self.dynamodb = session.client("dynamodb", endpoint_url=endpoint, config=config)
        self.s3 = session.client("s3", endpoint_url=endpoint, config=config)
        self.transcribe = session.client("transcribe", endpoint_url=endpoint, config=config)
        self.clock = ManualClock(NOW)
        create_interview_tables(self.dynamodb, "interviews", "questions")
        self.s3.create_bucket(Bucket=BUCKET)
        self.repository = DynamoDBInterviewRepository(
            self.dynamodb, "interviews", "questions", clock=self.clock
        )
        for interview_id in (ID, OTHER):
            item = interview_to_item(
                Interview(
                    id=interview_id,
                    video_path=VIDEO,
                    user_id="u-1",
                    state=InterviewState.COMPLETED,
                    generation=2,
                    question_count=2,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            named = [question(interview_id, n, 2).id for n in range(2)] + ["never-written"]
            item["question_ids"] = {"L": [{"S": each} for each in named]}
            self.dynamodb.put_item(TableName="interviews", Item=item)
            for generation in (0, 2):
                for position in range(2):
                    self.dynamodb.put_item(
                        TableName="questions",
                        Item=question_to_item(question(interview_id, position, generation), NOW),
                    )
        for key in [*FILES, *KEPT_FILES, VIDEO]:
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}")
        for name in [*JOBS, *KEPT_JOBS]:
            self.transcribe.start_transcription_job(
                TranscriptionJobName=name,
                Media={"MediaFileUri": f"s3://{BUCKET}/{VIDEO}"},
                MediaFormat="mp4",
                LanguageCode="en-US",
                OutputBucketName=BUCKET,
            )

    def delete(self) -> DeleteInterview:
        return DeleteInterview(
            self.repository,
            S3InterviewFiles(self.s3, BUCKET),
            TranscribeTranscriptionJobs(self.transcribe),
            S3VideoStore(self.s3, BUCKET),
        )

    def keys(self) -> list[str]:
        return sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))

    def jobs(self) -> list[str]:
        listed = self.transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
        return sorted(job["TranscriptionJobName"] for job in listed)

    def questions_of(self, interview_id: str) -> list[str]:
        items = self.dynamodb.scan(TableName="questions")["Items"]
        return sorted(i["id"]["S"] for i in items if i["interview_id"]["S"] == interview_id)

    def item(self, interview_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.dynamodb.get_item(
            TableName="interviews", Key={"id": {"S": interview_id}}
        ).get("Item")
        return found

    def other_is_untouched(self) -> None:
        assert len(self.questions_of(OTHER)) == 4
        assert self.item(OTHER) is not None
        assert set(KEPT_FILES) <= set(self.keys())
        assert set(KEPT_JOBS) <= set(self.jobs())


@pytest.fixture
def aws(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> Aws:
    return Aws(boto_session, aws_endpoint, client_config)


def test_delete_removes_every_generations_questions_files_and_jobs_then_the_record(
    aws: Aws,
) -> None:
    erasure = aws.delete().execute(ID, include_video=True)

    assert aws.item(ID) is None
    assert aws.questions_of(ID) == []
    assert not set(FILES) & set(aws.keys()) and VIDEO not in aws.keys()
    assert not set(JOBS) & set(aws.jobs())
    assert erasure.questions == 4
    assert sorted(erasure.files) == sorted(FILES)
    assert list(erasure.transcription_jobs) == sorted(JOBS)
    assert erasure.video_removed == VIDEO
    aws.other_is_untouched()


def test_keep_record_leaves_a_tombstone_of_id_state_and_timestamps(aws: Aws) -> None:
    aws.clock.advance(60)

    aws.delete().execute(ID, keep_record=True)

    assert aws.item(ID) == {
        "id": {"S": ID},
        "state": {"S": "deleted"},
        "created_at": {"S": "2026-12-01T09:00:00.000000Z"},
        "updated_at": {"S": "2026-12-01T09:01:00.000000Z"},
    }
    assert VIDEO in aws.keys()  # the upstream's, without --include-video
    assert aws.delete().execute(ID, keep_record=True).already_deleted


def test_a_live_lease_refuses_and_nothing_is_removed(aws: Aws) -> None:
    aws.repository.claim(ID, "worker-1", 300.0, force=True)

    with pytest.raises(LeaseHeld):
        aws.delete().execute(ID, include_video=True)

    assert aws.item(ID)["state"] == {"S": "processing"}  # type: ignore[index]
    assert len(aws.questions_of(ID)) == 4
    assert set(FILES) | {VIDEO} <= set(aws.keys()) and set(JOBS) <= set(aws.jobs())


def test_an_unknown_interview_is_refused(aws: Aws) -> None:
    with pytest.raises(InterviewNotFound):
        aws.delete().execute("no-such-interview")


def test_objects_and_jobs_already_gone_are_no_error(aws: Aws) -> None:
    for key in FILES[:3] + [VIDEO]:
        aws.s3.delete_object(Bucket=BUCKET, Key=key)
    aws.transcribe.delete_transcription_job(TranscriptionJobName=JOBS[0])

    erasure = aws.delete().execute(ID, include_video=True)

    assert sorted(erasure.files) == sorted(FILES[3:])
    assert list(erasure.transcription_jobs) == sorted(JOBS[1:])
    assert erasure.video_removed is None and erasure.video_left is None
    assert aws.item(ID) is None


def test_a_delete_cut_short_refuses_claims_resets_and_redrives_and_is_finished(
    aws: Aws,
) -> None:
    aws.repository.claim(ID, "worker-1", 10.0, force=True)
    aws.clock.advance(11)  # its worker stopped beating
    aws.repository.begin_deletion(ID)
    aws.repository.delete_questions(ID)  # ... and the delete stopped here

    for refused in (
        lambda: aws.repository.claim(ID, "worker-2", 60.0, force=True),
        lambda: aws.repository.claim(ID, "worker-2", 60.0, max_attempts=1),
        lambda: aws.repository.reset_for_reprocess(ID),
        lambda: aws.repository.start_new_generation(ID),
    ):
        with pytest.raises(InterviewDeleted):
            refused()
    with pytest.raises(Exception, match="LEASE_LOST"):
        aws.repository.mark_completed(ID, "worker-1", 2)
    assert aws.item(ID)["state"] == {"S": "deleting"}  # type: ignore[index]
    assert aws.repository.list_by_state(InterviewState.DELETING, 10)[0].id == ID
    assert ID not in {i.id for i in aws.repository.list_by_state(InterviewState.PENDING, 10)}

    erasure = aws.delete().execute(ID)

    assert erasure.questions == 0 and len(erasure.files) == len(FILES)
    assert aws.item(ID) is None
    aws.other_is_untouched()


def test_a_job_transcribe_will_not_delete_yet_is_worth_a_retry() -> None:
    client = offline_client("transcribe")
    with stubbed(client, check_pending=False) as stubber:
        stubber.add_response("list_transcription_jobs", {"TranscriptionJobSummaries": []})
        stubber.add_client_error(
            "delete_transcription_job",
            "BadRequestException",
            "The job is in progress.",
            http_status_code=400,
        )
        with pytest.raises(TranscriptionUnavailable, match="run the delete again"):
            TranscribeTranscriptionJobs(client).delete_jobs(ID, 0)


def test_the_claim_of_a_deleted_record_written_elsewhere_is_refused_at_once(aws: Aws) -> None:
    aws.dynamodb.put_item(
        TableName="interviews", Item={"id": {"S": "tomb"}, "state": {"S": "deleted"}}
    )
    later = NOW + timedelta(days=1)
    aws.clock.advance((later - NOW).total_seconds())

    with pytest.raises(InterviewDeleted):
        aws.repository.claim("tomb", "worker", 60.0, force=True)

    assert aws.item("tomb") == {"id": {"S": "tomb"}, "state": {"S": "deleted"}}


def test_a_video_the_operator_may_not_remove_is_the_deployments_fault() -> None:
    client = offline_client("s3")
    with stubbed(client, check_pending=False) as stubber:
        stubber.add_client_error(
            "list_objects_v2", "AccessDenied", "Access Denied", http_status_code=403
        )
        with pytest.raises(ConfigurationError, match="s3:DeleteObject"):
            S3VideoStore(client, BUCKET).remove_video(VIDEO)
