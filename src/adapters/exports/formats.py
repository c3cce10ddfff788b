"""The export formats by name, the file each is written to, and how each is rendered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.exports.subtitle_files import question_chapters, transcript_srt, transcript_vtt
from adapters.output_files import write_all

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

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
    """Write every export into `output_dir` under its file name (UTF-8), as one set: none
    is replaced unless all can be written. Returns their paths; raises OSError."""
    files = {
        output_dir / name: render_export(kind, transcript, questions)
        for kind, name in FILE_NAMES.items()
    }
    write_all(files)
    return list(files)
