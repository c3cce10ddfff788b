"""A 60 s AWS throttle in the middle of an interview, with every timing setting at its default:
the interview completes soon after the throttle ends, once, and nothing is left behind.

A proxy between the worker and the moto server answers every request with 503
ThrottlingException from the moment the worker transcribes until 60 s later. The worker's
writes, its lease renewals, the release of its lease and the hiding of its message all fail
in that time; what must hold is that none of it is swallowed into a wait for a whole lease
or a message visibility timeout more than once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from interview_core.limits import SPARE_RECEIVES
from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.media_factory import MediaFactory
from tests.throttling_proxy import ThrottlingProxy

THROTTLE_SECONDS = 60.0
RECOVERY_LIMIT_SECONDS = 180.0  # the reliability target: within 3 minutes of the fault ending
TRANSCRIBE_SECONDS = 10.0


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_an_interview_throttled_for_60_s_completes_within_3_minutes_of_the_throttle_ending(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=5 + SPARE_RECEIVES)  # the default attempts and spares
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    started = stack.folder / "transcribing"
    with ThrottlingProxy(stack.url) as proxy:
        env = stack.env_with_default_timing(
            AWS_ENDPOINT_URL=proxy.url,
            TEST_TRANSCRIBE_SECONDS=str(TRANSCRIBE_SECONDS),
            TEST_TRANSCRIBE_STARTED=str(started),
        )
        process = stack.start(env=env, sleepy=True)
        try:
            wait_for(started.exists, 60, "the transcription to start")
            proxy.throttle(True)
            time.sleep(THROTTLE_SECONDS)
            proxy.throttle(False)
            ended = time.monotonic()
            wait_for(
                lambda: stack.record(interview_id).state is InterviewState.COMPLETED,
                RECOVERY_LIMIT_SECONDS,
                f"the interview to complete within {RECOVERY_LIMIT_SECONDS:.0f} s of the "
                "throttle ending",
            )
            recovered = time.monotonic() - ended
            wait_for(lambda: stack.queue_counts() == (0, 0), 30, "the message to be deleted")
        finally:
            code, stderr = stop(process)
    print(f"\ncompleted {recovered:.1f} s after a {THROTTLE_SECONDS:.0f} s throttle ended")

    assert proxy.throttled_requests > 0  # the worker did call AWS while throttled
    record = stack.record(interview_id)
    assert record.lease_owner is None
    assert record.attempts == 2  # the throttled attempt and the one that completed it
    assert record.question_count == len(stack.questions(interview_id)) > 0
    assert stack.dead_letter_ids() == set()
    assert "Traceback" not in stderr, stderr
