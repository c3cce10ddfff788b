"""What one interview's attempts keep between them: the transcript and the questions found."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypeVar

from interview_core.errors import ErrorKind, InterviewError

if TYPE_CHECKING:
    from collections.abc import Callable

    from interview_core.entities import Interview, KeptQuestions, Transcript
    from interview_core.ports import StageStore

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class KeptStages:
    """The StageStore as one attempt at one interview (its id and generation) sees it.

    Keeping is best effort: a store that fails transiently (or is refused a malformed
    generation) is logged and the attempt goes on as if nothing were kept, re-running what
    it would have skipped; only the deployment's fault (a missing bucket, refused access)
    propagates, so that the worker stops instead of quietly paying for every stage again.
    Removing what was kept after the interview ended never raises: the bucket's lifecycle
    rule (or the next reprocess's new generation) makes what stays behind harmless. A
    completed interview keeps its transcript, which its exports and review page read.
    Without a store nothing is kept and nothing is found.
    """

    def __init__(self, store: StageStore | None, interview: Interview) -> None:
        self._store = store
        self._id = interview.id
        self._generation = interview.generation

    def transcript(self) -> Transcript | None:
        """The transcript an earlier attempt of this generation kept, if any."""
        return self._call("read the kept transcript", self._load_transcript)

    def questions(self) -> KeptQuestions | None:
        """The questions an earlier attempt of this generation kept, if any."""
        return self._call("read the kept questions", self._load_questions)

    def keep_transcript(self, transcript: Transcript) -> None:
        """Keep the transcript for a retry."""
        if self._store is not None:
            store = self._store
            self._call(
                "keep the transcript",
                lambda: store.save_transcript(self._id, self._generation, transcript),
            )

    def keep_questions(self, found: KeptQuestions) -> None:
        """Keep the questions found for a retry."""
        if self._store is not None:
            store = self._store
            self._call(
                "keep the questions",
                lambda: store.save_questions(self._id, self._generation, found),
            )

    def discard(self, *, keep_transcript: bool = False) -> None:
        """Remove what was kept, now that the interview has ended (all but the transcript
        with `keep_transcript`); failures are logged."""
        if self._store is None:
            return
        try:
            self._store.discard(self._id, self._generation, keep_transcript=keep_transcript)
        except (InterviewError, ValueError) as exc:
            log.warning(
                "interview %s: could not remove its kept stage results (%s)",
                self._id,
                exc.code if isinstance(exc, InterviewError) else "ValueError",
                extra={"interview_id": self._id},
            )

    def _load_transcript(self) -> Transcript | None:
        if self._store is None:
            return None
        return self._store.load_transcript(self._id, self._generation)

    def _load_questions(self) -> KeptQuestions | None:
        if self._store is None:
            return None
        return self._store.load_questions(self._id, self._generation)

    def _call(self, doing: str, action: Callable[[], _T | None]) -> _T | None:
        """`action()`, or None (logged) when it fails for any reason but the deployment's."""
        try:
            return action()
        except InterviewError as exc:
            if exc.kind is ErrorKind.DEPLOYMENT:
                raise
            reason = exc.code
        except ValueError as exc:
            reason = f"ValueError: {exc}"
        log.warning(
            "interview %s: could not %s (%s); going on without it",
            self._id,
            doing,
            reason,
            extra={"interview_id": self._id},
        )
        return None
