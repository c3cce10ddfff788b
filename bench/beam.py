"""Beams of 5 down to 1 (greedy), the default among them: word error rate and CPU, side by side."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import jiwer

from adapters.local.faster_whisper_transcriber import DEFAULT_BEAM_SIZE, FasterWhisperTranscriber
from bench.rows import BenchRow
from bench.whisper import CPU_THREADS, SAMPLE_NAMES, _joined_audio, _normalise, _script_text
from interview_core.entities import AudioFile
from tests.real_interviews import SPOKEN, spoken_names, spoken_turns

BEAMS = (5, 4, 3, 2, 1)
"""The widest first, greedy last; the default (DEFAULT_BEAM_SIZE) is one of them."""
WIDEST = 5
QUICK_NAMES = ("nara_nprc_seibert_2023",)


def run(quick: bool) -> list[BenchRow]:
    """WER and CPU of each beam on the samples and the spoken interviews."""
    transcribers = {beam: FasterWhisperTranscriber(cpu_threads=CPU_THREADS, beam_size=beam)
                    for beam in BEAMS}  # fmt: skip
    for transcriber in transcribers.values():
        transcriber.load()
    names = QUICK_NAMES if quick else tuple(spoken_names())
    said: dict[str, str] = {}
    heard: dict[int, dict[str, str]] = {beam: {} for beam in BEAMS}
    cpu = dict.fromkeys(BEAMS, 0.0)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-beam-") as folder:
        audio: dict[str, AudioFile] = {}
        for sample in SAMPLE_NAMES:
            audio[sample] = _joined_audio((sample,), Path(folder) / f"{sample}.wav")
            said[sample] = _script_text(sample)
        for name in names:
            opus = SPOKEN / f"{name}.opus"
            audio[name] = AudioFile(path=opus, duration=0.0)
            said[name] = " ".join(turn["text"] for turn in spoken_turns(name))
        for name, recording in audio.items():  # each recording by both, one after the other
            print(f"  {name} ...", file=sys.stderr, flush=True)
            for beam, transcriber in transcribers.items():
                started = time.process_time()
                heard[beam][name] = transcriber.transcribe(recording, job_id="beam").text
                cpu[beam] += time.process_time() - started
    load_after = os.getloadavg()[0]
    rates = {beam: _rates(said, heard[beam]) for beam in BEAMS}
    chosen, widest, greedy = rates[DEFAULT_BEAM_SIZE], rates[WIDEST], rates[1]
    default = f"beam {DEFAULT_BEAM_SIZE} (default)"
    return [
        BenchRow(
            f"whisper tiny.en WER, {default} vs beam {WIDEST} vs greedy decoding",
            f"samples {chosen['samples']:.3f} vs {widest['samples']:.3f} vs "
            f"{greedy['samples']:.3f} · spoken interviews {chosen['spoken']:.3f} vs "
            f"{widest['spoken']:.3f} vs {greedy['spoken']:.3f}",
            f"the default no worse than beam {WIDEST} on either set (+0.005), for less CPU",
            chosen["samples"] <= widest["samples"] + 0.005
            and chosen["spoken"] <= widest["spoken"] + 0.005
            and cpu[DEFAULT_BEAM_SIZE] <= cpu[WIDEST],
            f"CPU {cpu[DEFAULT_BEAM_SIZE]:.0f} s vs {cpu[WIDEST]:.0f} s vs {cpu[1]:.0f} s "
            "(both decoders as `auto` picks them, 2 threads); WER over all the words of each "
            f"set; per recording, {default} vs beam {WIDEST} vs greedy: "
            + ", ".join(
                f"{name} {_wer(said[name], heard[DEFAULT_BEAM_SIZE][name]):.3f} vs "
                f"{_wer(said[name], heard[WIDEST][name]):.3f} vs "
                f"{_wer(said[name], heard[1][name]):.3f}"
                for name in said
            )
            + f"; load average {load_before:.1f} -> {load_after:.1f}",
        ),
        BenchRow(
            "whisper tiny.en, every beam from 5 to 1: WER (samples / spoken interviews) and CPU",
            " · ".join(
                f"beam {beam} {rates[beam]['samples']:.3f} / {rates[beam]['spoken']:.3f}, "
                f"{cpu[beam] / cpu[DEFAULT_BEAM_SIZE]:.2f}x CPU"
                for beam in BEAMS
            ),
            "for choosing INTERVIEWS_WHISPER_BEAM_SIZE",
            True,
            "the same recordings, each decoded by every beam one after the other; CPU relative "
            f"to the default, beam {DEFAULT_BEAM_SIZE} ({cpu[DEFAULT_BEAM_SIZE]:.0f} s)",
        ),
    ]


def _rates(said: dict[str, str], heard: dict[str, str]) -> dict[str, float]:
    samples = [name for name in said if name in SAMPLE_NAMES]
    spoken = [name for name in said if name not in SAMPLE_NAMES]
    return {
        "samples": _wer(" ".join(said[n] for n in samples), " ".join(heard[n] for n in samples)),
        "spoken": _wer(" ".join(said[n] for n in spoken), " ".join(heard[n] for n in spoken)),
    }


def _wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(_normalise(reference), _normalise(hypothesis)))
