"""LocalFileVideoStore: videos as files under one root folder, used in place."""

from __future__ import annotations

import errno
import logging
import shutil
import stat
import uuid
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.video_keys import MEDIA_EXTENSIONS, object_key
from adapters.video_sources import checked_source_size
from interview_core.errors import (
    InterviewError,
    InvalidVideoLocation,
    StorageUnavailable,
    VideoAccessDenied,
    VideoNotFound,
    VideoTooLarge,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

logger = logging.getLogger(__name__)

SIDECAR_SUFFIXES = (".transcript.json", ".transcribe.json", ".srt", ".vtt")
"""Transcripts kept beside a video, as the stub transcriber looks for them."""


class LocalFileVideoStore:
    """A VideoStore over a folder: a location is a key relative to `root`.

    Keys pass the same validation as the S3 store's, so a hostile key fails the same way in
    both. The file is handed out in place, never copied. A key that names a directory or
    anything else that is not a regular file is reported as VideoNotFound, as S3 reports a
    prefix that is not an object. The checks run when `fetch` is called; a file swapped
    between the check and its use is not detected, which is acceptable for a local folder
    the operator controls.
    """

    def __init__(
        self,
        root: Path | str,
        max_bytes: int | None = None,
        *,
        allowed_extensions: frozenset[str] = MEDIA_EXTENSIONS,
    ) -> None:
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self._root = Path(root)
        self._max_bytes = max_bytes
        self._allowed_extensions = allowed_extensions

    def fetch(self, location: str) -> AbstractContextManager[Path]:
        """Open the video at `location` (a key under the root) as the file itself.

        Raises InvalidVideoLocation for a malformed key (before any file I/O) or one that
        resolves, through symbolic links, outside the root; VideoNotFound when nothing or
        no regular file is there; VideoTooLarge above `max_bytes`; VideoAccessDenied when the
        file system refuses; StorageUnavailable for other I/O failures.
        """
        key = object_key(location, None, allowed_extensions=self._allowed_extensions)
        path = self._resolve_inside_root(key)
        try:
            info = path.stat()
        except OSError as exc:
            raise _translate(key, exc) from exc
        if not stat.S_ISREG(info.st_mode):
            logger.warning("no regular file at video key %r", key)
            raise VideoNotFound("no video file at the interview's video_path")
        if self._max_bytes is not None and info.st_size > self._max_bytes:
            raise VideoTooLarge(f"the video has {info.st_size} bytes, above {self._max_bytes}")
        return nullcontext(path)

    def local_path(self, location: str) -> Path:
        """Where the video at `location` is on disk, whether or not a file is there (a page
        that links to it reports a missing one itself).

        Raises InvalidVideoLocation for a malformed key or one that resolves outside the
        root, and StorageUnavailable or VideoAccessDenied when the path cannot be resolved.
        """
        key = object_key(location, None, allowed_extensions=self._allowed_extensions)
        return self._resolve_inside_root(key)

    def _resolve_inside_root(self, key: str) -> Path:
        """The real path of `key`, refused when symbolic links lead it out of the root."""
        try:
            root = self._root.resolve()
            path = (root / key).resolve()
        except RuntimeError:  # a symbolic link loop, as Python 3.11 and 3.12 report it
            raise InvalidVideoLocation("video key leads into a symbolic link loop") from None
        except OSError as exc:
            raise _translate(key, exc) from exc
        if not path.is_relative_to(root):
            raise InvalidVideoLocation("video key resolves outside the video folder")
        return path

    # --- the VideoUploader role -----------------------------------------------------------

    def upload(self, source: Path, key: str) -> str:
        """Copy the file `source` to `key` under the root (folders made as needed); returns
        the key. The copy appears whole or not at all, replacing any file there.

        Raises InvalidVideoLocation (a malformed key, or one that leads out of the root) and
        VideoTooLarge before any write; VideoNotFound when `source` is no regular file;
        VideoAccessDenied or StorageUnavailable when the copy fails.
        """
        key = object_key(key, None, allowed_extensions=self._allowed_extensions)
        checked_source_size(source, self._max_bytes)
        target = self._root / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _translate(key, exc) from exc
        target = self._resolve_inside_root(key)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
        try:
            shutil.copyfile(source, partial)
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise _translate(key, exc) from exc
        return key

    # --- the VideoRemover role -------------------------------------------------------------

    def remove_video(self, location: str) -> bool:
        """Remove the file at `location` (a key under the root) and the transcripts beside
        it that the stub transcriber reads (`<stem>.transcript.json`, `.transcribe.json`,
        `.srt`, `.vtt`), then its folders up to the root while they are empty; whether the
        video was there.

        Raises InvalidVideoLocation (a malformed key, or one that leads out of the root),
        VideoAccessDenied or StorageUnavailable.
        """
        key = object_key(location, None, allowed_extensions=self._allowed_extensions)
        path = self._resolve_inside_root(key)
        root = self._root.resolve()
        try:
            if not path.is_file():
                return False
            path.unlink()
            for suffix in SIDECAR_SUFFIXES:
                path.with_name(path.stem + suffix).unlink(missing_ok=True)
            for folder in path.parents:
                if folder == root or not folder.is_relative_to(root) or any(folder.iterdir()):
                    break
                folder.rmdir()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _translate(key, exc) from exc
        return True


def _translate(key: str, exc: OSError) -> InterviewError:
    """The core error for a file system failure on `key`; its message, which may be stored on
    the interview, does not name the key: the log line written here does."""
    logger.warning("reading video key %r failed: %s", key, exc.strerror or type(exc).__name__)
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return VideoNotFound("no video at the interview's video_path")
    if isinstance(exc, PermissionError):
        return VideoAccessDenied("access to the video was refused")
    if exc.errno in (errno.ELOOP, errno.ENAMETOOLONG):
        return InvalidVideoLocation("video key leads into a symbolic link loop or too long a path")
    return StorageUnavailable(f"could not read the video: {exc.strerror or 'I/O error'}")
