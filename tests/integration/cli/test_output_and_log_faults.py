"""Faults of the output folder and the log file: one line and exit 2, and nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli.test_single_video_cli import SAMPLE, run_cli, with_sidecar

OUTPUTS = (
    "questions.json", "transcript.json", "review.html",
    "transcript.srt", "transcript.vtt", "questions.vtt",
)  # fmt: skip


def stub_video(tmp_path: Path) -> Path:
    return with_sidecar(SAMPLE / "interview.mp4", tmp_path / "in", "interview.mp4")


def single_video(
    video: Path, output: Path | str, tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "--mode", "single-video", video, "--output-dir", output,
        tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub", **env,
    )  # fmt: skip


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert lines, done
    assert "Traceback" not in done.stderr
    return lines[-1]


@pytest.mark.parametrize("inside", ["", "sub"])
def test_an_output_folder_that_is_a_file_is_refused_before_any_work(
    tmp_path: Path, inside: str
) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("mine\n")

    done = single_video(stub_video(tmp_path), blocker / inside, tmp_path)

    assert done.returncode == 2
    assert last_line(done).startswith(f"error: cannot write in --output-dir {blocker / inside}")
    assert "not a folder" in last_line(done)
    assert blocker.read_text() == "mine\n"
    assert "PROCESSING_METRICS" not in (tmp_path / "interview_processing.log").read_text()


def test_an_empty_output_folder_or_video_path_is_a_usage_error(tmp_path: Path) -> None:
    empty_output = single_video(stub_video(tmp_path), "", tmp_path)
    empty_video = run_cli(
        "--mode", "single-video", "", "--output-dir", tmp_path / "out", tmp_path=tmp_path
    )  # fmt: skip

    for done in (empty_output, empty_video):
        assert done.returncode == 2
        assert "must not be empty" in last_line(done)
    assert not any(Path(name).exists() for name in OUTPUTS)
    assert not (tmp_path / "out").exists()


def test_a_folder_where_one_result_goes_replaces_none_of_the_earlier_results(
    tmp_path: Path,
) -> None:
    video = stub_video(tmp_path)
    output = tmp_path / "out"
    output.mkdir()
    for name in OUTPUTS:
        (output / name).write_text(f"earlier {name}\n")
    (output / "review.html").unlink()
    (output / "review.html").mkdir()

    done = single_video(video, output, tmp_path)

    assert done.returncode == 2
    assert last_line(done).startswith(f"error: cannot write the results in {output}: ")
    assert "no earlier result there was replaced" in last_line(done)
    for name in OUTPUTS:
        if name != "review.html":
            assert (output / name).read_text() == f"earlier {name}\n"
    assert sorted(path.name for path in output.iterdir()) == sorted(OUTPUTS)


def test_results_take_the_users_umask(tmp_path: Path) -> None:
    video = stub_video(tmp_path)
    code = (
        "import os, sys; os.umask(0o022); from entrypoints.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    environment.update(INTERVIEWS_TRANSCRIBER="stub", INTERVIEWS_LOG_FILE="")
    done = subprocess.run(
        [sys.executable, "-c", code, "--mode", "single-video", str(video),
         "--output-dir", str(tmp_path / "out")],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o644, name


def test_a_named_log_file_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    video = stub_video(tmp_path)

    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    environment.update(INTERVIEWS_TRANSCRIBER="stub", INTERVIEWS_LOG_FILE=str(tmp_path))
    by_setting = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "--mode", "single-video", str(video),
         "--output-dir", str(tmp_path / "out")],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )  # fmt: skip
    by_option = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "out",
        "--log-file", tmp_path, tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub",
    )  # fmt: skip

    for done in (by_setting, by_option):
        assert done.returncode == 2
        assert last_line(done).startswith("error: cannot write the log file: ")
    assert not (tmp_path / "out").exists()


def test_the_default_log_file_in_a_folder_that_cannot_be_written_is_left_out(
    tmp_path: Path,
) -> None:
    video = stub_video(tmp_path)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    environment.update(INTERVIEWS_TRANSCRIBER="stub")
    # A folder where the default file name is taken by a folder cannot hold the log file,
    # even for root, as a read-only folder would refuse it to anyone else.
    here = tmp_path / "here"
    (here / "interview_processing.log").mkdir(parents=True)

    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "--mode", "single-video", str(video),
         "--output-dir", str(tmp_path / "out")],
        capture_output=True, text=True, env=environment, cwd=here, timeout=300, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "logging to standard error only: cannot write interview_processing.log" in done.stderr
    assert len(list((tmp_path / "out").iterdir())) == len(OUTPUTS)


def test_an_unknown_log_level_is_an_invalid_setting(tmp_path: Path) -> None:
    done = single_video(
        stub_video(tmp_path), tmp_path / "out", tmp_path, INTERVIEWS_LOG_LEVEL="loud"
    )

    assert done.returncode == 2
    assert last_line(done).startswith("error: invalid settings: INTERVIEWS_LOG_LEVEL: ")
    assert "DEBUG, INFO, WARNING, ERROR, CRITICAL" in last_line(done)
