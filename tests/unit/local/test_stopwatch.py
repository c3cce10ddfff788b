"""The stopwatch behind the transcriber's log line: time per named part, in order."""

from __future__ import annotations

import re
import time

import pytest

from adapters.local.stopwatch import Stopwatch


def test_parts_add_up_in_the_order_they_first_ran() -> None:
    stopwatch = Stopwatch()
    for _ in range(2):
        with stopwatch.timing("b"):
            time.sleep(0.01)
        with stopwatch.timing("a"):
            pass

    assert stopwatch.seconds("b") >= 0.02
    assert stopwatch.seconds("never") == 0.0
    assert re.fullmatch(r"b \d+\.\d s, a \d+\.\d s", stopwatch.summary())


def test_a_part_that_raises_is_still_counted() -> None:
    stopwatch = Stopwatch()
    with pytest.raises(ValueError), stopwatch.timing("failing"):
        time.sleep(0.01)
        raise ValueError("no")

    assert stopwatch.seconds("failing") >= 0.01


def test_through_counts_producing_each_item_and_passes_errors_on() -> None:
    def slow() -> object:
        for item in (1, 2):
            time.sleep(0.01)
            yield item
        raise RuntimeError("stream broke")

    stopwatch = Stopwatch()
    seen = []
    with pytest.raises(RuntimeError, match="stream broke"):
        for item in stopwatch.through("reading", slow()):
            seen.append(item)
            time.sleep(0.5)  # the caller's own work is not counted

    assert seen == [1, 2]
    assert 0.02 <= stopwatch.seconds("reading") < 0.5
    assert list(Stopwatch().through("empty", [])) == []
