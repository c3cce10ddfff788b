"""Speaker labels put right where a labeller let a few words of a sentence slip to the
neighbouring speaker (a turn boundary placed a word or two early or late)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from interview_core.entities import Segment, Word
from interview_core.sentences import ends_sentence

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Transcript

MAX_SLIP_WORDS = 3
"""The most words of a sentence that can have slipped to another speaker."""


def mend_speaker_slips(
    transcript: Transcript, *, pause_break: float | None = 2.0, max_words: int = MAX_SLIP_WORDS
) -> Transcript:
    """`transcript` with the few words of a sentence that carry another speaker's label
    given to the sentence's speaker.

    Sentences are cut by their punctuation and by pauses of `pause_break` seconds, not by
    speaker changes. Within one, a run of at most `max_words` words labelled with another
    speaker goes to the speaker who says at least twice as many of its words, so that
    "... your career at the National Archives?" with "Archives?" given to the candidate is
    the interviewer's question again. A sentence shared by two longer runs (a turn change
    the recogniser did not punctuate) keeps its labels. Transcripts without speaker labels,
    or with a segment that has text but no word timings, come back as they are.
    """
    segments = transcript.segments
    if not transcript.has_speakers or any(s.text.strip() and not s.words for s in segments):
        return transcript
    words = [(index, word) for index, segment in enumerate(segments) for word in segment.words]
    speakers = [segments[index].speaker for index, _ in words]
    mended = list(speakers)
    start = 0
    for stop in range(1, len(words) + 1):
        if stop == len(words) or _breaks(words[stop - 1][1], words[stop][1], pause_break):
            _mend(mended, start, stop, max_words)
            start = stop
    if mended == speakers:
        return transcript
    return attrs.evolve(transcript, segments=_rebuilt(segments, words, mended))


def _breaks(previous: Word, word: Word, pause_break: float | None) -> bool:
    if pause_break is not None and word.start - previous.end >= pause_break:
        return True
    return ends_sentence(previous.text.strip(), word.text.strip())


def _mend(speakers: list[str | None], start: int, stop: int, max_words: int) -> None:
    """Relabel the short runs of one sentence, `speakers[start:stop]`, in place."""
    runs: list[tuple[str | None, int, int]] = []
    for index in range(start, stop):
        if runs and runs[-1][0] == speakers[index]:
            runs[-1] = (runs[-1][0], runs[-1][1], index + 1)
        else:
            runs.append((speakers[index], index, index + 1))
    if len(runs) < 2:
        return
    said: dict[str | None, int] = {}
    for speaker, first, last in runs:
        said[speaker] = said.get(speaker, 0) + last - first
    main = max(said, key=said.__getitem__)
    if main is None:
        return
    for speaker, first, last in runs:
        if speaker != main and last - first <= max_words and said[main] >= 2 * (last - first):
            speakers[first:last] = [main] * (last - first)


def _rebuilt(
    segments: Sequence[Segment],
    words: Sequence[tuple[int, Word]],
    speakers: Sequence[str | None],
) -> tuple[Segment, ...]:
    """The segments with the mended labels: runs of one speaker within a segment stay one
    segment, a segment whose words now change speaker is cut there."""
    runs: dict[int, list[tuple[str | None, list[Word]]]] = {}
    for (index, word), speaker in zip(words, speakers, strict=True):
        own = runs.setdefault(index, [])
        if own and own[-1][0] == speaker:
            own[-1][1].append(word)
        else:
            own.append((speaker, [word]))
    out: list[Segment] = []
    for index, segment in enumerate(segments):
        pieces = runs.get(index)
        if not pieces:
            out.append(segment)
        elif len(pieces) == 1:
            out.append(attrs.evolve(segment, speaker=pieces[0][0]))
        else:
            for speaker, run in pieces:
                text = " ".join(word.text.strip() for word in run)
                out.append(Segment(text, run[0].start, run[-1].end, speaker, tuple(run)))
    return tuple(out)
