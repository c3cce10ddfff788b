"""Use case: one video file in, its transcript and questions out, no repository."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from interview_core.analysis import MediaAnalysis, build_questions
from interview_core.ids import video_id
from interview_core.report import Outcome, ProcessingReport, StageTimer
from interview_core.speaker_roles import NO_CHOICE, ChosenInterviewers

if TYPE_CHECKING:
    from interview_core.entities import Question, Transcript
    from interview_core.ports import (
        AnswerSuggester,
        AudioExtractor,
        PiiRedactor,
        ProgressListener,
        QuestionExtractor,
        SpeakerRoleFinder,
        Transcriber,
        TranscriptionOutputs,
    )


@attrs.frozen
class VideoResult:
    """The questions found in a video, with the transcript they came from."""

    transcript: Transcript
    questions: tuple[Question, ...]
    report: ProcessingReport


class ProcessVideo:
    """Analyses a local video file; core errors propagate to the caller."""

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
        """`answer_suggester`, when given, writes the answers of the questions found;
        `pii_redactor`, when given, redacts the transcript before anything else sees it
        (the result's transcript included), and the transcriber's own files
        (`transcription_outputs`, its transcript before redaction) are then removed;
        `role_finder` and `interviewers` give the transcript's speakers their roles (see
        QuestionStages), which the result's transcript carries."""
        self._analysis = MediaAnalysis(
            audio_extractor,
            transcriber,
            question_extractor,
            answer_suggester,
            pii_redactor,
            role_finder=role_finder,
            interviewers=interviewers,
            transcription_outputs=transcription_outputs,
        )

    def execute(
        self,
        video: Path | str,
        *,
        interview_id: str | None = None,
        listener: ProgressListener | None = None,
    ) -> VideoResult:
        """Analyse `video`; question ids derive from `interview_id`, else from the file name."""
        video = Path(video)
        identity = interview_id or video_id(video.name)
        timer = StageTimer()
        analysis = self._analysis.run(video, job_id=identity, timer=timer, listener=listener)
        questions = build_questions(identity, analysis.extracted)
        report = ProcessingReport(
            interview_id=identity,
            outcome=Outcome.COMPLETED,
            stages=timer.stages,
            question_count=len(questions),
            segment_count=len(analysis.transcript.segments),
            audio_seconds=analysis.audio_seconds,
            dropped_question_count=analysis.dropped_count,
            model_usage=analysis.usage,
            redactions=analysis.redactions,
        )
        return VideoResult(analysis.transcript, questions, report)
