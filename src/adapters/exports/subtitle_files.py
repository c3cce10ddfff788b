"""SubRip (.srt) and WebVTT (.vtt) subtitles of a transcript, and WebVTT chapters of its
questions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from adapters.exports.cue_layout import MIN_CUE_SECONDS, Cue, clean_text, transcript_cues

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from interview_core.entities import Question, Transcript

MAX_CHAPTER_CHARACTERS = 200
"""A chapter title (the question and its category) longer than this is cut."""


def srt_timestamp(seconds: float) -> str:
    """`HH:MM:SS,mmm`, rounded to the millisecond; hours have two digits or more."""
    return _timestamp(_milliseconds(seconds), ",")


def vtt_timestamp(seconds: float) -> str:
    """`HH:MM:SS.mmm`, rounded to the millisecond; hours have two digits or more."""
    return _timestamp(_milliseconds(seconds), ".")


def escape_vtt(text: str) -> str:
    """`text` safe in a WebVTT cue: `&`, `<` and `>` as character references."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def transcript_srt(transcript: Transcript, roles: Mapping[str, str] | None = None) -> str:
    """The transcript as SubRip subtitles: numbered cues from 1, `HH:MM:SS,mmm` timings,
    the speaker's name before the first line of each cue when it is known, a blank line
    between cues. An empty transcript gives an empty file."""
    blocks = []
    for number, cue in enumerate(transcript_cues(transcript, roles), start=1):
        start, end = _span(cue)
        lines = list(cue.lines)
        if cue.speaker:
            lines[0] = f"{cue.speaker}: {lines[0]}"
        timing = f"{_timestamp(start, ',')} --> {_timestamp(end, ',')}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return "".join(f"{block}\n\n" for block in blocks).removesuffix("\n")


def transcript_vtt(transcript: Transcript, roles: Mapping[str, str] | None = None) -> str:
    """The transcript as WebVTT subtitles: the `WEBVTT` header, numbered cues with
    `HH:MM:SS.mmm` timings, the speaker as a voice (`<v Name>`) and as a visible `Name: `
    prefix when known, `&`, `<` and `>` escaped. An empty transcript gives the header only."""
    blocks = []
    for number, cue in enumerate(transcript_cues(transcript, roles), start=1):
        start, end = _span(cue)
        lines = [escape_vtt(line) for line in cue.lines]
        if cue.speaker:
            name = escape_vtt(cue.speaker)
            lines[0] = f"<v {name}>{name}: {lines[0]}"
        timing = f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return _vtt(blocks)


def question_chapters(questions: Sequence[Question], transcript: Transcript) -> str:
    """WebVTT chapters: one cue per question, from its start to the next question's start
    (the last to the end of the recording), titled with the question and its category.
    Questions asked at the same moment share one cue, a line each; a question without a
    time has no place among the chapters and is left out. No questions give the header
    only."""
    timed = sorted(
        (q for q in questions if q.start_time is not None and math.isfinite(q.start_time)),
        key=lambda q: (q.start_time, q.position),
    )
    starts: dict[int, list[Question]] = {}
    for question in timed:
        starts.setdefault(_milliseconds(question.start_time or 0.0), []).append(question)
    moments = sorted(starts)
    finish = _milliseconds(_recording_end(transcript, timed))
    blocks = []
    for number, start in enumerate(moments, start=1):
        following = moments[number] if number < len(moments) else None
        end = (
            following
            if following is not None
            else max(finish, start + _milliseconds(MIN_CUE_SECONDS))
        )
        titles = [escape_vtt(_chapter_title(q)) for q in starts[start]]
        timing = f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}"
        blocks.append("\n".join([str(number), timing, *titles]))
    return _vtt(blocks)


def _chapter_title(question: Question) -> str:
    title = clean_text(question.question) or "?"
    category = clean_text(question.question_context)
    if len(title) > MAX_CHAPTER_CHARACTERS:
        title = title[: MAX_CHAPTER_CHARACTERS - 1].rstrip() + "…"
    return f"{title} ({category})" if category else title


def _recording_end(transcript: Transcript, questions: Sequence[Question]) -> float:
    """The last moment known: the recording's duration, the last segment's or question's
    end."""
    ends = [transcript.duration or 0.0, *(s.end for s in transcript.segments)]
    ends += [q.end_time for q in questions if q.end_time is not None]
    return max((end for end in ends if math.isfinite(end)), default=0.0)


def _vtt(blocks: Sequence[str]) -> str:
    return "WEBVTT\n" + "".join(f"\n{block}\n" for block in blocks)


def _span(cue: Cue) -> tuple[int, int]:
    """The cue's start and end in milliseconds, the end at least 1 ms after the start."""
    start = _milliseconds(cue.start)
    return start, max(_milliseconds(cue.end), start + 1)


def _milliseconds(seconds: float) -> int:
    return max(math.floor(seconds * 1000 + 0.5), 0)


def _timestamp(milliseconds: int, mark: str) -> str:
    seconds, millis = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{mark}{millis:03d}"
