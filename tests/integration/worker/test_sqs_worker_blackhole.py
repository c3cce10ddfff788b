"""A stopping worker whose AWS endpoint stopped answering still exits within its deadline."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from tests.blackhole_proxy import BlackholeProxy
from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.media_factory import MediaFactory

GRACE = 3.0
EXIT_MARGIN = 10.0
"""The worker must be gone within its grace period plus this, whatever the network does."""


def test_sigterm_with_a_black_holed_endpoint_exits_within_the_grace_period_plus_ten_seconds(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    started = stack.folder / "transcribing"
    with BlackholeProxy(stack.url) as proxy:
        env = stack.env(
            AWS_ENDPOINT_URL=proxy.url,
            TEST_TRANSCRIBE_SECONDS="120",
            TEST_TRANSCRIBE_STARTED=str(started),
            WORKER_SHUTDOWN_GRACE_SECONDS=str(GRACE),
        )
        process = stack.start(env=env, sleepy=True)
        try:
            wait_for(started.exists, 30, "the transcription to start")
            assert stack.record(interview_id).lease_owner is not None
            proxy.black_hole()
            time.sleep(1.0)  # the long poll and the next beats now hang on silent sockets
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            wait_for(lambda: process.poll() is not None, GRACE + EXIT_MARGIN, "the worker to exit")
            took = time.monotonic() - signalled
        finally:
            code, err = stop(process)
    assert code == 0, err
    assert took <= GRACE + EXIT_MARGIN
    assert "could not give back message" in err
    # Nothing could be given back, so the lease and the message lapse by themselves.
    record = stack.record(interview_id)
    assert record.lease_owner is not None
