"""Least privilege of the operator's delete, proven: `ai-interviews delete` runs against the
stack in moto (once with --include-video, once with --keep-record) while every AWS operation
it calls is recorded, and the stack's DeleteInterviewsPolicy allows each recorded call on its
resource and grants nothing the command does not call. The deployment guide lists exactly its
actions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from interview_core.ids import question_id
from tests.integration.deploy.iam_check import (
    Call,
    Permission,
    allows,
    granted_actions,
    required,
)
from tests.integration.deploy.stack import ACCOUNT, CREDENTIALS, REGION, Stack, reset
from tests.integration.deploy.test_least_privilege import RECORDER, readme_actions

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS::")

HEADING = "### The operator's permissions to delete"


class RecordedDeletes:
    """Two interviews in the stack, each with questions of two generations, files under the
    transcription prefix, Transcribe jobs and a video; each deleted by the command."""

    def __init__(self, url: str, folder: Path) -> None:
        reset(url)
        self.stack = Stack(url)
        self.folder = folder
        self.record_file = folder / "calls.jsonl"
        self.bucket = self.stack.outputs["BucketName"]
        self.prefix = self.stack.task_environment()["INTERVIEWS_TRANSCRIBE_PREFIX"]
        self.with_video = self.add_interview()
        self.kept = self.add_interview()
        self.first = self.run(self.with_video, "--include-video")
        self.second = self.run(self.kept, "--keep-record")

    def add_interview(self) -> str:
        interview_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
        video = f"videos/{user_id}/{interview_id}/interview.mp4"
        s3 = self.stack.client("s3")
        for key in (
            video,
            f"{self.prefix}{interview_id}/audio.m4a",
            f"{self.prefix}{interview_id}/g0/transcript.json",
            f"{self.prefix}{interview_id}-g1/transcript.json",
        ):
            s3.put_object(Bucket=self.bucket, Key=key, Body=b"{}")
        for name in (f"interview-{interview_id}", f"interview-{interview_id}-g1"):
            self.stack.client("transcribe").start_transcription_job(
                TranscriptionJobName=name,
                Media={"MediaFileUri": f"s3://{self.bucket}/{video}"},
                MediaFormat="mp4",
                LanguageCode="en-US",
                OutputBucketName=self.bucket,
            )
        dynamodb = self.stack.client("dynamodb")
        named = [question_id(interview_id, n, 1) for n in range(2)]
        dynamodb.put_item(
            TableName=self.stack.outputs["InterviewsTableName"],
            Item={
                "id": {"S": interview_id},
                "user_id": {"S": user_id},
                "video_path": {"S": video},
                "state": {"S": "completed"},
                "generation": {"N": "1"},
                "question_ids": {"L": [{"S": each} for each in named]},
                "created_at": {"S": "2026-11-30T08:00:00Z"},
                "updated_at": {"S": "2026-11-30T08:00:00Z"},
            },
        )
        for each in [*named, question_id(interview_id, 0, 0)]:
            dynamodb.put_item(
                TableName=self.stack.outputs["QuestionsTableName"],
                Item={"id": {"S": each}, "interview_id": {"S": interview_id}},
            )
        return interview_id

    def run(self, interview_id: str, *options: str) -> subprocess.CompletedProcess[str]:
        """`ai-interviews delete` with the task definition's environment, pointed at moto."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "TEST_", "BOTO"))
        }
        env |= self.stack.task_environment()
        env |= CREDENTIALS
        env |= {
            "AWS_ENDPOINT_URL": self.stack.url,
            "TEST_AWS_CALL_RECORD": str(self.record_file),
            "INTERVIEWS_LOG_FILE": str(self.folder / "interview_processing.log"),
        }
        return subprocess.run(
            [sys.executable, str(RECORDER), "delete", interview_id, "--yes", *options],
            env=env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def calls(self) -> list[Call]:
        lines = self.record_file.read_text(encoding="utf-8").splitlines()
        return [Call(**json.loads(line)) for line in lines]

    def permissions(self) -> set[Permission]:
        return {p for call in self.calls() for p in required(call, REGION, ACCOUNT)}

    def policy(self) -> list[dict[str, Any]]:
        return self.stack.managed_policy(self.stack.outputs["DeleteInterviewsPolicyArn"])

    def remaining(self, interview_id: str) -> list[str]:
        listed = self.stack.client("s3").list_objects_v2(Bucket=self.bucket)
        keys = [o["Key"] for o in listed.get("Contents", []) if interview_id in o["Key"]]
        jobs = self.stack.client("transcribe").list_transcription_jobs(
            JobNameContains=interview_id
        )["TranscriptionJobSummaries"]
        return keys + [job["TranscriptionJobName"] for job in jobs]


@pytest.fixture(scope="module")
def recorded(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> RecordedDeletes:
    return RecordedDeletes(moto_url, tmp_path_factory.mktemp("delete-permissions"))


def test_both_deletes_removed_everything_they_were_asked_to(recorded: RecordedDeletes) -> None:
    for process in (recorded.first, recorded.second):
        assert process.returncode == 0, process.stderr
    assert "questions: 3" in recorded.first.stdout
    assert "transcription jobs: 2" in recorded.first.stdout
    assert recorded.remaining(recorded.with_video) == []
    assert [key.split("/")[0] for key in recorded.remaining(recorded.kept)] == ["videos"]
    interviews = recorded.stack.outputs["InterviewsTableName"]
    tombstone = recorded.stack.client("dynamodb").get_item(
        TableName=interviews, Key={"id": {"S": recorded.kept}}
    )["Item"]
    assert set(tombstone) == {"id", "state", "created_at", "updated_at"}
    operations = {(call.service, call.operation) for call in recorded.calls()}
    assert ("dynamodb", "DeleteItem") in operations and ("dynamodb", "PutItem") in operations


def test_every_call_the_delete_made_is_allowed_on_its_resource(
    recorded: RecordedDeletes,
) -> None:
    policy = recorded.policy()

    refused = sorted(p for p in recorded.permissions() if not allows(policy, p))

    assert refused == []


def test_the_policy_grants_no_action_the_delete_never_calls(recorded: RecordedDeletes) -> None:
    called = {p.action for p in recorded.permissions()}

    assert granted_actions(recorded.policy()) == called


def test_the_policy_refuses_what_the_delete_has_no_business_doing(
    recorded: RecordedDeletes,
) -> None:
    policy = recorded.policy()
    outputs = recorded.stack.outputs
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"
    bucket = f"arn:aws:s3:::{recorded.bucket}"

    for permission in [
        Permission("dynamodb:Scan", f"{table}/{outputs['InterviewsTableName']}"),
        Permission("dynamodb:GetItem", f"{table}/{outputs['QuestionsTableName']}"),
        Permission("dynamodb:DeleteItem", f"{table}/someone-elses-table"),
        Permission("s3:GetObject", f"{bucket}/videos/u/i/interview.mp4"),
        Permission("s3:PutObject", f"{bucket}/{recorded.prefix}x/transcript.json"),
        Permission("s3:DeleteObject", f"{bucket}/elsewhere/file.json"),
        Permission("s3:DeleteObject", "arn:aws:s3:::another-bucket/videos/x.mp4"),
        Permission("s3:ListBucket", bucket, (("s3:prefix", ""),)),
        Permission("s3:ListBucket", bucket),
        Permission("transcribe:StartTranscriptionJob", "*"),
        Permission("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{outputs['QueueName']}"),
    ]:
        assert not allows(policy, permission), permission


def test_the_readme_lists_exactly_the_actions_the_policy_grants(
    recorded: RecordedDeletes,
) -> None:
    listed = readme_actions(HEADING)

    assert len(listed) == len(set(listed))
    assert set(listed) == granted_actions(recorded.policy())
