"""kill -9 of a real worker process: its ffmpeg dies with it and a restart leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.integration.worker.test_sqs_worker_shutdown import processes_mentioning
from tests.media_factory import MediaFactory

ORPHAN_WINDOW = 5.0
"""How long a media child may outlive its killed worker."""


def slow_ffmpeg(folder: Path, started: Path) -> Path:
    """A stand-in ffmpeg that announces itself and never ends (the real one answers -version)."""
    wrapper = folder / "slow-ffmpeg"
    wrapper.write_text(
        "#!/bin/sh\n"
        'case "$*" in *-version*) exec "$REAL_FFMPEG" "$@";; esac\n'
        f"echo $$ > {started}\n"
        "while :; do sleep 0.1; done\n"
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def test_ffmpeg_dies_with_a_worker_killed_by_sigkill(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    started = stack.folder / "ffmpeg-started"
    wrapper = slow_ffmpeg(stack.folder, started)
    env = stack.env(
        INTERVIEWS_FFMPEG_BINARY=str(wrapper), REAL_FFMPEG=imageio_ffmpeg.get_ffmpeg_exe()
    )
    process = stack.start(env=env)
    try:
        wait_for(started.exists, 30, "ffmpeg to start")
        assert processes_mentioning(str(wrapper)) != []
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        wait_for(
            lambda: processes_mentioning(str(wrapper)) == [],
            ORPHAN_WINDOW,
            "ffmpeg to die with its worker",
        )
    finally:
        stop(process)
        kill_all(processes_mentioning(str(wrapper)))  # leave no orphan behind a failure


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def entries(folder: Path) -> set[Path]:
    """Every file and folder below `folder`."""
    return set(folder.rglob("*"))


def test_a_restarted_worker_removes_what_a_killed_one_left_and_keeps_a_live_neighbours(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    tmp = stack.folder / "tmp"
    tmp.mkdir()

    def start_transcribing(name: str) -> tuple[subprocess.Popen[str], set[Path]]:
        interview_id = stack.add_interview(stack.upload(f"videos/{name}.mp4", media.speech_mp4))
        stack.request(interview_id)
        started = stack.folder / f"{name}-transcribing"
        env = stack.env(
            TEST_TRANSCRIBE_SECONDS="120",
            TEST_TRANSCRIBE_STARTED=str(started),
            WORKER_CONCURRENCY="1",
            TMPDIR=str(tmp),
        )
        before = entries(tmp)
        process = stack.start(env=env, sleepy=True)
        wait_for(started.exists, 30, f"{name}'s transcription to start")
        return process, entries(tmp) - before

    killed, killed_files = start_transcribing("killed")
    neighbour = None
    try:
        assert any(path.suffix == ".mp4" for path in killed_files)  # the downloaded video
        assert any(path.stem == "audio" for path in killed_files)  # the extracted audio
        neighbour, neighbour_files = start_transcribing("neighbour")
        assert neighbour_files and not neighbour_files & killed_files
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        assert all(path.exists() for path in killed_files)  # nobody cleaned up for it

        restarted = stack.run("--idle-exit", "1", env=stack.env(TMPDIR=str(tmp)))
        assert restarted.returncode == 0, restarted.stderr

        assert [path for path in killed_files if path.exists()] == []
        assert all(path.exists() for path in neighbour_files)  # a live worker's work stays
        assert entries(tmp) == neighbour_files  # and the restarted one removed its own
    finally:
        stop(killed)
        if neighbour is not None:
            stop(neighbour)
