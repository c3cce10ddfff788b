"""AWS adapters on a local moto server: API calls per interview, bytes downloaded, memory.

Every number comes from botocore event hooks on the worker's own clients (those of an
`AwsClientFactory`); resources are set up through separate clients that are not counted.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from adapters.aws.clients import AwsClientFactory
from adapters.aws.dynamodb_fenced_writes import TRANSACTION_ITEMS
from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    DEFAULT_QUESTIONS_INDEX,
    DEFAULT_QUESTIONS_TABLE,
    create_interview_tables,
    put_interview,
)
from adapters.aws.s3_video_store import S3VideoStore
from adapters.aws.sqs_message_source import SqsMessageSource
from bench.rows import BenchRow
from interview_core.entities import AudioFile, ExtractedQuestion, Interview, Segment, Transcript
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.usage import UsageMeter

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

REGION = "us-east-1"
BUCKET = "bench-interview-videos"
QUEUE = "bench-interview-requests"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "samples" / "interview" / "interview.mp4"
QUESTION_COUNTS = (5, 60)
MEMORY_TOLERANCE_MB = 50.0
MB = 1024 * 1024
PART_BYTES = 8 * MB
SERVICES = ("s3", "sqs", "dynamodb")


# --- Counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One API call a client made, with the parameters it was given."""

    service: str
    operation: str
    params: dict[str, Any]


@dataclass
class CallLog:
    """API calls (`before-call`) and GetObject sizes (`after-call`) of the clients it watches."""

    calls: list[ApiCall] = field(default_factory=list)
    downloads: list[tuple[str, int]] = field(default_factory=list)

    def watch(self, client: Any) -> None:
        """Record every call `client` makes from now on."""
        events = client.meta.events
        events.register("before-parameter-build.*.*", self._keep_params)
        events.register("before-call.*.*", self._count)
        events.register("after-call.s3.GetObject", self._downloaded)

    def clear(self) -> None:
        """Forget what was recorded."""
        self.calls.clear()
        self.downloads.clear()

    def by_service(self) -> dict[str, Counter[str]]:
        """Operation counts per service."""
        counts: dict[str, Counter[str]] = {}
        for call in self.calls:
            counts.setdefault(call.service, Counter())[call.operation] += 1
        return counts

    def _keep_params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = dict(params)

    def _count(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        service = model.service_model.service_name
        self.calls.append(ApiCall(service, model.name, context.get("bench_params", {})))

    def _downloaded(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        key = str(context.get("bench_params", {}).get("Key", ""))
        self.downloads.append((key, int(parsed.get("ContentLength", 0))))


def reads_after_writes(calls: list[ApiCall]) -> list[str]:
    """DynamoDB reads of an item (or an interview's questions) written earlier in `calls`."""
    written: set[tuple[str, str]] = set()
    found: list[str] = []
    for call in calls:
        if call.service != "dynamodb":
            continue
        params, table = call.params, str(call.params.get("TableName", ""))
        if call.operation in ("GetItem", "UpdateItem", "PutItem", "DeleteItem"):
            target = (table, params["Key"]["id"]["S"] if "Key" in params else "")
            if call.operation == "GetItem" and target in written:
                found.append(f"GetItem {table}")
            if call.operation != "GetItem":
                written.add(target)
        elif call.operation == "TransactWriteItems":
            for transact_item in params["TransactItems"]:
                for part in transact_item.values():
                    name = part["TableName"]
                    written.add((name, part["Key"]["id"]["S"] if "Key" in part else ""))
                    for value in part.get("ExpressionAttributeValues", {}).values():
                        if "S" in value:  # a question's interview_id among its values
                            written.add((name, value["S"]))
        elif call.operation == "Query":
            values = params.get("ExpressionAttributeValues", {}).values()
            if any((table, value.get("S", "")) in written for value in values):
                found.append(f"Query {table}")
    return found


# --- The moto stack ------------------------------------------------------------------------


@contextmanager
def fake_credentials() -> Iterator[None]:
    """Test credentials for boto3's default chain while the benchmarks run."""
    saved = {name: os.environ.get(name) for name in (*FAKE_CREDENTIALS, "AWS_PROFILE")}
    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Stack:
    """The moto endpoint, uncounted set-up clients, and the worker's counted clients."""

    endpoint: str
    setup: AwsClientFactory
    worker: AwsClientFactory
    log: CallLog
    queue_url: str

    @classmethod
    def create(cls, endpoint: str) -> Stack:
        setup = AwsClientFactory(REGION, endpoint)
        setup.s3().create_bucket(Bucket=BUCKET)
        create_interview_tables(setup.dynamodb())
        queue_url = setup.sqs().create_queue(QueueName=QUEUE)["QueueUrl"]
        worker = AwsClientFactory(REGION, endpoint)
        log = CallLog()
        for client in (worker.s3(), worker.sqs(), worker.dynamodb(), worker.transcribe()):
            log.watch(client)
        return cls(endpoint, setup, worker, log, queue_url)

    def add_interview(self, video_key: str) -> str:
        """A pending interview record for `video_key`, as the upstream service writes it."""
        interview_id = str(uuid.uuid4())
        put_interview(
            self.setup.dynamodb(),
            DEFAULT_INTERVIEWS_TABLE,
            Interview(id=interview_id, video_path=video_key, user_id="bench-user"),
        )
        return interview_id

    def repository(self, *, counted: bool = True) -> DynamoDBInterviewRepository:
        """The repository on the worker's counted client, or on an uncounted one."""
        return DynamoDBInterviewRepository(
            (self.worker if counted else self.setup).dynamodb(),
            DEFAULT_INTERVIEWS_TABLE,
            DEFAULT_QUESTIONS_TABLE,
            questions_index=DEFAULT_QUESTIONS_INDEX,
        )

    def video_store(self) -> S3VideoStore:
        """The video store on the worker's counted client."""
        return S3VideoStore(self.worker.s3(), BUCKET)


# --- (a) API calls per interview ---------------------------------------------------------


class InstantAudioExtractor:
    """Pretends a minute of audio was extracted, without ffmpeg."""

    @contextmanager
    def extract(self, video: Path) -> Iterator[AudioFile]:
        yield AudioFile(path=video, duration=60.0)


class FixedTranscriber:
    """A transcript in which the interviewer asks "Question 0?" to "Question 99?", at once."""

    def transcribe(
        self, audio: AudioFile, *, job_id: str, generation: int = 0, progress: Any = None
    ) -> Transcript:
        segments = tuple(Segment(f"Question {n}?", n, n + 0.5, "spk_0") for n in range(100))
        return Transcript(segments, "en", 100.0)


@dataclass(frozen=True)
class FixedQuestionExtractor:
    """`count` questions, whatever the transcript."""

    count: int

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        return [
            ExtractedQuestion(f"Question {n}?", f"Answer {n}.", "", "general", False, n, n + 0.5)
            for n in range(self.count)
        ]


def api_calls_row(stack: Stack, question_count: int) -> BenchRow:
    """Receive one message, process its interview, ack it; count the calls by service."""
    video_key = f"videos/bench/{question_count}-questions.mp4"
    stack.setup.s3().put_object(Bucket=BUCKET, Key=video_key, Body=os.urandom(64 * 1024))
    interview_id = stack.add_interview(video_key)
    body = json.dumps({"interview_id": interview_id})
    stack.setup.sqs().send_message(QueueUrl=stack.queue_url, MessageBody=body)
    use_case = ProcessInterview(
        stack.repository(),
        stack.video_store(),
        InstantAudioExtractor(),
        FixedTranscriber(),
        FixedQuestionExtractor(question_count),
    )
    source = SqsMessageSource(stack.worker.sqs(), stack.queue_url)
    stack.log.clear()
    [message] = source.receive(1, 1)
    report = use_case.execute(str(message.interview_id))
    source.ack(message)
    calls = list(stack.log.calls)
    counts = CallLog(calls).by_service()
    if report.outcome is not Outcome.COMPLETED or report.question_count != question_count:
        raise RuntimeError(f"the interview ended {report.outcome}: {report.error}")
    stored = len(stack.repository(counted=False).list_questions(interview_id))
    if stored != question_count:
        raise RuntimeError(f"{stored} questions stored instead of {question_count}")

    batches = counts.get("dynamodb", Counter())["TransactWriteItems"]
    expected_batches = max(1, math.ceil(question_count / (TRANSACTION_ITEMS - 1)))
    rereads = reads_after_writes(calls)
    per_service = " · ".join(
        f"{service} {sum(counts.get(service, Counter()).values())}" for service in SERVICES
    )
    breakdown = "; ".join(
        f"{service}: "
        + ", ".join(f"{op} {n}" for op, n in sorted(counts.get(service, Counter()).items()))
        for service in SERVICES
    )
    return BenchRow(
        f"AWS API calls per interview, {question_count} questions (receive, process, ack)",
        f"{per_service} (total {len(calls)})",
        f"no read of a just-written item; TransactWriteItems = ceil({question_count}/99) "
        f"= {expected_batches} (each fenced by the lease)",
        batches == expected_batches and not rereads,
        f"{breakdown}. TransactWriteItems {batches}; reads after writes: "
        f"{', '.join(rereads) if rereads else 'none'}",
    )


# --- (b) Bytes downloaded for an mp4 interview ---------------------------------------------


def transcribe_output(sidecar: Path) -> bytes:
    """An Amazon Transcribe output document (2023 shape) with the words of our sidecar."""
    document = json.loads(sidecar.read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = []
    for segment in document["segments"]:
        speaker = "spk_0" if segment.get("speaker") == "interviewer" else "spk_1"
        for word in segment["words"]:
            text = word["text"]
            spoken = text.rstrip(".,?!")
            items.append(
                {
                    "type": "pronunciation",
                    "start_time": f"{word['start']:.3f}",
                    "end_time": f"{word['end']:.3f}",
                    "alternatives": [{"content": spoken, "confidence": "0.99"}],
                    "speaker_label": speaker,
                }
            )
            items.extend(
                {"type": "punctuation", "alternatives": [{"content": mark, "confidence": "0.0"}]}
                for mark in text[len(spoken) :]
            )
    transcript = " ".join(segment["text"] for segment in document["segments"])
    results = {
        "transcripts": [{"transcript": transcript}],
        "items": items,
        "language_code": "en-US",
    }
    return json.dumps({"status": "COMPLETED", "results": results}).encode()


def publish_transcripts(stack: Stack, transcribe: Any, output: bytes) -> None:
    """Write `output` where a completed Transcribe job says its transcript is (moto writes none)."""

    def on_job(parsed: dict[str, Any], **_: Any) -> None:
        job = parsed.get("TranscriptionJob", {})
        uri = job.get("Transcript", {}).get("TranscriptFileUri")
        if job.get("TranscriptionJobStatus") == "COMPLETED" and uri:
            bucket, _, key = urlsplit(uri).path.lstrip("/").partition("/")
            stack.setup.s3().put_object(Bucket=bucket, Key=key, Body=output)

    transcribe.meta.events.register("after-call.transcribe.GetTranscriptionJob", on_job)


def aws_worker(stack: Stack, *, direct: bool, transcript: bytes) -> ProcessInterview:
    """ProcessInterview as the container wires it for the `aws` preset with the heuristic
    extractor and INTERVIEWS_TRANSCRIBE_DIRECT=`direct`, its S3 and Transcribe calls counted.

    Only the Transcribe adapter is replaced, by one that polls without sleeping (moto moves a
    job one step per poll); the decision to transcribe in place stays the container's.
    """
    from dependency_injector import providers

    from adapters.aws.transcribe_transcriber import TranscribeTranscriber
    from entrypoints.container import Container
    from entrypoints.settings import Settings

    settings = Settings.model_validate(
        {
            "INTERVIEWS_BACKEND": "aws",
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": stack.endpoint,
            "AWS_S3_BUCKET": BUCKET,
            "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",
            "INTERVIEWS_TRANSCRIBE_DIRECT": direct,
        }
    )
    container = Container()
    container.settings.override(settings)
    clients = container.aws()
    for client in (clients.s3(), clients.dynamodb(), clients.transcribe()):
        stack.log.watch(client)
    publish_transcripts(stack, clients.transcribe(), transcript)
    transcriber = TranscribeTranscriber(
        clients.transcribe(), clients.s3(), BUCKET, sleep=lambda _: None
    )
    container.transcriber.override(providers.Object(transcriber))
    use_case: ProcessInterview = container.process_interview()
    return use_case


def bytes_downloaded_row(stack: Stack) -> BenchRow:
    """GetObject bytes of one mp4 interview with the direct-to-Transcribe path on and off."""
    if not SAMPLE.is_file():
        raise RuntimeError(f"the bundled sample video is missing: {SAMPLE}")
    video_key = "videos/bench/interview.mp4"
    stack.setup.s3().upload_file(str(SAMPLE), BUCKET, video_key)
    size = SAMPLE.stat().st_size
    transcript = transcribe_output(SAMPLE.with_name("interview.transcript.json"))
    measured: dict[bool, tuple[int, int, dict[str, Counter[str]]]] = {}
    for direct in (True, False):
        use_case = aws_worker(stack, direct=direct, transcript=transcript)
        interview_id = stack.add_interview(video_key)
        stack.log.clear()
        report = use_case.execute(interview_id)
        if report.outcome is not Outcome.COMPLETED or not report.question_count:
            raise RuntimeError(f"the interview ended {report.outcome}: {report.error}")
        video, other = _split_downloads(stack.log.downloads, video_key)
        measured[direct] = (video, other, stack.log.by_service())
    (on_video, on_other, on_calls), (off_video, off_other, off_calls) = (
        measured[True],
        measured[False],
    )

    def s3_calls(counts: dict[str, Counter[str]]) -> str:
        return ", ".join(f"{op} {n}" for op, n in sorted(counts.get("s3", Counter()).items()))

    return BenchRow(
        "Bytes downloaded by the worker, mp4 interview, direct-to-Transcribe on / off",
        f"on: {on_video:,} B of video · off: {off_video:,} B",
        "on: 0 B of video",
        on_video == 0 and off_video == size,
        f"{size:,} B sample mp4; besides the video, the transcript JSON: {on_other:,} B on, "
        f"{off_other:,} B off. ProcessInterview from the container (aws preset, "
        "INTERVIEWS_TRANSCRIBE_DIRECT=true/false); GetObject ContentLength from an after-call "
        f"hook. S3 calls on: {s3_calls(on_calls)}; off: {s3_calls(off_calls)}",
    )


def _split_downloads(downloads: list[tuple[str, int]], video_key: str) -> tuple[int, int]:
    video = sum(size for key, size in downloads if key == video_key)
    return video, sum(size for _, size in downloads) - video


# --- (c) Peak memory of a download ---------------------------------------------------------

# Downloads one object through S3VideoStore in a fresh interpreter and reports its peak RSS:
# VmHWM, the high-water mark of this process image. ru_maxrss is not used because Linux carries
# it over from the parent across fork and exec, so it would report the benchmark's own size.
_DOWNLOAD = (
    "import json, sys\n"
    "from adapters.aws.clients import AwsClientFactory\n"
    "from adapters.aws.s3_video_store import S3VideoStore\n"
    "endpoint, bucket, key = sys.argv[1:4]\n"
    "store = S3VideoStore(AwsClientFactory('us-east-1', endpoint).s3(), bucket, "
    "max_bytes=4 * 1024**3)\n"
    "with store.fetch(key) as video:\n"
    "    size = video.stat().st_size\n"
    "status = open('/proc/self/status', encoding='ascii').read().splitlines()\n"
    "peak = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
    "print(json.dumps({'bytes': size, 'peak_rss_kib': peak}))\n"
)


def upload_generated(stack: Stack, key: str, size: int) -> None:
    """Upload `size` bytes as a multipart object, one generated part in memory at a time."""
    s3 = stack.setup.s3()
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    parts: list[CompletedPartTypeDef] = []
    for number, part in enumerate(_generated_parts(size), start=1):
        response = s3.upload_part(
            Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number, Body=part
        )
        parts.append({"ETag": response["ETag"], "PartNumber": number})
    s3.complete_multipart_upload(
        Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )


def _generated_parts(size: int) -> Iterator[bytes]:
    block = os.urandom(PART_BYTES)
    for start in range(0, size, PART_BYTES):
        yield block[: min(PART_BYTES, size - start)]


def download_peak_rss_mb(stack: Stack, key: str, size: int) -> float:
    """Peak RSS of a fresh interpreter that downloads `key` with S3VideoStore."""
    done = subprocess.run(
        [sys.executable, "-c", _DOWNLOAD, stack.endpoint, BUCKET, key],
        env={**os.environ, **FAKE_CREDENTIALS},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the download failed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["bytes"] != size:
        raise RuntimeError(f"downloaded {result['bytes']} bytes of {size}")
    return float(result["peak_rss_kib"]) / 1024


def memory_row(stack: Stack, quick: bool) -> BenchRow:
    """Peak RSS downloading a large object against a 5 MB one."""
    small, large = 5 * MB, (100 if quick else 500) * MB
    for key, size in (("videos/bench/small.mp4", small), ("videos/bench/large.mp4", large)):
        print(f"  uploading {size // MB} MB ...", file=sys.stderr, flush=True)
        upload_generated(stack, key, size)
    small_mb = download_peak_rss_mb(stack, "videos/bench/small.mp4", small)
    large_mb = download_peak_rss_mb(stack, "videos/bench/large.mp4", large)
    growth = large_mb - small_mb
    return BenchRow(
        f"S3VideoStore peak RSS downloading {large // MB} MB vs {small // MB} MB",
        f"{large_mb:.1f} MB vs {small_mb:.1f} MB ({growth:+.1f} MB)",
        f"within {MEMORY_TOLERANCE_MB:.0f} MB",
        abs(growth) <= MEMORY_TOLERANCE_MB,
        "each download in a fresh interpreter (VmHWM, its peak RSS); 1 MiB chunks to a file; the "
        f"object uploaded in {PART_BYTES // MB} MiB multipart parts from a generator",
    )


# Serves moto on 127.0.0.1 until its stdin closes; prints the URL first.
_SERVE_MOTO = (
    "import logging, sys\n"
    "from tests.moto_support import moto_server\n"
    "logging.getLogger('werkzeug').setLevel(logging.ERROR)\n"
    "with moto_server() as url:\n"
    "    print(url, flush=True)\n"
    "    sys.stdin.read()\n"
)


@contextmanager
def moto_server_process() -> Iterator[str]:
    """A moto server in its own process, so the objects it holds do not swell this one."""
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE_MOTO],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None
    assert server.stdout is not None
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError("the moto server did not start")
        yield url
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run(quick: bool) -> list[BenchRow]:
    """All AWS rows against one moto server on 127.0.0.1."""
    with fake_credentials(), moto_server_process() as endpoint:
        stack = Stack.create(endpoint)
        rows = [api_calls_row(stack, count) for count in QUESTION_COUNTS]
        rows.append(bytes_downloaded_row(stack))
        rows.append(memory_row(stack, quick))
    return rows
