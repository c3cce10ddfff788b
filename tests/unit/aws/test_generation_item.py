"""The interview item's `generation`: a count of ours beside the upstream's attributes."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.aws.dynamodb_items import interview_from_item, interview_to_item
from interview_core.entities import Interview

BASE: dict[str, Any] = {
    "id": {"S": "iv-1"},
    "video_path": {"S": "videos/iv-1.mp4"},
    "state": {"S": "pending"},
}


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        (None, 0),
        ({"N": "3"}, 3),
        ({"N": "0"}, 0),
        ({"S": "3"}, 0),
        ({"N": "1.5"}, 0),
        ({"N": "-2"}, 0),
        ({"NULL": True}, 0),
    ],
)
def test_a_generation_reads_as_a_whole_count_else_zero(stored: Any, read: int) -> None:
    item = dict(BASE) if stored is None else {**BASE, "generation": stored}

    interview = interview_from_item(item)

    assert interview.generation == read
    assert interview.record_problem is None


def test_generation_zero_is_not_written_and_any_other_is() -> None:
    assert "generation" not in interview_to_item(Interview(id="iv-1", video_path="v.mp4"))
    item = interview_to_item(Interview(id="iv-1", video_path="v.mp4", generation=2))
    assert item["generation"] == {"N": "2"}
    assert interview_from_item(item).generation == 2
