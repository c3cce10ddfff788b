"""The whole offline chain on the four real interviews spoken by two voices, turn by turn,
and the same transcripts read with speaker labels and roles."""

from __future__ import annotations

import os
import sys
import time

import jiwer

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.speaker_diarizer import CamppSpeakerDiarizer
from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from bench.rows import BenchRow
from bench.whisper import CPU_THREADS, _normalise
from interview_core.entities import Transcript
from interview_core.process_video import ProcessVideo
from tests.real_interviews import (
    SPOKEN,
    SpeakerReading,
    TurnScore,
    score_turns,
    speaker_readings,
    spoken_names,
    spoken_turns,
)

TARGET = 0.75
SPEAKERS_RIGHT_TARGET = 0.95
QUICK_NAMES = ("nara_nprc_seibert_2023",)


def run(quick: bool) -> list[BenchRow]:
    """Question recall and precision at turn level, word error rate and speed."""
    names = QUICK_NAMES if quick else tuple(spoken_names())
    chain = ProcessVideo(
        FfmpegAudioExtractor(),
        FasterWhisperTranscriber(
            cpu_threads=CPU_THREADS, diarizer=CamppSpeakerDiarizer(cpu_threads=CPU_THREADS)
        ),
        HeuristicQuestionExtractor(),
        role_finder=HeuristicSpeakerRoleFinder(),
    )
    scores: list[TurnScore] = []
    transcripts: dict[str, Transcript] = {}
    audio_seconds = wall = 0.0
    load_before = os.getloadavg()[0]
    for name in names:
        print(f"  {name} ...", file=sys.stderr, flush=True)
        turns = spoken_turns(name)
        started = time.perf_counter()
        result = chain.execute(SPOKEN / f"{name}.opus")
        wall += time.perf_counter() - started
        transcripts[name] = result.transcript
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
    rows = [
        BenchRow(
            benchmark="Whole offline chain on the real interviews spoken by two espeak-ng voices",
            measured=f"recall {recall:.2f} · precision {precision:.2f} (question turns)",
            target=f">= {TARGET:.2f} each",
            met=recall >= TARGET and precision >= TARGET,
            detail=(
                f"{len(names)} interviews, {audio_seconds:.0f} s of audio through ffmpeg, the "
                "default recogniser with speaker labels, the role finder and the heuristic in "
                f"{wall:.0f} s (real-time factor "
                f"{wall / audio_seconds:.3f}, load average {load_before:.1f}); {per_interview}"
            ),
        )
    ]
    return [*rows, _speakers_row(speaker_readings(transcripts), len(names))]


def _speakers_row(readings: dict[str, SpeakerReading], interviews: int) -> BenchRow:
    """Question turns with speaker labels against without, and questions' speakers right.

    The labels are the recogniser's own when it gives them, else the reference turns'."""
    plain = readings["text only"]
    how = "recognised" if "recognised" in readings else "reference"
    labelled = readings[how]
    met = (
        labelled.recall >= plain.recall
        and labelled.precision >= plain.precision
        and labelled.right >= SPEAKERS_RIGHT_TARGET
    )
    others = "; ".join(
        f"{name}: recall {r.recall:.2f} ({r.turns_found}/{r.question_turns}), precision "
        f"{r.precision:.2f} ({r.right_turns}/{r.found})"
        + (f", speaker right {r.right:.2f}" if name != "text only" else "")
        + f", answer words that are the reply {r.answer_precision:.2f}"
        for name, r in readings.items()
    )
    source = (
        "the chain's own speaker labels"
        if how == "recognised"
        else "speaker labels from the reference turns (the chain labels no speakers)"
    )
    return BenchRow(
        benchmark="Questions with speaker roles on the real interviews spoken by two voices",
        measured=(
            f"recall {labelled.recall:.2f} · precision {labelled.precision:.2f} · question's "
            f"speaker right {labelled.right:.2f} (without speakers: recall {plain.recall:.2f} · "
            f"precision {plain.precision:.2f})"
        ),
        target=(
            "recall and precision no worse than without speakers; question's speaker right "
            f">= {SPEAKERS_RIGHT_TARGET:.2f}"
        ),
        met=met,
        detail=(
            f"{interviews} interviews, the same recognised transcripts read with {source}, "
            f"roles from the heuristic role finder, questions by the heuristic; {others}"
        ),
    )
