"""Small frozen entities: interviews, transcripts, extracted and stored questions."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from interview_core.categories import QuestionCategory
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from pathlib import Path

    from interview_core.speaker_roles import Role


@attrs.frozen
class Interview:
    """An interview record: where its video is and how far processing got.

    `video_path` is an object key (`videos/<uuid>/<uuid>/<file>.mkv`) or an `s3://` URI, as
    the upstream writes it. `record_problem` says why a stored record cannot be processed
    (its video location is missing or not text, for example), so that the interview can be
    claimed and marked failed with that reason instead of being left pending.

    `generation` counts the operator's fresh starts (a reprocess, a dead-letter redrive);
    a record without one reads as 0. Results kept from an attempt (a transcript, the
    questions found) belong to one generation, so a fresh start never reuses them.
    """

    id: str
    video_path: str
    user_id: str | None = None
    state: InterviewState = InterviewState.PENDING
    attempts: int = 0
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    question_count: int | None = None
    questions_left_out: int | None = None  # questions a model limit kept out, when completed
    created_at: datetime | None = None
    updated_at: datetime | None = None
    record_problem: str | None = None
    generation: int = 0
    throttled_since: datetime | None = None
    """When the first run ended throttled since the interview last made progress (a run that
    completed, failed or ended for another reason clears it): the start of its patience."""

    def has_live_lease(self, now: datetime) -> bool:
        """Whether some worker holds a lease that has not expired at `now`."""
        return (
            self.lease_owner is not None
            and self.lease_expires_at is not None
            and self.lease_expires_at > now
        )

    def last_run_vanished(self, now: datetime) -> bool:
        """Whether the last run ended without a word: still processing under a lease that was
        never given back and has lapsed at `now` (its worker was killed or crashed, perhaps by
        this very interview). A run that ends in any other way releases its lease."""
        return (
            self.state is InterviewState.PROCESSING
            and self.lease_owner is not None
            and not self.has_live_lease(now)
        )


@attrs.frozen
class Word:
    """One recognised word with its timing in seconds from the start of the audio."""

    text: str
    start: float
    end: float
    confidence: float | None = None


@attrs.frozen
class Segment:
    """A timed stretch of speech, with its speaker when the transcriber knows it."""

    text: str
    start: float
    end: float
    speaker: str | None = None
    words: tuple[Word, ...] = ()


def _frozen_roles(roles: Mapping[str, Role]) -> Mapping[str, Role]:
    return MappingProxyType(dict(roles))


@attrs.frozen
class Transcript:
    """What was said, as timed segments in order.

    `speaker_roles` says which speaker labels are interviewers and which the candidate, when
    that is known (empty otherwise); it is read-only.
    """

    segments: tuple[Segment, ...]
    language: str | None = None
    duration: float | None = None
    speaker_roles: Mapping[str, Role] = attrs.field(
        factory=dict, converter=_frozen_roles, hash=False
    )

    @property
    def text(self) -> str:
        """The whole transcript as one string."""
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def has_speakers(self) -> bool:
        """Whether any segment carries a speaker label."""
        return any(s.speaker is not None for s in self.segments)

    @property
    def speakers(self) -> tuple[str, ...]:
        """The speaker labels, each once, in the order they first speak."""
        return tuple(dict.fromkeys(s.speaker for s in self.segments if s.speaker is not None))


@attrs.frozen
class ExtractedQuestion:
    """A question the interviewer asked, as found in the transcript, with a suggested answer."""

    question: str
    answer: str
    context: str = ""
    question_context: QuestionCategory = QuestionCategory.GENERAL
    is_global: bool = False
    start_time: float | None = None
    end_time: float | None = None
    quote: str | None = None  # the transcript words the extractor found it in, for grounding


@attrs.frozen
class Question:
    """A stored question: an extracted question bound to its interview and position.

    `created_at` and `updated_at` are set by the repository that stores it: the first write
    of the id, and the latest. They are storage metadata, left out of equality.
    """

    id: str
    interview_id: str
    position: int
    question: str
    answer: str
    context: str
    question_context: str
    is_global: bool
    start_time: float | None
    end_time: float | None
    user_id: str | None = None
    created_at: datetime | None = attrs.field(default=None, eq=False)
    updated_at: datetime | None = attrs.field(default=None, eq=False)


@attrs.frozen
class AudioFile:
    """Audio extracted from a video, ready for a transcriber."""

    path: Path
    duration: float
    sample_rate: int | None = None
    channels: int | None = None
    codec: str | None = None
    source: Path | None = None  # the video the audio came from, when known


@attrs.frozen
class KeptQuestions:
    """The grounded questions an attempt found, kept so that a retry does not ask for them
    again: `answered` once suggested answers replaced the extractor's (the suggest_answers
    stage ran), `dropped_count` how many the extractor named that the transcript lacks."""

    questions: tuple[ExtractedQuestion, ...]
    dropped_count: int = 0
    answered: bool = False
