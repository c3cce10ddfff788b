"""The operator's commands on the aws preset against a moto server, as subprocesses: what
`submit` puts in S3, DynamoDB and SQS is exactly what the upstream would, and the worker
processes it; refusals change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import create_interview_tables, put_interview
from interview_core.entities import Interview
from tests.integration.deploy.stack import reset
from tests.moto_support import moto_server
from tests.subtitle_checks import read_vtt

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"
REGION = "us-east-1"
BUCKET = "operator-videos"
QUEUE = "app-interviews-sqs-videos"
INTERVIEWS = "app-interviews-interviews"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
UPSTREAM_ATTRIBUTES = {"id", "video_path", "user_id", "state", "created_at", "updated_at"}


class Stack:
    """A bucket, the default tables, the default queue with its dead-letter queue."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        session = boto3.Session(
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
        )
        self.s3 = session.client("s3", endpoint_url=url)
        self.dynamodb = session.client("dynamodb", endpoint_url=url)
        self.sqs = session.client("sqs", endpoint_url=url)
        self.s3.create_bucket(Bucket=BUCKET)
        create_interview_tables(self.dynamodb)
        self.dlq_url = self.sqs.create_queue(QueueName=f"{QUEUE}-dlq")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "6"}
        self.queue_url = self.sqs.create_queue(
            QueueName=QUEUE, Attributes={"RedrivePolicy": json.dumps(policy)}
        )["QueueUrl"]

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "BOTO"))
        }
        env.update(CREDENTIALS)
        env.update(
            AWS_REGION=REGION,
            AWS_ENDPOINT_URL=self.url,
            AWS_S3_BUCKET=BUCKET,
            INTERVIEWS_BACKEND="aws",
            INTERVIEWS_TRANSCRIBER="stub",
            INTERVIEWS_STUB_TRANSCRIPT=str(SAMPLE / "interview.transcript.json"),
            INTERVIEWS_QUESTION_EXTRACTOR="heuristic",
            INTERVIEWS_LOG_FILE=str(self.folder / "interview_processing.log"),
            WORKER_WAIT_SECONDS="1",
        )
        return subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", *map(str, args)],
            capture_output=True, text=True, env=env, cwd=self.folder, timeout=240, check=False,
        )  # fmt: skip

    def json(self, *args: str | Path) -> Any:
        process = self.run(*args)
        assert process.returncode == 0, process.stderr
        return json.loads(process.stdout)

    def item(self, interview_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.dynamodb.get_item(
            TableName=INTERVIEWS, Key={"id": {"S": interview_id}}, ConsistentRead=True
        ).get("Item")
        return found

    def bodies(self, queue_url: str) -> list[dict[str, Any]]:
        """Every message body on the queue, left visible again afterwards."""
        messages = self.sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=30
        ).get("Messages", [])
        for message in messages:
            self.sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return [json.loads(message["Body"]) for message in messages]

    def video_keys(self) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="videos/")
        return [entry["Key"] for entry in listed.get("Contents", [])]

    def interview_count(self) -> int:
        return int(self.dynamodb.scan(TableName=INTERVIEWS, Select="COUNT")["Count"])

    def repository(self) -> DynamoDBInterviewRepository:
        return DynamoDBInterviewRepository(self.dynamodb, INTERVIEWS, "app-interviews-questions")


@pytest.fixture(scope="module")
def module_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with moto_server() as url:
        reset(url)  # moto's state is the process's: an earlier module may hold the same names
        yield Stack(url, tmp_path_factory.mktemp("operator-aws"))


@pytest.fixture
def stack(module_stack: Stack) -> Stack:
    """The module's stack with both queues emptied."""
    for queue_url in (module_stack.queue_url, module_stack.dlq_url):
        while messages := module_stack.sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", []):
            for message in messages:
                module_stack.sqs.delete_message(
                    QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
    return module_stack


def only_error_line(process: subprocess.CompletedProcess[str]) -> str:
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_submit_writes_what_the_upstream_writes_and_the_worker_completes_it(
    stack: Stack,
) -> None:
    submitted = stack.run("submit", SAMPLE / "interview.mp4")
    assert submitted.returncode == 0, submitted.stderr
    interview_id = submitted.stdout.strip()

    item = stack.item(interview_id)
    assert item is not None
    assert set(item) == UPSTREAM_ATTRIBUTES
    assert item["state"] == {"S": "pending"}
    user_id = item["user_id"]["S"]
    assert str(uuid.UUID(user_id)) == user_id
    key = f"videos/{user_id}/{interview_id}/interview.mp4"
    assert item["video_path"] == {"S": key}
    head = stack.s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == (SAMPLE / "interview.mp4").stat().st_size
    assert stack.bodies(stack.queue_url) == [{"interview_id": interview_id}]

    worker = stack.run("--mode", "sqs", "--idle-exit", "3")
    assert worker.returncode == 0, worker.stderr

    assert stack.json("status", interview_id)["state"] == "completed"
    questions = stack.json("questions", interview_id)
    assert len(questions) == 6
    assert {q["user_id"] for q in questions} == {user_id}
    assert interview_id in {i["id"] for i in stack.json("list", "--state", "completed")}
    table = stack.run("status", interview_id, "--format", "table")
    assert any(line.split() == ["state", "completed"] for line in table.stdout.splitlines())
    # the worker kept the transcript (only) in the bucket, and the exports read it there
    kept = stack.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"transcribe/{interview_id}/")
    assert [o["Key"] for o in kept["Contents"]] == [f"transcribe/{interview_id}/g0/transcript.json"]
    subtitles = stack.run("export", interview_id, "--format", "vtt")
    assert subtitles.returncode == 0, subtitles.stderr
    first = read_vtt(subtitles.stdout)[0]
    assert [line.lower() for line in first.lines] == ["interviewer: thanks for joining us today."]
    chapters = stack.run("export", interview_id, "--format", "chapters")
    assert [c.start for c in read_vtt(chapters.stdout)] == [q["start_time"] for q in questions]

    review = stack.run("review", interview_id, "--url-lifetime", "2h", "--output", "page.html")
    assert review.returncode == 0, review.stderr
    assert "a presigned S3 link that works for 2 h, until " in review.stdout
    page = (stack.folder / "page.html").read_text(encoding="utf-8")
    start = page.index('id="review-data">') + len('id="review-data">')
    data = json.loads(page[start : page.index("</script>", start)])
    assert len(data["questions"]) == 6 and data["segments"]
    assert "works for 2 h after this page was written" in data["note"]
    assert data["video"].startswith(f"{stack.url}/{BUCKET}/{key}?")
    assert f"media-src 'self' file: https: {stack.url};" in page
    with urllib.request.urlopen(data["video"], timeout=10) as response:  # the link plays
        assert response.read() == (SAMPLE / "interview.mp4").read_bytes()


def test_submit_refuses_a_file_that_is_not_media_before_uploading_anything(
    stack: Stack, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video\n")
    keys, count = stack.video_keys(), stack.interview_count()

    process = stack.run("submit", notes)

    assert process.returncode == 1
    assert only_error_line(process).startswith("error: INVALID_MEDIA")
    assert (stack.video_keys(), stack.interview_count()) == (keys, count)
    assert stack.bodies(stack.queue_url) == []


def test_status_of_an_unknown_interview_exits_1_with_one_line(stack: Stack) -> None:
    process = stack.run("status", str(uuid.uuid4()))

    assert process.returncode == 1
    assert "INTERVIEW_NOT_FOUND" in only_error_line(process)
    assert process.stdout == ""


def test_reprocess_is_refused_while_leased_and_resets_a_failed_interview(stack: Stack) -> None:
    held_id, failed_id = str(uuid.uuid4()), str(uuid.uuid4())
    for interview_id in (held_id, failed_id):
        put_interview(stack.dynamodb, INTERVIEWS, Interview(id=interview_id, video_path="v.mp4"))
    repository = stack.repository()
    repository.claim(held_id, "worker-elsewhere", 600)
    repository.claim(failed_id, "worker", 600)
    repository.mark_failed(failed_id, "worker", "VIDEO_NOT_FOUND", "gone")
    held_before = stack.item(held_id)
    assert failed_id in {i["id"] for i in stack.json("list", "--state", "failed")}

    refused = stack.run("reprocess", held_id)
    accepted = stack.run("reprocess", failed_id)

    assert refused.returncode == 1
    assert only_error_line(refused).startswith("error: LEASE_HELD")
    assert stack.item(held_id) == held_before
    assert accepted.returncode == 0, accepted.stderr
    failed_item = stack.item(failed_id)
    assert failed_item is not None
    assert failed_item["state"] == {"S": "pending"}
    assert failed_item["attempts"] == {"N": "0"}
    assert "error_code" not in failed_item and "lease_owner" not in failed_item
    assert stack.bodies(stack.queue_url) == [{"interview_id": failed_id}]


def test_dead_letters_from_the_redrive_policy_shown_and_moved_back(stack: Stack) -> None:
    empty = stack.run("dead-letters", "--redrive")
    assert (empty.returncode, "empty" in empty.stdout) == (0, True)
    interview_id = str(uuid.uuid4())
    stack.sqs.send_message(
        QueueUrl=stack.dlq_url, MessageBody=json.dumps({"interview_id": interview_id})
    )

    [letter] = stack.json("dead-letters")
    moved = stack.run("dead-letters", "--redrive")

    assert letter["interview_id"] == interview_id
    assert moved.returncode == 0
    assert "moved 1 " in moved.stdout
    assert stack.bodies(stack.queue_url) == [{"interview_id": interview_id}]
    assert stack.bodies(stack.dlq_url) == []


def test_a_redrive_gives_an_interview_out_of_attempts_a_fresh_run_that_completes(
    stack: Stack,
) -> None:
    submitted = stack.run("submit", SAMPLE / "interview.mp4")
    assert submitted.returncode == 0, submitted.stderr
    interview_id = submitted.stdout.strip()
    an_hour_ago = int(time.time()) - 3600
    stack.dynamodb.update_item(  # as five killed workers would leave it
        TableName=INTERVIEWS,
        Key={"id": {"S": interview_id}},
        UpdateExpression=(
            "SET #state = :processing, attempts = :five, lease_owner = :killed,"
            " lease_expires_at = :past, throttled_since = :since, error_code = :code,"
            " error_message = :message"
        ),
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={
            ":processing": {"S": "processing"},
            ":five": {"N": "5"},
            ":killed": {"S": "killed-worker"},
            ":past": {"N": str(an_hour_ago)},
            ":since": {"S": "2026-01-01T00:00:00+00:00"},
            ":code": {"S": "JOB_TIMED_OUT"},
            ":message": {"S": "the attempt took too long"},
        },
    )
    [message] = stack.sqs.receive_message(QueueUrl=stack.queue_url, WaitTimeSeconds=1)["Messages"]
    stack.sqs.send_message(QueueUrl=stack.dlq_url, MessageBody=message["Body"])
    stack.sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=message["ReceiptHandle"])

    moved = stack.run("dead-letters", "--redrive")

    assert moved.returncode == 0, moved.stderr
    item = stack.item(interview_id)
    assert item is not None
    assert (item["attempts"], item["generation"]) == ({"N": "0"}, {"N": "1"})
    assert not {"error_code", "error_message", "throttled_since"} & set(item)
    worker = stack.run("--mode", "sqs", "--idle-exit", "3")
    assert worker.returncode == 0, worker.stderr
    done = stack.json("status", interview_id)
    assert (done["state"], done["attempts"], done["generation"]) == ("completed", 1, 1)
    assert len(stack.json("questions", interview_id)) == 6


def test_reprocess_gives_a_throttled_interview_its_attempts_and_patience_again(
    stack: Stack,
) -> None:
    interview_id = str(uuid.uuid4())
    put_interview(stack.dynamodb, INTERVIEWS, Interview(id=interview_id, video_path="v.mp4"))
    repository = stack.repository()
    for worker in ("worker-a", "worker-b"):
        repository.claim(interview_id, worker, 600)
        repository.release(interview_id, worker, throttled=worker == "worker-b")
    before = stack.item(interview_id)
    assert before is not None and "throttled_since" in before and before["attempts"] == {"N": "1"}

    process = stack.run("reprocess", interview_id)

    assert process.returncode == 0, process.stderr
    item = stack.item(interview_id)
    assert item is not None
    assert (item["state"], item["attempts"], item["generation"]) == (
        {"S": "pending"},
        {"N": "0"},
        {"N": "1"},
    )
    assert not {"throttled_since", "error_code", "lease_owner"} & set(item)
    assert stack.bodies(stack.queue_url) == [{"interview_id": interview_id}]
