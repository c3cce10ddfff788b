"""Speaker labels put on recognised segments: words get speakers, segments split at changes."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from interview_core.entities import Segment, Word

if TYPE_CHECKING:
    from collections.abc import Sequence

    from adapters.local.speaker_diarizer import SpeakerTurn


def labelled(segments: Sequence[Segment], turns: Sequence[SpeakerTurn]) -> tuple[Segment, ...]:
    """`segments` with speakers: a segment whose words change speaker becomes one segment per
    run of words of one speaker, split at the word boundary, its text the words' text.

    A word's speaker is the turn it overlaps most, or the nearest turn when it overlaps none
    (a word the VAD missed); a segment without words is labelled by its own span. With no
    turns (diarization heard no speech) the segments come back unlabelled.
    """
    if not turns:
        return tuple(segments)
    starts = [turn.start for turn in turns]
    out: list[Segment] = []
    for segment in segments:
        if not segment.words:
            speaker = _speaker(turns, starts, segment.start, segment.end)
            out.append(Segment(segment.text, segment.start, segment.end, speaker))
            continue
        runs: list[tuple[str, list[Word]]] = []
        for word in segment.words:
            speaker = _speaker(turns, starts, word.start, word.end)
            if runs and runs[-1][0] == speaker:
                runs[-1][1].append(word)
            else:
                runs.append((speaker, [word]))
        if len(runs) == 1:
            out.append(Segment(segment.text, segment.start, segment.end, runs[0][0], segment.words))
            continue
        for speaker, words in runs:
            text = " ".join(word.text for word in words)
            out.append(Segment(text, words[0].start, words[-1].end, speaker, tuple(words)))
    return tuple(out)


def _speaker(turns: Sequence[SpeakerTurn], starts: list[float], start: float, end: float) -> str:
    """The speaker of the turn overlapping [start, end] most, else of the nearest turn."""
    first = max(0, bisect.bisect_right(starts, start) - 1)
    best, best_overlap = None, 0.0
    index = first
    while index < len(turns) and turns[index].start < end:
        overlap = min(end, turns[index].end) - max(start, turns[index].start)
        if overlap > best_overlap:
            best, best_overlap = turns[index], overlap
        index += 1
    if best is not None:
        return best.speaker
    around = turns[max(0, first - 1) : first + 2]
    nearest = min(around, key=lambda turn: _gap(turn, start, end))
    return nearest.speaker


def _gap(turn: SpeakerTurn, start: float, end: float) -> float:
    return max(turn.start - end, start - turn.end, 0.0)
