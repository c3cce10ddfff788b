"""How the worker runs (its options) and how a run ended (its summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from interview_core.limits import (
    DEFAULT_JOB_TIMEOUT_SECONDS,
    DEFAULT_LEASE_SECONDS,
    MAX_WAIT_SECONDS,
    WORKER_VISIBILITY_SECONDS,
)

if TYPE_CHECKING:
    from pathlib import Path

    from interview_core.report import ErrorInfo


@attrs.frozen
class WorkerOptions:
    """How the worker receives, how long its timeouts are, and when it stops by itself."""

    concurrency: int = 4
    wait_seconds: float = MAX_WAIT_SECONDS
    visibility_seconds: float = WORKER_VISIBILITY_SECONDS
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    grace_seconds: float = 25.0
    max_messages: int | None = None
    idle_exit_seconds: float | None = None
    heartbeat_file: Path | None = None
    job_timeout_seconds: float = DEFAULT_JOB_TIMEOUT_SECONDS


@attrs.frozen
class WorkerSummary:
    """How a run ended: why, how many messages were settled, how many left unfinished.

    `fatal` is the receive error that stopped the worker; `halted_by` the deployment fault a
    delivery ran into, whose message was kept.
    """

    reason: str  # "signal", "max-messages", "idle", "fatal" or "halted"
    handled: int
    abandoned: int
    fatal: BaseException | None = None
    halted_by: ErrorInfo | None = None

    @property
    def failed(self) -> bool:
        """Whether the worker stopped for a fault of the deployment or its queue."""
        return self.fatal is not None or self.halted_by is not None
