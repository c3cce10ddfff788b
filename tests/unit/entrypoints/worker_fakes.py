"""Spies and a small world of in-memory fakes for the worker's unit tests."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from entrypoints.delivery_handler import DeliveryHandler
from entrypoints.worker.loop import Worker
from entrypoints.worker.options import WorkerOptions, WorkerSummary
from interview_core.delivery import DeliveryPolicy
from interview_core.entities import AudioFile, Interview, Transcript
from interview_core.ports import ProgressCallback, QueueMessage
from interview_core.process_interview import ProcessInterview
from tests.unit.fakes import (
    Faults,
    FaultyInterviewRepository,
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
)

LEASE = 30.0


class RecordingMessageSource:
    """Wraps a MessageSource, recording every call with its time; receive can fail on demand.

    `during_receive`, when set, runs inside the next receive (to simulate a signal arriving
    during a long poll).
    """

    def __init__(self, inner: InMemoryMessageSource) -> None:
        self.inner = inner
        self.receive_faults = Faults()
        self.ack_faults = Faults()
        self.extend_faults = Faults()
        self.receive_sizes: list[int] = []
        self.acks: list[str] = []
        self.releases: list[tuple[str, float]] = []
        self.requeues: list[tuple[str, float]] = []
        self.extends: list[tuple[str, float, float]] = []  # id, seconds, monotonic time
        self.ack_times: dict[str, float] = {}
        self.during_receive: Callable[[], None] | None = None

    def receive(self, max_messages: int, wait_seconds: float) -> list[QueueMessage]:
        self.receive_sizes.append(max_messages)
        self.receive_faults.check()
        messages = self.inner.receive(max_messages, wait_seconds)
        if self.during_receive is not None and messages:
            self.during_receive()
        return messages

    def ack(self, message: QueueMessage) -> None:
        self.ack_faults.check()
        self.acks.append(message.message_id)
        self.ack_times[message.message_id] = time.monotonic()
        self.inner.ack(message)

    def release(self, message: QueueMessage, delay_seconds: float) -> None:
        self.releases.append((message.message_id, delay_seconds))
        self.inner.release(message, delay_seconds)

    def requeue(self, message: QueueMessage, delay_seconds: float) -> None:
        self.requeues.append((message.message_id, delay_seconds))
        self.inner.requeue(message, delay_seconds)

    def extend(self, message: QueueMessage, visibility_seconds: float) -> None:
        self.extend_faults.check()
        self.extends.append((message.message_id, visibility_seconds, time.monotonic()))
        self.inner.extend(message, visibility_seconds)


class SlowTranscriber(SpyTranscriber):
    """A SpyTranscriber that takes `seconds`, or waits for `gate`, counting overlapping calls."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__()
        self.seconds = seconds
        self.gate: threading.Event | None = None
        self.started = threading.Event()
        self._lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.checks: list[Callable[[str], None]] = []

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.started.set()
        try:
            if self.gate is not None:
                self.gate.wait(10)
            else:
                time.sleep(self.seconds)
            for check in self.checks:
                check(job_id)
            return super().transcribe(
                audio, job_id=job_id, generation=generation, progress=progress
            )
        finally:
            with self._lock:
                self.running -= 1


class WorkerWorld:
    """A worker over an in-memory queue and repository on the system clock, with spies."""

    def __init__(
        self,
        *,
        policy: DeliveryPolicy | None = None,
        transcribe_seconds: float = 0.0,
        lease_seconds: float = LEASE,
        visibility_timeout: float = 30.0,
    ) -> None:
        self.queue = InMemoryMessageSource(visibility_timeout=visibility_timeout)
        self.source = RecordingMessageSource(self.queue)
        self.store = InMemoryInterviewRepository()
        self.repo = FaultyInterviewRepository(self.store)
        self.transcriber = SlowTranscriber(transcribe_seconds)
        self.extractor = SpyQuestionExtractor(sample_questions(2))
        self.lease_seconds = lease_seconds
        self.settle_pauses: list[float] = []
        self.use_case = ProcessInterview(
            self.repo,
            SpyVideoStore(),
            SpyAudioExtractor(),
            self.transcriber,
            self.extractor,
            lease_seconds=lease_seconds,
            sleep=self.settle_pauses.append,
        )
        self.policy = policy or DeliveryPolicy(
            max_attempts=3, backoff_base_seconds=10.0, backoff_max_seconds=100.0
        )
        self.handler = DeliveryHandler(
            self.use_case, self.policy, identity="test-worker", jitter=lambda: 0.5
        )
        self.media_cancels = 0

    def add_interview(self, **fields: Any) -> str:
        interview_id = str(uuid.uuid4())
        self.store.add(Interview(id=interview_id, video_path="videos/a.mp4", **fields))
        return interview_id

    def send(self, interview_id: str) -> str:
        return self.queue.send(json.dumps({"interview_id": interview_id}))

    def send_new(self, count: int = 1) -> list[str]:
        ids = [self.add_interview() for _ in range(count)]
        for interview_id in ids:
            self.send(interview_id)
        return ids

    def cancel_media(self) -> int:
        self.media_cancels += 1
        return 0

    def worker(self, **options: Any) -> Worker:
        settings: dict[str, Any] = {
            "concurrency": 4,
            "wait_seconds": 0.05,
            "visibility_seconds": 30.0,
            "lease_seconds": self.lease_seconds,
            "grace_seconds": 2.0,
            "idle_exit_seconds": 0.3,
        }
        settings.update(options)
        return Worker(
            self.source,
            self.repo,
            self.handler,
            WorkerOptions(**settings),
            cancel_media=self.cancel_media,
        )

    def run(self, **options: Any) -> WorkerSummary:
        return self.worker(**options).run()

    def state(self, interview_id: str) -> Interview:
        return self.store.get(interview_id)
