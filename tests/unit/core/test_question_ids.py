"""Deterministic ids: uuid5 of the interview id and the position, stable and distinct."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_core.ids import QUESTION_NAMESPACE, question_id, video_id

interview_ids = st.one_of(st.uuids().map(str), st.text(max_size=40))
positions = st.integers(min_value=0, max_value=10_000)


@given(interview_ids, positions)
def test_a_question_id_is_a_canonical_uuid5(interview_id: str, position: int) -> None:
    value = question_id(interview_id, position)

    parsed = uuid.UUID(value)
    assert parsed.version == 5
    assert str(parsed) == value


@given(interview_ids, positions)
def test_a_question_id_is_uuid5_of_the_interview_and_position(
    interview_id: str, position: int
) -> None:
    expected = uuid.uuid5(QUESTION_NAMESPACE, f"{interview_id}:{position}")

    assert question_id(interview_id, position) == str(expected)
    assert question_id(interview_id, position) == question_id(interview_id, position)


@given(interview_ids, positions, interview_ids, positions)
def test_different_questions_get_different_ids(
    first_interview: str, first_position: int, second_interview: str, second_position: int
) -> None:
    same = (first_interview, first_position) == (second_interview, second_position)

    ids_equal = question_id(first_interview, first_position) == question_id(
        second_interview, second_position
    )

    assert ids_equal is same


@given(interview_ids, st.integers(min_value=1, max_value=60))
def test_the_positions_of_one_interview_get_distinct_ids(interview_id: str, count: int) -> None:
    ids = [question_id(interview_id, n) for n in range(count)]

    assert len(set(ids)) == count


def test_a_known_value_never_changes() -> None:
    # Stored questions are keyed by these ids: changing the scheme would orphan them.
    interview_id = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"

    assert question_id(interview_id, 0) == "7564b315-e812-549e-b21d-be8cc1604d8c"


@given(st.integers(max_value=-1))
def test_a_negative_position_is_refused(position: int) -> None:
    with pytest.raises(ValueError):
        question_id("interview", position)


@given(st.text(max_size=60), st.text(max_size=60))
def test_video_ids_are_stable_and_distinct_by_name(first: str, second: str) -> None:
    assert video_id(first) == video_id(first)
    assert (video_id(first) == video_id(second)) is (first == second)
    assert uuid.UUID(video_id(first)).version == 5


def test_video_and_question_ids_live_in_different_namespaces() -> None:
    assert video_id("x:0") != question_id("x", 0)
