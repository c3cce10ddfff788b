"""Windows of a transcript: runs of segments sized in characters, overlapping a little."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_OVERLAP_SEGMENTS = 3
"""A window repeats at most this many of the previous one's last segments..."""
MAX_OVERLAP_SHARE = 0.15
"""...and at most this share of the previous window's characters (at least one segment)."""


@attrs.frozen
class Window:
    """Segments `start` (included) to `end` (excluded) of a transcript."""

    start: int
    end: int

    @property
    def size(self) -> int:
        """How many segments it holds."""
        return self.end - self.start


class WindowPlan:
    """Cuts a transcript's rendered lines (one per segment, "" for a silent one) into windows."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lengths = [len(line) + 1 if line else 0 for line in lines]

    @property
    def segments(self) -> int:
        """How many segments the transcript has."""
        return len(self._lengths)

    def chars(self, window: Window) -> int:
        """The characters of the window's lines."""
        return sum(self._lengths[window.start : window.end])

    def window_from(self, start: int, target_chars: int) -> Window:
        """The longest window from `start` within `target_chars` (at least one segment)."""
        end = start + 1
        used = self._lengths[start]
        while end < len(self._lengths) and used + self._lengths[end] <= target_chars:
            used += self._lengths[end]
            end += 1
        return Window(start, end)

    def overlap(self, window: Window) -> int:
        """How many of the window's last segments the next one repeats, so that a question
        spread over a window's end is whole in the next one: up to MAX_OVERLAP_SEGMENTS and
        MAX_OVERLAP_SHARE of its characters, at least one, and never the whole window."""
        budget = MAX_OVERLAP_SHARE * self.chars(window)
        count, used = 0, 0
        for index in range(window.end - 1, window.start, -1):
            if count >= MAX_OVERLAP_SEGMENTS or used + self._lengths[index] > budget:
                break
            count += 1
            used += self._lengths[index]
        return max(count, 1) if window.size > 1 else 0

    def split(self, window: Window) -> tuple[Window, Window] | None:
        """The window in two halves by characters, the second repeating the first's overlap;
        None for a window of one segment."""
        if window.size < 2:
            return None
        half = self.chars(window) / 2
        middle, used = window.start + 1, self._lengths[window.start]
        while middle < window.end - 1 and used + self._lengths[middle] <= half:
            used += self._lengths[middle]
            middle += 1
        first = Window(window.start, middle)
        second_start = max(window.start + 1, middle - self.overlap(first))
        return first, Window(second_start, window.end)
