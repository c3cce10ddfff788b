"""ffmpeg that cannot be started: a fork that fails for want of resources is transient, a
binary that cannot run is the deployment's fault."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from adapters.media import ffmpeg_process
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.errors import ErrorKind, MediaUnavailable, ToolMissing

REAL_POPEN = subprocess.Popen


class FailingPopen:
    """subprocess.Popen that fails the first `times` starts with `error`, then starts for real."""

    def __init__(self, error: BaseException, times: int = 1) -> None:
        self.error = error
        self.left = times

    def __call__(self, *args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        if self.left > 0:
            self.left -= 1
            raise self.error
        return REAL_POPEN(*args, **kwargs)


def extract_and_close(extractor: FfmpegAudioExtractor, video: Path) -> None:
    with extractor.extract(video):
        pass


@pytest.fixture
def extractor(tmp_path: Path, ffmpeg_exe: str, media) -> FfmpegAudioExtractor:
    assert media.speech_mp4.is_file()  # made now, before any test makes starts fail
    extractor = FfmpegAudioExtractor(ffmpeg_binary=ffmpeg_exe, temp_dir=tmp_path)
    extractor.check_ready()  # the binary is found before any start is made to fail
    return extractor


@pytest.mark.parametrize("code", [errno.ENOMEM, errno.EAGAIN, errno.EMFILE, errno.ENFILE])
def test_a_fork_without_resources_is_transient_and_the_next_extraction_works(
    media, extractor, monkeypatch, code
):
    failing = FailingPopen(OSError(code, os.strerror(code)))
    monkeypatch.setattr(ffmpeg_process.subprocess, "Popen", failing)

    with pytest.raises(MediaUnavailable, match="could not start ffmpeg now") as caught:
        extract_and_close(extractor, media.speech_mp4)

    assert caught.value.kind is ErrorKind.TRANSIENT
    assert "INTERVIEWS_FFMPEG_BINARY" not in str(caught.value)
    with extractor.extract(media.speech_mp4) as audio:
        assert audio.duration == pytest.approx(5.0, abs=0.05)
    assert extractor.running == 0


def test_a_failure_of_the_child_before_exec_is_transient(media, extractor, monkeypatch):
    failing = FailingPopen(subprocess.SubprocessError("Exception occurred in preexec_fn."))
    monkeypatch.setattr(ffmpeg_process.subprocess, "Popen", failing)

    with pytest.raises(MediaUnavailable, match="could not be started"):
        extract_and_close(extractor, media.speech_mp4)


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EACCES, errno.ENOEXEC])
def test_a_binary_that_cannot_run_is_tool_missing(media, extractor, monkeypatch, code):
    monkeypatch.setattr(
        ffmpeg_process.subprocess, "Popen", FailingPopen(OSError(code, os.strerror(code)))
    )

    with pytest.raises(ToolMissing, match="INTERVIEWS_FFMPEG_BINARY") as caught:
        extract_and_close(extractor, media.speech_mp4)

    assert caught.value.kind is ErrorKind.DEPLOYMENT
