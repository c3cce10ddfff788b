"""Windows of a transcript: sizes, overlaps and splits, and what a cut reply held. Pure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.llm.exchange import salvage
from adapters.llm.windows import MAX_OVERLAP_SEGMENTS, MAX_OVERLAP_SHARE, Window, WindowPlan


def _plan(lengths: list[int]) -> WindowPlan:
    return WindowPlan(["x" * (length - 1) if length else "" for length in lengths])


def test_a_window_fills_its_target_and_holds_at_least_one_segment() -> None:
    plan = _plan([100] * 10)

    assert plan.window_from(0, 350) == Window(0, 3)
    assert plan.window_from(8, 350) == Window(8, 10)
    assert plan.window_from(4, 10) == Window(4, 5)  # one segment even when it is too long


def test_the_overlap_is_a_few_segments_and_a_bounded_share() -> None:
    plan = _plan([100] * 40)

    assert plan.overlap(Window(0, 40)) == MAX_OVERLAP_SEGMENTS
    assert plan.overlap(Window(0, 10)) == 1  # 15% of 1,000 characters holds one line
    assert plan.overlap(Window(0, 2)) == 1
    assert plan.overlap(Window(3, 4)) == 0


def test_a_split_covers_the_window_in_two_smaller_overlapping_halves() -> None:
    plan = _plan([100] * 20)

    first, second = plan.split(Window(0, 20)) or (None, None)

    assert first == Window(0, 10) and second is not None
    assert second.end == 20 and second.start < first.end
    assert plan.split(Window(5, 6)) is None


@given(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=200))
def test_planned_windows_cover_every_segment_and_repeat_little_of_the_one_before(
    lengths: list[int],
) -> None:
    plan = _plan(lengths)
    target = 3000
    windows = []
    start = 0
    while True:
        window = plan.window_from(start, target)
        windows.append(window)
        if window.end >= len(lengths):
            break
        start = max(start + 1, window.end - plan.overlap(window))

    covered = {index for w in windows for index in range(w.start, w.end)}
    assert covered == set(range(len(lengths)))
    assert all(b.start < a.end for a, b in zip(windows, windows[1:], strict=False))
    for before, after in zip(windows, windows[1:], strict=False):
        repeated = Window(after.start, before.end)
        assert repeated.size <= MAX_OVERLAP_SEGMENTS
        last = lengths[before.end - 1]
        assert plan.chars(repeated) <= max(MAX_OVERLAP_SHARE * plan.chars(before), last)


@pytest.mark.parametrize(
    ("text", "salvaged"),
    [
        (
            '{"questions": [{"question": "Why?"}, {"question": "How',
            {"questions": [{"question": "Why?"}]},
        ),
        (
            '{"answers": ["I led it.", "I tested it.", "I wro',
            {"answers": ["I led it.", "I tested it."]},
        ),
        ('{"answers": [', {"answers": []}),
        ('{"answers": ["a", "b"]}', {"answers": ["a", "b"]}),
        ("I cannot help with that", None),
        ("", None),
    ],
)
def test_a_cut_reply_gives_back_its_complete_items(
    text: str, salvaged: dict[str, list[object]] | None
) -> None:
    assert salvage(text) == salvaged
