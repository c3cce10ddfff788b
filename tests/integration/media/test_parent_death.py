"""The parent-death hook on real processes: the child dies with a SIGKILLed parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from adapters.media.parent_death import die_with_parent_hook

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

PARENT = """
import subprocess, sys, threading
from adapters.media.parent_death import die_with_parent_hook

def start():
    child = subprocess.Popen(["sleep", "60"], start_new_session=True,
                             preexec_fn=die_with_parent_hook())
    print(child.pid, flush=True)
    child.wait()

threading.Thread(target=start, daemon=True).start()
threading.Event().wait()
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_child_started_from_a_thread_dies_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def test_many_threads_start_children_with_the_hook_without_a_hang() -> None:
    failures: list[BaseException] = []

    def start_some() -> None:
        try:
            for _ in range(10):
                subprocess.run(["true"], preexec_fn=die_with_parent_hook(), check=True, timeout=10)
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=start_some) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
