"""The `ai-interviews` command: one video, one stored interview, or the queue worker."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from adapters.messages import CANONICAL_UUID
from entrypoints.log_config import FILE_ONLY, configure_logging, log_report
from entrypoints.metrics import configure_metrics, emit_report_metrics
from entrypoints.operator_parser import nonempty_path
from entrypoints.preflight import check_deployment
from entrypoints.settings import Settings, speaker_labels
from interview_core.errors import ConfigurationError, ErrorKind, InterviewError
from interview_core.report import ErrorInfo, Outcome

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from entrypoints.container import Container

EXIT_OK = 0
EXIT_FAILED = 1  # the interview failed for good
EXIT_USAGE = 2  # usage, settings or configuration: a missing bucket, table, queue, tool...
EXIT_RETRY_LATER = 75  # EX_TEMPFAIL: a transient error; running again later may succeed
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # the reader of the output stopped early (`| head`): 128 + SIGPIPE

EXIT_CODES = {
    EXIT_OK: "done; also an already completed interview skipped (`--force` reprocesses it), "
    "and the worker's graceful stop, `--max-messages` or `--idle-exit`",
    EXIT_FAILED: "the interview failed for good: one line on stderr with its error code and reason",
    EXIT_USAGE: "usage, settings or the deployment's fault (a missing argument, bucket, table, "
    "index or queue, no credentials, a missing ffmpeg or speech model, a model or service "
    "that refuses the role): one line naming the setting or permission, no interview failed, "
    "every message kept",
    EXIT_RETRY_LATER: "a transient failure (throttling, a service that cannot be reached, a full "
    "disk for this job's video or audio, ffmpeg that cannot start for want of memory): try "
    "again later",
    EXIT_INTERRUPTED: "interrupted by Ctrl-C (the worker stops gracefully on SIGINT and exits 0)",
    EXIT_BROKEN_PIPE: "the program reading the output closed it early (as `head` does); nothing is "
    "printed about it",
}
"""Every exit code of `ai-interviews --mode ...` and what it means."""


log = logging.getLogger("ai_interviews.cli")

OPERATOR_EPILOG = """\
operator commands (ai-interviews COMMAND --help for each):
  submit VIDEO [--user-id U]      upload a video, record it and request its processing
  status ID, questions ID         an interview's record or its questions (--format table)
  list --state STATE [--limit N]  interviews by state (pending, failed, deleted, ...)
  reprocess ID                    make an interview pending again and request it
  dead-letters [--redrive]        show the dead letters, or move them back to the queue
  review ID [--output FILE]       a completed interview's review page (review.html)
  export ID --format F [--output FILE]
                                  a completed interview's subtitles (srt, vtt) or chapters
  delete ID [--yes] [--include-video] [--keep-record]
                                  remove everything held for an interview (no undo)
  dev-stack [--port P]            the deployment template in a local moto server
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="ai-interviews",
        description="Turn recorded interviews into the interviewer's questions with answers.",
        epilog=OPERATOR_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--mode",
        choices=("single-video", "single-interview", "sqs"),
        required=True,
        help="single-video: a file on disk; single-interview: a stored interview by id; "
        "sqs: the queue worker",
    )
    parser.add_argument("path", nargs="?", type=nonempty_path, help="the video file (single-video)")
    parser.add_argument(
        "--output-dir",
        type=nonempty_path,
        help="where single-video writes its JSON, subtitles (SRT, WebVTT) and chapters",
    )
    parser.add_argument(
        "--interview-id",
        type=_interview_id,
        help="the interview to process (single-interview), a UUID",
    )
    parser.add_argument(
        "--force", action="store_true", help="reprocess an interview that is already completed"
    )
    parser.add_argument(
        "--interviewer",
        action="append",
        type=_speakers,
        metavar="SPEAKER",
        help="a speaker label (spk_0) to take as the interviewer, every other speaker being "
        "the candidate; repeat it or separate labels by commas for a panel; overrides "
        "INTERVIEWS_INTERVIEWER_SPEAKERS",
    )
    parser.add_argument("--log-file", type=nonempty_path, help="overrides INTERVIEWS_LOG_FILE")
    parser.add_argument(
        "--max-messages",
        type=_positive(int),
        metavar="N",
        help="sqs: stop after handling N messages",
    )
    parser.add_argument(
        "--idle-exit",
        type=_positive(float),
        metavar="SECONDS",
        help="sqs: stop after SECONDS without a message",
    )
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ai-interviews")
    except PackageNotFoundError:
        return "unknown (not installed)"


_MODES_OF_OPTIONS = {
    "path": ("a video PATH", ("single-video",)),
    "output_dir": ("--output-dir", ("single-video",)),
    "interview_id": ("--interview-id", ("single-video", "single-interview")),
    "force": ("--force", ("single-interview",)),
    "max_messages": ("--max-messages", ("sqs",)),
    "idle_exit": ("--idle-exit", ("sqs",)),
}
"""The options that mean something in some modes only, and those modes: given elsewhere,
they would be ignored without a word."""


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _speakers(text: str) -> tuple[str, ...]:
    """Comma-separated speaker labels; the refusal never repeats the text."""
    try:
        labels = speaker_labels(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if not labels:
        raise argparse.ArgumentTypeError("needs a speaker label such as spk_0")
    return labels


def _interview_id(text: str) -> str:
    """The id as a lower-case hyphenated UUID; the refusal never repeats the text, which
    could carry a newline that forges a log line."""
    if not CANONICAL_UUID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000"
        )
    return str(uuid.UUID(text))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command and return its exit code; output piped into a reader that stops
    early (`| head`) ends it quietly."""
    try:
        return _run(argv)
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's final flush of what is
    left for a closed pipe raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _run(argv: Sequence[str] | None) -> int:
    """Run the command and return its exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == "dev-stack":
        from entrypoints.dev_stack import main as dev_stack

        return dev_stack(arguments[1:])
    if arguments and arguments[0] in _operator_commands():
        from entrypoints.operator import main as operate

        return operate(arguments)
    if arguments and _looks_like_a_command(arguments[0]) and "--mode" not in arguments:
        print(_unknown_command(arguments[0]), file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(arguments)
    for option, (flag, modes) in _MODES_OF_OPTIONS.items():
        if getattr(args, option) not in (None, False) and args.mode not in modes:
            parser.error(f"{flag} is for --mode {' or '.join(modes)}, not {args.mode}")
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: invalid settings: {_first_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    if args.interviewer:
        named = ",".join(dict.fromkeys(label for group in args.interviewer for label in group))
        settings = settings.model_copy(update={"interviewer_speakers": named})
    try:
        _configure_logging(args, settings)
    except OSError as exc:
        print(f"error: cannot write the log file: {_reason(exc)}", file=sys.stderr)
        return EXIT_USAGE
    configure_metrics(enabled=settings.emf_metrics, namespace=settings.metrics_namespace)
    try:
        from entrypoints.container import Container

        container = Container()
        container.settings.override(settings)
        if args.mode == "single-video":
            return _single_video(parser, args, container)
        if args.mode == "single-interview":
            return _single_interview(parser, args, container)
        from entrypoints.worker import serve

        check_deployment(container, with_queue=True)
        return serve(container, max_messages=args.max_messages, idle_exit_seconds=args.idle_exit)
    except InterviewError as exc:
        log.error("%s", exc, extra={"error_code": exc.code, **FILE_ONLY})
        print(f"error: {exc}", file=sys.stderr)
        if exc.kind is ErrorKind.DEPLOYMENT:
            return EXIT_USAGE
        return EXIT_RETRY_LATER if exc.kind is ErrorKind.TRANSIENT else EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _configure_logging(args: argparse.Namespace, settings: Settings) -> None:
    """Log to stderr and the log file. The default file, in the current folder, is left out
    with a warning when that folder cannot be written; a file the user named must be
    writable (OSError)."""
    log_file = args.log_file or settings.log_file
    named = args.log_file is not None or "log_file" in settings.model_fields_set

    def configure(file: Path | None) -> None:
        configure_logging(
            level=settings.log_level,
            log_file=file,
            log_format=settings.log_format,
            max_bytes=settings.log_max_bytes,
            backups=settings.log_backups,
        )

    try:
        configure(log_file)
    except OSError as exc:
        if named or log_file is None:
            raise
        configure(None)
        log.warning(
            "logging to standard error only: cannot write %s (%s); set INTERVIEWS_LOG_FILE "
            "or --log-file to a writable path, or INTERVIEWS_LOG_FILE= for none",
            log_file,
            _reason(exc),
        )


def _reason(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror}{where}" if exc.strerror else str(exc)


def _single_video(parser: argparse.ArgumentParser, args: argparse.Namespace, c: Container) -> int:
    from adapters.output_files import check_writable_folder
    from adapters.work_files import is_disk_full
    from entrypoints.output import summary, write_outputs
    from entrypoints.progress import TerminalProgress

    if args.path is None or args.output_dir is None:
        parser.error("single-video needs a video PATH and --output-dir")
    try:
        check_writable_folder(args.output_dir)
    except OSError as exc:
        print(
            f"error: cannot write in --output-dir {args.output_dir}: {_reason(exc)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    progress = TerminalProgress()
    try:
        result = c.process_video().execute(
            args.path, interview_id=args.interview_id, listener=progress
        )
    finally:
        progress.finish()
    try:
        written = write_outputs(result, args.path, args.output_dir)
    except OSError as exc:
        print(
            f"error: cannot write the results in {args.output_dir}: {_reason(exc)}; "
            "no earlier result there was replaced",
            file=sys.stderr,
        )
        return EXIT_RETRY_LATER if is_disk_full(exc) else EXIT_USAGE
    log_report(result.report)
    emit_report_metrics(result.report)
    print(summary(result, args.path))
    print(f"\nwrote {written.questions} and {written.transcript}")
    print(f"subtitles and chapters: {', '.join(str(path) for path in written.exports)}")
    print(f"review page: {written.review_page}")
    return EXIT_OK


def _single_interview(
    parser: argparse.ArgumentParser, args: argparse.Namespace, c: Container
) -> int:
    if not args.interview_id:
        parser.error("single-interview needs --interview-id")
    if c.settings().repository == "memory":
        raise ConfigurationError(
            "single-interview reads a stored interview: set INTERVIEWS_REPOSITORY=sqlite "
            "or dynamodb"
        )
    check_deployment(c, with_queue=False)
    report = c.process_interview().execute(args.interview_id, force=args.force)
    log_report(report)
    emit_report_metrics(report)
    if report.error is not None:
        print(f"error: {report.error.code}: {report.error.message}", file=sys.stderr)
    if report.outcome is Outcome.SKIPPED and report.error is not None:  # deleted
        print(f"interview {report.interview_id}: skipped, it is deleted")
        return EXIT_FAILED
    if report.outcome is Outcome.SKIPPED:
        print(
            f"interview {report.interview_id}: skipped, it is already completed "
            "(--force reprocesses it)"
        )
        return EXIT_OK
    print(f"interview {report.interview_id}: {report.outcome} ({report.question_count} questions)")
    if report.outcome is Outcome.COMPLETED:
        return EXIT_OK
    if _is_deployment_error(report.error):
        return EXIT_USAGE
    return EXIT_RETRY_LATER if report.outcome in (Outcome.RETRY, Outcome.BUSY) else EXIT_FAILED


def _looks_like_a_command(word: str) -> bool:
    """A first word that is no option and no file: a command name, perhaps mistyped."""
    return bool(re.fullmatch(r"[a-z][a-z-]*", word)) and not Path(word).exists()


def _unknown_command(word: str) -> str:
    import difflib

    commands = (*_operator_commands(), "dev-stack")
    close = difflib.get_close_matches(word, commands, n=1)
    hint = f"; did you mean {close[0]}?" if close else "."
    return (
        f"ai-interviews: error: unknown command {word!r}{hint} The commands are "
        f"{', '.join(commands)}, and --mode for processing (ai-interviews --help)"
    )


def _operator_commands() -> tuple[str, ...]:
    from entrypoints.operator import COMMANDS

    return COMMANDS


def _is_deployment_error(error: ErrorInfo | None) -> bool:
    return error is not None and error.kind is ErrorKind.DEPLOYMENT


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ())) or "settings"
    return f"{where}: {error.get('msg', 'invalid value')}"


if __name__ == "__main__":
    raise SystemExit(main())
