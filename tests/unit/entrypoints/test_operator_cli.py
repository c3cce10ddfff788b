"""The operator's subcommands beside the `--mode` forms: parsing, help and exit codes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from entrypoints import cli, operator, operator_parser
from interview_core.errors import (
    ConfigurationError,
    InterviewError,
    InterviewNotFound,
    InvalidMedia,
    LeaseHeld,
    QueueUnavailable,
)


def test_the_top_help_names_every_operator_command() -> None:
    text = cli.build_parser().format_help()

    for command in operator.COMMANDS:
        assert f"\n  {command}" in text or f", {command} " in text, command
    assert "--mode {single-video,single-interview,sqs}" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["--mode", "single-video", "a.mp4", "--output-dir", "out"],
        [
            "--mode",
            "single-interview",
            "--interview-id",
            "123e4567-e89b-12d3-a456-426614174000",
            "--force",
        ],
        ["--mode", "sqs", "--max-messages", "3", "--idle-exit", "5"],
    ],
)
def test_the_mode_forms_parse_as_before(argv: list[str]) -> None:
    args = cli.build_parser().parse_args(argv)

    assert args.mode == argv[1]


@pytest.mark.parametrize("command", operator.COMMANDS)
def test_each_command_is_routed_to_its_own_help(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: ai-interviews {command}")


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "--state", "archived"],
        ["list", "--state", "failed", "--limit", "0"],
        ["status"],
        ["submit", "a.mp4", "--user-id", "not-a-uuid"],
        ["status", "i-1", "--format", "xml"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        operator_parser.build_parser().parse_args(argv)

    assert exited.value.code == 2
    assert "usage: ai-interviews" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InterviewNotFound("i-1"), 1),
        (InvalidMedia("notes.mp4: not media"), 1),
        (LeaseHeld("i-1"), 1),
        (ConfigurationError("no table"), 2),
        (QueueUnavailable("throttled"), 75),
    ],
)
def test_exit_codes_follow_the_error(error: InterviewError, code: int) -> None:
    assert operator._exit_code(error) == code


@pytest.mark.parametrize("command", ["status", "questions", "reprocess"])
@pytest.mark.parametrize("given", ["", "   ", "\t", "i-1\nforged line", "x" * 1025])
def test_an_empty_or_unprintable_id_is_a_usage_error_naming_the_argument(
    command: str, given: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWS_REPOSITORY", "dynamodb")  # never reached: refused first
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")

    with pytest.raises(SystemExit) as exited:
        cli.main([command, given])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"ai-interviews {command}: error: argument ID: must" in err
    assert "forged" not in err and "INTERVIEWS_" not in err and "DEPLOYMENT" not in err


def test_an_empty_video_path_is_a_usage_error_naming_the_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["submit", " "])

    assert exited.value.code == 2
    assert "ai-interviews submit: error: argument video: must not be empty" in (
        capsys.readouterr().err
    )


# --- delete: confirmation on a terminal ----------------------------------------------------


class _Terminal:
    """Stands in for stdin: a terminal or not."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def _delete_rig(monkeypatch: pytest.MonkeyPatch, *, tty: bool, answer: str) -> tuple[Any, Any]:
    from adapters.local.memory_repository import InMemoryInterviewRepository
    from interview_core.delete_interview import DeleteInterview
    from interview_core.entities import Interview

    repository = InMemoryInterviewRepository()
    repository.add(Interview(id="i-1", video_path="videos/u/i-1/a.mp4"))
    container = SimpleNamespace(
        repository=lambda: repository, delete_interview=lambda: DeleteInterview(repository)
    )
    monkeypatch.setattr("sys.stdin", _Terminal(tty))
    monkeypatch.setattr("builtins.input", lambda prompt: answer)
    return repository, container


@pytest.mark.parametrize(
    ("answer", "deleted"), [("yes", True), ("y", True), ("no", False), ("", False)]
)
def test_delete_asks_on_a_terminal_and_deletes_only_on_yes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], answer: str, deleted: bool
) -> None:
    repository, container = _delete_rig(monkeypatch, tty=True, answer=answer)
    args = operator_parser.build_parser().parse_args(["delete", "i-1"])

    code = operator._delete(args, container)

    out, err = capsys.readouterr()
    assert "Delete interview i-1 (pending, generation 0)" in err
    assert "cannot be undone" in err
    if deleted:
        assert code == operator.EXIT_OK
        assert out.splitlines()[0] == "deleted interview i-1"
        assert "video: kept at videos/u/i-1/a.mp4" in out
        assert repository.all() == []
    else:
        assert code == operator.EXIT_REFUSED
        assert "nothing deleted" in err
        assert [record.id for record in repository.all()] == ["i-1"]


def test_delete_without_yes_refuses_when_stdin_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repository, container = _delete_rig(monkeypatch, tty=False, answer="yes")
    args = operator_parser.build_parser().parse_args(["delete", "i-1"])

    code = operator._delete(args, container)

    assert code == operator.EXIT_USAGE
    assert "stdin is not a terminal: pass --yes" in capsys.readouterr().err
    assert [record.id for record in repository.all()] == ["i-1"]


# --- ids and table cells ---------------------------------------------------------------------


def test_an_upper_case_uuid_is_read_as_the_worker_reads_it() -> None:
    parsed = operator_parser.build_parser().parse_args(
        ["status", "24051934-4C5C-4AA1-9825-E7544871EBE8"]
    )
    other = operator_parser.build_parser().parse_args(["status", "interview-7"])

    assert parsed.interview_id == "24051934-4c5c-4aa1-9825-e7544871ebe8"
    assert other.interview_id == "interview-7"


def test_table_cells_escape_control_characters_from_stored_records() -> None:
    from entrypoints.operator_output import as_record_table, as_table

    row = {"video_path": "videos/a\x1b[2Jb\r.mp4", "error_message": "one\ntwo\u2028three"}

    shown = as_record_table(row) + "\n" + as_table([row], ["video_path", "error_message"])

    assert "\x1b" not in shown and "\r" not in shown and "\u2028" not in shown
    assert "videos/a\\x1b[2Jb\\r.mp4" in shown
    assert "one two\\u2028three" in shown


def test_a_mistyped_command_is_named_with_the_nearest_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["stauts", "interview-7"]) == 2
    assert cli.main(["frobnicate"]) == 2

    mistyped, unknown = capsys.readouterr().err.strip().splitlines()
    assert mistyped.startswith(
        "ai-interviews: error: unknown command 'stauts'; did you mean status? The commands are "
        "submit, status,"
    )
    assert unknown.startswith("ai-interviews: error: unknown command 'frobnicate'. The commands")
    assert "--mode for processing" in unknown
