"""Deterministic ids: uuid5 of the interview id, the generation and the position, stable and
distinct."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_core.ids import (
    GENERATION_QUESTION_NAMESPACE,
    QUESTION_NAMESPACE,
    question_id,
    video_id,
)

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


generations = st.integers(min_value=0, max_value=1_000)


@given(interview_ids, positions)
def test_generation_zero_keeps_the_ids_questions_always_had(
    interview_id: str, position: int
) -> None:
    assert question_id(interview_id, position, 0) == question_id(interview_id, position)


@given(interview_ids, positions, generations, interview_ids, positions, generations)
def test_ids_differ_across_interviews_positions_and_generations(
    first_interview: str,
    first_position: int,
    first_generation: int,
    second_interview: str,
    second_position: int,
    second_generation: int,
) -> None:
    first = (first_interview, first_position, first_generation)
    second = (second_interview, second_position, second_generation)

    assert (question_id(*first) == question_id(*second)) is (first == second)


def test_ids_with_separators_in_the_interview_id_do_not_collide_across_generations() -> None:
    # "a:1" at position 2 of generation 0 and "a" at position 2 of generation 1 spell the
    # same text "a:1:2": the namespaces keep them apart.
    assert question_id("a:1", 2, 0) != question_id("a", 2, 1)
    assert question_id("a:1", 2, 3) != question_id("a", 2, 1)


def test_a_known_value_of_a_later_generation_never_changes() -> None:
    interview_id = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"

    assert question_id(interview_id, 0, 1) == str(
        uuid.uuid5(GENERATION_QUESTION_NAMESPACE, f"{interview_id}:1:0")
    )
    assert question_id(interview_id, 0, 1) == "8cb2b403-cf59-562f-a2ed-438131917369"


@given(st.integers(max_value=-1))
def test_a_negative_generation_is_refused(generation: int) -> None:
    with pytest.raises(ValueError):
        question_id("interview", 0, generation)
