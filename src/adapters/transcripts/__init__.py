"""Transcript file formats: our own JSON, Amazon Transcribe output, SRT and WebVTT subtitles."""

from __future__ import annotations

from adapters.transcripts.aws_transcribe import parse_transcribe_output
from adapters.transcripts.native import (
    read_transcript,
    transcript_from_dict,
    transcript_from_json,
    transcript_to_dict,
    write_transcript,
)
from adapters.transcripts.subtitles import parse_srt, parse_webvtt, read_subtitles

__all__ = [
    "parse_srt",
    "parse_transcribe_output",
    "parse_webvtt",
    "read_subtitles",
    "read_transcript",
    "transcript_from_dict",
    "transcript_from_json",
    "transcript_to_dict",
    "write_transcript",
]
