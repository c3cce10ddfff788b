"""Who spoke when, offline: speech regions, CAM++ voice prints, one clustering for the recording."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from adapters.local.speaker_clustering import ClusterRules, cluster
from adapters.local.speaker_embeddings import EMBEDDING_SIZE, CamppSpeakerEmbedder

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
PRINT_SECONDS = 1.5
"""Each voice print hears this much speech: long enough to know a voice, short enough to
change hands rarely inside one."""
PRINT_HOP_SECONDS = 1.5
"""Prints side by side, not overlapping: half the model's work of a 0.75 s hop, for DER 0.074
instead of 0.067 on the AMI excerpt and the same on the samples (docs/how-to/speakers.md)."""
SHORTEST_REGION_SECONDS = 0.25
"""Speech regions shorter than this (a click, a breath) are not given a speaker."""

Region = tuple[float, float]
SpeechFinder = Callable[["Samples", float], "list[Region]"]
"""Finds the speech regions of samples that start at an offset (recording seconds)."""


@attrs.frozen
class SpeakerTurn:
    """One speaker talking from `start` to `end` seconds into the recording."""

    start: float
    end: float
    speaker: str


def speaker_label(number: int) -> str:
    """The label of the `number`-th speaker heard, as Amazon Transcribe writes it: spk_0..."""
    return f"spk_{number}"


def speech_regions(samples: Samples, offset: float = 0.0) -> list[Region]:
    """Stretches of speech in 16 kHz `samples` by the Silero VAD that faster-whisper ships,
    in recording seconds (`offset` is where the samples start).

    Finer than the recogniser's regions: cut at pauses of 0.3 s, padded by 0.2 s, with a
    threshold of 0.35 that keeps quiet speech in a meeting (see docs/how-to/speakers.md for
    the measurements behind these numbers).
    """
    from faster_whisper.vad import get_speech_timestamps

    found = get_speech_timestamps(samples, speaker_vad_options())
    return [
        (offset + int(part["start"]) / SAMPLE_RATE, offset + int(part["end"]) / SAMPLE_RATE)
        for part in found
    ]


def speaker_vad_options() -> Any:
    """The faster-whisper `VadOptions` of `speech_regions`, for a caller that runs the VAD."""
    from faster_whisper.vad import VadOptions

    return VadOptions(
        threshold=0.35, min_speech_duration_ms=250, min_silence_duration_ms=300, speech_pad_ms=200
    )


def print_spans(regions: Sequence[Region]) -> list[Region]:
    """Stretches of `PRINT_SECONDS` every `PRINT_HOP_SECONDS` inside each region; a region
    shorter than that is one stretch, and each region's last stretch ends with it."""
    spans: list[Region] = []
    for start, end in regions:
        if end - start < SHORTEST_REGION_SECONDS:
            continue
        at = start
        while at + PRINT_SECONDS < end:
            spans.append((at, at + PRINT_SECONDS))
            at += PRINT_HOP_SECONDS
        spans.append((max(start, end - PRINT_SECONDS), end))
    return spans


@attrs.frozen(eq=False)
class VoicePrints:
    """The voice prints of one piece of a recording: one print per span (recording seconds)."""

    spans: tuple[Region, ...]
    prints: npt.NDArray[np.float32]


class SpeakerTracker:
    """Collects voice prints of one recording piece by piece, then names the speakers.

    Memory grows by under a kilobyte per print (1.5 s of speech): some 10 MB for four
    hours. `listen` may be called with consecutive or overlapping pieces; each print is taken
    only from the stretch the caller says belongs to the piece.
    """

    def __init__(
        self, embedder: CamppSpeakerEmbedder, rules: ClusterRules, finder: SpeechFinder
    ) -> None:
        self._embedder = embedder
        self._rules = rules
        self._finder = finder
        self._spans: list[Region] = []
        self._prints: list[npt.NDArray[np.float32]] = []

    def listen(
        self,
        samples: Samples,
        offset: float,
        *,
        keep_from: float = 0.0,
        keep_until: float = float("inf"),
        speech: Sequence[Region] | None = None,
    ) -> None:
        """Take voice prints of the speech in `samples` (16 kHz, starting `offset` seconds
        into the recording) that lies in [`keep_from`, `keep_until`). `speech` gives the
        speech regions in recording seconds when the caller has them (one VAD pass shared
        with the recogniser); otherwise the VAD runs here."""
        self.add(
            self.prints(samples, offset, keep_from=keep_from, keep_until=keep_until, speech=speech)
        )

    def prints(
        self,
        samples: Samples,
        offset: float,
        *,
        keep_from: float = 0.0,
        keep_until: float = float("inf"),
        speech: Sequence[Region] | None = None,
    ) -> VoicePrints:
        """The voice prints `listen` would take, without keeping them: safe to call from
        several threads at once, for pieces handed to `add` later in recording order."""
        end = offset + len(samples) / SAMPLE_RATE
        if speech is None:
            speech = self._finder(samples, offset)
        regions = [
            (max(start, keep_from, offset), min(stop, keep_until, end))
            for start, stop in speech
            if stop > keep_from and start < keep_until
        ]
        spans = print_spans([(s, e) for s, e in regions if e > s])
        if not spans:
            return VoicePrints((), np.zeros((0, EMBEDDING_SIZE), dtype=np.float32))
        cuts = [
            (round((s - offset) * SAMPLE_RATE), round((e - offset) * SAMPLE_RATE)) for s, e in spans
        ]
        return VoicePrints(tuple(spans), self._embedder.embed(samples, cuts))

    def add(self, prints: VoicePrints) -> None:
        """Keep voice prints taken by `prints`; pieces must come in recording order."""
        if prints.spans:
            self._prints.append(prints.prints)
            self._spans.extend(prints.spans)

    def turns(self) -> tuple[SpeakerTurn, ...]:
        """The speakers' turns in order, labelled spk_0, spk_1... by first appearance: one
        clustering of every print heard, at most the rules' number of speakers, none when no
        speech was heard."""
        if not self._spans:
            return ()
        prints = np.concatenate(self._prints) if self._prints else np.zeros((0, EMBEDDING_SIZE))
        labels = cluster(prints.astype(np.float32), self._rules)
        logger.info(
            "speakers: %d voice prints, %d speakers", len(labels), len(set(labels.tolist()))
        )
        return resegmented(self._spans, [int(label) for label in labels])


def resegmented(spans: Sequence[Region], labels: Sequence[int]) -> tuple[SpeakerTurn, ...]:
    """Turns from labelled, time-ordered, possibly overlapping stretches: stretches of one
    speaker that touch are joined, and where two speakers' stretches overlap the boundary
    goes in the middle of the overlap."""
    turns: list[list[float | int]] = []
    for (start, end), label in sorted(zip(spans, labels, strict=True)):
        if turns and turns[-1][2] == label and start <= turns[-1][1]:
            turns[-1][1] = max(float(turns[-1][1]), end)
            continue
        if turns and start < turns[-1][1]:
            middle = (start + float(turns[-1][1])) / 2
            turns[-1][1] = middle
            start = middle
        turns.append([start, end, label])
    return tuple(
        SpeakerTurn(round(float(s), 3), round(float(e), 3), speaker_label(int(label)))
        for s, e, label in turns
        if e > s
    )


class CamppSpeakerDiarizer:
    """Finds who spoke when in a recording, on the CPU, with no network.

    Give one to `FasterWhisperTranscriber(diarizer=...)`, which takes a `tracker()` for each
    recording; `diarize` labels samples already in memory. The CAM++ model (bundled, run
    with onnxruntime on `cpu_threads` threads) is loaded on first use, or by `load`.

    Speech regions from the Silero VAD (or the caller's), 1.5 s voice prints side by side
    from the CAM++ model, and one spectral clustering of all prints with at most
    `max_speakers` speakers: one voice gives one speaker, silence or music none.
    `embedder` and `speech_finder` replace the CAM++ model and the VAD (tests use both).
    Raises ValueError when `max_speakers` is under 1.
    """

    def __init__(
        self,
        *,
        max_speakers: int = 6,
        cpu_threads: int = 2,
        embedder: CamppSpeakerEmbedder | None = None,
        speech_finder: SpeechFinder | None = None,
    ) -> None:
        self._embedder = embedder or CamppSpeakerEmbedder(cpu_threads=cpu_threads)
        self._rules = ClusterRules(max_speakers=max_speakers)
        self._finder = speech_finder or speech_regions

    def load(self) -> None:
        """Load the speaker model now. Raises ToolMissing when it cannot be loaded."""
        self._embedder.load()

    def tracker(self) -> SpeakerTracker:
        """A fresh collector of voice prints for one recording."""
        return SpeakerTracker(self._embedder, self._rules, self._finder)

    def diarize(
        self, samples: Samples, *, speech: Sequence[Region] | None = None
    ) -> tuple[SpeakerTurn, ...]:
        """The speakers' turns in the whole of `samples` (16 kHz mono). Raises ToolMissing
        when the speaker model cannot be loaded."""
        tracker = self.tracker()
        tracker.listen(samples, 0.0, speech=speech)
        return tracker.turns()
