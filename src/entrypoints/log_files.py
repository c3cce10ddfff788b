"""A size-rotated log file that several processes can share: rotation under a file lock."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import logging.handlers
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Appends to `path` and, once it would pass `max_bytes`, renames it to `path.1` (`.1` to
    `.2`, and so on, keeping `backups` old files) and starts a new one; 0 never rotates.

    Several processes may log to one file: each record is written under an exclusive lock
    on `path.lock`, after reopening `path` when another process has rotated it, so every
    process writes to the current file, the size limit holds for their lines together,
    and no line goes to a file that is being deleted. Within a process the handler's own
    lock orders threads.
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        if max_bytes < 0 or backups < 1:
            raise ValueError("max_bytes must not be negative and backups must be at least 1")
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._lock_path = f"{self.baseFilename}.lock"
        self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record under the file lock, rotating first when it is due."""
        try:
            with self._shared_file():
                super().emit(record)
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        """Close the log file and the lock file."""
        try:
            super().close()
        finally:
            fd, self._lock_fd = self._lock_fd, -1
            if fd >= 0:
                os.close(fd)

    @contextlib.contextmanager
    def _shared_file(self) -> Iterator[None]:
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            self._follow_rotation()
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _follow_rotation(self) -> None:
        """Reopen the file when the path no longer names the one this handler has open."""
        if self.stream is None:
            return
        try:
            current = Path(self.baseFilename).stat()
        except FileNotFoundError:
            current = None
        mine = os.fstat(self.stream.fileno())
        if current is None or (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino):
            self.stream.close()
            self.stream = self._open()
