"""`ai-interviews review ID` on the local preset: a processed interview's page, and refusals."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from interview_core.entities import Interview
from tests.integration.cli.test_operator_commands_sqlite import SAMPLE, LocalStack


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalStack, str, str]:
    """One interview submitted and processed by the worker: the stack, its id and video."""
    stack = LocalStack(tmp_path_factory.mktemp("review"))
    submitted = stack.run("submit", SAMPLE / "interview.mp4", "--user-id", str(uuid.uuid4()))
    assert submitted.returncode == 0, submitted.stderr
    interview_id = submitted.stdout.strip()
    worker = stack.run("--mode", "sqs", "--idle-exit", "2")
    assert worker.returncode == 0, worker.stderr
    video_path = stack.json("status", interview_id)["video_path"]
    return stack, interview_id, video_path


def embedded(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    start = text.index('id="review-data">') + len('id="review-data">')
    return json.loads(text[start : text.index("</script>", start)])


def test_review_writes_the_page_with_the_video_relative_to_it(processed) -> None:
    stack, interview_id, video_path = processed

    done = stack.run("review", interview_id)

    assert done.returncode == 0, done.stderr
    page = stack.folder / f"review-{interview_id}.html"
    assert f"wrote review-{interview_id}.html: 6 questions, " in done.stdout
    data = embedded(page)
    assert data["video"] == f"videos-root/{video_path}"
    assert (page.parent / data["video"]).is_file()
    assert len(data["questions"]) == 6
    assert data["segments"] and data["note"] is None
    assert data["title"] == f"Interview {interview_id}"


def test_review_output_in_another_folder_and_a_moved_video(processed, tmp_path) -> None:
    stack, interview_id, video_path = processed
    target = stack.folder / "pages" / "one.html"

    done = stack.run("review", interview_id, "--output", target)
    assert done.returncode == 0, done.stderr
    assert embedded(target)["video"] == f"../videos-root/{video_path}"

    video = stack.videos / video_path
    shutil.move(video, tmp_path / "moved.mp4")
    try:
        again = stack.run("review", interview_id, "--output", stack.folder / "pages")
    finally:
        shutil.move(tmp_path / "moved.mp4", video)
    assert again.returncode == 0, again.stderr
    assert "warning: there is no video at" in again.stdout
    assert (stack.folder / "pages" / f"review-{interview_id}.html").is_file()


def test_review_of_an_unknown_or_unfinished_interview_exits_1(processed) -> None:
    stack, _, _ = processed
    stack.repository().add(Interview(id="iv-pending", video_path="videos/v.mp4"))

    unknown = stack.run("review", "0b8e2a9c-1d4f-4f7a-9c3e-2a1b5c6d7e8f")
    pending = stack.run("review", "iv-pending")

    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: INTERVIEW_NOT_FOUND")
    assert pending.returncode == 1
    assert pending.stderr.startswith("error: NOT_COMPLETED: interview iv-pending is pending")
    assert not list(stack.folder.glob("review-*iv-pending*"))


def test_a_link_lifetime_out_of_range_is_a_usage_error(processed) -> None:
    stack, interview_id, _ = processed
    done = stack.run("review", interview_id, "--url-lifetime", "8d")
    assert done.returncode == 2
    assert "--url-lifetime: must be from 1 second to 7 days" in done.stderr
