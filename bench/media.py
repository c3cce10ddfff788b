"""Media benchmarks: the extractor against plain ffmpeg, and stream copy against re-encoding."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from adapters.media.audio_target import TRANSCRIBE_UPLOAD, AudioEncoding, AudioTarget
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from bench.rows import BenchRow

OVERHEAD_TARGET = 1.10
COPY_SPEEDUP_TARGET = 5.0

AAC_REENCODE = AudioTarget(
    name="aac_reencode",
    encoding=AudioEncoding(
        codec="aac", container="ipod", suffix=".m4a", sample_rate=None, channels=None
    ),
)
"""Re-encode to AAC in M4A at the source's rate and channels: the same output as the copy."""


def run(quick: bool) -> list[BenchRow]:
    """Both media rows, on a generated 30-minute video (2 minutes when `quick`)."""
    seconds = 120 if quick else 1800
    label = f"{seconds // 60} min"
    binary = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="bench-media-") as folder:
        work = Path(folder)
        video = _make_video(binary, work / "interview.mp4", seconds)
        return [
            _extractor_against_plain_ffmpeg(binary, video, work, label, runs=3 if quick else 7),
            _copy_against_reencode(binary, video, work, label, runs=2 if quick else 3),
        ]


def _make_video(binary: str, path: Path, seconds: int) -> Path:
    """A 320x240 5 fps test picture with a pink-noise AAC track, made once per run."""
    print(f"  generating a {seconds} s test video ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            binary,
            "-hide_banner",
            "-nostdin",
            "-nostats",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size=320x240:rate=5:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            str(path),
        ],  # fmt: skip
        check=True,
    )
    return path


def _extractor_against_plain_ffmpeg(
    binary: str, video: Path, work: Path, label: str, runs: int
) -> BenchRow:
    extractor = FfmpegAudioExtractor(ffmpeg_binary=binary, temp_dir=work)
    plain_output = work / "plain.wav"
    plain_command = [
        binary, "-hide_banner", "-nostdin", "-y", "-i", str(video),
        "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(plain_output),
    ]  # fmt: skip

    def plain() -> None:
        subprocess.run(plain_command, stderr=subprocess.DEVNULL, check=True)
        plain_output.unlink()

    def extracted() -> None:
        with extractor.extract(video):
            pass

    ours, theirs = _alternate(extracted, plain, runs)
    ratio = ours.wall / theirs.wall
    return BenchRow(
        benchmark=f"FfmpegAudioExtractor vs plain ffmpeg, {label} video to 16 kHz mono WAV",
        measured=f"{ratio:.3f}x",
        target=f"<= {OVERHEAD_TARGET:.2f}x",
        met=ratio <= OVERHEAD_TARGET,
        detail=(
            f"median wall {ours.wall:.2f} s vs {theirs.wall:.2f} s "
            f"(CPU {ours.cpu:.2f} s vs {theirs.cpu:.2f} s), {runs} alternating runs each"
        ),
    )


def _copy_against_reencode(binary: str, video: Path, work: Path, label: str, runs: int) -> BenchRow:
    copier = FfmpegAudioExtractor(ffmpeg_binary=binary, temp_dir=work, target=TRANSCRIBE_UPLOAD)
    encoder = FfmpegAudioExtractor(ffmpeg_binary=binary, temp_dir=work, target=AAC_REENCODE)
    with copier.extract(video) as audio:
        if audio.codec != "aac" or audio.path.suffix != ".m4a":
            raise RuntimeError(f"expected an AAC stream copy, got {audio.codec} {audio.path}")

    def copy() -> None:
        with copier.extract(video):
            pass

    def reencode() -> None:
        with encoder.extract(video):
            pass

    copied, encoded = _alternate(copy, reencode, runs)
    speedup = encoded.wall / copied.wall
    return BenchRow(
        benchmark=f"Stream copy vs re-encode, {label} AAC video to M4A",
        measured=f"{speedup:.1f}x faster",
        target=f">= {COPY_SPEEDUP_TARGET:.0f}x",
        met=speedup >= COPY_SPEEDUP_TARGET,
        detail=(
            f"median wall {copied.wall:.2f} s vs {encoded.wall:.2f} s "
            f"(CPU {copied.cpu:.2f} s vs {encoded.cpu:.2f} s), {runs} alternating runs each"
        ),
    )


def _alternate(
    first: Callable[[], None], second: Callable[[], None], runs: int
) -> tuple[_Timing, _Timing]:
    """Median times of `first` and `second`, run in turn after one untimed warm-up each."""
    first()
    second()
    samples: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
    for index in range(runs):
        order = ((0, first), (1, second)) if index % 2 == 0 else ((1, second), (0, first))
        for slot, work in order:
            cpu_before = _cpu_seconds()
            started = time.perf_counter()
            work()
            samples[slot].append((time.perf_counter() - started, _cpu_seconds() - cpu_before))
    return _Timing.of(samples[0]), _Timing.of(samples[1])


@dataclass(frozen=True)
class _Timing:
    """Median wall and CPU seconds (this process and its children) of some runs."""

    wall: float
    cpu: float

    @classmethod
    def of(cls, samples: list[tuple[float, float]]) -> _Timing:
        return cls(
            wall=statistics.median(wall for wall, _cpu in samples),
            cpu=statistics.median(cpu for _wall, cpu in samples),
        )


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
