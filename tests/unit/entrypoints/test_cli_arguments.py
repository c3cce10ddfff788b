"""Command-line arguments are checked before anything is logged or stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from entrypoints.cli import build_parser, main

pytestmark = pytest.mark.usefixtures("restored_logging")  # main() configures the root logger

FORGED = "PROCESSING_METRICS | Interview: x | Status: SUCCESS"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_", "WORKER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INTERVIEWS_LOG_FILE", str(tmp_path / "interviews.log"))
    monkeypatch.setenv("INTERVIEWS_SQLITE_PATH", str(tmp_path / "interviews.sqlite3"))


@pytest.mark.parametrize(
    "interview_id",
    [
        f"3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e\n{FORGED}",
        "not-a-uuid",
        "{3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e}",
        "3c7d1e9a2b4f4a6e8d0c5f1a2b3c4d5e",
        "",
    ],
)
def test_an_interview_id_that_is_not_a_uuid_is_a_usage_error_before_any_log_or_store(
    interview_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--mode", "single-interview", "--interview-id", interview_id])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--interview-id: must be a UUID" in err
    assert FORGED not in err  # the refused text is never repeated
    assert not (tmp_path / "interviews.log").exists()
    assert not (tmp_path / "interviews.sqlite3").exists()


def test_a_uuid_is_accepted_and_written_in_lower_case() -> None:
    args = build_parser().parse_args(
        ["--mode", "single-interview", "--interview-id", "3C7D1E9A-2B4F-4A6E-8D0C-5F1A2B3C4D5E"]
    )
    assert args.interview_id == "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


@pytest.mark.parametrize(
    ("given", "named"),
    [
        (["--interviewer", "spk_0"], [("spk_0",)]),
        (["--interviewer", "spk_0, spk_2,", "--interviewer", "spk_3"],
         [("spk_0", "spk_2"), ("spk_3",)]),
        (["--interviewer", "Interviewer 1"], [("Interviewer 1",)]),
    ],
)  # fmt: skip
def test_interviewers_are_named_by_repeating_or_comma_separating(
    given: list[str], named: list[tuple[str, ...]]
) -> None:
    args = build_parser().parse_args(["--mode", "single-video", "video.mp4", *given])
    assert args.interviewer == named


@pytest.mark.parametrize("label", ["", " , ", f"spk_0\n{FORGED}", "x" * 65])
def test_a_bad_interviewer_label_is_a_usage_error_that_does_not_repeat_it(
    label: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["--mode", "single-video", "v.mp4", "--interviewer", label])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--interviewer: " in err and FORGED not in err and "x" * 65 not in err


@pytest.mark.parametrize(
    ("argv", "refusal"),
    [
        (["--mode", "sqs", "video.mp4"], "a video PATH is for --mode single-video, not sqs"),
        (["--mode", "sqs", "--output-dir", "out"], "--output-dir is for --mode single-video"),
        (["--mode", "sqs", "--force"], "--force is for --mode single-interview, not sqs"),
        (
            ["--mode", "sqs", "--interview-id", "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"],
            "--interview-id is for --mode single-video or single-interview, not sqs",
        ),
        (
            ["--mode", "single-video", "v.mp4", "--output-dir", "o", "--idle-exit", "5"],
            "--idle-exit is for --mode sqs, not single-video",
        ),
        (
            [
                "--mode",
                "single-interview",
                "--interview-id",
                "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e",
                "--max-messages",
                "1",
            ],
            "--max-messages is for --mode sqs, not single-interview",
        ),  # fmt: skip
    ],
)
def test_an_option_of_another_mode_is_a_usage_error_not_ignored(
    argv: list[str], refusal: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)

    assert exited.value.code == 2
    assert f"ai-interviews: error: {refusal}" in capsys.readouterr().err
    assert not (tmp_path / "interviews.log").exists()
