"""Files other tools read: SRT and WebVTT subtitles of a transcript, WebVTT chapters."""

from __future__ import annotations

from adapters.exports.formats import EXPORT_FORMATS, FILE_NAMES, render_export, write_exports
from adapters.exports.subtitle_files import (
    escape_vtt,
    question_chapters,
    srt_timestamp,
    transcript_srt,
    transcript_vtt,
    vtt_timestamp,
)

__all__ = [
    "EXPORT_FORMATS",
    "FILE_NAMES",
    "render_export",
    "write_exports",
    "escape_vtt",
    "question_chapters",
    "srt_timestamp",
    "transcript_srt",
    "transcript_vtt",
    "vtt_timestamp",
]
