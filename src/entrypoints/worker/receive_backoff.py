"""The receiver's pause after a transient queue error: capped exponential backoff, jittered."""

from __future__ import annotations

import logging
import random
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from interview_core.errors import TransientError

log = logging.getLogger("ai_interviews.worker")

QUEUE_BACKOFF_BASE_SECONDS = 1.0
QUEUE_BACKOFF_MAX_SECONDS = 30.0


def queue_error_pause(failures: int) -> float:
    """Seconds to wait after the `failures`-th transient receive error in a row: between
    half and all of min(QUEUE_BACKOFF_MAX_SECONDS, base * 2**(failures - 1))."""
    ceiling = min(
        QUEUE_BACKOFF_BASE_SECONDS * 2.0 ** min(failures - 1, 16), QUEUE_BACKOFF_MAX_SECONDS
    )
    return random.uniform(ceiling / 2, ceiling)


def pause_after_queue_error(
    exc: TransientError, failures: int, stopping: Callable[[], bool], tick: float
) -> None:
    """Log the error and sleep `queue_error_pause(failures)` in steps of `tick`, returning
    early once `stopping()` is true."""
    pause = queue_error_pause(failures)
    log.warning(
        "receive failed (%s); retrying in %.1f s",
        exc.code,
        pause,
        extra={"error_code": exc.code},
    )
    deadline = time.monotonic() + pause
    while not stopping() and time.monotonic() < deadline:
        time.sleep(min(tick, deadline - time.monotonic()))
