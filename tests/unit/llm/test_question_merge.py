"""Merging the questions of overlapping windows. Pure, no I/O."""

from __future__ import annotations

from adapters.llm.question_merge import merge_windows
from interview_core.entities import ExtractedQuestion


def _q(text: str, start: float | None, quote: str | None = None) -> ExtractedQuestion:
    end = None if start is None else start + 3
    return ExtractedQuestion(text, "", start_time=start, end_time=end, quote=quote)


def test_a_question_named_in_two_windows_is_kept_once_with_its_whole_wording() -> None:
    cut = _q("Thinking about your last project,", 40.0)
    whole = _q("Thinking about your last project, how did you plan the release?", 40.0)

    merged, duplicates = merge_windows(
        [(0.0, [_q("Why this team?", 10.0), cut]), (38.0, [whole, _q("Any questions?", 90.0)])]
    )

    assert [q.question for q in merged] == [
        "Why this team?",
        whole.question,
        "Any questions?",
    ]
    assert duplicates == 1


def test_two_questions_on_one_line_of_one_window_are_both_kept() -> None:
    first = _q("What did you like about it?", 5.0, "What did you like about it")
    second = _q("What did you dislike about it?", 5.0, "What did you dislike about it")

    merged, duplicates = merge_windows([(0.0, [first, second, first])])

    assert merged == [first, second] and duplicates == 1


def test_windows_out_of_order_and_questions_without_times_keep_their_place() -> None:
    merged, _ = merge_windows(
        [
            (50.0, [_q("How do you test?", 60.0), _q("And then?", None)]),
            (0.0, [_q("Who are you?", 1.0)]),
        ]
    )

    assert [q.question for q in merged] == ["Who are you?", "How do you test?", "And then?"]


def test_short_questions_near_each_other_are_not_taken_for_one() -> None:
    merged, duplicates = merge_windows(
        [(0.0, [_q("Why?", 10.0)]), (8.0, [_q("Why did you leave that job?", 11.0)])]
    )

    assert len(merged) == 2 and duplicates == 0
