"""A progress bar on stderr for long single-video runs, only when it is a terminal.

The bar is drawn by tqdm; while it shows, console log records go through tqdm's logging
redirect, which clears the bar, writes the record on its own line and draws the bar again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import TextIO

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

_LABELS = {
    "extract_audio": "Extracting audio",
    "transcribe": "Transcribing",
    "extract_questions": "Finding questions",
    "suggest_answers": "Suggesting answers",
}
_STAGE_FORMAT = "{desc}… {elapsed}"
_TRANSCRIPTION_FORMAT = "{desc} ({percentage:.0f}%) |{bar:10}| {rate_fmt}, {remaining} left"

_DEFAULT_WIDTH = 80
_ROWS = 24  # tqdm hides bars below the last row; a fresh pseudo-terminal reports none


class _Bar(tqdm):  # type: ignore[type-arg]
    """A tqdm bar without the monitor thread: the display updates only when work reports."""

    monitor_interval = 0


class TerminalProgress:
    """Shows the current stage, and transcription by audio seconds with rate and time left."""

    def __init__(self, stream: TextIO | None = None, *, min_interval: float = 0.2) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._min_interval = min_interval
        self._stage = ""
        self._bar: _Bar | None = None
        self._transcribing = False
        self._redirect = contextlib.ExitStack()
        self._redirect_active = False

    @property
    def enabled(self) -> bool:
        """Whether the stream is a terminal; pipes and log files stay quiet."""
        isatty = getattr(self._stream, "isatty", None)
        return bool(isatty and isatty())

    def stage_started(self, stage: str) -> None:
        """Show a new stage."""
        if not self.enabled:
            return
        if not self._redirect_active:
            self._redirect.enter_context(logging_redirect_tqdm([logging.root], _Bar))
            self._redirect_active = True
        self._stage = _LABELS.get(stage, stage)
        self._open(_STAGE_FORMAT, total=None, transcribing=False).refresh()

    def transcription_advanced(self, done_seconds: float, total_seconds: float) -> None:
        """Show how many audio seconds are transcribed, how fast and how long is left."""
        if not self.enabled:
            return
        total = max(total_seconds, 0.0)
        bar = self._bar
        if bar is None or not self._transcribing:
            bar = self._open(_TRANSCRIPTION_FORMAT, total=total, transcribing=True)
        done = min(max(done_seconds, 0.0), total)
        bar.total = total
        bar.set_description_str(f"{self._stage} {_clock(done)} / {_clock(total)}", refresh=False)
        if done >= total:
            bar.n = done
            bar.refresh()
        else:
            bar.update(done - bar.n)

    def finish(self) -> None:
        """Clear the bar and give console logging back its own handler."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._redirect.close()
        self._redirect_active = False

    def _open(self, bar_format: str, *, total: float | None, transcribing: bool) -> _Bar:
        if self._bar is not None:
            self._bar.close()
        self._transcribing = transcribing
        self._bar = bar = _Bar(
            total=total,
            desc=self._stage,
            file=self._stream,
            bar_format=bar_format,
            unit=" s audio",
            mininterval=self._min_interval,
            miniters=0,
            leave=False,
            ncols=_width(self._stream),
            nrows=_ROWS,
        )
        return bar


def _width(stream: TextIO) -> int:
    """The terminal's width in columns; 80 when it reports none (a fresh pseudo-terminal)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns if columns > 0 else _DEFAULT_WIDTH


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes:02d}:{rest:02d}"
