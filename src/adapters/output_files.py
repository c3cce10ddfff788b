"""Result files written whole: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` as UTF-8 through a temporary file renamed over it. Raises
    OSError, leaving `path` as it was."""
    write_all({path: text})


def write_all(files: Mapping[Path, str]) -> None:
    """Write every text to its path, as one set: each goes to a temporary file beside its
    path first, and only once all are written are they renamed over their paths, so that a
    failure (a full disk, a folder where a file should be) replaces none of them.

    The files are created with the permissions the process's umask allows, like any file
    a command writes. Raises OSError.
    """
    temporaries: dict[Path, Path] = {}
    try:
        for path, text in files.items():
            if path.is_dir():
                raise IsADirectoryError(f"{path} is a folder")
            temporaries[path] = _written_beside(path, text)
        for path, temporary in temporaries.items():
            temporary.replace(path)
    finally:
        for temporary in temporaries.values():  # gone already once renamed
            temporary.unlink(missing_ok=True)


def check_writable_folder(folder: Path) -> None:
    """Raise OSError unless `folder` is a folder files can be written in, or could be made
    as one, without making it: the nearest part of the path that exists must be a folder
    this process may write in."""
    if str(folder) == "":
        raise NotADirectoryError("an empty path names no folder")
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(f"{existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"{existing} cannot be written in")


def _written_beside(path: Path, text: str) -> Path:
    """A new temporary file in `path`'s folder holding `text`; created only by this call."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
