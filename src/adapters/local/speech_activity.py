"""One Silero VAD pass over a stretch of audio, read as speech regions under several options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]
    Chunk = dict[str, int]

SAMPLE_RATE = 16_000
FRAME_SAMPLES = 512
"""The Silero model gives one speech probability per 32 ms frame of 16 kHz audio."""
CONTEXT_SAMPLES = 64
"""Each frame is fed with the last samples of the frame before it."""
FRAMES_PER_RUN = 1_000
"""Frames (32 s) the VAD model hears per run."""
CHUNK_SECONDS = 30.0
"""Whisper hears 30 s at a time."""


@attrs.frozen(eq=False)
class SpeechActivity:
    """The Silero VAD's speech probability for every frame of some 16 kHz audio.

    The model, the costly part of voice activity detection, runs once, in `heard`; `chunks`
    and `regions` turn the probabilities into speech stretches under any `VadOptions`, so
    the recogniser and the speaker diarizer each get the regions they want from one pass.
    The stretches are exactly those faster-whisper's `get_speech_timestamps` finds for the
    same audio and options.
    """

    probabilities: npt.NDArray[np.float32]
    length: int
    """Samples in the audio heard."""

    @classmethod
    def heard(cls, samples: Samples) -> SpeechActivity:
        """Run the VAD model that faster-whisper ships over `samples` (16 kHz mono).

        Raises RuntimeError when onnxruntime is missing, as faster-whisper does.
        """
        from faster_whisper.vad import get_vad_model

        padded = np.pad(samples, (0, FRAME_SAMPLES - len(samples) % FRAME_SAMPLES))
        probabilities = _frame_probabilities(get_vad_model(), padded)
        return cls(probabilities=probabilities, length=len(samples))

    def chunks(self, options: Any) -> list[Chunk]:
        """Speech stretches as faster-whisper gives them: {"start": sample, "end": sample}.

        `options` is a faster-whisper `VadOptions`. The rules are Silero's (MIT licence, as
        adapted in faster-whisper's `get_speech_timestamps`): speech starts above the
        threshold, ends after `min_silence_duration_ms` below a lower one, is cut near
        `max_speech_duration_s` at its last pause, dropped when shorter than
        `min_speech_duration_ms`, then padded by `speech_pad_ms` without overlapping.
        """
        speeches = _triggered(self.probabilities, self.length, options)
        return _padded(speeches, self.length, SAMPLE_RATE * options.speech_pad_ms / 1000)

    def regions(self, options: Any, offset: float = 0.0) -> list[tuple[float, float]]:
        """`chunks` as (start, end) seconds, moved by `offset` (where the audio starts)."""
        return [
            (offset + chunk["start"] / SAMPLE_RATE, offset + chunk["end"] / SAMPLE_RATE)
            for chunk in self.chunks(options)
        ]


def _frame_probabilities(model: Any, padded: Samples) -> npt.NDArray[np.float32]:
    """The Silero model's speech probability per frame of `padded` (a whole number of
    frames), as faster-whisper's model gives them, but `FRAMES_PER_RUN` frames per run of
    the ONNX session rather than 10,000: the session's scratch memory, which it keeps, is
    then some 15 MB instead of 140 MB. The model's recurrent state goes on from one run to
    the next, so the probabilities are the same."""
    session = getattr(model, "session", None)
    if session is None:  # another faster-whisper: its own single run
        return np.asarray(model(padded), dtype=np.float32).reshape(-1)
    frames = padded.reshape(-1, FRAME_SAMPLES)
    count = len(frames)
    h = np.zeros((1, 1, 128), dtype=np.float32)
    c = np.zeros((1, 1, 128), dtype=np.float32)
    probabilities = np.empty(count, dtype=np.float32)
    for first in range(0, count, FRAMES_PER_RUN):
        last = min(count, first + FRAMES_PER_RUN)
        inputs = np.zeros((last - first, CONTEXT_SAMPLES + FRAME_SAMPLES), dtype=np.float32)
        inputs[:, CONTEXT_SAMPLES:] = frames[first:last]
        inputs[1:, :CONTEXT_SAMPLES] = frames[first : last - 1, -CONTEXT_SAMPLES:]
        if first:
            inputs[0, :CONTEXT_SAMPLES] = frames[first - 1, -CONTEXT_SAMPLES:]
        if last == count:  # faster-whisper feeds the last frame without its last samples,
            inputs[-1, -CONTEXT_SAMPLES:] = 0.0  # and the frame after it would hear that
        output, h, c = session.run(None, {"input": inputs, "h": h, "c": c})
        probabilities[first:last] = np.asarray(output, dtype=np.float32).reshape(-1)
    return probabilities


def _triggered(probabilities: npt.NDArray[np.float32], length: int, options: Any) -> list[Chunk]:
    """Unpadded speech stretches: Silero's hysteresis over the frame probabilities."""
    threshold = options.threshold
    negative = options.neg_threshold
    if negative is None:
        negative = max(threshold - 0.15, 0.01)
    # The probabilities are float32, and NumPy compares them with a threshold in float32.
    threshold, negative = float(np.float32(threshold)), float(np.float32(negative))
    pad = SAMPLE_RATE * options.speech_pad_ms / 1000
    shortest = SAMPLE_RATE * options.min_speech_duration_ms / 1000
    longest = SAMPLE_RATE * options.max_speech_duration_s - FRAME_SAMPLES - 2 * pad
    min_silence = SAMPLE_RATE * options.min_silence_duration_ms / 1000
    pause_at_longest = SAMPLE_RATE * 98 / 1000
    triggered = False
    speeches: list[Chunk] = []
    current: Chunk = {}
    temp_end = prev_end = next_start = 0
    for index, probability in enumerate(probabilities.tolist()):
        at = FRAME_SAMPLES * index
        if probability >= threshold and temp_end:
            temp_end = 0
            if next_start < prev_end:
                next_start = at
        if probability >= threshold and not triggered:
            triggered = True
            current["start"] = at
            continue
        if triggered and at - current["start"] > longest:
            if prev_end:
                current["end"] = prev_end
                speeches.append(current)
                current = {}
                if next_start < prev_end:
                    triggered = False
                else:
                    current["start"] = next_start
                prev_end = next_start = temp_end = 0
            else:
                current["end"] = at
                speeches.append(current)
                current = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                continue
        if probability < negative and triggered:
            if not temp_end:
                temp_end = at
            if at - temp_end > pause_at_longest:
                prev_end = temp_end
            if at - temp_end < min_silence:
                continue
            current["end"] = temp_end
            if current["end"] - current["start"] > shortest:
                speeches.append(current)
            current = {}
            prev_end = next_start = temp_end = 0
            triggered = False
    if current and length - current["start"] > shortest:
        current["end"] = length
        speeches.append(current)
    return speeches


def _padded(speeches: list[Chunk], length: int, pad: float) -> list[Chunk]:
    """The stretches widened by `pad` samples each side, halving gaps narrower than 2 pads."""
    for index, speech in enumerate(speeches):
        if index == 0:
            speech["start"] = int(max(0, speech["start"] - pad))
        if index != len(speeches) - 1:
            following = speeches[index + 1]
            silence = following["start"] - speech["end"]
            if silence < 2 * pad:
                speech["end"] += int(silence // 2)
                following["start"] = int(max(0, following["start"] - silence // 2))
            else:
                speech["end"] = int(min(length, speech["end"] + pad))
                following["start"] = int(max(0, following["start"] - pad))
        else:
            speech["end"] = int(min(length, speech["end"] + pad))
    return speeches


def recogniser_vad_options(*, batched: bool) -> Any:
    """The VAD options faster-whisper itself gives the recogniser: speech cut into pieces of
    at most 30 s at pauses of 160 ms for the batched decoder, its defaults for the other."""
    from faster_whisper.vad import VadOptions

    if batched:
        return VadOptions(max_speech_duration_s=CHUNK_SECONDS, min_silence_duration_ms=160)
    return VadOptions()


@attrs.frozen(eq=False)
class SpeechOnly:
    """Audio with its silences taken out, as faster-whisper's VAD filter hands it on.

    `samples` are the speech `chunks` of the original audio back to back; `clips` cut them
    into pieces of at most `CHUNK_SECONDS` (at chunk edges) in seconds of `samples`, the
    pieces faster-whisper's batched decoder would make. `restored` moves times heard in
    `samples` back to the original audio.
    """

    samples: Samples
    chunks: list[Chunk]
    clips: list[dict[str, float]]

    def restored(self, segments: Iterable[Any]) -> Iterable[Any]:
        """The recogniser's `segments` with their and their words' times in the original
        audio (lazily, as faster-whisper does after its own VAD filter)."""
        if not self.chunks:
            return segments
        from faster_whisper.transcribe import restore_speech_timestamps

        restored: Iterable[Any] = restore_speech_timestamps(segments, self.chunks, SAMPLE_RATE)
        return restored


def speech_only(samples: Samples, chunks: list[Chunk]) -> SpeechOnly:
    """The speech `chunks` of `samples` back to back, with the pieces to decode them in."""
    from faster_whisper.vad import collect_chunks

    pieces, metadata = collect_chunks(samples, chunks, max_duration=CHUNK_SECONDS)
    clips = []
    for piece in metadata:
        first = round(piece["offset"] * SAMPLE_RATE)
        last = first + round(piece["duration"] * SAMPLE_RATE)
        # faster-whisper turns seconds back into samples by truncation: half a sample more
        # lands on the sample itself.
        clips.append({"start": (first + 0.5) / SAMPLE_RATE, "end": (last + 0.5) / SAMPLE_RATE})
    return SpeechOnly(np.concatenate(pieces), chunks, clips)
