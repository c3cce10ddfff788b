"""Grounding: a question is kept only where the transcript shows it was asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from interview_core.transcript_index import TranscriptIndex

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import ExtractedQuestion, Transcript

CLOSE_MATCH = 0.8
"""The share of a question's words, in order, that nearby lines must hold for a close match."""

_SLACK_SECONDS = 0.05


@attrs.frozen
class Grounded:
    """The questions found in the transcript, and how many were not."""

    kept: tuple[ExtractedQuestion, ...]
    dropped: int


def ground_questions(extracted: Sequence[ExtractedQuestion], transcript: Transcript) -> Grounded:
    """Keep each question found in the transcript, by its quote (or the quote's first eight
    words) or by a close match of its own words (`CLOSE_MATCH`); drop the rest. In scripts
    written without spaces (Chinese, Japanese, Thai, ...) the words are its characters, two
    to a word (see `transcript_index.words_of`).

    A kept question's times are where it was found; times the extractor gave are kept only
    when they lie within that place (finer than whole lines). Order is kept.
    """
    index = TranscriptIndex.of(transcript.segments)
    kept: list[ExtractedQuestion] = []
    for question in extracted:
        span = _find(index, question)
        if span is None:
            continue
        kept.append(attrs.evolve(question, start_time=span[0], end_time=span[1]))
    return Grounded(tuple(kept), len(extracted) - len(kept))


def _find(index: TranscriptIndex, question: ExtractedQuestion) -> tuple[float, float] | None:
    near = question.start_time
    span = index.locate(question.quote, near=near) if question.quote else None
    if span is None:
        span = index.closest(question.question, threshold=CLOSE_MATCH, near=near)
    if span is None:
        return None
    start, end = question.start_time, question.end_time
    if (
        start is not None
        and end is not None
        and span[0] - _SLACK_SECONDS <= start < end <= span[1] + _SLACK_SECONDS
    ):
        return start, end
    return span
