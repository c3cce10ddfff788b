"""Speaker labels on a windowed transcription: prints from every window, one clustering, splits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fake_recogniser import SHAPE, FakeSegment, FakeWord, segments_of, wav_file

from adapters.local.audio_windows import SAMPLE_RATE
from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.speaker_diarizer import CamppSpeakerDiarizer

WORD = 0.5
VOICE_LEVELS = {"a": 0.1, "b": 0.5}


@dataclass
class FakeInfo:
    language: str = "en"


def _conversation(turns: int) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Turns of 4 to 9 words, voices a and b alternating, 0.6 s between turns; each word a
    stretch of constant loudness: the voice's level plus a step naming the word."""
    pieces, said = [np.zeros(SAMPLE_RATE // 2)], []
    for turn in range(turns):
        voice = "ab"[turn % 2]
        for _ in range(4 + turn % 6):
            level = VOICE_LEVELS[voice] + 0.0005 * len(said)
            pieces += [np.full(round(WORD * SAMPLE_RATE), level), np.zeros(SAMPLE_RATE // 20)]
            said.append((f"w{len(said)}", voice))
        pieces.append(np.zeros(round(0.6 * SAMPLE_RATE)))
    pieces.append(np.zeros(SAMPLE_RATE))
    return np.concatenate(pieces).astype(np.float32), said


def _hear(samples: np.ndarray) -> list[FakeSegment]:
    """A perfect recogniser that groups five words to a segment whoever speaks them."""
    changes = np.flatnonzero(np.abs(np.diff(samples)) > 1e-4) + 1
    bounds = [0, *changes.tolist(), len(samples)]
    words = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        level = float(samples[a])
        if level > 0.05:
            base = 0.1 if level < 0.4 else 0.5
            name = f" w{round((level - base) / 0.0005)}"
            words.append(FakeWord(name, round(a / SAMPLE_RATE, 2), round(b / SAMPLE_RATE, 2)))
    return segments_of(words, 5)


@dataclass
class FakeWhisperModel:
    def transcribe(self, samples: np.ndarray, **options: Any) -> tuple[Iterator[Any], FakeInfo]:
        return iter(_hear(samples)), FakeInfo()


@dataclass
class LoudnessEmbedder:
    """Voice prints that tell the two voices apart by loudness; records each call."""

    calls: list[int] = field(default_factory=list)

    def load(self) -> None:
        pass

    def embed(self, samples: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
        self.calls.append(len(spans))
        prints = np.zeros((len(spans), 192), dtype=np.float32)
        rng = np.random.default_rng(len(self.calls))
        for row, (start, end) in enumerate(spans):
            loud = float(np.abs(samples[start:end]).max()) > 0.4
            prints[row, 1 if loud else 0] = 1.0
        prints += 0.05 * rng.standard_normal(prints.shape).astype(np.float32)
        return prints / np.linalg.norm(prints, axis=1, keepdims=True)


def _speech(samples: np.ndarray, offset: float) -> list[tuple[float, float]]:
    """Runs of sound, joined across pauses under 0.3 s, in recording seconds."""
    sound = np.abs(samples) > 0.01
    edges = np.flatnonzero(np.diff(np.concatenate([[0], sound.astype(int), [0]])))
    regions: list[list[float]] = []
    for start, end in zip(edges[::2] / SAMPLE_RATE, edges[1::2] / SAMPLE_RATE, strict=True):
        if regions and start - regions[-1][1] < 0.3:
            regions[-1][1] = end
        else:
            regions.append([start, end])
    return [(offset + s, offset + e) for s, e in regions]


@pytest.fixture
def embedder(monkeypatch: pytest.MonkeyPatch) -> LoudnessEmbedder:
    monkeypatch.setattr(FasterWhisperTranscriber, "_load_model", lambda self: FakeWhisperModel())
    return LoudnessEmbedder()


def test_every_word_gets_its_voice_consistently_across_windows(
    embedder: LoudnessEmbedder, tmp_path: Path
) -> None:
    audio, said = _conversation(40)
    diarizer = CamppSpeakerDiarizer(embedder=embedder, speech_finder=_speech)  # type: ignore[arg-type]
    # Without the VAD, which needs the real Silero model: the fake finder gives the regions.
    transcriber = FasterWhisperTranscriber(
        decoder="sequential", window=SHAPE, diarizer=diarizer, vad_filter=False
    )

    transcript = transcriber.transcribe(wav_file(tmp_path / "talk.wav", audio), job_id="fake")

    assert len(embedder.calls) >= 5  # one batch of prints per window, about 190 s of audio
    heard = [(w.text, s.speaker) for s in transcript.segments for w in s.words]
    assert [text for text, _ in heard] == [text for text, _ in said]
    names = {"a": "spk_0", "b": "spk_1"}  # labels in order of first appearance
    assert [speaker for _, speaker in heard] == [names[voice] for _, voice in said]
    for segment in transcript.segments:
        assert segment.text == " ".join(w.text for w in segment.words)
        assert (segment.start, segment.end) == (segment.words[0].start, segment.words[-1].end)
    assert len(transcript.segments) > len(said) / 5  # segments were split at changes


def test_without_a_diarizer_segments_have_no_speaker(
    embedder: LoudnessEmbedder, tmp_path: Path
) -> None:
    audio, _ = _conversation(6)
    transcriber = FasterWhisperTranscriber(decoder="sequential", window=SHAPE, vad_filter=False)

    transcript = transcriber.transcribe(wav_file(tmp_path / "talk.wav", audio), job_id="fake")

    assert transcript.segments and not transcript.has_speakers
    assert embedder.calls == []
