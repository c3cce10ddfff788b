"""A whole offline run on a 4-hour spoken recording: peak memory, speed and CPU per audio hour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import jiwer

from adapters.local.audio_windows import audio_seconds
from bench.rows import BenchRow
from bench.whisper import _normalise
from tests.real_interviews import SPOKEN, spoken_names, spoken_turns

LIMIT_MB = 1024.0
LONGEST_SECONDS = 4 * 3600 - 10
"""Just under INTERVIEWS_MAX_MEDIA_SECONDS' default, the longest recording a run accepts."""
QUICK_SECONDS = 1400
# Runs the CLI in a fresh interpreter and reports its own peak RSS (VmHWM) and the CPU time
# of the interpreter and of the ffmpeg it ran.
_MEASURE = (
    "import resource, sys\n"
    "from entrypoints.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    "own = resource.getrusage(resource.RUSAGE_SELF)\n"
    "kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime\n"
    "print('PEAK_RSS_KB', peak, 'CPU_SECONDS', cpu, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def build_recording(destination: Path, seconds: int) -> list[str]:
    """The committed spoken interviews end to end, repeated, cut at `seconds` (Opus, copied
    without re-encoding); the names in the order they are heard, each repeat complete."""
    names = spoken_names()
    repeats = int(seconds // sum(_seconds(name) for name in names)) + 1
    playlist = destination.with_suffix(".txt")
    playlist.write_text(
        "".join(f"file '{SPOKEN / name}.opus'\n" for _ in range(repeats) for name in names),
        encoding="utf-8",
    )
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
         "-y", "-f", "concat", "-safe", "0", "-i", str(playlist), "-t", str(seconds),
         "-c", "copy", str(destination)],
        check=True, timeout=600,
    )  # fmt: skip
    return [name for _ in range(repeats) for name in names]


def measured_run(
    recording: Path, output_dir: Path, settings: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Peak RSS (MB), wall seconds and CPU seconds of `ai-interviews --mode single-video`
    with default settings, or with `settings` (environment variables) on top."""
    peak, wall, cpu, _ = measured_cli_run(recording, output_dir, settings)
    return peak, wall, cpu


def measured_cli_run(
    recording: Path, output_dir: Path, settings: dict[str, str] | None = None
) -> tuple[float, float, float, str]:
    """As `measured_run`, and the CLI's first line of output (its summary, with the time of
    each stage)."""
    env = {
        **os.environ,
        "INTERVIEWS_LOG_FILE": str(output_dir.with_suffix(".log")),
        **(settings or {}),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, "--mode", "single-video", str(recording),
         "--output-dir", str(output_dir)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"single-video failed: {done.stderr.strip()[-500:]}")
    line = next(x for x in done.stderr.splitlines() if x.startswith("PEAK_RSS_KB")).split()
    summary = next(iter(done.stdout.splitlines()), "")
    return int(line[1]) / 1024, wall, float(line[3]), summary


def word_error_rate(output_dir: Path, names: list[str], seconds: float) -> float:
    """WER of the run's transcript against the turns spoken in the first `seconds`."""
    transcript = json.loads((output_dir / "transcript.json").read_text(encoding="utf-8"))
    heard = " ".join(segment["text"] for segment in transcript["segments"])
    said, at = [], 0.0
    for name in names:
        turns = spoken_turns(name)
        said += [turn["text"] for turn in turns if at + float(turn["end"]) <= seconds]
        at += _seconds(name)
    return float(jiwer.wer(_normalise(" ".join(said)), _normalise(heard)))


def run(quick: bool) -> list[BenchRow]:
    """Peak memory of the whole offline run on the longest recording allowed, and its speed."""
    seconds = QUICK_SECONDS if quick else LONGEST_SECONDS
    with tempfile.TemporaryDirectory(prefix="bench-long-recording-") as tmp:
        folder = Path(tmp)
        recording = folder / "spoken.ogg"
        names = build_recording(recording, seconds)
        load_before = os.getloadavg()[0]
        print(f"  one offline run on {seconds / 3600:.1f} h of speech ...", file=sys.stderr)
        peak_mb, wall, cpu = measured_run(recording, folder / "out")
        load_after = os.getloadavg()[0]
        error_rate = word_error_rate(folder / "out", names, seconds)
    hours = seconds / 3600
    return [
        BenchRow(
            f"single-video peak RSS, {hours:.1f} h spoken recording (default recogniser)",
            f"{peak_mb:.0f} MB; real-time factor {wall / seconds:.3f}",
            f"< {LIMIT_MB:.0f} MB",
            peak_mb < LIMIT_MB,
            f"the committed spoken interviews repeated ({seconds} s of Opus): {wall:.0f} s "
            f"wall, {cpu:.0f} s CPU ({cpu / hours:.0f} CPU s per audio hour, ffmpeg "
            f"included); WER {error_rate:.3f} against the spoken turns; load average "
            f"{load_before:.1f} -> {load_after:.1f}",
        )
    ]


def _seconds(name: str) -> float:
    return audio_seconds(SPOKEN / f"{name}.opus", 0.0)
