"""A child process that dies with its parent: PR_SET_PDEATHSIG on Linux, set before exec."""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

PR_SET_PDEATHSIG = 1
"""prctl option from <linux/prctl.h>: the signal the caller gets when its parent dies."""


@functools.cache
def _prctl() -> Any | None:
    """libc's prctl, ready to call, or None where there is none (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


def die_with_parent_hook() -> Callable[[], None] | None:
    """A `preexec_fn` for one subprocess.Popen call that makes the child get SIGKILL when
    this process dies, even by SIGKILL; None where the kernel offers no such thing.

    Everything is looked up here, in the parent, so the hook runs in the forked child only a
    prepared foreign call and two system calls: no import, no lock that another thread could
    have held at the fork. The signal is tied to the thread that starts the child, so start
    children from a thread that waits for them (as the ffmpeg runner does). When the parent
    died between the fork and the prctl, the child kills itself at once.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()
    kill_signal = int(signal.SIGKILL)

    def die_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, kill_signal, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), kill_signal)

    return die_with_parent
