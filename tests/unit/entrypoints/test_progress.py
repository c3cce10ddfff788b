"""The progress bar shows on terminals only, with rate and time left, and logs stay whole."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator

import pytest

from entrypoints.progress import TerminalProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pipes_stay_quiet() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress.stage_started("transcribe")
    progress.transcription_advanced(30, 60)
    progress.finish()
    assert stream.getvalue() == ""


def test_terminal_shows_stage_audio_seconds_rate_and_time_left() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream, min_interval=0)
    progress.stage_started("extract_audio")
    progress.stage_started("transcribe")
    progress.transcription_advanced(30, 60)
    progress.transcription_advanced(60, 60)
    progress.finish()
    output = stream.getvalue()
    assert "Extracting audio" in output
    assert "Transcribing 00:30 / 01:00 (50%)" in output
    assert re.search(r"\d+\.\d+ s audio/s, 00:\d\d left", output)
    assert "01:00 / 01:00 (100%)" in output
    assert output.endswith("\r")  # the bar is cleared at the end


def test_updates_are_rate_limited_but_completion_is_shown() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream, min_interval=3600)
    progress.stage_started("transcribe")
    for second in range(1, 60):
        progress.transcription_advanced(second, 60)
    progress.transcription_advanced(60, 60)
    progress.finish()
    output = stream.getvalue()
    assert "(50%)" not in output
    assert "(100%)" in output


def test_silent_audio_shows_without_dividing_by_zero() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream, min_interval=0)
    progress.stage_started("transcribe")
    progress.transcription_advanced(0, 0)
    progress.finish()
    assert "00:00 / 00:00" in stream.getvalue()


def test_hours_long_audio_keeps_the_bar_on_one_line() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream, min_interval=0)
    progress.stage_started("transcribe")
    progress.transcription_advanced(3_600, 7_200)
    progress.finish()
    assert "1:00:00 / 2:00:00 (50%)" in stream.getvalue()
    assert all(len(line.rstrip()) <= 80 for line in stream.getvalue().split("\r"))


@contextlib.contextmanager
def terminal_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTerminal]:
    """stderr as a terminal, with the root logger writing to it as the CLI sets it up.

    Entered inside the test: pytest puts its own stderr back between a fixture and the test.
    """
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    handler = logging.StreamHandler(terminal)
    handler.setFormatter(logging.Formatter("LOG %(message)s"))
    root = logging.getLogger()
    saved = root.handlers, root.level
    root.handlers, root.level = [handler], logging.INFO
    try:
        yield terminal
    finally:
        root.handlers, root.level = saved


def test_log_lines_written_while_the_bar_shows_stay_on_their_own_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with terminal_logging(monkeypatch) as terminal:
        progress = TerminalProgress(min_interval=0)
        progress.stage_started("transcribe")
        progress.transcription_advanced(60, 60)
        logging.getLogger("speech").info("transcribed job j-1")
        progress.finish()
        logging.getLogger("speech").info("after the bar")
        assert logging.getLogger().handlers[0].stream is terminal  # handler given back
    output = terminal.getvalue()
    assert "(100%)" in output
    assert "\nLOG transcribed job j-1\n" in output.replace("\r", "\n")
    assert not re.search(r"%\)[^\r\n]*LOG", output)  # never glued to the bar
    assert output.endswith("LOG after the bar\n")
