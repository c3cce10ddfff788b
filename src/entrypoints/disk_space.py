"""Whether the disk under the work folder holds what the worker's jobs may write at once."""

from __future__ import annotations

import logging
import math
import shutil
from typing import TYPE_CHECKING

from adapters.media.audio_target import AUDIO_TARGETS

if TYPE_CHECKING:
    from pathlib import Path

    from entrypoints.settings import Settings

log = logging.getLogger("ai_interviews.disk_space")

GIB = 1024**3


def space_per_job(settings: Settings) -> int:
    """The most disk one job may hold at once, in bytes: its downloaded video (when the video
    store downloads: S3) of up to INTERVIEWS_MAX_VIDEO_BYTES, plus the audio extracted from
    up to INTERVIEWS_MAX_MEDIA_SECONDS of it in the chosen target's format."""
    video = settings.max_video_bytes if settings.video_store == "s3" else 0
    target = AUDIO_TARGETS[settings.audio_target]
    audio = math.ceil(settings.max_media_seconds * target.bytes_per_second())
    return video + audio


def space_needed(settings: Settings, jobs: int) -> int:
    """The most disk `jobs` jobs at once may hold, in bytes."""
    return jobs * space_per_job(settings)


def warn_when_short(settings: Settings, folder: Path, *, jobs: int) -> bool:
    """Log a warning when the disk under `folder` has less free space than `jobs` jobs may
    need at once; returns whether it did. Never raises: a job that finds the disk full is
    retried later, so a small disk slows the worker down rather than stopping it."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        log.warning("cannot read the free space under %s: %s", folder, exc.strerror)
        return True
    needed = space_needed(settings, jobs)
    if free >= needed:
        return False
    holds = f"the audio of INTERVIEWS_MAX_MEDIA_SECONDS={settings.max_media_seconds:g} s"
    if settings.video_store == "s3":
        holds += f" and a video of INTERVIEWS_MAX_VIDEO_BYTES={settings.max_video_bytes}"
    log.warning(
        "the disk under %s has %.1f GiB free, less than the %.1f GiB that %d jobs at once "
        "may need (each %.1f GiB: %s); a job that finds the disk full waits and is retried. "
        "Give the worker more disk, or lower WORKER_CONCURRENCY or those limits",
        folder,
        free / GIB,
        needed / GIB,
        jobs,
        space_per_job(settings) / GIB,
        holds,
    )
    return True
