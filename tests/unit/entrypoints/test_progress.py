"""The progress line shows on terminals only."""

from __future__ import annotations

import io

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


def test_terminal_shows_stage_and_audio_seconds() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream, min_interval=0)
    progress.stage_started("transcribe")
    progress.transcription_advanced(30, 60)
    progress.transcription_advanced(60, 60)
    output = stream.getvalue()
    assert "Transcribing" in output
    assert "00:30 / 01:00 (50%)" in output
    assert "(100%)" in output


def test_updates_are_rate_limited_but_completion_is_shown() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream, min_interval=3600)
    progress.stage_started("transcribe")
    for second in range(1, 60):
        progress.transcription_advanced(second, 60)
    progress.transcription_advanced(60, 60)
    output = stream.getvalue()
    assert "(50%)" not in output
    assert "(100%)" in output
