"""ProcessInterview's own cost: interviews per second with instant in-memory adapters."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.stub_transcriber import StubTranscriber
from bench.rows import BenchRow
from interview_core.entities import AudioFile, ExtractedQuestion, Interview, Segment, Transcript
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome
from interview_core.usage import UsageMeter

TARGET_PER_SECOND = 2000.0
QUESTIONS = [
    ExtractedQuestion(
        f"Question {n}?", f"Answer {n}.", "", "general", False, n * 10.0, n * 10.0 + 3
    )
    for n in range(8)
]


class InstantVideoStore:
    """Hands out a path without touching the disk."""

    @contextmanager
    def fetch(self, location: str) -> Iterator[Path]:
        yield Path(location)


class InstantAudioExtractor:
    """Pretends the audio was extracted."""

    @contextmanager
    def extract(self, video: Path) -> Iterator[AudioFile]:
        yield AudioFile(path=video, duration=60.0, source=video)


class FixedQuestionExtractor:
    """Returns the same eight questions."""

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        return list(QUESTIONS)


def run(quick: bool) -> list[BenchRow]:
    """Process many interviews end to end through the use case and in-memory adapters."""
    count = 2000 if quick else 20000
    repository = InMemoryInterviewRepository()
    ids = [str(uuid.uuid4()) for _ in range(count)]
    for interview_id in ids:
        repository.add(Interview(id=interview_id, video_path=f"videos/{interview_id}.mp4"))
    # the transcript says every question, so the use case's grounding keeps all eight
    transcript = Transcript(
        tuple(Segment(q.question, q.start_time or 0.0, q.end_time or 0.0) for q in QUESTIONS)
    )
    use_case = ProcessInterview(
        repository,
        InstantVideoStore(),
        InstantAudioExtractor(),
        StubTranscriber(transcript),
        FixedQuestionExtractor(),
    )
    started = time.perf_counter()
    outcomes = [use_case.execute(interview_id).outcome for interview_id in ids]
    elapsed = time.perf_counter() - started
    assert all(outcome is Outcome.COMPLETED for outcome in outcomes)
    rate = count / elapsed
    return [
        BenchRow(
            "ProcessInterview with in-memory fakes (one core)",
            f"{rate:,.0f} interviews/s",
            f">= {TARGET_PER_SECOND:,.0f}/s",
            rate >= TARGET_PER_SECOND,
            f"{count} interviews, 8 questions each; {elapsed / count * 1e6:.0f} µs per interview",
        )
    ]
