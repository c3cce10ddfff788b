"""LocalFileStageStore: kept stage results as files in a folder beside the SQLite file."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.stage_items import (
    QUESTIONS_ITEM,
    TRANSCRIPT_ITEM,
    decode_questions,
    decode_transcript,
    encode_questions,
    encode_transcript,
    item_folder,
    kept_items,
    unreadable,
)
from adapters.work_files import is_disk_full
from interview_core.errors import ConfigurationError, InterviewError, StageStoreUnavailable

if TYPE_CHECKING:
    from interview_core.entities import KeptQuestions, Transcript

_REFUSED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR})
"""OS errors that only a change of folder or permissions can cure."""


class LocalFileStageStore:
    """A StageStore in `root`: `<root>/<token>/g<generation>/transcript.json` and
    `questions.json`, written atomically (a temporary file renamed over the item).

    Folders are created on first write (mode 0700). A folder or file that may not be
    written or read (permissions, a read-only disk, a file where the folder should be)
    raises ConfigurationError; other OS errors (a full disk, I/O trouble) raise
    StageStoreUnavailable (transient; throttled when the disk is full). A kept file that is
    not valid, or may not be read, reads as nothing kept (logged).
    """

    def __init__(self, root: Path | str) -> None:
        """Raise ValueError for an empty path; nothing is created until the first write."""
        if not str(root):
            raise ValueError("a folder is required")
        self._root = Path(root)

    @property
    def root(self) -> Path:
        """The folder the items are kept in."""
        return self._root

    def load_transcript(self, interview_id: str, generation: int) -> Transcript | None:
        """The kept transcript, or None when there is none or it cannot be read."""
        path = self._path(interview_id, generation, TRANSCRIPT_ITEM)
        raw = self._read(path)
        return None if raw is None else decode_transcript(raw, self._name(path))

    def save_transcript(self, interview_id: str, generation: int, transcript: Transcript) -> None:
        """Keep `transcript`, replacing any kept one."""
        path = self._path(interview_id, generation, TRANSCRIPT_ITEM)
        raw = encode_transcript(transcript)
        if raw is not None:
            self._write(path, raw)

    def load_questions(self, interview_id: str, generation: int) -> KeptQuestions | None:
        """The kept questions, or None when there are none or they cannot be read."""
        path = self._path(interview_id, generation, QUESTIONS_ITEM)
        raw = self._read(path)
        return None if raw is None else decode_questions(raw, self._name(path))

    def save_questions(self, interview_id: str, generation: int, found: KeptQuestions) -> None:
        """Keep `found`, replacing any kept questions."""
        path = self._path(interview_id, generation, QUESTIONS_ITEM)
        raw = encode_questions(found)
        if raw is not None:
            self._write(path, raw)

    def discard(self, interview_id: str, generation: int, *, keep_transcript: bool = False) -> None:
        """Remove both kept items (only the questions with `keep_transcript`) and the
        generation's folder (and the interview's) once empty."""
        folder = self._root / item_folder(interview_id, generation)
        try:
            for item in kept_items(keep_transcript=keep_transcript):
                (folder / item).unlink(missing_ok=True)
            for empty in (folder, folder.parent):
                if empty.is_dir() and not any(empty.iterdir()):
                    empty.rmdir()
        except OSError as exc:
            raise self._error(exc, "remove") from exc

    # --- the InterviewFiles role ---------------------------------------------------------

    def remove_files(self, interview_id: str, generation: int) -> list[str]:
        """Remove the interview's folder with every generation's items (`generation` only
        bounds the generations named; all kept ones go); the paths removed, relative to the
        root. Raises ValueError, ConfigurationError or StageStoreUnavailable."""
        if generation < 0:
            raise ValueError(f"a generation is a whole number of at least 0, not {generation}")
        folder = self._root / item_folder(interview_id, 0).rsplit("/", 1)[0]
        removed: list[str] = []
        try:
            if not folder.is_dir():
                return removed
            for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if path.is_dir() and not path.is_symlink():
                    path.rmdir()
                else:
                    path.unlink()
                    removed.append(self._name(path))
            folder.rmdir()
        except OSError as exc:
            raise self._error(exc, "remove") from exc
        return sorted(removed)

    # --- files -------------------------------------------------------------------------

    def _path(self, interview_id: str, generation: int, item: str) -> Path:
        return self._root / item_folder(interview_id, generation) / item

    def _name(self, path: Path) -> str:
        return str(path.relative_to(self._root))

    def _read(self, path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except (IsADirectoryError, PermissionError) as exc:
            unreadable(self._name(path), exc.strerror or type(exc).__name__)
            return None
        except OSError as exc:
            raise self._error(exc, "read") from exc

    def _write(self, path: Path, raw: bytes) -> None:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(raw)
                Path(temporary).replace(path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise self._error(exc, "write") from exc

    def _error(self, exc: OSError, doing: str) -> InterviewError:
        reason = f"cannot {doing} kept stage results in {self._root}: {exc.strerror or exc}"
        if exc.errno in _REFUSED or isinstance(exc, FileExistsError):
            return ConfigurationError(reason)
        return StageStoreUnavailable(reason, throttled=is_disk_full(exc))
