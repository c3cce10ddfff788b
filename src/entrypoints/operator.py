"""The operator's commands: submit a video, see an interview, list, reprocess, dead letters."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from pydantic import ValidationError

from adapters.exports.formats import render_export
from adapters.output_files import write_text
from entrypoints import operator_output as show
from entrypoints import review_command
from entrypoints.log_config import configure_logging
from entrypoints.operator_parser import build_parser
from entrypoints.settings import Settings
from interview_core.errors import ConfigurationError, ErrorKind, InterviewError, LeaseHeld
from interview_core.state import InterviewState

if TYPE_CHECKING:
    import argparse
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
EXIT_BROKEN_PIPE = 141  # the reader of the output stopped early: ai-interviews' main ends quietly
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT

EXIT_CODES = {
    EXIT_OK: "done (an empty dead-letter queue included)",
    EXIT_REFUSED: "refused, with one line on stderr: an unknown interview, a file that is not "
    "media, an interview a worker holds",
    EXIT_USAGE: "usage or configuration: a missing, empty, blank or unprintable ID or video "
    "path; a missing table, bucket, queue or redrive policy, in-memory storage, no credentials",
    EXIT_RETRY_LATER: "a transient failure: try again later",
    EXIT_INTERRUPTED: "interrupted by Ctrl-C",
    EXIT_BROKEN_PIPE: "the program reading the output closed it early (as `head` does); "
    "nothing is printed about it",
}
"""Every exit code of the operator's commands and what it means."""


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
