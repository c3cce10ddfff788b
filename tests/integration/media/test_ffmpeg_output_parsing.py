"""Reading ffmpeg's log and progress lines, and bounding what is kept of them (no I/O)."""

from __future__ import annotations

import pytest

from adapters.media.ffmpeg_log import (
    InputHeader,
    ProgressReport,
    channel_count,
    classify_failure,
    failure_detail,
)
from adapters.media.ffmpeg_process import _LineSplitter
from interview_core.errors import InvalidMedia, MediaUnavailable, NoAudioTrack, VideoNotFound

HEADER = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/videos/interview.mp4':
  Metadata:
    comment         : Duration: 99:00:00.00
    compatible_brands: isomiso2avc1mp41
  Duration: 00:31:05.50, start: 0.000000, bitrate: 133 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 320x240, 5 fps
    Metadata:
      handler_name    : Stream #0:9: Audio: evil
  Stream #0:1[0x2](eng): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, 5.1(side), fltp
Stream mapping:
  Stream #0:1 -> #0:0 (aac (native) -> pcm_s16le (native))
Output #0, wav, to '/tmp/audio.wav':
  Stream #0:0: Audio: pcm_s16le, 16000 Hz, mono, s16, 256 kb/s
"""


def test_the_header_gives_container_duration_and_first_audio_stream():
    header = InputHeader()
    for line in HEADER.splitlines():
        header.feed(line)
    assert header.container == "mov,mp4,m4a,3gp,3g2,mj2"
    assert header.duration == pytest.approx(31 * 60 + 5.5)
    assert header.stream_kinds == ["Video", "Audio"]
    assert header.audio is not None
    assert (header.audio.codec, header.audio.sample_rate, header.audio.channels) == (
        "aac",
        44_100,
        6,
    )
    assert header.complete


def test_an_unknown_duration_stays_unknown():
    header = InputHeader()
    for line in ("Input #0, matroska,webm, from 'x':", "  Duration: N/A, start: 0.000000"):
        header.feed(line)
    assert header.seen and header.duration is None


@pytest.mark.parametrize(
    ("layout", "channels"),
    [("mono", 1), ("stereo", 2), ("5.1(side)", 6), ("7.1", 8), ("3 channels", 3), ("odd", None)],
)
def test_channel_layouts(layout, channels):
    assert channel_count(layout) == channels


def test_progress_blocks_report_the_output_time_and_the_end():
    progress = ProgressReport()
    completed = [progress.feed(line) for line in ("out_time_us=N/A", "progress=continue")]
    assert completed == [False, True] and progress.out_seconds is None
    for line in ("out_time_us=2500000", "out_time=00:00:02.500000", "progress=end"):
        progress.feed(line)
    assert progress.out_seconds == 2.5 and progress.finished


def test_failures_are_classified_from_the_log_tail():
    nothing = InputHeader()
    opened = InputHeader()
    opened.feed("Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x':")
    refused = ["[in#0 @ 0x5632265e0200] Format not on whitelist 'mov,mp4'"]
    moov = ["[in#0 @ 0x55fe] moov atom not found", "Error opening input files: Invalid data"]
    assert isinstance(classify_failure("a.mkv", nothing, refused), InvalidMedia)
    assert "not an accepted" in classify_failure("a.mkv", nothing, refused).message
    assert "moov atom not found" in classify_failure("a.mp4", nothing, moov).message
    no_match = ["Stream map '' matches no streams."]
    assert isinstance(classify_failure("a.mp4", opened, no_match), NoAudioTrack)
    gone = ["Error opening input: No such file or directory"]
    assert isinstance(classify_failure("a.mp4", nothing, gone), VideoNotFound)


def test_an_output_file_the_system_refuses_is_this_jobs_transient_error():
    opened = InputHeader()
    opened.feed("Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x':")
    for refusal in [
        "[out#0/wav @ 0x55] Error opening output file:/w/audio.wav: No such file or directory",
        "Error opening output files: Read-only file system",
        "[out#0/flac @ 0x55] Error writing trailer: Input/output error",
        "[out#0/wav @ 0x55] Error closing file: Disk quota exceeded",
    ]:
        error = classify_failure("a.mp4", opened, [refusal, "Conversion failed!"])
        assert isinstance(error, MediaUnavailable), refusal
        assert "audio file could not be written" in error.message
    gone = ["Error opening input: No such file or directory"]  # the input's side: the video
    assert isinstance(classify_failure("a.mp4", InputHeader(), gone), VideoNotFound)
    invalid = ["Error opening output files: Invalid argument"]  # not the system's refusal
    assert isinstance(classify_failure("a.mp4", opened, invalid), InvalidMedia)


def test_the_failure_detail_is_one_short_line():
    detail = failure_detail(["[aac @ 0x1f] " + "x" * 500, "Conversion failed!"])
    assert "\n" not in detail and len(detail) <= 160 and detail.startswith("xxx")


def test_the_line_splitter_keeps_lines_bounded():
    splitter = _LineSplitter(limit=100)
    lines = splitter.feed(b"a" * 10_000)
    lines += splitter.feed(b"b" * 10_000 + b"\rnext\nlast")
    lines += splitter.flush()
    assert lines == ["a" * 100, "next", "last"]
