"""Values that speech recognition split between two segments (`call me on 555` | `123 4567`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from adapters.local.pii_patterns import find_pii
from interview_core.entities import Segment, Word
from interview_core.personal_data import marker

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.personal_data import PiiType

EDGE_CHARS = 120
"""How much of each segment's end and start is searched for a value split between them."""
EDGE_WORDS = 12


def redact_across(segments: Sequence[Segment], types: frozenset[PiiType]) -> tuple[Segment, ...]:
    """`segments` with each value that one segment's end and the next one's start make
    together replaced in both: its part in each becomes a marker (in the words, one word
    spanning that part's times). The segments themselves when nothing is split."""
    result = list(segments)
    for index in range(len(result) - 1):
        first, second = result[index], result[index + 1]
        text_a, text_b = _texts(first.text, second.text, types)
        words_a, words_b = _words(first.words, second.words, types)
        if text_a != first.text or words_a is not first.words:
            result[index] = attrs.evolve(first, text=text_a, words=words_a)
        if text_b != second.text or words_b is not second.words:
            result[index + 1] = attrs.evolve(second, text=text_b, words=words_b)
    return tuple(result)


def _texts(first: str, second: str, types: frozenset[PiiType]) -> tuple[str, str]:
    tail, head = first[-EDGE_CHARS:], second[:EDGE_CHARS]
    joined, cut = f"{tail} {head}", len(tail)
    for start, end, kind in find_pii(joined, types):
        if start < cut and end > cut + 1:
            kept_head = second[max(end - cut - 1, 0) :]
            return first[: len(first) - len(tail) + start] + marker(kind), marker(kind) + kept_head
    return first, second


def _words(
    first: tuple[Word, ...], second: tuple[Word, ...], types: frozenset[PiiType]
) -> tuple[tuple[Word, ...], tuple[Word, ...]]:
    if not first or not second:
        return first, second
    tail, head = first[-EDGE_WORDS:], second[:EDGE_WORDS]
    edge = [*tail, *head]
    offsets: list[int] = []
    position = 0
    for word in edge:
        offsets.append(position)
        position += len(word.text) + 1
    joined = " ".join(word.text for word in edge)
    cut = offsets[len(tail)]  # where the second segment's first word starts
    for start, end, kind in find_pii(joined, types):
        if start < cut - 1 and end > cut:
            a = max(n for n in range(len(tail)) if offsets[n] <= start)
            b = max(n for n in range(len(tail), len(edge)) if offsets[n] < end) - len(tail)
            prefix = tail[a].text[: start - offsets[a]]
            suffix = head[b].text[end - offsets[len(tail) + b] :]
            ending = Word(prefix + marker(kind), tail[a].start, max(w.end for w in tail[a:]))
            opening = Word(marker(kind) + suffix, head[0].start, max(w.end for w in head[: b + 1]))
            kept_first = first[: len(first) - len(tail) + a]
            return (*kept_first, ending), (opening, *second[b + 1 :])
    return first, second
