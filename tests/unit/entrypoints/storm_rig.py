"""A quota storm in virtual time: the worker's own decision code on a manual clock.

The queue is the in-memory SQS stand-in with the visibility, delays, receive counts and
redrive limit (WORKER_MAX_ATTEMPTS + 3) the template gives the real one; the repository is
the in-memory one; the model stand-in answers throttled to everything until the storm ends.
Each received message goes through the real DeliveryHandler (ProcessInterview, the
DeliveryPolicy built from default Settings) and is settled by the worker's own `settle`; only
the loop that receives and the passing of time are the rig's.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

import attrs

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.memory_stage_store import InMemoryStageStore
from entrypoints.builders import delivery_policy
from entrypoints.delivery_handler import DeliveryHandler
from entrypoints.settings import Settings
from entrypoints.worker.shutdown import settle
from interview_core.clock import ManualClock
from interview_core.delivery import Action
from interview_core.entities import ExtractedQuestion, Interview, Transcript
from interview_core.errors import ExtractionUnavailable
from interview_core.limits import SPARE_RECEIVES, WORKER_VISIBILITY_SECONDS
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.state import InterviewState
from interview_core.usage import UsageMeter
from tests.unit.fakes import SpyAudioExtractor, SpyTranscriber, SpyVideoStore, sample_questions

RUN_SECONDS = 5.0
"""Virtual seconds one run that reaches the model takes (download, audio, transcription)."""

IDLE_STEP_SECONDS = 1.0
"""How far the clock moves when no message is visible (the long poll's wait)."""


class StormModel:
    """A question extractor answering throttled (HTTP 429) to everything until `ends_at`."""

    def __init__(self, clock: ManualClock, storm_seconds: float, count: int = 3) -> None:
        self._clock = clock
        self.ends_at = clock.now().timestamp() + storm_seconds
        self._questions = sample_questions(count)
        self.refused = 0
        self.answered = 0

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        if self._clock.now().timestamp() < self.ends_at:
            self.refused += 1
            raise ExtractionUnavailable("model answered HTTP 429", throttled=True)
        self.answered += 1
        return list(self._questions)


@attrs.define
class StormResult:
    """What the storm left: per interview its state, attempts and completion time."""

    records: list[Interview]
    completed_at: dict[str, float]  # seconds after the start
    dead_letters: int
    left_on_queue: int
    decisions: dict[Action, int]
    questions: dict[str, int]

    @property
    def failed(self) -> int:
        return sum(record.state is InterviewState.FAILED for record in self.records)


class StormRig:
    """`interviews` interviews, `workers` workers of `concurrency` slots, one virtual clock."""

    def __init__(
        self,
        *,
        interviews: int,
        storm_seconds: float,
        workers: int = 1,
        seed: int = 7,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.clock = ManualClock()
        self.start = self.clock.now().timestamp()
        self.policy = delivery_policy(self.settings)
        self.queue = InMemoryMessageSource(
            clock=self.clock,
            visibility_timeout=WORKER_VISIBILITY_SECONDS,
            max_receive_count=self.settings.worker_max_attempts + SPARE_RECEIVES,
            long_poll=False,
        )
        self.repository = InMemoryInterviewRepository(self.clock)
        self.model = StormModel(self.clock, storm_seconds)
        self.transcriber = SpyTranscriber()
        self.transcriber.during = lambda: self.clock.advance(RUN_SECONDS)
        process = ProcessInterview(
            self.repository,
            SpyVideoStore(),
            SpyAudioExtractor(duration=600.0),
            self.transcriber,
            self.model,
            lease_seconds=self.settings.lease_seconds,
            stage_store=InMemoryStageStore(),  # what the worker's container wires by default
            sleep=self.clock.advance,
        )
        jitter = random.Random(seed)
        self.handlers = [
            DeliveryHandler(
                process,
                self.policy,
                identity=f"worker-{n}",
                jitter=jitter.random,
                sleep=self.clock.advance,
            )
            for n in range(workers)
        ]
        self.interview_ids = [str(uuid.uuid4()) for _ in range(interviews)]
        for interview_id in self.interview_ids:
            self.repository.add(Interview(id=interview_id, video_path=f"videos/{interview_id}.mp4"))
            self.queue.send_request(interview_id)
        self.completed_at: dict[str, float] = {}
        self.decisions: dict[Action, int] = {}

    def elapsed(self) -> float:
        return self.clock.now().timestamp() - self.start

    def send_again(self, interview_ids: Sequence[str]) -> None:
        """Duplicate requests, as an upstream that sends twice or a requeue whose delete
        failed would leave them."""
        for interview_id in interview_ids:
            self.queue.send_request(interview_id)

    def run(self, seconds: float) -> StormResult:
        """Receive and handle until `seconds` of virtual time have passed."""
        slots = self.settings.worker_concurrency
        while self.elapsed() < seconds:
            busy = False
            for handler in self.handlers:
                for message in self.queue.receive(min(slots, 10), 0):
                    busy = True
                    handled = handler.handle(message)
                    self.decisions[handled.decision.action] = (
                        self.decisions.get(handled.decision.action, 0) + 1
                    )
                    settle(self.queue, message, handled.decision)
                    report = handled.report
                    if report is not None and report.outcome is Outcome.COMPLETED:
                        self.completed_at.setdefault(report.interview_id, self.elapsed())
            if not busy:
                self.clock.advance(IDLE_STEP_SECONDS)
        return StormResult(
            records=[self.repository.get(i) for i in self.interview_ids],
            completed_at=dict(self.completed_at),
            dead_letters=len(self.queue.dead_letters),
            left_on_queue=len(self.queue),
            decisions=dict(self.decisions),
            questions={i: len(self.repository.list_questions(i)) for i in self.interview_ids},
        )
