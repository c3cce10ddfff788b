"""Interview states and the one place where transitions between them are checked."""

from __future__ import annotations

import enum

from interview_core.errors import IllegalTransition


class InterviewState(enum.StrEnum):
    """Where an interview stands in the pipeline."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    DELETING = "deleting"  # the operator's delete has begun: nothing may claim it
    DELETED = "deleted"  # erased; a record kept with --keep-record says only this

    @property
    def erased(self) -> bool:
        """Whether the interview is deleted or being deleted: no worker may touch it."""
        return self in (InterviewState.DELETING, InterviewState.DELETED)

    @classmethod
    def from_stored(cls, value: str | None) -> InterviewState:
        """Read a stored status; any state the upstream writes that we do not own is pending."""
        try:
            return cls(value) if value is not None else cls.PENDING
        except ValueError:
            return cls.PENDING


_LEGAL: dict[InterviewState, frozenset[InterviewState]] = {
    InterviewState.PENDING: frozenset({InterviewState.PROCESSING}),
    # processing -> processing is the takeover of an expired lease
    InterviewState.PROCESSING: frozenset(
        {InterviewState.PROCESSING, InterviewState.COMPLETED, InterviewState.FAILED}
    ),
    InterviewState.FAILED: frozenset({InterviewState.PROCESSING}),
    InterviewState.COMPLETED: frozenset(),
    # deletion is the operator's, outside the worker's transitions, and nothing follows it
    InterviewState.DELETING: frozenset(),
    InterviewState.DELETED: frozenset(),
}


def is_legal(current: InterviewState, target: InterviewState, *, force: bool = False) -> bool:
    """Whether `current -> target` is allowed; `force` lets a completed interview be reprocessed."""
    if current.erased:
        return False
    if force and current is InterviewState.COMPLETED and target is InterviewState.PROCESSING:
        return True
    return target in _LEGAL[current]


def check_transition(
    current: InterviewState, target: InterviewState, *, force: bool = False
) -> None:
    """Raise IllegalTransition unless `current -> target` is allowed."""
    if not is_legal(current, target, force=force):
        raise IllegalTransition(f"cannot move an interview from {current} to {target}")
