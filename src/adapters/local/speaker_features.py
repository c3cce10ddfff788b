"""Kaldi-style log-mel filterbank features, the input the CAM++ speaker model was trained on."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]
    Features = npt.NDArray[np.float32]

SAMPLE_RATE = 16_000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
FFT_SIZE = 512
MEL_BINS = 80
LOW_HZ = 20.0
PREEMPHASIS = 0.97
FRAMES_AT_ONCE = 4_000
"""Frames transformed together: bounds the memory of the spectra to a few megabytes."""
_EPSILON = float(np.finfo(np.float32).eps)


def frame_count(samples: int) -> int:
    """How many whole 25 ms frames, 10 ms apart, `samples` hold (Kaldi's snip_edges)."""
    return 0 if samples < FRAME_LENGTH else 1 + (samples - FRAME_LENGTH) // FRAME_SHIFT


def fbank(samples: Samples) -> Features:
    """80 log-mel energies per 10 ms frame of 16 kHz mono `samples`, as Kaldi's `fbank` gives.

    Kaldi's defaults as CAM++ was trained with them: 25 ms Povey windows every 10 ms, only
    whole frames, the DC offset removed and 0.97 pre-emphasis per frame, a 512-point power
    spectrum, 80 triangular mel filters from 20 Hz to 8 kHz, natural log, no dither. The
    level of the samples only shifts every bin by one constant, which `normalised` removes.
    Returns an array of shape (frames, 80); no frames for under 25 ms of audio.
    """
    count = frame_count(len(samples))
    out = np.empty((count, MEL_BINS), dtype=np.float32)
    window = _povey_window()
    banks = _mel_banks()
    for first in range(0, count, FRAMES_AT_ONCE):
        last = min(count, first + FRAMES_AT_ONCE)
        starts = np.arange(first, last) * FRAME_SHIFT
        frames = samples[starts[:, None] + np.arange(FRAME_LENGTH)].astype(np.float32)
        frames -= frames.mean(axis=1, keepdims=True)
        frames[:, 1:] -= PREEMPHASIS * frames[:, :-1].copy()
        frames[:, 0] *= 1.0 - PREEMPHASIS
        frames *= window
        spectrum = np.fft.rfft(frames, n=FFT_SIZE, axis=1)
        power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
        energies = power[:, : FFT_SIZE // 2] @ banks
        out[first:last] = np.log(np.maximum(energies, _EPSILON))
    return out


def normalised(features: Features) -> Features:
    """`features` less each bin's mean over its frames (cepstral mean normalisation)."""
    centred: Features = (features - features.mean(axis=0, keepdims=True)).astype(np.float32)
    return centred


@cache
def _povey_window() -> Features:
    n = np.arange(FRAME_LENGTH, dtype=np.float64)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * n / (FRAME_LENGTH - 1))) ** 0.85
    return window.astype(np.float32)


@cache
def _mel_banks() -> Features:
    """Kaldi's triangular mel filters over the first 256 bins of the spectrum: (256, 80)."""

    def mel(hertz: npt.NDArray[np.float64] | float) -> npt.NDArray[np.float64]:
        return np.asarray(1127.0 * np.log(1.0 + np.asarray(hertz) / 700.0))

    bins = FFT_SIZE // 2
    low, high = mel(LOW_HZ), mel(SAMPLE_RATE / 2)
    spacing = (high - low) / (MEL_BINS + 1)
    left = low + spacing * np.arange(MEL_BINS)
    centre, right = left + spacing, left + 2 * spacing
    heard = mel(np.arange(bins) * SAMPLE_RATE / FFT_SIZE)[:, None]
    rising = (heard - left) / (centre - left)
    falling = (right - heard) / (right - centre)
    weights = np.where((heard > left) & (heard < right), np.minimum(rising, falling), 0.0)
    return np.maximum(weights, 0.0).astype(np.float32)
