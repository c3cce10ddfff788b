"""Fakes for chaos workers: media stages that take random time and record what ran where."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interview_core.entities import AudioFile, ExtractedQuestion, Interview, Segment, Transcript
from interview_core.errors import AttemptsExhausted, ExtractionUnavailable
from interview_core.ports import InterviewRepository, ProgressCallback
from interview_core.usage import UsageMeter

TRANSCRIPT_PREFIX = "Interview "
EXIT_CRASHED = 137
"""The exit code of a worker a poison interview crashed (as after SIGKILL)."""


def expected_extracted(interview_id: str) -> list[ExtractedQuestion]:
    """The questions the fake extractor finds for an interview: 1 to 4, fixed by its id."""
    count = 1 + int(interview_id[-1], 16) % 4
    return [
        ExtractedQuestion(
            question=f"Question {n} of interview {interview_id}?",
            answer=f"Answer {n}.",
            context="",
            question_context="technical",
            is_global=n == 0,
            start_time=10.0 * n,
            end_time=10.0 * n + 5.0,
        )
        for n in range(count)
    ]


class EventLog:
    """Appends one JSON line per event to `<directory>/<pid>.jsonl`, unbuffered.

    Each line goes out in one write to a file opened for appending, so a process killed
    mid-run loses at most the line it was writing.
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.pid = os.getpid()
        path = directory / f"{self.pid}.jsonl"
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def record(self, event: str, interview_id: str, owner: str | None) -> None:
        line = {"event": event, "interview": interview_id, "owner": owner, "pid": self.pid}
        line["t"] = time.time()  # type: ignore[assignment]
        os.write(self._fd, (json.dumps(line) + "\n").encode())


def read_events(directory: Path) -> list[dict[str, Any]]:
    """Every recorded event of every process; a line cut short by a kill is skipped."""
    events = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return events


class ClaimTrackingRepository:
    """Wraps the real repository; remembers, per thread, the owner of the latest claim.

    The use case claims and transcribes in one thread, so the transcriber can tell under
    which lease it runs. Every successful claim, release and final mark (`end`) is recorded,
    after the store has taken it.
    """

    def __init__(self, inner: InterviewRepository, log: EventLog) -> None:
        self._inner = inner
        self._log = log
        self._local = threading.local()

    def claim(
        self,
        interview_id: str,
        owner: str,
        lease_seconds: float,
        *,
        force: bool = False,
        max_attempts: int | None = None,
    ) -> Interview:
        try:
            interview = self._inner.claim(
                interview_id, owner, lease_seconds, force=force, max_attempts=max_attempts
            )
        except AttemptsExhausted:  # the claim itself stored it failed
            self._log.record("end", interview_id, owner)
            raise
        self._local.owner = owner
        self._log.record("claim", interview_id, owner)
        return interview

    def release(self, interview_id: str, owner: str, *, throttled: bool = False) -> None:
        self._inner.release(interview_id, owner, throttled=throttled)
        self._log.record("release", interview_id, owner)

    def mark_completed(
        self,
        interview_id: str,
        owner: str,
        question_count: int,
        *,
        generation: int | None = None,
        questions_left_out: int = 0,
    ) -> None:
        self._inner.mark_completed(
            interview_id,
            owner,
            question_count,
            generation=generation,
            questions_left_out=questions_left_out,
        )
        self._log.record("end", interview_id, owner)

    def mark_failed(self, interview_id: str, owner: str, error_code: str, message: str) -> None:
        self._inner.mark_failed(interview_id, owner, error_code, message)
        self._log.record("end", interview_id, owner)

    def current_owner(self) -> str | None:
        return getattr(self._local, "owner", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class SlowAudioExtractor:
    """Pretends to extract a minute of audio, taking a random time."""

    def __init__(self, seconds: tuple[float, float]) -> None:
        self._seconds = seconds

    @contextmanager
    def extract(self, video: Path) -> Iterator[AudioFile]:
        time.sleep(random.uniform(*self._seconds))
        yield AudioFile(path=video.with_suffix(".wav"), duration=60.0, source=video)


class RecordingTranscriber:
    """Takes a random time and records each transcription with its lease owner and pid."""

    def __init__(
        self,
        repository: ClaimTrackingRepository,
        log: EventLog,
        seconds: tuple[float, float],
        crash_on: frozenset[str] = frozenset(),
    ) -> None:
        """`crash_on`: interviews whose transcription kills the whole process at once, as a
        video that makes the speech model run out of memory would."""
        self._repository = repository
        self._log = log
        self._seconds = seconds
        self._crash_on = crash_on

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        owner = self._repository.current_owner()
        self._log.record("transcribe", job_id, owner)
        time.sleep(random.uniform(*self._seconds))
        if job_id in self._crash_on:
            os._exit(EXIT_CRASHED)
        self._log.record("transcribed", job_id, owner)
        opening = Segment(f"{TRANSCRIPT_PREFIX}{job_id}", 0.0, 2.0, speaker="interviewer")
        asked = tuple(  # each question the fake extractor finds is said where it says
            Segment(q.question, q.start_time or 0.0, q.end_time or 0.0, speaker="interviewer")
            for q in expected_extracted(job_id)
        )
        return Transcript((opening, *asked), language="en", duration=audio.duration)


class SlowQuestionExtractor:
    """Returns `expected_extracted` after a random time; now and then throttled (transient)."""

    def __init__(self, seconds: tuple[float, float], transient_rate: float) -> None:
        self._seconds = seconds
        self._transient_rate = transient_rate

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        time.sleep(random.uniform(*self._seconds))
        if random.random() < self._transient_rate:
            raise ExtractionUnavailable("the fake extractor is throttling")
        interview_id = transcript.segments[0].text.removeprefix(TRANSCRIPT_PREFIX)
        return expected_extracted(interview_id)
