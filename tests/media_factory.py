"""Test media generated at test time with ffmpeg's lavfi sources, plus process helpers."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

# A speech-like signal: a 180 Hz tone with harmonics, opened and closed three times a second.
SPEECH = (
    "aevalsrc=exprs='0.4*(sin(2*PI*180*t)+0.5*sin(2*PI*360*t)+0.25*sin(2*PI*720*t))"
    "*(0.5+0.5*sin(2*PI*3*t))':sample_rate={rate}:duration={seconds}"
)
PICTURE = "testsrc=size=160x120:rate=5:duration={seconds}"
CLIP_SECONDS = 5.0


def run_ffmpeg(*args: str) -> None:
    """Run the bundled ffmpeg to make a test file; fail the test run loudly if it fails."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    completed = subprocess.run(command, capture_output=True, check=False, timeout=120)
    if completed.returncode != 0:
        tail = completed.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"making test media failed: {command}\n{tail}")


def audio_codec_of(path: Path) -> str:
    """The codec of the first audio stream of `path`, read from `ffmpeg -i`'s own report."""
    completed = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        check=False,
        timeout=30,
    )
    match = re.search(r"Stream #0:\d+\S*: Audio: (\w+)", completed.stderr.decode(errors="replace"))
    assert match is not None, f"no audio stream in {path}"
    return match.group(1)


def ffmpeg_children() -> list[int]:
    """Process ids of ffmpeg processes (running or unreaped) whose parent is this process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == os.getpid() and name.startswith("ffmpeg"):
            found.append(int(entry.name))
    return found


class MediaFactory:
    """Makes each kind of test file once per session, on first use, in a temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, Path] = {}

    def _once(self, name: str, make: Callable[[Path], None]) -> Path:
        if name not in self._made:
            path = self.folder / name
            make(path)
            self._made[name] = path
        return self._made[name]

    def _clip(self, name: str, audio_codec: str, rate: int, extra: tuple[str, ...] = ()) -> Path:
        def make(path: Path) -> None:
            run_ffmpeg(
                "-f", "lavfi", "-i", PICTURE.format(seconds=CLIP_SECONDS),
                "-f", "lavfi", "-i", SPEECH.format(rate=rate, seconds=CLIP_SECONDS),
                "-c:v", "libx264", "-preset", "ultrafast", "-c:a", audio_codec, *extra,
                str(path),
            )  # fmt: skip

        return self._once(name, make)

    @property
    def speech_mp4(self) -> Path:
        """A 5 s video with an AAC speech-like track, in MP4 (index at the end)."""
        return self._clip("speech.mp4", "aac", 44_100)

    @property
    def speech_mkv(self) -> Path:
        """The same 5 s clip with Opus audio, in Matroska."""
        return self._clip("speech.mkv", "libopus", 48_000)

    @property
    def pcm_mkv(self) -> Path:
        """The clip with uncompressed PCM audio: no container of the upload target copies it."""
        return self._clip("speech-pcm.mkv", "pcm_s16le", 22_050)

    @property
    def no_audio_mp4(self) -> Path:
        """A 5 s video without any audio stream."""

        def make(path: Path) -> None:
            run_ffmpeg(
                "-f", "lavfi", "-i", PICTURE.format(seconds=CLIP_SECONDS),
                "-c:v", "libx264", "-preset", "ultrafast", str(path),
            )  # fmt: skip

        return self._once("no-audio.mp4", make)

    @property
    def streamed_mkv(self) -> Path:
        """A 5 s Matroska written to a pipe, so its header carries no duration."""

        def make(path: Path) -> None:
            command = [
                imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin",
                "-f", "lavfi", "-i", SPEECH.format(rate=48_000, seconds=CLIP_SECONDS),
                "-c:a", "libopus", "-f", "matroska", "pipe:1",
            ]  # fmt: skip
            with path.open("wb") as sink:
                subprocess.run(command, stdout=sink, stderr=subprocess.DEVNULL, check=True)

        return self._once("streamed.mkv", make)

    @property
    def long_wav(self) -> Path:
        """Thirty minutes of 8 kHz mu-law tone: cheap to make, over a second to convert."""

        def make(path: Path) -> None:
            run_ffmpeg(
                "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=8000:duration=1800",
                "-c:a", "pcm_mulaw", str(path),
            )  # fmt: skip

        return self._once("long.wav", make)

    def truncated(self, source: Path, name: str) -> Path:
        """The first half of the bytes of `source`."""

        def make(path: Path) -> None:
            data = source.read_bytes()
            path.write_bytes(data[: len(data) // 2])

        return self._once(name, make)

    @property
    def faststart_mp4(self) -> Path:
        """The AAC clip with its index moved to the front, so a truncated copy still opens."""

        def make(path: Path) -> None:
            source = str(self.speech_mp4)
            run_ffmpeg("-i", source, "-c", "copy", "-movflags", "+faststart", str(path))

        return self._once("faststart.mp4", make)
