"""A full disk, or any failure of one job's own audio files, is that job's transient error:
the extraction is retried later and the other extractions go on. Only a work folder that
cannot be made at start-up is the deployment's fault (tests/integration/local)."""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from adapters.media import ffmpeg_audio_extractor
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.errors import ErrorKind, MediaUnavailable

REAL_MKDTEMP = tempfile.mkdtemp


class FailingAudioFolders:
    """tempfile.mkdtemp whose first `times` audio folders fail with `code`; others are made."""

    def __init__(self, code: int, times: int = 1) -> None:
        self.code = code
        self.left = times
        self.lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        if kwargs.get("prefix") == "interview-audio-":
            with self.lock:
                failing = self.left > 0
                self.left -= failing
            if failing:
                raise OSError(self.code, os.strerror(self.code))
        return REAL_MKDTEMP(*args, **kwargs)


def extract_and_close(extractor: FfmpegAudioExtractor, video: Path) -> float:
    with extractor.extract(video) as audio:
        return audio.duration


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_for_the_audio_folder_is_throttling_and_the_next_job_goes_on(
    media, workdir, monkeypatch, code
):
    video = media.speech_mp4
    extractor = FfmpegAudioExtractor(temp_dir=workdir)
    monkeypatch.setattr(ffmpeg_audio_extractor.tempfile, "mkdtemp", FailingAudioFolders(code))

    with pytest.raises(MediaUnavailable, match="disk is full") as caught:
        extract_and_close(extractor, video)

    assert caught.value.kind is ErrorKind.TRANSIENT
    assert caught.value.throttled
    assert extract_and_close(extractor, video) == pytest.approx(5.0, abs=0.05)
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize("code", [errno.EACCES, errno.ENOENT, errno.EMFILE, errno.EIO])
def test_other_failures_of_the_audio_folder_are_transient_without_throttling(
    media, workdir, monkeypatch, code
):
    video = media.speech_mp4
    extractor = FfmpegAudioExtractor(temp_dir=workdir)
    monkeypatch.setattr(ffmpeg_audio_extractor.tempfile, "mkdtemp", FailingAudioFolders(code))

    with pytest.raises(MediaUnavailable, match="temporary folder for the audio") as caught:
        extract_and_close(extractor, video)

    assert caught.value.kind is ErrorKind.TRANSIENT
    assert not caught.value.throttled


def test_one_job_meeting_a_full_disk_leaves_the_others_running(media, workdir, monkeypatch):
    videos = [media.speech_mp4, media.speech_mkv, media.speech_mp4, media.speech_mkv]
    extractor = FfmpegAudioExtractor(temp_dir=workdir)
    monkeypatch.setattr(
        ffmpeg_audio_extractor.tempfile, "mkdtemp", FailingAudioFolders(errno.ENOSPC)
    )

    def outcome(video: Path) -> float | str:
        try:
            return extract_and_close(extractor, video)
        except MediaUnavailable as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(outcome, videos))

    assert sorted(outcomes, key=str) == [
        pytest.approx(5.0, abs=0.05),
        pytest.approx(5.0, abs=0.05),
        pytest.approx(5.0, abs=0.05),
        "MEDIA_UNAVAILABLE",
    ]
    assert extractor.running == 0
    assert list(workdir.iterdir()) == []


FAILING_OUTPUT_FFMPEG = """#!/bin/sh
# answers -version as ffmpeg does; any conversion reads its input, then fails on its output
case "$*" in *-version*) echo "ffmpeg version 7.0-failing-output"; exit 0;; esac
echo "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:video.mp4':" >&2
echo "  Duration: 00:00:05.00, start: 0.000000, bitrate: 140 kb/s" >&2
echo "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono" >&2
echo "Stream mapping:" >&2
echo "[out#0/wav @ 0x55ee80d66740] %s" >&2
echo "Conversion failed!" >&2
exit 228
"""


def failing_output_ffmpeg(folder: Path, line: str) -> Path:
    fake = folder / "ffmpeg"
    fake.write_text(FAILING_OUTPUT_FFMPEG % line, encoding="utf-8")
    fake.chmod(0o755)
    return fake


def test_ffmpeg_running_out_of_disk_while_writing_is_throttling(media, workdir, tmp_path):
    fake = failing_output_ffmpeg(tmp_path, "Error writing trailer: No space left on device")
    extractor = FfmpegAudioExtractor(ffmpeg_binary=fake, temp_dir=workdir)

    with pytest.raises(MediaUnavailable, match="no disk space left") as caught:
        extract_and_close(extractor, media.speech_mp4)

    assert caught.value.throttled
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize(
    "line",
    [
        "Error writing trailer: Input/output error",
        "Error opening output file:/gone/audio.wav: No such file or directory",
        "Error opening output file:/ro/audio.wav: Read-only file system",
    ],
)
def test_an_audio_file_the_system_will_not_write_is_transient_not_the_videos_fault(
    media, workdir, tmp_path, line
):
    fake = failing_output_ffmpeg(tmp_path, line)
    extractor = FfmpegAudioExtractor(ffmpeg_binary=fake, temp_dir=workdir)

    with pytest.raises(MediaUnavailable, match="audio file could not be written") as caught:
        extract_and_close(extractor, media.speech_mp4)

    assert caught.value.kind is ErrorKind.TRANSIENT
    assert not caught.value.throttled
