"""Long audio read as a stream and handed out in bounded windows cut at quiet moments."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from interview_core.errors import TranscriptionFailed

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

SAMPLE_RATE = 16_000
READ_SAMPLES = 500_000
"""Source samples resampled at once while reading (about 10 to 30 s of audio)."""
LOUDNESS_FRAME_SECONDS = 0.01
QUIET_SPAN_SECONDS = 0.2
"""A cut goes in the middle of the quietest stretch this long: a pause between words."""


@attrs.frozen
class WindowShape:
    """How long audio is cut: windows of about `seconds`, each cut at the quietest moment of
    its last `search_seconds`. A window goes on `overlap_seconds` past its cut, so a word
    across the cut is heard whole, and the next starts `lead_seconds` before it, inside the
    quiet moment: the recogniser hears a cut word at a window's end far better than at its
    start, where it may skip what follows. Since every cut risks such a skip, windows are as
    long as memory allows: by default six minutes, so a recording of up to nine minutes is
    one window, heard exactly as the whole file.

    A window runs from `seconds - search_seconds` to `1.5 * seconds + overlap_seconds`: the
    last window takes whatever is left when that is under half a window more, so no window is
    a short scrap. Raises ValueError when a length is impossible.
    """

    seconds: float = 360.0
    search_seconds: float = 20.0
    overlap_seconds: float = 1.0
    lead_seconds: float = 0.1

    def __attrs_post_init__(self) -> None:
        if not 0.0 < self.search_seconds <= self.seconds / 2:
            raise ValueError(
                f"the quiet-moment search ({self.search_seconds} s) must be positive and at "
                f"most half a window ({self.seconds} s)"
            )
        if not 0.0 <= self.lead_seconds <= self.overlap_seconds <= self.search_seconds:
            raise ValueError(
                f"the lead ({self.lead_seconds} s) and overlap ({self.overlap_seconds} s) "
                f"must be in order between 0 and the search ({self.search_seconds} s)"
            )


@attrs.frozen
class AudioWindow:
    """A stretch of the audio: `samples` start at `offset` seconds into the whole recording.

    What is heard in the window belongs to it when its middle lies in [`keep_from`,
    `keep_until`): the stretch between its cuts. The audio on either side of that stretch is
    shared with the neighbouring windows, and what is heard there twice is kept once.
    """

    samples: Samples
    offset: float
    keep_from: float
    keep_until: float

    @property
    def end(self) -> float:
        """Seconds into the recording where the window's audio ends."""
        return self.offset + len(self.samples) / SAMPLE_RATE

    def keeps(self, start: float, end: float) -> bool:
        """Whether something heard from `start` to `end` (recording seconds) belongs here."""
        middle = (start + end) / 2
        return self.keep_from <= middle < self.keep_until


def windows(blocks: Iterable[Samples], shape: WindowShape) -> Iterator[AudioWindow]:
    """Cut a stream of 16 kHz sample blocks into windows; holds at most one window's audio.

    Every moment of the stream is kept by exactly one window, in order; the first keeps
    from 0 and the last up to infinity. No window is yielded for an empty stream.
    """
    size = round(shape.seconds * SAMPLE_RATE)
    overlap = round(shape.overlap_seconds * SAMPLE_RATE)
    lead = round(shape.lead_seconds * SAMPLE_RATE)
    pending: list[Samples] = []
    held = 0  # samples in `pending`
    start = 0  # recording sample of pending[0]
    cut = 0  # recording sample where the next window's own stretch begins
    for block in blocks:
        pending.append(block)
        held += len(block)
        while start + held >= cut + size + size // 2 + overlap:
            audio = np.concatenate(pending)
            pending.clear()  # the blocks' audio is held once, in `audio`
            following = _quiet_cut(audio, start, cut, size, shape)
            first = max(cut - lead, 0)
            yield AudioWindow(
                samples=audio[first - start : following + overlap - start],
                offset=first / SAMPLE_RATE,
                keep_from=cut / SAMPLE_RATE,
                keep_until=following / SAMPLE_RATE,
            )
            rest = audio[following - lead - start :].copy()
            del audio
            pending, held, start, cut = [rest], len(rest), following - lead, following
    if start + held > cut:
        audio = np.concatenate(pending)
        pending.clear()
        first = max(cut - lead, 0)
        yield AudioWindow(
            samples=audio[first - start :],
            offset=first / SAMPLE_RATE,
            keep_from=cut / SAMPLE_RATE,
            keep_until=math.inf,
        )


def _quiet_cut(audio: Samples, start: int, cut: int, size: int, shape: WindowShape) -> int:
    """The recording sample in the middle of the quietest span near the end of a window
    (in the middle of a silence when several spans are equally quiet)."""
    search = round(shape.search_seconds * SAMPLE_RATE)
    frame = round(LOUDNESS_FRAME_SECONDS * SAMPLE_RATE)
    region_start = cut + size - search
    region = audio[region_start - start : cut + size - start]
    frames = len(region) // frame
    power = np.square(region[: frames * frame], dtype=np.float64).reshape(frames, frame)
    span = max(1, min(frames, round(QUIET_SPAN_SECONDS / LOUDNESS_FRAME_SECONDS)))
    loudness = np.convolve(power.mean(axis=1), np.ones(span), mode="valid")
    first = int(np.argmin(loudness))
    louder = np.flatnonzero(loudness[first:] > loudness[first] * (1 + 1e-6) + 1e-12)
    last = first + (int(louder[0]) if len(louder) else len(loudness) - first) - 1
    return region_start + (first + last) // 2 * frame + span * frame // 2


def read_blocks(path: Path) -> Iterator[Samples]:
    """The audio of `path` as 16 kHz mono float blocks, decoded as it is read.

    The samples are those faster-whisper's own `decode_audio` gives for the whole file.
    Raises TranscriptionFailed when the file is missing, has no audio stream or cannot be
    decoded (possibly after some blocks were given).
    """
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            resampler = av.audio.resampler.AudioResampler(
                format="s16", layout="mono", rate=SAMPLE_RATE
            )
            for frame in _resampled(_grouped(_valid(container.decode(audio=0))), resampler):
                yield frame.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
    except FileNotFoundError as exc:
        raise TranscriptionFailed(f"audio file {path.name} does not exist") from exc
    except IndexError as exc:
        raise TranscriptionFailed(f"{path.name} has no audio stream") from exc
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise TranscriptionFailed(
            f"audio file {path.name} cannot be decoded: {first_line(exc)}"
        ) from exc


def audio_seconds(path: Path, fallback: float) -> float:
    """The length the file's header gives its audio, or `fallback` when it gives none."""
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return float(container.duration) / av.time_base
    except (av.FFmpegError, OSError, ValueError, IndexError):
        pass  # reading the samples reports what is wrong with the file
    return fallback


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, or its type's name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _valid(frames: Iterable[Any]) -> Iterator[Any]:
    """The frames, skipping any the decoder finds invalid."""
    import av

    iterator = iter(frames)
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _grouped(frames: Iterable[Any]) -> Iterator[Any]:
    """Frames regrouped into blocks of READ_SAMPLES, ignoring timestamp gaps."""
    import av

    fifo = av.audio.fifo.AudioFifo()
    for frame in frames:
        frame.pts = None
        fifo.write(frame)
        if fifo.samples >= READ_SAMPLES:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


def _resampled(frames: Iterable[Any], resampler: Any) -> Iterator[Any]:
    for frame in frames:
        yield from resampler.resample(frame)
    yield from resampler.resample(None)
