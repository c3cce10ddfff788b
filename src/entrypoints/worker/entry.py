"""`ai-interviews --mode sqs`: the queue worker, asked of the container and run to its end."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from entrypoints.metrics import configure_metrics
from entrypoints.worker.loop import Worker
from entrypoints.worker.signals import ShutdownSignals

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from entrypoints.container import Container

log = logging.getLogger("ai_interviews.worker")

EXIT_OK = 0
EXIT_FATAL = 2  # the deployment's fault: the CLI's exit code for configuration errors


def serve(
    container: Container,
    *,
    max_messages: int | None = None,
    idle_exit_seconds: float | None = None,
    exit_now: Callable[[int], Any] = os._exit,
) -> int:
    """Run the worker until it stops; returns the exit code (0 after a graceful stop).

    Raises ConfigurationError when the settings choose storage no worker can share, or when
    the queue turns out to be unusable (a fatal receive error). A deployment fault met while
    processing (a missing tool or table, refused credentials) keeps its message, stops the
    worker and returns EXIT_FATAL. Work still running after the grace period cannot be
    joined, so when any was left the process ends through `exit_now` once its messages and
    leases are released and the logs are flushed.
    """
    options = container.worker_options(
        max_messages=max_messages, idle_exit_seconds=idle_exit_seconds
    )
    settings = container.settings()
    configure_metrics(enabled=settings.emf_metrics, namespace=settings.metrics_namespace)
    media = container.media_work()
    worker = Worker(
        container.message_source(),
        container.repository(),
        container.delivery_handler(),
        options,
        cancel_media=media.cancel_all if media is not None else None,
        give_back_source=container.give_back_message_source(),
        give_back_repository=container.give_back_repository(),
    )
    log.info(
        "worker started: concurrency %d, max attempts %d",
        options.concurrency,
        container.delivery_policy().max_attempts,
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
    if summary.fatal is not None and not summary.abandoned:
        raise summary.fatal
    if summary.fatal is not None:
        print(f"error: {summary.fatal}", file=sys.stderr)
        code = EXIT_FATAL
    elif summary.halted_by is not None:
        print(f"error: {summary.halted_by.code}: {summary.halted_by.message}", file=sys.stderr)
        code = EXIT_FATAL
    if summary.abandoned:
        container.work_folder().remove()  # no exit handler runs after exit_now
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        exit_now(code)
    return code
