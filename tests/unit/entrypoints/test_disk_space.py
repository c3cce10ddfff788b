"""The start-up check of the work folder's disk: what the jobs may need, and a warning (never a
refusal) when the disk has less free."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from adapters.media.audio_target import LOCAL_RECOGNITION, PCM_16K_MONO_WAV, TRANSCRIBE_UPLOAD
from entrypoints import disk_space
from entrypoints.disk_space import GIB, space_needed, space_per_job, warn_when_short
from entrypoints.settings import Settings


class Usage(NamedTuple):
    total: int
    used: int
    free: int


def free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> list[Path]:
    asked: list[Path] = []

    def disk_usage(path: Any) -> Usage:
        asked.append(Path(path))
        return Usage(total=free * 2, used=free, free=free)

    monkeypatch.setattr(disk_space.shutil, "disk_usage", disk_usage)
    return asked


def test_the_audio_targets_budget_16_bit_pcm_or_a_copied_stream() -> None:
    assert PCM_16K_MONO_WAV.bytes_per_second() == 16_000 * 2
    assert TRANSCRIBE_UPLOAD.bytes_per_second() == 40_000  # a copy at up to 320 kbit/s
    assert LOCAL_RECOGNITION.bytes_per_second() == 40_000  # a copy, or PCM at 32,000


def test_an_s3_job_holds_its_video_and_its_audio_a_local_job_only_its_audio() -> None:
    aws = Settings(
        INTERVIEWS_BACKEND="aws",
        INTERVIEWS_MAX_VIDEO_BYTES=10 * GIB,
        INTERVIEWS_MAX_MEDIA_SECONDS=4 * 3600,
    )
    local = Settings(INTERVIEWS_BACKEND="local", INTERVIEWS_MAX_MEDIA_SECONDS=3600)

    assert space_per_job(aws) == 10 * GIB + 4 * 3600 * 40_000
    assert space_needed(aws, 4) == 4 * (10 * GIB + 576_000_000)
    assert space_per_job(local) == 3600 * 40_000


def test_a_disk_too_small_for_the_jobs_is_a_warning_naming_the_settings(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    settings = Settings(INTERVIEWS_BACKEND="aws", INTERVIEWS_MAX_VIDEO_BYTES=10 * GIB)
    asked = free_space(monkeypatch, 20 * GIB)

    with caplog.at_level(logging.WARNING, logger="ai_interviews.disk_space"):
        warned = warn_when_short(settings, tmp_path, jobs=4)

    assert warned and asked == [tmp_path]
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "has 20.0 GiB free, less than the 42.1 GiB that 4 jobs at once may need" in message
    for setting in ("INTERVIEWS_MAX_MEDIA_SECONDS", "INTERVIEWS_MAX_VIDEO_BYTES"):
        assert setting in message
    assert "WORKER_CONCURRENCY" in message


def test_a_disk_that_holds_the_jobs_says_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    settings = Settings(INTERVIEWS_BACKEND="aws", INTERVIEWS_MAX_VIDEO_BYTES=GIB)
    free_space(monkeypatch, space_needed(settings, 4))

    with caplog.at_level(logging.DEBUG, logger="ai_interviews.disk_space"):
        assert not warn_when_short(settings, tmp_path, jobs=4)

    assert caplog.records == []


def test_a_disk_that_cannot_be_read_is_a_warning_not_an_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    def unreadable(path: Any) -> Usage:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(disk_space.shutil, "disk_usage", unreadable)

    with caplog.at_level(logging.WARNING, logger="ai_interviews.disk_space"):
        assert warn_when_short(Settings(), tmp_path, jobs=1)

    assert "cannot read the free space" in caplog.records[0].getMessage()
