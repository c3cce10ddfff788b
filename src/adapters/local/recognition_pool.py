"""Windows of audio recognised by a few one-thread workers at once, handed back in order."""

from __future__ import annotations

import itertools
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import attrs

from adapters.local.audio_windows import first_line
from adapters.local.speaker_diarizer import speaker_vad_options
from adapters.local.speech_activity import recogniser_vad_options, speech_only
from interview_core.errors import TranscriptionFailed

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    from adapters.local.audio_windows import AudioWindow
    from adapters.local.speaker_diarizer import SpeakerTracker, VoicePrints
    from adapters.local.speech_activity import SpeechActivity, SpeechOnly
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
class PendingWindow:
    """One window at work in the pool: its pieces of speech, and its voice prints."""

    window: AudioWindow
    speech: SpeechOnly | None
    pieces: tuple[Future[Heard], ...]
    prints: Future[VoicePrints] | None
    language: str | None
    """The window's language: the one asked for, or the one its first piece was heard in."""
    name: str

    def segments(self) -> Iterable[Any]:
        """The recogniser's segments of the whole window, in order, times in the window.
        Waits for every piece; raises TranscriptionFailed when one failed."""
        heard = [piece.result()[0] for piece in self.pieces]
        segments = itertools.chain.from_iterable(heard)
        return segments if self.speech is None else self.speech.restored(segments)

    def voice_prints(self) -> VoicePrints | None:
        """The window's voice prints, when speakers are labelled. Waits for them; raises
        TranscriptionFailed when the speaker model failed."""
        return None if self.prints is None else self.prints.result()


class RecognitionPool:
    """Runs the recogniser and the speaker model over windows on `workers` threads.

    Each window's speech is cut into pieces (one batch of speech chunks for the batched
    decoder, the whole window for the sequential one) and its voice prints are a piece of
    their own; pieces of every window queue in recording order, so two workers keep both
    cores busy even on one window, and the caller takes windows back in order. Every piece
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
        activity: SpeechActivity | None,
        options: DecodeOptions,
        *,
        speakers: SpeakerTracker | None,
        name: str,
    ) -> PendingWindow:
        """Queue the window's pieces; its language is known on return (a window heard in an
        unknown language waits for its first piece to tell). Raises TranscriptionFailed."""
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
        language = options.language
        for group in groups:
            chosen = attrs.evolve(options, language=language)
            pieces.append(self._submit(self._decoded, samples, group, chosen, window, name))
            if language is None:
                language = str(pieces[0].result()[1].language)
        prints = None
        if speakers is not None:
            regions = (
                None if activity is None else activity.regions(speaker_vad_options(), window.offset)
            )
            prints = self._submit(self._printed, speakers, window, regions, name)
        return PendingWindow(window, speech, tuple(pieces), prints, language, name)

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

                    segments, info = BatchedInferencePipeline(self._model).transcribe(
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
                return list(segments), info
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
