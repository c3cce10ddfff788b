"""Use case: the operator's redrive, each dead-lettered interview afresh in a new generation."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import attrs

from interview_core.errors import InterviewDeleted, InterviewNotFound

if TYPE_CHECKING:
    from interview_core.ports import DeadLetterQueue, InterviewCatalog

log = logging.getLogger(__name__)

PEEK_LIMIT = 10_000
"""How many dead letters are read for their interview ids before the redrive."""


@attrs.frozen
class Redrive:
    """What a redrive did: messages moved, interviews moved to a new generation."""

    moved: int
    new_generations: tuple[str, ...]


class RedriveDeadLetters:
    """Start every interview the dead letters name afresh, then move the letters back.

    Each interview's generation goes up, with a fresh attempt budget (no attempts, no error,
    no throttle patience spent; a failed one pending again), before the messages move: the
    redriven request never resumes from what an earlier attempt kept nor reuses its
    transcription jobs, and is not failed at once for attempts spent before. A dead letter
    for an unknown interview, or one that arrives between the look and the move, is moved
    all the same (its run fails it, or resumes within its generation as any retry does).
    """

    def __init__(self, queue: DeadLetterQueue, catalog: InterviewCatalog) -> None:
        self._queue = queue
        self._catalog = catalog

    def execute(self) -> Redrive:
        """Raises what DeadLetterQueue.peek_dead_letters and redrive_dead_letters and
        InterviewCatalog.start_new_generation raise (InterviewNotFound and InterviewDeleted
        aside); a failure before the move moves nothing."""
        ids = dict.fromkeys(
            letter.interview_id
            for letter in self._queue.peek_dead_letters(PEEK_LIMIT)
            if letter.interview_id is not None
        )
        raised: list[str] = []
        for interview_id in ids:
            try:
                self._catalog.start_new_generation(interview_id)
            except InterviewNotFound:
                log.warning("dead letter for unknown interview %s moved as it is", interview_id)
                continue
            except InterviewDeleted:  # its worker acknowledges it without work
                log.warning("dead letter for deleted interview %s moved as it is", interview_id)
                continue
            raised.append(interview_id)
        return Redrive(self._queue.redrive_dead_letters(), tuple(raised))
