"""Kaldi-style filterbank features: frame count, where a tone lands, mean removal."""

from __future__ import annotations

import numpy as np

from adapters.local.speaker_features import fbank, frame_count, normalised


def test_frames_are_whole_25_ms_windows_every_10_ms() -> None:
    assert frame_count(399) == 0
    assert frame_count(400) == 1
    assert frame_count(16_000) == 98
    assert fbank(np.zeros(16_000, dtype=np.float32)).shape == (98, 80)
    assert fbank(np.zeros(100, dtype=np.float32)).shape == (0, 80)


def test_a_tone_is_loudest_in_its_own_mel_band() -> None:
    seconds = np.arange(16_000) / 16_000
    low = fbank(np.sin(2 * np.pi * 300 * seconds).astype(np.float32))
    high = fbank(np.sin(2 * np.pi * 3000 * seconds).astype(np.float32))

    assert int(np.argmax(low.mean(axis=0))) < int(np.argmax(high.mean(axis=0)))
    assert np.all(np.isfinite(fbank(np.zeros(1_000, dtype=np.float32))))  # log of silence


def test_the_level_of_the_audio_only_shifts_the_features_which_normalising_removes() -> None:
    rng = np.random.default_rng(0)
    audio = rng.standard_normal(8_000).astype(np.float32) * 0.1

    quiet, loud = normalised(fbank(audio)), normalised(fbank(audio * 10))

    assert np.allclose(quiet, loud, atol=1e-3)
    assert np.allclose(quiet.mean(axis=0), 0.0, atol=1e-4)
