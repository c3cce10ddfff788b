"""Windows of audio recognised by a few one-thread workers at once, handed back in order."""

from __future__ import annotations

import itertools
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import attrs

from adapters.local.audio_windows import first_line
from adapters.local.chunkwise_encoding import ChunkwiseEncoding
from adapters.local.process_memory import return_freed_memory
from adapters.local.speaker_diarizer import speaker_vad_options
from adapters.local.speech_activity import SpeechActivity, recogniser_vad_options, speech_only
from interview_core.errors import TranscriptionFailed

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    from adapters.local.audio_windows import AudioWindow
    from adapters.local.speaker_diarizer import SpeakerTracker, VoicePrints
    from adapters.local.speech_activity import SpeechOnly
    from adapters.local.stopwatch import Stopwatch

Heard = tuple[list[Any], Any]
"""What the recogniser made of one piece of speech: its segments, and its info."""


@attrs.frozen
class DecodeOptions:
    """How every piece of one recording is decoded."""

    beam_size: int
    batch_size: int
    batched: bool
    condition_on_previous_text: bool
    language: str | None


@attrs.frozen(eq=False)
class QueuedWindow:
    """A window's speech, cut into pieces queued for the recogniser, and its voice prints."""

    speech: SpeechOnly | None
    pieces: tuple[Future[Heard], ...]
    prints: Future[VoicePrints] | None


@attrs.frozen(eq=False)
class PendingWindow:
    """One window at work in the pool: its VAD pass, then its pieces and voice prints."""

    window: AudioWindow
    queued: Future[QueuedWindow]
    language: str | None
    """The window's language: the one asked for, or the one its first piece was heard in."""

    def segments(self) -> Iterable[Any]:
        """The recogniser's segments of the whole window, in order, times in the window.
        Waits for every piece; raises TranscriptionFailed when one failed."""
        queued = self.queued.result()
        heard = [piece.result()[0] for piece in queued.pieces]
        segments = itertools.chain.from_iterable(heard)
        return segments if queued.speech is None else queued.speech.restored(segments)

    def voice_prints(self) -> VoicePrints | None:
        """The window's voice prints, when speakers are labelled. Waits for them; raises
        TranscriptionFailed when the speaker model failed."""
        prints = self.queued.result().prints
        return None if prints is None else prints.result()


class RecognitionPool:
    """Runs the recogniser and the speaker model over windows on `workers` threads.

    Each window's VAD pass is a piece of work; it cuts the window's speech into pieces (one
    batch of speech chunks for the batched decoder, the whole window for the sequential one)
    and queues them, with the window's voice prints as a piece of their own. Pieces of every
    window queue in recording order, so two workers keep both cores busy even on one window,
    no more pieces than workers are ever in memory at once, and the caller takes windows
    back in order. Every piece
    is computed whole in its worker, so what the model is given and returns is the same as
    when one thread decodes the window. Leaving the `with` block drops queued pieces and
    waits for the running ones.
    """

    def __init__(self, model: Any, workers: int, stopwatch: Stopwatch) -> None:
        self._model = model
        self._stopwatch = stopwatch
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="recognition"
        )

    def __enter__(self) -> RecognitionPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def start(
        self,
        window: AudioWindow,
        options: DecodeOptions,
        *,
        vad: bool,
        speakers: SpeakerTracker | None,
        name: str,
    ) -> PendingWindow:
        """Queue the window's work: its VAD pass (when `vad`), which queues its pieces and
        its voice prints. A window heard in an unknown language is worked on here until its
        first piece tells the language, which every later piece is given. Raises
        TranscriptionFailed."""
        if options.language is None:
            queued = self._queued(window, options, vad, speakers, name, wait_for_language=True)
            done: Future[QueuedWindow] = Future()
            done.set_result(queued)
            language = str(queued.pieces[0].result()[1].language) if queued.pieces else None
            return PendingWindow(window, done, language)
        future = self._submit(self._queued, window, options, vad, speakers, name, False)
        return PendingWindow(window, future, options.language)

    def _queued(
        self,
        window: AudioWindow,
        options: DecodeOptions,
        vad: bool,
        speakers: SpeakerTracker | None,
        name: str,
        wait_for_language: bool,
    ) -> QueuedWindow:
        """Run the window's VAD pass, then queue its pieces and its voice prints."""
        activity = self._activity(window, name) if vad else None
        try:
            speech = (
                None
                if activity is None
                else speech_only(
                    window.samples,
                    activity.chunks(recogniser_vad_options(batched=options.batched)),
                )
            )
        except (RuntimeError, ValueError) as exc:
            raise _failed("speech recognition", name, window, exc) from exc
        groups: list[list[Any] | None] = [None]  # the window's audio or speech as one piece
        if speech is not None and options.batched:
            size, clips = options.batch_size, speech.clips
            groups = [clips[at : at + size] for at in range(0, len(clips), size)]
        samples = window.samples if speech is None else speech.samples
        pieces: list[Future[Heard]] = []
        for group in groups:
            pieces.append(self._submit(self._decoded, samples, group, options, window, name))
            if wait_for_language and options.language is None:
                found = str(pieces[0].result()[1].language)
                options = attrs.evolve(options, language=found)
        prints = None
        if speakers is not None:
            regions = (
                None if activity is None else activity.regions(speaker_vad_options(), window.offset)
            )
            prints = self._submit(self._printed, speakers, window, regions, name)
        return QueuedWindow(speech, tuple(pieces), prints)

    def _activity(self, window: AudioWindow, name: str) -> SpeechActivity:
        """One VAD pass over the window, shared by the recogniser and the speaker model."""
        with self._stopwatch.timing("speech detection"):
            try:
                return SpeechActivity.heard(window.samples)
            except (RuntimeError, ValueError) as exc:
                raise _failed("speech detection", name, window, exc) from exc

    def _submit(self, work: Any, *arguments: Any) -> Future[Any]:
        future: Future[Any] = self._executor.submit(work, *arguments)
        return future

    def _decoded(
        self,
        samples: Any,
        clips: list[Any] | None,
        options: DecodeOptions,
        window: AudioWindow,
        name: str,
    ) -> Heard:
        """One piece recognised whole: the recogniser's segments (words timed) and info.
        `clips` are the speech chunks of `samples` to decode in one batch; None decodes
        `samples` whole, one 30 s stretch after another."""
        with self._stopwatch.timing("recognition"):
            try:
                if clips is not None:
                    from faster_whisper import BatchedInferencePipeline

                    pipeline = BatchedInferencePipeline(ChunkwiseEncoding(self._model))
                    segments, info = pipeline.transcribe(
                        samples,
                        language=options.language,
                        word_timestamps=True,
                        beam_size=options.beam_size,
                        batch_size=options.batch_size,
                        clip_timestamps=clips,
                    )
                else:
                    segments, info = self._model.transcribe(
                        samples,
                        language=options.language,
                        word_timestamps=True,
                        beam_size=options.beam_size,
                        vad_filter=False,
                        condition_on_previous_text=options.condition_on_previous_text,
                    )
                heard = list(segments)
                # The piece's scratch memory goes back now, not at the window's end: with
                # two workers, what one keeps would add to the other's peak.
                return_freed_memory()
                return heard, info
            except (RuntimeError, ValueError) as exc:
                raise _failed("speech recognition", name, window, exc) from exc

    def _printed(
        self,
        speakers: SpeakerTracker,
        window: AudioWindow,
        regions: list[tuple[float, float]] | None,
        name: str,
    ) -> VoicePrints:
        """The window's voice prints, from the speech regions of its one VAD pass."""
        with self._stopwatch.timing("speakers"):
            try:
                return speakers.prints(
                    window.samples,
                    window.offset,
                    keep_from=window.keep_from,
                    keep_until=window.keep_until,
                    speech=regions,
                )
            except (RuntimeError, ValueError) as exc:
                raise _failed("speaker labelling", name, window, exc) from exc


def _failed(what: str, name: str, window: AudioWindow, exc: BaseException) -> TranscriptionFailed:
    return TranscriptionFailed(
        f"{what} failed on {name} at {window.offset:.0f} s: {first_line(exc)}"
    )
