"""One VAD pass shared by the recogniser and the diarizer: the regions and the words it gives
are those of faster-whisper's own VAD filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from faster_whisper import BatchedInferencePipeline
from faster_whisper.audio import decode_audio
from faster_whisper.vad import VadOptions, get_speech_timestamps

from adapters.local.faster_whisper_transcriber import DEFAULT_BEAM_SIZE, FasterWhisperTranscriber
from adapters.local.speaker_diarizer import CamppSpeakerDiarizer
from adapters.local.speech_activity import (
    SAMPLE_RATE,
    SpeechActivity,
    recogniser_vad_options,
    speech_only,
)
from interview_core.entities import AudioFile

OPTIONS = (
    VadOptions(),
    recogniser_vad_options(batched=True),
    recogniser_vad_options(batched=False),
    VadOptions(threshold=0.35, min_speech_duration_ms=250, min_silence_duration_ms=300,
               speech_pad_ms=200),
    VadOptions(max_speech_duration_s=4.0, min_silence_duration_ms=100, speech_pad_ms=0),
    VadOptions(threshold=0.6, neg_threshold=0.2, min_speech_duration_ms=1000),
)  # fmt: skip


def _samples(audio: AudioFile) -> np.ndarray:
    return np.asarray(decode_audio(str(audio.path), sampling_rate=SAMPLE_RATE), dtype=np.float32)


@pytest.mark.parametrize("options", OPTIONS, ids=range(len(OPTIONS)))
def test_regions_from_one_pass_equal_faster_whispers_own_vad(
    options: Any, sample_audio: Callable[[str], AudioFile]
) -> None:
    samples = _samples(sample_audio("technical"))
    activity = SpeechActivity.heard(samples)

    assert activity.chunks(options) == get_speech_timestamps(samples, options)
    assert activity.chunks(options)


@pytest.mark.parametrize("extra", [0, 1, 300, 511])
def test_probabilities_in_runs_of_32_s_are_faster_whispers_single_run(
    extra: int, sample_audio: Callable[[str], AudioFile]
) -> None:
    from faster_whisper.vad import get_vad_model

    samples = _samples(sample_audio("technical"))[: 1_000 * 512 * 3 + extra]
    padded = np.pad(samples, (0, 512 - len(samples) % 512))
    own = np.asarray(get_vad_model()(padded.copy())).reshape(-1)  # it writes to its input

    heard = SpeechActivity.heard(samples).probabilities

    assert len(heard) == len(own) > 3_000  # four runs of the model
    np.testing.assert_allclose(heard, own, rtol=0, atol=1e-5)


def test_silence_and_a_partial_frame_give_no_speech() -> None:
    silence = np.zeros(SAMPLE_RATE * 5 + 100, dtype=np.float32)
    activity = SpeechActivity.heard(silence)

    assert activity.length == len(silence)
    assert activity.chunks(VadOptions()) == get_speech_timestamps(silence, VadOptions()) == []
    assert SpeechActivity.heard(np.zeros(0, dtype=np.float32)).regions(VadOptions()) == []


def test_regions_are_seconds_moved_by_the_offset(sample_audio: Callable[[str], AudioFile]) -> None:
    samples = _samples(sample_audio("interview"))
    activity = SpeechActivity.heard(samples)
    options = recogniser_vad_options(batched=True)

    regions = activity.regions(options, offset=100.0)

    assert regions == [
        (100.0 + c["start"] / SAMPLE_RATE, 100.0 + c["end"] / SAMPLE_RATE)
        for c in activity.chunks(options)
    ]
    assert all(100.0 <= start < end <= 100.0 + len(samples) / SAMPLE_RATE for start, end in regions)


def test_speech_only_pieces_are_under_30_s_and_hold_every_speech_sample(
    sample_audio: Callable[[str], AudioFile],
) -> None:
    samples = _samples(sample_audio("technical"))
    chunks = SpeechActivity.heard(samples).chunks(recogniser_vad_options(batched=True))

    speech = speech_only(samples, chunks)

    assert len(speech.samples) == sum(c["end"] - c["start"] for c in chunks)
    cuts = [(int(c["start"] * SAMPLE_RATE), int(c["end"] * SAMPLE_RATE)) for c in speech.clips]
    assert cuts[0][0] == 0 and cuts[-1][1] == len(speech.samples)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:], strict=False))
    assert all(0 < end - start <= 30 * SAMPLE_RATE for start, end in cuts)


def test_batched_words_with_the_shared_pass_are_faster_whispers_own(
    sample_audio: Callable[[str], AudioFile],
) -> None:
    audio = sample_audio("technical")
    # One worker decodes the chunks in batches of four, as faster-whisper does.
    transcriber = FasterWhisperTranscriber(decoder="batched", workers=1, raise_quiet_speech=False)
    transcript = transcriber.transcribe(audio, job_id="shared-vad")
    raw, _ = BatchedInferencePipeline(transcriber._loaded_model()).transcribe(
        _samples(audio),
        language="en",
        word_timestamps=True,
        beam_size=DEFAULT_BEAM_SIZE,
        batch_size=4,
    )  # faster-whisper's own VAD filter

    own: list[tuple[str, float, float]] = []
    for word in (w for s in raw for w in s.words):
        if own and word.word.startswith("-"):  # " de" "-line" is one word, "de-line"
            text, start, _ = own[-1]
            own[-1] = (text + word.word.strip(), start, round(word.end, 3))
        else:
            own.append((word.word.strip(), round(word.start, 3), round(word.end, 3)))
    shared = [(w.text, w.start, w.end) for s in transcript.segments for w in s.words]
    assert any("-" in text for text, _, _ in shared)
    assert shared == own


def test_the_diarizer_takes_its_regions_from_the_recognisers_pass(
    sample_audio: Callable[[str], AudioFile],
) -> None:
    own_passes: list[float] = []

    def finder(samples: np.ndarray, offset: float) -> list[tuple[float, float]]:
        own_passes.append(offset)
        return []

    diarizer = CamppSpeakerDiarizer(speech_finder=finder)
    transcriber = FasterWhisperTranscriber(decoder="batched", diarizer=diarizer)

    transcript = transcriber.transcribe(sample_audio("technical"), job_id="shared-speakers")

    assert own_passes == []
    assert {segment.speaker for segment in transcript.segments} == {"spk_0", "spk_1"}
