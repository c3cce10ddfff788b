"""single-video shows progress on a real terminal and stays quiet in a pipe."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(INTERVIEWS_TRANSCRIBER="stub", INTERVIEWS_LOG_FILE=str(tmp_path / "run.log"))
    return env


def _command(tmp_path: Path) -> list[str]:
    video = tmp_path / "interview.mp4"
    shutil.copy(SAMPLE / "interview.mp4", video)
    shutil.copy(SAMPLE / "interview.transcript.json", tmp_path / "interview.transcript.json")
    return [sys.executable, "-m", "entrypoints.cli", "--mode", "single-video", str(video),
            "--output-dir", str(tmp_path / "out")]  # fmt: skip


def test_a_terminal_sees_each_stage_and_transcription_progress(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            _command(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=terminal, env=_environment(tmp_path),
        )  # fmt: skip
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closes when the process exits
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 0
    finally:
        os.close(controller)
    text = shown.decode("utf-8", "replace")
    assert "Extracting audio" in text
    assert "Transcribing" in text
    assert "(100%)" in text
    assert " s audio/s, " in text and " left" in text  # rate and time left
    assert "Finding questions" in text


def test_a_pipe_gets_no_progress_line(tmp_path: Path) -> None:
    done = subprocess.run(
        _command(tmp_path), capture_output=True, text=True, env=_environment(tmp_path),
        timeout=120, check=True,
    )  # fmt: skip
    assert "\r" not in done.stderr
    assert "Transcribing" not in done.stderr
    assert "Extracting audio" not in done.stderr
