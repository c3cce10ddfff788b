"""Hands memory the process freed back to the system, where the C library allows it."""

from __future__ import annotations

import ctypes
import functools
from typing import Any


@functools.cache
def _malloc_trim() -> Any:
    """glibc's malloc_trim, or None on a C library without it."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


def return_freed_memory() -> None:
    """Give freed memory back to the system now; does nothing where the C library cannot.

    glibc keeps freed blocks for reuse, spread over the arenas of the recogniser's threads,
    so without this the process's resident size creeps up window after window.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
