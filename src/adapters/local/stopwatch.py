"""Wall time spent in the named parts of one piece of work, for its log line."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

Item = TypeVar("Item")


class Stopwatch:
    """Adds up the seconds spent in each named part, in the order the parts first ran.

    Parts may be timed from several threads at once: a part's seconds are then the sum of
    its threads' seconds, which may exceed the wall time of the whole.
    """

    def __init__(self) -> None:
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def timing(self, part: str) -> Iterator[None]:
        """Count the time spent in the `with` block to `part`, even when it raises."""
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            with self._lock:
                self._spent[part] = self._spent.get(part, 0.0) + spent

    def through(self, part: str, items: Iterable[Item]) -> Iterator[Item]:
        """`items`, counting the time spent producing each one to `part`."""
        iterator = iter(items)
        while True:
            with self.timing(part):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item

    def seconds(self, part: str) -> float:
        """The seconds counted to `part` so far (0 when it never ran)."""
        return self._spent.get(part, 0.0)

    def summary(self) -> str:
        """ "part 1.2 s, other 3.4 s", in the order the parts first ran."""
        return ", ".join(f"{part} {seconds:.1f} s" for part, seconds in self._spent.items())
