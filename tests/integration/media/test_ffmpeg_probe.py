"""FfmpegAudioExtractor.probe: media with audio is accepted, anything else refused, nothing made."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.errors import InvalidMedia, MediaTooLong, NoAudioTrack, VideoNotFound
from interview_core.ports import MediaProbe
from tests.media_factory import MediaFactory


@pytest.fixture
def extractor(tmp_path: Path) -> FfmpegAudioExtractor:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return FfmpegAudioExtractor(temp_dir=workdir)


def test_a_clip_with_audio_passes_with_its_duration(
    media: MediaFactory, extractor: FfmpegAudioExtractor, tmp_path: Path
) -> None:
    assert isinstance(extractor, MediaProbe)

    duration = extractor.probe(media.speech_mkv)

    assert duration == pytest.approx(5.0, abs=0.2)
    assert list((tmp_path / "work").iterdir()) == []


def test_a_text_file_named_like_a_video_is_invalid_media(
    tmp_path: Path, extractor: FfmpegAudioExtractor
) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("these are my interview notes\n")

    with pytest.raises(InvalidMedia, match="notes.mp4"):
        extractor.probe(notes)


def test_a_video_without_audio_and_a_missing_file_are_refused(
    media: MediaFactory, tmp_path: Path, extractor: FfmpegAudioExtractor
) -> None:
    with pytest.raises(NoAudioTrack):
        extractor.probe(media.no_audio_mp4)
    with pytest.raises(VideoNotFound):
        extractor.probe(tmp_path / "missing.mp4")


def test_a_recording_above_the_length_limit_is_too_long(media: MediaFactory) -> None:
    with pytest.raises(MediaTooLong):
        FfmpegAudioExtractor(max_duration_seconds=2).probe(media.speech_mp4)
