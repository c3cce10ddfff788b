"""What faster-whisper hands back, faked for windowed recognition tests, and a WAV writer."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adapters.local.audio_windows import SAMPLE_RATE, WindowShape
from interview_core.entities import AudioFile

SHAPE = WindowShape(seconds=30.0, search_seconds=5.0, overlap_seconds=1.0, lead_seconds=0.1)
"""Windows of about 30 s, so a few minutes of audio make several."""


@dataclass(frozen=True)
class FakeWord:
    word: str
    start: float
    end: float
    probability: float = 0.9


@dataclass(frozen=True)
class FakeSegment:
    text: str
    start: float
    end: float
    words: list[FakeWord]


def heard_by_loudness(samples: np.ndarray) -> list[FakeSegment]:
    """What a perfect recogniser hears when a word's loudness names it (0.1 + 0.001 * n is
    "wN"): each stretch of one loudness is a word (cut or whole), three words to a segment,
    times in the samples to 10 ms like Whisper's."""
    changes = np.flatnonzero(np.diff(samples) != 0) + 1
    bounds = [0, *changes.tolist(), len(samples)]
    words = [
        FakeWord(
            f" w{round((samples[a] - 0.1) / 0.001)}",
            round(a / SAMPLE_RATE, 2),
            round(b / SAMPLE_RATE, 2),
        )
        for a, b in zip(bounds, bounds[1:], strict=False)
        if samples[a] != 0
    ]
    return segments_of(words, 3)


def segments_of(words: list[FakeWord], size: int) -> list[FakeSegment]:
    """`words` in segments of `size` words (the last may be shorter), as Whisper gives them."""
    return [
        FakeSegment(
            "".join(w.word for w in words[at : at + size]).strip(),
            words[at].start,
            words[min(at + size, len(words)) - 1].end,
            words[at : at + size],
        )
        for at in range(0, len(words), size)
    ]


def wav_file(path: Path, audio: np.ndarray) -> AudioFile:
    """`audio` (16 kHz mono floats) written as 16-bit PCM WAV at `path`."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes((audio * 32768.0).astype("<i2").tobytes())
    return AudioFile(path=path, duration=len(audio) / SAMPLE_RATE)
