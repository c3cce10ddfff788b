"""Runs an interview whose last run vanished alone, so that a crash is charged to its cause."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from interview_core.entities import Interview

log = logging.getLogger("ai_interviews.worker")

_POLL_SECONDS = 0.1
"""How often a waiting delivery looks whether the worker is stopping or gave it up."""


class CrashIsolation:
    """A gate every delivery passes between loading its record and claiming it.

    A worker works on several interviews at once, so one that crashes its worker (a corrupt
    video that kills the process, say) takes the others in work with it: each of them loses
    an attempt, and after the crash they come back together and are likely taken up together
    again, until the neighbours' attempts run out before the culprit's. Every interview in
    work when a worker died is found with a vanished run (`Interview.last_run_vanished`), so
    such an interview runs alone: it waits until the deliveries already running have ended,
    and no other starts (nor does a new receive begin, see `holds_receiving`) until it has
    ended. A crash of a suspect run then costs the deliveries waiting behind it a receive,
    never a claim; others run side by side as before. Suspects run one after another.

    `admit` yields False, without waiting any longer, once `stopping()` answers true or the
    delivery has been given up (its job timeout passed while it waited): it then claims
    nothing. Time spent waiting counts towards the delivery's job timeout. Safe to share
    between threads.
    """

    def __init__(
        self,
        stopping: Callable[[], bool],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._stopping = stopping
        self._now = now
        self._cond = threading.Condition()
        self._running = 0  # admitted deliveries that run side by side
        self._alone = False  # an admitted suspect runs
        self._waiting_alone = 0  # suspects waiting to run alone

    @property
    def holds_receiving(self) -> bool:
        """Whether a suspect waits or runs: the worker begins no receive until it has ended."""
        with self._cond:
            return self._alone or self._waiting_alone > 0

    @contextmanager
    def admit(
        self, loaded: Interview, given_up: Callable[[], bool] = lambda: False
    ) -> Iterator[bool]:
        """Wait until `loaded` may run (alone, when its last run vanished); yields whether it
        may, False once the worker is stopping or `given_up()` answers true."""
        if loaded.last_run_vanished(self._now()):
            with self._alone_run(loaded, given_up) as admitted:
                yield admitted
        else:
            with self._shared_run(given_up) as admitted:
                yield admitted

    @contextmanager
    def _shared_run(self, given_up: Callable[[], bool]) -> Iterator[bool]:
        with self._cond:
            admitted = self._wait_until(lambda: not (self._alone or self._waiting_alone), given_up)
            if admitted:
                self._running += 1
        try:
            yield admitted
        finally:
            if admitted:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()

    @contextmanager
    def _alone_run(self, loaded: Interview, given_up: Callable[[], bool]) -> Iterator[bool]:
        log.info(
            "interview %s: its last run vanished (its worker died); running it alone",
            loaded.id,
            extra={"interview_id": loaded.id},
        )
        with self._cond:
            self._waiting_alone += 1
            try:
                admitted = self._wait_until(lambda: not (self._alone or self._running), given_up)
            finally:
                self._waiting_alone -= 1
                self._cond.notify_all()
            if admitted:
                self._alone = True
        try:
            yield admitted
        finally:
            if admitted:
                with self._cond:
                    self._alone = False
                    self._cond.notify_all()

    def _wait_until(self, ready: Callable[[], bool], given_up: Callable[[], bool]) -> bool:
        """Wait, the lock held between polls, until `ready()`; False once given up, or once
        stopping while not ready (a run that need not wait may start while stopping)."""
        while not given_up():
            if ready():
                return True
            if self._stopping():
                return False
            self._cond.wait(_POLL_SECONDS)
        return False
