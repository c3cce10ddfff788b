"""A state machine of at-least-once deliveries: duplicates, crashes, lease expiries, retries.

Simulated workers receive from an InMemoryMessageSource, run ProcessInterview against an
InMemoryInterviewRepository on a ManualClock, and ack or release as the DeliveryPolicy
decides. A worker can fail transiently, for good or for a fault of its deployment (which
keeps the message for later and fails nothing), vanish mid-work (its lease and the
message's visibility then run out), vanish after storing the result but before the ack, or
stall until its lease expires while another worker takes the interview over. After every step
the invariants of the issue hold; a drain step runs the queue dry and checks the end state.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.clock import ManualClock
from interview_core.delivery import Action, Decision, DeliveryPolicy, InvalidMessageAction
from interview_core.entities import (
    AudioFile,
    ExtractedQuestion,
    Interview,
    Question,
    Segment,
    Transcript,
)
from interview_core.errors import ToolMissing, TranscriptionFailed, TranscriptionUnavailable
from interview_core.ids import question_id
from interview_core.ports import ProgressCallback, QueueMessage
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.state import InterviewState
from interview_core.usage import UsageMeter
from tests.unit.fakes import SpyAudioExtractor, SpyVideoStore

MAX_ATTEMPTS = 3
LEASE = 60.0
VISIBILITY = 30.0
FAULTS = ("none", "transient", "permanent", "deployment", "crash", "crash-before-ack", "stall")
INVALID_BODIES = ("not json", "{}", '{"interview_id": "nope"}', json.dumps({"x": 1}), "")


class Vanished(BaseException):
    """The worker process died: nothing after this point runs, nothing is cleaned up."""


class ScriptedTranscriber:
    """Transcribes with a planned fault, recording which lease each transcription ran under.

    Each call gets a run number that tags its transcript, so stored questions show which run
    produced them. A call made without a live lease of its own, or twice under one lease, is
    recorded as a violation (an assertion here would be caught by the use case).
    """

    def __init__(self, machine: DeliveryMachine) -> None:
        self._machine = machine
        self.plan: list[str] = []
        self.runs = 0
        self.leases_seen: set[tuple[str, str]] = set()
        self.violations: list[str] = []

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        record = self._machine.repo.get(job_id)
        if record.lease_owner is None or not record.has_live_lease(self._machine.clock.now()):
            self.violations.append(f"{job_id} transcribed without a live lease")
        lease = (job_id, record.lease_owner or "")
        if lease in self.leases_seen:
            self.violations.append(f"{job_id} transcribed twice under lease {lease[1]}")
        self.leases_seen.add(lease)
        self.runs += 1
        run = self.runs
        fault = self.plan.pop(0) if self.plan else "none"
        if self._machine.outage:
            fault = "transient"
        if fault == "transient":
            raise TranscriptionUnavailable("the service is throttling")
        if fault == "permanent":
            raise TranscriptionFailed("no speech")
        if fault == "deployment":
            raise ToolMissing("the speech model is not installed")
        if fault == "crash":
            raise Vanished
        if fault == "stall":
            self._machine.stall_and_take_over()
        return Transcript((Segment(f"{job_id}|{run}", 0.0, 1.0, speaker="interviewer"),))


class RunTaggedExtractor:
    """Returns `run % 4` questions, each naming its interview and run, so mixes show."""

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        interview_id, run = transcript.segments[0].text.split("|")
        return [
            ExtractedQuestion(question=f"{interview_id}|{run}|{n}", answer=f"answer {run} {n}")
            for n in range(int(run) % 4)
        ]


class DeliveryMachine(RuleBasedStateMachine):
    """The queue, the repository and simulated workers, stepped by hypothesis."""

    interviews = Bundle("interviews")

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock()
        self.repo = InMemoryInterviewRepository(self.clock)
        self.source = InMemoryMessageSource(
            self.clock,
            visibility_timeout=VISIBILITY,
            max_receive_count=MAX_ATTEMPTS + 1,
            long_poll=False,
        )
        self.transcriber = ScriptedTranscriber(self)
        self.use_case = ProcessInterview(
            self.repo,
            SpyVideoStore(),
            SpyAudioExtractor(),
            self.transcriber,
            RunTaggedExtractor(),
            lease_seconds=LEASE,
            sleep=self.clock.advance,
        )
        self.policy = DeliveryPolicy(max_attempts=MAX_ATTEMPTS)
        self.jitter: Callable[[], float] = random.Random(7).random
        self.requests: dict[str, str | None] = {}  # message id -> interview id (None: invalid)
        self.known: set[str] = set()
        self.completed: dict[str, tuple[object, ...]] = {}
        self.last_outcome: dict[str, Outcome] = {}
        self.outage = False
        self.workers = 0
        self.ids = 0

    @initialize(invalid=st.sampled_from(InvalidMessageAction))
    def choose_policy(self, invalid: InvalidMessageAction) -> None:
        self.policy = DeliveryPolicy(
            max_attempts=MAX_ATTEMPTS,
            backoff_base_seconds=5.0,
            backoff_max_seconds=60.0,
            busy_delay_seconds=LEASE,
            invalid_messages=invalid,
        )

    # --- the upstream ----------------------------------------------------------------------

    def _new_id(self) -> str:
        self.ids += 1
        return str(uuid.UUID(int=self.ids))

    @rule(target=interviews)
    def upload_interview(self) -> str:
        interview_id = self._new_id()
        self.repo.add(Interview(id=interview_id, video_path=f"videos/{interview_id}.mp4"))
        self.known.add(interview_id)
        self._send(interview_id)
        return interview_id

    @rule(interview_id=interviews)
    def send_duplicate(self, interview_id: str) -> None:
        self._send(interview_id)

    @rule()
    def send_unknown_interview(self) -> None:
        self._send(self._new_id())

    @rule(body=st.sampled_from(INVALID_BODIES))
    def send_invalid(self, body: str) -> None:
        self.requests[self.source.send(body)] = None

    def _send(self, interview_id: str) -> None:
        self.requests[self.source.send(json.dumps({"interview_id": interview_id}))] = interview_id

    # --- time and workers --------------------------------------------------------------------

    @rule(seconds=st.sampled_from([1.0, 10.0, VISIBILITY + 1, LEASE + 1, 300.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule(fault=st.sampled_from(FAULTS))
    def deliver(self, fault: str) -> None:
        messages = self.source.receive(1, 0)
        if messages:
            self._work(messages[0], fault)

    @rule(outage=st.booleans())
    def drain(self, outage: bool) -> None:
        """Run workers until the queue is empty, then check the end state.

        During an `outage` every transcription fails transiently, so each request is retried
        until its final attempt, which must mark the interview failed.
        """
        self.outage = outage
        for _ in range(400):
            if len(self.source) == 0:
                break
            messages = self.source.receive(1, 0)
            if messages:
                self._work(messages[0], "none")
            else:
                self.clock.advance(max(VISIBILITY, LEASE, self.policy.backoff_max_seconds) + 1)
        self.outage = False
        assert len(self.source) == 0, "the queue did not drain"
        dead = {self.requests[m.message_id] for m in self.source.dead_letters}
        for record in self.repo.all():
            if record.id in dead:
                continue  # its request waits in the dead-letter queue for an operator
            assert record.state in (InterviewState.COMPLETED, InterviewState.FAILED), record
            assert record.lease_owner is None, record

    def stall_and_take_over(self) -> None:
        """The working worker stalls past its lease; another worker takes the next message."""
        self.clock.advance(LEASE + VISIBILITY + 1)
        messages = self.source.receive(1, 0)
        if messages:
            self._work(messages[0], "none")

    def _work(self, message: QueueMessage, fault: str) -> None:
        self.workers += 1
        if message.interview_id is None:
            self._settle(message, self.policy.decide_invalid(message, self.jitter))
            return
        self.transcriber.plan = [fault] if fault not in ("none", "crash-before-ack") else []
        try:
            report = self.use_case.execute(
                message.interview_id,
                owner=f"worker-{self.workers}",
                final_attempt=self.policy.is_final_attempt(message),
            )
        except Vanished:
            return  # lease and visibility are left to expire
        finally:
            self.transcriber.plan = []
        self.last_outcome[message.message_id] = report.outcome
        if fault == "crash-before-ack":
            return
        self._settle(message, self.policy.decide(message, report, self.jitter))

    def _settle(self, message: QueueMessage, decision: Decision) -> None:
        if decision.halts:
            return  # kept: the message comes back when its visibility lapses
        if decision.action is Action.RELEASE:
            self.source.release(message, decision.delay_seconds)
            return
        self.source.ack(message)
        if message.message_id in self._queued_ids():
            return  # a stale receipt: another delivery owns the message now
        interview_id = self.requests[message.message_id]
        if interview_id in self.known:
            state = self.repo.get(interview_id).state
            assert state in (InterviewState.COMPLETED, InterviewState.FAILED), (
                f"message for {interview_id} deleted while it is {state}"
            )

    def _queued_ids(self) -> set[str]:
        held = self.source.visible() + self.source.in_flight() + self.source.delayed()
        return {m.message_id for m in held}

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def questions_come_from_exactly_one_run(self) -> None:
        for record in self.repo.all():
            stored = self.repo.list_questions(record.id)
            assert [q.position for q in stored] == list(range(len(stored)))
            assert [q.id for q in stored] == [question_id(record.id, n) for n in range(len(stored))]
            tags = {tuple(q.question.split("|")[:2]) for q in stored}
            assert len(tags) <= 1, f"{record.id} mixes runs {tags}"
            for interview_id, run in tags:
                assert interview_id == record.id
                assert len(stored) == int(run) % 4, f"{record.id}: partial run {run}"
            if record.state is InterviewState.COMPLETED:
                assert record.question_count == len(stored)

    @invariant()
    def completed_interviews_never_change(self) -> None:
        for record in self.repo.all():
            if record.state is InterviewState.COMPLETED:
                now = _snapshot(record, self.repo.list_questions(record.id))
                assert self.completed.setdefault(record.id, now) == now, record.id
            else:
                assert record.id not in self.completed, f"{record.id} left completed"

    @invariant()
    def a_transient_failure_on_the_final_attempt_is_not_left_to_the_dead_letter_queue(
        self,
    ) -> None:
        for dead in self.source.dead_letters:
            assert self.last_outcome.get(dead.message_id) is not Outcome.RETRY, dead

    @invariant()
    def a_deployment_fault_never_fails_an_interview(self) -> None:
        for record in self.repo.all():
            assert record.error_code != ToolMissing.code, record

    @invariant()
    def finished_interviews_hold_no_lease(self) -> None:
        for record in self.repo.all():
            if record.state in (InterviewState.COMPLETED, InterviewState.FAILED):
                assert record.lease_owner is None

    @invariant()
    def each_lease_transcribed_at_most_once_and_only_while_live(self) -> None:
        assert not self.transcriber.violations, self.transcriber.violations


def _snapshot(record: Interview, questions: list[Question]) -> tuple[object, ...]:
    return (record.state, record.question_count, tuple(questions))


DeliveryMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None
)
test_deliveries = DeliveryMachine.TestCase
