"""The review page renderer: the data it embeds, how it escapes it, and empty inputs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from adapters.review_page import ReviewPage, render_review_page, video_url_from
from adapters.review_page.page import page_data_json
from interview_core.entities import Question, Segment, Transcript

HOSTILE = 'Ends here </script><script>alert("x")</script> & <!-- <b>bold</b>'


def question(position: int, text: str = "Why here?", start: float | None = 2.0) -> Question:
    return Question(
        id=f"q{position}",
        interview_id="i1",
        position=position,
        question=text,
        answer="Because.",
        context="",
        question_context="motivation",
        is_global=True,
        start_time=start,
        end_time=None if start is None else start + 1.5,
    )


TRANSCRIPT = Transcript(
    segments=(
        Segment("Why here?", 2.0, 3.5, "spk_0"),
        Segment("Because.", 4.0, 5.0, "spk_1"),
    ),
    language="en",
    duration=6.0,
)


def embedded(html: str) -> dict[str, object]:
    match = re.search(
        r'<script type="application/json" id="review-data">(.*?)</script>', html, re.S
    )
    assert match is not None
    return json.loads(match.group(1))


def test_the_data_is_embedded_as_json_the_page_reads() -> None:
    page = ReviewPage([question(1, "Second?", 9.0), question(0)], TRANSCRIPT, "interview.mp4")
    data = embedded(render_review_page(page))
    assert data["video"] == "interview.mp4"
    assert data["duration"] == 6.0
    assert [q["question"] for q in data["questions"]] == ["Why here?", "Second?"]  # type: ignore[index]
    assert data["questions"][0] == {  # type: ignore[index]
        "question": "Why here?",
        "answer": "Because.",
        "category": "motivation",
        "generic": True,
        "start": 2.0,
        "end": 3.5,
    }
    assert data["segments"] == [[2.0, 3.5, "spk_0", "Why here?"], [4.0, 5.0, "spk_1", "Because."]]


def test_hostile_text_cannot_close_the_data_block_or_open_markup() -> None:
    transcript = Transcript(segments=(Segment(HOSTILE, 0.0, 1.0, "</script>"),))
    page = ReviewPage([question(0, HOSTILE)], transcript, "a.mp4", title=HOSTILE, note=HOSTILE)
    html = render_review_page(page)
    # only our own two scripts: the data block and the page's script
    assert html.count("<script") == 2
    assert html.count("</script>") == 2
    assert "<b>" not in html
    assert "<!--" not in html
    data = embedded(html)
    assert data["segments"][0][3] == HOSTILE  # type: ignore[index]
    assert data["title"] == HOSTILE
    assert "<title>Ends here &lt;/script&gt;" in html


def test_the_json_escapes_angle_brackets_and_ampersands() -> None:
    page = ReviewPage([], Transcript(segments=(Segment("a<b>&c", 0.0, 1.0),)), None)
    text = page_data_json(page)
    assert "\\u003cb\\u003e\\u0026c" in text
    assert not set("<>&") & set(text)


def test_no_questions_no_segments_and_no_video_still_render() -> None:
    data = embedded(render_review_page(ReviewPage([], Transcript(segments=()), None)))
    assert data["questions"] == []
    assert data["segments"] == []
    assert data["video"] is None
    assert data["duration"] is None


def test_a_question_without_a_time_keeps_none() -> None:
    data = embedded(render_review_page(ReviewPage([question(0, start=None)], TRANSCRIPT, None)))
    assert data["questions"][0]["start"] is None  # type: ignore[index]


def test_segments_are_put_in_time_order() -> None:
    transcript = Transcript(segments=(Segment("later", 5.0, 6.0), Segment("first", 1.0, 2.0)))
    data = embedded(render_review_page(ReviewPage([], transcript, None)))
    assert [s[3] for s in data["segments"]] == ["first", "later"]  # type: ignore[union-attr]


def test_a_time_that_is_not_finite_is_refused() -> None:
    transcript = Transcript(segments=(Segment("x", 0.0, float("inf")),))
    with pytest.raises(ValueError, match="not finite"):
        render_review_page(ReviewPage([], transcript, None))


def test_only_known_speaker_roles_are_kept() -> None:
    roles = {"spk_0": "Interviewer", "spk_1": "candidate", "spk_2": "<script>", "spk_3": "boss"}
    data = embedded(render_review_page(ReviewPage([], TRANSCRIPT, None, speaker_roles=roles)))
    assert data["speakerRoles"] == {"spk_0": "interviewer", "spk_1": "candidate"}


def test_roles_the_transcript_carries_are_used() -> None:
    class WithRoles:
        segments = TRANSCRIPT.segments
        duration = 6.0
        language = "en"
        speaker_roles = (("spk_0", "interviewer"),)

    data = embedded(render_review_page(ReviewPage([], WithRoles(), None)))  # type: ignore[arg-type]
    assert data["speakerRoles"] == {"spk_0": "interviewer"}


def test_the_page_loads_nothing_and_allows_only_its_own_script() -> None:
    html = render_review_page(ReviewPage([question(0)], TRANSCRIPT, "v.mp4"))
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "@import" not in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy.group(1)
    assert "default-src 'none'" in policy.group(1)


@pytest.mark.parametrize("name", ["review.js", "review.css"])
def test_the_inlined_assets_cannot_end_their_element(name: str) -> None:
    text = (Path(__file__).parents[3] / "src/adapters/review_page" / name).read_text()
    assert "</script" not in text.lower()
    assert "</style" not in text.lower()
    assert "@@" not in text


def test_a_video_url_is_relative_to_the_page_and_percent_encoded(tmp_path: Path) -> None:
    video = tmp_path / "videos" / "my #1 interview?.mp4"
    out = tmp_path / "out" / "demo"
    assert video_url_from(video, out) == "../../videos/my%20%231%20interview%3F.mp4"
    assert video_url_from(out / "v.mp4", out) == "v.mp4"


def policy_of(html: str) -> str:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_a_video_on_a_local_http_endpoint_is_allowed_by_its_origin_only() -> None:
    url = "http://127.0.0.1:5000/bucket/videos/a.mp4?X-Amz-Signature=abc&X-Amz-Expires=60"
    policy = policy_of(render_review_page(ReviewPage([], TRANSCRIPT, url)))
    assert "media-src 'self' file: https: http://127.0.0.1:5000;" in policy


@pytest.mark.parametrize(
    "url", ["http://evil.example; script-src *@x/a.mp4", "http://a b/c.mp4", "videos/a.mp4"]
)
def test_no_other_origin_enters_the_policy(url: str) -> None:
    policy = policy_of(render_review_page(ReviewPage([], TRANSCRIPT, url)))
    assert "media-src 'self' file: https:;" in policy
    assert policy.count("script-src") == 1
