"""The offline redactor's cost on a long recording: seconds of work per hour of audio."""

from __future__ import annotations

import time

import attrs

from adapters.local.pii_redactor import PatternPiiRedactor
from adapters.transcripts.native import read_transcript
from bench.heuristic import SAMPLE, _tiled
from bench.rows import BenchRow
from interview_core.entities import Segment, Transcript, Word
from interview_core.personal_data import count_redactions

TARGET_SECONDS_PER_HOUR = 2.0
DETAILS = "Mail jane.doe@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111."


def _with_details(transcript: Transcript, every: int) -> Transcript:
    """Every `every`-th segment given a sentence of personal details, in text and words."""
    segments: list[Segment] = []
    for index, segment in enumerate(transcript.segments):
        if index % every == 0:
            step = (segment.end - segment.start) / len(DETAILS.split())
            words = tuple(
                Word(text, segment.start + n * step, segment.start + (n + 1) * step)
                for n, text in enumerate(DETAILS.split())
            )
            segment = attrs.evolve(segment, text=DETAILS, words=words)
        segments.append(segment)
    return attrs.evolve(transcript, segments=tuple(segments))


def run(quick: bool) -> list[BenchRow]:
    """Redact a four-hour transcript (the sample, tiled; one segment in ten with an e-mail,
    a phone and a card number), best of three."""
    hours = 0.5 if quick else 4.0
    transcript = _with_details(_tiled(read_transcript(SAMPLE), hours), every=10)
    redactor = PatternPiiRedactor()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        redacted = redactor.redact(transcript)
        timings.append(time.perf_counter() - started)
    audio_hours = (transcript.duration or 0.0) / 3600
    per_hour = min(timings) / audio_hours
    words = sum(len(segment.words) for segment in transcript.segments)
    found = sum(count for _, count in count_redactions(redacted))
    return [
        BenchRow(
            "PatternPiiRedactor on a long transcript",
            f"{per_hour:.3f} s per hour of audio",
            f"<= {TARGET_SECONDS_PER_HOUR} s/h",
            per_hour <= TARGET_SECONDS_PER_HOUR,
            f"{audio_hours:.1f} h, {len(transcript.segments)} segments, {words} words, "
            f"{found} values redacted; best of 3 runs {min(timings):.3f} s",
        )
    ]
