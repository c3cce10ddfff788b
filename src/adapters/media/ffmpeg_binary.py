"""Finds a working ffmpeg executable: the configured one, else PATH, else imageio-ffmpeg's."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from interview_core.errors import ToolMissing

if TYPE_CHECKING:
    from os import PathLike

FFMPEG_BINARY_SETTING = "INTERVIEWS_FFMPEG_BINARY"
"""The setting that names the ffmpeg executable, quoted in every ToolMissing message."""

_VERSION_CHECK_SECONDS = 15.0


def locate_ffmpeg(configured: str | PathLike[str] | None = None) -> str:
    """The path of an ffmpeg executable that answers `-version`.

    A configured binary (a path or a command name) is the only candidate when given; otherwise
    `ffmpeg` on PATH is tried, then the binary bundled with the imageio-ffmpeg wheel. Raises
    ToolMissing naming the INTERVIEWS_FFMPEG_BINARY setting when no candidate works.
    """
    if configured is not None and str(configured).strip():
        found = shutil.which(str(configured))
        if found is None or not _answers_version(found):
            raise ToolMissing(
                f"ffmpeg binary {str(configured)!r} is missing or is not a working ffmpeg; "
                f"set {FFMPEG_BINARY_SETTING} to an ffmpeg executable"
            )
        return found
    for candidate in (shutil.which("ffmpeg"), _bundled_ffmpeg()):
        if candidate is not None and _answers_version(candidate):
            return candidate
    raise ToolMissing(
        f"ffmpeg not found: set {FFMPEG_BINARY_SETTING} to an ffmpeg executable, "
        "put ffmpeg on PATH or install the imageio-ffmpeg package"
    )


def _bundled_ffmpeg() -> str | None:
    """The executable shipped in the imageio-ffmpeg wheel, when that package is installed."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (RuntimeError, OSError):
        return None


def _answers_version(binary: str) -> bool:
    """True when `binary -version` exits cleanly and introduces itself as ffmpeg."""
    try:
        completed = subprocess.run(
            [binary, "-hide_banner", "-version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_VERSION_CHECK_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return completed.returncode == 0 and completed.stdout.startswith(b"ffmpeg version")
