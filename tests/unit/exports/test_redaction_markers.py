"""Redaction markers reach the exports and the review page as plain text, whole and unchanged."""

from __future__ import annotations

import json
import re

import pytest

from adapters.exports import EXPORT_FORMATS, render_export
from adapters.review_page import ReviewPage, render_review_page
from interview_core.entities import Question, Segment, Transcript, Word

SAID = (
    "Sure, my e-mail is [PII:EMAIL], my phone [PII:PHONE], and the routing number you asked "
    "about for the payroll form is [PII:BANK_ROUTING], and my site is [PII:URL]."
)
MARKERS = ("[PII:EMAIL]", "[PII:PHONE]", "[PII:BANK_ROUTING]", "[PII:URL]")


def words(text: str, start: float) -> tuple[Word, ...]:
    return tuple(
        Word(t, start + n * 0.4, start + n * 0.4 + 0.3) for n, t in enumerate(text.split())
    )


TRANSCRIPT = Transcript(
    segments=(
        Segment(
            "How can we reach you, [PII:NAME]?",
            0.0,
            3.0,
            "spk_0",
            words("How can we reach you, [PII:NAME]?", 0.0),
        ),
        Segment(SAID, 3.0, 15.0, "spk_1", words(SAID, 3.0)),
    ),
    language="en",
    duration=16.0,
)
QUESTION = Question(
    id="q0",
    interview_id="i1",
    position=0,
    question="How can we reach you, [PII:NAME]?",
    answer="At [PII:EMAIL], any weekday.",
    context="",
    question_context="personal",
    is_global=False,
    start_time=0.0,
    end_time=3.0,
)


@pytest.mark.parametrize("kind", ["srt", "vtt"])
def test_subtitles_show_every_marker_whole(kind: str) -> None:
    text = render_export(kind, TRANSCRIPT, [QUESTION])

    for marker in (*MARKERS, "[PII:NAME]"):
        assert marker in text  # never split over two lines, escaped or dropped
    assert "&lt;" not in text and "&amp;" not in text


def test_chapters_show_the_marker_in_the_question() -> None:
    text = render_export("chapters", TRANSCRIPT, [QUESTION])

    assert "How can we reach you, [PII:NAME]? (personal)" in text


def test_every_export_format_is_covered() -> None:
    assert set(EXPORT_FORMATS) == {"srt", "vtt", "chapters"}


def test_the_review_page_carries_markers_as_text_data() -> None:
    html = render_review_page(ReviewPage([QUESTION], TRANSCRIPT, None))

    match = re.search(
        r'<script type="application/json" id="review-data">(.*?)</script>', html, re.S
    )
    assert match is not None
    data = json.loads(match.group(1))
    assert data["questions"][0]["question"] == "How can we reach you, [PII:NAME]?"
    assert data["questions"][0]["answer"] == "At [PII:EMAIL], any weekday."
    assert data["segments"][1][3] == SAID
    # the page's script sets it with textContent: no markup anywhere else holds a marker
    outside = html.replace(match.group(0), "")
    assert "[PII:" not in outside


def test_the_review_pages_script_never_parses_data_as_markup() -> None:
    html = render_review_page(ReviewPage([QUESTION], TRANSCRIPT, None))

    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in html
