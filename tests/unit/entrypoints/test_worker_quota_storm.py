"""The quota storm of the backlog, at default settings and in virtual time: a model answering
throttled to everything for 10 or 30 minutes fails nothing, dead-letters nothing, spends no
attempt, and every interview completes within 5 minutes of the storm's end."""

from __future__ import annotations

import pytest

from entrypoints.settings import Settings
from interview_core.delivery import Action
from interview_core.state import InterviewState
from tests.unit.entrypoints.storm_rig import StormRig

MINUTE = 60.0
RECOVERY_LIMIT = 5 * MINUTE


def test_the_rig_runs_at_the_default_settings() -> None:
    rig = StormRig(interviews=1, storm_seconds=0)

    assert rig.settings.worker_max_attempts == 5
    assert rig.settings.worker_concurrency == 4
    assert (rig.settings.worker_backoff_base_seconds, rig.settings.worker_backoff_max_seconds) == (
        10.0,
        900.0,
    )
    assert rig.policy.throttle_patience_seconds == 86_400.0


@pytest.mark.parametrize("storm_minutes", [10, 30])
def test_four_interviews_through_a_storm_complete_within_5_minutes_of_its_end(
    storm_minutes: int,
) -> None:
    storm = storm_minutes * MINUTE
    rig = StormRig(interviews=4, storm_seconds=storm)

    result = rig.run(storm + 15 * MINUTE)

    assert result.failed == 0
    assert result.dead_letters == 0
    assert result.left_on_queue == 0
    assert rig.model.refused >= 4 * 3  # each interview met the storm more than once
    assert result.decisions[Action.REQUEUE] == rig.model.refused
    assert Action.RELEASE not in result.decisions  # no throttled run spent a receive
    for record in result.records:
        assert record.state is InterviewState.COMPLETED
        assert record.attempts == 1  # every throttled attempt was given back
        assert record.throttled_since is None
    slowest = max(result.completed_at.values()) - storm
    print(f"\n{storm_minutes}-minute storm: slowest completion {slowest:.0f} s after its end")
    assert all(storm <= at <= storm + RECOVERY_LIMIT for at in result.completed_at.values())
    assert set(result.questions.values()) == {3}
    transcribed = [job_id for _, job_id in rig.transcriber.calls]
    assert sorted(transcribed) == sorted(rig.interview_ids)  # speech recognition once each


def test_twenty_interviews_and_four_workers_through_a_30_minute_storm() -> None:
    storm = 30 * MINUTE
    rig = StormRig(interviews=20, storm_seconds=storm, workers=4)

    result = rig.run(storm + 15 * MINUTE)

    assert (result.failed, result.dead_letters, result.left_on_queue) == (0, 0, 0)
    assert len(result.completed_at) == 20
    assert max(result.completed_at.values()) <= storm + RECOVERY_LIMIT


def test_duplicate_requests_during_the_storm_store_each_question_once() -> None:
    storm = 10 * MINUTE
    rig = StormRig(interviews=4, storm_seconds=storm)
    rig.run(2 * MINUTE)
    rig.send_again(rig.interview_ids)  # every interview now has two messages

    result = rig.run(storm + 15 * MINUTE)

    assert (result.failed, result.dead_letters, result.left_on_queue) == (0, 0, 0)
    assert set(result.questions.values()) == {3}
    assert all(record.attempts == 1 for record in result.records)
    assert result.decisions[Action.ACK] == 8  # each duplicate found its interview completed


def test_past_a_short_patience_the_storm_fails_the_interviews_with_their_own_code() -> None:
    settings = Settings(WORKER_THROTTLE_PATIENCE_SECONDS=600)
    rig = StormRig(interviews=4, storm_seconds=60 * MINUTE, settings=settings)

    result = rig.run(30 * MINUTE)

    assert result.dead_letters == 0
    assert result.left_on_queue == 0
    for record in result.records:
        assert record.state is InterviewState.FAILED
        assert record.error_code == "THROTTLE_PATIENCE_EXHAUSTED"
        assert record.attempts == 1  # the run that failed it
