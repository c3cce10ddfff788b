"""The review page in a real Chromium, from file://, checked as a person uses it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.review_page import ReviewPage, render_review_page, video_url_from
from interview_core.entities import Question, Segment, Transcript
from tests.browser_support import SAMPLE, long_interview, page_data

pytestmark = pytest.mark.browser

HOSTILE = (
    'Hi </script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    " &amp; <b>not bold</b>"
)
MISSING_FILE = "ERR_FILE_NOT_FOUND"


def video_state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "() => { const v = document.getElementById('video');"
        " return {time: v.currentTime, paused: v.paused, ready: v.readyState}; }"
    )


def wait_until_playable(page: Any) -> None:
    page.wait_for_function("() => document.getElementById('video').readyState >= 1")


def visible_count(page: Any, selector: str) -> int:
    return page.locator(f"{selector}:visible").count()


def in_view(line: Any, container: Any) -> bool:
    """Whether `line` is wholly inside what `container` shows."""
    inner, outer = line.bounding_box(), container.bounding_box()
    return outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"]


def write_page(folder: Path, page: ReviewPage) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "review.html"
    path.write_text(render_review_page(page), encoding="utf-8")
    return path


def test_every_question_is_listed_and_marked_on_the_timeline(open_page, sample_page) -> None:
    questions = page_data(sample_page)["questions"]
    assert len(questions) >= 3
    page = open_page(sample_page).page
    items = page.locator("#question-list > li")
    assert items.count() == len(questions)
    for index, question in enumerate(questions):
        assert question["question"] in items.nth(index).inner_text()
    markers = page.locator("#markers .marker")
    assert markers.count() == sum(q["start"] is not None for q in questions)
    lefts = [markers.nth(i).bounding_box()["x"] for i in range(markers.count())]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)


def test_clicking_the_third_question_plays_from_its_start(open_page, sample_page) -> None:
    start = page_data(sample_page)["questions"][2]["start"]
    page = open_page(sample_page).page
    wait_until_playable(page)
    page.locator("#question-list > li").nth(2).locator(".q-play").click()
    page.wait_for_function("() => !document.getElementById('video').paused")
    state = video_state(page)
    assert abs(state["time"] - start) < 0.5
    page.wait_for_function(f"() => document.getElementById('video').currentTime > {start + 0.2}")


def test_l_moves_ten_seconds_and_j_back(open_page, sample_page) -> None:
    page = open_page(sample_page).page
    wait_until_playable(page)
    page.evaluate("document.getElementById('video').currentTime = 20")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("l")
    assert abs(video_state(page)["time"] - 30) < 0.3
    page.keyboard.press("j")
    page.keyboard.press("ArrowLeft")
    assert abs(video_state(page)["time"] - 15) < 0.3
    page.keyboard.press("k")
    page.wait_for_function("() => !document.getElementById('video').paused")
    page.keyboard.press("k")
    assert video_state(page)["paused"]


def test_search_narrows_questions_and_transcript(open_page, sample_page) -> None:
    data = page_data(sample_page)
    page = open_page(sample_page).page
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("thread")
    page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
    shown = page.locator("#question-list > li:visible")
    assert 0 < shown.count() < len(data["questions"])
    for index in range(shown.count()):
        assert "thread" in shown.nth(index).inner_text().lower()
    lines = page.locator("#transcript-list > li:visible")
    expected = sum("thread" in s[3].lower() for s in data["segments"])
    assert lines.count() == expected > 0
    assert page.locator("#transcript-list mark").first.inner_text().lower() == "thread"
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.getElementById('search-status').textContent === ''")
    assert visible_count(page, "#question-list > li") == len(data["questions"])
    assert visible_count(page, "#transcript-list > li") == len(data["segments"])


def test_the_transcript_highlight_follows_the_video(open_page, sample_page) -> None:
    segments = page_data(sample_page)["segments"]
    page = open_page(sample_page).page
    wait_until_playable(page)
    for index in (4, len(segments) - 2, 1):
        page.evaluate(f"document.getElementById('video').currentTime = {segments[index][0] + 0.1}")
        page.wait_for_function(
            "() => document.querySelector('#transcript-list li.current')?.dataset.index === "
            f"'{index}'"
        )
        assert page.locator("#transcript-list li[aria-current='true']").count() == 1


def test_clicking_a_transcript_line_seeks_there(open_page, sample_page) -> None:
    segments = page_data(sample_page)["segments"]
    page = open_page(sample_page).page
    wait_until_playable(page)
    page.locator("#transcript-list > li").nth(5).locator(".seg-text").click()
    assert abs(video_state(page)["time"] - segments[5][0]) < 0.5


def test_a_link_to_a_moment_opens_there_and_can_be_copied(open_page, sample_page) -> None:
    page = open_page(sample_page, fragment="#t=40").page
    page.wait_for_function("() => Math.abs(document.getElementById('video').currentTime - 40) < 1")
    assert page.locator("#clock").inner_text().startswith("0:40")
    page.evaluate("document.getElementById('video').currentTime = 52.4")
    page.locator("#copy-link").click()
    page.wait_for_function("() => location.hash === '#t=52'")
    assert "#t=52" in page.locator("#search-status").inner_text()


def test_the_shortcut_list_opens_with_a_question_mark(open_page, sample_page) -> None:
    page = open_page(sample_page).page
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Shift+?")
    assert page.locator("#keys").is_visible()
    assert "Play or pause" in page.locator("#keys").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#keys").is_visible()


def test_hostile_transcript_text_shows_as_text_and_runs_nothing(open_page, tmp_path) -> None:
    transcript = Transcript(segments=(Segment(HOSTILE, 0.0, 2.0, HOSTILE),), duration=70.0)
    question = Question("q", "i", 0, HOSTILE, HOSTILE, "", "</details>", False, 1.0, 2.0)
    video = tmp_path / "interview.mp4"
    video.write_bytes((SAMPLE / "interview.mp4").read_bytes())
    html = write_page(
        tmp_path, ReviewPage([question], transcript, "interview.mp4", title=HOSTILE, note=HOSTILE)
    )
    page = open_page(html).page
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("document.scripts.length") == 2
    assert page.locator("img, b").count() == 0
    assert page.locator("#transcript-list .seg-text").inner_text() == HOSTILE
    assert HOSTILE in page.locator("#question-list .q-text").inner_text()
    assert page.title() == HOSTILE
    assert page.locator("#note").inner_text() == HOSTILE


def test_a_missing_video_is_reported_and_the_rest_still_works(open_page, tmp_path) -> None:
    data = json.loads((SAMPLE / "interview.transcript.json").read_text(encoding="utf-8"))
    rows = data["segments"]
    segments = tuple(Segment(s["text"], s["start"], s["end"], s["speaker"]) for s in rows)
    transcript = Transcript(segments=segments, duration=data["duration"])
    question = Question("q", "i", 0, "Why here?", "Because.", "", "motivation", True, 18.7, 20.5)
    html = write_page(tmp_path, ReviewPage([question], transcript, "moved/interview.mp4"))
    opened = open_page(html, expected_errors=(MISSING_FILE,))
    page = opened.page
    problem = page.locator("#video-problem")
    problem.wait_for(state="visible")
    assert "could not be played" in problem.inner_text()
    assert "moved/interview.mp4" in problem.inner_text()
    assert page.locator("#question-list > li").count() == 1
    assert page.locator("#transcript-list > li").count() == len(transcript.segments)
    page.locator("#question-list .q-play").click()  # still finds the moment in the transcript
    assert page.locator("#transcript-list li.current .seg-text").inner_text().startswith("Why")


def test_no_questions_and_no_segments_say_so(open_page, tmp_path) -> None:
    html = write_page(tmp_path, ReviewPage([], Transcript(segments=()), None))
    page = open_page(html).page
    assert page.locator("#no-questions").is_visible()
    assert page.locator("#no-segments").is_visible()
    assert "no video" in page.locator("#video-problem").inner_text()


def test_a_four_hour_interview_renders_every_line_and_seeks_late(open_page, tmp_path) -> None:
    questions, transcript = long_interview()
    html = write_page(tmp_path, ReviewPage(questions, transcript, None))
    page = open_page(html).page
    page.wait_for_selector("html[data-transcript='complete']")
    assert page.locator("#transcript-list > li").count() == 3000
    assert page.locator("#markers .marker").count() == 200
    page.locator("#question-list > li").nth(190).locator(".q-play").click()
    current = page.locator("#transcript-list li.current")
    assert current.get_attribute("data-index") == "2850"
    assert in_view(current, page.locator("#transcript-list"))
    page.locator("#question-list > li").nth(3).locator(".q-play").click()
    assert in_view(page.locator("#transcript-list li.current"), page.locator("#transcript-list"))
    page.locator("#search").fill("第2999个")
    page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
    assert visible_count(page, "#transcript-list > li") == 1


def test_on_a_phone_nothing_overflows_sideways(open_page, sample_page) -> None:
    page = open_page(sample_page, viewport={"width": 360, "height": 740}).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#question-list").bounding_box()["width"] > 300


def test_printing_gives_the_questions_and_their_answers(open_page, sample_page) -> None:
    page = open_page(sample_page).page
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not page.locator("video").is_visible()
    assert not page.locator("#transcript-list").is_visible()
    answers = page.locator("#question-list details p")
    assert answers.count() > 0
    assert all(answers.nth(i).is_visible() for i in range(answers.count()))


def test_every_control_is_reachable_by_keyboard_and_labelled(open_page, sample_page) -> None:
    page = open_page(sample_page).page
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert {"search", "copy-link", "show-keys", "timeline", "q-play", "seg-time"} <= reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('button, input, [role=slider]')]"
        ".filter(e => !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim()))"
        ".length"
    )
    assert unlabelled == 0


def test_the_video_path_written_by_single_video_is_relative(sample_page) -> None:
    assert page_data(sample_page)["video"] == "../interview.mp4"
    assert video_url_from(sample_page.parent.parent / "interview.mp4", sample_page.parent) == (
        "../interview.mp4"
    )


def test_space_plays_and_pauses_unless_a_button_has_the_focus(open_page, sample_page) -> None:
    page = open_page(sample_page).page
    wait_until_playable(page)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.getElementById('video').paused")
    page.keyboard.press("Space")
    assert video_state(page)["paused"]
    page.locator("#show-keys").focus()
    page.keyboard.press("Space")  # presses the focused button
    assert page.locator("#keys").is_visible()
    assert video_state(page)["paused"]


def test_scrolling_the_transcript_pauses_auto_scroll(open_page, tmp_path) -> None:
    questions, transcript = long_interview(hours=1, question_count=10, segment_count=600)
    html = write_page(tmp_path, ReviewPage(questions, transcript, None))
    page = open_page(html).page
    lines = page.locator("#transcript-list")
    page.locator("#question-list .q-play").nth(5).click()
    followed = lines.evaluate("list => list.scrollTop")
    assert followed > 0 and page.locator("#follow").is_hidden()
    lines.hover()
    page.mouse.wheel(0, -400)
    page.locator("#follow").wait_for(state="visible")
    page.keyboard.press("l")  # playback moves on; the transcript stays where the reader is
    scrolled = settled_scroll(lines)
    page.keyboard.press("l")
    assert lines.evaluate("list => list.scrollTop") == scrolled
    page.locator("#follow").click()
    assert page.locator("#follow").is_hidden()
    assert lines.evaluate("list => list.scrollTop") > scrolled


def settled_scroll(element: Any) -> int:
    """The element's scrollTop once a smooth scroll has ended."""
    previous = -1
    for _ in range(50):
        element.page.wait_for_timeout(100)
        current = element.evaluate("node => node.scrollTop")
        if current == previous:
            return current
        previous = current
    raise AssertionError("the transcript kept scrolling")


CONTRAST = """() => {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(colour) && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const worst = [];
  for (const node of document.querySelectorAll("body *")) {
    if (!node.checkVisibility() || ![...node.childNodes].some(
      (child) => child.nodeType === 3 && child.textContent.trim())) continue;
    const [a, b] = [luminance(getComputedStyle(node).color), luminance(background(node))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push(`${node.tagName}.${node.className} ${ratio.toFixed(2)}`);
  }
  return worst;
}"""


def test_every_text_passes_wcag_aa_contrast(open_page, sample_page) -> None:
    page = open_page(sample_page).page
    page.locator("#question-list details summary").first.click()
    page.locator("#search").fill("thread")  # marks and the status line too
    page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
    assert page.evaluate(CONTRAST) == []


def test_speakers_show_in_colours_and_by_their_roles(open_page, tmp_path) -> None:
    segments = (
        Segment("Why here?", 0.0, 1.0, "spk_1"),
        Segment("Because.", 1.0, 2.0, "spk_0"),
        Segment("Noted.", 2.0, 3.0, "spk_2"),
        Segment("No speaker.", 3.0, 4.0),
    )
    roles = {"spk_1": "interviewer", "spk_0": "candidate"}
    html = write_page(
        tmp_path, ReviewPage([], Transcript(segments=segments), None, speaker_roles=roles)
    )
    page = open_page(html).page
    lines = page.locator("#transcript-list > li")
    names = [lines.nth(i).locator(".seg-speaker").all_inner_texts() for i in range(4)]
    assert names == [["Interviewer (spk_1)"], ["Candidate (spk_0)"], ["spk_2"], []]
    classes = [
        set((lines.nth(i).get_attribute("class") or "").split()) - {"current"} for i in range(4)
    ]
    assert classes[:2] == [{"s0"}, {"s1"}]
    assert len(classes[2]) == 1 and not classes[2] & {"s0", "s1"} and not classes[3]
    colours = {
        lines.nth(i).evaluate("li => getComputedStyle(li).borderLeftColor") for i in range(3)
    }
    assert len(colours) == 3
