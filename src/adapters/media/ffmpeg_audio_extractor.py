"""FfmpegAudioExtractor: the audio track of an untrusted video, via a hardened ffmpeg."""

from __future__ import annotations

import contextlib
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.media.audio_target import PCM_16K_MONO_WAV, AudioEncoding, AudioTarget
from adapters.media.ffmpeg_binary import locate_ffmpeg
from adapters.media.ffmpeg_conversion import FfmpegConversion, PlannedOutput
from adapters.media.ffmpeg_process import FfmpegRunner
from adapters.work_files import work_file_error
from interview_core.errors import (
    InvalidMedia,
    MediaUnavailable,
    VideoAccessDenied,
    VideoNotFound,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from contextlib import AbstractContextManager
    from os import PathLike

    from adapters.media.ffmpeg_log import AudioStream
    from interview_core.entities import AudioFile
    from interview_core.ports import ProgressCallback

ACCEPTED_CONTAINERS: tuple[str, ...] = (
    "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpeg", "mpegts",
    "flv", "ogg", "wav", "mp3", "flac", "aac", "asf",
)  # fmt: skip
"""ffmpeg demuxers allowed to read an input: real media containers, no playlists or scripts."""

DEFAULT_MAX_DURATION_SECONDS = 4 * 3600.0
DEFAULT_TIMEOUT_SECONDS = 3600.0
"""Decoding runs at well over 10x real time, so four hours of media fit in this limit."""


class FfmpegAudioExtractor:
    """Extracts audio with ffmpeg, hardened for untrusted files (an `AudioExtractor`).

    ffmpeg runs from an argument list with no stdin, reads only local files
    (`-protocol_whitelist file`) through real media demuxers (`-format_whitelist`), and is
    killed with its process group when the wall-clock limit passes. The output (by default
    16 kHz mono PCM WAV) lives in a private temporary folder removed when the context closes.
    """

    def __init__(
        self,
        *,
        ffmpeg_binary: str | PathLike[str] | None = None,
        target: AudioTarget = PCM_16K_MONO_WAV,
        max_duration_seconds: float = DEFAULT_MAX_DURATION_SECONDS,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        temp_dir: str | PathLike[str] | None = None,
        on_progress: ProgressCallback | None = None,
        accepted_containers: Sequence[str] = ACCEPTED_CONTAINERS,
    ) -> None:
        self._configured_binary = ffmpeg_binary
        self._target = target
        self._max_duration = max_duration_seconds
        self._timeout = timeout_seconds
        self._temp_dir = None if temp_dir is None else Path(temp_dir)
        self._on_progress = on_progress
        self._input_options = {
            "protocol_whitelist": "file",
            "format_whitelist": ",".join(accepted_containers),
        }
        self._runner = FfmpegRunner()
        self._binary_lock = threading.Lock()
        self._binary: str | None = None

    @property
    def target(self) -> AudioTarget:
        """The output preset in use."""
        return self._target

    @property
    def running(self) -> int:
        """How many ffmpeg children this extractor is running now."""
        return self._runner.running

    def ffmpeg_path(self) -> str:
        """The ffmpeg executable in use, located on first need. Raises ToolMissing."""
        with self._binary_lock:
            if self._binary is None:
                self._binary = locate_ffmpeg(self._configured_binary)
            return self._binary

    def check_ready(self) -> None:
        """Locate ffmpeg now rather than at the first video. Raises ToolMissing."""
        self.ffmpeg_path()

    def extract(self, video: Path | str) -> AbstractContextManager[AudioFile]:
        """Extract the audio of `video`; the file and its folder go when the context closes.

        The work happens on entering the context. The duration limit is checked from the
        input's header before converting, and again from ffmpeg's progress while converting.
        Raises VideoNotFound (no such file), VideoAccessDenied, InvalidMedia (not media, a
        refused format, corrupt or truncated), NoAudioTrack, MediaTooLong, MediaTimeout
        (transient: time limit passed), MediaUnavailable (transient: `cancel_all`, ffmpeg
        could not be started now, or this job's audio folder or file could not be made or
        written, throttled when the disk is full) or ToolMissing.
        """
        return self._extraction(Path(video))

    def cancel_all(self) -> int:
        """Kill every running ffmpeg child; their extractions raise MediaUnavailable.

        Returns how many children were killed. Meant for worker shutdown; thread-safe.
        """
        return self._runner.cancel_all()

    @contextlib.contextmanager
    def _extraction(self, video: Path) -> Iterator[AudioFile]:
        source = _checked_source(video)
        conversion = FfmpegConversion(
            runner=self._runner,
            binary=self.ffmpeg_path(),
            source=source,
            video=video,
            input_options=self._input_options,
            max_duration=self._max_duration,
            deadline=time.monotonic() + self._timeout,
            ticket=self._runner.ticket(),
            on_progress=self._on_progress,
        )
        workdir = self._make_workdir()
        try:
            yield self._extract_into(workdir, conversion)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _extract_into(self, workdir: Path, conversion: FfmpegConversion) -> AudioFile:
        """Copy the source's audio when the target accepts its codec, else encode it."""
        encoding = self._target.encoding
        if not self._target.copies:
            return conversion.convert(_encoded(workdir, encoding, None))
        source_audio = conversion.probe().audio
        copy = self._target.copy_for(source_audio.codec if source_audio else None)
        if copy is not None and source_audio is not None:
            copied = PlannedOutput(
                path=workdir / f"audio{copy.suffix}",
                options={"acodec": "copy", "f": copy.container},
                codec=copy.codec,
                sample_rate=source_audio.sample_rate,
                channels=source_audio.channels,
            )
            audio = conversion.try_convert(copied)
            if audio is not None:
                return audio
        return conversion.convert(_encoded(workdir, encoding, source_audio))

    def _make_workdir(self) -> Path:
        """A fresh folder only this user can enter (mkdtemp creates it with mode 0700).

        Raises MediaUnavailable (transient; throttled when the disk is full): the failure
        is this job's, and the other jobs go on.
        """
        try:
            return Path(tempfile.mkdtemp(prefix="interview-audio-", dir=self._temp_dir))
        except OSError as exc:
            raise work_file_error(
                MediaUnavailable, "cannot create a temporary folder for the audio", exc
            ) from exc

    def probe(self, video: Path | str) -> float | None:
        """Open `video` as the extraction would and map its first audio stream, converting
        nothing; returns its duration in seconds when the header gives one (a `MediaProbe`).

        Raises VideoNotFound, VideoAccessDenied, InvalidMedia (not media, a refused format
        or corrupt), NoAudioTrack, MediaTooLong, MediaTimeout or ToolMissing.
        """
        path = Path(video)
        conversion = FfmpegConversion(
            runner=self._runner,
            binary=self.ffmpeg_path(),
            source=_checked_source(path),
            video=path,
            input_options=self._input_options,
            max_duration=self._max_duration,
            deadline=time.monotonic() + self._timeout,
            ticket=self._runner.ticket(),
        )
        return conversion.probe().duration


def _encoded(workdir: Path, encoding: AudioEncoding, source: AudioStream | None) -> PlannedOutput:
    options: dict[str, Any] = {"acodec": encoding.codec, "f": encoding.container}
    if encoding.sample_rate is not None:
        options["ar"] = encoding.sample_rate
    if encoding.channels is not None:
        options["ac"] = encoding.channels
    return PlannedOutput(
        path=workdir / f"audio{encoding.suffix}",
        options=options,
        codec=encoding.codec,
        sample_rate=encoding.sample_rate or (source.sample_rate if source else None),
        channels=encoding.channels or (source.channels if source else None),
    )


def _checked_source(video: Path) -> Path:
    """The absolute path of `video`, which must be an existing regular file."""
    try:
        status = video.stat()
    except FileNotFoundError as exc:
        raise VideoNotFound(f"{video}: no such file") from exc
    except PermissionError as exc:
        raise VideoAccessDenied(f"{video}: permission denied") from exc
    except OSError as exc:
        raise InvalidMedia(f"{video}: cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(status.st_mode):
        raise InvalidMedia(f"{video.name}: not a regular file")
    return video.resolve()
