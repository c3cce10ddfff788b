"""Subtitle cues from a transcript: lines of at most 42 columns, at most two lines a cue."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from interview_core.entities import Segment, Transcript

MAX_LINE_COLUMNS = 42
"""The longest line, in columns: a wide (Chinese, Japanese, Korean) character counts two."""
MAX_CUE_LINES = 2
MIN_CUE_SECONDS = 0.5
"""A cue with no length (a segment timed at one instant) is shown this long, or until the
next cue starts when that comes sooner."""
MAX_SPEAKER_COLUMNS = 20
"""A speaker name longer than this is cut, so that the prefix leaves room for the text."""

_UNSPACED = (
    "\u0e00-\u0e4e\u0e50-\u0e59\u0e5c-\u0eff"  # Thai and Lao, without their punctuation
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17d3\u17dc-\u17ff"  # Khmer, without its punctuation
    "\u3005-\u3007\u3040-\u30fa\u30fc-\u30ff\u31f0-\u31ff"  # kana, 々 〆 〇
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\U00020000-\U0003134f"  # Han, Hangul
)
_RUNS = re.compile(rf"[{_UNSPACED}]|[^{_UNSPACED}]+")
"""A line may break between two characters of a script written without spaces."""
_ARROW = re.compile(r"--+>")


@attrs.frozen
class Cue:
    """One subtitle: its time, its speaker's name (when known) and its lines of text, the
    first of which the speaker's name will precede."""

    start: float
    end: float
    lines: tuple[str, ...]
    speaker: str | None = None


def clean_text(text: str) -> str:
    """`text` as one line: control characters and runs of white space become one space, a
    lone surrogate becomes U+FFFD, and `-->` (a timing line's arrow) becomes `->`."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category == "Cs":
            kept.append("\ufffd")
        else:
            kept.append(char)
    return _ARROW.sub("->", " ".join("".join(kept).split()))


def columns(text: str) -> int:
    """How many columns `text` takes: wide characters two, combining marks none."""
    return sum(_columns(char) for char in text)


def speaker_names(transcript: Transcript, roles: Mapping[str, str] | None = None) -> dict[str, str]:
    """The name shown for each speaker label: its role (Interviewer, Candidate) when `roles`
    gives one, numbered when several labels share it (Interviewer 1, Interviewer 2), else
    the label itself; cut to MAX_SPEAKER_COLUMNS."""
    labels = list(dict.fromkeys(s.speaker for s in transcript.segments if s.speaker))
    role_of = {
        label: role.strip().lower()
        for label, role in (roles or {}).items()
        if isinstance(role, str) and role.strip().lower() in ("interviewer", "candidate")
    }
    shared = {
        role: [label for label in labels if role_of.get(label) == role] for role in role_of.values()
    }
    names = {}
    for label in labels:
        role = role_of.get(label)
        if role is None:
            name = clean_text(label)
        elif len(shared[role]) > 1:
            name = f"{role.capitalize()} {shared[role].index(label) + 1}"
        else:
            name = role.capitalize()
        names[label] = _cut(name or "?", MAX_SPEAKER_COLUMNS)
    return names


def speaker_roles(transcript: Transcript) -> Mapping[str, str] | None:
    """The roles the transcript gives its speaker labels (`{label: interviewer|candidate}`,
    `speaker_roles` in transcript.json) when it carries them."""
    return transcript.speaker_roles or None


def transcript_cues(transcript: Transcript, roles: Mapping[str, str] | None = None) -> list[Cue]:
    """The transcript's segments as cues in time order: a segment too long for one cue is
    split into several, timed by its word timings when they match its text, else in
    proportion to the characters; a segment with no text gives none. `roles` (by default
    the transcript's own) name the speakers."""
    names = speaker_names(transcript, speaker_roles(transcript) if roles is None else roles)
    cues: list[Cue] = []
    for segment in sorted(transcript.segments, key=lambda s: s.start):
        if math.isfinite(segment.start) and math.isfinite(segment.end):
            name = names.get(segment.speaker) if segment.speaker else None
            cues.extend(_segment_cues(segment, name))
    return _with_length(sorted(cues, key=lambda c: c.start))


# --- one segment ---------------------------------------------------------------------------


@attrs.frozen
class _Piece:
    """Characters `first`..`last` of the segment's text, on one line."""

    text: str
    first: int
    last: int
    spaced: bool  # a space separates it from the piece before


def _segment_cues(segment: Segment, speaker: str | None) -> Iterator[Cue]:
    text = clean_text(segment.text)
    if not text:
        return
    times = _char_times(segment, text)
    prefix = columns(f"{speaker}: ") if speaker else 0
    lines = _lines(_pieces(text), lambda n: MAX_LINE_COLUMNS - (prefix if n % 2 == 0 else 0))
    for at in range(0, len(lines), MAX_CUE_LINES):
        group = lines[at : at + MAX_CUE_LINES]
        start = times[group[0][0].first][0]
        end = times[group[-1][-1].last][1]
        rendered = tuple(_joined(line) for line in group)
        yield Cue(start=start, end=max(end, start), lines=rendered, speaker=speaker)


def _pieces(text: str) -> Iterator[_Piece]:
    """The places a line may break: between words, and between characters of a script
    written without spaces (punctuation stays with the character before it)."""
    offset = 0
    for word in text.split(" "):
        spaced = offset > 0
        glue = False
        previous: _Piece | None = None
        at = offset
        for run in _RUNS.findall(word):
            punctuation = not any(char.isalnum() for char in run)
            if previous is not None and (glue or punctuation):
                previous = _Piece(
                    previous.text + run, previous.first, at + len(run) - 1, previous.spaced
                )
                glue = False
            else:
                if previous is not None:
                    yield previous
                previous = _Piece(run, at, at + len(run) - 1, spaced)
                spaced = False
                glue = punctuation
            at += len(run)
        if previous is not None:
            yield previous
        offset += len(word) + 1


def _lines(pieces: Iterator[_Piece], width: Callable[[int], int]) -> list[list[_Piece]]:
    """Pieces filled greedily into lines, line `n` at most `width(n)` columns; a piece
    wider than a whole line is cut between characters."""
    lines: list[list[_Piece]] = []
    line: list[_Piece] = []
    used = 0
    for piece in pieces:
        wide = columns(piece.text)
        gap = 1 if piece.spaced and line else 0
        if line and used + gap + wide <= width(len(lines)):
            line.append(piece)
            used += gap + wide
            continue
        if line:
            lines.append(line)
        line, used = [], 0
        while columns(piece.text) > width(len(lines)):
            head, piece = _cut_piece(piece, width(len(lines)))
            lines.append([head])
        line, used = [attrs.evolve(piece, spaced=False)], columns(piece.text)
    if line:
        lines.append(line)
    return lines


def _cut_piece(piece: _Piece, width: int) -> tuple[_Piece, _Piece]:
    """The longest head of `piece` that fits `width` columns (at least one character, never
    parted from its combining marks), and the rest."""
    used, cut = 0, 0
    for index, char in enumerate(piece.text):
        wide = _columns(char)
        if index > 0 and wide > 0 and used + wide > width:
            break
        used += wide
        cut = index + 1
    head = _Piece(piece.text[:cut], piece.first, piece.first + cut - 1, piece.spaced)
    rest = _Piece(piece.text[cut:], piece.first + cut, piece.last, False)
    return head, rest


def _joined(line: Sequence[_Piece]) -> str:
    return "".join(
        (" " if piece.spaced and index else "") + piece.text for index, piece in enumerate(line)
    )


def _char_times(segment: Segment, text: str) -> list[tuple[float, float]]:
    """When each character of `text` is said: from the word it belongs to when the words
    spell the text, else spread evenly over the segment."""
    words = [(clean_text(word.text), word.start, word.end) for word in segment.words]
    spelled = "".join(spelling.replace(" ", "") for spelling, _, _ in words)
    if (
        spelled
        and spelled == text.replace(" ", "")
        and all(math.isfinite(start) and math.isfinite(end) for _, start, end in words)
    ):
        said = iter(
            [
                (start, max(start, end))
                for spelling, start, end in words
                for char in spelling
                if char != " "
            ]
        )
        return [next(said) if char != " " else (0.0, 0.0) for char in text]
    span = max(segment.end - segment.start, 0.0)
    count = len(text)
    return [
        (segment.start + span * index / count, segment.start + span * (index + 1) / count)
        for index in range(count)
    ]


# --- all cues ------------------------------------------------------------------------------


def _with_length(cues: list[Cue]) -> list[Cue]:
    """Give a cue with no length MIN_CUE_SECONDS, up to the next later cue's start."""
    result = []
    for index, cue in enumerate(cues):
        if cue.end <= cue.start:
            later = [c.start for c in cues[index + 1 :] if c.start > cue.start]
            end = cue.start + MIN_CUE_SECONDS
            cue = attrs.evolve(cue, end=min(end, later[0]) if later else end)
        result.append(cue)
    return result


def _columns(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cut(text: str, width: int) -> str:
    if columns(text) <= width:
        return text
    used, kept = 0, []
    for char in text:
        if used + _columns(char) > width - 1:
            break
        used += _columns(char)
        kept.append(char)
    return "".join(kept) + "…"
