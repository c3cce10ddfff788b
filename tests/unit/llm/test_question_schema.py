"""Validation and capping of the record_questions tool input: pure, no I/O."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.llm.question_schema import QUESTION_CATEGORIES, read_tool_input, tool_schema

ITEM: dict[str, Any] = {
    "question": "Why this company?",
    "answer": "Because its product matches my experience.",
    "context": "Let's talk motivation.",
    "question_context": "motivation",
    "global": True,
    "start_time": 12,
}


def _read(*items: dict[str, Any], max_questions: int = 50, max_field_chars: int = 2000) -> Any:
    return read_tool_input(
        {"questions": list(items)}, max_questions=max_questions, max_field_chars=max_field_chars
    )


def test_a_valid_item_is_read_with_blanks_stripped_and_an_integer_time() -> None:
    [item] = _read({**ITEM, "question": "  Why this company?\n"})
    assert item.question == "Why this company?"
    assert item.is_global is True
    assert item.start_time == 12.0
    assert item.quote is None


def test_optional_fields_may_be_absent_or_null_and_extra_fields_are_ignored() -> None:
    minimal = {"question": "Q?", "answer": "A.", "context": None, "start_time": None, "x": 1}
    [item] = _read(minimal)
    assert (item.context, item.question_context, item.is_global) == (None, "general", False)


@pytest.mark.parametrize(
    ("category", "expected"),
    [("Technical", "technical"), (" closing ", "closing"), ("leadership", "general")],
)
def test_categories_are_normalised_and_unknown_ones_become_general(
    category: str, expected: str
) -> None:
    [item] = _read({**ITEM, "question_context": category})
    assert item.question_context == expected
    assert item.question_context in QUESTION_CATEGORIES


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_time", "12"),
        ("start_time", -1),
        ("start_time", True),
        ("global", "true"),
        ("global", 1),
        ("question", ""),
        ("question", 42),
        ("answer", None),
        ("question_context", 3),
        ("quote", ["a"]),
    ],
)
def test_wrong_types_and_values_are_refused_with_where_but_not_what(field: str, value: Any) -> None:
    secret = "SECRET-TRANSCRIPT-WORDS"
    with pytest.raises(ValueError) as caught:
        _read({**ITEM, "context": secret, field: value})
    assert f"questions.0.{field}" in str(caught.value)
    assert secret not in str(caught.value)


@pytest.mark.parametrize("data", [None, [], "questions", {"questions": None}, {}])
def test_a_tool_input_without_a_question_list_is_refused(data: Any) -> None:
    with pytest.raises(ValueError):
        read_tool_input(data, max_questions=5, max_field_chars=10)


def test_the_list_and_each_text_field_are_capped() -> None:
    items = [
        {**ITEM, "question": f"Q{n}?", "answer": "x" * 50, "quote": "y" * 50} for n in range(9)
    ]
    items[8] = {**items[8], "answer": 7}  # beyond the cap: never validated

    capped = _read(*items, max_questions=3, max_field_chars=10)

    assert [item.question for item in capped] == ["Q0?", "Q1?", "Q2?"]
    assert all(item.answer == "x" * 10 and item.quote == "y" * 10 for item in capped)


def test_the_schema_offers_every_category_and_the_cap() -> None:
    schema = tool_schema(7)
    questions = schema["properties"]["questions"]
    assert questions["maxItems"] == 7
    assert questions["items"]["properties"]["question_context"]["enum"] == list(QUESTION_CATEGORIES)
    assert schema["required"] == ["questions"]


def test_the_schema_offers_every_category_the_heuristic_extractor_emits() -> None:
    from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
    from interview_core.categories import QuestionCategory
    from interview_core.entities import Segment, Transcript

    enum = tool_schema(5)["properties"]["questions"]["items"]["properties"]["question_context"]
    assert enum["enum"] == [category.value for category in QuestionCategory]
    transcript = Transcript(
        segments=(
            Segment("What is your greatest strength?", 0.0, 2.0, speaker="interviewer"),
            Segment("I stay calm under pressure.", 2.5, 5.0, speaker="candidate"),
        ),
        language="en",
        duration=5.0,
    )
    [found] = HeuristicQuestionExtractor().extract(transcript)
    assert found.question_context is QuestionCategory.STRENGTHS
    assert found.question_context in enum["enum"]


def test_categories_are_read_in_any_case_and_unknown_ones_are_general() -> None:
    from interview_core.categories import QuestionCategory

    assert QuestionCategory.read(" Strengths ") is QuestionCategory.STRENGTHS
    assert QuestionCategory.read("astrology") is QuestionCategory.GENERAL
    assert QuestionCategory.read(7) is QuestionCategory.GENERAL
