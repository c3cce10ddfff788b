"""The operator's record rules: a new record as the upstream writes it, the reset to pending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interview_core import records
from interview_core.entities import Interview
from interview_core.errors import LeaseHeld
from interview_core.state import InterviewState

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
BASE = Interview(id="i-1", video_path="a.mp4", user_id="u-1", created_at=NOW, updated_at=NOW)


def test_a_created_record_keeps_only_the_upstream_fields() -> None:
    busy = records.failed(records.claimed(BASE, "w1", 60, NOW), "CODE", "why", NOW)

    assert records.as_created(busy) == Interview(
        id="i-1",
        video_path="a.mp4",
        user_id="u-1",
        state=InterviewState.FAILED,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize("state", [state for state in InterviewState if not state.erased])
def test_the_reset_makes_any_unheld_record_pending_with_a_clean_slate(
    state: InterviewState,
) -> None:
    later = NOW + timedelta(minutes=5)
    record = Interview(
        id="i-1",
        video_path="a.mp4",
        state=state,
        attempts=5,
        lease_owner="w1",
        lease_expires_at=later,
        error_code="X",
        error_message="y",
        question_count=4,
        created_at=NOW,
    )

    reset = records.reopened(record, later)

    assert reset.state is InterviewState.PENDING
    assert (reset.attempts, reset.lease_owner, reset.lease_expires_at) == (0, None, None)
    assert (reset.error_code, reset.error_message) == (None, None)
    assert (reset.question_count, reset.created_at, reset.updated_at) == (4, NOW, later)


def test_the_reset_is_refused_while_a_live_lease_is_held() -> None:
    held = records.claimed(BASE, "w1", 60, NOW)

    with pytest.raises(LeaseHeld):
        records.reopened(held, NOW + timedelta(seconds=59))


def test_a_limit_below_one_is_a_caller_mistake() -> None:
    records.check_limit(1)
    with pytest.raises(ValueError, match="limit"):
        records.check_limit(0)
