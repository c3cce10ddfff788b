"""Reads SRT and WebVTT text back strictly, as a player would, for the export tests."""

from __future__ import annotations

import html
import re

import attrs

from adapters.exports.cue_layout import MAX_CUE_LINES, MAX_LINE_COLUMNS, columns

SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
VTT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})"
_VOICE = re.compile(r"^<v ([^>]*)>")


@attrs.frozen
class ReadCue:
    number: int
    start: float
    end: float
    lines: tuple[str, ...]  # as shown: character references decoded, the voice tag removed
    voice: str | None = None


def _seconds(match: tuple[str, ...]) -> float:
    hours, minutes, seconds, millis = (int(part) for part in match)
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def read_srt(text: str) -> list[ReadCue]:
    """Numbered cues from 1, a timing line, one or two lines of text, a blank line between."""
    if text == "":
        return []
    assert text.endswith("\n") and not text.endswith("\n\n\n")
    cues = []
    for index, block in enumerate(text.removesuffix("\n").split("\n\n"), start=1):
        number, timing, *lines = block.split("\n")
        found = re.fullmatch(rf"{SRT_TIME} --> {SRT_TIME}", timing)
        assert found, timing
        assert number == str(index)
        assert 1 <= len(lines) <= MAX_CUE_LINES, block
        assert all(line.strip() and "-->" not in line for line in lines), block
        groups = found.groups()
        cues.append(ReadCue(index, _seconds(groups[:4]), _seconds(groups[4:]), tuple(lines)))
    return cues


def read_vtt(text: str) -> list[ReadCue]:
    """The WEBVTT header, then cues: an identifier, a timing line, text lines in which `&`,
    `<` and `>` appear only as character references or the leading voice tag."""
    header, _, rest = text.partition("\n")
    assert header == "WEBVTT"
    if rest == "":
        return []
    assert rest.startswith("\n") and text.endswith("\n") and not text.endswith("\n\n")
    cues = []
    for index, block in enumerate(rest.strip("\n").split("\n\n"), start=1):
        number, timing, *lines = block.split("\n")
        found = re.fullmatch(rf"{VTT_TIME} --> {VTT_TIME}", timing)
        assert found, timing
        assert number == str(index)
        assert lines and all(line.strip() and "-->" not in line for line in lines), block
        voice = None
        if match := _VOICE.match(lines[0]):
            voice = html.unescape(match.group(1))
            lines[0] = lines[0][match.end() :]
        for line in lines:
            assert "<" not in line and ">" not in line, line
            assert re.sub(r"&(amp|lt|gt);", "", line).count("&") == 0, line
        groups = found.groups()
        start, end = _seconds(groups[:4]), _seconds(groups[4:])
        assert end > start, block  # WebVTT wants the end after the start
        shown = tuple(html.unescape(line) for line in lines)
        cues.append(ReadCue(index, start, end, shown, voice))
    return cues


def assert_fits(cues: list[ReadCue]) -> None:
    """Every cue has at most two lines of at most 42 columns."""
    for cue in cues:
        assert len(cue.lines) <= MAX_CUE_LINES, cue
        for line in cue.lines:
            assert columns(line) <= MAX_LINE_COLUMNS, (line, columns(line))
