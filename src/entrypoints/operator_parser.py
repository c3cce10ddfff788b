"""The operator's command line: its subcommands, options and the checks on their values."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from adapters.exports.formats import EXPORT_FORMATS
from adapters.messages import CANONICAL_UUID
from entrypoints import review_command
from interview_core.state import InterviewState


def build_parser() -> argparse.ArgumentParser:
    """The operator's command line: one subcommand per action."""
    parser = argparse.ArgumentParser(
        prog="ai-interviews",
        description="Operate the pipeline: submit videos, inspect and rerun interviews.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    submit = commands.add_parser("submit", help="upload a video, record it and request it")
    submit.add_argument("video", type=nonempty_path, help="the video file")
    submit.add_argument("--user-id", type=_uuid, help="the user's UUID (a new one when left out)")

    for name, summary in (("status", "an interview's record"), ("questions", "its questions")):
        command = commands.add_parser(name, help=summary)
        command.add_argument(
            "interview_id", metavar="ID", type=_interview_id, help="the interview's id"
        )
        _format_option(command)

    listing = commands.add_parser("list", help="interviews in one state")
    listing.add_argument(
        "--state", required=True, choices=[state.value for state in InterviewState]
    )
    listing.add_argument("--limit", type=_positive_int, default=100, help="at most N (100)")
    _format_option(listing)

    reprocess = commands.add_parser(
        "reprocess",
        help="make an interview pending again in a new generation, with fresh attempts, and "
        "request it (it is transcribed again)",
    )
    reprocess.add_argument(
        "interview_id", metavar="ID", type=_interview_id, help="the interview's id"
    )

    dead = commands.add_parser("dead-letters", help="show the dead letters, or move them back")
    dead.add_argument(
        "--redrive",
        action="store_true",
        help="move every dead letter back to the queue, each interview in a new generation "
        "with fresh attempts",
    )
    dead.add_argument("--limit", type=_positive_int, default=100, help="show at most N (100)")
    _format_option(dead)

    export = commands.add_parser(
        "export",
        help="a completed interview's subtitles (srt, vtt) or question chapters (WebVTT)",
    )
    export.add_argument("interview_id", metavar="ID", type=_interview_id, help="the interview's id")
    export.add_argument(
        "--format",
        required=True,
        choices=EXPORT_FORMATS,
        help="srt or vtt: the transcript as subtitles; chapters: one WebVTT chapter per question",
    )
    export.add_argument(
        "--output", type=nonempty_path, metavar="FILE", help="write FILE instead of standard output"
    )

    review_command.add_parser(commands, _interview_id)

    delete = commands.add_parser(
        "delete",
        help="remove everything the pipeline holds for an interview: questions, transcripts, "
        "audio, kept stages, transcription jobs and the record (cannot be undone)",
    )
    delete.add_argument("interview_id", metavar="ID", type=_interview_id, help="the interview's id")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.add_argument(
        "--include-video",
        action="store_true",
        help="remove the video too (the upstream owns it: left in place by default)",
    )
    delete.add_argument(
        "--keep-record",
        action="store_true",
        help="keep the record, reduced to its id, state deleted and timestamps",
    )
    return parser


def _format_option(parser: argparse.ArgumentParser) -> None:
    """Add `--format json|table` to `parser`."""
    parser.add_argument(
        "--format", choices=("json", "table"), default="json", help="json (default) or table"
    )


def _uuid(text: str) -> str:
    """A UUID in its canonical form."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


MAX_ID_LENGTH = 1024
"""The longest interview id accepted (a DynamoDB key holds at most 2048 bytes)."""


def _interview_id(text: str) -> str:
    """An interview id as given: not empty, not blank, no control characters, bounded. The
    refusal never repeats the text, which could carry a newline that forges a log line."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    if not text.isprintable() or len(text) > MAX_ID_LENGTH:
        raise argparse.ArgumentTypeError(
            f"must be printable text of at most {MAX_ID_LENGTH} characters"
        )
    if CANONICAL_UUID.fullmatch(text):
        return str(uuid.UUID(text))  # lower case, as the worker reads a request's id
    return text


def nonempty_path(text: str) -> Path:
    """A path as given: an empty one would quietly name the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(text)


def _positive_int(text: str) -> int:
    """A whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value
