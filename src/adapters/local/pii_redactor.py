"""PatternPiiRedactor: personal details out of any transcript, offline, by pattern and checksum."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from adapters.local.pii_boundaries import redact_across
from adapters.local.pii_patterns import Span, find_pii, redact_text, replace_spans
from interview_core.entities import Segment, Transcript, Word
from interview_core.personal_data import OFFLINE_TYPES, PiiType

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


class PatternPiiRedactor:
    """Replaces e-mail addresses, phone numbers, card numbers (Luhn-checked), IBANs (mod-97
    checked), URLs, US SSNs and UK National Insurance numbers with `[PII:<TYPE>]`.

    Segment text and words are searched each on their own, the words as one text joined
    by spaces, so that a value that speech recognition split into several words (`555`,
    `123`, `4567`) is found and becomes one word from the first one's start to the last
    one's end; any text of those words outside the value (a closing comma) stays on it.
    A value split between two segments (the end of one and the start of the next) is
    replaced in both, a marker in each.
    No model, no network: it works the same for every transcriber and language.
    """

    def __init__(self, types: Iterable[PiiType] = OFFLINE_TYPES) -> None:
        """Redact only `types` (those among the offline types; the others are ignored)."""
        self._types = frozenset(types) & OFFLINE_TYPES

    @property
    def types(self) -> frozenset[PiiType]:
        """The types this redactor replaces."""
        return self._types

    def redact(self, transcript: Transcript) -> Transcript:
        """`transcript` with every value of the chosen types replaced; the same object when
        nothing is found. Never raises for any text; redacting again changes nothing."""
        if not self._types:
            return transcript
        segments = redact_across(
            [self._segment(segment) for segment in transcript.segments], self._types
        )
        if all(new is old for new, old in zip(segments, transcript.segments, strict=True)):
            return transcript
        return attrs.evolve(transcript, segments=segments)

    def _segment(self, segment: Segment) -> Segment:
        text = redact_text(segment.text, self._types)
        words = redact_words(segment.words, self._types) if segment.words else segment.words
        if text == segment.text and words is segment.words:
            return segment
        return attrs.evolve(segment, text=text, words=words)


def redact_words(words: Sequence[Word], types: frozenset[PiiType]) -> tuple[Word, ...]:
    """`words` with the values of `types` replaced, a value over several words merged into
    one word that spans their times, again until nothing is found (as `redact_text`);
    `words` itself (as a tuple) when nothing is found."""
    result = tuple(words)
    while (redacted := _redact_words_once(result, types)) is not result:
        result = redacted
    return result


def _redact_words_once(words: tuple[Word, ...], types: frozenset[PiiType]) -> tuple[Word, ...]:
    """One pass of `redact_words`: `words` itself when nothing is found."""
    offsets: list[int] = []
    position = 0
    for word in words:
        offsets.append(position)
        position += len(word.text) + 1
    joined = " ".join(word.text for word in words)
    spans = find_pii(joined, types)
    if not spans:
        return words
    result: list[Word] = []
    index = 0
    for first, last, inside in _word_ranges(spans, offsets):
        result.extend(words[index:first])
        begin, finish = offsets[first], offsets[last] + len(words[last].text)
        local = [(start - begin, end - begin, kind) for start, end, kind in inside]
        result.append(
            Word(
                replace_spans(joined[begin:finish], local),
                words[first].start,
                max(word.end for word in words[first : last + 1]),
                words[first].confidence if first == last else None,
            )
        )
        index = last + 1
    result.extend(words[index:])
    return tuple(result)


def _word_ranges(spans: list[Span], offsets: list[int]) -> list[tuple[int, int, list[Span]]]:
    """Each run of words that spans touch (first index, last index, its spans), spans that
    share a word falling in one run."""
    ranges: list[tuple[int, int, list[Span]]] = []
    for span in spans:
        first = _word_at(offsets, span[0])
        last = _word_at(offsets, span[1] - 1)
        if ranges and first <= ranges[-1][1]:
            previous = ranges.pop()
            ranges.append((previous[0], max(last, previous[1]), [*previous[2], span]))
        else:
            ranges.append((first, last, [span]))
    return ranges


def _word_at(offsets: list[int], position: int) -> int:
    """The index of the word whose text holds `position` of the joined text."""
    low, high = 0, len(offsets) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if offsets[middle] <= position:
            low = middle
        else:
            high = middle - 1
    return low
