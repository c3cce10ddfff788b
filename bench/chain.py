"""The whole offline chain on the four real interviews spoken by two voices, turn by turn."""

from __future__ import annotations

import os
import sys
import time

import jiwer

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from bench.rows import BenchRow
from bench.whisper import CPU_THREADS, _normalise
from interview_core.process_video import ProcessVideo
from tests.real_interviews import SPOKEN, TurnScore, score_turns, spoken_names, spoken_turns

TARGET = 0.75
QUICK_NAMES = ("nara_nprc_seibert_2023",)


def run(quick: bool) -> list[BenchRow]:
    """Question recall and precision at turn level, word error rate and speed."""
    names = QUICK_NAMES if quick else tuple(spoken_names())
    chain = ProcessVideo(
        FfmpegAudioExtractor(),
        FasterWhisperTranscriber(cpu_threads=CPU_THREADS),
        HeuristicQuestionExtractor(),
    )
    scores: list[TurnScore] = []
    audio_seconds = wall = 0.0
    load_before = os.getloadavg()[0]
    for name in names:
        print(f"  {name} ...", file=sys.stderr, flush=True)
        turns = spoken_turns(name)
        started = time.perf_counter()
        result = chain.execute(SPOKEN / f"{name}.opus")
        wall += time.perf_counter() - started
        audio_seconds += result.transcript.duration or 0.0
        said = _normalise(" ".join(turn["text"] for turn in turns))
        spans = [(q.start_time or 0.0, q.end_time or 0.0) for q in result.questions]
        wer = jiwer.wer(said, _normalise(result.transcript.text))
        scores.append(score_turns(spans, turns, wer))
    question_turns = sum(s.question_turns for s in scores)
    recall = sum(s.turns_found for s in scores) / question_turns
    found = sum(s.found for s in scores)
    precision = sum(s.right for s in scores) / found if found else 1.0
    per_interview = "; ".join(
        f"{name} {s.turns_found}/{s.question_turns} found, {s.right}/{s.found} right, "
        f"WER {s.word_error_rate:.3f}"
        for name, s in zip(names, scores, strict=True)
    )
    return [
        BenchRow(
            benchmark="Whole offline chain on the real interviews spoken by two espeak-ng voices",
            measured=f"recall {recall:.2f} · precision {precision:.2f} (question turns)",
            target=f">= {TARGET:.2f} each",
            met=recall >= TARGET and precision >= TARGET,
            detail=(
                f"{len(names)} interviews, {audio_seconds:.0f} s of audio through ffmpeg, the "
                f"default recogniser and the heuristic in {wall:.0f} s (real-time factor "
                f"{wall / audio_seconds:.3f}, load average {load_before:.1f}); {per_interview}"
            ),
        )
    ]
