"""An interview whose last run vanished runs alone in its worker, and nothing is received
meanwhile: a crash it causes cannot take other interviews' attempts with it."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import attrs

from entrypoints.worker.isolation import CrashIsolation
from interview_core.entities import Interview
from interview_core.ports import QueueMessage
from interview_core.state import InterviewState
from tests.unit.entrypoints.worker_fakes import WorkerWorld

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LAPSED = NOW - timedelta(seconds=5)
FRESH = Interview(id="fresh", video_path="videos/a.mp4")
SUSPECT = Interview(
    id="suspect",
    video_path="videos/a.mp4",
    state=InterviewState.PROCESSING,
    attempts=1,
    lease_owner="dead-worker/1",
    lease_expires_at=LAPSED,
)


def _gate(stop: threading.Event | None = None) -> CrashIsolation:
    return CrashIsolation((stop or threading.Event()).is_set, now=lambda: NOW)


class Run:
    """One delivery at the gate in its own thread: admitted or not, held until `finish`."""

    def __init__(self, gate: CrashIsolation, loaded: Interview) -> None:
        self.admitted = threading.Event()
        self.result: bool | None = None
        self._finish = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(gate, loaded), daemon=True)
        self._thread.start()

    def _run(self, gate: CrashIsolation, loaded: Interview) -> None:
        with gate.admit(loaded) as admitted:
            self.result = admitted
            self.admitted.set()
            self._finish.wait(5)

    def finish(self) -> None:
        self._finish.set()
        self._thread.join(5)


def _waits(run: Run) -> bool:
    return not run.admitted.wait(0.3)


def test_runs_whose_last_run_did_not_vanish_go_side_by_side() -> None:
    gate = _gate()
    runs = [Run(gate, FRESH) for _ in range(3)]
    assert all(run.admitted.wait(2) and run.result for run in runs)
    assert not gate.holds_receiving
    for run in runs:
        run.finish()


def test_a_suspect_waits_for_the_runs_in_work_then_runs_with_none_beside_it() -> None:
    gate = _gate()
    first, second = Run(gate, FRESH), Run(gate, FRESH)
    assert first.admitted.wait(2) and second.admitted.wait(2)

    suspect = Run(gate, SUSPECT)
    assert _waits(suspect)
    assert gate.holds_receiving  # no more messages while it waits
    late = Run(gate, FRESH)
    first.finish()
    assert _waits(suspect)
    second.finish()
    assert suspect.admitted.wait(2) and suspect.result
    assert _waits(late)  # nothing starts beside the suspect
    assert gate.holds_receiving

    suspect.finish()
    assert late.admitted.wait(2) and late.result
    assert not gate.holds_receiving
    late.finish()


def test_suspects_run_one_after_another() -> None:
    gate = _gate()
    one = Run(gate, SUSPECT)
    assert one.admitted.wait(2)
    other = Run(gate, SUSPECT)
    assert _waits(other)
    one.finish()
    assert other.admitted.wait(2) and other.result
    other.finish()
    assert not gate.holds_receiving


def test_a_suspect_whose_lease_is_still_live_is_not_held_back() -> None:
    # another worker still runs it: its claim will be refused at once, so it need not wait
    gate = _gate()
    running = Run(gate, FRESH)
    assert running.admitted.wait(2)
    live = Run(gate, attrs.evolve(SUSPECT, lease_expires_at=NOW + timedelta(seconds=1)))
    assert live.admitted.wait(2) and live.result
    assert not gate.holds_receiving
    running.finish()
    live.finish()


def test_a_stopping_worker_admits_no_waiting_run_and_lets_the_rest_finish() -> None:
    stop = threading.Event()
    gate = _gate(stop)
    running = Run(gate, FRESH)
    assert running.admitted.wait(2)
    suspect = Run(gate, SUSPECT)
    assert _waits(suspect)

    stop.set()

    assert suspect.admitted.wait(2) and suspect.result is False
    suspect.finish()
    assert not gate.holds_receiving
    with ExitStack() as stack:  # a run that need not wait still may start: it was received
        assert stack.enter_context(gate.admit(FRESH))
    running.finish()


def test_the_worker_runs_a_dead_workers_interview_alone_and_receives_nothing_meanwhile() -> None:
    world = WorkerWorld(transcribe_seconds=0.3)
    fresh = world.send_new(2)
    suspect = world.add_interview(
        state=InterviewState.PROCESSING,
        attempts=1,
        lease_owner="dead-worker/1",
        lease_expires_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    world.send(suspect)
    beside: dict[str, int] = {}
    world.transcriber.checks.append(
        lambda job_id: beside.setdefault(job_id, world.transcriber.running - 1)
    )

    def suspect_runs() -> bool:
        record = world.state(suspect)
        return record.state is InterviewState.PROCESSING and record.lease_owner != "dead-worker/1"

    receives_started_while_it_ran: list[bool] = []
    receive = world.source.receive

    def receive_and_note(max_messages: int, wait_seconds: float) -> list[QueueMessage]:
        receives_started_while_it_ran.append(suspect_runs())
        return receive(max_messages, wait_seconds)

    world.source.receive = receive_and_note  # type: ignore[method-assign]
    late: list[str] = []

    def send_once_it_runs() -> None:
        deadline = time.monotonic() + 5
        while not suspect_runs() and time.monotonic() < deadline:
            time.sleep(0.01)
        late.extend(world.send_new(1))

    sender = threading.Thread(target=send_once_it_runs, daemon=True)
    sender.start()
    summary = world.run(concurrency=4, idle_exit_seconds=0.5)
    sender.join(5)

    assert summary.handled == 4
    ids = [*fresh, suspect, *late]
    assert {world.state(i).state for i in ids} == {InterviewState.COMPLETED}
    assert beside[suspect] == 0  # nothing ran beside it
    assert world.state(suspect).attempts == 2
    # the receiver polls every 0.05 s; while the suspect ran for 0.3 s no receive began,
    # bar one decided on just before it was let in
    assert sum(receives_started_while_it_ran) <= 1
