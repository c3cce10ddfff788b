"""One recognition worker's time per 30 s chunk: the encoder, and beam search by batch."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from adapters.local.chunkwise_encoding import ChunkwiseEncoding
from adapters.local.speech_activity import SpeechActivity, recogniser_vad_options, speech_only
from adapters.local.whisper_models import bundled_model_folder
from bench.rows import BenchRow
from tests.real_interviews import SPOKEN, spoken_names

FULL_CHUNKS = 16
QUICK_CHUNKS = 4
BATCHES = (2, 4, 8)
BEAMS = (5, 1)


def run(quick: bool) -> list[BenchRow]:
    """CPU seconds per chunk on one thread: encoding chunk by chunk against the whole batch at
    once, and beam search (beam 5 and greedy) at several batch sizes, with the peak memory
    each adds."""
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import pad_or_trim

    from adapters.local.audio_windows import read_blocks

    model = WhisperModel(
        str(bundled_model_folder()), device="cpu", compute_type="int8", cpu_threads=1
    )
    wanted = QUICK_CHUNKS if quick else FULL_CHUNKS
    pieces: list[Any] = []
    for name in spoken_names():  # speech chunks of the spoken interviews, in order
        samples = np.concatenate(list(read_blocks(SPOKEN / f"{name}.opus")))
        activity = SpeechActivity.heard(samples)
        speech = speech_only(samples, activity.chunks(recogniser_vad_options(batched=True)))
        pieces += [
            speech.samples[round(clip["start"] * 16_000) : round(clip["end"] * 16_000)]
            for clip in speech.clips
        ]
    pieces = pieces[:wanted]
    features = np.stack([pad_or_trim(model.feature_extractor(p)[..., :-1]) for p in pieces])
    count = len(features)
    load_before = os.getloadavg()[0]

    whole = _per_chunk(
        count, lambda: [model.encode(features[a : a + 4]) for a in range(0, count, 4)]
    )
    chunkwise = ChunkwiseEncoding(model)
    one_by_one = _per_chunk(
        count, lambda: [chunkwise.encode(features[a : a + 4]) for a in range(0, count, 4)]
    )
    encoded = np.asarray(chunkwise.encode(features))
    tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
    prompt = model.get_prompt(tokenizer, [], without_timestamps=False)
    searched: dict[tuple[int, int], tuple[float, float]] = {}
    for beam in BEAMS:
        for batch in BATCHES:
            searched[beam, batch] = _searched(model, encoded, prompt, beam, batch)
    load_after = os.getloadavg()[0]
    search_text = " · ".join(
        f"beam {beam}: "
        + ", ".join(
            f"batch {batch} {searched[beam, batch][0]:.2f} s (+{searched[beam, batch][1]:.0f} MB)"
            for batch in BATCHES
        )
        for beam in BEAMS
    )
    return [
        BenchRow(
            "whisper tiny.en per 30 s chunk on one thread: encoder chunk by chunk vs four at "
            "once; beam search by batch (peak memory it adds)",
            f"encoder {one_by_one:.2f} s vs {whole:.2f} s · {search_text}",
            "chunk by chunk no slower than the whole batch",
            one_by_one <= whole * 1.05,
            f"the first {count} speech chunks of the spoken interviews, int8, CPU seconds per "
            "chunk; memory from VmHWM reset before each batch size; load average "
            f"{load_before:.1f} -> {load_after:.1f}",
        )
    ]


def _per_chunk(count: int, work: Callable[[], Any]) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) / count


def _searched(
    model: Any, encoded: Any, prompt: list[int], beam: int, batch: int
) -> tuple[float, float]:
    """CPU seconds per chunk and MB of peak memory added by beam search over `encoded`."""
    import ctranslate2

    base = _reset_peak()
    started = time.process_time()
    for at in range(0, len(encoded), batch):
        part = np.ascontiguousarray(encoded[at : at + batch])
        model.model.generate(
            ctranslate2.StorageView.from_array(part),
            [prompt] * len(part),
            beam_size=beam,
            max_length=model.max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_tokens=[-1],
        )
    seconds = (time.process_time() - started) / len(encoded)
    return seconds, max(0.0, _peak_mb() - base)


def _reset_peak() -> float:
    """Hand freed memory back, then reset this process's peak RSS to its current RSS
    (Linux); the RSS in MB."""
    from adapters.local.process_memory import return_freed_memory

    return_freed_memory()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _peak_mb()


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
