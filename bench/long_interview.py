"""The whole offline chain on a 70-minute interview, speakers off and on: speed, memory, WER."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.long_recording import build_recording, measured_cli_run, word_error_rate
from bench.rows import BenchRow

SECONDS = 70 * 60
QUICK_SECONDS = 600
WALL_TARGET_SECONDS = 90.0
LIMIT_MB = 1024.0
RUNS = {
    "off": {"INTERVIEWS_DIARIZATION": "off"},
    "on": {},
    "on, one worker": {"INTERVIEWS_WHISPER_WORKERS": "1"},
}
"""Speakers off, then on (the default), then on with one recognition worker on both threads
(the default is one worker per thread)."""
_TRANSCRIBED = re.compile(r"s of audio in [\d.]+ s \((?P<parts>[^)]*)\)")
_STAGES = re.compile(r"in [\d.]+s \((?P<stages>[^)]*)\)")


@dataclass(frozen=True)
class ChainRun:
    """One offline run: what it cost and what it heard."""

    wall: float
    cpu: float
    peak_mb: float
    error_rate: float
    speakers: int
    stages: str
    """The CLI's time per stage, then the transcriber's time per part."""


def run(quick: bool) -> list[BenchRow]:
    """The chain with speakers off and on, and on with one worker: one run each, one after
    the other."""
    seconds = QUICK_SECONDS if quick else SECONDS
    runs: dict[str, ChainRun] = {}
    with tempfile.TemporaryDirectory(prefix="bench-long-interview-") as tmp:
        folder = Path(tmp)
        recording = folder / "spoken.ogg"
        names = build_recording(recording, seconds)
        load_before = os.getloadavg()[0]
        for name, settings in RUNS.items():
            print(f"  {seconds / 60:.0f} min, speakers {name} ...", file=sys.stderr, flush=True)
            runs[name] = _chain_run(recording, folder / f"out-{name}", settings, names, seconds)
        load_after = os.getloadavg()[0]
    on, off, single = runs["on"], runs["off"], runs["on, one worker"]
    minutes = f"{seconds / 60:.0f}-minute"
    where = (
        f"the committed spoken interviews repeated ({seconds} s of Opus) through "
        "`ai-interviews --mode single-video`, default settings, in a fresh interpreter each; "
        f"load average {load_before:.1f} -> {load_after:.1f} (2 cores shared with other work: "
        "compare the two runs, measured one after the other)"
    )
    return [
        BenchRow(
            f"Whole offline chain on a {minutes} interview, speakers on vs off",
            f"on {on.wall:.0f} s (real-time factor {on.wall / seconds:.3f}) · off "
            f"{off.wall:.0f} s ({off.wall / seconds:.3f}); speakers cost {on.wall / off.wall:.2f}x",
            f"<= {WALL_TARGET_SECONDS:.0f} s with speakers",
            on.wall <= WALL_TARGET_SECONDS,
            f"on: {on.cpu:.0f} s CPU, {on.stages}, {on.speakers} speakers, WER "
            f"{on.error_rate:.3f}; off: {off.cpu:.0f} s CPU, {off.stages}, WER "
            f"{off.error_rate:.3f}; {where}",
        ),
        BenchRow(
            f"Peak RSS of the whole offline chain on a {minutes} interview, speakers on vs off",
            f"on {on.peak_mb:.0f} MB · off {off.peak_mb:.0f} MB · on with one worker "
            f"{single.peak_mb:.0f} MB",
            f"<= {LIMIT_MB:.0f} MB",
            max(on.peak_mb, off.peak_mb, single.peak_mb) <= LIMIT_MB,
            f"VmHWM of the CLI's interpreter, same runs; {where}",
        ),
        BenchRow(
            f"Whole offline chain on a {minutes} interview, speakers on: one recognition "
            "worker per thread vs one worker on both threads",
            f"{on.wall:.0f} s vs {single.wall:.0f} s ({on.wall / single.wall:.2f}x the wall "
            f"time); CPU {on.cpu:.0f} s vs {single.cpu:.0f} s",
            "faster, same words",
            on.wall < single.wall and on.error_rate <= single.error_rate + 0.002,
            f"INTERVIEWS_WHISPER_WORKERS unset (2 workers of 1 thread) vs 1 (1 worker of 2 "
            f"threads); WER {on.error_rate:.3f} vs {single.error_rate:.3f}; one worker: "
            f"{single.stages}; {where}",
        ),
    ]


def _chain_run(
    recording: Path, output_dir: Path, settings: dict[str, str], names: list[str], seconds: float
) -> ChainRun:
    peak, wall, cpu, summary = measured_cli_run(recording, output_dir, settings)
    transcript = json.loads((output_dir / "transcript.json").read_text(encoding="utf-8"))
    speakers = {s.get("speaker") for s in transcript["segments"]} - {None}
    log = output_dir.with_suffix(".log").read_text(encoding="utf-8")
    stages = _STAGES.search(summary)
    parts = _TRANSCRIBED.search(log)
    return ChainRun(
        wall=wall,
        cpu=cpu,
        peak_mb=peak,
        error_rate=word_error_rate(output_dir, names, seconds),
        speakers=len(speakers),
        stages=(
            f"stages {stages['stages'] if stages else 'unparsed'} "
            f"(transcribe: {parts['parts'] if parts else 'unparsed'})"
        ),
    )
