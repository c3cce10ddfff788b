"""One benchmark result row, as printed and written to BENCHMARKS.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchRow:
    """A measured number against its target."""

    benchmark: str
    measured: str
    target: str
    met: bool
    detail: str = ""
