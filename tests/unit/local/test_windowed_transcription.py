"""Windowed recognition with a fake recogniser: offsets, words across cuts kept once, progress."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fake_recogniser import SHAPE, heard_by_loudness, wav_file

from adapters.local.audio_windows import SAMPLE_RATE, windows
from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.whisper_segments import SegmentCollector
from interview_core.entities import AudioFile, Transcript

WORD_SECONDS = 0.4


@dataclass
class FakeInfo:
    language: str
    duration: float


def _level(index: int) -> float:
    return 0.1 + 0.001 * index


def _spoken(count: int, gap: float) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """`count` words of constant loudness (the loudness names the word), `gap` s apart."""
    pieces, said, at = [np.zeros(round(0.5 * SAMPLE_RATE))], [], 0.5
    for index in range(count):
        pieces.append(np.full(round(WORD_SECONDS * SAMPLE_RATE), _level(index)))
        said.append((f"w{index}", round(at, 2), round(at + WORD_SECONDS, 2)))
        at += WORD_SECONDS
        if gap:
            pieces.append(np.zeros(round(gap * SAMPLE_RATE)))
            at += gap
    pieces.append(np.zeros(SAMPLE_RATE))
    return np.concatenate(pieces).astype(np.float32), said


@dataclass
class FakeWhisperModel:
    """Records each call, then hears the window as `_hear` does, lazily like faster-whisper."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def transcribe(self, samples: np.ndarray, **options: Any) -> tuple[Iterator[Any], FakeInfo]:
        self.calls.append({"seconds": len(samples) / SAMPLE_RATE, **options})
        return iter(heard_by_loudness(samples)), FakeInfo("en", len(samples) / SAMPLE_RATE)


def _collected(audio: np.ndarray, progress: list[tuple[float, float]]) -> SegmentCollector:
    collector = SegmentCollector(len(audio) / SAMPLE_RATE, lambda *call: progress.append(call))
    blocks = [audio[at : at + 40_000] for at in range(0, len(audio), 40_000)]
    for window in windows(blocks, SHAPE):
        collector.collect(iter(heard_by_loudness(window.samples)), window)
        collector.finish_window(window)
    return collector


def _words(segments: tuple[Any, ...]) -> list[tuple[str, float, float]]:
    return [(w.text, w.start, w.end) for segment in segments for w in segment.words]


@pytest.mark.parametrize("gap", [0.25, 0.0])
def test_every_word_is_kept_once_at_its_recording_time(gap: float) -> None:
    audio, said = _spoken(250 if gap else 160, gap)

    collector = _collected(audio, [])

    heard = _words(collector.segments)
    assert [text for text, _, _ in heard] == [text for text, _, _ in said]
    for (_, start, end), (_, said_start, said_end) in zip(heard, said, strict=True):
        assert start == pytest.approx(said_start, abs=0.011)
        assert end == pytest.approx(said_end, abs=0.011)


def test_segments_cut_at_a_window_edge_keep_only_their_own_words() -> None:
    audio, _ = _spoken(160, 0.0)

    segments = _collected(audio, []).segments

    for segment in segments:
        assert segment.text == " ".join(word.text for word in segment.words)
        assert (segment.start, segment.end) == (segment.words[0].start, segment.words[-1].end)
    starts = [word.start for segment in segments for word in segment.words]
    assert starts == sorted(starts)


def test_progress_rises_in_recording_seconds_to_the_whole_audio() -> None:
    audio, _ = _spoken(250, 0.25)
    total = len(audio) / SAMPLE_RATE
    calls: list[tuple[float, float]] = []

    _collected(audio, calls)

    done = [seconds for seconds, _ in calls]
    assert {seconds for _, seconds in calls} == {total}
    assert done == sorted(done) and len(set(done)) == len(done)
    assert done[-1] == pytest.approx(total)
    assert any(40.0 < seconds < 100.0 for seconds in done)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeWhisperModel:
    model = FakeWhisperModel()
    monkeypatch.setattr(FasterWhisperTranscriber, "_load_model", lambda self: model)
    return model


def _transcribe(audio: AudioFile, calls: list[tuple[float, float]]) -> Transcript:
    # Without the VAD, which needs the real Silero model: the fake hears each window whole.
    transcriber = FasterWhisperTranscriber(
        decoder="sequential", beam_size=3, window=SHAPE, vad_filter=False
    )
    return transcriber.transcribe(audio, job_id="fake", progress=lambda *c: calls.append(c))


def test_the_transcriber_reads_the_file_in_windows_with_the_same_options(
    fake_model: FakeWhisperModel, tmp_path: Path
) -> None:
    audio, said = _spoken(250, 0.25)
    calls: list[tuple[float, float]] = []

    transcript = _transcribe(wav_file(tmp_path / "long.wav", audio), calls)

    assert [text for text, _, _ in _words(transcript.segments)] == [t for t, _, _ in said]
    assert len(fake_model.calls) == 6  # 164 s in windows of 26 to 30 s
    assert all(call["seconds"] <= 1.5 * 30.0 + 1.1 for call in fake_model.calls)
    options = [{k: v for k, v in call.items() if k != "seconds"} for call in fake_model.calls]
    assert options == [options[0]] * len(options)
    assert options[0]["beam_size"] == 3 and options[0]["language"] == "en"
    assert transcript.duration == pytest.approx(len(audio) / SAMPLE_RATE)
    assert calls[-1] == (transcript.duration, transcript.duration)
    assert {total for _, total in calls} == {transcript.duration}


def test_a_file_that_stops_decoding_midway_fails_transcription(
    fake_model: FakeWhisperModel, tmp_path: Path
) -> None:
    from interview_core.errors import TranscriptionFailed

    audio, _ = _spoken(250, 0.25)
    whole = wav_file(tmp_path / "whole.wav", audio)
    cut = tmp_path / "cut.wav"
    data = whole.path.read_bytes()
    cut.write_bytes(data[:44] + b"\xff" * 7 + data[44 : len(data) // 2])

    try:
        transcript = _transcribe(AudioFile(path=cut, duration=whole.duration), [])
    except TranscriptionFailed as failure:
        assert "cut.wav" in str(failure)
    else:
        assert transcript.duration < whole.duration


@dataclass
class RawWord:
    word: str
    start: float
    end: float
    probability: float


@dataclass
class RawSegment:
    text: str
    start: float
    end: float
    words: list[RawWord]


def test_a_hyphenated_word_the_recogniser_splits_is_one_word() -> None:
    # Whisper gives "check-out" as " check" and "-out"; words of languages without spaces
    # come without a space too, and stay apart.
    raw = RawSegment(
        " The check-out page 漢字",
        0.0,
        3.0,
        [
            RawWord(" The", 0.0, 0.4, 0.9),
            RawWord(" check", 0.4, 0.8, 0.8),
            RawWord("-out", 0.8, 1.2, 0.6),
            RawWord(" page", 1.2, 1.6, 0.9),
            RawWord(" 漢", 1.6, 2.0, 0.9),
            RawWord("字", 2.0, 2.4, 0.9),
        ],
    )
    audio = np.zeros(4 * SAMPLE_RATE, dtype=np.float32)
    window = next(iter(windows([audio], SHAPE)))
    collector = SegmentCollector(4.0, None)

    collector.collect(iter([raw]), window)

    (segment,) = collector.segments
    assert [(w.text, w.start, w.end, w.confidence) for w in segment.words] == [
        ("The", 0.0, 0.4, 0.9),
        ("check-out", 0.4, 1.2, 0.6),
        ("page", 1.2, 1.6, 0.9),
        ("漢", 1.6, 2.0, 0.9),
        ("字", 2.0, 2.4, 0.9),
    ]
    assert segment.text == "The check-out page 漢字"
