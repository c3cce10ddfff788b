"""`ai-interviews --mode sqs`: the queue worker, wired from the container's settings."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from entrypoints.metrics import configure_metrics
from entrypoints.worker_delivery import DeliveryHandler
from entrypoints.worker_loop import Worker, WorkerOptions
from entrypoints.worker_shutdown import ShutdownSignals
from interview_core.delivery import DeliveryPolicy
from interview_core.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from entrypoints.container import Container
    from entrypoints.settings import Settings

log = logging.getLogger("ai_interviews.worker")

EXIT_OK = 0
EXIT_FATAL = 1


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """The retry rules from the WORKER_* settings; the busy delay defaults to the lease."""
    busy = settings.worker_busy_delay_seconds
    return DeliveryPolicy(
        max_attempts=settings.worker_max_attempts,
        backoff_base_seconds=settings.worker_backoff_base_seconds,
        backoff_max_seconds=settings.worker_backoff_max_seconds,
        busy_delay_seconds=settings.lease_seconds if busy is None else busy,
        invalid_messages=settings.worker_invalid_messages,
    )


def worker_options(
    settings: Settings, *, max_messages: int | None, idle_exit_seconds: float | None
) -> WorkerOptions:
    """The loop's options from the WORKER_* settings and the command line."""
    return WorkerOptions(
        concurrency=settings.worker_concurrency,
        wait_seconds=settings.worker_wait_seconds,
        visibility_seconds=settings.worker_visibility_timeout_seconds,
        lease_seconds=settings.lease_seconds,
        grace_seconds=settings.worker_shutdown_grace_seconds,
        max_messages=max_messages,
        idle_exit_seconds=idle_exit_seconds,
        heartbeat_file=settings.worker_heartbeat_file,
    )


def serve(
    container: Container,
    *,
    max_messages: int | None = None,
    idle_exit_seconds: float | None = None,
    exit_now: Callable[[int], Any] = os._exit,
) -> int:
    """Run the worker until it stops; returns the exit code (0 after a graceful stop).

    Raises ConfigurationError when the settings select no real queue or when the queue turns
    out to be unusable (a fatal receive error). Work still running after the grace period
    cannot be joined, so when any was left the process ends through `exit_now` once its
    messages and leases are released and the logs are flushed.
    """
    settings = container.settings()
    # A fresh process's in-memory queue is empty, and its in-memory repository would find no
    # interview and acknowledge every message as failed: both need shared storage.
    if settings.message_source == "memory" or settings.repository == "memory":
        raise ConfigurationError(
            "--mode sqs needs a shared queue and repository: set INTERVIEWS_MESSAGE_SOURCE and "
            "INTERVIEWS_REPOSITORY to sqlite (offline) or sqs and dynamodb"
        )
    configure_metrics(enabled=settings.emf_metrics, namespace=settings.metrics_namespace)
    handler = DeliveryHandler(container.process_interview(), delivery_policy(settings))
    extractor = container.audio_extractor()
    worker = Worker(
        container.message_source(),
        container.repository(),
        handler,
        worker_options(settings, max_messages=max_messages, idle_exit_seconds=idle_exit_seconds),
        cancel_media=getattr(extractor, "cancel_all", None),
    )
    log.info(
        "worker started: concurrency %d, max attempts %d",
        settings.worker_concurrency,
        settings.worker_max_attempts,
    )
    with ShutdownSignals(worker.request_stop).installed():
        summary = worker.run()
    log.info(
        "worker stopped (%s): %d messages handled, %d released unfinished",
        summary.reason,
        summary.handled,
        summary.abandoned,
    )
    code = EXIT_OK
    if summary.fatal is not None:
        if not summary.abandoned:
            raise summary.fatal
        print(f"error: {summary.fatal}", file=sys.stderr)
        code = EXIT_FATAL
    if summary.abandoned:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        exit_now(code)
    return code
