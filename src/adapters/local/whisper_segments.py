"""Turns the recogniser's lazy segments of each audio window into the transcript's segments."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from interview_core.entities import Segment, Word

if TYPE_CHECKING:
    from adapters.local.audio_windows import AudioWindow
    from interview_core.ports import ProgressCallback

REHEARD_SECONDS = 0.05


class SegmentCollector:
    """Gathers segments window by window, in recording time, each word once.

    Times the recogniser gives relative to a window are moved by the window's offset. A word
    is kept by the window whose own stretch holds its middle, unless it ends within
    `REHEARD_SECONDS` of the end of what earlier windows kept: the tail of a word cut at the
    window's start, heard whole by the window before. A segment keeps only its kept words.
    Word times stay in order and within the audio. `progress` hears (seconds done, `total`)
    as segments arrive; `total` is what the file's header says and only bounds what is
    reported.
    """

    def __init__(self, total: float, progress: ProgressCallback | None) -> None:
        self._total = total
        self._progress = progress
        self._segments: list[Segment] = []
        self._last_end = 0.0
        self._earlier_end = -math.inf
        self._done = 0.0

    @property
    def segments(self) -> tuple[Segment, ...]:
        """Every segment kept so far, in order."""
        return tuple(self._segments)

    def collect(self, raw_segments: Any, window: AudioWindow) -> None:
        """Consume the recogniser's segments for `window`, keeping what belongs to it."""
        self._earlier_end = self._last_end if self._segments else -math.inf
        for raw in raw_segments:
            segment = self._segment(raw, window)
            if segment is not None:
                self._segments.append(segment)
            self._advance(min(_moved(raw.end, window.offset), window.end))

    def finish_window(self, window: AudioWindow) -> None:
        """Report the window's own stretch as done, even where nothing was heard."""
        self._advance(min(window.keep_until, window.end))

    def _segment(self, raw: Any, window: AudioWindow) -> Segment | None:
        """The part of one recognised segment that belongs to `window`, if any."""
        offset = window.offset
        heard: list[tuple[str, float, float, float]] = []
        for raw_word in raw.words or ():
            if not (text := str(raw_word.word).strip()):
                continue
            start, end = _moved(raw_word.start, offset), _moved(raw_word.end, offset)
            probability = float(raw_word.probability)
            if heard and _continues_word(str(raw_word.word)):
                before, first_start, _, first_probability = heard[-1]
                heard[-1] = (before + text, first_start, end, min(first_probability, probability))
            else:
                heard.append((text, start, end, probability))
        kept = [
            word
            for word in heard
            if window.keeps(word[1], word[2]) and word[2] > self._earlier_end + REHEARD_SECONDS
        ]
        words = []
        for text, start, end, probability in kept:
            start, self._last_end = self._ordered(start, end, window.end)
            words.append(Word(text, start, self._last_end, probability))
        text = str(raw.text).strip()
        if words:
            if len(kept) < len(heard):
                text = " ".join(word.text for word in words)
            return Segment(text, words[0].start, words[-1].end, words=tuple(words))
        start, end = _moved(raw.start, offset), _moved(raw.end, offset)
        if not text or heard or not window.keeps(start, end):
            return None
        start, self._last_end = self._ordered(start, end, window.end)
        return Segment(text, start, self._last_end)

    def _advance(self, seconds: float) -> None:
        done = max(self._done, min(seconds, self._total))
        if done > self._done:
            self._done = done
            if self._progress is not None:
                self._progress(done, self._total)

    def _ordered(self, start: float, end: float, limit: float) -> tuple[float, float]:
        """A (start, end) pair kept after the last word, within the window, not reversed."""
        start = min(max(float(start), self._last_end), limit)
        return start, min(max(float(end), start), limit)


def _continues_word(raw_text: str) -> bool:
    """Whether a recognised word is the hyphenated rest of the word before it.

    Whisper gives "check-out" as " check" and "-out": a word with no space before it that
    begins with a hyphen belongs to the previous one. Words of languages written without
    spaces also come without one, so nothing else is joined.
    """
    return raw_text[:1] in _HYPHENS


_HYPHENS = frozenset("-\u2010\u2011")
"""A hyphen, and Unicode's hyphen and non-breaking hyphen."""


def _moved(seconds: Any, offset: float) -> float:
    """A time in a window as recording seconds, to the millisecond (the model gives 10 ms)."""
    return round(float(seconds) + offset, 3)
