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


@dataclass
class WorkerPool:
    """Worker subprocesses (`chaos_worker`) that can be killed and replaced.

    Each worker's standard input is a pipe held open here: a worker exits by itself when it
    closes, so none outlives the test process.
    """

    env: Mapping[str, str]
    events_dir: Path
    logs_dir: Path
    worker_args: tuple[str, ...] = ()
    started: int = 0
    killed: int = 0
    exited: list[int] = field(default_factory=list)
    _live: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

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
        self._live[process.pid] = process
        return process.pid

    @property
    def live(self) -> list[int]:
        """Pids of the workers still running; one that ended by itself is noted in `exited`."""
        for pid, process in list(self._live.items()):
            code = process.poll()
            if code is not None:
                self.exited.append(code)
                self._forget(pid)
        return list(self._live)

    def kill_random(self, rng: random.Random) -> int | None:
        """SIGKILL a random live worker and reap it; returns its pid."""
        live = self.live
        if not live:
            return None
        pid = rng.choice(live)
        process = self._live[pid]
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.killed += 1
        self._forget(pid)
        return pid

    def stop_all(self, grace_seconds: float) -> list[int]:
        """SIGTERM every worker, wait up to `grace_seconds`, SIGKILL the rest; exit codes."""
        for process in self._live.values():
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        codes = []
        for pid, process in list(self._live.items()):
            try:
                codes.append(process.wait(timeout=max(deadline - time.monotonic(), 0.1)))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
            self._forget(pid)
        return codes

    def _forget(self, pid: int) -> None:
        process = self._live.pop(pid)
        _close(process.stdin)


@dataclass(frozen=True)
class ChaosRun:
    """What the controller did and whether the queue drained in time."""

    drained: bool
    seconds: float
    kills: int
    workers_started: int
    workers_exited_by_themselves: int


def run_chaos(
    pool: WorkerPool,
    drained: Callable[[], bool],
    *,
    workers: int,
    kill_every: tuple[float, float],
    deadline_seconds: float,
    seed: int | None = None,
    poll_seconds: float = 0.5,
) -> ChaosRun:
    """Keep `workers` running; SIGKILL a random one every `kill_every` seconds (uniformly
    drawn) and start a replacement, until `drained()` or the deadline."""
    rng = random.Random(seed)
    started = time.monotonic()
    for _ in range(workers):
        pool.start()
    next_kill = started + rng.uniform(*kill_every)
    is_drained = False
    while time.monotonic() - started < deadline_seconds:
        for _ in range(workers - len(pool.live)):
            pool.start()
        if drained():
            is_drained = True
            break
        if time.monotonic() >= next_kill:
            pool.kill_random(rng)
            pool.start()
            next_kill = time.monotonic() + rng.uniform(*kill_every)
        time.sleep(poll_seconds)
    return ChaosRun(
        drained=is_drained,
        seconds=time.monotonic() - started,
        kills=pool.killed,
        workers_started=pool.started,
        workers_exited_by_themselves=len(pool.exited),
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
