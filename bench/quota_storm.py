"""A model quota storm over a backlog: 20 interviews, 4 worker processes, a 30-minute storm.

Four real `--mode sqs` worker processes against a moto server in its own process, with every
timing setting at its default (lease, visibility, long poll, backoff, attempts, patience),
and a queue whose redrive limit is WORKER_MAX_ATTEMPTS + 3, as the template sets it. The
question model is a stand-in (tests/storm_model.py) that refuses every request as throttled,
as the adapters report an HTTP 429 or a Bedrock ThrottlingException, until the storm ends,
and then answers with the offline heuristic extractor; the transcriber is the stub with the
sample's transcript; the video goes through S3 and ffmpeg as in production. Measured: how
many interviews failed, how many messages reached the dead-letter queue, and the slowest
completion after the storm's end (target: within 5 minutes, with nothing failed or
dead-lettered). `--quick` runs a 1-minute storm instead.
"""

from __future__ import annotations

import json
import os
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

REGION = "us-east-1"
BUCKET = "bench-storm-videos"
REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "samples" / "interview"
STORM_WORKER = REPO_ROOT / "tests" / "integration" / "worker" / "storm_worker.py"
INTERVIEWS = 20
WORKERS = 4
STORM_SECONDS = 30 * 60.0
QUICK_STORM_SECONDS = 60.0
TARGET_SECONDS = 300.0
GIVE_UP_SECONDS = 15 * 60.0  # after the storm's end
POLL_SECONDS = 2.0


class StormDeployment:
    """A bucket, the two tables and a queue with a dead-letter queue on one moto server."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        aws = AwsClientFactory(REGION, endpoint)
        self.sqs, self.s3, self.dynamodb = aws.sqs(), aws.s3(), aws.dynamodb()
        self.s3.create_bucket(Bucket=BUCKET)
        self.s3.upload_file(str(SAMPLE / "interview.mp4"), BUCKET, "videos/storm/interview.mp4")
        create_interview_tables(self.dynamodb)
        self.dead_letter_url = self.sqs.create_queue(QueueName="bench-storm-dead")["QueueUrl"]
        dead_arn = self.sqs.get_queue_attributes(
            QueueUrl=self.dead_letter_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        limit = Settings().worker_max_attempts + SPARE_RECEIVES  # the template's redrive limit
        redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(limit)}
        self.queue_url = self.sqs.create_queue(
            QueueName="bench-storm", Attributes={"RedrivePolicy": json.dumps(redrive)}
        )["QueueUrl"]
        self.repository = DynamoDBInterviewRepository(
            self.dynamodb, DEFAULT_INTERVIEWS_TABLE, DEFAULT_QUESTIONS_TABLE
        )

    def request_interview(self) -> str:
        interview_id = str(uuid.uuid4())
        put_interview(
            self.dynamodb,
            DEFAULT_INTERVIEWS_TABLE,
            Interview(id=interview_id, video_path="videos/storm/interview.mp4"),
        )
        self.sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps({"interview_id": interview_id})
        )
        return interview_id

    def dead_letters(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.dead_letter_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def worker_env(self, log_file: Path, storm_ends: float) -> dict[str, str]:
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
            "INTERVIEWS_LOG_FILE": str(log_file),
            "TEST_STORM_UNTIL": str(storm_ends),
        }


class StormOutcome:
    """What the storm left: completions after its end, failures, dead letters, requeues."""

    def __init__(self) -> None:
        self.completed_after: dict[str, float] = {}
        self.failed: set[str] = set()
        self.dead_letters = 0
        self.requeues = 0

    @property
    def slowest(self) -> float:
        return max(self.completed_after.values(), default=float("inf"))


def measure_storm(deployment: StormDeployment, folder: Path, storm_seconds: float) -> StormOutcome:
    """Run the storm over INTERVIEWS interviews with WORKERS worker processes."""
    ids = [deployment.request_interview() for _ in range(INTERVIEWS)]
    storm_ends = time.time() + storm_seconds
    logs = [folder / f"worker-{n}.log" for n in range(WORKERS)]
    workers = [
        subprocess.Popen(
            [sys.executable, str(STORM_WORKER), "--mode", "sqs"],
            env=deployment.worker_env(log, storm_ends),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for log in logs
    ]
    outcome = StormOutcome()
    try:
        deadline = storm_ends + GIVE_UP_SECONDS
        while time.time() < deadline:
            for interview_id in ids:
                if interview_id in outcome.completed_after or interview_id in outcome.failed:
                    continue
                state = deployment.repository.get(interview_id).state
                if state is InterviewState.COMPLETED:
                    outcome.completed_after[interview_id] = time.time() - storm_ends
                elif state is InterviewState.FAILED:
                    outcome.failed.add(interview_id)
            if len(outcome.completed_after) + len(outcome.failed) == len(ids):
                break
            time.sleep(POLL_SECONDS)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=40)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
    outcome.dead_letters = deployment.dead_letters()
    outcome.requeues = sum(
        log.read_text(encoding="utf-8").count("requeued as a fresh copy")
        for log in logs
        if log.exists()
    )
    return outcome


def run(quick: bool) -> list[BenchRow]:
    """The 30-minute storm (1 minute with `quick`), at default settings."""
    storm = QUICK_STORM_SECONDS if quick else STORM_SECONDS
    with (
        fake_credentials(),
        moto_server_process() as endpoint,
        tempfile.TemporaryDirectory() as folder,
    ):
        outcome = measure_storm(StormDeployment(endpoint), Path(folder), storm)
    completed = len(outcome.completed_after)
    met = (
        not outcome.failed
        and outcome.dead_letters == 0
        and completed == INTERVIEWS
        and outcome.slowest <= TARGET_SECONDS
    )
    return [
        BenchRow(
            f"A {storm / 60:.0f}-minute model quota storm over {INTERVIEWS} interviews, "
            f"{WORKERS} workers, default settings",
            f"{outcome.slowest:.0f} s",
            f"<= {TARGET_SECONDS:.0f} s, 0 failed, 0 dead-lettered",
            met,
            f"slowest completion after the storm's end; {len(outcome.failed)} failed, "
            f"{outcome.dead_letters} dead-lettered, {completed}/{INTERVIEWS} completed, "
            f"{outcome.requeues} throttled runs requeued; {WORKERS} real worker processes "
            "(WORKER_CONCURRENCY 4 each), a model stand-in refusing every request as "
            "throttled (HTTP 429) until the storm ends, moto server on 127.0.0.1, the sample "
            "video through S3 and ffmpeg",
        )
    ]
