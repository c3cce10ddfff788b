"""Quiet speech raised to one loudness before recognition; loud audio and silence left alone."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.local.loudness import (
    MOST_GAIN_DB,
    PEAK_CEILING,
    SPEECH_LEVEL_DBFS,
    raised,
    speech_level_dbfs,
)

RATE = 16_000


def speech_like(level_dbfs: float, seconds: float = 20.0, seed: int = 7) -> np.ndarray:
    """Bursts of noise (half a second on, a quarter off) whose loud frames sit at `level_dbfs`."""
    generator = np.random.default_rng(seed)
    samples = generator.normal(0.0, 1.0, round(seconds * RATE)).astype(np.float32)
    on = (np.arange(len(samples)) % (RATE * 3 // 4)) < RATE // 2
    samples *= on
    samples *= np.float32(10 ** (level_dbfs / 20))
    return samples


@pytest.mark.parametrize("level", [-20.0, -30.0, -38.0])
def test_quiet_speech_is_raised_to_the_speech_level(level: float) -> None:
    samples = speech_like(level)
    assert speech_level_dbfs(samples) == pytest.approx(level, abs=0.3)

    louder, gain_db = raised(samples)

    assert gain_db == pytest.approx(SPEECH_LEVEL_DBFS - speech_level_dbfs(samples), abs=0.01)
    assert speech_level_dbfs(louder) == pytest.approx(SPEECH_LEVEL_DBFS, abs=0.01)
    assert louder.dtype == np.float32


def test_very_quiet_speech_is_raised_by_the_most_gain_only() -> None:
    louder, gain_db = raised(speech_like(-55.0))

    assert gain_db == pytest.approx(MOST_GAIN_DB)
    assert speech_level_dbfs(louder) == pytest.approx(-55.0 + MOST_GAIN_DB, abs=0.3)
    assert speech_level_dbfs(louder) < SPEECH_LEVEL_DBFS


@pytest.mark.parametrize("level", [-18.0, -10.0, -3.0])
def test_speech_at_the_level_or_louder_is_given_as_it_is(level: float) -> None:
    samples = speech_like(level)

    same, gain_db = raised(samples)

    assert gain_db == 0.0
    assert same is samples


@pytest.mark.parametrize(
    "samples",
    [
        np.zeros(10 * RATE, dtype=np.float32),
        speech_like(-70.0),  # a faint hum, no speech
        np.zeros(100, dtype=np.float32),  # shorter than one frame
        np.zeros(0, dtype=np.float32),
    ],
)
def test_silence_and_a_faint_floor_are_not_raised(samples: np.ndarray) -> None:
    same, gain_db = raised(samples)

    assert gain_db == 0.0
    assert same is samples


def test_a_quiet_recording_with_loud_clicks_is_raised_only_as_far_as_its_peaks_allow() -> None:
    samples = speech_like(-35.0)
    samples[:: RATE // 2] = 0.5  # 0.01 % of samples or more at -6 dBFS

    louder, gain_db = raised(samples)

    assert 0.0 < gain_db < SPEECH_LEVEL_DBFS + 35.0
    assert np.percentile(np.abs(louder), 99.99) <= PEAK_CEILING + 1e-6
    assert np.abs(louder).max() <= PEAK_CEILING + 1e-6
