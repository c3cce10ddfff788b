"""Real worker processes killed with SIGKILL, held back by a dead worker's lease, or given
unreadable records: every interview ends completed or failed, soon, and no message is stuck."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.media_factory import MediaFactory


def requested_interview(stack: AwsStack, media: MediaFactory) -> str:
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    return interview_id


def kill_when_transcribing(stack: AwsStack, env: dict[str, str]) -> float:
    """Start a worker whose transcription hangs, SIGKILL it once it transcribes; the kill's
    monotonic time."""
    started = stack.folder / "transcribing"
    started.unlink(missing_ok=True)
    process = stack.start(env={**env, "TEST_TRANSCRIBE_STARTED": str(started)}, sleepy=True)
    try:
        wait_for(started.exists, 30, "the transcription to start")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        return time.monotonic()
    finally:
        stop(process)


def test_an_interview_whose_every_attempt_is_killed_ends_failed_not_stuck(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=3)  # WORKER_MAX_ATTEMPTS=2
    interview_id = requested_interview(stack, media)
    # the lease lapses before the message comes back, so each kill costs one receive
    env = stack.env(
        TEST_TRANSCRIBE_SECONDS="120",
        INTERVIEWS_LEASE_SECONDS="2",
        WORKER_VISIBILITY_TIMEOUT_SECONDS="3",
    )

    for attempt in (1, 2):
        kill_when_transcribing(stack, env)
        record = stack.record(interview_id)
        assert (record.state, record.attempts) == (InterviewState.PROCESSING, attempt)
    process = stack.run("--idle-exit", "8", env=env)

    assert process.returncode == 0, process.stderr
    record = stack.record(interview_id)
    assert (record.state, record.error_code, record.attempts) == (
        InterviewState.FAILED,
        "ATTEMPTS_EXHAUSTED",
        2,
    )
    assert record.lease_owner is None
    assert stack.queue_counts() == (0, 0)  # deleted, not left for the dead-letter queue
    assert stack.dead_letter_ids() == set()
