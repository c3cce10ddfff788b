"""What a use case reports: the outcome, per-stage durations and counts."""

from __future__ import annotations

import enum
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import attrs

from interview_core.errors import ErrorKind
from interview_core.usage import ModelUsage

if TYPE_CHECKING:
    from collections.abc import Iterator


class Outcome(enum.StrEnum):
    """How processing one interview ended, which decides what happens to its message."""

    COMPLETED = "completed"  # questions stored, interview completed: ack
    FAILED = "failed"  # interview marked failed (or does not exist): ack
    SKIPPED = "skipped"  # already completed, nothing to do: ack
    RETRY = "retry"  # transient failure, lease released: release the message with a delay
    BUSY = "busy"  # another worker holds the interview: release the message for later
    HALTED = "halted"  # the deployment is at fault: nothing failed, message kept, worker stops

    @property
    def acknowledges(self) -> bool:
        """Whether the message that asked for this work should be deleted."""
        return self in (Outcome.COMPLETED, Outcome.FAILED, Outcome.SKIPPED)


@attrs.frozen
class StageTiming:
    """How long one stage took, in seconds."""

    name: str
    seconds: float


@attrs.frozen
class ErrorInfo:
    """The error that ended processing, as stored and logged (never transcript text)."""

    code: str
    message: str
    kind: ErrorKind
    throttled: bool = False
    """A service refused for a rate or a quota: the world's doing, which spends no attempt."""
    retry_after_seconds: float | None = None
    """How long the service asked the caller to wait, when it said."""

    @property
    def permanent(self) -> bool:
        """Whether retrying cannot help: true for every kind but transient."""
        return self.kind is not ErrorKind.TRANSIENT


@attrs.frozen
class ProcessingReport:
    """The result of processing one interview or video."""

    interview_id: str
    outcome: Outcome
    stages: tuple[StageTiming, ...] = ()
    question_count: int = 0
    segment_count: int = 0
    audio_seconds: float | None = None
    attempts: int | None = None
    error: ErrorInfo | None = None
    dropped_question_count: int = 0  # returned by the extractor but not found in the transcript
    settle_error: ErrorInfo | None = None
    """Why the write that should have ended the attempt (releasing its lease, marking it
    failed) did not happen after its retries: the lease then runs out by itself."""
    lease_remaining_seconds: float | None = None
    """For a busy outcome: how long the lease held elsewhere has left, when known."""
    resumed: tuple[str, ...] = ()
    """The stages this attempt skipped because an earlier attempt of the interview's
    generation kept their results: `transcribe` (and the fetch and audio extraction before
    it), `extract_questions`, `suggest_answers`."""

    throttled_seconds: float | None = None
    """For a throttled retry of a claimed interview: how long it has been throttled, from
    the end of its first throttled run since it last made progress (0 for that first run)."""

    @property
    def throttled(self) -> bool:
        """Whether the run ended for a retry because a service refused for a rate or quota."""
        return self.outcome is Outcome.RETRY and self.error is not None and self.error.throttled

    model_usage: ModelUsage = ModelUsage()
    """Windows, requests and tokens the models spent, and the questions a limit kept out."""

    redactions: tuple[tuple[str, int], ...] = ()
    """How many personal details the transcript had redacted, by type (`EMAIL`, `PHONE`,
    ..., `PII` for a value Transcribe redacted without naming its type), sorted by type;
    empty when redaction is off or found nothing. Counts only, never a value."""

    @property
    def redacted(self) -> bool:
        """Whether this run redacted the transcript (the redact stage ran), also when it
        found nothing to redact."""
        return self.stage_seconds("redact") is not None

    @property
    def redaction_count(self) -> int:
        """All the redactions of the transcript, of every type."""
        return sum(count for _, count in self.redactions)

    @property
    def questions_left_out(self) -> int:
        """Questions a model limit kept out of the result (see `model_usage`)."""
        return self.model_usage.questions_left_out

    @property
    def duration(self) -> float:
        """Total seconds over all stages."""
        return sum(s.seconds for s in self.stages)

    def stage_seconds(self, name: str) -> float | None:
        """Seconds spent in the named stage, or None if it did not run."""
        return next((s.seconds for s in self.stages if s.name == name), None)


class StageTimer:
    """Records the duration of each named stage in order."""

    def __init__(self) -> None:
        self._stages: list[StageTiming] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the body as stage `name`, also when it raises."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self._stages.append(StageTiming(name, time.perf_counter() - started))

    @property
    def stages(self) -> tuple[StageTiming, ...]:
        """The stages timed so far."""
        return tuple(self._stages)
