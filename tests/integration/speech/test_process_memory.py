"""Large freed blocks are kept for reuse: a second batch of scratch memory faults no new pages."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src"
# Allocates, touches and frees 200 MB five times, from a thread as the recogniser's model
# does, and prints the minor page faults of the last four rounds.
_ROUNDS = """
import ctypes, resource, sys, threading
from adapters.local.process_memory import return_freed_memory, reuse_freed_memory
if sys.argv[1] == "reuse":
    assert reuse_freed_memory()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def scratch():  # as the model's C++ code does: no Python allocator, no huge pages
    block = libc.malloc(200_000_000)
    ctypes.memset(block, 1, 200_000_000)
    libc.free(block)
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def rounds():
    scratch()
    before = faults()
    for _ in range(4):
        scratch()
    print(faults() - before)
    return_freed_memory()
    after_trim = faults()
    scratch()
    print(faults() - after_trim)
worker = threading.Thread(target=rounds)
worker.start()
worker.join()
"""


def _faults(mode: str) -> list[int]:
    done = subprocess.run(
        [sys.executable, "-c", _ROUNDS, mode],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [int(line) for line in done.stdout.split()]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_scratch_memory_is_reused_until_it_is_returned() -> None:
    default_rounds, _ = _faults("default")
    reused_rounds, after_return = _faults("reuse")

    pages = 200_000_000 // 4096
    assert default_rounds >= 4 * pages * 0.9  # mapped afresh every time
    assert reused_rounds < pages * 0.1  # the same pages, kept
    assert after_return >= pages * 0.9  # returned, then faulted in once more
