"""The queue worker's loop: receive within free capacity, work in threads, stop gracefully."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from entrypoints.metrics import emit_report_metrics
from entrypoints.worker.delivery import InFlight, run_delivery
from entrypoints.worker.heartbeat import DeliveryHeartbeat
from entrypoints.worker.isolation import CrashIsolation
from entrypoints.worker.job_timeout import give_up
from entrypoints.worker.liveness import LivenessFile
from entrypoints.worker.options import WorkerOptions, WorkerSummary
from entrypoints.worker.receive_backoff import pause_after_queue_error
from entrypoints.worker.shutdown import RELEASE_NOW, give_back, log_halt, settle
from interview_core.delivery import Action, Decision
from interview_core.errors import InterviewError, TransientError
from interview_core.limits import MAX_RECEIVE_BATCH

if TYPE_CHECKING:
    from collections.abc import Callable

    from entrypoints.delivery_handler import DeliveryHandler, HandledMessage
    from interview_core.ports import InterviewRepository, MessageSource, QueueMessage
    from interview_core.report import ErrorInfo

log = logging.getLogger("ai_interviews.worker")


CAPACITY_WAIT_SECONDS = 1.0
"""How long the receiver waits for a free slot before looping (and touching the file)."""

UNWIND_SECONDS = 1.0
"""How long abandoned work may take to unwind (remove its temporary files) once its media
processes are killed, before the process exits."""

_TICK = 0.05


_Work = tuple[InFlight, DeliveryHeartbeat]


class Worker:
    """Consumes a MessageSource with up to `concurrency` deliveries at once, each in a thread.

    A receiver thread asks for at most as many messages as there are free slots, so none wait
    in a local buffer; each message is processed in a daemon thread under a DeliveryHeartbeat,
    then acknowledged or released as the handler decided. `run` returns when the worker stops:
    after `request_stop` (a signal) it receives no more, waits up to `grace_seconds` for work
    in flight and the current long poll, then releases unfinished messages (visibility 0) and
    their leases within one deadline (through `give_back_source` and `give_back_repository`
    when given, which have short timeouts) and kills media children via `cancel_media`. A
    transient error on receive is retried with a capped backoff; any other receive error is
    fatal, and a delivery that runs into a deployment fault keeps its message and halts the
    worker: both are reported in the summary after the same graceful stop. A delivery still
    in work after `job_timeout_seconds` is given up (see `job_timeout`) but keeps its slot
    until its thread ends; while every slot is so taken, the liveness file is no longer
    touched. An interview whose last run vanished (its worker died) runs alone, and no new
    receive begins meanwhile (see CrashIsolation).
    """

    def __init__(
        self,
        source: MessageSource,
        repository: InterviewRepository,
        handler: DeliveryHandler,
        options: WorkerOptions,
        *,
        cancel_media: Callable[[], object] | None = None,
        give_back_source: MessageSource | None = None,
        give_back_repository: InterviewRepository | None = None,
    ) -> None:
        if options.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._source = source
        self._repository = repository
        self._handler = handler
        self._options = options
        self._cancel_media = cancel_media
        self._give_back_to = (
            source if give_back_source is None else give_back_source,
            repository if give_back_repository is None else give_back_repository,
        )
        self._cond = threading.Condition()
        self._in_flight: dict[int, _Work] = {}
        self._next_key = 0
        self._stop_requested = False  # a plain flag: set from signal handlers
        self._received = 0
        self._handled = 0
        self._last_activity = time.monotonic()
        self._end_reason = "signal"
        self._fatal: BaseException | None = None
        self._halted_by: ErrorInfo | None = None
        self._liveness = LivenessFile(options.heartbeat_file)
        self._isolation = CrashIsolation(self._stopping)

    def request_stop(self) -> None:
        """Ask the worker to stop; safe to call from a signal handler (sets a flag only)."""
        self._stop_requested = True

    def _stopping(self) -> bool:
        return self._stop_requested

    @property
    def in_flight(self) -> int:
        """How many messages are being worked on now."""
        with self._cond:
            return len(self._in_flight)

    def run(self) -> WorkerSummary:
        """Work until stopped: by a signal, `max_messages`, `idle_exit_seconds`, a fatal receive
        error or a delivery's deployment fault."""
        receiver = threading.Thread(target=self._receive_loop, name="receiver", daemon=True)
        receiver.start()
        with self._cond:
            while not self._stop_requested:
                if not receiver.is_alive() and not self._in_flight:
                    return self._summary(0)
                self._cond.wait(_TICK)
        log.info(
            "stopping: waiting up to %.0f s for %d messages in work",
            self._options.grace_seconds,
            self.in_flight,
        )
        deadline = time.monotonic() + self._options.grace_seconds
        with self._cond:
            while (self._in_flight or receiver.is_alive()) and time.monotonic() < deadline:
                self._cond.wait(min(_TICK, max(deadline - time.monotonic(), 0.0)))
            unfinished = [
                work
                for work in self._in_flight.values()
                if not work[0].settling and not work[0].timed_out  # timed out: given back
            ]
            hung = len(self._in_flight) - len(unfinished)
            for entry, _ in unfinished:
                entry.abandoned = True
        give_back(*self._give_back_to, unfinished, self._cancel_media)
        self._let_unwind(UNWIND_SECONDS)
        return self._summary(len(unfinished) + hung)

    # --- receiving ------------------------------------------------------------------------

    def _receive_loop(self) -> None:
        failures = 0
        try:
            while not self._stop_requested:
                if not self._every_slot_hung():
                    self._liveness.touch()
                budget = self._budget()
                if budget == 0:
                    self._finish("max-messages")
                    return
                free = self._wait_for_capacity()
                if free == 0:
                    continue
                if self._idle_for() >= (self._options.idle_exit_seconds or float("inf")):
                    self._finish("idle")
                    return
                try:
                    messages = self._source.receive(
                        min(free, budget, MAX_RECEIVE_BATCH), self._wait()
                    )
                except TransientError as exc:
                    failures += 1
                    pause_after_queue_error(exc, failures, self._stopping, _TICK)
                    continue
                failures = 0
                self._dispatch(messages)
        except Exception as exc:
            expected = isinstance(exc, InterviewError)
            code = exc.code if isinstance(exc, InterviewError) else None
            log.error("fatal: %s", exc, exc_info=not expected, extra={"error_code": code})
            self._fatal = exc
            self._end_reason = "fatal"
            self.request_stop()
        finally:
            with self._cond:
                self._cond.notify_all()

    def _budget(self) -> int:
        if self._options.max_messages is None:
            return MAX_RECEIVE_BATCH
        return max(self._options.max_messages - self._received, 0)

    def _wait_for_capacity(self) -> int:
        """Free slots, after waiting a while for one; none while an interview runs alone."""
        with self._cond:
            concurrency = self._options.concurrency
            isolated = self._isolation.holds_receiving
            if (isolated or len(self._in_flight) >= concurrency) and not self._stop_requested:
                self._cond.wait(CAPACITY_WAIT_SECONDS)
                isolated = self._isolation.holds_receiving
            return 0 if isolated else max(concurrency - len(self._in_flight), 0)

    def _idle_for(self) -> float:
        with self._cond:
            return 0.0 if self._in_flight else time.monotonic() - self._last_activity

    def _wait(self) -> float:
        """The long poll's wait, cut short so an idle exit is not overshot by a whole poll."""
        if self._options.idle_exit_seconds is None:
            return self._options.wait_seconds
        left = self._options.idle_exit_seconds - self._idle_for()
        return max(min(self._options.wait_seconds, left), 0.0)

    def _dispatch(self, messages: list[QueueMessage]) -> None:
        started: list[tuple[int, _Work]] = []
        with self._cond:
            if self._stop_requested:
                late = messages
            else:
                late = []
                self._received += len(messages)
                if messages:
                    self._last_activity = time.monotonic()
                for message in messages:
                    entry = InFlight(message)
                    self._next_key += 1
                    self._in_flight[self._next_key] = (entry, self._heartbeat(entry))
                    started.append((self._next_key, self._in_flight[self._next_key]))
        for message in late:  # received while stopping: never started, so back at once
            settle(self._source, message, RELEASE_NOW)
        for key, work in started:
            name = f"delivery-{work[0].message.message_id[:8]}"
            threading.Thread(
                target=self._deliver, args=(key, *work), name=name, daemon=True
            ).start()

    def _finish(self, reason: str) -> None:
        self._end_reason = reason
        log.info("receiving stopped: %s", reason)

    # --- one delivery ---------------------------------------------------------------------

    def _heartbeat(self, entry: InFlight) -> DeliveryHeartbeat:
        return DeliveryHeartbeat(
            self._source,
            self._repository,
            entry,
            visibility_seconds=self._options.visibility_seconds,
            lease_seconds=self._options.lease_seconds,
            job_timeout_seconds=self._options.job_timeout_seconds,
            on_timeout=lambda: self._time_out(entry),
        )

    # --- hung deliveries (see job_timeout) -------------------------------------------------

    def _time_out(self, entry: InFlight) -> None:
        """Give up a delivery past the job timeout; its thread keeps its slot until it ends."""
        with self._cond:
            if entry.settling or entry.abandoned:
                return
            entry.abandoned = entry.timed_out = True
        give_up(
            entry,
            self._source,
            self._repository,
            self._handler.policy,
            self._options.job_timeout_seconds,
        )

    def _every_slot_hung(self) -> bool:
        """Whether every slot holds a timed-out delivery: the liveness file then goes stale."""
        with self._cond:
            works = list(self._in_flight.values())
        return len(works) >= self._options.concurrency and all(e.timed_out for e, _ in works)

    def _deliver(self, key: int, entry: InFlight, heartbeat: DeliveryHeartbeat) -> None:
        handled = run_delivery(
            entry,
            heartbeat,
            self._handler,
            lambda loaded: self._isolation.admit(loaded, given_up=lambda: entry.abandoned),
        )
        with self._cond:
            entry.settling = not entry.abandoned
        if handled is not None and handled.report is not None:
            emit_report_metrics(handled.report)
        if entry.settling:
            decision = handled.decision if handled else self._retry(entry)
            if decision.halts and handled is not None:
                self._halt(handled)
            settle(self._source, entry.message, decision)
        with self._cond:
            self._in_flight.pop(key, None)
            self._handled += 1 if entry.settling else 0
            self._last_activity = time.monotonic()
            self._cond.notify_all()

    def _retry(self, entry: InFlight) -> Decision:
        delay = self._handler.policy.retry_delay(entry.message.receive_count)
        return Decision(Action.RELEASE, delay, reason="error")

    # --- stopping -------------------------------------------------------------------------

    def _halt(self, handled: HandledMessage) -> None:
        """Stop after a deployment fault: its message is kept, no interview is failed."""
        error = log_halt(handled)
        with self._cond:
            if self._halted_by is None:
                self._halted_by = error
                self._end_reason = "halted"
        self.request_stop()

    def _let_unwind(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while self._in_flight and time.monotonic() < deadline:
                self._cond.wait(min(_TICK, max(deadline - time.monotonic(), 0.0)))

    def _summary(self, abandoned: int) -> WorkerSummary:
        with self._cond:
            return WorkerSummary(
                self._end_reason, self._handled, abandoned, self._fatal, self._halted_by
            )
