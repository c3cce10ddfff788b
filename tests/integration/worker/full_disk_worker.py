"""Runs the `ai-interviews` command on a disk that is full for the first audio folders.

The first TEST_FULL_DISK_FOLDERS audio folders the extractor asks for fail with ENOSPC, as on
a disk the other jobs have filled; every other folder, and everything else, is the real
command wired from the environment.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import threading
from typing import Any

from entrypoints.cli import main

_real_mkdtemp = tempfile.mkdtemp
_left = int(os.environ.get("TEST_FULL_DISK_FOLDERS", "1"))
_lock = threading.Lock()


def mkdtemp_on_a_filling_disk(*args: Any, **kwargs: Any) -> str:
    global _left
    if kwargs.get("prefix") == "interview-audio-":
        with _lock:
            failing = _left > 0
            _left -= failing
        if failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return _real_mkdtemp(*args, **kwargs)


if __name__ == "__main__":
    tempfile.mkdtemp = mkdtemp_on_a_filling_disk
    sys.exit(main())
