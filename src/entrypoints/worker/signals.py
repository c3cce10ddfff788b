"""SIGTERM and SIGINT for the worker: the first asks it to stop, a second exits at once."""

from __future__ import annotations

import contextlib
import os
import signal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class ShutdownSignals:
    """Handlers for SIGTERM and SIGINT that keep to what is safe inside a signal handler.

    The first signal calls `on_first`, which must only set a flag (no locks, no I/O: the
    handler runs between two bytecodes of the main thread, which may hold any lock). A second
    signal writes one line to stderr and calls `exit_now(128 + signal number)` without
    cleanup: the operator has asked twice.
    """

    def __init__(
        self,
        on_first: Callable[[], None],
        *,
        exit_now: Callable[[int], Any] = os._exit,
        signals: tuple[signal.Signals, ...] = STOP_SIGNALS,
    ) -> None:
        self._on_first = on_first
        self._exit_now = exit_now
        self._signals = signals
        self._previous: dict[signal.Signals, Any] = {}
        self.received = 0

    def install(self) -> None:
        """Install the handlers, remembering the earlier ones; call from the main thread."""
        for number in self._signals:
            self._previous[number] = signal.signal(number, self.handle)

    def restore(self) -> None:
        """Put back the handlers that were installed before `install`."""
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        self._previous.clear()

    @contextlib.contextmanager
    def installed(self) -> Iterator[ShutdownSignals]:
        """Install the handlers for the duration of the block, then restore the earlier ones."""
        self.install()
        try:
            yield self
        finally:
            self.restore()

    def handle(self, signum: int, frame: object = None) -> None:
        """The handler: stop on the first signal, exit at once on the next."""
        self.received += 1
        if self.received == 1:
            self._on_first()
            return
        os.write(2, b"second stop signal: exiting now\n")
        self._exit_now(128 + signum)
