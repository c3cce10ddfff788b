"""Use case: a completed interview's result as stored: its record, questions and transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from interview_core.errors import InterviewNotCompleted, TranscriptNotKept
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from interview_core.entities import Interview, Question, Transcript
    from interview_core.ports import InterviewRepository, StageStore

NOT_FOUND_REASON = (
    "it was removed, it expired with the store's retention, or the interview was completed "
    "before completed interviews kept their transcripts"
)
NO_STORE_REASON = (
    "this configuration keeps no transcripts another process can read (the stage store is "
    "off or in memory)"
)


@attrs.frozen
class InterviewResult:
    """What a completed interview produced: the questions of its current generation, in
    order, and the transcript they were found in."""

    interview: Interview
    questions: tuple[Question, ...]
    transcript: Transcript


class LoadInterviewResult:
    """Read a completed interview's record, its questions and the transcript its last run
    kept (the StageStore keeps a completed generation's transcript)."""

    def __init__(self, repository: InterviewRepository, stage_store: StageStore | None) -> None:
        """`stage_store` None: this configuration keeps nothing, so no result can be read."""
        self._repository = repository
        self._stage_store = stage_store

    def execute(self, interview_id: str) -> InterviewResult:
        """The interview's result. Raises InterviewNotFound, InterviewNotCompleted (any other
        state), TranscriptNotKept (none kept for its generation, or it cannot be read),
        and what the repository and StageStore.load_transcript raise (RepositoryUnavailable,
        StageStoreUnavailable, ConfigurationError)."""
        interview = self._repository.get(interview_id)
        if interview.state is not InterviewState.COMPLETED:
            raise InterviewNotCompleted(interview.id, interview.state.value, interview.error_code)
        if self._stage_store is None:
            raise TranscriptNotKept(interview.id, interview.generation, NO_STORE_REASON)
        transcript = self._stage_store.load_transcript(interview.id, interview.generation)
        if transcript is None:
            raise TranscriptNotKept(interview.id, interview.generation, NOT_FOUND_REASON)
        questions = self._repository.list_questions(interview.id)
        return InterviewResult(interview, tuple(questions), transcript)
