"""The media stages shared by both use cases: audio, transcript, questions."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import attrs

from interview_core.entities import ExtractedQuestion, Question, Transcript
from interview_core.grounding import ground_questions
from interview_core.ids import question_id
from interview_core.usage import ModelUsage, UsageMeter

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        ProgressCallback,
        ProgressListener,
        QuestionExtractor,
        Transcriber,
    )
    from interview_core.report import StageTimer


@attrs.frozen
class Analysis:
    """What the media stages produced."""

    transcript: Transcript
    extracted: tuple[ExtractedQuestion, ...]
    audio_seconds: float | None
    dropped_count: int = 0  # questions the extractor returned that the transcript lacks
    usage: ModelUsage = ModelUsage()  # what the models spent, and questions a limit kept out


class MediaAnalysis:
    """Runs audio extraction, transcription and question extraction on a local video."""

    def __init__(
        self,
        audio_extractor: AudioExtractor,
        transcriber: Transcriber,
        question_extractor: QuestionExtractor,
        answer_suggester: AnswerSuggester | None = None,
    ) -> None:
        self._audio_extractor = audio_extractor
        self._transcriber = transcriber
        self._questions = QuestionStages(question_extractor, answer_suggester)

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
        progress: ProgressCallback | None = (
            listener.transcription_advanced if listener is not None else None
        )
        with ExitStack() as audio_scope:
            _announce(listener, "extract_audio")
            with timer.stage("extract_audio"):
                audio = audio_scope.enter_context(self._audio_extractor.extract(video))
            _announce(listener, "transcribe")
            with timer.stage("transcribe"):
                transcript = self._transcriber.transcribe(audio, job_id=job_id, progress=progress)
        _announce(listener, "extract_questions")
        return self._questions.run(
            transcript, audio.duration, timer=timer, listener=listener, meter=meter
        )


class QuestionStages:
    """Finds the questions in a transcript, keeps the grounded ones, then suggests answers."""

    def __init__(
        self, question_extractor: QuestionExtractor, answer_suggester: AnswerSuggester | None
    ) -> None:
        self._question_extractor = question_extractor
        self._answer_suggester = answer_suggester

    def run(
        self,
        transcript: Transcript,
        audio_seconds: float | None,
        *,
        timer: StageTimer,
        listener: ProgressListener | None = None,
        meter: UsageMeter | None = None,
    ) -> Analysis:
        """Extract (stage extract_questions), ground, and suggest answers (stage
        suggest_answers, when a suggester is set and questions were found). The models'
        usage is recorded on `meter` (a fresh one when None), so that it is known also when
        a stage raises, and returned in the Analysis."""
        meter = meter if meter is not None else UsageMeter()
        with timer.stage("extract_questions"):
            found = self._question_extractor.extract(transcript, meter=meter)
            grounded = ground_questions(found, transcript)
        questions = grounded.kept
        if self._answer_suggester is not None and questions:
            _announce(listener, "suggest_answers")
            with timer.stage("suggest_answers"):
                questions = tuple(
                    self._answer_suggester.suggest(transcript, questions, meter=meter)
                )
        return Analysis(transcript, questions, audio_seconds, grounded.dropped, meter.usage)


def _announce(listener: ProgressListener | None, stage: str) -> None:
    if listener is not None:
        listener.stage_started(stage)


def build_questions(
    interview_id: str, extracted: Sequence[ExtractedQuestion], *, user_id: str | None = None
) -> tuple[Question, ...]:
    """Bind extracted questions to an interview with deterministic ids by position."""
    return tuple(
        Question(
            id=question_id(interview_id, position),
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
