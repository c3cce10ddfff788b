"""Runs ffmpeg as a killable child process with a deadline and bounded log buffering."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import selectors
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from adapters.media.ffmpeg_binary import FFMPEG_BINARY_SETTING
from adapters.media.parent_death import die_with_parent_hook
from interview_core.errors import MediaTimeout, MediaUnavailable, ToolMissing

if TYPE_CHECKING:
    from collections.abc import Sequence

LineHandler = Callable[[str], None]

_READ_SIZE = 64 * 1024
_LINE_LIMIT = 4096
_LINE_SEPARATOR = re.compile(rb"[\r\n]")
_OUT_OF_RESOURCES = frozenset({errno.ENOMEM, errno.EAGAIN, errno.EMFILE, errno.ENFILE})
"""fork or pipe failures that pass (memory, processes, open files): not a missing ffmpeg."""


@attrs.frozen
class FfmpegResult:
    """How an ffmpeg run ended: its exit status and the last lines it logged."""

    returncode: int
    log_tail: tuple[str, ...]


class FfmpegRunner:
    """Starts ffmpeg children, reads their output as it comes and can kill them all at once.

    Each child runs in its own process group with no stdin and, on Linux, gets SIGKILL when
    this process dies (even by SIGKILL), so no ffmpeg outlives its worker. Its log (stderr)
    and its `-progress` report (stdout) are read incrementally, line by line, keeping only a
    bounded tail, so memory does not grow with the input. Thread-safe.
    """

    def __init__(self, *, tail_lines: int = 40) -> None:
        self._tail_lines = tail_lines
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._generation = 0

    def ticket(self) -> int:
        """A token for one piece of work; `cancel_all` invalidates every token handed out."""
        with self._lock:
            return self._generation

    @property
    def running(self) -> int:
        """How many ffmpeg children are running now."""
        with self._lock:
            return len(self._live)

    def cancel_all(self) -> int:
        """Kill every running child (its whole process group); returns how many were signalled.

        Work holding an earlier ticket raises MediaTimeout and starts no further child.
        """
        with self._lock:
            self._generation += 1
            doomed = list(self._live)
            for process in doomed:
                _signal_group(process)
        return len(doomed)

    def run(
        self,
        args: Sequence[str],
        *,
        label: str,
        deadline: float,
        ticket: int,
        on_log_line: LineHandler,
        on_progress_line: LineHandler,
    ) -> FfmpegResult:
        """Run ffmpeg with the argument list `args` until it exits or `deadline` passes.

        `deadline` is a `time.monotonic()` instant. Every stderr line goes to `on_log_line`,
        every stdout line to `on_progress_line`; an exception raised by either stops the child
        (killed) and propagates. Raises MediaTimeout when the deadline passes,
        MediaUnavailable when the work was cancelled or the system cannot start a process now
        (no memory, too many processes), ToolMissing when the binary cannot be run.
        """
        process = self._start(args, label=label, ticket=ticket)
        tail: deque[str] = deque(maxlen=self._tail_lines)

        def log_line(line: str) -> None:
            tail.append(line)
            on_log_line(line)

        try:
            _pump(process, deadline, label, log_line, on_progress_line)
            self._forget(process)
            returncode = process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            self._forget(process)
            _kill(process)
            raise _timeout(label) from exc
        except BaseException:
            self._forget(process)
            _kill(process)
            raise
        finally:
            _close_pipes(process)
        with self._lock:
            cancelled = ticket != self._generation
        if cancelled:
            raise MediaUnavailable(f"{label}: audio extraction was cancelled; ffmpeg was stopped")
        return FfmpegResult(returncode=returncode, log_tail=tuple(tail))

    def _start(self, args: Sequence[str], *, label: str, ticket: int) -> subprocess.Popen[bytes]:
        with self._lock:
            if ticket != self._generation:
                raise MediaUnavailable(f"{label}: audio extraction was cancelled before ffmpeg ran")
            try:
                process = subprocess.Popen(
                    list(args),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    bufsize=0,
                    start_new_session=True,
                    preexec_fn=die_with_parent_hook(),  # takes no lock in the child
                )
            except OSError as exc:
                if exc.errno in _OUT_OF_RESOURCES:
                    raise MediaUnavailable(
                        f"{label}: the system could not start ffmpeg now ({exc.strerror})"
                    ) from exc
                raise ToolMissing(
                    f"cannot run ffmpeg {args[0]!r} ({exc.strerror}); "
                    f"set {FFMPEG_BINARY_SETTING} to a working ffmpeg executable"
                ) from exc
            except subprocess.SubprocessError as exc:  # the preexec hook failed in the child
                raise MediaUnavailable(f"{label}: ffmpeg could not be started ({exc})") from exc
            self._live.add(process)
            return process

    def _forget(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.discard(process)


def _pump(
    process: subprocess.Popen[bytes],
    deadline: float,
    label: str,
    on_log_line: LineHandler,
    on_progress_line: LineHandler,
) -> None:
    """Read both pipes until they close, handing over complete lines; bounded memory."""
    assert process.stdout is not None and process.stderr is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ, (_LineSplitter(), on_log_line))
        selector.register(process.stdout, selectors.EVENT_READ, (_LineSplitter(), on_progress_line))
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timeout(label)
            for key, _events in selector.select(timeout=remaining):
                splitter, handler = key.data
                chunk = os.read(key.fd, _READ_SIZE)
                if not chunk:
                    selector.unregister(key.fileobj)
                    lines = splitter.flush()
                else:
                    lines = splitter.feed(chunk)
                for line in lines:
                    handler(line)


class _LineSplitter:
    """Cuts a byte stream into text lines at CR or LF, truncating any line past a limit."""

    def __init__(self, limit: int = _LINE_LIMIT) -> None:
        self._limit = limit
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> list[str]:
        lines: list[str] = []
        pieces = _LINE_SEPARATOR.split(chunk)
        for index, piece in enumerate(pieces):
            room = self._limit - len(self._pending)
            if room > 0:
                self._pending += piece[:room]
            if index < len(pieces) - 1:
                lines.extend(self.flush())
        return lines

    def flush(self) -> list[str]:
        line = self._pending.decode("utf-8", errors="replace")
        self._pending.clear()
        return [line] if line else []


def _timeout(label: str) -> MediaTimeout:
    return MediaTimeout(f"{label}: audio extraction passed its time limit; ffmpeg was killed")


def _signal_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's process group (it leads its own session)."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _kill(process: subprocess.Popen[bytes]) -> None:
    _signal_group(process)
    process.wait()


def _close_pipes(process: subprocess.Popen[bytes]) -> None:
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
