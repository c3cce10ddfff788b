"""The extractor's limits: maximum duration, wall-clock timeout, and cancelling running work."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from adapters.media.audio_target import TRANSCRIBE_UPLOAD
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.errors import MediaTimeout, MediaTooLong, MediaUnavailable


def extract_and_close(extractor: FfmpegAudioExtractor, video: Path) -> None:
    with extractor.extract(video):
        pass


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_a_declared_duration_over_the_maximum_is_refused_before_converting(media, workdir):
    seen: list[float] = []
    extractor = FfmpegAudioExtractor(
        temp_dir=workdir, max_duration_seconds=60, on_progress=lambda done, _: seen.append(done)
    )
    with pytest.raises(MediaTooLong, match="lasts 1800 s, more than the 60 s allowed"):
        extract_and_close(extractor, media.long_wav)
    assert all(done <= 60 for done in seen)
    assert list(workdir.iterdir()) == []


def test_the_maximum_is_enforced_while_converting_when_no_duration_is_declared(media, workdir):
    extractor = FfmpegAudioExtractor(temp_dir=workdir, max_duration_seconds=2)
    with pytest.raises(MediaTooLong, match="runs past"):
        extract_and_close(extractor, media.streamed_mkv)


def test_a_clip_within_the_maximum_passes(media, workdir):
    extractor = FfmpegAudioExtractor(temp_dir=workdir, max_duration_seconds=6)
    with extractor.extract(media.speech_mp4) as audio:
        assert audio.duration == pytest.approx(5.0, abs=0.05)


def test_the_maximum_applies_to_the_stream_copy_path_too(media, workdir):
    extractor = FfmpegAudioExtractor(
        temp_dir=workdir, target=TRANSCRIBE_UPLOAD, max_duration_seconds=2
    )
    with pytest.raises(MediaTooLong):
        extract_and_close(extractor, media.speech_mp4)


def test_the_time_limit_kills_ffmpeg(media, workdir, children):
    long_wav = media.long_wav
    extractor = FfmpegAudioExtractor(temp_dir=workdir, timeout_seconds=0.05)
    started = time.monotonic()
    with pytest.raises(MediaTimeout, match="time limit"):
        extract_and_close(extractor, long_wav)
    assert time.monotonic() - started < 1.0
    assert children() == []
    assert extractor.running == 0
    assert list(workdir.iterdir()) == []


def test_cancel_all_kills_running_ffmpeg_and_fails_the_extraction(media, workdir, children):
    long_wav = media.long_wav
    extractor = FfmpegAudioExtractor(temp_dir=workdir, timeout_seconds=60)
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            extract_and_close(extractor, long_wav)
            outcome.append(None)
        except BaseException as exc:  # the assertion below reports what it was
            outcome.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 10
    while extractor.running == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert extractor.cancel_all() == 1
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], MediaUnavailable), outcome
    assert "cancelled" in str(outcome[0])
    assert children() == []
    assert list(workdir.iterdir()) == []
    with extractor.extract(media.speech_mp4) as audio:  # later work runs normally
        assert audio.duration == pytest.approx(5.0, abs=0.05)
