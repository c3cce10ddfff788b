"""Use case: the six steps that turn a stored interview into stored questions."""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack
from typing import TYPE_CHECKING

import attrs

from interview_core.analysis import (
    MediaAnalysis,
    QuestionStages,
    build_questions,
    redact,
    remove_outputs,
)
from interview_core.errors import (
    MAX_ERROR_MESSAGE,
    UNEXPECTED_ERROR,
    AttemptsExhausted,
    DeadlineReached,
    ErrorKind,
    InterviewAlreadyCompleted,
    InterviewDeleted,
    InterviewError,
    InterviewNotFound,
    InvalidInterviewRecord,
    LeaseHeld,
    LeaseLost,
    ThrottlePatienceExhausted,
    TransientError,
)
from interview_core.kept_stages import KeptStages
from interview_core.limits import DEFAULT_LEASE_SECONDS
from interview_core.personal_data import count_redactions
from interview_core.redaction import redact_locations
from interview_core.report import ErrorInfo, Outcome, ProcessingReport, StageTimer
from interview_core.speaker_roles import NO_CHOICE, ChosenInterviewers
from interview_core.state import InterviewState
from interview_core.usage import UsageMeter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from contextlib import AbstractContextManager

    from interview_core.entities import Interview, KeptQuestions, Transcript
    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        InPlaceTranscriber,
        InterviewRepository,
        PiiRedactor,
        QuestionExtractor,
        SpeakerRoleFinder,
        StageStore,
        Transcriber,
        TranscriptionOutputs,
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
        stage_store: StageStore | None = None,
        pii_redactor: PiiRedactor | None = None,
        role_finder: SpeakerRoleFinder | None = None,
        interviewers: ChosenInterviewers = NO_CHOICE,
        transcription_outputs: TranscriptionOutputs | None = None,
        settle_pauses: Sequence[float] = SETTLE_PAUSES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`in_place_transcriber`, when given, is tried first so eligible videos never move;
        `answer_suggester`, when given, writes the answers of the questions found;
        `stage_store`, when given, keeps the transcript and the questions of each attempt as
        soon as their stage finishes, so that a retry of the same generation resumes after
        the last stage that finished (see `KeptStages`); it loses them once the interview
        has failed, and the questions once it is completed (the transcript stays for the
        interview's exports, see LoadInterviewResult). `pii_redactor`, when given, redacts
        the transcript as soon as it is had (before it is kept) and a kept one when it is
        read back, so that no later stage, nor the kept transcript, holds a redacted value;
        with it, `transcription_outputs` are the transcriber's own files (its transcript
        before redaction), removed once the redacted transcript is kept, by every attempt
        that has it (a retry that finds them gone uses the kept transcript, or without one
        transcribes again). `role_finder` and `interviewers` give the transcript's speakers
        their roles before the questions are found (see QuestionStages), and a named
        interviewer the transcript lacks fails the interview with UNKNOWN_SPEAKER.

        A failed write that ends an attempt (marking it failed, releasing its lease) is tried
        again after each of `settle_pauses` seconds (through `sleep`) before the report
        carries it as `settle_error`.
        """
        self._settle_pauses = tuple(settle_pauses)
        self._sleep = sleep
        self._repository = repository
        self._in_place = in_place_transcriber
        self._questions = QuestionStages(
            question_extractor, answer_suggester, role_finder=role_finder, interviewers=interviewers
        )
        self._video_store = video_store
        self._analysis = MediaAnalysis(audio_extractor, transcriber, question_extractor)
        self._lease_seconds = lease_seconds
        self._stage_store = stage_store
        self._redactor = pii_redactor
        self._outputs = transcription_outputs

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
        should_stop: Callable[[], bool] | None = None,
        throttle_patience_seconds: float | None = None,
        admit: Callable[[Interview], AbstractContextManager[bool]] | None = None,
    ) -> ProcessingReport:
        """Process one interview and report how it ended; never raises a core error.

        `owner` names the lease (a fresh id by default); `final_attempt` marks the interview
        failed on a transient error instead of leaving it for a retry, as does reaching
        `max_attempts` claims, past which the claim itself marks it failed
        (ATTEMPTS_EXHAUSTED); `on_claimed` runs once the lease is held, for example to start
        a heartbeat. `last_look` (the message's last receive before the dead-letter queue)
        starts no work: an unfinished interview is marked failed with ATTEMPTS_EXHAUSTED, a
        failed one is left as it is.

        A deleted interview, or one being deleted (INTERVIEW_DELETED), is reported SKIPPED
        with that error, and nothing is written: its claim is refused.

        An interview with no record (INTERVIEW_NOT_FOUND) is reported RETRY, so that a message
        sent before the upstream's record is written (or visible) is looked at again later,
        and FAILED (nothing to mark: the message is acknowledged) on the final attempt or the
        last look.

        `should_stop`, asked before each stage starts (fetch, extract_audio, transcribe,
        extract_questions, suggest_answers, store), ends the attempt there when it answers
        true (a Lambda invocation near its deadline): what finished is kept, the lease is
        released and the outcome is RETRY with DEADLINE_REACHED, never FAILED, even on the
        final attempt (which still counts as an attempt, as its receive counts for the
        queue; each such stop keeps at least the stage that finished before it).

        A claimed run that ends because a service refused for a rate or a quota (a
        TransientError with `throttled`) is not the interview's doing: it is never failed for
        it on a final attempt, its claim's attempt is given back and the record's
        `throttled_since` set (see InterviewRepository.release), and the report carries
        `throttled_seconds` (from `throttled_since` to this run's claim, both times of the
        repository's clock). Once the interview has been throttled for
        `throttle_patience_seconds` or longer (no limit when None), such a run marks it failed
        with THROTTLE_PATIENCE_EXHAUSTED instead.

        `admit(loaded)`, when given, is entered once the record is loaded and before the
        claim, and left when the run has ended: a worker uses it to run an interview whose
        last run vanished (`Interview.last_run_vanished`) alone. When it yields False (the
        worker is stopping, or gave the delivery up) nothing is claimed and the outcome is
        RETRY with DEADLINE_REACHED.
        """
        lease_owner = owner or uuid.uuid4().hex
        with ExitStack() as admission:
            run = _Run(interview_id, StageTimer(), should_stop)
            try:
                with run.timer.stage("load"):
                    loaded = self._repository.get(interview_id)
                if last_look:
                    return self._last_look(run, loaded, lease_owner, force=force)
                if admit is not None and not admission.enter_context(admit(loaded)):
                    return run.report(Outcome.RETRY, error=DeadlineReached(interview_id, "claim"))
                with run.timer.stage("claim"):
                    interview = self._repository.claim(
                        interview_id,
                        lease_owner,
                        self._lease_seconds,
                        force=force,
                        max_attempts=max_attempts,
                    )
            except (
                InterviewNotFound
            ) as exc:  # perhaps not written yet: wait, up to the last attempt
                early = not (final_attempt or last_look)
                return run.report(Outcome.RETRY if early else Outcome.FAILED, error=exc)
            except InterviewAlreadyCompleted:
                return run.report(Outcome.SKIPPED)
            except InterviewDeleted as exc:  # the operator's delete: nothing is written for it
                return run.report(Outcome.SKIPPED, error=exc)
            except LeaseHeld as exc:
                return run.report(Outcome.BUSY, error=exc)
            except AttemptsExhausted as exc:  # the claim marked it failed: nothing more to resume
                KeptStages(self._stage_store, loaded).discard()
                return run.report(Outcome.FAILED, error=exc)
            except Exception as exc:  # noqa: BLE001 - classified by its kind
                return run.report(_UNCLAIMED_OUTCOMES[_kind(exc)], error=exc)
            run.attempts = interview.attempts
            run.throttled_for = _throttled_for(interview)
            run.patience = throttle_patience_seconds
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
                        generation=run.generation,
                        questions_left_out=run.meter.usage.questions_left_out,
                    )
                run.discard_kept(keep_transcript=True)
            except LeaseLost as exc:
                return run.report(Outcome.BUSY, error=exc)
            except Exception as exc:  # noqa: BLE001 - classified below
                return self._settle_failure(run, lease_owner, exc, final_attempt=final_attempt)
            return run.report(Outcome.COMPLETED)

    def _last_look(
        self, run: _Run, loaded: Interview, owner: str, *, force: bool
    ) -> ProcessingReport:
        """End the interview without work: no receive is left after this one."""
        if loaded.state.erased:
            raise InterviewDeleted(loaded.id)
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
        KeptStages(self._stage_store, loaded).discard()
        return run.report(Outcome.FAILED, error=error)

    def _process(self, interview: Interview, owner: str, run: _Run) -> None:
        if interview.record_problem is not None:
            raise InvalidInterviewRecord(interview.record_problem)
        run.kept = kept = KeptStages(self._stage_store, interview)
        found = kept.questions()
        if found is not None and not self._questions.needs_answers(found):
            run.resumed.extend(_resumed_with(found))
            if self._redactor is not None:  # an earlier attempt may have failed to remove them
                remove_outputs(self._outputs, interview.id, interview.generation)
        else:
            found = self._find_questions(interview, run, kept, found)
        run.dropped_count = found.dropped_count
        questions = build_questions(
            interview.id,
            found.questions,
            user_id=interview.user_id,
            generation=interview.generation,
        )
        run.checkpoint("store")
        with run.timer.stage("store"):
            # The lease is renewed so that the write has its full length, and the write itself
            # is fenced: it changes nothing, and raises LeaseLost, once another worker has
            # taken the interview over or its generation has moved on.
            self._repository.extend_lease(interview.id, owner, self._lease_seconds)
            self._repository.replace_questions(
                interview.id, questions, owner=owner, generation=interview.generation
            )
        run.question_count = len(questions)
        run.generation = interview.generation

    def _find_questions(
        self, interview: Interview, run: _Run, kept: KeptStages, found: KeptQuestions | None
    ) -> KeptQuestions:
        """The questions with their answers, from the kept transcript (and any questions
        kept unanswered) when there is one, else from the video; each kept once found."""
        transcript = kept.transcript()
        if transcript is None:
            found = None  # questions kept without their transcript cannot be answered
            transcript, run.audio_seconds = self._transcribe(interview, run)
            transcript = redact(self._redactor, transcript, timer=run.timer)
            transcript = self._questions.with_roles(transcript)
            kept.keep_transcript(transcript)
        else:
            run.resumed.append("transcribe")
            run.audio_seconds = transcript.duration
            kept_transcript, transcript = (
                transcript,
                redact(self._redactor, transcript, timer=run.timer),
            )
            transcript = self._questions.with_roles(transcript)
            if transcript is not kept_transcript:  # kept before redaction or other roles
                kept.keep_transcript(transcript)
        if self._redactor is not None:
            remove_outputs(self._outputs, interview.id, interview.generation)
            run.redactions = count_redactions(transcript)
        run.segment_count = len(transcript.segments)
        if found is None:
            found = self._questions.extract(
                transcript, timer=run.timer, before=run.checkpoint, meter=run.meter
            )
            kept.keep_questions(found)
        else:
            run.resumed.append("extract_questions")
        if self._questions.needs_answers(found):
            found = self._questions.answer(
                transcript, found, timer=run.timer, before=run.checkpoint, meter=run.meter
            )
            kept.keep_questions(found)
        return found

    def _transcribe(self, interview: Interview, run: _Run) -> tuple[Transcript, float | None]:
        """The interview's transcript and audio length, from transcription work of its
        generation: in place when the transcriber can read the video where it lies, else
        after fetching it and extracting its audio."""
        if self._in_place is not None:
            run.checkpoint("transcribe_in_place")
            with run.timer.stage("transcribe_in_place"):
                transcript = self._in_place.transcribe_in_place(
                    interview.video_path, job_id=interview.id, generation=interview.generation
                )
            if transcript is not None:
                return transcript, transcript.duration
        with ExitStack() as video_scope:
            run.checkpoint("fetch")
            with run.timer.stage("fetch"):
                video = video_scope.enter_context(self._video_store.fetch(interview.video_path))
            return self._analysis.transcribe(
                video,
                job_id=interview.id,
                generation=interview.generation,
                timer=run.timer,
                before=run.checkpoint,
            )

    def _settle_failure(
        self, run: _Run, owner: str, exc: Exception, *, final_attempt: bool
    ) -> ProcessingReport:
        kind = _kind(exc)
        if isinstance(exc, TransientError) and exc.throttled:
            return self._settle_throttled(run, owner, exc)
        fails = kind is ErrorKind.INTERVIEW or (
            kind is ErrorKind.TRANSIENT and final_attempt and not isinstance(exc, DeadlineReached)
        )
        info = _error_info(exc)
        try:
            if fails:
                self._with_retries(
                    lambda: self._repository.mark_failed(
                        run.interview_id, owner, info.code, info.message
                    )
                )
                run.discard_kept()
                return run.report(Outcome.FAILED, error=exc)
            self._with_retries(lambda: self._repository.release(run.interview_id, owner))
        except LeaseLost as lost:
            return run.report(Outcome.BUSY, error=lost)
        except Exception as unsettled:  # noqa: BLE001 - reported; the message comes back
            run.settle_error = _error_info(unsettled)
        outcome = Outcome.HALTED if kind is ErrorKind.DEPLOYMENT else Outcome.RETRY
        return run.report(outcome, error=exc)

    def _settle_throttled(self, run: _Run, owner: str, exc: TransientError) -> ProcessingReport:
        """Give the attempt back and wait, or fail the interview once its patience is spent."""
        throttled = run.throttled_for
        run.throttled_seconds = throttled
        try:
            if run.patience is not None and throttled >= run.patience:
                error = ThrottlePatienceExhausted(
                    run.interview_id, throttled, run.patience, f"{exc.code}: {exc.message}"
                )
                self._with_retries(
                    lambda: self._repository.mark_failed(
                        run.interview_id, owner, error.code, error.message[:MAX_ERROR_MESSAGE]
                    )
                )
                return run.report(Outcome.FAILED, error=error)
            self._with_retries(
                lambda: self._repository.release(run.interview_id, owner, throttled=True)
            )
        except LeaseLost as lost:
            return run.report(Outcome.BUSY, error=lost)
        except Exception as unsettled:  # noqa: BLE001 - reported; the message comes back
            run.settle_error = _error_info(unsettled)
        return run.report(Outcome.RETRY, error=exc)

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


_ANSWERED = ("transcribe", "extract_questions", "suggest_answers")


def _resumed_with(found: KeptQuestions) -> tuple[str, ...]:
    """The stages kept questions let an attempt skip."""
    return _ANSWERED if found.answered else _ANSWERED[:2]


class _Run:
    """Mutable bookkeeping for one execution."""

    def __init__(
        self, interview_id: str, timer: StageTimer, should_stop: Callable[[], bool] | None
    ) -> None:
        self.interview_id = interview_id
        self.timer = timer
        self.should_stop = should_stop
        self.kept: KeptStages | None = None
        self.resumed: list[str] = []
        self.attempts: int | None = None
        self.question_count = 0
        self.generation: int | None = None
        self.segment_count = 0
        self.audio_seconds: float | None = None
        self.dropped_count = 0
        self.meter = UsageMeter()  # the models' usage, also of an attempt that failed
        self.settle_error: ErrorInfo | None = None
        self.throttled_for = 0.0
        self.throttled_seconds: float | None = None
        self.patience: float | None = None
        self.redactions: tuple[tuple[str, int], ...] = ()

    def checkpoint(self, stage: str) -> None:
        """Raise DeadlineReached, before `stage` starts, when the caller says to stop."""
        if self.should_stop is not None and self.should_stop():
            raise DeadlineReached(self.interview_id, stage)

    def discard_kept(self, *, keep_transcript: bool = False) -> None:
        """Lose what this interview's attempts kept, it has ended: all of it, or all but the
        transcript (which a completed interview's exports read)."""
        if self.kept is not None:
            self.kept.discard(keep_transcript=keep_transcript)

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
            resumed=tuple(self.resumed),
            throttled_seconds=self.throttled_seconds,
            redactions=self.redactions,
        )


_UNCLAIMED_OUTCOMES = {
    ErrorKind.INTERVIEW: Outcome.FAILED,
    ErrorKind.TRANSIENT: Outcome.RETRY,
    ErrorKind.DEPLOYMENT: Outcome.HALTED,
}
"""How a run ends when an error of each kind comes before the interview is claimed."""


def _throttled_for(claimed: Interview) -> float:
    """Seconds from the interview's first throttled run (since its last progress) to this
    claim, which stamped `updated_at`; 0 when it has not been throttled."""
    since, claimed_at = claimed.throttled_since, claimed.updated_at
    if since is None or claimed_at is None:
        return 0.0
    return max((claimed_at - since).total_seconds(), 0.0)


def _kind(exc: Exception) -> ErrorKind:
    """A core error's kind; anything unexpected is treated as transient and retried."""
    return exc.kind if isinstance(exc, InterviewError) else ErrorKind.TRANSIENT


def _error_info(exc: Exception) -> ErrorInfo:
    """Core errors keep their code; anything else is an unexpected, retryable error."""
    if isinstance(exc, TransientError):
        return ErrorInfo(
            exc.code,
            exc.message[:MAX_ERROR_MESSAGE],
            exc.kind,
            throttled=exc.throttled,
            retry_after_seconds=exc.retry_after_seconds,
        )
    if isinstance(exc, InterviewError):
        return ErrorInfo(exc.code, exc.message[:MAX_ERROR_MESSAGE], exc.kind)
    message = redact_locations(f"{type(exc).__name__}: {exc}")[:MAX_ERROR_MESSAGE]
    return ErrorInfo(UNEXPECTED_ERROR, message, ErrorKind.TRANSIENT)
