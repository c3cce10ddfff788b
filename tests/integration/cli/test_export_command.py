"""`ai-interviews export` on the local preset: a stored, completed interview's subtitles and
chapters, to standard output or a file; refusals exit 1 with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.exports import render_export
from adapters.local.file_stage_store import LocalFileStageStore
from adapters.local.sqlite_repository import SqliteInterviewRepository
from adapters.transcripts import read_transcript
from entrypoints import operator
from interview_core.analysis import build_questions
from interview_core.entities import ExtractedQuestion, Interview
from tests.subtitle_checks import assert_fits, read_srt, read_vtt

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"
DONE = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"
PENDING = "5e4d3c2b-1a0f-4c8d-9e6a-4f2b9a1e7d3c"
FOUND = (
    ExtractedQuestion("Could you tell me about yourself?", "", "", "background", False, 2.5, 6.0),
    ExtractedQuestion("Why do you want this role?", "", "", "motivation", False, 20.0, 23.0),
)


def local_env(folder: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_", "WORKER_"))
    }
    env.update(
        INTERVIEWS_SQLITE_PATH=str(folder / "interviews.sqlite3"),
        INTERVIEWS_LOCAL_VIDEO_ROOT=str(folder),
        INTERVIEWS_LOG_FILE=str(folder / "interview_processing.log"),
    )
    return env


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A SQLite file holding a completed interview (its transcript kept beside it, as the
    worker keeps it) and a pending one."""
    repository = SqliteInterviewRepository(tmp_path / "interviews.sqlite3")
    repository.add(Interview(id=DONE, video_path="videos/done.mp4"))
    repository.add(Interview(id=PENDING, video_path="videos/pending.mp4"))
    repository.claim(DONE, "worker", 60)
    repository.replace_questions(DONE, build_questions(DONE, FOUND), owner="worker", generation=0)
    repository.mark_completed(DONE, "worker", len(FOUND), generation=0)
    stages = LocalFileStageStore(tmp_path / "interviews.sqlite3-stages")
    stages.save_transcript(DONE, 0, read_transcript(SAMPLE / "interview.transcript.json"))
    return tmp_path


def run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "export", *map(str, args)],
        capture_output=True, text=True, env=local_env(folder), cwd=folder, timeout=120,
        check=False, encoding="utf-8",
    )  # fmt: skip


def test_subtitles_to_standard_output_and_chapters_to_a_file(folder: Path) -> None:
    transcript = read_transcript(SAMPLE / "interview.transcript.json")
    questions = build_questions(DONE, FOUND)

    srt = run(folder, DONE, "--format", "srt")
    chapters = run(folder, DONE, "--format", "chapters", "--output", folder / "chapters.vtt")

    assert srt.returncode == 0, srt.stderr
    assert srt.stdout == render_export("srt", transcript, questions)
    cues = read_srt(srt.stdout)
    assert_fits(cues)
    assert cues[0].lines[0].lower() == "interviewer: thanks for joining us today."
    assert chapters.returncode == 0, chapters.stderr
    assert chapters.stdout == ""
    assert chapters.stderr.strip() == f"wrote {folder / 'chapters.vtt'}"
    written = read_vtt((folder / "chapters.vtt").read_text(encoding="utf-8"))
    assert [(c.start, c.end, c.lines) for c in written] == [
        (2.5, 20.0, ("Could you tell me about yourself? (background)",)),
        (20.0, transcript.duration, ("Why do you want this role? (motivation)",)),
    ]


@pytest.fixture
def in_process(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The operator's commands run in this process against `folder`'s SQLite file."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_", "WORKER_")):
            monkeypatch.delenv(name)
    for name, value in local_env(folder).items():
        monkeypatch.setenv(name, value)
    return folder


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_the_vtt_export_in_process_matches_its_renderer(
    in_process: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert operator.main(["export", DONE, "--format", "vtt"]) == 0

    text = capsysbinary.readouterr().out.decode("utf-8")
    assert text == render_export(
        "vtt", read_transcript(SAMPLE / "interview.transcript.json"), build_questions(DONE, FOUND)
    )
    assert (read_vtt(text)[0].voice or "").lower() == "interviewer"


@pytest.mark.parametrize(
    ("interview_id", "said"),
    [
        ("no-such-interview", "error: INTERVIEW_NOT_FOUND: interview no-such-interview does not"),
        (PENDING, f"error: NOT_COMPLETED: interview {PENDING} is pending, not completed"),
    ],
)
def test_an_unknown_or_unfinished_interview_exits_1(
    in_process: Path, capsys: pytest.CaptureFixture[str], interview_id: str, said: str
) -> None:
    assert operator.main(["export", interview_id, "--format", "srt"]) == 1
    assert one_error(capsys).startswith(said)


def test_a_completed_interview_whose_transcript_is_gone_exits_1(
    in_process: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    LocalFileStageStore(in_process / "interviews.sqlite3-stages").discard(DONE, 0)

    assert operator.main(["export", DONE, "--format", "chapters"]) == 1

    line = one_error(capsys)
    assert line.startswith(f"error: TRANSCRIPT_NOT_KEPT: interview {DONE}: the transcript of ")
    assert "`reprocess` makes a new one" in line


def test_a_stage_store_that_is_off_says_no_transcripts_are_kept(
    in_process: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWS_STAGE_STORE", "off")

    assert operator.main(["export", DONE, "--format", "srt"]) == 1
    assert "keeps no transcripts another process can read" in one_error(capsys)


def test_an_output_file_that_cannot_be_written_exits_1_and_leaves_nothing(
    in_process: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = in_process / "missing-folder" / "out.srt"

    assert operator.main(["export", DONE, "--format", "srt", "--output", str(target)]) == 1

    assert one_error(capsys).startswith(f"error: cannot write {target}: ")
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "argv",
    [["export", DONE], ["export", DONE, "--format", "ass"], ["export", "--format", "srt"]],
)
def test_a_missing_or_unknown_format_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        operator.build_parser().parse_args(argv)

    assert exited.value.code == 2
    assert "usage: ai-interviews export" in capsys.readouterr().err
