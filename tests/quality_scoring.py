"""Scoring extracted questions against a sample's ground truth by normalised text."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

JACCARD_THRESHOLD = 0.6
_PUNCTUATION = str.maketrans(
    dict.fromkeys(string.punctuation + "“”«»…—–¿¡", " ") | {"'": "", "’": "", "‘": ""}
)


def normalise(text: str) -> str:
    """Lowercased; apostrophes dropped, other punctuation made spaces; spaces collapsed."""
    return " ".join(text.lower().translate(_PUNCTUATION).split())


def similarity(found: str, expected: str) -> float:
    """1.0 when one normalised text contains the other as whole words, else the Jaccard
    similarity of their word sets (0.0 when either is empty)."""
    a, b = normalise(found), normalise(expected)
    if not a or not b:
        return 0.0
    if f" {a} " in f" {b} " or f" {b} " in f" {a} ":
        return 1.0
    words_a, words_b = set(a.split()), set(b.split())
    return len(words_a & words_b) / len(words_a | words_b)


def texts_match(found: str, expected: str) -> bool:
    """Whether two question texts match: one contains the other, or their word sets have a
    Jaccard similarity of at least JACCARD_THRESHOLD."""
    return similarity(found, expected) >= JACCARD_THRESHOLD


def _contains(found: str, expected: str) -> bool:
    a, b = normalise(found), normalise(expected)
    return bool(b) and f" {b} " in f" {a} "


def expected_questions(script: dict[str, Any]) -> list[str]:
    """The interviewer questions of a sample's script.json: turns marked "question": true."""
    return [turn["text"] for turn in script["turns"] if turn.get("question") is True]


@dataclass(frozen=True)
class QualityScore:
    """How well found questions cover the expected ones."""

    expected: int
    found: int
    matched_expected: int  # expected questions matched by at least one found question
    matched_found: int  # found questions that match an expected question

    @property
    def recall(self) -> float:
        """Share of expected questions found; 1.0 when none were expected."""
        return self.matched_expected / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Share of found questions that are expected ones; 1.0 when none were found."""
        return self.matched_found / self.found if self.found else 1.0


def score_questions(found: Sequence[str], expected: Sequence[str]) -> QualityScore:
    """Score `found` question texts against `expected` ones.

    Each found question matches the expected question it is most similar to, if any
    matches. A found question that contains two or more expected questions whole (a run of
    the transcript rather than one question) is a false positive and matches none.
    """
    matched_expected: set[int] = set()
    matched_found = 0
    for text in found:
        if sum(_contains(text, question) for question in expected) >= 2:
            continue
        scores = [similarity(text, question) for question in expected]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= JACCARD_THRESHOLD:
            matched_found += 1
            matched_expected.add(best)
    return QualityScore(len(expected), len(found), len(matched_expected), matched_found)


TABLE_COLUMNS = ("sample", "mode", "expected", "found", "matched", "recall", "precision")


def format_table(rows: Iterable[tuple[str, str, QualityScore]]) -> str:
    """A plain text table of scores, one line per (sample, mode)."""
    lines = [
        (sample, mode, str(s.expected), str(s.found), str(s.matched_expected),
         f"{s.recall:.2f}", f"{s.precision:.2f}")
        for sample, mode, s in rows
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in [TABLE_COLUMNS, *lines]) for i in range(7)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [TABLE_COLUMNS, *lines]
    )
