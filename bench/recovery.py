"""Recovery after kill -9 or a 60 s throttle: how long an interview waits once the fault ends.

Two real `--mode sqs` worker processes against a moto server in its own process, with every
timing setting at its default (lease, visibility, long poll, backoff, busy delay): the first
worker's transcription hangs, and it is killed with SIGKILL once it transcribes; the second
worker is already polling the queue. Measured: from the kill until the interview is stored
completed. Only the transcriber is a stand-in (the sample's transcript, INTERVIEWS_TRANSCRIBER
=stub, which a user can set too; the killed worker's copy never answers); the video goes
through S3 and ffmpeg as in production. The throttle puts a proxy between the worker and
moto that answers every request with 503 ThrottlingException for 60 s, starting while the
interview is being transcribed; measured from the end of the throttle.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from adapters.aws.clients import AwsClientFactory
from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    DEFAULT_QUESTIONS_TABLE,
    create_interview_tables,
    put_interview,
)
from bench.aws import FAKE_CREDENTIALS, fake_credentials, moto_server_process
from bench.rows import BenchRow
from entrypoints.settings import Settings
from interview_core.entities import Interview
from interview_core.limits import SPARE_RECEIVES
from interview_core.state import InterviewState
from tests.throttling_proxy import ThrottlingProxy

REGION = "us-east-1"
BUCKET = "bench-recovery-videos"
REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "samples" / "interview"
HANGING_WORKER = REPO_ROOT / "tests" / "integration" / "worker" / "sleepy_worker.py"
COMMAND = str(Path(sys.executable).with_name("ai-interviews"))
TARGET_SECONDS = 180.0
THROTTLE_SECONDS = 60.0
TRANSCRIBE_SECONDS = 10.0
GIVE_UP_SECONDS = 600.0


class Deployment:
    """A bucket, the two tables and a queue with a dead-letter queue on one moto server."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        aws = AwsClientFactory(REGION, endpoint)
        self.sqs, self.s3, self.dynamodb = aws.sqs(), aws.s3(), aws.dynamodb()
        self.s3.create_bucket(Bucket=BUCKET)
        create_interview_tables(self.dynamodb)
        dead = self.sqs.create_queue(QueueName="bench-recovery-dead")["QueueUrl"]
        dead_arn = self.sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        limit = Settings().worker_max_attempts + SPARE_RECEIVES  # the redrive limit advised
        redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(limit)}
        self.queue_url = self.sqs.create_queue(
            QueueName="bench-recovery", Attributes={"RedrivePolicy": json.dumps(redrive)}
        )["QueueUrl"]
        self.repository = DynamoDBInterviewRepository(
            self.dynamodb, DEFAULT_INTERVIEWS_TABLE, DEFAULT_QUESTIONS_TABLE
        )

    def request_interview(self) -> str:
        interview_id = str(uuid.uuid4())
        key = f"videos/{interview_id}/interview.mp4"
        self.s3.upload_file(str(SAMPLE / "interview.mp4"), BUCKET, key)
        put_interview(
            self.dynamodb, DEFAULT_INTERVIEWS_TABLE, Interview(id=interview_id, video_path=key)
        )
        self.sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps({"interview_id": interview_id})
        )
        return interview_id

    def worker_env(self, folder: Path) -> dict[str, str]:
        """Only the settings that point at this deployment; every timing at its default."""
        base = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "TEST_"))
        }
        return {
            **base,
            **FAKE_CREDENTIALS,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_S3_BUCKET": BUCKET,
            "AWS_SQS_QUEUE_URL": self.queue_url,
            "INTERVIEWS_BACKEND": "aws",
            "INTERVIEWS_TRANSCRIBER": "stub",
            "INTERVIEWS_STUB_TRANSCRIPT": str(SAMPLE / "interview.transcript.json"),
            "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
            "INTERVIEWS_LOG_FILE": str(folder / "worker.log"),
        }


def _wait(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"gave up after {seconds:.0f} s waiting for {what}")


def _start(command: list[str], env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*command, "--mode", "sqs"],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure_recovery(deployment: Deployment, folder: Path) -> tuple[float, int]:
    """Seconds from the SIGKILL of the worker on an interview until it is completed, and the
    attempts it took."""
    interview_id = deployment.request_interview()
    env = deployment.worker_env(folder)
    started = folder / "transcribing"
    hanging_env = {
        **env,
        "TEST_TRANSCRIBE_SECONDS": str(GIVE_UP_SECONDS),
        "TEST_TRANSCRIBE_STARTED": str(started),
    }
    victim = _start([sys.executable, str(HANGING_WORKER)], hanging_env, folder)
    rescuer: subprocess.Popen[bytes] | None = None
    try:
        _wait(started.exists, 120, "the first worker to transcribe")
        rescuer = _start([COMMAND], env, folder)
        time.sleep(2.0)  # the second worker is polling the queue
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        killed = time.monotonic()
        _wait(
            lambda: deployment.repository.get(interview_id).state is InterviewState.COMPLETED,
            GIVE_UP_SECONDS,
            "the interview to complete",
        )
        seconds = time.monotonic() - killed
    finally:
        for process in (victim, rescuer):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return seconds, deployment.repository.get(interview_id).attempts


def measure_throttle_recovery(deployment: Deployment, folder: Path) -> tuple[float, int]:
    """Seconds from the end of a 60 s throttle that began during transcription until the
    interview is completed, and the attempts it took (one worker, default settings)."""
    interview_id = deployment.request_interview()
    started = folder / "transcribing-under-throttle"
    with ThrottlingProxy(deployment.endpoint) as proxy:
        env = {
            **deployment.worker_env(folder),
            "AWS_ENDPOINT_URL": proxy.url,
            "TEST_TRANSCRIBE_SECONDS": str(TRANSCRIBE_SECONDS),
            "TEST_TRANSCRIBE_STARTED": str(started),
        }
        worker = _start([sys.executable, str(HANGING_WORKER)], env, folder)
        try:
            _wait(started.exists, 120, "the worker to transcribe")
            proxy.throttle(True)
            time.sleep(THROTTLE_SECONDS)
            proxy.throttle(False)
            ended = time.monotonic()
            _wait(
                lambda: deployment.repository.get(interview_id).state is InterviewState.COMPLETED,
                GIVE_UP_SECONDS,
                "the interview to complete after the throttle",
            )
            seconds = time.monotonic() - ended
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
    return seconds, deployment.repository.get(interview_id).attempts


def run(quick: bool) -> list[BenchRow]:
    """One kill -9 with default settings (the quick run measures the same: defaults only)."""
    defaults = Settings()
    with (
        fake_credentials(),
        moto_server_process() as endpoint,
        tempfile.TemporaryDirectory() as folder,
    ):
        deployment = Deployment(endpoint)
        seconds, attempts = measure_recovery(deployment, Path(folder))
        try:
            throttled, throttled_attempts = measure_throttle_recovery(deployment, Path(folder))
        except RuntimeError:  # the interview never completed: a missed target, not a crash
            throttled, throttled_attempts = float("inf"), 0
    return [
        BenchRow(
            "Recovery after a 60 s AWS throttle during an interview, default settings",
            f"{throttled:.0f} s",
            f"<= {TARGET_SECONDS:.0f} s",
            throttled <= TARGET_SECONDS,
            "from the end of the throttle (every request answered 503 ThrottlingException by "
            "a proxy, starting during transcription) until the interview is completed; "
            f"{throttled_attempts} attempts; one real worker process",
        ),
        BenchRow(
            "Recovery after kill -9 of the worker on an interview, default settings",
            f"{seconds:.0f} s",
            f"<= {TARGET_SECONDS:.0f} s",
            seconds <= TARGET_SECONDS,
            f"from the SIGKILL until the interview is completed by a second worker already "
            f"polling; lease {defaults.lease_seconds:.0f} s, visibility "
            f"{defaults.worker_visibility_timeout_seconds} s, long poll "
            f"{defaults.worker_wait_seconds:.0f} s; {attempts} attempts; two real worker "
            "processes, moto server on 127.0.0.1, sample video through S3 and ffmpeg",
        ),
    ]
