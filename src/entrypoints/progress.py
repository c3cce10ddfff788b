"""A progress line on stderr for long single-video runs, only when it is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

_LABELS = {
    "extract_audio": "Extracting audio",
    "transcribe": "Transcribing",
    "extract_questions": "Finding questions",
    "suggest_answers": "Suggesting answers",
}


class TerminalProgress:
    """Shows the current stage and transcription progress by audio seconds."""

    def __init__(self, stream: TextIO | None = None, *, min_interval: float = 0.2) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._min_interval = min_interval
        self._last_draw = 0.0
        self._stage = ""

    @property
    def enabled(self) -> bool:
        """Whether the stream is a terminal; pipes and log files stay quiet."""
        isatty = getattr(self._stream, "isatty", None)
        return bool(isatty and isatty())

    def stage_started(self, stage: str) -> None:
        """Show a new stage on the progress line."""
        self._stage = _LABELS.get(stage, stage)
        self._draw(f"{self._stage}…", force=True)

    def transcription_advanced(self, done_seconds: float, total_seconds: float) -> None:
        """Show how many audio seconds are transcribed."""
        share = min(1.0, done_seconds / total_seconds) if total_seconds > 0 else 1.0
        self._draw(
            f"{self._stage} {_clock(done_seconds)} / {_clock(total_seconds)} ({share:.0%})",
            force=share >= 1.0,
        )

    def finish(self) -> None:
        """Clear the progress line."""
        if self.enabled:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()

    def _draw(self, text: str, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < self._min_interval:
            return
        self._last_draw = now
        self._stream.write(f"\r\x1b[2K{text}")
        self._stream.flush()


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes:02d}:{rest:02d}"
