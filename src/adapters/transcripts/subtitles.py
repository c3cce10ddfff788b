"""SubRip (.srt) and WebVTT (.vtt) subtitles read into the core Transcript.

Each cue becomes one segment with the cue's timing (or several, one per speaker, when a
cue's lines belong to different speakers). The speaker comes from a WebVTT voice tag
(`<v Speaker>`) or a leading `Name:` on a line, and carries over to the following lines of
the cue. Other markup (`<i>`, `<c.x>`, `<00:01.000>`, `{\\an8}`) is removed and entities are
decoded. Subtitles have no word timings, so segments have no words.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import attrs

from interview_core.entities import Segment, Transcript
from interview_core.errors import TranscriptionFailed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_TIMESTAMP = r"(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[,.](\d{1,3}))?"
_TIMING = re.compile(rf"^\s*{_TIMESTAMP}\s*-->\s*{_TIMESTAMP}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")
_NAME_WORD = r"(?:[A-Z][\w.'’-]*|[a-z]+_?\d+)"
_NAME_PREFIX = re.compile(rf"^(?:>>\s*)?({_NAME_WORD}(?: (?:{_NAME_WORD}|\d+)){{0,2}}):(?:\s+|$)")
"""A leading speaker name: up to three capitalised words or a label such as spk_0."""
_VTT_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_VTT_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


@attrs.frozen
class _Line:
    speaker: str | None
    text: str


def parse_srt(text: str) -> Transcript:
    """Parse SubRip subtitles: numbered cues, `00:00:01,000 --> 00:00:04,000`, then text.

    Tolerates a byte-order mark, CRLF line ends, missing cue numbers, `.` as the decimal
    mark and coordinates after the timing. Raises TranscriptionFailed when a block has no
    timing line, a timing is malformed or runs backwards, or there is no cue at all.
    """
    segments: list[Segment] = []
    for number, block in enumerate(_blocks(text), start=1):
        lines = block
        if lines and "-->" not in lines[0] and lines[0].strip().isdigit():
            lines = lines[1:]
        if not lines or "-->" not in lines[0]:
            raise TranscriptionFailed(f"subtitle block {number} has no cue timing line")
        segments.extend(_cue(lines[0], lines[1:], number))
    return _transcript(segments, language=None)


def parse_webvtt(text: str) -> Transcript:
    """Parse WebVTT subtitles: a `WEBVTT` header, then cues with optional identifiers.

    Tolerates a byte-order mark, CRLF line ends, hours left out of timestamps, cue settings
    (`align:start position:10%`), NOTE, STYLE and REGION blocks and multi-line cues; reads
    the language from a `Language:` header line. Raises TranscriptionFailed when the header
    is missing, a timing is malformed or runs backwards, or there is no cue at all.
    """
    blocks = list(_blocks(text))
    if not blocks or not _VTT_HEADER.match(blocks[0][0].strip()):
        raise TranscriptionFailed("WebVTT file does not start with the WEBVTT header")
    language = None
    for line in blocks[0][1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "language" and value.strip():
            language = value.strip()
    segments: list[Segment] = []
    for number, lines in enumerate(blocks[1:], start=1):
        if lines[0].split(maxsplit=1)[0] in _VTT_SKIPPED_BLOCKS:
            continue
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing is None:
            continue  # the WebVTT parsing rules skip a block that is not a cue
        segments.extend(_cue(lines[timing], lines[timing + 1 :], number))
    return _transcript(segments, language=language)


def read_subtitles(path: Path) -> Transcript:
    """Read an .srt or .vtt file (other names are told apart by the WEBVTT header).

    Text is decoded as UTF-8 (or UTF-16 with its byte-order mark), falling back to
    Windows-1252 for legacy files. Raises TranscriptionFailed naming the file when it
    cannot be read or parsed.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptionFailed(
            f"cannot read subtitles {path.name}: {exc.strerror or exc}"
        ) from exc
    text = _decode(raw)
    suffix = path.suffix.lower()
    is_vtt = suffix == ".vtt" or (suffix != ".srt" and text.lstrip("\ufeff").startswith("WEBVTT"))
    try:
        return parse_webvtt(text) if is_vtt else parse_srt(text)
    except TranscriptionFailed as exc:
        raise TranscriptionFailed(f"{path.name}: {exc.message}") from exc


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _blocks(text: str) -> Iterator[list[str]]:
    """Blank-line separated blocks of non-empty lines, after removing BOM and CRs."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    block: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            block.append(line.rstrip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def _cue(timing_line: str, payload: list[str], number: int) -> list[Segment]:
    match = _TIMING.match(timing_line)
    if match is None:
        raise TranscriptionFailed(f"subtitle cue {number} has a malformed timing line")
    start = _seconds(*match.group(1, 2, 3, 4))
    end = _seconds(*match.group(5, 6, 7, 8))
    if end < start:
        raise TranscriptionFailed(f"subtitle cue {number} ends before it starts")
    segments: list[Segment] = []
    for speaker, texts in _speaker_runs(payload):
        segments.append(Segment(text=" ".join(texts), start=start, end=end, speaker=speaker))
    return segments


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> float:
    whole = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return whole + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def _speaker_runs(payload: list[str]) -> list[tuple[str | None, list[str]]]:
    """Consecutive lines of the same speaker, each run as (speaker, cleaned texts)."""
    runs: list[tuple[str | None, list[str]]] = []
    speaker: str | None = None
    for raw in payload:
        line = _clean(raw, speaker)
        speaker = line.speaker
        if not line.text:
            continue
        if runs and runs[-1][0] == speaker:
            runs[-1][1].append(line.text)
        else:
            runs.append((speaker, [line.text]))
    return runs


def _clean(raw: str, speaker: str | None) -> _Line:
    voice = _VOICE.search(raw)
    if voice is not None and (voice.group(1) or "").strip():
        speaker = " ".join(voice.group(1).split())
    text = html.unescape(_TAG.sub("", _ASS_OVERRIDE.sub("", raw)))
    text = " ".join(text.replace("\u200e", "").replace("\u200f", "").split())
    named = _NAME_PREFIX.match(text)
    if named is not None:
        speaker = named.group(1)
        text = text[named.end() :]
    return _Line(speaker=speaker, text=text)


def _transcript(segments: list[Segment], language: str | None) -> Transcript:
    if not segments:
        raise TranscriptionFailed("subtitles hold no cue with text")
    return Transcript(segments=tuple(sorted(segments, key=lambda s: s.start)), language=language)
