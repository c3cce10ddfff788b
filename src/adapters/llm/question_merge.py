"""Questions found in overlapping windows, merged in order and stored once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interview_core.transcript_index import words_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import ExtractedQuestion

TIME_TOLERANCE_SECONDS = 2.0
"""Two questions starting this close (or whose spans overlap) may be one question..."""
SAME_WORDS = 0.8
"""...if their words (quote, else question) overlap this much, or one's words hold the
other's, as when one window saw only the start of a question the next one saw whole."""
MIN_HELD_WORDS = 3
"""The fewest words a wording must have for "held in another" to count."""


def merge_windows(
    found: Sequence[tuple[float, Sequence[ExtractedQuestion]]],
) -> tuple[list[ExtractedQuestion], int]:
    """The questions of every window, `(window start seconds, questions)` in window order,
    as one list in the order asked, and how many duplicates were left out.

    A question is a duplicate of one kept from another window when both are grounded at the
    same place (start times within TIME_TOLERANCE_SECONDS or overlapping spans) with the same
    words (SAME_WORDS); within one window, only a question named twice word for word at the
    same place is. Of two duplicates the longer wording is kept, at the earlier place.
    """
    tagged: list[tuple[float, int, int, ExtractedQuestion]] = []
    for number, (window_start, questions) in enumerate(found):
        place = window_start  # a question without a time stays after the one before it
        for position, question in enumerate(questions):
            place = question.start_time if question.start_time is not None else place
            tagged.append((place, number, position, question))
    tagged.sort(key=lambda item: item[:3])
    kept: list[tuple[int, ExtractedQuestion]] = []
    duplicates = 0
    for _, number, _, question in tagged:
        twin = next(
            (
                index
                for index in range(len(kept) - 1, -1, -1)
                if _same(kept[index], (number, question))
            ),
            None,
        )
        if twin is None:
            kept.append((number, question))
            continue
        duplicates += 1
        if len(question.question) > len(kept[twin][1].question):
            kept[twin] = (kept[twin][0], question)
    return [question for _, question in kept], duplicates


def _same(kept: tuple[int, ExtractedQuestion], new: tuple[int, ExtractedQuestion]) -> bool:
    (window_a, a), (window_b, b) = kept, new
    if a.start_time is None or b.start_time is None:
        return a.start_time == b.start_time and _normal(a.question) == _normal(b.question)
    if not _near(a, b):
        return False
    if window_a == window_b:  # one line may hold two questions: only a repeat is the same
        same_quote = bool(a.quote and b.quote and _normal(a.quote) == _normal(b.quote))
        return same_quote or _normal(a.question) == _normal(b.question)
    return _similar(a.quote or a.question, b.quote or b.question) or _similar(
        a.question, b.question
    )


def _near(a: ExtractedQuestion, b: ExtractedQuestion) -> bool:
    start_a, start_b = a.start_time or 0.0, b.start_time or 0.0
    if abs(start_a - start_b) <= TIME_TOLERANCE_SECONDS:
        return True
    end_a = a.end_time if a.end_time is not None else start_a
    end_b = b.end_time if b.end_time is not None else start_b
    return start_a < end_b and start_b < end_a


def _similar(text_a: str, text_b: str) -> bool:
    words_a, words_b = set(words_of(text_a)), set(words_of(text_b))
    if not words_a or not words_b:
        return False
    if min(len(words_a), len(words_b)) >= MIN_HELD_WORDS and (
        words_a <= words_b or words_b <= words_a
    ):
        return True
    return len(words_a & words_b) / len(words_a | words_b) >= SAME_WORDS


def _normal(text: str) -> str:
    return " ".join(words_of(text))
