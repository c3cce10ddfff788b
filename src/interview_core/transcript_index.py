"""Where words occur in a transcript, ignoring case, punctuation, width and spacing."""

from __future__ import annotations

import bisect
import re
import unicodedata
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Segment

_UNSPACED = (
    "\u0e00-\u0e4e\u0e50-\u0e59\u0e5c-\u0eff"  # Thai and Lao, without their punctuation
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17d3\u17dc-\u17ff"  # Khmer, without its punctuation
    "\u3005-\u3007\u3040-\u30fa\u30fc-\u30ff\u31f0-\u31ff"  # kana, 々 〆 〇
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # Han
)
"""Scripts written without spaces between words: each of their characters is a token."""

_CHARACTER = re.compile(rf"[{_UNSPACED}]")
_TOKENS = re.compile(rf"[{_UNSPACED}]|(?:(?![{_UNSPACED}])\w)+")
_WINDOW_LINES = 3
"""A question found by a close match spans at most this many consecutive lines."""

PREFIX_WORDS = 8
"""A quote that runs on past what was said is found by its first eight words..."""
_CHARACTERS_PER_WORD = 2
"""...where, in a script without spaces, two characters count as a word."""


def words_of(text: str) -> list[str]:
    """The tokens of `text`, lower-cased and width-folded (NFKC), without punctuation: its
    words, and each character of a script written without spaces (Chinese and Japanese
    characters, kana, Thai, Lao, Khmer, Myanmar), so that a quote is matched by characters
    where there are no spaces to find words by."""
    return _TOKENS.findall(unicodedata.normalize("NFKC", text).lower())


def is_character(token: str) -> bool:
    """Whether `token` is one character of a script written without spaces."""
    return _CHARACTER.fullmatch(token) is not None


def prefix_of(tokens: list[str]) -> list[str]:
    """The first `PREFIX_WORDS` words of `tokens`, counting `_CHARACTERS_PER_WORD` characters
    of a script without spaces as one word."""
    budget = PREFIX_WORDS * _CHARACTERS_PER_WORD
    for count, token in enumerate(tokens):
        budget -= _weight(token)
        if budget <= 0:
            return tokens[: count + 1]
    return tokens


@attrs.frozen
class TranscriptIndex:
    """The transcript's words, to locate exact quotes and close matches of a text."""

    segments: tuple[Segment, ...]
    text: str
    offsets: tuple[int, ...]
    line_words: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> TranscriptIndex:
        """Index the segments' words; segments without words are left out."""
        kept: list[Segment] = []
        parts: list[str] = []
        offsets: list[int] = []
        line_words: list[tuple[str, ...]] = []
        position = 0
        for segment in segments:
            found = words_of(segment.text)
            if not found:
                continue
            words = " ".join(found)
            kept.append(segment)
            offsets.append(position)
            parts.append(words)
            line_words.append(tuple(found))
            position += len(words) + 1
        return cls(tuple(kept), " ".join(parts), tuple(offsets), tuple(line_words))

    def locate(self, quote: str, *, near: float | None = None) -> tuple[float, float] | None:
        """(start, end) of the segments holding `quote`, or of its first eight words (sixteen
        characters of a script without spaces); else None.

        Whole words (and characters) only. Of several places, the one starting nearest `near`
        seconds (the first when `near` is None).
        """
        words = words_of(quote)
        for candidate in (words, prefix_of(words)):
            if not candidate:
                continue
            spans = self._spans_of(" ".join(candidate))
            if spans:
                return _nearest(spans, near)
        return None

    def closest(
        self, text: str, *, threshold: float, near: float | None = None
    ) -> tuple[float, float] | None:
        """(start, end) of up to three consecutive lines that hold at least `threshold` of
        `text`'s words in its order; of several, the best covered, then the one with the fewest
        other words, then the nearest `near`. A character of a script without spaces weighs
        half a word, so a short question in such a script, or one mixing in an English word,
        is not matched by a few shared characters."""
        wanted = words_of(text)
        if not wanted:
            return None
        weights = [_weight(token) for token in wanted]
        total = sum(weights)
        needed = threshold * total
        wanted_set = set(wanted)
        needed_distinct = threshold * len(wanted_set)
        best: list[tuple[tuple[float, float], tuple[float, float]]] = []
        for first in range(len(self.segments)):
            window: list[str] = []
            for last in range(first, min(first + _WINDOW_LINES, len(self.segments))):
                window.extend(self.line_words[last])
                if len(wanted_set.intersection(window)) < needed_distinct:
                    continue  # cheap: too few of the words to be worth aligning
                matcher = SequenceMatcher(None, wanted, window, autojunk=False)
                covered = sum(
                    sum(weights[block.a : block.a + block.size])
                    for block in matcher.get_matching_blocks()
                )
                if covered >= needed:
                    span = (self.segments[first].start, self.segments[last].end)
                    extent = sum(_weight(token) for token in window)
                    best.append(((covered / total, covered / extent), span))
                    break  # a longer window from the same line covers no less
        if not best:
            return None
        top = max(score for score, _ in best)
        return _nearest([span for score, span in best if score == top], near)

    def end_of_line_at(self, seconds: float) -> float | None:
        """The end of the segment under way at `seconds`, or None beyond the transcript."""
        starts = [segment.start for segment in self.segments]
        index = bisect.bisect_right(starts, seconds + 0.05) - 1
        if index < 0 or seconds > self.segments[index].end + 1.0:
            return None
        return self.segments[index].end

    def _spans_of(self, phrase: str) -> list[tuple[float, float]]:
        padded = f" {self.text} "
        spans: list[tuple[float, float]] = []
        at = padded.find(f" {phrase} ")
        while at >= 0:
            first = bisect.bisect_right(self.offsets, at) - 1
            last = bisect.bisect_right(self.offsets, at + len(phrase) - 1) - 1
            spans.append((self.segments[first].start, self.segments[last].end))
            at = padded.find(f" {phrase} ", at + 1)
        return spans


def _weight(token: str) -> int:
    """A word weighs `_CHARACTERS_PER_WORD`, a character of a script without spaces one."""
    return 1 if is_character(token) else _CHARACTERS_PER_WORD


def _nearest(spans: list[tuple[float, float]], near: float | None) -> tuple[float, float]:
    if near is None:
        return spans[0]
    return min(spans, key=lambda span: abs(span[0] - near))
