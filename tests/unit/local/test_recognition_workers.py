"""Windows recognised by several workers at once: same transcript, order kept, failures typed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fake_recogniser import SHAPE, heard_by_loudness, wav_file

from adapters.local.audio_windows import SAMPLE_RATE
from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber, worker_threads
from interview_core.entities import AudioFile, Transcript
from interview_core.errors import ConfigurationError, TranscriptionFailed

WORD_SECONDS = 0.4


@dataclass(frozen=True)
class FakeInfo:
    language: str


def _spoken(count: int) -> np.ndarray:
    """`count` words of constant loudness (the loudness names the word), 0.25 s apart."""
    pieces = [np.zeros(SAMPLE_RATE // 2)]
    for index in range(count):
        pieces.append(np.full(round(WORD_SECONDS * SAMPLE_RATE), 0.1 + 0.001 * index))
        pieces.append(np.zeros(SAMPLE_RATE // 4))
    pieces.append(np.zeros(SAMPLE_RATE))
    return np.concatenate(pieces).astype(np.float32)


@dataclass
class CountingModel:
    """Hears each stretch of one loudness as a word, slowly, counting the calls at work at
    once; fails on the call numbered `fail_on`; detects `detected` when no language is set."""

    detected: str = "en"
    fail_on: int | None = None
    languages: list[str | None] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    most_at_once: int = 0
    _at_once: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def transcribe(self, samples: np.ndarray, **options: Any) -> tuple[Iterator[Any], FakeInfo]:
        with self._lock:
            self.languages.append(options["language"])
            number = len(self.languages)
            self.threads.add(threading.current_thread().name)
            self._at_once += 1
            self.most_at_once = max(self.most_at_once, self._at_once)
        time.sleep(0.05)
        with self._lock:
            self._at_once -= 1
        if number == self.fail_on:
            raise RuntimeError("decoder blew up\nsecond line")
        return iter(heard_by_loudness(samples)), FakeInfo(self.detected)


def _transcribe(
    model: CountingModel,
    monkeypatch: pytest.MonkeyPatch,
    audio: AudioFile,
    *,
    workers: int,
    language: str | None = "en",
    progress: list[tuple[float, float]] | None = None,
) -> Transcript:
    monkeypatch.setattr(FasterWhisperTranscriber, "_load_model", lambda self: model)
    # Without the VAD, which needs the real Silero model: each window is one piece.
    transcriber = FasterWhisperTranscriber(
        decoder="sequential",
        window=SHAPE,
        vad_filter=False,
        cpu_threads=workers,
        language=language,
    )
    calls = progress if progress is not None else []
    return transcriber.transcribe(audio, job_id="workers", progress=lambda *c: calls.append(c))


def _words(transcript: Transcript) -> list[tuple[str, float, float]]:
    return [(w.text, w.start, w.end) for s in transcript.segments for w in s.words]


def test_two_workers_hear_the_same_transcript_as_one_working_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    audio = wav_file(tmp_path / "long.wav", _spoken(250))
    alone, pair = CountingModel(), CountingModel()

    one = _transcribe(alone, monkeypatch, audio, workers=1)
    two = _transcribe(pair, monkeypatch, audio, workers=2)

    assert len(pair.languages) == len(alone.languages) >= 5  # one piece per window
    assert (alone.most_at_once, pair.most_at_once) == (1, 2)
    assert len(pair.threads) == 2 and not any(
        name == threading.current_thread().name for name in pair.threads
    )
    assert _words(two) == _words(one)
    assert [w for w, _, _ in _words(two)] == [f"w{i}" for i in range(250)]
    assert two.duration == one.duration


def test_progress_is_heard_window_by_window_in_order_with_two_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    audio = wav_file(tmp_path / "long.wav", _spoken(250))
    calls: list[tuple[float, float]] = []

    transcript = _transcribe(CountingModel(), monkeypatch, audio, workers=2, progress=calls)

    done = [seconds for seconds, _ in calls]
    assert done == sorted(done) and len(done) >= 5
    assert done[-1] == pytest.approx(transcript.duration)


def test_a_failing_piece_fails_the_transcription_and_stops_the_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    audio = wav_file(tmp_path / "long.wav", _spoken(250))
    model = CountingModel(fail_on=3)
    before = threading.active_count()

    with pytest.raises(TranscriptionFailed, match=r"long\.wav at \d+ s: decoder blew up$"):
        _transcribe(model, monkeypatch, audio, workers=2)

    assert len(model.languages) <= 5  # later windows were not all decoded
    assert threading.active_count() == before


def test_an_unknown_language_is_found_by_the_first_piece_and_given_to_the_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    audio = wav_file(tmp_path / "long.wav", _spoken(250))
    model = CountingModel(detected="de")

    transcript = _transcribe(model, monkeypatch, audio, workers=2, language=None)

    assert model.languages[0] is None
    assert model.languages[1:] == ["de"] * (len(model.languages) - 1)
    assert transcript.language == "de"


@pytest.mark.parametrize(
    ("threads", "workers", "expected"),
    [(2, None, (2, 1)), (4, 2, (2, 2)), (2, 4, (2, 1)), (3, None, (3, 1)), (0, None, (1, 0))],
)
def test_threads_are_shared_among_the_workers(
    threads: int, workers: int | None, expected: tuple[int, int]
) -> None:
    assert worker_threads(threads, workers) == expected


def test_no_workers_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="workers must be at least 1"):
        FasterWhisperTranscriber(workers=0)


def test_the_workers_setting_reaches_the_recogniser_and_the_speaker_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from entrypoints.builders import whisper_transcriber
    from entrypoints.settings import Settings

    monkeypatch.setenv("INTERVIEWS_WHISPER_THREADS", "4")
    monkeypatch.setenv("INTERVIEWS_WHISPER_WORKERS", "2")
    transcriber = whisper_transcriber(Settings())

    assert isinstance(transcriber, FasterWhisperTranscriber)
    assert (transcriber._workers, transcriber._worker_threads) == (2, 2)
    assert transcriber._diarizer is not None
    assert transcriber._diarizer._embedder._cpu_threads == 2


def test_a_failing_vad_pass_fails_the_transcription_with_its_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from adapters.local import recognition_pool

    def broken(samples: np.ndarray) -> Any:
        raise RuntimeError("onnxruntime is missing")

    monkeypatch.setattr(recognition_pool.SpeechActivity, "heard", staticmethod(broken))
    monkeypatch.setattr(FasterWhisperTranscriber, "_load_model", lambda self: CountingModel())
    transcriber = FasterWhisperTranscriber(decoder="sequential", window=SHAPE)
    audio = wav_file(tmp_path / "long.wav", _spoken(250))

    with pytest.raises(TranscriptionFailed, match=r"speech detection failed on long\.wav at 0 s"):
        transcriber.transcribe(audio, job_id="workers")


def test_a_failing_speaker_model_fails_the_transcription_with_its_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from adapters.local.speaker_diarizer import CamppSpeakerDiarizer

    class BrokenEmbedder:
        def load(self) -> None:
            pass

        def embed(self, samples: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
            raise ValueError("bad input shape")

    def regions(samples: np.ndarray, offset: float) -> list[tuple[float, float]]:
        return [(offset, offset + len(samples) / SAMPLE_RATE)]

    monkeypatch.setattr(FasterWhisperTranscriber, "_load_model", lambda self: CountingModel())
    diarizer = CamppSpeakerDiarizer(embedder=BrokenEmbedder(), speech_finder=regions)  # type: ignore[arg-type]
    transcriber = FasterWhisperTranscriber(
        decoder="sequential", window=SHAPE, vad_filter=False, diarizer=diarizer
    )
    audio = wav_file(tmp_path / "long.wav", _spoken(250))

    with pytest.raises(TranscriptionFailed, match=r"speaker labelling failed on long\.wav at 0 s"):
        transcriber.transcribe(audio, job_id="workers")
