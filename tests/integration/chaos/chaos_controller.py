"""Processes for the chaos test: a moto server that outlives its workers, and workers to kill."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[3]


def _python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


@contextmanager
def moto_server_process(log_path: Path, *, start_timeout: float = 60.0) -> Iterator[str]:
    """Start the moto server subprocess and yield its URL; closing its stdin ends it."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            _python_module("tests.integration.chaos.moto_server_process"),
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    try:
        assert process.stdout is not None
        url = _first_line(process.stdout, start_timeout)
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"moto server did not start (see {log_path})")
        yield url
    finally:
        _close(process.stdin)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _close(process.stdout)


def _first_line(stream: IO[bytes], timeout: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise RuntimeError(f"moto server printed no URL within {timeout:.0f} s")
    return stream.readline().decode().strip()


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        try:
            stream.close()
        except OSError:
            pass


@dataclass(frozen=True)
class Interruption:
    """One signal the controller sent: to which worker, when (wall clock) and which."""

    pid: int
    at: float
    signal: str  # "SIGKILL" or "SIGTERM"


@dataclass
class WorkerPool:
    """Worker subprocesses (`chaos_worker`) that can be killed, stopped and replaced.

    Each worker's standard input is a pipe held open here: a worker exits by itself when it
    closes, so none outlives the test process. A worker sent SIGTERM is left to finish its
    shutdown on its own; one still running `stop_limit` seconds later is killed and counted.
    """

    env: Mapping[str, str]
    events_dir: Path
    logs_dir: Path
    worker_args: tuple[str, ...] = ()
    stop_limit: float = 13.0
    started: int = 0
    interruptions: list[Interruption] = field(default_factory=list)
    exited: list[int] = field(default_factory=list)
    stop_seconds: list[float] = field(default_factory=list)  # SIGTERM to exit, per worker
    stop_overran: int = 0
    _running: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    _stopping: dict[int, tuple[subprocess.Popen[bytes], float]] = field(default_factory=dict)

    def start(self) -> int:
        """Start one worker; returns its pid."""
        self.started += 1
        number = self.started
        log_path = self.logs_dir / f"worker-{number}.log"
        env = {**self.env, "INTERVIEWS_LOG_FILE": str(self.logs_dir / f"worker-{number}.app.log")}
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                _python_module(
                    "tests.integration.chaos.chaos_worker",
                    "--events",
                    str(self.events_dir),
                    *self.worker_args,
                ),
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._running[process.pid] = process
        return process.pid

    @property
    def running(self) -> list[int]:
        """Pids of the workers running and not asked to stop.

        A worker that ended by itself is noted in `exited`; a stopping one that ended, in
        `stop_seconds` (or, killed past `stop_limit`, in `stop_overran`)."""
        for pid, process in list(self._running.items()):
            code = process.poll()
            if code is not None:
                self.exited.append(code)
                _close(self._running.pop(pid).stdin)
        now = time.monotonic()
        for pid, (process, asked) in list(self._stopping.items()):
            if process.poll() is None and now - asked > self.stop_limit:
                process.kill()
                process.wait()
                self.stop_overran += 1
            elif process.poll() is not None:
                self.stop_seconds.append(now - asked)
            else:
                continue
            _close(self._stopping.pop(pid)[0].stdin)
        return list(self._running)

    def kill_random(self, rng: random.Random) -> int | None:
        """SIGKILL a random running worker and reap it; returns its pid."""
        running = self.running
        if not running:
            return None
        pid = rng.choice(running)
        process = self._running.pop(pid)
        process.send_signal(signal.SIGKILL)
        self.interruptions.append(Interruption(pid, time.time(), "SIGKILL"))
        process.wait()
        _close(process.stdin)
        return pid

    def terminate_random(self, rng: random.Random) -> int | None:
        """SIGTERM a random running worker and leave it to shut down; returns its pid."""
        running = self.running
        if not running:
            return None
        pid = rng.choice(running)
        process = self._running.pop(pid)
        process.send_signal(signal.SIGTERM)
        self.interruptions.append(Interruption(pid, time.time(), "SIGTERM"))
        self._stopping[pid] = (process, time.monotonic())
        return pid

    def count(self, name: str) -> int:
        """How many interruptions were sent with the signal `name`."""
        return sum(1 for interruption in self.interruptions if interruption.signal == name)

    def stop_all(self, grace_seconds: float) -> list[int]:
        """SIGTERM every worker, wait up to `grace_seconds`, SIGKILL the rest; exit codes."""
        processes = [*self._running.values(), *(p for p, _ in self._stopping.values())]
        for process in self._running.values():
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        codes = []
        for process in processes:
            try:
                codes.append(process.wait(timeout=max(deadline - time.monotonic(), 0.1)))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
            _close(process.stdin)
        self._running.clear()
        self._stopping.clear()
        return codes


@dataclass(frozen=True)
class Chaos:
    """What the controller does: how often it interrupts a worker, how many of those are
    SIGTERM rather than SIGKILL, and how often and how long AWS throttles."""

    interrupt_every: tuple[float, float]
    sigterm_share: float = 0.0
    throttle_every: tuple[float, float] | None = None
    throttle_for: tuple[float, float] = (1.0, 3.0)


@dataclass(frozen=True)
class ChaosRun:
    """What the controller did and whether the queue drained in time."""

    drained: bool
    seconds: float
    kills: int
    terminations: int
    throttles: int
    throttled_seconds: float
    workers_started: int


def run_chaos(
    pool: WorkerPool,
    drained: Callable[[], bool],
    chaos: Chaos,
    *,
    workers: int,
    deadline_seconds: float,
    throttle: Callable[[bool], None] | None = None,
    seed: int | None = None,
    poll_seconds: float = 0.5,
) -> ChaosRun:
    """Keep `workers` running until `drained()` or the deadline. Every `interrupt_every`
    seconds (uniformly drawn) a random worker gets SIGTERM (with chance `sigterm_share`) or
    SIGKILL and a replacement starts; every `throttle_every` seconds `throttle(True)` is
    called, and `throttle(False)` `throttle_for` seconds later."""
    rng = random.Random(seed)
    started = time.monotonic()
    for _ in range(workers):
        pool.start()
    next_interrupt = started + rng.uniform(*chaos.interrupt_every)
    throttling = chaos.throttle_every is not None and throttle is not None
    next_throttle = started + rng.uniform(*chaos.throttle_every) if throttling else float("inf")
    throttle_ends: float | None = None
    throttles, throttled = 0, 0.0
    is_drained = False
    try:
        while time.monotonic() - started < deadline_seconds:
            for _ in range(workers - len(pool.running)):
                pool.start()
            now = time.monotonic()
            if throttle_ends is None and drained():
                is_drained = True
                break
            if now >= next_interrupt:
                if rng.random() < chaos.sigterm_share:
                    pool.terminate_random(rng)
                else:
                    pool.kill_random(rng)
                pool.start()
                next_interrupt = time.monotonic() + rng.uniform(*chaos.interrupt_every)
            if throttle is not None and throttle_ends is not None and now >= throttle_ends:
                throttle(False)
                throttle_ends = None
                assert chaos.throttle_every is not None
                next_throttle = now + rng.uniform(*chaos.throttle_every)
            elif throttle is not None and throttle_ends is None and now >= next_throttle:
                length = rng.uniform(*chaos.throttle_for)
                throttle(True)
                throttles, throttled = throttles + 1, throttled + length
                throttle_ends = now + length
            time.sleep(poll_seconds)
    finally:
        if throttle is not None and throttle_ends is not None:
            throttle(False)
    return ChaosRun(
        drained=is_drained,
        seconds=time.monotonic() - started,
        kills=pool.count("SIGKILL"),
        terminations=pool.count("SIGTERM"),
        throttles=throttles,
        throttled_seconds=throttled,
        workers_started=pool.started,
    )


def worker_environment(base: Mapping[str, str], settings: Mapping[str, str]) -> dict[str, str]:
    """The worker's environment: `base` without AWS_/INTERVIEWS_/WORKER_ variables, then
    `settings`, with the source tree importable."""
    env = {
        name: value
        for name, value in base.items()
        if not name.startswith(("AWS_", "INTERVIEWS_", "WORKER_"))
    }
    env.update(settings)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), str(REPO_ROOT / "src"), base.get("PYTHONPATH")])
    )
    return env
