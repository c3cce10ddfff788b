"""Failures of one job's own files on the local disk: transient, and a full disk waits."""

from __future__ import annotations

import errno
from typing import TypeVar

from interview_core.errors import TransientError

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
"""No space or no quota left: other jobs' files take the disk, and leave it when they end."""

DISK_FULL_MESSAGES = ("no space left on device", "disk quota exceeded")
"""How a child process (ffmpeg) reports a full disk in its log, lower-cased."""

_Error = TypeVar("_Error", bound=TransientError)


def is_disk_full(exc: OSError) -> bool:
    """Whether `exc` says the disk (or the user's quota on it) is full."""
    return exc.errno in DISK_FULL_ERRNOS


def reports_disk_full(line: str) -> bool:
    """Whether a child's log line says the disk (or the quota) is full."""
    lowered = line.lower()
    return any(message in lowered for message in DISK_FULL_MESSAGES)


def work_file_error(kind: type[_Error], what: str, exc: OSError) -> _Error:
    """The transient error of kind `kind` for a failure to create or write one job's own
    temporary files: it is that job's to retry, never the deployment's, since the work folder
    itself was made at start-up. A full disk is throttling (the world's doing, which spends
    no attempt of the interview's): the other jobs' files leave when they end."""
    reason = exc.strerror or type(exc).__name__
    if is_disk_full(exc):
        return kind(f"{what}: the disk is full ({reason})", throttled=True)
    return kind(f"{what}: {reason}")
