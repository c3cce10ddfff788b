"""One extraction's ffmpeg runs: a probe of the input and conversions, with typed failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import ffmpeg

from adapters.media.ffmpeg_log import (
    InputHeader,
    ProgressReport,
    classify_failure,
    is_truncated,
    truncated_media,
)
from adapters.work_files import reports_disk_full
from interview_core.entities import AudioFile
from interview_core.errors import MediaTooLong, MediaUnavailable, NoAudioTrack

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from adapters.media.ffmpeg_process import FfmpegResult, FfmpegRunner
    from interview_core.ports import ProgressCallback

_GLOBAL_OPTIONS = ("-hide_banner", "-nostdin", "-nostats", "-loglevel", "info")


@attrs.frozen
class PlannedOutput:
    """One ffmpeg output: where, with which output options, and what the audio will be."""

    path: Path
    options: Mapping[str, Any]
    codec: str
    sample_rate: int | None
    channels: int | None


@attrs.frozen
class FfmpegConversion:
    """The ffmpeg runs of one extraction, sharing its deadline and cancellation ticket."""

    runner: FfmpegRunner
    binary: str
    source: Path
    video: Path
    input_options: Mapping[str, str]
    max_duration: float
    deadline: float
    ticket: int
    on_progress: ProgressCallback | None = None

    def probe(self) -> InputHeader:
        """Open the input and map its first audio stream without converting anything.

        Raises InvalidMedia, NoAudioTrack, MediaTooLong, MediaTimeout or ToolMissing.
        """
        stream = self._audio_input().output("-", f="null", t=0)
        header, _progress, result = self._run(stream, with_progress=False)
        if result.returncode != 0 or not header.has_audio:
            raise classify_failure(self.video.name, header, result.log_tail)
        return header

    def convert(self, output: PlannedOutput) -> AudioFile:
        """Write the first audio stream to `output.path` with `output.options`.

        Raises InvalidMedia (also for a truncated input), NoAudioTrack, MediaTooLong,
        MediaTimeout or ToolMissing.
        """
        audio = self._convert(output, refusal_is_error=True)
        assert audio is not None
        return audio

    def try_convert(self, output: PlannedOutput) -> AudioFile | None:
        """Like `convert`, but None when ffmpeg refuses the output (a copy the muxer rejects).

        A partial output file is removed. Still raises for a truncated input, MediaTooLong,
        MediaTimeout and ToolMissing.
        """
        return self._convert(output, refusal_is_error=False)

    def _convert(self, output: PlannedOutput, *, refusal_is_error: bool) -> AudioFile | None:
        stream = self._audio_input().output(
            f"file:{output.path}", map_metadata=-1, vn=None, **dict(output.options)
        )
        header, progress, result = self._run(stream, with_progress=True)
        name = self.video.name
        if is_truncated(result.log_tail):
            raise truncated_media(name, result.log_tail)
        if result.returncode != 0:
            if refusal_is_error:
                raise classify_failure(name, header, result.log_tail)
            output.path.unlink(missing_ok=True)
            return None
        if not progress.out_seconds or not output.path.is_file():
            raise NoAudioTrack(f"{name}: the audio stream holds no decodable audio")
        source_audio = header.audio
        return AudioFile(
            path=output.path,
            duration=round(progress.out_seconds, 3),
            sample_rate=output.sample_rate or (source_audio.sample_rate if source_audio else None),
            channels=output.channels or (source_audio.channels if source_audio else None),
            codec=output.codec,
            source=self.video,
        )

    def _audio_input(self) -> Any:
        return ffmpeg.input(f"file:{self.source}", **self.input_options)["a:0"]

    def _run(
        self, stream: Any, *, with_progress: bool
    ) -> tuple[InputHeader, ProgressReport, FfmpegResult]:
        header = InputHeader()
        progress = ProgressReport()
        command = [self.binary, *_GLOBAL_OPTIONS]
        if with_progress:
            command += ["-progress", "pipe:1"]
        args: list[str] = stream.compile(cmd=command)

        def on_log_line(line: str) -> None:
            header.feed(line)
            if header.duration is not None and header.duration > self.max_duration:
                raise self._too_long(header.duration, "lasts")
            if reports_disk_full(line):
                raise MediaUnavailable(
                    f"{self.video.name}: no disk space left for the audio", throttled=True
                )

        def on_progress_line(line: str) -> None:
            if not progress.feed(line):
                return
            done = progress.out_seconds or 0.0
            if done > self.max_duration:
                raise self._too_long(done, "runs past")
            if self.on_progress is not None:
                self.on_progress(done, header.duration or 0.0)

        result = self.runner.run(
            args,
            label=self.video.name,
            deadline=self.deadline,
            ticket=self.ticket,
            on_log_line=on_log_line,
            on_progress_line=on_progress_line,
        )
        return header, progress, result

    def _too_long(self, seconds: float, verb: str) -> MediaTooLong:
        return MediaTooLong(
            f"{self.video.name} {verb} {seconds:.0f} s, "
            f"more than the {self.max_duration:.0f} s allowed"
        )
