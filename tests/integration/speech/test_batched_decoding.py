"""The batched decoder on real audio: words, timings and progress as the sequential one gives."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import jiwer
import numpy as np
import pytest
from faster_whisper.audio import decode_audio
from faster_whisper.transcribe import pad_or_trim
from speech_audio import normalise, script_text

from adapters.local.chunkwise_encoding import ChunkwiseEncoding
from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from interview_core.entities import AudioFile, Transcript

MAX_WORD_ERROR_RATE = 0.10


@pytest.fixture(scope="module")
def batched() -> Iterator[FasterWhisperTranscriber]:
    """The bundled model with the batched decoder, whatever the audio's length."""
    transcriber = FasterWhisperTranscriber(decoder="batched")
    transcriber.load()
    yield transcriber


@pytest.fixture(scope="module")
def progress_and_transcript(
    batched: FasterWhisperTranscriber, sample_audio: Callable[[str], AudioFile]
) -> tuple[list[tuple[float, float]], Transcript]:
    calls: list[tuple[float, float]] = []
    transcript = batched.transcribe(
        sample_audio("technical"), job_id="batched", progress=lambda *call: calls.append(call)
    )
    return calls, transcript


def test_batched_words_are_timed_in_order_within_the_audio_with_punctuation(
    progress_and_transcript: tuple[list[tuple[float, float]], Transcript],
    sample_audio: Callable[[str], AudioFile],
    sample_script: Callable[[str], dict[str, Any]],
) -> None:
    _, transcript = progress_and_transcript
    words = [word for segment in transcript.segments for word in segment.words]
    assert words and all(segment.words for segment in transcript.segments)
    assert all(word.start <= word.end for word in words)
    assert all(a.end <= b.start for a, b in zip(words, words[1:], strict=False))
    assert words[-1].end <= sample_audio("technical").duration + 0.05
    assert sum(word.text.endswith("?") for word in words) >= 5
    reference = normalise(script_text(sample_script("technical")))
    assert jiwer.wer(reference, normalise(transcript.text)) <= MAX_WORD_ERROR_RATE


def test_batched_progress_rises_to_the_whole_audio(
    progress_and_transcript: tuple[list[tuple[float, float]], Transcript],
) -> None:
    calls, transcript = progress_and_transcript
    assert len(calls) >= 2
    done = [done for done, _ in calls]
    assert done == sorted(done)
    assert {total for _, total in calls} == {transcript.duration}
    assert calls[-1] == (transcript.duration, transcript.duration)


def test_auto_batches_long_audio_and_decodes_short_audio_in_sequence(
    whisper: FasterWhisperTranscriber,
    sample_audio: Callable[[str], AudioFile],
    caplog: pytest.LogCaptureFixture,
) -> None:
    audio = sample_audio("interview")  # about 70 s
    auto = FasterWhisperTranscriber(batched_from_seconds=audio.duration - 1)
    caplog.set_level(logging.INFO, logger="adapters.local.faster_whisper_transcriber")
    auto.transcribe(audio, job_id="long-enough")
    assert "batched decoder" in caplog.text
    caplog.clear()
    whisper.transcribe(audio, job_id="default")  # the default threshold is above 70 s
    assert "sequential decoder" in caplog.text


def test_two_workers_hear_what_one_hears_in_batches_of_the_same_size(
    sample_audio: Callable[[str], AudioFile],
) -> None:
    # Two workers share four chunks at a time, two each; one worker decodes two at a time.
    audio = sample_audio("technical")
    alone = FasterWhisperTranscriber(decoder="batched", workers=1, batch_size=2)
    pair = FasterWhisperTranscriber(decoder="batched", workers=2, batch_size=4)

    one = alone.transcribe(audio, job_id="one-worker")
    two = pair.transcribe(audio, job_id="two-workers")

    def words(transcript: Transcript) -> list[tuple[str, float, float]]:
        return [(w.text, w.start, w.end) for s in transcript.segments for w in s.words]

    assert len(words(one)) > 100
    assert words(two) == words(one)
    assert [s.text for s in two.segments] == [s.text for s in one.segments]


def test_chunk_by_chunk_encoding_gives_the_batchs_own_encoder_output(
    batched: FasterWhisperTranscriber, sample_audio: Callable[[str], AudioFile]
) -> None:
    model = batched._loaded_model()
    samples = decode_audio(str(sample_audio("technical").path))
    chunks = [samples[at : at + 30 * 16_000] for at in (0, 20 * 16_000, 45 * 16_000)]
    features = np.stack([pad_or_trim(model.feature_extractor(c)[..., :-1]) for c in chunks])

    whole = np.asarray(model.encode(features))
    chunkwise = np.asarray(ChunkwiseEncoding(model).encode(features))

    assert whole.shape[:2] == (3, 1500)
    assert np.abs(whole).max() > 0
    np.testing.assert_array_equal(chunkwise, whole)
