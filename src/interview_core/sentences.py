"""Cutting a transcript into sentences, each with its own start, end and speaker."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from interview_core.entities import Segment, Transcript, Word

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

TERMINALS = ".?!…。？！"
"""Characters that end a sentence (after any closing quotes or brackets)."""

_CLOSERS = "\"')]}»”’」』）】"
_OPENERS = "\"'([{«“‘"
_ATTACHING = frozenset(".,;:?!…%)]}\"'”’»")

_UNSPACED_SENTENCE = re.compile(r"[^。？！]*[。？！]+[\"'”’」』）】]*|[^。？！]+")
"""A sentence in a piece of text without spaces: up to full-width terminals and closers."""

# Abbreviations that never end a sentence: titles and Latin shorthands.
_NEVER_FINAL = frozenset(
    {
        "mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "jr.", "st.", "mt.", "vs.", "v.",
        "e.g.", "i.e.", "cf.", "approx.", "fig.", "dept.", "inc.", "ltd.", "co.", "corp.",
    }
)  # fmt: skip
# Abbreviations that end a sentence only when the next word starts with a capital.
_MAYBE_FINAL = frozenset({"etc.", "a.m.", "p.m.", "al."})


@attrs.frozen
class _Token:
    """One word of the stream, with the recognised word when there was one."""

    text: str
    start: float
    end: float
    speaker: str | None
    word: Word | None


def split_sentences(transcript: Transcript, *, pause_break: float | None = None) -> Transcript:
    """The transcript re-cut so that every segment is one sentence.

    Segments are read as one stream of words: recognised words where a segment has them,
    otherwise the segment's text split on whitespace (and after the full-width '。', '？',
    '！' of scripts written without spaces) with its time spread over the words in
    proportion to their length in characters. A sentence ends after a word ending in '.',
    '?' or '!' (not after abbreviations such as "e.g." or "Dr.", nor inside decimals), at
    every change of speaker, at the end of the transcript and, when `pause_break` is given,
    at a silence of at least that many seconds between two words. So a sentence may run
    across recogniser segments, and a segment holding several sentences is cut apart.

    Each sentence keeps its speaker, starts at its first word's start and ends at its last
    word's end; it carries its recognised words when all of them had timings. Words are
    neither dropped nor reordered. Language and duration are kept. Never raises.
    """
    sentences: list[Segment] = []
    current: list[_Token] = []
    for token in _tokens(transcript.segments):
        if current and _breaks_between(current[-1], token, pause_break):
            sentences.append(_sentence(current))
            current = []
        current.append(token)
    if current:
        sentences.append(_sentence(current))
    return Transcript(
        segments=tuple(sentences), language=transcript.language, duration=transcript.duration
    )


def ends_sentence(word: str, next_word: str | None) -> bool:
    """Whether `word`, followed by `next_word` (None at the end), closes a sentence."""
    core = word.rstrip(_CLOSERS)
    if not core or core[-1] not in TERMINALS:
        return False
    if core[-1] not in ".…":
        return True
    lowered = core.lower().lstrip(_OPENERS)
    if lowered in _NEVER_FINAL or _is_initial(lowered):
        return False
    if next_word is None:
        return True
    if len(lowered) >= 2 and lowered[-2].isdigit() and next_word[:1].isdigit():
        return False  # a decimal number cut in two by the recogniser: "3." "5"
    if lowered in _MAYBE_FINAL or lowered.endswith(("..", "…")) or _is_dotted_acronym(lowered):
        return _starts_with_capital(next_word)
    return True


def _breaks_between(previous: _Token, token: _Token, pause_break: float | None) -> bool:
    if token.speaker != previous.speaker:
        return True
    if pause_break is not None and token.start - previous.end >= pause_break:
        return True
    return ends_sentence(previous.text, token.text)


def _tokens(segments: Iterable[Segment]) -> Iterator[_Token]:
    for segment in segments:
        words = [word for word in segment.words if word.text.strip()]
        if words:
            for word in words:
                yield _Token(word.text.strip(), word.start, word.end, segment.speaker, word)
        else:
            yield from _spread(segment)


def _spread(segment: Segment) -> Iterator[_Token]:
    """The segment's text as tokens timed in proportion to their character offsets; a piece
    without spaces that holds several sentences ("你好。请问……？") is cut after each one."""
    pieces = [part for piece in segment.text.split() for part in _UNSPACED_SENTENCE.findall(piece)]
    total = len(" ".join(pieces))
    span = max(segment.end - segment.start, 0.0)
    offset = 0
    for piece in pieces:
        start = min(segment.start + span * offset / total, segment.end)
        offset += len(piece)
        end = min(segment.start + span * offset / total, segment.end)
        offset += 1
        yield _Token(piece, start, max(start, end), segment.speaker, None)


def _sentence(tokens: list[_Token]) -> Segment:
    first, last = tokens[0], tokens[-1]
    words = tuple(token.word for token in tokens if token.word is not None)
    return Segment(
        text=_join(token.text for token in tokens),
        start=first.start,
        end=max(last.end, first.start),
        speaker=first.speaker,
        words=words if len(words) == len(tokens) else (),
    )


def _join(texts: Iterable[str]) -> str:
    """Words joined by spaces; a word made only of punctuation sticks to the one before."""
    parts: list[str] = []
    for text in texts:
        if parts and all(char in _ATTACHING for char in text):
            parts[-1] += text
        else:
            parts.append(text)
    return " ".join(parts)


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[0].isalpha() and word[1] == "."


def _is_dotted_acronym(word: str) -> bool:
    """Letters each followed by a dot, at least two of them: "u.s.", "a.i."."""
    if len(word) < 4 or len(word) % 2:
        return False
    return all(word[i].isalpha() and word[i + 1] == "." for i in range(0, len(word), 2))


def _starts_with_capital(word: str) -> bool:
    for char in word:
        if char.isalpha():
            return char.isupper()
        if char.isdigit():
            return False
    return False
