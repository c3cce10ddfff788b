"""Use case: the six steps that turn a stored interview into stored questions."""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack
from typing import TYPE_CHECKING

import attrs

from interview_core.analysis import Analysis, MediaAnalysis, QuestionStages, build_questions
from interview_core.errors import (
    MAX_ERROR_MESSAGE,
    AttemptsExhausted,
    ErrorKind,
    InterviewAlreadyCompleted,
    InterviewError,
    InvalidInterviewRecord,
    LeaseHeld,
    LeaseLost,
)
from interview_core.limits import DEFAULT_LEASE_SECONDS
from interview_core.redaction import redact_locations
from interview_core.report import ErrorInfo, Outcome, ProcessingReport, StageTimer
from interview_core.state import InterviewState
from interview_core.usage import UsageMeter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from interview_core.entities import Interview
    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        InPlaceTranscriber,
        InterviewRepository,
        QuestionExtractor,
        Transcriber,
        VideoStore,
    )


SETTLE_PAUSES = (0.5, 2.0)
"""Seconds between the tries of a write that ends an attempt: three tries within 3 s."""


class ProcessInterview:
    """Load, claim, fetch, analyse, store, complete: idempotent under redelivery."""

    def __init__(
        self,
        repository: InterviewRepository,
        video_store: VideoStore,
        audio_extractor: AudioExtractor,
        transcriber: Transcriber,
        question_extractor: QuestionExtractor,
        *,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        in_place_transcriber: InPlaceTranscriber | None = None,
        answer_suggester: AnswerSuggester | None = None,
        settle_pauses: Sequence[float] = SETTLE_PAUSES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`in_place_transcriber`, when given, is tried first so eligible videos never move;
        `answer_suggester`, when given, writes the answers of the questions found.

        A failed write that ends an attempt (marking it failed, releasing its lease) is tried
        again after each of `settle_pauses` seconds (through `sleep`) before the report
        carries it as `settle_error`.
        """
        self._settle_pauses = tuple(settle_pauses)
        self._sleep = sleep
        self._repository = repository
        self._in_place = in_place_transcriber
        self._questions = QuestionStages(question_extractor, answer_suggester)
        self._video_store = video_store
        self._analysis = MediaAnalysis(
            audio_extractor, transcriber, question_extractor, answer_suggester
        )
        self._lease_seconds = lease_seconds

    def execute(
        self,
        interview_id: str,
        *,
        owner: str | None = None,
        final_attempt: bool = True,
        force: bool = False,
        max_attempts: int | None = None,
        last_look: bool = False,
        on_claimed: Callable[[Interview], None] | None = None,
    ) -> ProcessingReport:
        """Process one interview and report how it ended; never raises a core error.

        `owner` names the lease (a fresh id by default); `final_attempt` marks the interview
        failed on a transient error instead of leaving it for a retry, as does reaching
        `max_attempts` claims, past which the claim itself marks it failed
        (ATTEMPTS_EXHAUSTED); `on_claimed` runs once the lease is held, for example to start
        a heartbeat. `last_look` (the message's last receive before the dead-letter queue)
        starts no work: an unfinished interview is marked failed with ATTEMPTS_EXHAUSTED, a
        failed one is left as it is.
        """
        lease_owner = owner or uuid.uuid4().hex
        run = _Run(interview_id, StageTimer())
        try:
            with run.timer.stage("load"):
                loaded = self._repository.get(interview_id)
            if last_look:
                return self._last_look(run, loaded, lease_owner, force=force)
            with run.timer.stage("claim"):
                interview = self._repository.claim(
                    interview_id,
                    lease_owner,
                    self._lease_seconds,
                    force=force,
                    max_attempts=max_attempts,
                )
        except InterviewAlreadyCompleted:
            return run.report(Outcome.SKIPPED)
        except LeaseHeld as exc:
            return run.report(Outcome.BUSY, error=exc)
        except Exception as exc:  # noqa: BLE001 - classified by its kind
            return run.report(_UNCLAIMED_OUTCOMES[_kind(exc)], error=exc)
        run.attempts = interview.attempts
        if max_attempts is not None and interview.attempts >= max_attempts:
            final_attempt = True
        if interview.record_problem is None and loaded.record_problem is not None:
            # the claim rewrote what made the record unreadable (a lease expiry of the wrong
            # type): the record as the upstream left it still decides
            interview = attrs.evolve(interview, record_problem=loaded.record_problem)
        try:
            if on_claimed is not None:
                on_claimed(interview)
            self._process(interview, lease_owner, run)
            with run.timer.stage("complete"):
                self._repository.mark_completed(
                    interview_id,
                    lease_owner,
                    run.question_count,
                    questions_left_out=run.meter.usage.questions_left_out,
                )
        except LeaseLost as exc:
            return run.report(Outcome.BUSY, error=exc)
        except Exception as exc:  # noqa: BLE001 - classified below
            return self._settle_failure(run, lease_owner, exc, final_attempt=final_attempt)
        return run.report(Outcome.COMPLETED)

    def _last_look(
        self, run: _Run, loaded: Interview, owner: str, *, force: bool
    ) -> ProcessingReport:
        """End the interview without work: no receive is left after this one."""
        if loaded.state is InterviewState.FAILED:
            return run.report(Outcome.FAILED, error=AttemptsExhausted(loaded.id, loaded.attempts))
        with run.timer.stage("claim"):
            # no attempts left: an unfinished run is marked failed by the claim itself
            interview = self._repository.claim(
                loaded.id, owner, self._lease_seconds, force=force, max_attempts=0
            )
        run.attempts = interview.attempts
        error = AttemptsExhausted(loaded.id, loaded.attempts)
        self._with_retries(
            lambda: self._repository.mark_failed(loaded.id, owner, error.code, error.message)
        )
        return run.report(Outcome.FAILED, error=error)

    def _process(self, interview: Interview, owner: str, run: _Run) -> None:
        if interview.record_problem is not None:
            raise InvalidInterviewRecord(interview.record_problem)
        analysis = self._analyse_in_place(interview, run) or self._analyse_local(interview, run)
        run.segment_count = len(analysis.transcript.segments)
        run.audio_seconds = analysis.audio_seconds
        run.dropped_count = analysis.dropped_count
        questions = build_questions(interview.id, analysis.extracted, user_id=interview.user_id)
        with run.timer.stage("store"):
            # A fence: renewing the lease fails with LeaseLost, and nothing is written, if
            # another worker took the interview over while this one worked.
            self._repository.extend_lease(interview.id, owner, self._lease_seconds)
            self._repository.replace_questions(interview.id, questions)
        run.question_count = len(questions)

    def _analyse_local(self, interview: Interview, run: _Run) -> Analysis:
        with ExitStack() as video_scope:
            with run.timer.stage("fetch"):
                video = video_scope.enter_context(self._video_store.fetch(interview.video_path))
            return self._analysis.run(video, job_id=interview.id, timer=run.timer, meter=run.meter)

    def _analyse_in_place(self, interview: Interview, run: _Run) -> Analysis | None:
        if self._in_place is None:
            return None
        with run.timer.stage("transcribe_in_place"):
            transcript = self._in_place.transcribe_in_place(
                interview.video_path, job_id=interview.id
            )
        if transcript is None:
            return None
        return self._questions.run(
            transcript, transcript.duration, timer=run.timer, meter=run.meter
        )

    def _settle_failure(
        self, run: _Run, owner: str, exc: Exception, *, final_attempt: bool
    ) -> ProcessingReport:
        kind = _kind(exc)
        fails = kind is ErrorKind.INTERVIEW or (kind is ErrorKind.TRANSIENT and final_attempt)
        info = _error_info(exc)
        try:
            if fails:
                self._with_retries(
                    lambda: self._repository.mark_failed(
                        run.interview_id, owner, info.code, info.message
                    )
                )
                return run.report(Outcome.FAILED, error=exc)
            self._with_retries(lambda: self._repository.release(run.interview_id, owner))
        except LeaseLost as lost:
            return run.report(Outcome.BUSY, error=lost)
        except Exception as unsettled:  # noqa: BLE001 - reported; the message comes back
            run.settle_error = _error_info(unsettled)
        outcome = Outcome.HALTED if kind is ErrorKind.DEPLOYMENT else Outcome.RETRY
        return run.report(outcome, error=exc)

    def _with_retries(self, write: Callable[[], None]) -> None:
        """Run a write that ends the attempt, again after short pauses while it fails
        transiently (a lease left behind would hold the next delivery back); LeaseLost and
        the last error raise."""
        for pause in (*self._settle_pauses, None):
            try:
                write()
                return
            except LeaseLost:
                raise
            except Exception as exc:
                if pause is None or _kind(exc) is not ErrorKind.TRANSIENT:
                    raise
            self._sleep(pause)


class _Run:
    """Mutable bookkeeping for one execution."""

    def __init__(self, interview_id: str, timer: StageTimer) -> None:
        self.interview_id = interview_id
        self.timer = timer
        self.attempts: int | None = None
        self.question_count = 0
        self.segment_count = 0
        self.audio_seconds: float | None = None
        self.dropped_count = 0
        self.meter = UsageMeter()  # the models' usage, also of an attempt that failed
        self.settle_error: ErrorInfo | None = None

    def report(self, outcome: Outcome, *, error: Exception | None = None) -> ProcessingReport:
        return ProcessingReport(
            interview_id=self.interview_id,
            outcome=outcome,
            stages=self.timer.stages,
            question_count=self.question_count if outcome is Outcome.COMPLETED else 0,
            segment_count=self.segment_count,
            audio_seconds=self.audio_seconds,
            attempts=self.attempts,
            error=_error_info(error) if error is not None else None,
            dropped_question_count=self.dropped_count,
            settle_error=self.settle_error,
            model_usage=self.meter.usage,
            lease_remaining_seconds=error.remaining_seconds
            if isinstance(error, LeaseHeld)
            else None,
        )


_UNCLAIMED_OUTCOMES = {
    ErrorKind.INTERVIEW: Outcome.FAILED,
    ErrorKind.TRANSIENT: Outcome.RETRY,
    ErrorKind.DEPLOYMENT: Outcome.HALTED,
}
"""How a run ends when an error of each kind comes before the interview is claimed."""


def _kind(exc: Exception) -> ErrorKind:
    """A core error's kind; anything unexpected is treated as transient and retried."""
    return exc.kind if isinstance(exc, InterviewError) else ErrorKind.TRANSIENT


def _error_info(exc: Exception) -> ErrorInfo:
    """Core errors keep their code; anything else is an unexpected, retryable error."""
    if isinstance(exc, InterviewError):
        return ErrorInfo(exc.code, exc.message[:MAX_ERROR_MESSAGE], exc.kind)
    message = redact_locations(f"{type(exc).__name__}: {exc}")[:MAX_ERROR_MESSAGE]
    return ErrorInfo("UNEXPECTED_ERROR", message, ErrorKind.TRANSIENT)
