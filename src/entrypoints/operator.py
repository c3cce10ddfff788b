"""The operator's commands: submit a video, see an interview, list, reprocess, dead letters."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from adapters.exports.formats import EXPORT_FORMATS, render_export, write_text
from entrypoints import operator_output as show
from entrypoints import review_command
from entrypoints.log_config import configure_logging
from entrypoints.settings import Settings
from interview_core.errors import ConfigurationError, ErrorKind, InterviewError, LeaseHeld
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from entrypoints.container import Container

COMMANDS = (
    "submit",
    "status",
    "questions",
    "list",
    "reprocess",
    "dead-letters",
    "export",
    "review",
    "delete",
)

EXIT_OK = 0
EXIT_REFUSED = 1  # an unknown interview, a file that is not media, an interview being processed
EXIT_USAGE = 2  # usage, settings or configuration
EXIT_RETRY_LATER = 75  # a transient failure
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT

EXIT_CODES = {
    EXIT_OK: "done (an empty dead-letter queue included)",
    EXIT_REFUSED: "refused, with one line on stderr: an unknown interview, a file that is not "
    "media, an interview a worker holds",
    EXIT_USAGE: "usage or configuration: a missing, empty, blank or unprintable ID or video "
    "path; a missing table, bucket, queue or redrive policy, in-memory storage, no credentials",
    EXIT_RETRY_LATER: "a transient failure: try again later",
    EXIT_INTERRUPTED: "interrupted by Ctrl-C",
}
"""Every exit code of the operator's commands and what it means."""


def build_parser() -> argparse.ArgumentParser:
    """The operator's command line: one subcommand per action."""
    parser = argparse.ArgumentParser(
        prog="ai-interviews",
        description="Operate the pipeline: submit videos, inspect and rerun interviews.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    submit = commands.add_parser("submit", help="upload a video, record it and request it")
    submit.add_argument("video", type=_video_path, help="the video file")
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
        "--output", type=_video_path, metavar="FILE", help="write FILE instead of standard output"
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


def main(argv: Sequence[str]) -> int:
    """Run one operator command and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error.get("loc", ())) or "settings"
        print(f"error: invalid settings: {where}: {error.get('msg')}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(level="WARNING", log_file=None, log_format=settings.log_format)
    try:
        from entrypoints.container import Container

        _check_shared_storage(settings)
        container = Container()
        container.settings.override(settings)
        return _HANDLERS[args.command](args, container)
    except InterviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


# --- the commands ----------------------------------------------------------------------------


def _submit(args: argparse.Namespace, c: Container) -> int:
    submission = c.submit_interview().execute(args.video, user_id=args.user_id)
    print(submission.interview_id)
    return EXIT_OK


def _status(args: argparse.Namespace, c: Container) -> int:
    record = show.interview_to_dict(c.repository().get(args.interview_id))
    print(show.as_json(record) if args.format == "json" else show.as_record_table(record))
    return EXIT_OK


def _questions(args: argparse.Namespace, c: Container) -> int:
    repository = c.repository()
    repository.get(args.interview_id)  # an unknown interview is refused, not shown as empty
    rows = [show.stored_question_to_dict(q) for q in repository.list_questions(args.interview_id)]
    print(
        show.as_json(rows) if args.format == "json" else show.as_table(rows, show.QUESTION_COLUMNS)
    )
    return EXIT_OK


def _list(args: argparse.Namespace, c: Container) -> int:
    found = c.interview_catalog().list_by_state(InterviewState(args.state), args.limit)
    rows = [show.interview_to_dict(interview) for interview in found]
    print(
        show.as_json(rows) if args.format == "json" else show.as_table(rows, show.INTERVIEW_COLUMNS)
    )
    return EXIT_OK


def _reprocess(args: argparse.Namespace, c: Container) -> int:
    interview = c.reprocess_interview().execute(args.interview_id)
    print(f"interview {interview.id} is pending again; its request is on the queue")
    return EXIT_OK


def _export(args: argparse.Namespace, c: Container) -> int:
    result = c.load_interview_result().execute(args.interview_id)
    text = render_export(args.format, result.transcript, result.questions)
    if args.output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return EXIT_OK
    try:
        write_text(args.output, text)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _dead_letters(args: argparse.Namespace, c: Container) -> int:
    if args.redrive:
        moved = c.redrive_dead_letters().execute().moved
        if moved:
            print(f"moved {moved} dead letters back to the queue")
        else:
            print("the dead-letter queue is empty: nothing to move")
        return EXIT_OK
    queue = c.dead_letter_queue()
    rows = [show.dead_letter_to_dict(letter) for letter in queue.peek_dead_letters(args.limit)]
    if not rows:
        print("the dead-letter queue is empty", file=sys.stderr)
    print(
        show.as_json(rows)
        if args.format == "json"
        else show.as_table(rows, show.DEAD_LETTER_COLUMNS)
    )
    return EXIT_OK


def _delete(args: argparse.Namespace, c: Container) -> int:
    if not args.yes:
        record = c.repository().get(args.interview_id)  # an unknown id is refused first
        if not sys.stdin.isatty():
            print(
                "error: delete asks for confirmation, and stdin is not a terminal: "
                "pass --yes to delete without asking",
                file=sys.stderr,
            )
            return EXIT_USAGE
        if not show.confirmed(record, include_video=args.include_video):
            print("nothing deleted", file=sys.stderr)
            return EXIT_REFUSED
    erasure = c.delete_interview().execute(
        args.interview_id, include_video=args.include_video, keep_record=args.keep_record
    )
    print(show.erasure_lines(erasure))
    return EXIT_OK


_HANDLERS: dict[str, Callable[[argparse.Namespace, Container], int]] = {
    "submit": _submit,
    "status": _status,
    "questions": _questions,
    "list": _list,
    "reprocess": _reprocess,
    "dead-letters": _dead_letters,
    "export": _export,
    "review": review_command.review,
    "delete": _delete,
}


# --- helpers ---------------------------------------------------------------------------------


def _exit_code(exc: InterviewError) -> int:
    """1 for a refusal (a lease held elsewhere included: the operator must wait), 2 for the
    deployment's fault, 75 for other transient errors."""
    if isinstance(exc, LeaseHeld) or exc.kind is ErrorKind.INTERVIEW:
        return EXIT_REFUSED
    return EXIT_USAGE if exc.kind is ErrorKind.DEPLOYMENT else EXIT_RETRY_LATER


def _check_shared_storage(settings: Settings) -> None:
    """Refuse in-memory storage, which this process would fill and then forget."""
    if settings.repository == "memory" or settings.message_source == "memory":
        raise ConfigurationError(
            "the operator's commands need stored interviews and a shared queue: set "
            "INTERVIEWS_REPOSITORY and INTERVIEWS_MESSAGE_SOURCE to sqlite or dynamodb and sqs"
        )


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("json", "table"), default="json", help="json (default) or table"
    )


def _uuid(text: str) -> str:
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
    return text


def _video_path(text: str) -> Path:
    """A video path as given: an empty one would name the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(text)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value
