"""ProcessInterview's admission: entered after the load, before the claim, left at the end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from adapters.local.memory_repository import InMemoryInterviewRepository
from interview_core.entities import Interview
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.state import InterviewState
from tests.unit.fakes import (
    SpyAudioExtractor,
    SpyQuestionExtractor,
    SpyTranscriber,
    SpyVideoStore,
    sample_questions,
)

ID = "5d0c1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


class Gate:
    """An admission that records what it saw and whether the run was done when it was left."""

    def __init__(self, store: InMemoryInterviewRepository, admits: bool) -> None:
        self.store = store
        self.admits = admits
        self.loaded: list[Interview] = []
        self.states_on_leaving: list[InterviewState] = []

    @contextmanager
    def admit(self, loaded: Interview) -> Iterator[bool]:
        self.loaded.append(loaded)
        try:
            yield self.admits
        finally:
            self.states_on_leaving.append(self.store.get(loaded.id).state)


def _use_case(store: InMemoryInterviewRepository) -> ProcessInterview:
    return ProcessInterview(
        store,
        SpyVideoStore(),
        SpyAudioExtractor(),
        SpyTranscriber(),
        SpyQuestionExtractor(sample_questions(2)),
        lease_seconds=60,
    )


def test_an_admitted_run_sees_the_record_before_its_claim_and_leaves_once_it_has_ended() -> None:
    store = InMemoryInterviewRepository()
    store.add(Interview(id=ID, video_path="videos/a.mp4"))
    gate = Gate(store, admits=True)

    report = _use_case(store).execute(ID, admit=gate.admit)

    assert report.outcome is Outcome.COMPLETED
    [loaded] = gate.loaded
    assert (loaded.state, loaded.attempts) == (InterviewState.PENDING, 0)  # before the claim
    assert gate.states_on_leaving == [InterviewState.COMPLETED]  # left after the run


def test_a_refused_admission_claims_nothing_and_asks_for_a_retry() -> None:
    store = InMemoryInterviewRepository()
    store.add(Interview(id=ID, video_path="videos/a.mp4"))
    gate = Gate(store, admits=False)

    report = _use_case(store).execute(ID, final_attempt=True, admit=gate.admit)

    assert report.outcome is Outcome.RETRY
    assert report.error is not None and report.error.code == "DEADLINE_REACHED"
    record = store.get(ID)
    assert (record.state, record.attempts, record.lease_owner) == (InterviewState.PENDING, 0, None)
    assert gate.states_on_leaving == [InterviewState.PENDING]


def test_the_last_look_needs_no_admission() -> None:
    store = InMemoryInterviewRepository()
    store.add(Interview(id=ID, video_path="videos/a.mp4", state=InterviewState.PROCESSING))
    gate = Gate(store, admits=False)

    report = _use_case(store).execute(ID, last_look=True, admit=gate.admit)

    assert report.outcome is Outcome.FAILED
    assert store.get(ID).error_code == "ATTEMPTS_EXHAUSTED"
    assert gate.loaded == []
