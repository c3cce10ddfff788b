"""Who the interviewer is, as a user sees and changes it: transcript.json and --interviewer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.cli.test_single_video_cli import SAMPLE, run_cli, with_sidecar


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_roles_are_written_and_a_rerun_on_the_transcript_can_swap_them(tmp_path: Path) -> None:
    video = with_sidecar(SAMPLE / "interview.mp4", tmp_path / "in", "interview.mp4")
    first = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "first",
        tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    written = read(tmp_path / "first" / "transcript.json")
    assert written["speaker_roles"] == {"interviewer": "interviewer", "candidate": "candidate"}
    assert len(read(tmp_path / "first" / "questions.json")) == 6
    assert "speakers: candidate, interviewer (--interviewer" in first.stdout

    swapped = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "swapped",
        "--interviewer", "candidate", tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_STUB_TRANSCRIPT=str(tmp_path / "first" / "transcript.json"),
    )  # fmt: skip
    assert swapped.returncode == 0, swapped.stderr
    roles = read(tmp_path / "swapped" / "transcript.json")["speaker_roles"]
    assert roles == {"interviewer": "candidate", "candidate": "interviewer"}
    page = (tmp_path / "swapped" / "review.html").read_text(encoding="utf-8")
    assert '"speakerRoles": {"interviewer": "candidate", "candidate": "interviewer"}' in page
    asked = [item["question"] for item in read(tmp_path / "swapped" / "questions.json")]
    assert asked == ["Yes, I would like to hear how the team decides what to build next."]


def test_an_unknown_speaker_fails_naming_the_speakers_there_are(tmp_path: Path) -> None:
    video = with_sidecar(SAMPLE / "interview.mp4", tmp_path / "in", "interview.mp4")
    done = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "out",
        tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_INTERVIEWER_SPEAKERS="spk_0, interviewer",
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: UNKNOWN_SPEAKER: no speaker spk_0 in this transcript to take as the "
        "interviewer: its speakers are interviewer, candidate"
    )
    assert not (tmp_path / "out" / "questions.json").exists()


def test_naming_every_speaker_an_interviewer_says_that_no_one_answers(tmp_path: Path) -> None:
    video = with_sidecar(SAMPLE / "interview.mp4", tmp_path / "in", "interview.mp4")

    done = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "out",
        "--interviewer", "interviewer,candidate", tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert (
        "speakers: candidate interviewer, interviewer; none is the candidate, so no question "
        "has an answer (--interviewer SPEAKER changes who asked)"
    ) in done.stdout
    assert all(not item["answer"] for item in read(tmp_path / "out" / "questions.json"))
