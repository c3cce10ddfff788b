"""Worker subprocess tests: a moto server per module with a bucket, the two tables and a queue
with a dead-letter queue, and `ai-interviews --mode sqs` run against it as a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import boto3
import pytest

from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    DEFAULT_QUESTIONS_TABLE,
    create_interview_tables,
    put_interview,
)
from interview_core.entities import Interview, Question
from tests.media_factory import MediaFactory
from tests.moto_support import moto_server

REGION = "us-east-1"
BUCKET = "interview-videos"
REPO_ROOT = Path(__file__).resolve().parents[3]
COMMAND = str(Path(sys.executable).with_name("ai-interviews"))
SLEEPY_WORKER = str(Path(__file__).with_name("sleepy_worker.py"))
SAMPLE_TRANSCRIPT = REPO_ROOT / "samples" / "interview" / "interview.transcript.json"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A moto server on 127.0.0.1 for this module's tests."""
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    """Test videos made with ffmpeg on first use."""
    return MediaFactory(tmp_path_factory.mktemp("worker-media"))


class AwsStack:
    """The AWS side of one test, on a freshly reset moto server, and the worker command."""

    def __init__(self, url: str, folder: Path, *, max_receive_count: int) -> None:
        """A queue whose redrive limit is `max_receive_count`; the worker's
        WORKER_MAX_ATTEMPTS is one less, the most the worker accepts."""
        request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        self.url = url
        self.folder = folder
        self.log_file = folder / "worker.log"
        session = boto3.Session(region_name=REGION, **_session_credentials())
        self.s3 = session.client("s3", endpoint_url=url)
        self.sqs = session.client("sqs", endpoint_url=url)
        self.dynamodb = session.client("dynamodb", endpoint_url=url)
        self.s3.create_bucket(Bucket=BUCKET)
        create_interview_tables(self.dynamodb)
        self.dead_letter_url = self.sqs.create_queue(QueueName="interviews-dlq")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(
            QueueUrl=self.dead_letter_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        redrive = {"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receive_count)}
        self.queue_url = self.sqs.create_queue(
            QueueName="interviews",
            Attributes={"VisibilityTimeout": "30", "RedrivePolicy": json.dumps(redrive)},
        )["QueueUrl"]
        self.max_receive_count = max_receive_count
        self.repository = DynamoDBInterviewRepository(
            self.dynamodb, DEFAULT_INTERVIEWS_TABLE, DEFAULT_QUESTIONS_TABLE
        )

    # --- the upstream ----------------------------------------------------------------------

    def upload(self, key: str, content: bytes | Path) -> str:
        body = content.read_bytes() if isinstance(content, Path) else content
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        return key

    def add_interview(self, video_key: str) -> str:
        interview_id = str(uuid.uuid4())
        put_interview(
            self.dynamodb,
            DEFAULT_INTERVIEWS_TABLE,
            Interview(id=interview_id, video_path=video_key, user_id="user-1"),
        )
        return interview_id

    def send(self, body: str) -> str:
        return self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)["MessageId"]

    def request(self, interview_id: str) -> str:
        return self.send(json.dumps({"interview_id": interview_id}))

    # --- what happened ---------------------------------------------------------------------

    def record(self, interview_id: str) -> Interview:
        return self.repository.get(interview_id)

    def questions(self, interview_id: str) -> list[Question]:
        return self.repository.list_questions(interview_id)

    def queue_counts(self) -> tuple[int, int]:
        """(visible, in flight) messages of the main queue."""
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return (
            int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        )

    def dead_letter_ids(self) -> set[str]:
        """Ids of the messages in the dead-letter queue (received and hidden again)."""
        found: set[str] = set()
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.dead_letter_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not batch:
                return found
            found.update(m["MessageId"] for m in batch)

    def logs(self, process: subprocess.CompletedProcess[str] | None = None) -> str:
        """Everything the worker logged: its log file and, when given, its stderr."""
        text = self.log_file.read_text(encoding="utf-8") if self.log_file.exists() else ""
        return text + (process.stderr if process is not None else "")

    # --- the worker ------------------------------------------------------------------------

    def env(self, **overrides: str) -> dict[str, str]:
        """The worker's environment: only our settings, pointing at moto."""
        base = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "TEST_"))
        }
        settings = {
            **CREDENTIALS,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_S3_BUCKET": BUCKET,
            "AWS_SQS_QUEUE_URL": self.queue_url,
            "INTERVIEWS_BACKEND": "aws",
            "INTERVIEWS_TRANSCRIBER": "stub",
            "INTERVIEWS_STUB_TRANSCRIPT": str(SAMPLE_TRANSCRIPT),
            "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
            "INTERVIEWS_LOG_FILE": str(self.log_file),
            "INTERVIEWS_LOG_FORMAT": "json",
            "INTERVIEWS_LEASE_SECONDS": "20",
            "WORKER_MAX_ATTEMPTS": str(self.max_receive_count - 1),
            "WORKER_CONCURRENCY": "4",
            "WORKER_WAIT_SECONDS": "1",
            "WORKER_VISIBILITY_TIMEOUT_SECONDS": "20",
            "WORKER_BACKOFF_BASE_SECONDS": "1",
            "WORKER_BACKOFF_MAX_SECONDS": "2",
        }
        return {**base, **settings, **overrides}

    def env_with_default_timing(self, **overrides: str) -> dict[str, str]:
        """`env` without the shortened lease, visibility, poll, backoff and attempts: every
        timing setting at the worker's default."""
        env = {name: value for name, value in self.env().items() if name not in _TIMING}
        return {**env, **overrides}

    def run(
        self, *args: str, timeout: float = 40, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `ai-interviews --mode sqs ARGS` to its end."""
        return subprocess.run(
            [COMMAND, "--mode", "sqs", *args],
            env=dict(env) if env is not None else self.env(),
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(
        self,
        *args: str,
        env: Mapping[str, str],
        sleepy: bool = False,
        command: Sequence[str] | None = None,
    ) -> subprocess.Popen[str]:
        """Start the worker (or, when `sleepy`, the worker with slow transcription; or
        `command`, a worker script of the test's)."""
        if command is None:
            command = [sys.executable, SLEEPY_WORKER] if sleepy else [COMMAND]
        return subprocess.Popen(
            [*command, "--mode", "sqs", *args],
            env=dict(env),
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


_TIMING = frozenset(
    {
        "INTERVIEWS_LEASE_SECONDS",
        "WORKER_MAX_ATTEMPTS",
        "WORKER_CONCURRENCY",
        "WORKER_WAIT_SECONDS",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS",
        "WORKER_BACKOFF_BASE_SECONDS",
        "WORKER_BACKOFF_MAX_SECONDS",
    }
)


def _session_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "aws_session_token": CREDENTIALS["AWS_SESSION_TOKEN"],
    }


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll `condition()` until it is true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def stop(process: subprocess.Popen[str], timeout: float = 10) -> tuple[int, str]:
    """SIGKILL a worker left running by a failed test; returns (exit code, stderr)."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    _, err = process.communicate(timeout=timeout)
    return process.returncode, err


@pytest.fixture
def make_stack(moto_url: str, tmp_path: Path) -> Callable[..., AwsStack]:
    """Builds the AWS side of a test with a chosen redrive limit."""

    def build(max_receive_count: int = 5) -> AwsStack:
        return AwsStack(moto_url, tmp_path, max_receive_count=max_receive_count)

    return build
