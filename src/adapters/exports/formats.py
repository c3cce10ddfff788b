"""The export formats by name, the file each is written to, and how each is rendered."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.exports.subtitle_files import question_chapters, transcript_srt, transcript_vtt

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Question, Transcript

FILE_NAMES = {
    "srt": "transcript.srt",
    "vtt": "transcript.vtt",
    "chapters": "questions.vtt",
}
"""Each format's file name beside questions.json."""
EXPORT_FORMATS = tuple(FILE_NAMES)


def render_export(kind: str, transcript: Transcript, questions: Sequence[Question]) -> str:
    """The text of one export: `srt` or `vtt` subtitles of the transcript, or `chapters` (one
    WebVTT chapter per question). Raises ValueError for another format."""
    if kind == "srt":
        return transcript_srt(transcript)
    if kind == "vtt":
        return transcript_vtt(transcript)
    if kind == "chapters":
        return question_chapters(questions, transcript)
    raise ValueError(f"unknown export format {kind!r}: one of {', '.join(EXPORT_FORMATS)}")


def write_exports(
    transcript: Transcript, questions: Sequence[Question], output_dir: Path
) -> list[Path]:
    """Write every export into `output_dir` under its file name, each atomically (UTF-8),
    and return their paths. Raises OSError when a file cannot be written."""
    written = []
    for kind, name in FILE_NAMES.items():
        path = output_dir / name
        write_text(path, render_export(kind, transcript, questions))
        written.append(path)
    return written


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` as UTF-8 through a temporary file renamed over it, so that a
    reader never sees half of it. Raises OSError."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
