"""The parts of a fenced question transaction: stored ids, the fence, cancellation reasons."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.aws.dynamodb_fenced_writes import (
    TRANSACTION_BYTES,
    TRANSACTION_ITEMS,
    transaction_chunks,
)
from adapters.aws.dynamodb_transact_parts import (
    cancellation_error,
    fence_part,
    holds_fence,
    stored_ids,
)
from interview_core.errors import ConfigurationError, InvalidInterviewRecord, LeaseLost
from interview_core.ids import question_id

HELD = {
    "id": {"S": "iv-1"},
    "state": {"S": "processing"},
    "lease_owner": {"S": "w"},
    "generation": {"N": "2"},
}


def test_stored_ids_are_the_named_ones_in_order_without_repeats_or_other_types() -> None:
    item = {"question_ids": {"L": [{"S": "b"}, {"S": "a"}, {"N": "3"}, {"S": "b"}, {"S": ""}]}}

    assert stored_ids("iv-1", item) == ["b", "a"]


@pytest.mark.parametrize(
    ("count", "expected"),
    [({"N": "3"}, 3), ({"N": "2.5"}, 0), ({"S": "3"}, 0), ({"N": "-1"}, 0), (None, 0)],
)
def test_a_record_from_before_names_its_question_count_of_generation_zero(
    count: dict[str, str] | None, expected: int
) -> None:
    item: dict[str, Any] = {} if count is None else {"question_count": count}

    assert stored_ids("iv-1", item) == [question_id("iv-1", n) for n in range(expected)]


def test_an_empty_list_of_ids_names_nothing_even_with_a_question_count() -> None:
    assert stored_ids("iv-1", {"question_ids": {"L": []}, "question_count": {"N": "4"}}) == []


@pytest.mark.parametrize(
    ("changes", "owner", "generation", "holds"),
    [
        ({}, "w", 2, True),
        ({}, "other", 2, False),
        ({}, "w", 1, False),
        ({"state": {"S": "completed"}}, "w", 2, False),
        ({"generation": None}, "w", 0, True),
        ({"generation": {"S": "two"}}, "w", 0, True),  # read as 0, as records read
    ],
)
def test_the_fence_holds_for_the_owner_of_a_processing_item_in_its_generation(
    changes: dict[str, Any], owner: str, generation: int, holds: bool
) -> None:
    item = {**HELD, **changes}
    item = {name: value for name, value in item.items() if value is not None}

    assert holds_fence(item, owner, generation) is holds


def test_the_fence_part_is_a_condition_check_or_an_update_of_the_ids() -> None:
    check = fence_part("interviews", "iv-1", "w", 0, None)
    update = fence_part("interviews", "iv-1", "w", 3, ["q1", "q2"])

    assert set(check) == {"ConditionCheck"}
    assert "attribute_not_exists(generation)" in check["ConditionCheck"]["ConditionExpression"]
    part = update["Update"]
    assert part["UpdateExpression"] == "SET #ids = :ids"
    assert part["ExpressionAttributeValues"][":ids"] == {"L": [{"S": "q1"}, {"S": "q2"}]}
    assert part["ExpressionAttributeValues"][":generation"] == {"N": "3"}
    assert part["ConditionExpression"].endswith("generation = :generation")


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        (["ConditionalCheckFailed", "None"], LeaseLost),
        (["ConditionalCheckFailed", "TransactionConflict"], LeaseLost),
        (["None", "ValidationError"], InvalidInterviewRecord),
        (["None", "ResourceNotFoundException"], ConfigurationError),
        (["TransactionConflict", "None"], None),
        (["None", "ThrottlingError"], None),
        ([], None),
    ],
)
def test_a_cancelled_transaction_ends_or_is_sent_again_by_its_reasons(
    codes: list[str], error: type[Exception] | None
) -> None:
    outcome = cancellation_error(codes, "iv-1", "w", "questions")

    assert (type(outcome) if outcome is not None else None) is error


def test_writes_are_chunked_by_count_and_by_size() -> None:
    small: list[Any] = [
        {"Delete": {"TableName": "q", "Key": {"id": {"S": f"{n}"}}}} for n in range(250)
    ]
    big: list[Any] = [{"Update": {"TableName": "q", "Blob": "x" * 1_000_000}} for _ in range(5)]

    assert [len(chunk) for chunk in transaction_chunks(small)] == [99, 99, 52]
    assert all(len(chunk) <= TRANSACTION_ITEMS - 1 for chunk in transaction_chunks(small))
    assert [len(chunk) for chunk in transaction_chunks(big)] == [2, 2, 1]
    assert TRANSACTION_BYTES < 4_000_000
    assert transaction_chunks([]) == [[]]
