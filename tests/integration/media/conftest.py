"""Fixtures for the media tests; the generated files come from tests/media_factory.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import pytest

from tests.media_factory import audio_codec_of, ffmpeg_children


@pytest.fixture(scope="session")
def ffmpeg_exe() -> str:
    """The ffmpeg binary bundled with imageio-ffmpeg."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


@pytest.fixture
def hls_playlist(tmp_path: Path) -> Callable[[str], Path]:
    """Writes an HLS playlist under a given name whose one segment is a FIFO.

    Opening a FIFO with no writer blocks, so an ffmpeg that followed the playlist would hang
    until the time limit instead of failing at once: a quick InvalidMedia shows the segment
    was never opened.
    """

    def write(name: str) -> Path:
        segment = tmp_path / "segment0.ts"
        if not segment.exists():
            os.mkfifo(segment)
        playlist = tmp_path / name
        playlist.write_text(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n"
            f"#EXTINF:4.0,\n{segment}\n#EXT-X-ENDLIST\n",
            encoding="utf-8",
        )
        return playlist

    return write


@pytest.fixture
def children() -> Callable[[], list[int]]:
    """Lists this process's ffmpeg children, to check that none is left behind."""
    return ffmpeg_children


@pytest.fixture
def codec_of() -> Callable[[Path], str]:
    """Reads a file's audio codec with ffmpeg itself, independently of the extractor."""
    return audio_codec_of
