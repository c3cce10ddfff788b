"""Long audio cut into bounded windows: quiet cuts, offsets, overlap, every moment once."""

from __future__ import annotations

import math

import numpy as np
import pytest

from adapters.local.audio_windows import SAMPLE_RATE, AudioWindow, WindowShape, windows

SHAPE = WindowShape(seconds=30.0, search_seconds=5.0, overlap_seconds=1.0, lead_seconds=0.1)


def _speech(seconds: float, gaps: list[float], rng_seed: int = 7) -> np.ndarray:
    """Loud noise with 0.3 s of silence starting at each of `gaps` (seconds)."""
    audio = np.random.default_rng(rng_seed).uniform(-0.5, 0.5, round(seconds * SAMPLE_RATE))
    for gap in gaps:
        audio[round(gap * SAMPLE_RATE) : round((gap + 0.3) * SAMPLE_RATE)] = 0.0
    return audio.astype(np.float32)


def _blocks(audio: np.ndarray, size: int) -> list[np.ndarray]:
    return [audio[at : at + size] for at in range(0, len(audio), size)]


def _cut(audio: np.ndarray, block_seconds: float = 7.0) -> list[AudioWindow]:
    return list(windows(_blocks(audio, round(block_seconds * SAMPLE_RATE)), SHAPE))


def test_an_empty_stream_gives_no_window() -> None:
    assert list(windows([], SHAPE)) == []
    assert list(windows([np.zeros(0, np.float32)], SHAPE)) == []


def test_audio_shorter_than_one_and_a_half_windows_is_one_window() -> None:
    audio = _speech(44.0, [])

    (only,) = _cut(audio)

    assert (only.offset, only.keep_from, only.keep_until) == (0.0, 0.0, math.inf)
    np.testing.assert_array_equal(only.samples, audio)


def test_by_default_a_recording_of_nine_minutes_is_one_window_and_longer_ones_are_cut() -> None:
    block = np.zeros(60 * SAMPLE_RATE, np.float32)

    (whole,) = windows([block] * 9, WindowShape())
    cut = list(windows([block] * 10, WindowShape()))

    assert (whole.offset, whole.keep_until, whole.end) == (0.0, math.inf, 540.0)
    assert len(cut) == 2
    assert WindowShape().seconds - WindowShape().search_seconds <= cut[0].keep_until


def test_cuts_fall_in_the_silence_near_each_window_end() -> None:
    audio = _speech(100.0, gaps=[12.0, 27.0, 55.6, 81.0])

    cut = _cut(audio)

    assert [round(w.keep_until, 2) for w in cut[:-1]] == [27.15, 55.75]
    assert cut[-1].keep_until == math.inf


def test_each_moment_belongs_to_exactly_one_window_and_cuts_chain() -> None:
    cut = _cut(_speech(200.0, gaps=[float(g) for g in range(3, 200, 11)]))

    assert cut[0].keep_from == 0.0
    for before, after in zip(cut, cut[1:], strict=False):
        assert before.keep_until == after.keep_from
    moments = np.arange(0.0, 200.0, 0.05)
    owners = [sum(w.keeps(t, t) for w in cut) for t in moments]
    assert owners == [1] * len(moments)


def test_windows_share_the_overlap_and_carry_the_recording_offsets() -> None:
    audio = _speech(130.0, gaps=[27.2, 56.0, 84.0, 113.0])

    cut = _cut(audio, block_seconds=3.3)

    assert len(cut) == 4
    for window in cut:
        first = round(window.offset * SAMPLE_RATE)
        np.testing.assert_array_equal(window.samples, audio[first : first + len(window.samples)])
    for before, after in zip(cut, cut[1:], strict=False):
        assert after.offset == pytest.approx(before.keep_until - 0.1)
        assert before.end == pytest.approx(before.keep_until + 1.0)
    assert cut[-1].end == pytest.approx(130.0)


def test_windows_stay_bounded_whatever_the_length_and_blocks() -> None:
    for seconds, block in ((300.0, 0.5), (301.7, 31.0), (46.0, 46.0)):
        cut = _cut(_speech(seconds, gaps=[]), block_seconds=block)
        lengths = [len(w.samples) / SAMPLE_RATE for w in cut]
        assert max(lengths) <= 1.5 * SHAPE.seconds + SHAPE.overlap_seconds + SHAPE.lead_seconds
        assert all(length >= SHAPE.seconds - SHAPE.search_seconds for length in lengths[:-1])
        assert cut[-1].end == pytest.approx(seconds)


def test_the_same_audio_in_other_blocks_is_cut_the_same() -> None:
    audio = _speech(150.0, gaps=[28.0, 57.5, 86.0, 112.0])

    first = [(w.offset, w.keep_until) for w in _cut(audio, block_seconds=1.0)]
    second = [(w.offset, w.keep_until) for w in _cut(audio, block_seconds=40.0)]

    assert first == second


def test_without_silence_the_quietest_moment_is_chosen() -> None:
    audio = _speech(60.0, gaps=[])
    audio[round(27.0 * SAMPLE_RATE) : round(27.4 * SAMPLE_RATE)] *= 0.1

    cut = _cut(audio)

    assert 27.0 <= cut[0].keep_until <= 27.4


@pytest.mark.parametrize(
    ("search", "overlap", "lead"),
    [(0.0, 1.0, 0.1), (16.0, 1.0, 0.1), (5.0, 6.0, 0.1), (5.0, 1.0, 2.0), (5.0, 1.0, -0.1)],
)
def test_impossible_window_shapes_are_refused(search: float, overlap: float, lead: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        WindowShape(seconds=30.0, search_seconds=search, overlap_seconds=overlap, lead_seconds=lead)
