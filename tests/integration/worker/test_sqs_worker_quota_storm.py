"""A model quota storm through a real worker process: four interviews, one worker, every
timing setting at its default, and a model that refuses every request as throttled (what the
adapters raise for an HTTP 429) for 30 s. Nothing fails, nothing reaches the dead-letter
queue, no attempt is spent, and every interview completes after the storm ends."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interview_core.limits import SPARE_RECEIVES
from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.media_factory import MediaFactory

STORM_SECONDS = 30.0
RECOVERY_LIMIT_SECONDS = 120.0  # the storm's waits are short: far within the 5 minutes asked
STORM_WORKER = str(Path(__file__).with_name("storm_worker.py"))
INTERVIEWS = 4


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_four_interviews_wait_out_a_30_s_model_storm_without_spending_attempts(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=5 + SPARE_RECEIVES)  # the default attempts and spares
    video = stack.upload("videos/talk.mp4", media.speech_mp4)
    ids = [stack.add_interview(video) for _ in range(INTERVIEWS)]
    for interview_id in ids:
        stack.request(interview_id)
    storm_ends = time.time() + STORM_SECONDS
    env = stack.env_with_default_timing(TEST_STORM_UNTIL=str(storm_ends))
    process = stack.start(env=env, command=[sys.executable, STORM_WORKER])
    try:
        wait_for(
            lambda: all(stack.record(i).state is InterviewState.COMPLETED for i in ids),
            STORM_SECONDS + RECOVERY_LIMIT_SECONDS,
            f"every interview to complete within {RECOVERY_LIMIT_SECONDS:.0f} s of the storm",
        )
        recovered = time.time() - storm_ends
        wait_for(lambda: stack.queue_counts() == (0, 0), 30, "the messages to be deleted")
    finally:
        code, stderr = stop(process)
    print(f"\nall {INTERVIEWS} completed {recovered:.1f} s after a {STORM_SECONDS:.0f} s storm")

    lines = [json.loads(line) for line in stack.logs().splitlines() if line.startswith("{")]
    requeued = [line for line in lines if "requeued as a fresh copy" in line["message"]]
    assert len(requeued) >= INTERVIEWS  # every interview met the storm at least once
    assert all(line["error_code"] == "EXTRACTION_UNAVAILABLE" for line in requeued)
    assert not [line for line in lines if "released for" in line["message"]]
    for interview_id in ids:
        record = stack.record(interview_id)
        assert record.attempts == 1  # each throttled attempt was given back
        assert record.throttled_since is None
        assert record.lease_owner is None
        assert record.updated_at is not None
        assert record.updated_at >= datetime.fromtimestamp(storm_ends, UTC)  # not before
        assert record.question_count == len(stack.questions(interview_id)) > 0
    assert stack.dead_letter_ids() == set()
    assert "Traceback" not in stderr, stderr
