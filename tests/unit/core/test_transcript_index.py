"""Locating quotes and close matches of a text in a transcript: pure, no I/O."""

from __future__ import annotations

from interview_core.entities import Segment
from interview_core.transcript_index import TranscriptIndex

SEGMENTS = (
    Segment("Hello, and welcome!", 0.0, 2.0, "interviewer"),
    Segment("Tell me about yourself.", 2.5, 4.0, "interviewer"),
    Segment("I started as a tester; then I wrote code.", 4.5, 9.0, "candidate"),
    Segment("Great. What's your biggest weakness?", 10.0, 12.5, None),
)


def test_quotes_are_located_across_punctuation_case_and_lines() -> None:
    index = TranscriptIndex.of(SEGMENTS)

    assert index.locate("tell me about YOURSELF") == (2.5, 4.0)
    assert index.locate("then I wrote code. Great, what's your") == (4.5, 12.5)
    diverging = "Tell me about yourself. I started as a tester, honestly, long ago"
    assert index.locate(diverging) == (2.5, 9.0)  # by its first eight words
    assert index.locate("ell me") is None  # whole words only
    assert index.locate("...") is None


def test_the_line_under_way_at_a_time_is_found() -> None:
    index = TranscriptIndex.of(SEGMENTS)

    assert index.end_of_line_at(2.5) == 4.0
    assert index.end_of_line_at(9.5) == 9.0
    assert index.end_of_line_at(100.0) is None
    assert TranscriptIndex.of(()).end_of_line_at(0.0) is None
