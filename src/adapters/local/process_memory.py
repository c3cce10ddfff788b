"""How the process's C library keeps and returns freed memory, where the C library allows it."""

from __future__ import annotations

import ctypes
import functools
from typing import Any

M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
M_ARENA_MAX = -8
KEEP_FREED_BYTES = 1 << 30
"""Freed memory at the top of the heap is kept up to this much, until `return_freed_memory`."""


@functools.cache
def _libc() -> Any:
    """The C library, or None when it cannot be opened."""
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def return_freed_memory() -> None:
    """Give freed memory back to the system now; does nothing where the C library cannot.

    glibc keeps freed blocks for reuse, spread over the arenas of the recogniser's threads,
    so without this the process's resident size creeps up window after window.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.cache
def reuse_freed_memory() -> bool:
    """Have glibc keep large freed blocks for reuse, in one arena; whether it could.

    Whisper's encoder asks for a few hundred MB of scratch memory per batch (its attention
    over 30 s of audio), in blocks above glibc's mmap threshold: by default each is mapped
    afresh and unmapped when freed, so every batch faults in its pages again, a quarter of
    the recogniser's CPU time spent in the kernel. From here on every block comes from
    the heap of one arena (so the recogniser's threads share the blocks they free) and
    freed memory stays for reuse until `return_freed_memory` hands it back, after each
    piece of recognition. Call it before the threads that allocate start (before the model loads).
    Does nothing, once, and returns False where the C library has no `mallopt` (not glibc).
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    done = [
        mallopt(M_ARENA_MAX, 1),
        mallopt(M_MMAP_MAX, 0),
        mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES),
    ]
    return all(done)
