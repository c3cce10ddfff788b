"""Output piped into a reader that stops early (`ai-interviews list | head -0`) ends the
command quietly with exit 141, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from entrypoints.cli import EXIT_BROKEN_PIPE


def test_a_reader_that_closes_the_pipe_gets_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env["INTERVIEWS_SQLITE_PATH"] = str(tmp_path / "interviews.sqlite3")
    env["INTERVIEWS_LOG_FILE"] = str(tmp_path / "interview_processing.log")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the command prints anything
    try:
        process = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "list", "--state", "completed"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)

    assert process.returncode == EXIT_BROKEN_PIPE, process.stderr
    assert "Traceback" not in process.stderr
    assert process.stderr == ""


def test_a_reader_that_reads_everything_changes_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env["INTERVIEWS_SQLITE_PATH"] = str(tmp_path / "interviews.sqlite3")
    env["INTERVIEWS_LOG_FILE"] = str(tmp_path / "interview_processing.log")

    process = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "list", "--state", "completed"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "[]"
