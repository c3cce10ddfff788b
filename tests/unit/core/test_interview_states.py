"""The interview state machine's transition table and how stored states are read."""

from __future__ import annotations

import itertools

import pytest

from interview_core.errors import IllegalTransition
from interview_core.state import InterviewState, check_transition, is_legal

P, R, C, F = (
    InterviewState.PENDING,
    InterviewState.PROCESSING,
    InterviewState.COMPLETED,
    InterviewState.FAILED,
)
LEGAL = {(P, R), (R, R), (R, C), (R, F), (F, R)}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(InterviewState, repeat=2)))
def test_exactly_the_designed_transitions_are_legal(
    current: InterviewState, target: InterviewState
) -> None:
    legal = (current, target) in LEGAL

    assert is_legal(current, target) is legal
    if legal:
        check_transition(current, target)
    else:
        with pytest.raises(IllegalTransition) as caught:
            check_transition(current, target)
        assert caught.value.permanent


@pytest.mark.parametrize("target", list(InterviewState))
def test_force_only_reopens_a_completed_interview_for_processing(target: InterviewState) -> None:
    assert is_legal(C, target, force=True) is (target is R)


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_force_never_forbids_a_legal_move(current: InterviewState, target: InterviewState) -> None:
    assert is_legal(current, target, force=True)


def test_force_does_not_open_other_illegal_moves() -> None:
    for current, target in itertools.product(InterviewState, repeat=2):
        if (current, target) not in LEGAL and (current, target) != (C, R):
            assert not is_legal(current, target, force=True)


@pytest.mark.parametrize(
    ("stored", "state"),
    [
        ("pending", P),
        ("processing", R),
        ("completed", C),
        ("failed", F),
        (None, P),
        ("uploaded", P),
        ("COMPLETED", P),
        ("", P),
    ],
)
def test_stored_states_we_do_not_own_read_as_pending(
    stored: str | None, state: InterviewState
) -> None:
    assert InterviewState.from_stored(stored) is state
