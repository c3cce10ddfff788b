"""Checks on a local file about to be uploaded to a video store, shared by every store."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from interview_core.errors import (
    StorageUnavailable,
    VideoAccessDenied,
    VideoNotFound,
    VideoTooLarge,
)

if TYPE_CHECKING:
    from pathlib import Path


def checked_source_size(source: Path, max_bytes: int | None) -> int:
    """The size of the regular file `source`, within `max_bytes` when that is given.

    Raises VideoNotFound (nothing there, or not a regular file), VideoAccessDenied,
    VideoTooLarge or StorageUnavailable (another I/O failure).
    """
    try:
        info = source.stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise VideoNotFound(f"{source}: no such file") from exc
    except PermissionError as exc:
        raise VideoAccessDenied(f"{source}: permission denied") from exc
    except OSError as exc:
        raise StorageUnavailable(f"{source}: cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise VideoNotFound(f"{source}: not a regular file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise VideoTooLarge(f"{source.name} has {info.st_size} bytes, above {max_bytes}")
    return info.st_size
