"""Quiet recordings: WER of the spoken interviews as recorded, and 10 and 20 dB quieter, with
quiet speech raised (the default) and as given, side by side."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import jiwer

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from bench.rows import BenchRow
from bench.whisper import CPU_THREADS, _normalise
from interview_core.entities import AudioFile
from tests.real_interviews import SPOKEN, quieter_copy, spoken_names, spoken_turns

QUIETER_DB = (0.0, 10.0, 20.0)
"""The levels each recording is heard at, in dB below the committed recording."""
QUICK_NAMES = ("nara_nprc_mcguire_2023",)
TOLERANCE = 0.01
"""How much worse than as recorded a quieter copy may be heard, pooled over the set."""


def run(quick: bool) -> list[BenchRow]:
    """Pooled WER at each level, raised and as given, and the CPU each took."""
    transcribers = {
        "raised": FasterWhisperTranscriber(cpu_threads=CPU_THREADS),
        "as given": FasterWhisperTranscriber(cpu_threads=CPU_THREADS, raise_quiet_speech=False),
    }
    for transcriber in transcribers.values():
        transcriber.load()
    names = QUICK_NAMES if quick else tuple(spoken_names())
    said = {name: " ".join(turn["text"] for turn in spoken_turns(name)) for name in names}
    heard: dict[tuple[str, float], dict[str, str]] = {}
    cpu = dict.fromkeys(transcribers, 0.0)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-quiet-") as folder:
        for name in names:
            for quieter in QUIETER_DB:
                print(f"  {name} {quieter:.0f} dB quieter ...", file=sys.stderr, flush=True)
                wav = quieter_copy(SPOKEN / f"{name}.opus", quieter, Path(folder) / f"{name}.wav")
                audio = AudioFile(path=wav, duration=0.0)
                for kind, transcriber in transcribers.items():  # side by side
                    started = time.process_time()
                    text = transcriber.transcribe(audio, job_id="quiet").text
                    cpu[kind] += time.process_time() - started
                    heard.setdefault((kind, quieter), {})[name] = text
    load_after = os.getloadavg()[0]
    rate = {key: _pooled(said, texts) for key, texts in heard.items()}
    recorded = rate["raised", 0.0]
    met = all(rate["raised", quieter] <= recorded + TOLERANCE for quieter in QUIETER_DB)
    return [
        BenchRow(
            "whisper tiny.en WER on quiet recordings, quiet speech raised (default) vs as given",
            " · ".join(
                f"{quieter:.0f} dB quieter {rate['raised', quieter]:.3f} vs "
                f"{rate['as given', quieter]:.3f}"
                for quieter in QUIETER_DB
            ),
            f"raised: no worse than as recorded (+{TOLERANCE}) at every level",
            met,
            f"the spoken interviews ({len(names)}, 16-bit 16 kHz copies made quieter by "
            f"ffmpeg), each heard by both one after the other; CPU {cpu['raised']:.0f} s vs "
            f"{cpu['as given']:.0f} s; load average {load_before:.1f} -> {load_after:.1f}",
        )
    ]


def _pooled(said: dict[str, str], heard: dict[str, str]) -> float:
    """WER over all the words of the set."""
    names = sorted(said)
    reference = _normalise(" ".join(said[name] for name in names))
    hypothesis = _normalise(" ".join(heard[name] for name in names))
    return float(jiwer.wer(reference, hypothesis))
