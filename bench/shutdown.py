"""Worker shutdown: seconds from SIGTERM to exit with the endpoint answering and black-holed.

A real `--mode sqs` process (with a transcriber that sleeps, so one interview is in work)
runs against a moto server through a TCP proxy on 127.0.0.1. Once the transcription has
started the proxy either keeps relaying or turns into a black hole (accepts, never answers),
then the worker gets SIGTERM with a short grace period. The two runs go side by side.
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
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    create_interview_tables,
    put_interview,
)
from bench.aws import FAKE_CREDENTIALS, REGION, REPO_ROOT, fake_credentials, moto_server_process
from bench.rows import BenchRow
from interview_core.entities import Interview
from tests.blackhole_proxy import BlackholeProxy

BUCKET = "bench-shutdown-videos"
GRACE_SECONDS = 3.0
MARGIN_SECONDS = 10.0
SAMPLE = REPO_ROOT / "samples" / "interview" / "interview.mp4"
TRANSCRIPT = REPO_ROOT / "samples" / "interview" / "interview.transcript.json"
SLEEPY_WORKER = REPO_ROOT / "tests" / "integration" / "worker" / "sleepy_worker.py"
START_TIMEOUT_SECONDS = 60.0
EXIT_TIMEOUT_SECONDS = 300.0


def _queued_interview(setup: AwsClientFactory) -> str:
    """A fresh queue (with the dead-letter queue a worker requires) holding one request for a
    new interview with the sample video."""
    name = f"bench-shutdown-{uuid.uuid4().hex[:12]}"
    dead = setup.sqs().create_queue(QueueName=f"{name}-dead")["QueueUrl"]
    dead_arn = setup.sqs().get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": "10"}
    queue_url = setup.sqs().create_queue(
        QueueName=name, Attributes={"RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    interview_id = str(uuid.uuid4())
    key = f"videos/{interview_id}.mp4"
    setup.s3().put_object(Bucket=BUCKET, Key=key, Body=SAMPLE.read_bytes())
    put_interview(
        setup.dynamodb(), DEFAULT_INTERVIEWS_TABLE, Interview(id=interview_id, video_path=key)
    )
    setup.sqs().send_message(
        QueueUrl=queue_url, MessageBody=json.dumps({"interview_id": interview_id})
    )
    return queue_url


def _worker_env(endpoint: str, queue_url: str, started: Path, folder: Path) -> dict[str, str]:
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "TEST_"))
    }
    return {
        **base,
        **FAKE_CREDENTIALS,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_S3_BUCKET": BUCKET,
        "AWS_SQS_QUEUE_URL": queue_url,
        "INTERVIEWS_BACKEND": "aws",
        "INTERVIEWS_TRANSCRIBER": "stub",
        "INTERVIEWS_STUB_TRANSCRIPT": str(TRANSCRIPT),
        "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
        "INTERVIEWS_LOG_FILE": str(folder / "worker.log"),
        "INTERVIEWS_LEASE_SECONDS": "30",
        "WORKER_WAIT_SECONDS": "1",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS": "30",
        "WORKER_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
        "TEST_TRANSCRIBE_SECONDS": "600",
        "TEST_TRANSCRIBE_STARTED": str(started),
    }


def shutdown_seconds(moto: str, setup: AwsClientFactory, *, black_hole: bool) -> float:
    """Seconds from SIGTERM to the worker's exit, one interview in work."""
    queue_url = _queued_interview(setup)
    with (
        tempfile.TemporaryDirectory(prefix="bench-shutdown-") as tmp,
        BlackholeProxy(moto) as proxy,
    ):
        folder = Path(tmp)
        started = folder / "transcribing"
        worker = subprocess.Popen(
            [sys.executable, str(SLEEPY_WORKER), "--mode", "sqs"],
            env=_worker_env(proxy.url, queue_url, started, folder),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not started.exists():
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the worker did not start transcribing")
                time.sleep(0.05)
            if black_hole:
                proxy.black_hole()
                time.sleep(1.0)  # the long poll and the heartbeat now wait on silent sockets
            signalled = time.monotonic()
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=EXIT_TIMEOUT_SECONDS)
            return time.monotonic() - signalled
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def run(quick: bool) -> list[BenchRow]:
    """One shutdown with the endpoint answering and one with it black-holed."""
    with fake_credentials(), moto_server_process() as moto:
        setup = AwsClientFactory(REGION, moto)
        setup.s3().create_bucket(Bucket=BUCKET)
        create_interview_tables(setup.dynamodb())
        answering = shutdown_seconds(moto, setup, black_hole=False)
        silent = shutdown_seconds(moto, setup, black_hole=True)
    target = GRACE_SECONDS + MARGIN_SECONDS
    return [
        BenchRow(
            "Worker shutdown with a black-holed AWS endpoint (SIGTERM to exit)",
            f"{silent:.1f} s",
            f"<= grace + {MARGIN_SECONDS:.0f} s = {target:.0f} s",
            silent <= target,
            f"grace {GRACE_SECONDS:.0f} s, one interview in work; {answering:.1f} s with the "
            "endpoint answering; real worker process, moto behind a TCP proxy that accepts "
            "and never answers",
        )
    ]
