"""WebVTT chapters of the questions: one per question, each up to the next one's start."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.exports import question_chapters
from adapters.exports.formats import FILE_NAMES, render_export, write_exports
from interview_core.entities import Question, Segment, Transcript
from tests.subtitle_checks import read_vtt

TRANSCRIPT = Transcript(
    segments=(Segment("Hello.", 0.0, 1.0), Segment("Bye.", 290.0, 295.5)), duration=300.25
)


def question(
    position: int,
    text: str,
    start: float | None,
    category: str = "technical",
    end: float | None = None,
) -> Question:
    return Question(
        id=f"q-{position}",
        interview_id="i-1",
        position=position,
        question=text,
        answer="An answer.",
        context="",
        question_context=category,
        is_global=False,
        start_time=start,
        end_time=end,
    )


def test_each_question_is_a_chapter_until_the_next_and_the_last_until_the_end() -> None:
    questions = [
        question(0, "Tell me about yourself.", 12.5, "background"),
        question(1, "Why this role?", 75.0, "motivation"),
        question(2, "Any questions for us?", 3725.125, "closing"),
    ]
    transcript = Transcript(segments=TRANSCRIPT.segments, duration=3800.0)

    vtt = question_chapters(questions, transcript)

    assert vtt.startswith("WEBVTT\n\n1\n00:00:12.500 --> 00:01:15.000\n")
    assert [(c.start, c.end, c.lines) for c in read_vtt(vtt)] == [
        (12.5, 75.0, ("Tell me about yourself. (background)",)),
        (75.0, 3725.125, ("Why this role? (motivation)",)),
        (3725.125, 3800.0, ("Any questions for us? (closing)",)),
    ]
    assert "01:02:05.125 --> 01:03:20.000" in vtt


def test_chapters_follow_the_times_and_questions_at_one_moment_share_a_chapter() -> None:
    questions = [
        question(0, "Second?", 60.0),
        question(1, "First?", 10.0),
        question(2, "Also first?", 10.0, "closing"),
    ]

    cues = read_vtt(question_chapters(questions, TRANSCRIPT))

    assert [(c.start, c.end, c.lines) for c in cues] == [
        (10.0, 60.0, ("First? (technical)", "Also first? (closing)")),
        (60.0, 300.25, ("Second? (technical)",)),
    ]


def test_a_question_without_a_time_has_no_chapter() -> None:
    cues = read_vtt(
        question_chapters([question(0, "When?", None), question(1, "Now?", 5.0)], TRANSCRIPT)
    )

    assert [c.lines for c in cues] == [("Now? (technical)",)]


def test_the_last_chapter_ends_at_the_latest_known_moment() -> None:
    no_duration = Transcript(segments=TRANSCRIPT.segments)
    at_the_end = [question(0, "Late?", 295.5, end=297.0)]
    after_everything = [question(0, "Later?", 400.0)]

    assert read_vtt(question_chapters(at_the_end, no_duration))[0].end == 297.0
    late = read_vtt(question_chapters(after_everything, no_duration))[0]
    assert (late.start, late.end) == (400.0, 400.5)  # still a chapter with a length


def test_question_text_is_escaped_and_kept_on_one_line() -> None:
    hostile = "What does <b>&amp;</b> mean -->\n\n2\n00:00:01.000 --> 00:00:02.000 here?"

    vtt = question_chapters([question(0, hostile, 1.0, "<i>")], TRANSCRIPT)

    [cue] = read_vtt(vtt)
    assert cue.lines == (
        "What does <b>&amp;</b> mean -> 2 00:00:01.000 -> 00:00:02.000 here? (<i>)",
    )


def test_a_very_long_question_is_cut() -> None:
    [cue] = read_vtt(question_chapters([question(0, "word " * 100, 1.0)], TRANSCRIPT))

    assert len(cue.lines[0]) <= 200 + len(" (technical)")
    assert cue.lines[0].endswith("… (technical)")


def test_no_questions_give_a_valid_empty_file() -> None:
    assert question_chapters([], TRANSCRIPT) == "WEBVTT\n"
    assert question_chapters([], Transcript(segments=())) == "WEBVTT\n"


def test_every_export_is_written_beside_the_others(tmp_path: Path) -> None:
    questions = [question(0, "Why this role?", 0.5)]

    paths = write_exports(TRANSCRIPT, questions, tmp_path)

    assert sorted(p.name for p in paths) == sorted(FILE_NAMES.values())
    for kind, name in FILE_NAMES.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == render_export(
            kind, TRANSCRIPT, questions
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILE_NAMES.values())


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'ass': one of srt, vtt, chapters"):
        render_export("ass", TRANSCRIPT, [])
