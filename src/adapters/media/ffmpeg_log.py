"""Reads what ffmpeg reports: the input's header, its progress, and why a run failed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from interview_core.errors import (
    InvalidMedia,
    MediaUnavailable,
    NoAudioTrack,
    VideoAccessDenied,
    VideoNotFound,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.errors import InterviewError

_INPUT = re.compile(r"^Input #0, (?P<container>\S+), from ")
_DURATION = re.compile(r"^  Duration: (?:N/A|(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?))")
_STREAM = re.compile(r"^ {2,4}Stream #0:\d+\S*: (?P<kind>[A-Za-z]+): (?P<codec>[A-Za-z0-9_]+)")
_END_OF_INPUT = re.compile(r"^(Stream mapping:|Output #0|At least one output file)")
_SAMPLE_RATE = re.compile(r", (\d+) Hz")
_LAYOUT = re.compile(r"Hz, ([^,]+)")
_NAMED_LAYOUTS = {"mono": 1, "stereo": 2, "quad": 4, "hexagonal": 6, "octagonal": 8}
_LOG_PREFIX = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")
_GENERIC_FAILURE = re.compile(
    r"^(Error opening (input|output)|Error opening input files|Error opening output files"
    r"|Conversion failed|Exiting normally|Failed to set value|Error parsing options"
    r"|To ignore this|\[out#|size=|video:|bitrate=)"
)
TRUNCATION_MARKERS = ("partial file", "file ended prematurely")
_OUTPUT_SIDE = ("output file", "[out#", "writing trailer", "closing file", "write_frame")
_SYSTEM_FAILURES = (
    "no space left on device",
    "disk quota exceeded",
    "input/output error",
    "read-only file system",
    "permission denied",
    "no such file or directory",
    "too many open files",
    "cannot allocate memory",
)
"""What the system answers when the audio file cannot be made or written: not the video's
fault, but the work folder's or the machine's, for this job."""


@attrs.frozen
class AudioStream:
    """The first audio stream of the input as ffmpeg described it."""

    codec: str
    sample_rate: int | None
    channels: int | None


@attrs.define
class InputHeader:
    """What ffmpeg printed about its input before converting: container, duration, streams."""

    container: str | None = None
    duration: float | None = None
    audio: AudioStream | None = None
    stream_kinds: list[str] = attrs.field(factory=list)
    complete: bool = False
    _reading: bool = False

    def feed(self, line: str) -> None:
        """Take one stderr line; lines outside the input's description are ignored."""
        if self.complete:
            return
        if match := _INPUT.match(line):
            self.container = match["container"]
            self._reading = True
        elif not self._reading:
            return
        elif _END_OF_INPUT.match(line):
            self.complete = True
        elif match := _DURATION.match(line):
            if match["h"] is not None:
                self.duration = int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"])
        elif match := _STREAM.match(line):
            self.stream_kinds.append(match["kind"])
            if match["kind"] == "Audio" and self.audio is None:
                self.audio = _audio_stream(match["codec"], line)

    @property
    def seen(self) -> bool:
        """True once ffmpeg opened the input and began describing it."""
        return self.container is not None

    @property
    def has_audio(self) -> bool:
        return self.audio is not None


@attrs.define
class ProgressReport:
    """The `-progress` key=value lines: how far the output got, and whether it finished."""

    out_seconds: float | None = None
    finished: bool = False

    def feed(self, line: str) -> bool:
        """Take one stdout line; True when it completed a progress block."""
        key, _, value = line.partition("=")
        if key == "out_time_us" and value.strip().lstrip("-").isdigit():
            self.out_seconds = max(0.0, int(value) / 1_000_000)
        elif key == "progress":
            self.finished = value.strip() == "end"
            return True
        return False


def _audio_stream(codec: str, line: str) -> AudioStream:
    rate = _SAMPLE_RATE.search(line)
    layout = _LAYOUT.search(line)
    return AudioStream(
        codec=codec,
        sample_rate=int(rate.group(1)) if rate else None,
        channels=channel_count(layout.group(1)) if layout else None,
    )


def channel_count(layout: str) -> int | None:
    """Channels in an ffmpeg layout name: mono, stereo, 5.1(side), 7.1, '3 channels'."""
    name = layout.strip().split("(")[0].strip()
    if name in _NAMED_LAYOUTS:
        return _NAMED_LAYOUTS[name]
    if match := re.fullmatch(r"(\d+) channels", name):
        return int(match.group(1))
    if match := re.fullmatch(r"(\d+)\.(\d+)", name):
        return int(match.group(1)) + int(match.group(2))
    return None


def is_truncated(log_tail: Sequence[str]) -> bool:
    """True when ffmpeg reported that the input ends before its own structure says it should."""
    return any(marker in line.lower() for line in log_tail for marker in TRUNCATION_MARKERS)


def truncated_media(name: str, log_tail: Sequence[str]) -> InvalidMedia:
    """The error for an input that ends before its own structure says it should."""
    marked = [line for line in log_tail if any(m in line.lower() for m in TRUNCATION_MARKERS)]
    detail = failure_detail(marked[-1:] or log_tail)
    return InvalidMedia(f"{name}: the media file is truncated ({detail})")


def failure_detail(log_tail: Sequence[str]) -> str:
    """The most telling error line of a failed run, short and without ffmpeg's prefixes."""
    for line in reversed(log_tail):
        if line.startswith(" "):
            continue  # the input's description, not an error
        text = _LOG_PREFIX.sub("", line.strip()).removeprefix("Error opening input: ")
        if text and not _GENERIC_FAILURE.match(text):
            return text if len(text) <= 160 else text[:157] + "..."
    return "no error message"


def output_failure(log_tail: Sequence[str]) -> str | None:
    """The line where ffmpeg says the system refused to make or write its output file (a
    full disk, a vanished folder, an I/O error), shortened; None when it says no such thing."""
    for line in log_tail:
        lowered = line.lower()
        if any(side in lowered for side in _OUTPUT_SIDE) and any(
            failure in lowered for failure in _SYSTEM_FAILURES
        ):
            return failure_detail([line])
    return None


def classify_failure(name: str, header: InputHeader, log_tail: Sequence[str]) -> InterviewError:
    """The core error for a failed ffmpeg run over the input called `name`: MediaUnavailable
    (transient, this job's) when the system refused the output file, else the input's."""
    text = "\n".join(log_tail).lower()
    detail = failure_detail(log_tail)
    if written := output_failure(log_tail):
        return MediaUnavailable(f"{name}: the audio file could not be written ({written})")
    if "format not on whitelist" in text:
        return InvalidMedia(f"{name}: the container format is not an accepted media format")
    if "not on whitelist" in text:
        return InvalidMedia(f"{name}: the file refers to other resources, which are refused")
    if "no such file or directory" in text and not header.seen:
        return VideoNotFound(f"{name}: the file disappeared before ffmpeg could read it")
    if "permission denied" in text and not header.seen:
        return VideoAccessDenied(f"{name}: ffmpeg may not read the file")
    if header.complete and not header.has_audio:
        return NoAudioTrack(f"{name}: the media has no audio stream")
    if "matches no streams" in text:
        return NoAudioTrack(f"{name}: the media has no audio stream")
    if is_truncated(log_tail):
        return truncated_media(name, log_tail)
    if not header.seen:
        return InvalidMedia(f"{name}: not a readable media file ({detail})")
    return InvalidMedia(f"{name}: ffmpeg could not convert the audio ({detail})")
