"""Peak memory of single-video on a long generated video: it must not grow with the video."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import imageio_ffmpeg

from bench.rows import BenchRow

LIMIT_MB = 150.0
# Runs the CLI in a fresh interpreter and reports that interpreter's own peak RSS (VmHWM:
# unlike ru_maxrss, it does not carry over the parent's peak on Linux).
_MEASURE = (
    "import sys\n"
    "from entrypoints.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    "print('PEAK_RSS_KB', peak, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def make_video(path: Path, seconds: int) -> None:
    """A long, cheap video: one black frame a second and a quiet tone as AAC."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
            "-y", "-f", "lavfi", "-i", "color=c=black:s=160x90:r=1",
            "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=16000",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
            "-c:a", "aac", "-b:a", "24k", "-ac", "1", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    sidecar = path.with_name(f"{path.stem}.transcript.json")
    sidecar.write_text(
        json.dumps(
            {
                "language": "en",
                "segments": [
                    {"start": 1.0, "end": 3.0, "speaker": "interviewer",
                     "text": "Tell me about yourself?", "words": []},
                    {"start": 3.5, "end": 6.0, "speaker": "candidate",
                     "text": "I build data pipelines and I enjoy it.", "words": []},
                ],
            }
        ),
        encoding="utf-8",
    )  # fmt: skip


def peak_rss_mb(video: Path, output_dir: Path) -> float:
    """Peak RSS of the Python process running single-video with the stub transcriber."""
    env = {
        **os.environ,
        "INTERVIEWS_TRANSCRIBER": "stub",
        "INTERVIEWS_LOG_FILE": str(output_dir / "bench.log"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, "--mode", "single-video", str(video),
         "--output-dir", str(output_dir)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"single-video failed: {done.stderr.strip()[-500:]}")
    line = next(x for x in done.stderr.splitlines() if x.startswith("PEAK_RSS_KB"))
    return int(line.split()[1]) / 1024


def run(quick: bool) -> list[BenchRow]:
    """Compare peak memory on a short and a long video."""
    short_seconds, long_seconds = (60, 600) if quick else (60, 7200)
    with tempfile.TemporaryDirectory(prefix="bench-single-video-") as tmp:
        folder = Path(tmp)
        short, long = folder / "short.mp4", folder / "long.mp4"
        make_video(short, short_seconds)
        make_video(long, long_seconds)
        short_mb = peak_rss_mb(short, folder / "out-short")
        long_mb = peak_rss_mb(long, folder / "out-long")
    return [
        BenchRow(
            f"single-video peak RSS, {long_seconds // 60}-minute video (stub transcriber)",
            f"{long_mb:.0f} MB",
            f"< {LIMIT_MB:.0f} MB",
            long_mb < LIMIT_MB,
            f"{short_mb:.0f} MB on a {short_seconds // 60}-minute video: "
            f"{long_mb - short_mb:+.0f} MB for {long_seconds // short_seconds}x the length",
        )
    ]
