"""SIGTERM and SIGINT on a real worker process: finish or give back the work, then exit."""

from __future__ import annotations

import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.media_factory import MediaFactory

GRACE = 2.0


def processes_mentioning(text: str) -> list[int]:
    """Live (not zombie) processes whose command line contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append(int(entry.name))
    return found


def claimed_interview(stack: AwsStack, media: MediaFactory) -> str:
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    return interview_id


def test_sigterm_during_a_long_transcription_gives_the_work_back_and_exits_0(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = claimed_interview(stack, media)
    started = stack.folder / "transcribing"
    tmp = stack.folder / "tmp"
    tmp.mkdir()
    env = stack.env(
        TEST_TRANSCRIBE_SECONDS="60",
        TEST_TRANSCRIBE_STARTED=str(started),
        WORKER_SHUTDOWN_GRACE_SECONDS=str(GRACE),
        TMPDIR=str(tmp),
    )
    process = stack.start(env=env, sleepy=True)
    try:
        wait_for(started.exists, 30, "the transcription to start")
        assert stack.record(interview_id).lease_owner is not None
        assert stack.queue_counts() == (0, 1)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=GRACE + 10)
        took = time.monotonic() - signalled
    finally:
        code, err = stop(process)
    assert code == 0, err
    assert GRACE - 0.5 <= took < GRACE + 5
    record = stack.record(interview_id)
    assert (record.state, record.lease_owner) == (InterviewState.PROCESSING, None)
    assert stack.queue_counts() == (1, 0)  # visible again at once
    assert processes_mentioning(str(tmp)) == []
    assert "released unfinished message" in err


def test_sigterm_during_ffmpeg_kills_it_and_exits_0(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = claimed_interview(stack, media)
    started = stack.folder / "ffmpeg-started"
    wrapper = stack.folder / "slow-ffmpeg"
    wrapper.write_text(
        "#!/bin/sh\n"
        'case "$*" in *-version*) exec "$REAL_FFMPEG" "$@";; esac\n'
        f"echo $$ > {started}\n"
        "while :; do sleep 0.1; done\n"
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    tmp = stack.folder / "tmp"
    tmp.mkdir()
    env = stack.env(
        INTERVIEWS_FFMPEG_BINARY=str(wrapper),
        REAL_FFMPEG=imageio_ffmpeg.get_ffmpeg_exe(),
        WORKER_SHUTDOWN_GRACE_SECONDS=str(GRACE),
        TMPDIR=str(tmp),
    )
    process = stack.start(env=env)
    try:
        wait_for(started.exists, 30, "ffmpeg to start")
        assert processes_mentioning(str(wrapper)) != []
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=GRACE + 10)
    finally:
        code, err = stop(process)
    assert code == 0, err
    wait_for(lambda: processes_mentioning(str(wrapper)) == [], 3, "ffmpeg to be gone")
    assert list(tmp.iterdir()) == []  # the killed extraction removed its temporary files
    assert stack.record(interview_id).lease_owner is None
    assert stack.queue_counts() == (1, 0)


def test_work_that_ends_within_the_grace_period_completes_before_the_exit(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = claimed_interview(stack, media)
    started = stack.folder / "transcribing"
    env = stack.env(
        TEST_TRANSCRIBE_SECONDS="1.5",
        TEST_TRANSCRIBE_STARTED=str(started),
        WORKER_SHUTDOWN_GRACE_SECONDS="15",
    )
    process = stack.start(env=env, sleepy=True)
    try:
        wait_for(started.exists, 30, "the transcription to start")
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    finally:
        code, err = stop(process)
    assert code == 0, err
    assert stack.record(interview_id).state is InterviewState.COMPLETED
    assert stack.questions(interview_id)
    assert stack.queue_counts() == (0, 0)


def test_a_second_signal_exits_at_once(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    claimed_interview(stack, media)
    started = stack.folder / "transcribing"
    env = stack.env(
        TEST_TRANSCRIBE_SECONDS="60",
        TEST_TRANSCRIBE_STARTED=str(started),
        WORKER_SHUTDOWN_GRACE_SECONDS="30",
    )
    process = stack.start(env=env, sleepy=True)
    try:
        wait_for(started.exists, 30, "the transcription to start")
        process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert process.poll() is None  # waiting for the work, within its grace period
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=5)
        took = time.monotonic() - signalled
    finally:
        code, _ = stop(process)
    assert code == 128 + signal.SIGTERM
    assert took < 2
