"""A sample recognised through small windows hears the same words at the same times as whole."""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any

import jiwer
import pytest
from speech_audio import normalise, script_text

from adapters.local.audio_windows import WindowShape
from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from interview_core.entities import AudioFile, Transcript

SMALL = WindowShape(seconds=25.0, search_seconds=5.0, overlap_seconds=1.0, lead_seconds=0.1)
"""Four windows over the 99 s technical sample: three cuts to get right."""
TIME_TOLERANCE = 0.3
MOST = 0.95
WORST_TIME = 1.2
"""tiny.en times the first word after a pause loosely, in either run, by up to a second."""
MOST_MATCHED = 0.94
"""Words of the whole run found again, in order, in the windowed one: 0.949 with the batched
decoder at beam 3 (0.961 at beam 5), 0.981 with the sequential decoder at either."""
MAX_TEXT_DIFFERENCE = 0.06
"""tiny.en hears a few words differently when its 30 s chunks start elsewhere."""


def _words(transcript: Transcript) -> list[Any]:
    return [word for segment in transcript.segments for word in segment.words]


def _plain(word: Any) -> str:
    return normalise(word.text)


@pytest.mark.parametrize("decoder", ["sequential", "batched"])
def test_small_windows_hear_the_words_and_times_of_the_whole_sample(
    decoder: str,
    sample_audio: Callable[[str], AudioFile],
    sample_script: Callable[[str], dict[str, Any]],
) -> None:
    audio = sample_audio("technical")
    whole = FasterWhisperTranscriber(decoder=decoder).transcribe(audio, job_id="whole")
    calls: list[tuple[float, float]] = []

    windowed = FasterWhisperTranscriber(decoder=decoder, window=SMALL).transcribe(
        audio, job_id="windowed", progress=lambda *call: calls.append(call)
    )

    said = normalise(script_text(sample_script("technical")))
    assert jiwer.wer(normalise(whole.text), normalise(windowed.text)) <= MAX_TEXT_DIFFERENCE
    assert (
        jiwer.wer(said, normalise(windowed.text)) <= jiwer.wer(said, normalise(whole.text)) + 0.01
    )
    first, second = _words(whole), _words(windowed)
    matcher = SequenceMatcher(a=[_plain(w) for w in first], b=[_plain(w) for w in second])
    matched = [
        (first[block.a + at], second[block.b + at])
        for block in matcher.get_matching_blocks()
        for at in range(block.size)
    ]
    assert len(matched) >= MOST_MATCHED * len(first)
    shifts = [
        max(abs(a.start - b.start), abs(a.end - b.end)) for a, b in matched
    ]  # fmt: skip
    assert sum(shift <= TIME_TOLERANCE for shift in shifts) >= MOST * len(matched)
    assert max(shifts) <= WORST_TIME
    starts = [word.start for word in second]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(second, second[1:], strict=False))
    assert windowed.duration == pytest.approx(whole.duration)
    done = [seconds for seconds, _ in calls]
    assert done == sorted(done)
    assert any(20.0 < seconds < 80.0 for seconds in done)
    assert calls[-1] == (windowed.duration, windowed.duration)
