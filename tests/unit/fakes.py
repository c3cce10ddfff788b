"""Spies for the media ports and a repository wrapper, told to fail at a chosen step."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import attrs

from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.memory_stage_store import InMemoryStageStore
from interview_core.entities import (
    AudioFile,
    ExtractedQuestion,
    Interview,
    KeptQuestions,
    Question,
    Segment,
    Transcript,
)
from interview_core.ports import ProgressCallback
from interview_core.usage import ModelUsage, UsageMeter


class Faults:
    """Errors a fake raises on its next calls: one-off errors first, then a standing one."""

    def __init__(self) -> None:
        self._once: list[BaseException] = []
        self._always: BaseException | None = None

    def fail(self, error: BaseException, *, times: int | None = 1) -> None:
        """Raise `error` on the next `times` calls, or on every call when `times` is None."""
        if times is None:
            self._always = error
        else:
            self._once.extend([error] * times)

    def clear(self) -> None:
        """Stop failing."""
        self._once.clear()
        self._always = None

    def check(self) -> None:
        """Raise the next planned error, if any."""
        if self._once:
            raise self._once.pop(0)
        if self._always is not None:
            raise self._always


class SpyVideoStore:
    """Hands out one local path for any location and records what was fetched and closed."""

    def __init__(self, path: Path = Path("/videos/interview.mp4")) -> None:
        self.path = path
        self.faults = Faults()
        self.fetched: list[str] = []
        self.closed = 0

    @contextmanager
    def fetch(self, location: str) -> Iterator[Path]:
        self.faults.check()
        self.fetched.append(location)
        try:
            yield self.path
        finally:
            self.closed += 1


class SpyAudioExtractor:
    """Pretends to extract audio of `duration` seconds and records the videos and cleanups."""

    def __init__(self, duration: float = 42.0) -> None:
        self.duration = duration
        self.faults = Faults()
        self.extracted: list[Path] = []
        self.closed = 0

    @contextmanager
    def extract(self, video: Path) -> Iterator[AudioFile]:
        self.faults.check()
        self.extracted.append(video)
        try:
            yield AudioFile(path=video.with_suffix(".wav"), duration=self.duration, source=video)
        finally:
            self.closed += 1


class SpyTranscriber:
    """Returns a configured transcript, reports progress, and records each call.

    `during`, when set, runs inside each call: a test uses it to move a clock or let
    another worker act while transcription is "running".
    """

    def __init__(self, transcript: Transcript | None = None) -> None:
        self.transcript = transcript or sample_transcript()
        self.faults = Faults()
        self.calls: list[tuple[AudioFile, str]] = []
        self.generations: list[int] = []
        self.during: Callable[[], None] | None = None

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        self.calls.append((audio, job_id))
        self.generations.append(generation)
        if self.during is not None:
            self.during()
        self.faults.check()
        if progress is not None:
            progress(audio.duration / 2, audio.duration)
            progress(audio.duration, audio.duration)
        return self.transcript


class SpyQuestionExtractor:
    """Returns the configured questions (changeable between runs) and records transcripts."""

    def __init__(self, questions: Sequence[ExtractedQuestion] | None = None) -> None:
        self.questions = list(questions) if questions is not None else sample_questions(3)
        self.faults = Faults()
        self.transcripts: list[Transcript] = []
        self.usage = ModelUsage()  # recorded on the meter of each run

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        self.faults.check()
        self.transcripts.append(transcript)
        if meter is not None:  # what a model-backed extractor would record
            meter.record_windows(self.usage.windows)
            for _ in range(self.usage.requests):
                meter.record_request(
                    self.usage.input_tokens // self.usage.requests,
                    self.usage.output_tokens // self.usage.requests,
                )
            meter.leave_out(self.usage.questions_left_out)
        return list(self.questions)


class SpyAnswerSuggester:
    """Writes "Suggested: <question>" as each answer and records the questions it answered."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.calls: list[list[str]] = []

    def suggest(
        self,
        transcript: Transcript,
        questions: Sequence[ExtractedQuestion],
        *,
        meter: UsageMeter | None = None,
    ) -> list[ExtractedQuestion]:
        self.faults.check()
        self.calls.append([q.question for q in questions])
        return [attrs.evolve(q, answer=f"Suggested: {q.question}") for q in questions]


class FaultyStageStore:
    """An InMemoryStageStore whose methods can be told to fail, recording each call.

    `faults[name]` plans errors for the method `name` (load_transcript, save_transcript,
    load_questions, save_questions, discard), raised before the call reaches the store.
    """

    METHODS = ("load_transcript", "save_transcript", "load_questions", "save_questions", "discard")

    def __init__(self, inner: InMemoryStageStore | None = None) -> None:
        self.inner = inner or InMemoryStageStore()
        self.faults = {name: Faults() for name in self.METHODS}
        self.calls: list[tuple[str, str, int]] = []

    def _enter(self, name: str, interview_id: str, generation: int) -> None:
        self.calls.append((name, interview_id, generation))
        self.faults[name].check()

    def load_transcript(self, interview_id: str, generation: int) -> Transcript | None:
        self._enter("load_transcript", interview_id, generation)
        return self.inner.load_transcript(interview_id, generation)

    def save_transcript(self, interview_id: str, generation: int, transcript: Transcript) -> None:
        self._enter("save_transcript", interview_id, generation)
        self.inner.save_transcript(interview_id, generation, transcript)

    def load_questions(self, interview_id: str, generation: int) -> KeptQuestions | None:
        self._enter("load_questions", interview_id, generation)
        return self.inner.load_questions(interview_id, generation)

    def save_questions(self, interview_id: str, generation: int, found: KeptQuestions) -> None:
        self._enter("save_questions", interview_id, generation)
        self.inner.save_questions(interview_id, generation, found)

    def discard(self, interview_id: str, generation: int, *, keep_transcript: bool = False) -> None:
        self._enter("discard", interview_id, generation)
        self.inner.discard(interview_id, generation, keep_transcript=keep_transcript)


class FaultyInterviewRepository:
    """An InMemoryInterviewRepository whose methods can be told to fail, recording calls.

    `faults[name]` plans errors for the method `name` (get, claim, extend_lease, release,
    replace_questions, list_questions, mark_completed, mark_failed); a planned error is
    raised before the call reaches the repository, so nothing is written.
    """

    METHODS = (
        "get",
        "claim",
        "extend_lease",
        "release",
        "replace_questions",
        "list_questions",
        "mark_completed",
        "mark_failed",
    )

    def __init__(self, inner: InMemoryInterviewRepository) -> None:
        self.inner = inner
        self.faults = {name: Faults() for name in self.METHODS}
        self.calls: list[str] = []

    def _enter(self, name: str) -> None:
        self.calls.append(name)
        self.faults[name].check()

    def get(self, interview_id: str) -> Interview:
        self._enter("get")
        return self.inner.get(interview_id)

    def claim(
        self,
        interview_id: str,
        owner: str,
        lease_seconds: float,
        *,
        force: bool = False,
        max_attempts: int | None = None,
    ) -> Interview:
        self._enter("claim")
        return self.inner.claim(
            interview_id, owner, lease_seconds, force=force, max_attempts=max_attempts
        )

    def extend_lease(self, interview_id: str, owner: str, lease_seconds: float) -> None:
        self._enter("extend_lease")
        self.inner.extend_lease(interview_id, owner, lease_seconds)

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        self._enter("release")
        self.inner.release(interview_id, owner, throttled=throttled)

    def replace_questions(
        self, interview_id: str, questions: Sequence[Question], *, owner: str, generation: int
    ) -> None:
        self._enter("replace_questions")
        self.inner.replace_questions(interview_id, questions, owner=owner, generation=generation)

    def list_questions(self, interview_id: str) -> list[Question]:
        self._enter("list_questions")
        return self.inner.list_questions(interview_id)

    def mark_completed(
        self,
        interview_id: str,
        owner: str,
        question_count: int,
        *,
        generation: int | None = None,
        questions_left_out: int = 0,
    ) -> None:
        self._enter("mark_completed")
        self.inner.mark_completed(
            interview_id,
            owner,
            question_count,
            generation=generation,
            questions_left_out=questions_left_out,
        )

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        self._enter("mark_failed")
        self.inner.mark_failed(interview_id, owner, error_code, message)


class RecordingListener:
    """A ProgressListener that records stage starts and transcription progress."""

    def __init__(self) -> None:
        self.stages: list[str] = []
        self.progress: list[tuple[float, float]] = []

    def stage_started(self, stage: str) -> None:
        self.stages.append(stage)

    def transcription_advanced(self, done_seconds: float, total_seconds: float) -> None:
        self.progress.append((done_seconds, total_seconds))


SAMPLE_QUESTIONS_ASKED = 8
"""How many of the `sample_questions` the `sample_transcript` holds."""


def sample_transcript() -> Transcript:
    """A two-speaker transcript where each of the first eight `sample_questions` is asked
    and answered, at the times those questions give."""
    segments: list[Segment] = []
    for n in range(SAMPLE_QUESTIONS_ASKED):
        segments.append(Segment(f"Question number {n}?", 10.0 * n, 10.0 * n + 5, "interviewer"))
        segments.append(Segment(f"My answer {n}.", 10.0 * n + 5, 10.0 * n + 9, "candidate"))
    return Transcript(segments=tuple(segments), language="en", duration=80.0)


def sample_questions(count: int) -> list[ExtractedQuestion]:
    """`count` distinct extracted questions, timed one after another."""
    return [
        ExtractedQuestion(
            question=f"Question number {n}?",
            answer=f"A suggested answer to question {n}.",
            context="lead-in",
            question_context="technical",
            is_global=n % 2 == 0,
            start_time=float(10 * n),
            end_time=float(10 * n + 5),
        )
        for n in range(count)
    ]
