"""The offline question finder's cost on a long recording: seconds of work per hour of audio."""

from __future__ import annotations

import time
from pathlib import Path

import attrs

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.transcripts.native import read_transcript
from bench.rows import BenchRow
from interview_core.entities import Segment, Transcript

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "interview" / "interview.transcript.json"
TARGET_SECONDS_PER_HOUR = 0.5


def _tiled(transcript: Transcript, hours: float) -> Transcript:
    """The sample's segments repeated, shifted in time, until `hours` of speech."""
    length = transcript.duration or max(segment.end for segment in transcript.segments)
    copies = max(1, round(hours * 3600 / length))
    segments: list[Segment] = []
    for copy in range(copies):
        shift = copy * length
        for segment in transcript.segments:
            words = tuple(
                attrs.evolve(word, start=word.start + shift, end=word.end + shift)
                for word in segment.words
            )
            segments.append(
                attrs.evolve(
                    segment, start=segment.start + shift, end=segment.end + shift, words=words
                )
            )
    return Transcript(tuple(segments), transcript.language, copies * length)


def run(quick: bool) -> list[BenchRow]:
    """Find the questions in a two-hour transcript (the bundled sample, tiled), best of three."""
    hours = 0.5 if quick else 2.0
    transcript = _tiled(read_transcript(SAMPLE), hours)
    extractor = HeuristicQuestionExtractor()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        found = extractor.extract(transcript)
        timings.append(time.perf_counter() - started)
    audio_hours = (transcript.duration or 0.0) / 3600
    per_hour = min(timings) / audio_hours
    return [
        BenchRow(
            "HeuristicQuestionExtractor on a long transcript",
            f"{per_hour:.3f} s per hour of audio",
            f"<= {TARGET_SECONDS_PER_HOUR} s/h",
            per_hour <= TARGET_SECONDS_PER_HOUR,
            f"{audio_hours:.1f} h, {len(transcript.segments)} segments, {len(found)} questions;"
            f" best of 3 runs {min(timings):.3f} s",
        )
    ]
