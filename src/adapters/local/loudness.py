"""Quiet speech raised to one loudness before recognition: Whisper hears it worse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

SPEECH_LEVEL_DBFS = -18.0
"""The level quiet audio is raised to: the 90th percentile of its 100 ms frames' RMS in dB
below full scale, where the spoken interviews are recognised best (speech recorded close and
loud; an online meeting's is often 10 to 20 dB below)."""
MOST_GAIN_DB = 24.0
"""The most a window is raised: more would bring up a noise floor as loud as speech."""
QUIETEST_SPEECH_DBFS = -60.0
"""Below this, a window holds no speech worth raising (silence, or a faint hum)."""
PEAK_CEILING = 0.98
"""Raised audio stays below full scale but for the loudest ten-thousandth of its samples,
which are clipped there."""
_FRAME = 1600  # 100 ms at 16 kHz


def speech_level_dbfs(samples: Samples) -> float:
    """The audio's speech level: the 90th percentile of its 100 ms frames' RMS, in dBFS
    (-inf for silence or audio shorter than one frame)."""
    whole = len(samples) // _FRAME * _FRAME
    if whole == 0:
        return -np.inf
    frames = samples[:whole].reshape(-1, _FRAME)
    rms = np.sqrt(np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / _FRAME)
    level = float(np.percentile(rms, 90))
    return 20 * np.log10(level) if level > 0 else -np.inf


def raised_gain(samples: Samples) -> float:
    """The factor that brings quiet speech in `samples` up to SPEECH_LEVEL_DBFS: at most
    MOST_GAIN_DB, never below 1 (loud audio is left as it is), 1 for audio with no speech
    level to speak of, and no more than keeps all but the loudest ten-thousandth of the
    samples below PEAK_CEILING."""
    level = speech_level_dbfs(samples)
    if level < QUIETEST_SPEECH_DBFS or level >= SPEECH_LEVEL_DBFS:
        return 1.0
    gain = 10 ** (min(SPEECH_LEVEL_DBFS - level, MOST_GAIN_DB) / 20)
    peak = float(np.percentile(np.abs(samples), 99.99, overwrite_input=True))
    if peak > 0:
        gain = min(gain, PEAK_CEILING / peak)
    return max(1.0, gain)


def raised(samples: Samples) -> tuple[Samples, float]:
    """`samples` with quiet speech raised (see raised_gain), and the gain in dB (0 when
    they are returned as they are)."""
    gain = raised_gain(samples)
    if gain <= 1.0:
        return samples, 0.0
    louder = np.clip(samples * np.float32(gain), -PEAK_CEILING, PEAK_CEILING)
    return louder.astype(np.float32, copy=False), 20 * float(np.log10(gain))
