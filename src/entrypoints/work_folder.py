"""One temporary folder per process for its videos and audio, and the removal of dead ones'.

The folder's name is its owner's marker: `ai-interviews-<pid namespace>-<pid>-<start>-<token>`,
with the start time of the owning process in clock ticks since boot. A starting process
removes every such folder whose owner is gone: no process with that pid, or one that started
at another time (the pid was reused). It never touches a live process's folder, nor one made
in another pid namespace (another container sharing the folder), whose pids it cannot see.
The name is complete from the moment the folder exists, so no half-made folder can be
mistaken for an abandoned one.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

from interview_core.errors import ConfigurationError

log = logging.getLogger("ai_interviews.work_folder")

PREFIX = "ai-interviews-"
_NAME = re.compile(rf"^{PREFIX}(?P<ns>\d+)-(?P<pid>\d+)-(?P<start>\d+)-[0-9a-f]+$")


def process_start(pid: int) -> int | None:
    """When process `pid` started, in clock ticks since boot (/proc); None when it does not
    exist or the system has no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])  # field 22 of proc_pid_stat(5); the name before ")" is field 2
    except (IndexError, ValueError):
        return None


def pid_namespace() -> int:
    """The inode of this process's pid namespace; 0 where there is none to read."""
    try:
        return Path("/proc/self/ns/pid").stat().st_ino
    except OSError:
        return 0


def owner_alive(pid: int, start: int) -> bool:
    """Whether the process `pid` that started at `start` still runs (a zombie counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    started = process_start(pid)
    return started is None or started == start


class WorkFolder:
    """This process's temporary folder (mode 0700), created under `root` (the system's
    temporary folder when None) after removing the folders of processes that are gone."""

    def __init__(self, root: Path | None = None) -> None:
        """Raise ConfigurationError when the folder cannot be created."""
        self.root = Path(root) if root is not None else Path(tempfile.gettempdir())
        removed = remove_abandoned(self.root)
        if removed:
            log.info("removed %d temporary folders of stopped processes", len(removed))
        pid = os.getpid()
        name = f"{PREFIX}{pid_namespace()}-{pid}-{process_start(pid) or 0}-{secrets.token_hex(4)}"
        self.path = self.root / name
        try:
            self.path.mkdir(mode=0o700, parents=False)
        except OSError as exc:
            setting = "INTERVIEWS_TEMP_DIR" if root is not None else "INTERVIEWS_TEMP_DIR or TMPDIR"
            raise ConfigurationError(
                f"cannot create a temporary folder in {self.root}: {exc.strerror}; "
                f"set {setting} to a writable folder"
            ) from exc

    def remove(self) -> None:
        """Delete the folder and everything in it; never raises."""
        shutil.rmtree(self.path, ignore_errors=True)


def remove_abandoned(root: Path) -> list[Path]:
    """Delete the folders under `root` whose owning process is gone; returns them.

    Only folders named by WorkFolder in this pid namespace are considered; anything else,
    and anything that cannot be read or deleted, is left as it is.
    """
    namespace = pid_namespace()
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or int(match["ns"]) != namespace or entry.is_symlink():
            continue
        if owner_alive(int(match["pid"]), int(match["start"])) or not entry.is_dir():
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry)
    return removed
