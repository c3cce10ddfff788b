"""The queue worker on a moto server: throughput by concurrency, overhead and SQS calls.

Each measurement runs `entrypoints.worker.serve` (the `--mode sqs` code path) in this process
on the container's real SQS, DynamoDB and S3 adapters against a moto server in its own
process; only the media stages are fakes. The worker stops by itself after the batch
(`max_messages`), and every interview is checked to be completed afterwards.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.aws.clients import AwsClientFactory
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    create_interview_tables,
    put_interview,
)
from bench.aws import fake_credentials, moto_server_process
from bench.rows import BenchRow
from entrypoints.settings import Settings
from entrypoints.worker import serve
from interview_core.entities import AudioFile, ExtractedQuestion, Interview, Segment, Transcript
from interview_core.state import InterviewState
from interview_core.usage import UsageMeter
from tests.container_fakes import fake_container

REGION = "us-east-1"
BUCKET = "bench-worker-videos"
SLOW_TRANSCRIPTION_SECONDS = 2.0
CONCURRENCIES = (1, 4, 16)
SPEEDUP_TARGET = 10.0
OVERHEAD_CONCURRENCY = 4
QUESTIONS = [ExtractedQuestion(f"Question {n}?", f"Answer {n}.") for n in range(3)]


class InstantAudioExtractor:
    """Pretends a minute of audio was extracted."""

    @contextmanager
    def extract(self, video: Path) -> Iterator[AudioFile]:
        yield AudioFile(path=video.with_suffix(".wav"), duration=60.0, source=video)


class SleepingTranscriber:
    """Waits `seconds` as a remote transcription service would, then returns one segment."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def transcribe(
        self, audio: AudioFile, *, job_id: str, generation: int = 0, progress: Any = None
    ) -> Transcript:
        if self.seconds:
            time.sleep(self.seconds)
        said = tuple(Segment(q.question, q.start_time or 0.0, q.end_time or 0.0) for q in QUESTIONS)
        return Transcript(said, duration=audio.duration)  # says every question: all are kept


class FixedQuestionExtractor:
    """Returns the same three questions at once."""

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        return list(QUESTIONS)


@dataclass(frozen=True)
class Batch:
    """One worker run over `count` fresh interviews."""

    count: int
    seconds: float
    calls: dict[str, Counter[str]]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def per_interview(self, service: str) -> float:
        return sum(self.calls[service].values()) / self.count


class Moto:
    """Set-up clients for one moto server, and batches of interviews queued on it."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._setup = AwsClientFactory(REGION, endpoint)
        self._setup.s3().create_bucket(Bucket=BUCKET)
        create_interview_tables(self._setup.dynamodb())

    def queue_batch(self, count: int) -> tuple[str, list[str]]:
        """A new queue holding one request for each of `count` new interviews with videos."""
        sqs, s3, dynamodb = self._setup.sqs(), self._setup.s3(), self._setup.dynamodb()
        queue_url = sqs.create_queue(QueueName=f"bench-worker-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        ids = [str(uuid.uuid4()) for _ in range(count)]
        for interview_id in ids:
            key = f"videos/{interview_id}.mp4"
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"bench video bytes")
            put_interview(
                dynamodb, DEFAULT_INTERVIEWS_TABLE, Interview(id=interview_id, video_path=key)
            )
        for start in range(0, count, 10):
            entries = [
                {"Id": str(n), "MessageBody": json.dumps({"interview_id": i})}
                for n, i in enumerate(ids[start : start + 10])
            ]
            sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        return queue_url, ids

    def run_worker(self, count: int, *, concurrency: int, transcribe_seconds: float) -> Batch:
        """Serve `count` fresh interviews with the worker; raise if any is not completed."""
        queue_url, ids = self.queue_batch(count)
        container = fake_container(
            Settings(
                INTERVIEWS_BACKEND="aws",
                AWS_REGION=REGION,
                AWS_ENDPOINT_URL=self.endpoint,
                AWS_S3_BUCKET=BUCKET,
                AWS_SQS_QUEUE_URL=queue_url,
                INTERVIEWS_TRANSCRIBER="stub",
                INTERVIEWS_QUESTION_EXTRACTOR="heuristic",
                WORKER_CONCURRENCY=concurrency,
                WORKER_WAIT_SECONDS=1,
                INTERVIEWS_LOG_FILE=None,
            ),
            audio_extractor=InstantAudioExtractor(),
            transcriber=SleepingTranscriber(transcribe_seconds),
            question_extractor=FixedQuestionExtractor(),
        )
        calls: dict[str, Counter[str]] = {name: Counter() for name in ("sqs", "dynamodb", "s3")}
        factory = container.aws()
        for name, client in (
            ("sqs", factory.sqs()),
            ("dynamodb", factory.dynamodb()),
            ("s3", factory.s3()),
        ):
            client.meta.events.register(f"before-call.{name}", _counter(calls[name]))
        started = time.perf_counter()
        code = serve(container, max_messages=count)
        seconds = time.perf_counter() - started
        repository = container.repository()
        unfinished = [i for i in ids if repository.get(i).state is not InterviewState.COMPLETED]
        if code != 0 or unfinished:
            raise RuntimeError(f"worker exited {code}; {len(unfinished)} interviews not completed")
        return Batch(count, seconds, calls)


def _counter(counts: Counter[str]) -> Any:
    def count(model: Any, **_: Any) -> None:
        counts[model.name] += 1

    return count


def throughput_rows(moto: Moto, rounds: int) -> list[BenchRow]:
    """Concurrency 1, 4 and 16 with a 2 s transcription, `rounds` interviews per slot."""
    batches = {
        concurrency: moto.run_worker(
            rounds * concurrency,
            concurrency=concurrency,
            transcribe_seconds=SLOW_TRANSCRIPTION_SECONDS,
        )
        for concurrency in CONCURRENCIES
    }
    ideal = 1 / SLOW_TRANSCRIPTION_SECONDS
    rows = [
        BenchRow(
            f"Worker throughput, {SLOW_TRANSCRIPTION_SECONDS:.0f} s fake transcription, "
            f"concurrency {concurrency}",
            f"{batch.rate:.2f} interviews/s",
            "reported",
            True,
            f"{batch.count} interviews in {batch.seconds:.1f} s; "
            f"{batch.rate / (ideal * concurrency):.0%} of the ideal {ideal * concurrency:.2f}/s",
        )
        for concurrency, batch in batches.items()
    ]
    low, high = CONCURRENCIES[0], CONCURRENCIES[-1]
    speedup = batches[high].rate / batches[low].rate
    rows.append(
        BenchRow(
            f"Worker throughput, concurrency {high} vs {low}",
            f"{speedup:.1f}x",
            f">= {SPEEDUP_TARGET:.0f}x",
            speedup >= SPEEDUP_TARGET,
            f"one process, threads; moto server on 127.0.0.1; {rounds} interviews per slot",
        )
    )
    return rows


def overhead_rows(moto: Moto, count: int) -> list[BenchRow]:
    """Instant fakes: what the worker itself costs per interview, and its SQS calls."""
    batch = moto.run_worker(count, concurrency=OVERHEAD_CONCURRENCY, transcribe_seconds=0.0)
    sqs_per_interview = batch.per_interview("sqs")
    by_operation = ", ".join(
        f"{name} {n / batch.count:.2f}" for name, n in batch.calls["sqs"].most_common()
    )
    return [
        BenchRow(
            f"Worker end to end with instant fakes, concurrency {OVERHEAD_CONCURRENCY}",
            f"{batch.rate:.1f} messages/s",
            "reported",
            True,
            f"{batch.count} interviews in {batch.seconds:.1f} s, "
            f"{batch.seconds / batch.count * 1000:.0f} ms each through the moto server "
            f"(DynamoDB {batch.per_interview('dynamodb'):.1f}, "
            f"S3 {batch.per_interview('s3'):.1f} calls per interview)",
        ),
        BenchRow(
            "SQS calls per interview (worker, instant fakes)",
            f"{sqs_per_interview:.2f}",
            "reported",
            True,
            f"{by_operation}; a receive asks only for as many messages as there are free slots",
        ),
    ]


def run(quick: bool) -> list[BenchRow]:
    """Throughput by concurrency with slow transcription, then overhead with instant fakes."""
    with fake_credentials(), moto_server_process() as endpoint:
        moto = Moto(endpoint)
        rows = throughput_rows(moto, rounds=2 if quick else 3)
        rows += overhead_rows(moto, 40 if quick else 200)
    return rows
