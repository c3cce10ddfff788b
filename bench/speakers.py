"""Offline speaker labels: DER, speed and peak memory on a real meeting and long concatenations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

from adapters.local.audio_windows import read_blocks
from bench.rows import BenchRow
from tests.real_interviews import SPOKEN, spoken_names, spoken_turns
from tests.speaker_scoring import Turn, der, read_rttm

REPO = Path(__file__).resolve().parents[1]
AMI = REPO / "tests/fixtures/real/audio/ami_meeting_excerpt_60s"
TECHNICAL = REPO / "samples/technical"
RATE = 16_000
LONG_SECONDS = 70 * 60
LIMIT_MB = 1024.0
AUDIBLE_SECONDS = 5.0
"""A voice that speaks less than this in all (the AMI excerpt's fourth, 1.2 s) is under the
four prints a speaker needs, and is not counted as one to find."""
# Diarizes a file in a fresh interpreter, window by window as the transcriber does, and
# prints the turns, wall and CPU seconds, and its own peak RSS (VmHWM).
_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from adapters.local.audio_windows import WindowShape, read_blocks, windows
from adapters.local.speaker_diarizer import CamppSpeakerDiarizer
diarizer = CamppSpeakerDiarizer()
diarizer.load()
started = time.perf_counter()
tracker = diarizer.tracker()
for window in windows(read_blocks(Path(sys.argv[1])), WindowShape()):
    tracker.listen(window.samples, window.offset, keep_from=window.keep_from,
                   keep_until=window.keep_until)
turns = tracker.turns()
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))
print(json.dumps({"turns": [[t.start, t.end, t.speaker] for t in turns], "wall": wall,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": int(peak) / 1024}))
"""


def diarized(path: Path) -> dict[str, object]:
    """The turns, wall and CPU seconds (model load excluded) and peak RSS of one run."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True, text=True, check=True, timeout=3600,
    )  # fmt: skip
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def concatenation(destination: Path, seconds: float, *, with_technical: bool) -> list[Turn]:
    """The spoken real interviews end to end (two voices), each followed by the technical
    sample when `with_technical` (two more voices), repeated up to `seconds`, as a 16 kHz
    wav; the reference turns, voices named by their espeak-ng voice."""
    pieces: list[tuple[np.ndarray, list[Turn]]] = []
    for name in spoken_names():
        voices = {"interviewer": "m1", "candidate": "f2"}
        turns = [(t["start"], t["end"], voices[t["speaker"]]) for t in spoken_turns(name)]
        pieces.append((np.concatenate(list(read_blocks(SPOKEN / f"{name}.opus"))), turns))
        if with_technical:
            script = json.loads((TECHNICAL / "script.json").read_text(encoding="utf-8"))
            voices = {"interviewer": "m4", "candidate": "f3"}
            turns = [(t["start"], t["end"], voices[t["speaker"]]) for t in script["turns"]]
            audio = np.concatenate(list(read_blocks(TECHNICAL / "technical.mp4")))
            pieces.append((audio, turns))
    reference: list[Turn] = []
    at = 0
    with wave.open(str(destination), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        while at < seconds * RATE:
            for audio, turns in pieces:
                if at >= seconds * RATE:
                    break
                out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
                reference += [(s + at / RATE, e + at / RATE, who) for s, e, who in turns]
                at += len(audio)
    return reference


def run(quick: bool) -> list[BenchRow]:
    """DER, speed and memory of speaker labelling on the AMI excerpt and long recordings."""
    rows = []
    load = os.getloadavg()[0]
    ami = diarized(AMI.with_suffix(".wav"))
    rows.append(
        _row(
            "AMI meeting excerpt (60 s, 4 voices)",
            60.0,
            read_rttm(AMI.with_suffix(".rttm")),
            ami,
            0.10,
            load,
        )
    )
    seconds = 1400.0 if quick else float(LONG_SECONDS)
    with tempfile.TemporaryDirectory(prefix="bench-speakers-") as tmp:
        for with_technical in (False, True):
            path = Path(tmp) / "long.wav"
            reference = concatenation(path, seconds, with_technical=with_technical)
            length = reference[-1][1]
            print(f"  speaker labels on {length / 60:.0f} min ...", file=sys.stderr)
            load = os.getloadavg()[0]
            result = diarized(path)
            voices = len(_heard_voices(reference))
            what = "spoken interviews" + (" and the technical sample" if with_technical else "")
            rows.append(
                _row(f"{what} end to end ({length / 60:.0f} min, {voices} voices)", length,
                     reference, result, 0.10, load)
            )  # fmt: skip
    return rows


def _heard_voices(reference: list[Turn]) -> set[str]:
    spoken: dict[str, float] = {}
    for start, end, who in reference:
        spoken[who] = spoken.get(who, 0.0) + end - start
    return {who for who, seconds in spoken.items() if seconds >= AUDIBLE_SECONDS}


def _row(
    what: str, seconds: float, reference: list[Turn], result: dict[str, object],
    target: float, load: float,
) -> BenchRow:  # fmt: skip
    turns = [tuple(turn) for turn in result["turns"]]  # type: ignore[attr-defined]
    error = der(reference, turns)  # type: ignore[arg-type]
    found = len({turn[2] for turn in turns})
    voices = len(_heard_voices(reference))
    wall, cpu, peak = float(result["wall"]), float(result["cpu"]), float(result["peak_mb"])  # type: ignore[arg-type]
    return BenchRow(
        f"speaker labels: {what}",
        f"DER {error:.3f}; {found} speakers found for {voices} voices; real-time factor "
        f"{wall / seconds:.3f}; peak {peak:.0f} MB",
        f"DER <= {target:.2f}, speaker count right, < {LIMIT_MB:.0f} MB",
        error <= target and found == voices and peak < LIMIT_MB,
        f"0.25 s collar; voices that speak {AUDIBLE_SECONDS:.0f} s or more counted; "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU ({cpu / seconds * 3600:.0f} CPU s "
        f"per audio hour, decoding included, model load excluded); 6-minute windows, one "
        f"clustering; load average {load:.1f}",
    )
