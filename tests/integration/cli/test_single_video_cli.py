"""`ai-interviews --mode single-video` end to end, as a user runs it, in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.media_factory import MediaFactory, run_ffmpeg
from tests.subtitle_checks import assert_fits, read_srt, read_vtt

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"
FIELDS = {
    "id", "question", "answer", "context", "question_context", "global", "start_time", "end_time"
}  # fmt: skip


def run_cli(*args: str | Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command with a clean environment and the log file in `tmp_path`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    environment.update(INTERVIEWS_LOG_FILE=str(tmp_path / "interview_processing.log"), **env)
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *map(str, args)],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )  # fmt: skip


def stub_run(video: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "out",
        tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="stub",
    )  # fmt: skip


def with_sidecar(video: Path, folder: Path, name: str) -> Path:
    """Copy the sample's sidecar transcript next to a video copied or converted as `name`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if video.suffix == target.suffix:
        shutil.copy(video, target)
    else:
        run_ffmpeg("-i", str(video), "-c", "copy", str(target))
    shutil.copy(SAMPLE / "interview.transcript.json", folder / f"{target.stem}.transcript.json")
    return target


def questions_in(folder: Path) -> list[dict[str, Any]]:
    data = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


@pytest.mark.parametrize("name", ["interview.mp4", "interview.mkv"])
def test_the_sample_gives_its_six_questions(tmp_path: Path, name: str) -> None:
    video = with_sidecar(SAMPLE / "interview.mp4", tmp_path / "in", name)

    done = stub_run(video, tmp_path)

    assert done.returncode == 0, done.stderr
    questions = questions_in(tmp_path / "out")
    script = json.loads((SAMPLE / "script.json").read_text(encoding="utf-8"))
    expected = [turn for turn in script["turns"] if turn.get("question")]
    assert len(questions) == len(expected) == 6
    for item in questions:
        assert set(item) == FIELDS
        assert uuid.UUID(item["id"]).version == 5
        assert item["start_time"] <= item["end_time"]
        assert item["answer"]
    assert len({item["id"] for item in questions}) == 6
    transcript = json.loads((tmp_path / "out" / "transcript.json").read_text(encoding="utf-8"))
    assert transcript["segments"]
    assert "6 questions" in done.stdout
    # the subtitles and the chapters beside them
    out = tmp_path / "out"
    subtitles = read_srt((out / "transcript.srt").read_text(encoding="utf-8"))
    assert_fits(subtitles)
    assert subtitles[0].lines[0].lower() == "interviewer: thanks for joining us today."
    assert len(read_vtt((out / "transcript.vtt").read_text(encoding="utf-8"))) == len(subtitles)
    chapters = read_vtt((out / "questions.vtt").read_text(encoding="utf-8"))
    assert [c.start for c in chapters] == [round(item["start_time"], 3) for item in questions]
    assert chapters[-1].end == transcript["duration"]
    assert "questions.vtt" in done.stdout
    assert "PROCESSING_METRICS | Interview: " in (tmp_path / "interview_processing.log").read_text()
    review = tmp_path / "out" / "review.html"
    assert f"review page: {review}" in done.stdout
    page = review.read_text(encoding="utf-8")
    assert f'"video": "../in/{name}"' in page
    assert page.count("<script") == 2 and "https://" not in page


def test_a_rerun_gives_the_same_question_ids(tmp_path: Path) -> None:
    video = with_sidecar(SAMPLE / "interview.mp4", tmp_path / "in", "interview.mp4")
    assert stub_run(video, tmp_path).returncode == 0
    first = [q["id"] for q in questions_in(tmp_path / "out")]
    assert stub_run(video, tmp_path).returncode == 0
    assert [q["id"] for q in questions_in(tmp_path / "out")] == first


def test_the_default_hears_the_questions_in_the_audio(tmp_path: Path) -> None:
    """No sidecar beside the video: the offline recogniser must hear the questions."""
    video = tmp_path / "in" / "interview.mp4"
    video.parent.mkdir()
    shutil.copy(SAMPLE / "interview.mp4", video)

    done = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "out", tmp_path=tmp_path
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    questions = questions_in(tmp_path / "out")
    assert len(questions) >= 5
    assert any("work here" in q["question"].lower() for q in questions)


def _bad_inputs(media: MediaFactory, folder: Path) -> dict[str, tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    text = folder / "notes.mp4"
    text.write_text("these are meeting notes, not a video\n" * 50)
    playlist = folder / "playlist.mkv"
    (folder / "segment0.ts").write_bytes(b"\x47" * 188)
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nsegment0.ts\n#EXT-X-ENDLIST\n"
    )
    return {
        "missing file": (folder / "nowhere.mp4", "VIDEO_NOT_FOUND"),
        "text renamed .mp4": (text, "INVALID_MEDIA"),
        "video without audio": (media.no_audio_mp4, "NO_AUDIO_TRACK"),
        "truncated mp4": (media.truncated(media.faststart_mp4, "cut.mp4"), "INVALID_MEDIA"),
        "HLS playlist renamed .mkv": (playlist, "INVALID_MEDIA"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "text renamed .mp4",
        "video without audio",
        "truncated mp4",
        "HLS playlist renamed .mkv",
    ],
)
def test_bad_inputs_give_one_typed_line_and_a_failure_exit(
    tmp_path: Path, media: MediaFactory, case: str
) -> None:
    video, code = _bad_inputs(media, tmp_path / "bad")[case]

    done = stub_run(video, tmp_path)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"error: {code}: ")
    assert not (tmp_path / "out" / "questions.json").exists()
    assert code in (tmp_path / "interview_processing.log").read_text()


def test_a_missing_argument_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("--mode", "single-video", tmp_path=tmp_path)
    assert done.returncode == 2
    assert "single-video needs a video PATH and --output-dir" in done.stderr


def test_an_invalid_setting_is_named(tmp_path: Path) -> None:
    done = run_cli(
        "--mode", "single-video", SAMPLE / "interview.mp4", "--output-dir", tmp_path,
        tmp_path=tmp_path, INTERVIEWS_TRANSCRIBER="magic",
    )  # fmt: skip
    assert done.returncode == 2
    assert "INTERVIEWS_TRANSCRIBER" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_model_names_the_setting(tmp_path: Path) -> None:
    done = run_cli(
        "--mode", "single-video", SAMPLE / "interview.mp4", "--output-dir", tmp_path / "out",
        tmp_path=tmp_path, INTERVIEWS_WHISPER_MODEL=str(tmp_path / "no-such-model"),
    )  # fmt: skip
    assert done.returncode == 2  # the deployment's fault, not the video's
    assert done.stderr.startswith("error: TOOL_MISSING: ")
    assert "INTERVIEWS_WHISPER_MODEL" in done.stderr
