"""kill -9 of a real worker process: its ffmpeg dies with it and a restart leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
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
