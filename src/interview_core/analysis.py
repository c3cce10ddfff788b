"""The media stages shared by both use cases: audio, transcript, questions."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import TYPE_CHECKING

import attrs

from interview_core.entities import ExtractedQuestion, KeptQuestions, Question, Transcript
from interview_core.errors import ErrorKind, InterviewError
from interview_core.grounding import ground_questions
from interview_core.ids import question_id
from interview_core.personal_data import count_redactions
from interview_core.speaker_roles import NO_CHOICE, ChosenInterviewers
from interview_core.usage import ModelUsage, UsageMeter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        PiiRedactor,
        ProgressCallback,
        ProgressListener,
        QuestionExtractor,
        SpeakerRoleFinder,
        Transcriber,
        TranscriptionOutputs,
    )
    from interview_core.report import StageTimer

log = logging.getLogger(__name__)


@attrs.frozen
class Analysis:
    """What the media stages produced."""

    transcript: Transcript
    extracted: tuple[ExtractedQuestion, ...]
    audio_seconds: float | None
    dropped_count: int = 0  # questions the extractor returned that the transcript lacks
    usage: ModelUsage = ModelUsage()  # what the models spent, and questions a limit kept out
    redactions: tuple[tuple[str, int], ...] = ()  # personal details redacted, by type


class MediaAnalysis:
    """Runs audio extraction, transcription and question extraction on a local video."""

    def __init__(
        self,
        audio_extractor: AudioExtractor,
        transcriber: Transcriber,
        question_extractor: QuestionExtractor,
        answer_suggester: AnswerSuggester | None = None,
        pii_redactor: PiiRedactor | None = None,
        *,
        role_finder: SpeakerRoleFinder | None = None,
        interviewers: ChosenInterviewers = NO_CHOICE,
        transcription_outputs: TranscriptionOutputs | None = None,
    ) -> None:
        """`pii_redactor`, when given, redacts the transcript before questions are sought
        (in `run`; `transcribe` returns the transcript as the transcriber gave it), and then
        the transcriber's own files (`transcription_outputs`) are removed; `role_finder` and
        `interviewers` give the transcript's speakers their roles (see QuestionStages)."""
        self._audio_extractor = audio_extractor
        self._transcriber = transcriber
        self._questions = QuestionStages(
            question_extractor, answer_suggester, role_finder=role_finder, interviewers=interviewers
        )
        self._redactor = pii_redactor
        self._outputs = transcription_outputs

    def run(
        self,
        video: Path,
        *,
        job_id: str,
        timer: StageTimer,
        listener: ProgressListener | None = None,
        meter: UsageMeter | None = None,
    ) -> Analysis:
        """Analyse `video`, timing each stage on `timer` and the models' usage on `meter`;
        core errors propagate."""
        transcript, audio_seconds = self.transcribe(
            video, job_id=job_id, timer=timer, listener=listener
        )
        transcript = redact(self._redactor, transcript, timer=timer)
        if self._redactor is not None:
            remove_outputs(self._outputs, job_id, 0)
        _announce(listener, "extract_questions")
        analysis = self._questions.run(
            transcript, audio_seconds, timer=timer, listener=listener, meter=meter
        )
        if self._redactor is None:
            return analysis
        return attrs.evolve(analysis, redactions=count_redactions(transcript))

    def transcribe(
        self,
        video: Path,
        *,
        job_id: str,
        timer: StageTimer,
        generation: int = 0,
        listener: ProgressListener | None = None,
        before: Callable[[str], None] | None = None,
    ) -> tuple[Transcript, float]:
        """The transcript of `video` and its audio's length in seconds (stages extract_audio
        and transcribe), by transcription work named for `job_id` and `generation`;
        `before(stage)` runs before each stage starts and may raise to stop there."""
        progress: ProgressCallback | None = (
            listener.transcription_advanced if listener is not None else None
        )
        with ExitStack() as audio_scope:
            _begin(before, "extract_audio")
            _announce(listener, "extract_audio")
            with timer.stage("extract_audio"):
                audio = audio_scope.enter_context(self._audio_extractor.extract(video))
            _begin(before, "transcribe")
            _announce(listener, "transcribe")
            with timer.stage("transcribe"):
                transcript = self._transcriber.transcribe(
                    audio, job_id=job_id, generation=generation, progress=progress
                )
        return transcript, audio.duration


def redact(
    redactor: PiiRedactor | None, transcript: Transcript, *, timer: StageTimer
) -> Transcript:
    """`transcript` redacted by `redactor` (stage redact), or as it is without one."""
    if redactor is None:
        return transcript
    with timer.stage("redact"):
        return redactor.redact(transcript)


def remove_outputs(outputs: TranscriptionOutputs | None, job_id: str, generation: int) -> None:
    """Remove the files the speech service wrote for the work of `job_id` in `generation`
    (its transcript before redaction), when there are such files. Best effort: a transient
    failure is logged (the store's retention removes them later); the deployment's fault
    (refused access, a missing bucket) raises."""
    if outputs is None:
        return
    try:
        outputs.remove_outputs(job_id, generation)
    except InterviewError as exc:
        if exc.kind is ErrorKind.DEPLOYMENT:
            raise
        reason = exc.code
    except ValueError as exc:
        reason = f"ValueError: {exc}"
    else:
        return
    log.warning(
        "could not remove the transcriber's own transcript (%s); it stays until the "
        "store's retention removes it",
        reason,
        extra={"interview_id": job_id},
    )


class QuestionStages:
    """Gives the speakers their roles, finds the questions in a transcript, keeps the
    grounded ones, then suggests answers."""

    def __init__(
        self,
        question_extractor: QuestionExtractor,
        answer_suggester: AnswerSuggester | None,
        *,
        role_finder: SpeakerRoleFinder | None = None,
        interviewers: ChosenInterviewers = NO_CHOICE,
    ) -> None:
        """`interviewers`, when it names speakers, decides the roles; else the roles a
        transcript already carries stay, and `role_finder` (when given) tells those of a
        transcript that has none."""
        self._question_extractor = question_extractor
        self._answer_suggester = answer_suggester
        self._role_finder = role_finder
        self._interviewers = interviewers

    def with_roles(self, transcript: Transcript) -> Transcript:
        """`transcript` with its speakers' roles: the ones a user named, else the ones it
        carries, else the role finder's (none when it cannot tell). Raises UnknownSpeaker
        when a named interviewer does not speak in it."""
        chosen = self._interviewers.apply(transcript)
        if chosen is not None:
            return chosen
        if transcript.speaker_roles or self._role_finder is None:
            return transcript
        roles = self._role_finder.roles(transcript)
        return attrs.evolve(transcript, speaker_roles=roles) if roles else transcript

    def run(
        self,
        transcript: Transcript,
        audio_seconds: float | None,
        *,
        timer: StageTimer,
        listener: ProgressListener | None = None,
        before: Callable[[str], None] | None = None,
        meter: UsageMeter | None = None,
    ) -> Analysis:
        """Give the speakers their roles (see `with_roles`; the Analysis carries the
        transcript with them), extract (stage extract_questions), ground, and suggest
        answers (stage suggest_answers, when a suggester is set and questions were found);
        `before(stage)` runs before each stage starts and may raise to stop there. The
        models' usage is recorded on `meter` (a fresh one when None), so that it is known
        also when a stage raises, and returned in the Analysis."""
        meter = meter if meter is not None else UsageMeter()
        transcript = self.with_roles(transcript)
        found = self.extract(transcript, timer=timer, before=before, meter=meter)
        if self.needs_answers(found):
            found = self.answer(
                transcript, found, timer=timer, listener=listener, before=before, meter=meter
            )
        return Analysis(
            transcript, found.questions, audio_seconds, found.dropped_count, meter.usage
        )

    def extract(
        self,
        transcript: Transcript,
        *,
        timer: StageTimer,
        before: Callable[[str], None] | None = None,
        meter: UsageMeter | None = None,
    ) -> KeptQuestions:
        """The grounded questions of the transcript (stage extract_questions), unanswered."""
        _begin(before, "extract_questions")
        with timer.stage("extract_questions"):
            found = self._question_extractor.extract(transcript, meter=meter)
            grounded = ground_questions(found, transcript)
        return KeptQuestions(grounded.kept, grounded.dropped)

    def needs_answers(self, found: KeptQuestions) -> bool:
        """Whether suggest_answers is still to run for `found`: a suggester is set, there
        are questions, and they have not been answered yet."""
        return self._answer_suggester is not None and bool(found.questions) and not found.answered

    def answer(
        self,
        transcript: Transcript,
        found: KeptQuestions,
        *,
        timer: StageTimer,
        listener: ProgressListener | None = None,
        before: Callable[[str], None] | None = None,
        meter: UsageMeter | None = None,
    ) -> KeptQuestions:
        """`found` with suggested answers (stage suggest_answers); as it is without a
        suggester."""
        if self._answer_suggester is None:
            return found
        _begin(before, "suggest_answers")
        _announce(listener, "suggest_answers")
        with timer.stage("suggest_answers"):
            questions = tuple(
                self._answer_suggester.suggest(transcript, found.questions, meter=meter)
            )
        return attrs.evolve(found, questions=questions, answered=True)


def _begin(before: Callable[[str], None] | None, stage: str) -> None:
    if before is not None:
        before(stage)


def _announce(listener: ProgressListener | None, stage: str) -> None:
    if listener is not None:
        listener.stage_started(stage)


def build_questions(
    interview_id: str,
    extracted: Sequence[ExtractedQuestion],
    *,
    user_id: str | None = None,
    generation: int = 0,
) -> tuple[Question, ...]:
    """Bind extracted questions to an interview with deterministic ids by position, ids of
    the interview's `generation` (see `question_id`)."""
    return tuple(
        Question(
            id=question_id(interview_id, position, generation),
            interview_id=interview_id,
            position=position,
            question=item.question,
            answer=item.answer,
            context=item.context,
            question_context=item.question_context,
            is_global=item.is_global,
            start_time=item.start_time,
            end_time=item.end_time,
            user_id=user_id,
        )
        for position, item in enumerate(extracted)
    )
