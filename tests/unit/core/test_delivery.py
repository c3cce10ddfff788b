"""The delivery policy: backoff bounds with full jitter, the final attempt, each outcome's fate."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_core.delivery import (
    LAST_LOOK_RETRIES,
    MAX_DELAY_SECONDS,
    Action,
    Decision,
    DeliveryPolicy,
    InvalidMessageAction,
)
from interview_core.errors import ErrorKind
from interview_core.ports import QueueMessage
from interview_core.report import ErrorInfo, Outcome, ProcessingReport

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


def message(receive_count: int = 1, interview_id: str | None = ID) -> QueueMessage:
    body_error = None if interview_id is not None else "body is not valid JSON"
    return QueueMessage("m-1", "r-1", receive_count, interview_id, body_error=body_error)


def report(outcome: Outcome) -> ProcessingReport:
    error = None
    if outcome in (Outcome.RETRY, Outcome.BUSY, Outcome.FAILED):
        error = ErrorInfo(
            "SOME_ERROR",
            "x",
            ErrorKind.INTERVIEW if outcome is Outcome.FAILED else ErrorKind.TRANSIENT,
        )
    return ProcessingReport(interview_id=ID, outcome=outcome, error=error)


POLICY = DeliveryPolicy(
    max_attempts=5, backoff_base_seconds=10.0, backoff_max_seconds=300.0, busy_delay_seconds=120.0
)

# --- backoff ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("receive_count", "ceiling"),
    [(1, 10.0), (2, 20.0), (3, 40.0), (4, 80.0), (5, 160.0), (6, 300.0), (50, 300.0)],
)
def test_the_backoff_ceiling_doubles_per_receive_up_to_the_cap(
    receive_count: int, ceiling: float
) -> None:
    assert POLICY.backoff_ceiling(receive_count) == ceiling


def test_the_ceiling_never_passes_the_sqs_limit() -> None:
    policy = DeliveryPolicy(backoff_base_seconds=40_000.0, backoff_max_seconds=1e9)
    assert policy.backoff_ceiling(3) == MAX_DELAY_SECONDS


def test_a_huge_receive_count_does_not_overflow() -> None:
    assert POLICY.backoff_ceiling(10**6) == 300.0


@given(
    receive_count=st.integers(min_value=0, max_value=10_000),
    base=st.floats(min_value=0.001, max_value=1000.0),
    cap=st.floats(min_value=0.001, max_value=50_000.0),
    fraction=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
def test_full_jitter_stays_within_zero_and_the_capped_exponential(
    receive_count: int, base: float, cap: float, fraction: float
) -> None:
    policy = DeliveryPolicy(backoff_base_seconds=base, backoff_max_seconds=cap)
    delay = policy.retry_delay(receive_count, lambda: fraction)
    exponent = max(receive_count - 1, 0)
    bound = min(cap, MAX_DELAY_SECONDS, base * 2.0 ** min(exponent, 64))
    assert 0.0 <= delay <= bound
    assert delay == pytest.approx(fraction * bound)


def test_the_jitter_spreads_delays_over_the_whole_range() -> None:
    delays = [POLICY.retry_delay(3) for _ in range(400)]
    assert min(delays) < 40.0 * 0.1
    assert max(delays) > 40.0 * 0.9
    assert all(0.0 <= d <= 40.0 for d in delays)


def test_a_jitter_source_out_of_range_is_clamped() -> None:
    assert POLICY.retry_delay(1, lambda: 7.0) == 10.0
    assert POLICY.retry_delay(1, lambda: -1.0) == 0.0


# --- final attempt -----------------------------------------------------------------------


@pytest.mark.parametrize(("receive_count", "final"), [(1, False), (4, False), (5, True), (9, True)])
def test_the_final_attempt_is_the_receive_that_reaches_max_attempts(
    receive_count: int, final: bool
) -> None:
    assert POLICY.is_final_attempt(message(receive_count)) is final


def test_a_single_attempt_policy_makes_every_receive_final() -> None:
    assert DeliveryPolicy(max_attempts=1).is_final_attempt(message(1))


# --- each outcome ------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.COMPLETED, Outcome.FAILED, Outcome.SKIPPED])
def test_outcomes_that_stored_a_final_state_or_need_none_acknowledge(outcome: Outcome) -> None:
    decision = POLICY.decide(message(2), report(outcome))
    assert decision == Decision(Action.ACK, 0.0, reason=str(outcome))
    assert decision.acknowledges


def test_retry_releases_with_the_jittered_backoff_of_the_receive_count() -> None:
    decision = POLICY.decide(message(3), report(Outcome.RETRY), lambda: 0.5)
    assert decision.action is Action.RELEASE
    assert decision.delay_seconds == 20.0  # half of 10 * 2**2
    assert not decision.acknowledges


@pytest.mark.parametrize("receive_count", [1, 5, 40])
def test_a_deployment_fault_keeps_the_message_and_halts_on_any_receive(
    receive_count: int,
) -> None:
    halted = ProcessingReport(
        interview_id=ID,
        outcome=Outcome.HALTED,
        error=ErrorInfo("TOOL_MISSING", "no ffmpeg", ErrorKind.DEPLOYMENT),
    )
    decision = POLICY.decide(message(receive_count), halted)
    assert decision == Decision(Action.KEEP, 0.0, reason="halted")
    assert decision.halts
    assert not decision.acknowledges


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.HALTED])
def test_no_other_outcome_halts(outcome: Outcome) -> None:
    assert not POLICY.decide(message(2), report(outcome)).halts


def test_busy_releases_after_the_busy_delay_whatever_the_receive_count() -> None:
    for receive_count in (1, 5, 40):
        decision = POLICY.decide(message(receive_count), report(Outcome.BUSY), lambda: 0.0)
        assert (decision.action, decision.delay_seconds) == (Action.RELEASE, 120.0)


@pytest.mark.parametrize(
    ("remaining", "delay"), [(0.2, 1.2), (30.0, 31.0), (119.5, 120.0), (5_000.0, 120.0)]
)
def test_busy_waits_for_the_time_the_lease_has_left_at_most_the_busy_delay(
    remaining: float, delay: float
) -> None:
    busy = attrs.evolve(report(Outcome.BUSY), lease_remaining_seconds=remaining)

    decision = POLICY.decide(message(2), busy)

    assert (decision.action, decision.delay_seconds) == (Action.RELEASE, pytest.approx(delay))


@pytest.mark.parametrize(("remaining", "wait"), [(0.0, 1.0), (2.5, 3.5), (9.0, 10.0)])
def test_a_lease_that_runs_out_within_seconds_is_waited_for_in_place(
    remaining: float, wait: float
) -> None:
    busy = attrs.evolve(report(Outcome.BUSY), lease_remaining_seconds=remaining)
    assert POLICY.busy_wait(busy) == pytest.approx(wait)


@pytest.mark.parametrize("remaining", [9.5, 60.0, None])
def test_a_longer_or_unknown_lease_is_not_waited_for(remaining: float | None) -> None:
    busy = attrs.evolve(report(Outcome.BUSY), lease_remaining_seconds=remaining)
    assert POLICY.busy_wait(busy) is None
    assert POLICY.busy_wait(report(Outcome.RETRY)) is None


def test_the_receive_after_the_last_attempt_is_the_last_look() -> None:
    assert [POLICY.is_last_look(message(n)) for n in (1, 5, 6, 9)] == [False, False, True, True]


def test_a_busy_delay_past_the_sqs_limit_is_capped() -> None:
    policy = DeliveryPolicy(busy_delay_seconds=100_000.0)
    assert policy.decide(message(), report(Outcome.BUSY)).delay_seconds == MAX_DELAY_SECONDS


# --- invalid bodies ----------------------------------------------------------------------


def test_an_invalid_body_is_deleted_when_the_setting_says_delete() -> None:
    policy = DeliveryPolicy(invalid_messages=InvalidMessageAction.DELETE)
    assert policy.decide_invalid(message(1, None)).action is Action.ACK


@pytest.mark.parametrize("receive_count", [1, 3, 5, 6, 8])  # max_attempts 5, 3 spare
def test_an_invalid_body_is_released_at_once_for_the_dead_letter_queue(receive_count: int) -> None:
    decision = POLICY.decide_invalid(message(receive_count, None))
    assert decision == Decision(Action.RELEASE, 0.0, reason="invalid-for-dead-letter")


def test_an_invalid_body_seen_past_the_redrive_limit_backs_off_instead_of_spinning() -> None:
    decision = POLICY.decide_invalid(message(9, None), lambda: 0.5)
    assert decision.action is Action.RELEASE
    assert decision.delay_seconds == pytest.approx(0.5 * POLICY.backoff_ceiling(9))
    assert decision.reason == "invalid-past-redrive-limit"


def test_dead_letter_is_the_default_for_invalid_bodies() -> None:
    assert DeliveryPolicy().invalid_messages is InvalidMessageAction.DEAD_LETTER


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"backoff_base_seconds": 0.0},
        {"backoff_max_seconds": -1.0},
        {"busy_delay_seconds": -0.5},
        {"backoff_base_seconds": float("nan")},
    ],
)
def test_nonsense_numbers_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        DeliveryPolicy(**kwargs)  # type: ignore[arg-type]


def test_only_a_last_look_that_met_a_transient_error_is_retried_in_place() -> None:
    policy = DeliveryPolicy(max_attempts=2)

    def pause(receive_count: int, outcome: Outcome, tries: int = 0) -> float | None:
        message = QueueMessage("m", "h", receive_count, "i")
        report = ProcessingReport(interview_id="i", outcome=outcome)
        return policy.last_look_retry(message, report, tries, jitter=lambda: 0.5)

    assert pause(3, Outcome.RETRY) == 0.75
    assert pause(3, Outcome.RETRY, tries=3) == 6.0
    assert pause(3, Outcome.RETRY, tries=LAST_LOOK_RETRIES) is None
    assert pause(2, Outcome.RETRY) is None  # the final attempt releases as before
    assert pause(3, Outcome.FAILED) is None
    assert pause(3, Outcome.BUSY) is None
