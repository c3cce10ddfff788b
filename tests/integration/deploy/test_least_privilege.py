"""Least privilege, proven: the worker runs end to end against the stack in moto while every
AWS operation it calls is recorded, and the stack's task role allows each recorded call on its
resource and grants nothing the code does not call. Its Transcribe jobs run deferred as the
stack's data access role: that role allows what Transcribe does for each recorded job (read its
media, write its transcript) and nothing else, and the task role may pass it to Transcribe only.

The stack redacts (RedactPii true), the form with the most permissions: the worker also
removes Transcribe's own transcripts once the redacted ones are kept.

Two runs cover every path: the task definition's own environment, with Transcribe reading the
video in place and the model refusing the first request as throttled (the request is requeued
as a fresh copy); then the queue found by name (GetQueueUrl) and the audio uploaded for
Transcribe. moto runs the Transcribe jobs; the transcript it points to is published by the
test, as Transcribe would write it. Bedrock has no moto model, so questions are found offline
and the Converse call is listed from the adapter's code.
"""

from __future__ import annotations

import json
import os
import re
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
    delegated,
    granted_actions,
    required,
)
from tests.integration.deploy.stack import ACCOUNT, CREDENTIALS, REGION, REPO_ROOT, Stack, reset

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS::")

RECORDER = Path(__file__).with_name("recording_worker.py")
SAMPLE = REPO_ROOT / "samples" / "interview"
PERMISSIONS_PAGE = REPO_ROOT / "docs" / "how-to" / "deploy.md"
SPEAKERS = {"interviewer": "spk_0", "candidate": "spk_1"}
LEFTOVERS = 250
"""Questions an earlier run left on the second interview: three transactions remove them."""


def transcribe_output(transcript: dict[str, Any]) -> dict[str, Any]:
    """The sample's transcript as Amazon Transcribe writes it: one item per word, each with
    its speaker, punctuation as items of its own."""
    items: list[dict[str, Any]] = []
    for segment in transcript["segments"]:
        speaker = SPEAKERS.get(segment["speaker"], "spk_1")
        for word in segment["words"]:
            text = word["text"].rstrip(".,?!")
            punctuation = word["text"][len(text) :]
            items.append(
                {
                    "type": "pronunciation",
                    "start_time": str(word["start"]),
                    "end_time": str(word["end"]),
                    "speaker_label": speaker,
                    "alternatives": [{"content": text, "confidence": "0.99"}],
                }
            )
            if punctuation:
                items.append(
                    {
                        "type": "punctuation",
                        "speaker_label": speaker,
                        "alternatives": [{"content": punctuation[0], "confidence": "0.0"}],
                    }
                )
    return {"results": {"language_code": "en-US", "items": items}}


class RecordedRun:
    """The stack in moto, two interviews and a poison message, and the worker's record."""

    def __init__(self, url: str, folder: Path) -> None:
        reset(url)
        self.stack = Stack(url, RedactPii="true")
        self.folder = folder
        self.record_file = folder / "calls.jsonl"
        outputs = self.stack.outputs
        self.bucket = outputs["BucketName"]
        self.prefix = self.stack.task_environment()["INTERVIEWS_TRANSCRIBE_PREFIX"]
        self.in_place = self.add_interview()
        self.uploaded = self.add_interview(leftovers=LEFTOVERS)
        sqs = self.stack.client("sqs")
        sqs.send_message(QueueUrl=outputs["QueueUrl"], MessageBody="not an interview request")
        self.first = self.run(self.in_place, TEST_STORM_REFUSALS="1")  # requeued once
        self.second = self.run(
            self.uploaded, AWS_SQS_QUEUE_URL=None, INTERVIEWS_TRANSCRIBE_DIRECT="false"
        )

    def add_interview(self, leftovers: int = 0) -> str:
        """Upload the sample, write the upstream's record and publish the transcript that
        Transcribe would write for the interview's job. With `leftovers`, the record names
        that many questions of an earlier run (positions from 100 on), which the worker
        deletes in lease-fenced transactions: more than one, so that every kind of part
        (the fence's Update and ConditionCheck, the questions' Update and Delete) is called."""
        interview_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
        key = f"videos/{user_id}/{interview_id}/interview.mp4"
        s3 = self.stack.client("s3")
        s3.upload_file(str(SAMPLE / "interview.mp4"), self.bucket, key)
        transcript = json.loads((SAMPLE / "interview.transcript.json").read_text("utf-8"))
        s3.put_object(
            Bucket=self.bucket,
            Key=f"{self.prefix}{interview_id}/transcript.json",
            Body=json.dumps(transcribe_output(transcript)).encode(),
        )
        item: dict[str, Any] = {
            "id": {"S": interview_id},
            "user_id": {"S": user_id},
            "video_path": {"S": key},
            "state": {"S": "pending"},
            "created_at": {"S": "2026-11-30T08:00:00Z"},
            "updated_at": {"S": "2026-11-30T08:00:00Z"},
        }
        if leftovers:
            earlier = [question_id(interview_id, 100 + n) for n in range(leftovers)]
            item["question_ids"] = {"L": [{"S": earlier_id} for earlier_id in earlier]}
        self.stack.client("dynamodb").put_item(
            TableName=self.stack.outputs["InterviewsTableName"], Item=item
        )
        return interview_id

    def run(self, interview_id: str, **changes: str | None) -> subprocess.CompletedProcess[str]:
        """The worker with the task definition's environment, pointed at moto, until idle."""
        self.stack.client("sqs").send_message(
            QueueUrl=self.stack.outputs["QueueUrl"],
            MessageBody=json.dumps({"interview_id": interview_id}),
        )
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "TEST_", "BOTO"))
        }
        env |= self.stack.task_environment()
        env |= CREDENTIALS
        env |= {
            "AWS_ENDPOINT_URL": self.stack.url,
            "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",  # Bedrock has no moto model
            "INTERVIEWS_LOG_FILE": str(self.folder / "interview_processing.log"),
            "WORKER_HEARTBEAT_FILE": str(self.folder / "heartbeat"),
            "WORKER_WAIT_SECONDS": "1",
            "WORKER_BACKOFF_BASE_SECONDS": "0.01",  # the poison's last release, then redrive
            "WORKER_BACKOFF_MAX_SECONDS": "0.05",
            "TEST_AWS_CALL_RECORD": str(self.record_file),
        }
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return subprocess.run(
            [sys.executable, str(RECORDER), "--mode", "sqs", "--idle-exit", "3"],
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

    def state(self, interview_id: str) -> dict[str, Any]:
        item: dict[str, Any] = self.stack.client("dynamodb").get_item(
            TableName=self.stack.outputs["InterviewsTableName"], Key={"id": {"S": interview_id}}
        )["Item"]
        return item

    def role(self) -> list[dict[str, Any]]:
        return self.stack.role_policies(self.stack.outputs["TaskRoleArn"])

    def data_access_role(self) -> list[dict[str, Any]]:
        return self.stack.role_policies(self.stack.outputs["TranscribeDataAccessRoleArn"])


@pytest.fixture(scope="module")
def recorded(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> RecordedRun:
    return RecordedRun(moto_url, tmp_path_factory.mktemp("least-privilege"))


def known_calls(run: RecordedRun) -> list[Permission]:
    """What the code does that moto cannot exercise, from the adapters' code.

    BedrockQuestionExtractor (adapters/aws/bedrock_extractor.py) calls Converse on the
    configured model, and the start-up check (adapters/aws/bedrock_model_check.py) calls
    GetFoundationModel on it (GetInferenceProfile for a profile: test_model_permissions.py).
    Without INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN, Amazon Transcribe
    reads the media and writes the transcript with the caller's permissions
    (StartTranscriptionJob in adapters/aws/transcribe_transcriber.py names both), so the role
    needs them though the worker makes no such call itself.
    """
    model = run.stack.task_environment()["INTERVIEWS_BEDROCK_MODEL_ID"]
    converse = Call("bedrock-runtime", "Converse", {"modelId": model})
    check = Call("bedrock", "GetFoundationModel", {"modelIdentifier": model})
    token = run.in_place
    return [
        *required(converse, REGION, ACCOUNT),
        *required(check, REGION, ACCOUNT),
        Permission("s3:GetObject", f"arn:aws:s3:::{run.bucket}/videos/u/{token}/interview.mp4"),
        Permission("s3:PutObject", f"arn:aws:s3:::{run.bucket}/{run.prefix}{token}/audio.mp4"),
        Permission(
            "s3:PutObject", f"arn:aws:s3:::{run.bucket}/{run.prefix}{token}/transcript.json"
        ),
    ]


def recorded_permissions(run: RecordedRun) -> set[Permission]:
    return {p for call in run.calls() for p in required(call, REGION, ACCOUNT)}


def test_both_runs_completed_their_interview_through_transcribe_and_dead_lettered_the_poison(
    recorded: RecordedRun,
) -> None:
    operations = [(call.service, call.operation) for call in recorded.calls()]

    for process in (recorded.first, recorded.second):
        assert process.returncode == 0, process.stderr
    for interview_id in (recorded.in_place, recorded.uploaded):
        record = recorded.state(interview_id)
        assert record["state"] == {"S": "completed"}, record
        assert int(record["question_count"]["N"]) > 0
    assert ("transcribe", "StartTranscriptionJob") in operations
    assert ("sqs", "GetQueueUrl") in operations
    assert ("s3", "DeleteObject") in operations  # the kept stages, once completed
    removed = {call.params["Key"] for call in recorded.calls() if call.operation == "DeleteObject"}
    for interview_id in (recorded.in_place, recorded.uploaded):
        # Transcribe's own transcript, once the redacted one is kept
        assert f"{recorded.prefix}{interview_id}/transcript.json" in removed
        assert f"{recorded.prefix}{interview_id}/redacted-transcript.json" in removed
    assert ("sqs", "SendMessage") in operations  # the throttled run's requeue
    transactions = [call for call in recorded.calls() if call.operation == "TransactWriteItems"]
    kinds = {kind for call in transactions for kind, _ in call.params["TransactItems"]}
    assert kinds == {"Update", "ConditionCheck", "Delete"}  # the questions' writes
    assert "question_ids" in recorded.state(recorded.uploaded)
    assert operations.count(("dynamodb", "BatchWriteItem")) == 0
    first = recorded.state(recorded.in_place)
    assert int(first["attempts"]["N"]) == 1  # the throttled run gave its attempt back
    sqs = recorded.stack.client("sqs")
    dead = sqs.receive_message(QueueUrl=recorded.stack.outputs["DeadLetterQueueUrl"])
    assert [m["Body"] for m in dead["Messages"]] == ["not an interview request"]


def test_every_call_the_worker_made_is_allowed_on_its_resource(recorded: RecordedRun) -> None:
    role = recorded.role()

    refused = sorted(p for p in recorded_permissions(recorded) if not allows(role, p))

    assert refused == []


def test_the_calls_moto_cannot_exercise_are_allowed(recorded: RecordedRun) -> None:
    role = recorded.role()

    refused = [p for p in known_calls(recorded) if not allows(role, p)]

    assert refused == []


def test_the_role_grants_no_action_the_code_never_calls(recorded: RecordedRun) -> None:
    called = {p.action for p in recorded_permissions(recorded) | set(known_calls(recorded))}

    assert granted_actions(recorded.role()) == called


def test_the_role_refuses_what_the_worker_has_no_business_doing(recorded: RecordedRun) -> None:
    role = recorded.role()
    outputs = recorded.stack.outputs
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"
    bucket = f"arn:aws:s3:::{recorded.bucket}"
    other_model = "arn:aws:bedrock:us-east-1::foundation-model/another-model"
    dead_letters = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{outputs['DeadLetterQueueName']}"

    for permission in [
        Permission("dynamodb:GetItem", f"{table}/someone-elses-table"),
        Permission("dynamodb:DeleteItem", f"{table}/{outputs['InterviewsTableName']}"),
        Permission("dynamodb:Scan", f"{table}/{outputs['QuestionsTableName']}"),
        Permission("s3:PutObject", f"{bucket}/videos/u/i/interview.mp4"),
        Permission("s3:DeleteObject", f"{bucket}/{recorded.prefix}x/audio.mp4"),
        Permission("s3:DeleteObject", f"{bucket}/{recorded.prefix}x/notes.json"),
        Permission("s3:DeleteObject", f"{bucket}/videos/u/i/transcript.json"),
        Permission("s3:DeleteObject", f"{bucket}/videos/u/i/g0/interview.json"),
        Permission("s3:GetObject", "arn:aws:s3:::another-bucket/videos/x.mp4"),
        Permission("sqs:SendMessage", dead_letters),
        Permission("sqs:ReceiveMessage", dead_letters),
        Permission("bedrock:InvokeModel", other_model),
        Permission("bedrock:GetFoundationModel", other_model),
    ]:
        assert not allows(role, permission), permission


def readme_actions(heading: str = "### The worker's permissions") -> list[str]:
    """The IAM actions the deployment guide's section under `heading` lists, in its order."""
    text = PERMISSIONS_PAGE.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z0-9-]+:[A-Za-z]+)` \|", section, flags=re.MULTILINE)


def test_the_readme_lists_exactly_the_actions_the_role_grants(recorded: RecordedRun) -> None:
    listed = readme_actions()

    assert len(listed) == len(set(listed))
    assert set(listed) == granted_actions(recorded.role())


# --- the data access role Transcribe runs the jobs as ---------------------------------------


def started_jobs(run: RecordedRun) -> list[Call]:
    return [call for call in run.calls() if call.operation == "StartTranscriptionJob"]


def test_every_job_was_started_deferred_as_the_stacks_data_access_role(
    recorded: RecordedRun,
) -> None:
    role = recorded.stack.outputs["TranscribeDataAccessRoleArn"]

    jobs = started_jobs(recorded)

    assert len(jobs) == 2  # one per interview: in place, then uploaded
    assert [job.params["DataAccessRoleArn"] for job in jobs] == [role, role]
    assert recorded.stack.task_environment()["INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN"] == role


def test_the_data_access_role_allows_what_transcribe_does_for_each_job(
    recorded: RecordedRun,
) -> None:
    needed = [p for job in started_jobs(recorded) for p in delegated(job)]
    media = {p.resource.rsplit("/", 1)[-1] for p in needed if p.action == "s3:GetObject"}

    refused = [p for p in needed if not allows(recorded.data_access_role(), p)]

    assert len(needed) == 4
    assert media == {"interview.mp4", "audio.m4a"}  # the video in place, the uploaded audio
    assert refused == []


def test_the_data_access_role_grants_no_action_transcribe_does_not_need(
    recorded: RecordedRun,
) -> None:
    needed = {p.action for job in started_jobs(recorded) for p in delegated(job)}

    assert (
        granted_actions(recorded.data_access_role())
        == needed
        == {
            "s3:GetObject",
            "s3:PutObject",
        }
    )


def test_the_data_access_role_refuses_what_transcribe_has_no_business_doing(
    recorded: RecordedRun,
) -> None:
    role = recorded.data_access_role()
    bucket = f"arn:aws:s3:::{recorded.bucket}"

    for permission in [
        Permission("s3:PutObject", f"{bucket}/videos/u/i/interview.mp4"),
        Permission("s3:PutObject", f"{bucket}/transcript.json"),
        Permission("s3:DeleteObject", f"{bucket}/{recorded.prefix}x/transcript.json"),
        Permission("s3:GetObject", "arn:aws:s3:::another-bucket/videos/x.mp4"),
        Permission("s3:PutObject", f"arn:aws:s3:::another-bucket/{recorded.prefix}x.json"),
        Permission("s3:ListBucket", bucket),
        Permission("dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/x"),
    ]:
        assert not allows(role, permission), permission


def test_only_transcribe_acting_for_this_account_may_assume_the_data_access_role(
    recorded: RecordedRun,
) -> None:
    name = recorded.stack.outputs["TranscribeDataAccessRoleArn"].rsplit("/", 1)[1]
    trust = recorded.stack.client("iam").get_role(RoleName=name)["Role"]
    document = trust["AssumeRolePolicyDocument"]

    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "transcribe.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:transcribe:{REGION}:{ACCOUNT}:*"},
    }


def test_the_worker_may_pass_the_data_access_role_to_transcribe_and_nothing_else(
    recorded: RecordedRun,
) -> None:
    role = recorded.role()
    data_access = recorded.stack.outputs["TranscribeDataAccessRoleArn"]
    to = (("iam:PassedToService", "transcribe.amazonaws.com"),)

    assert allows(role, Permission("iam:PassRole", data_access, to))
    for permission in [
        Permission("iam:PassRole", data_access),
        Permission("iam:PassRole", data_access, (("iam:PassedToService", "ec2.amazonaws.com"),)),
        Permission("iam:PassRole", recorded.stack.outputs["TaskRoleArn"], to),
        Permission("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/Admin", to),
    ]:
        assert not allows(role, permission), permission


def test_the_readme_lists_exactly_the_actions_the_data_access_role_grants(
    recorded: RecordedRun,
) -> None:
    listed = readme_actions("### Transcribe's data access role")

    assert sorted(listed) == sorted(granted_actions(recorded.data_access_role()))
