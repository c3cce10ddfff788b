"""Black box: records written exactly as the upstream's contract names them, processed by the
upstream's own launch line (`cd src && python main.py --mode ...`) against a moto server, with
the default table and queue names; and the exit codes docs/reference/errors.md promises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from adapters.aws.dynamodb_tables import create_interview_tables
from tests.moto_support import moto_server

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE = REPO_ROOT / "samples" / "interview"
REGION = "us-east-1"
BUCKET = "app-interviews-videos"
QUEUE = "app-interviews-sqs-videos"
INTERVIEWS = "app-interviews-interviews"
QUESTIONS = "app-interviews-questions"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
QUESTION_FIELDS = {
    "id",
    "interview_id",
    "user_id",
    "question",
    "answer",
    "context",
    "question_context",
    "global",
    "created_at",
    "updated_at",
}
TIMEOUT = 120


class Upstream:
    """The upstream's side: a bucket, the default tables and queue, and records it writes."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        session = boto3.Session(region_name=REGION, **_session_credentials())
        self.s3 = session.client("s3", endpoint_url=url)
        self.dynamodb = session.client("dynamodb", endpoint_url=url)
        self.sqs = session.client("sqs", endpoint_url=url)
        self.s3.create_bucket(Bucket=BUCKET)
        create_interview_tables(self.dynamodb)
        dead_letters = self.sqs.create_queue(QueueName=f"{QUEUE}-dlq")["QueueUrl"]
        dead_arn = self.sqs.get_queue_attributes(
            QueueUrl=dead_letters, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": "6"}
        self.queue_url = self.sqs.create_queue(
            QueueName=QUEUE, Attributes={"RedrivePolicy": json.dumps(redrive)}
        )["QueueUrl"]

    def write_interview(self, video_path: Any = "default", *, upload: bool = True) -> str:
        """A record as the upstream writes it; `video_path` None leaves the attribute out."""
        interview_id = str(uuid.uuid4())
        user_id = str(uuid.uuid4())
        key = f"videos/{user_id}/{interview_id}/interview.mp4"
        if upload:
            self.s3.upload_file(str(SAMPLE / "interview.mp4"), BUCKET, key)
        item: dict[str, Any] = {
            "id": {"S": interview_id},
            "user_id": {"S": user_id},
            "state": {"S": "pending"},
            "created_at": {"S": "2026-11-30T08:00:00Z"},
            "updated_at": {"S": "2026-11-30T08:00:00Z"},
        }
        if video_path == "default":
            item["video_path"] = {"S": key}
        elif video_path == "uri":
            item["video_path"] = {"S": f"s3://{BUCKET}/{key}"}
        elif video_path is not None:
            item["video_path"] = video_path
        self.dynamodb.put_item(TableName=INTERVIEWS, Item=item)
        return interview_id

    def send(self, interview_id: str) -> None:
        self.sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps({"interview_id": interview_id})
        )

    def interview(self, interview_id: str) -> dict[str, Any]:
        item: dict[str, Any] = self.dynamodb.get_item(
            TableName=INTERVIEWS, Key={"id": {"S": interview_id}}, ConsistentRead=True
        )["Item"]
        return item

    def questions(self, interview_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.dynamodb.scan(
            TableName=QUESTIONS,
            FilterExpression="interview_id = :id",
            ExpressionAttributeValues={":id": {"S": interview_id}},
        )["Items"]
        return items

    def environment(self, **changes: str | None) -> dict[str, str]:
        """The production preset on moto, with local speech and question finding; no queue
        URL, so the worker resolves the default queue name."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "BOTO"))
        }
        env.update(CREDENTIALS)
        env.update(
            {
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": self.url,
                "AWS_S3_BUCKET": BUCKET,
                "INTERVIEWS_BACKEND": "aws",
                "INTERVIEWS_TRANSCRIBER": "stub",
                "INTERVIEWS_STUB_TRANSCRIPT": str(SAMPLE / "interview.transcript.json"),
                "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
                "INTERVIEWS_LOG_FILE": str(self.folder / "interview_processing.log"),
                "WORKER_WAIT_SECONDS": "1",
            }
        )
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def launch(self, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
        """`cd src && python main.py ARGS`, the upstream's launch line."""
        return subprocess.run(
            [sys.executable, "main.py", *args],
            cwd=REPO_ROOT / "src",
            env=self.environment(**env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def _session_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "aws_session_token": CREDENTIALS["AWS_SESSION_TOKEN"],
    }


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    with moto_server() as url:
        yield Upstream(url, tmp_path_factory.mktemp("upstream"))


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def assert_completed_with_upstream_questions(upstream: Upstream, interview_id: str) -> None:
    record = upstream.interview(interview_id)
    assert record["state"] == {"S": "completed"}
    assert "status" not in record
    assert record["created_at"] == {"S": "2026-11-30T08:00:00Z"}
    assert record["updated_at"]["S"] > "2026-11-30T08:00:00Z"
    questions = upstream.questions(interview_id)
    assert len(questions) == 6
    for item in questions:
        assert QUESTION_FIELDS <= set(item), QUESTION_FIELDS - set(item)
        assert item["user_id"] == record["user_id"]
        assert item["question"]["S"].strip()


def assert_failed(upstream: Upstream, interview_id: str, code: str, reason: str) -> None:
    record = upstream.interview(interview_id)
    assert record["state"] == {"S": "failed"}
    assert record["error_code"] == {"S": code}
    assert reason in record["error_message"]["S"]
    assert upstream.questions(interview_id) == []


# --- the two modes on upstream-shaped records ----------------------------------------------


def test_single_interview_completes_upstream_records_by_key_and_by_uri(
    upstream: Upstream,
) -> None:
    by_key = upstream.write_interview()
    by_uri = upstream.write_interview("uri")

    for interview_id in (by_key, by_uri):
        process = upstream.launch("--mode", "single-interview", "--interview-id", interview_id)
        assert process.returncode == 0, process.stderr
        assert_completed_with_upstream_questions(upstream, interview_id)


def test_single_interview_on_a_completed_interview_says_it_skipped_and_how_to_force(
    upstream: Upstream,
) -> None:
    interview_id = upstream.write_interview()
    assert (
        upstream.launch("--mode", "single-interview", "--interview-id", interview_id).returncode
        == 0
    )

    again = upstream.launch("--mode", "single-interview", "--interview-id", interview_id)

    assert again.returncode == 0
    assert "skipped" in again.stdout and "--force" in again.stdout


@pytest.mark.parametrize(
    ("video_path", "reason"),
    [
        (None, "has no video_path"),
        ({"N": "17"}, "video_path is not a string"),
        ({"S": "s3://someone-elses-bucket/videos/a/b/interview.mp4"}, "another bucket"),
    ],
)
def test_single_interview_fails_a_record_whose_video_path_is_unusable(
    upstream: Upstream, video_path: Any, reason: str
) -> None:
    interview_id = upstream.write_interview(video_path, upload=False)

    process = upstream.launch("--mode", "single-interview", "--interview-id", interview_id)

    assert process.returncode == 1
    assert len(error_lines(process.stderr)) == 1
    code = "INVALID_VIDEO_LOCATION" if reason == "another bucket" else "INVALID_INTERVIEW_RECORD"
    assert_failed(upstream, interview_id, code, reason)
    assert "someone-elses-bucket" not in upstream.interview(interview_id)["error_message"]["S"]


def test_the_worker_finds_the_default_queue_and_settles_every_upstream_record(
    upstream: Upstream,
) -> None:
    good = [upstream.write_interview(), upstream.write_interview("uri")]
    missing = upstream.write_interview(None, upload=False)
    number = upstream.write_interview({"N": "5"}, upload=False)
    elsewhere = upstream.write_interview({"S": "s3://other-bucket/videos/x.mp4"}, upload=False)
    for interview_id in [*good, missing, number, elsewhere]:
        upstream.send(interview_id)

    process = upstream.launch("--mode", "sqs", "--idle-exit", "3")

    assert process.returncode == 0, process.stderr
    for interview_id in good:
        assert_completed_with_upstream_questions(upstream, interview_id)
    assert_failed(upstream, missing, "INVALID_INTERVIEW_RECORD", "has no video_path")
    assert_failed(upstream, number, "INVALID_INTERVIEW_RECORD", "not a string")
    assert_failed(upstream, elsewhere, "INVALID_VIDEO_LOCATION", "another bucket")
    attributes = upstream.sqs.get_queue_attributes(
        QueueUrl=upstream.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


# --- exit codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "changes", "named"),
    [
        ("sqs", {"AWS_SQS_QUEUE_NAME": "no-such-queue"}, "no-such-queue"),
        ("sqs", {"AWS_S3_BUCKET": "no-such-bucket"}, "no-such-bucket"),
        ("sqs", {"AWS_DYNAMODB_INTERVIEWS_TABLE": "no-such-table"}, "no-such-table"),
        ("sqs", {"AWS_DYNAMODB_QUESTIONS_INDEX": "no-such-index"}, "no-such-index"),
        ("sqs", {"INTERVIEWS_FFMPEG_BINARY": "/nonexistent/ffmpeg"}, "INTERVIEWS_FFMPEG_BINARY"),
        ("single-interview", {"AWS_S3_BUCKET": "no-such-bucket"}, "no-such-bucket"),
        ("single-interview", {"AWS_DYNAMODB_QUESTIONS_TABLE": "gone"}, "gone"),
    ],
)
def test_a_deployment_fault_exits_2_within_seconds_naming_it_and_leaves_the_message(
    upstream: Upstream, mode: str, changes: dict[str, str], named: str
) -> None:
    interview_id = upstream.write_interview()
    upstream.send(interview_id)
    args = ["--mode", mode, "--idle-exit", "3"] if mode == "sqs" else [
        "--mode", mode, "--interview-id", interview_id,
    ]  # fmt: skip

    started = time.monotonic()
    process = upstream.launch(*args, **changes)

    assert time.monotonic() - started < 30
    lines = error_lines(process.stderr)
    assert process.returncode == 2, process.stderr
    assert len(lines) == 1 and named in lines[0], process.stderr
    assert "Traceback" not in process.stderr
    assert upstream.interview(interview_id)["state"] == {"S": "pending"}
    drained = upstream.sqs.receive_message(QueueUrl=upstream.queue_url, WaitTimeSeconds=0)
    assert len(drained.get("Messages", [])) == 1
    for message in drained["Messages"]:
        upstream.sqs.delete_message(
            QueueUrl=upstream.queue_url, ReceiptHandle=message["ReceiptHandle"]
        )


@pytest.mark.parametrize("mode", ["sqs", "single-interview"])
def test_no_credentials_exits_2_with_one_line_saying_so(upstream: Upstream, mode: str) -> None:
    no_credentials = dict.fromkeys(CREDENTIALS)
    home = str(upstream.folder / "empty-home")
    args = ["--mode", mode, "--idle-exit", "3"] if mode == "sqs" else [
        "--mode", mode, "--interview-id", str(uuid.uuid4()),
    ]  # fmt: skip

    process = upstream.launch(
        *args,
        **no_credentials,
        HOME=home,
        AWS_CONFIG_FILE=f"{home}/config",
        AWS_SHARED_CREDENTIALS_FILE=f"{home}/credentials",
        AWS_EC2_METADATA_DISABLED="true",
    )

    assert process.returncode == 2, process.stderr
    assert error_lines(process.stderr) == [
        "error: CONFIGURATION_ERROR: no AWS credentials found: set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with a role"
    ]


def test_an_unreachable_endpoint_in_single_interview_is_transient_75(upstream: Upstream) -> None:
    process = upstream.launch(
        "--mode",
        "single-interview",
        "--interview-id",
        str(uuid.uuid4()),
        AWS_ENDPOINT_URL="http://127.0.0.1:1",
    )

    assert process.returncode == 75, process.stderr
    assert len(error_lines(process.stderr)) == 1


def test_usage_errors_exit_2_and_version_prints_the_package_version(upstream: Upstream) -> None:
    from importlib.metadata import version

    assert upstream.launch("--mode", "single-interview").returncode == 2
    assert upstream.launch("--mode", "nonsense").returncode == 2
    shown = upstream.launch("--version")
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"ai-interviews {version('ai-interviews')}"
