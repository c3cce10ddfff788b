"""Reading the wait a service asks for. Pure, no I/O."""

from __future__ import annotations

import email.utils

import pytest

from adapters.llm.retry_after import MAX_RETRY_AFTER_SECONDS, retry_after_seconds

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": " 2.5 "}, 2.5),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"Retry-After": email.utils.formatdate(NOW - 30, usegmt=True)}, 0.0),
        ({"Retry-After": "-4"}, 0.0),
        ({"Retry-After": "1e12"}, MAX_RETRY_AFTER_SECONDS),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Content-Type": "application/json"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_the_wait_is_read_from_seconds_milliseconds_or_a_date(
    headers: dict[str, str] | None, seconds: float | None
) -> None:
    assert retry_after_seconds(headers, now=NOW) == seconds
