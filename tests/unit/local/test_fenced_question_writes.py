"""Property: two workers and a lapsing lease never leave a stale write behind.

Each worker claims, writes its own questions and completes, as ProcessInterview does; between
any two steps the lease may lapse (so the other worker can claim) or an operator may start a
new generation. Whatever the interleaving, the stored questions are exactly those of the last
write that landed, every write that landed came from the holder of the lease, and a completed
interview keeps exactly the questions of the worker that completed it, with their count.
"""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.analysis import build_questions
from interview_core.clock import ManualClock
from interview_core.entities import ExtractedQuestion, Interview, Question
from interview_core.errors import InterviewAlreadyCompleted, LeaseHeld, LeaseLost
from interview_core.state import InterviewState

ID = "iv-1"
LEASE = 60.0
WORKERS = ("a", "b")


@attrs.define
class Worker:
    """One worker's progress through claim, write, complete; `run` numbers its attempts."""

    name: str
    count: int
    phase: str = "idle"  # idle -> claimed -> written -> idle (done or gave up)
    run: int = 0
    generation: int = 0
    written: tuple[Question, ...] = ()

    @property
    def owner(self) -> str:
        return f"{self.name}-{self.run}"


def questions_of(worker: Worker) -> tuple[Question, ...]:
    """Questions only this worker's attempt could write (its name and run in the text)."""
    extracted = [
        ExtractedQuestion(f"{worker.owner} asks {n}?", f"{worker.owner} answers {n}.")
        for n in range(worker.count)
    ]
    return build_questions(ID, extracted, generation=worker.generation)


@attrs.define
class World:
    repository: InMemoryInterviewRepository
    clock: ManualClock
    last_landed: tuple[Question, ...] | None = None
    completed_by: Worker | None = None


def step(world: World, worker: Worker) -> None:
    """The worker's next step; a refusal sends it back to idle, as a BUSY run ends."""
    repository = world.repository
    if worker.phase == "idle":
        worker.run += 1
        try:
            claimed = repository.claim(ID, worker.owner, LEASE, force=False)
        except (LeaseHeld, InterviewAlreadyCompleted):
            return
        worker.phase, worker.generation = "claimed", claimed.generation
        return
    if worker.phase == "claimed":
        wanted = questions_of(worker)
        holder = repository.get(ID)
        holds = (holder.lease_owner, holder.state, holder.generation) == (
            worker.owner,
            InterviewState.PROCESSING,
            worker.generation,
        )
        try:
            repository.replace_questions(
                ID, wanted, owner=worker.owner, generation=worker.generation
            )
        except LeaseLost:
            assert not holds, "the holder's write was refused"
            worker.phase = "idle"
            return
        assert holds, "a write landed from a worker that did not hold the interview"
        world.last_landed = wanted
        worker.phase, worker.written = "written", wanted
        return
    try:
        repository.mark_completed(
            ID, worker.owner, len(worker.written), generation=worker.generation
        )
    except LeaseLost:
        worker.phase = "idle"
        return
    world.completed_by = attrs.evolve(worker)
    worker.phase = "idle"


def check(world: World) -> None:
    stored = world.repository.list_questions(ID)
    if world.last_landed is not None:
        assert stored == list(world.last_landed)  # no write but the holder's ever landed
    record = world.repository.get(ID)
    if record.state is InterviewState.COMPLETED:
        assert world.completed_by is not None
        assert stored == list(world.completed_by.written)
        assert record.question_count == len(stored)


actions = st.lists(st.sampled_from(["a", "b", "lapse", "redrive"]), min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(steps=actions, counts=st.tuples(st.integers(0, 4), st.integers(0, 4)))
def test_no_stale_write_survives_any_interleaving(
    steps: list[str], counts: tuple[int, int]
) -> None:
    clock = ManualClock()
    repository = InMemoryInterviewRepository(clock)
    repository.add(Interview(id=ID, video_path="videos/a.mp4"))
    world = World(repository, clock)
    workers = {name: Worker(name, count) for name, count in zip(WORKERS, counts, strict=True)}

    for action in steps:
        if action == "lapse":
            clock.advance(LEASE)  # every lease taken so far is no longer live
        elif action == "redrive":
            repository.start_new_generation(ID)
        else:
            step(world, workers[action])
        check(world)


def test_the_stale_interleaving_of_the_report_is_refused() -> None:
    """The interleaving seen on moto: a stale worker writes after the holder completed."""
    clock = ManualClock()
    repository = InMemoryInterviewRepository(clock)
    repository.add(Interview(id=ID, video_path="videos/a.mp4"))
    world = World(repository, clock)
    stale, holder = Worker("a", 4), Worker("b", 2)

    step(world, stale)  # claims
    clock.advance(LEASE)  # its lease lapses
    for _ in range(3):
        step(world, holder)  # claims, writes 2, completes
    step(world, stale)  # writes 4: refused

    check(world)
    assert stale.phase == "idle"
    assert [q.question for q in repository.list_questions(ID)] == [
        "b-1 asks 0?",
        "b-1 asks 1?",
    ]
    assert repository.get(ID).question_count == 2
