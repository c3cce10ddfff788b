"""The worker's start-up check warns, and goes on, when its disk cannot hold the jobs that may
run at once; a disk that holds them draws no warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_worker(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(
        INTERVIEWS_SQLITE_PATH=str(tmp_path / "interviews.sqlite3"),
        INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_TEMP_DIR=str(tmp_path),
        INTERVIEWS_LOG_FILE="",
        WORKER_WAIT_SECONDS="1",
        **settings,
    )
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "--mode", "sqs", "--idle-exit", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("concurrency", ["1", "8"])
def test_a_disk_too_small_for_the_jobs_is_a_warning_and_the_worker_runs(
    tmp_path: Path, concurrency: str
) -> None:
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    seconds = 2 * free // 32_000  # one job's 16 kHz 16-bit audio needs twice the free space

    worker = run_worker(
        tmp_path, INTERVIEWS_MAX_MEDIA_SECONDS=str(seconds), WORKER_CONCURRENCY=concurrency
    )

    assert worker.returncode == 0, worker.stderr
    [warning] = [line for line in worker.stderr.splitlines() if "GiB free" in line]
    assert "WARNING" in warning
    assert f"that {concurrency} jobs at once may need" in warning
    assert "INTERVIEWS_MAX_MEDIA_SECONDS" in warning


def test_a_disk_that_holds_the_jobs_draws_no_warning(tmp_path: Path) -> None:
    worker = run_worker(tmp_path, INTERVIEWS_MAX_MEDIA_SECONDS="60", WORKER_CONCURRENCY="2")

    assert worker.returncode == 0, worker.stderr
    assert "GiB free" not in worker.stderr
