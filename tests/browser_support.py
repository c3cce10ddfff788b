"""Chromium for the review page's tests, benchmark and screenshot: the system's, driven by
Playwright, with a fresh profile and nothing that reaches the network on its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "samples" / "interview"


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[browser]' (make test-browser)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium"
    return None


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system Chromium, headless, in a fresh temporary profile (Playwright's own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def sample_review_page(folder: Path) -> Path:
    """Run `ai-interviews --mode single-video` on a copy of the bundled sample (its
    transcript from the sidecar) and return the review.html it wrote into `folder/out`."""
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / "interview.mp4"
    shutil.copy(SAMPLE / "interview.mp4", video)
    shutil.copy(SAMPLE / "interview.transcript.json", folder / "interview.transcript.json")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    environment.update(
        INTERVIEWS_TRANSCRIBER="stub", INTERVIEWS_LOG_FILE=str(folder / "processing.log")
    )
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "--mode", "single-video", str(video)]
        + ["--output-dir", str(folder / "out")],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"single-video failed: {done.stderr[-2000:]}")
    return folder / "out" / "review.html"


def page_data(html_file: Path) -> dict[str, Any]:
    """The data a review page embeds."""
    text = html_file.read_text(encoding="utf-8")
    start = text.index('id="review-data">') + len('id="review-data">')
    data = json.loads(text[start : text.index("</script>", start)])
    assert isinstance(data, dict)
    return data


def long_interview(
    hours: float = 4.0, question_count: int = 200, segment_count: int = 3000
) -> tuple[list[Any], Any]:
    """Questions and a transcript as long as a four-hour interview: segments spread evenly,
    two speakers taking turns, a question every few minutes, some lines without spaces."""
    from interview_core.entities import Question, Segment, Transcript

    length = hours * 3600
    step = length / segment_count
    segments = []
    for index in range(segment_count):
        speaker = "spk_0" if index % 3 == 0 else "spk_1"
        text = (
            f"Line {index}: could you tell me more about project number {index}?"
            if speaker == "spk_0"
            else f"Line {index}: 我们在第{index}个项目里一起解决了这个问题。 then we shipped it."
        )
        start, end = round(index * step, 3), round((index + 0.9) * step, 3)
        segments.append(Segment(text, start, end, speaker))
    questions = [
        Question(
            id=f"q{position}",
            interview_id="long",
            position=position,
            question=f"Question {position}: how did project {position * 15} go?",
            answer=f"It went well; we measured twice and shipped project {position * 15}. " * 3,
            context="",
            question_context=("technical", "behavioral", "motivation")[position % 3],
            is_global=position % 2 == 0,
            start_time=round(position * 15 * step, 3),
            end_time=round((position * 15 + 0.9) * step, 3),
        )
        for position in range(question_count)
    ]
    return questions, Transcript(segments=tuple(segments), language="en", duration=length)
