"""Runs every benchmark module and prints (and optionally writes) one table."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

from bench.rows import BenchRow

# Each module exposes `run(quick: bool) -> list[BenchRow]`.
MODULES = (
    "bench.core",
    "bench.heuristic",
    "bench.redaction",
    "bench.demo",
    "bench.single_video",
    "bench.media",
    "bench.whisper",
    "bench.beam",
    "bench.quiet",
    "bench.decoding",
    "bench.long_recording",
    "bench.long_interview",
    "bench.speakers",
    "bench.chain",
    "bench.aws",
    "bench.worker",
    "bench.llm",
    "bench.shutdown",
    "bench.recovery",
    "bench.quota_storm",
    "bench.review_page",
)


def _table(rows: list[BenchRow]) -> str:
    lines = [
        "| benchmark | measured | target | met | detail |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        met = "yes" if row.met else "**NO**"
        lines.append(f"| {row.benchmark} | {row.measured} | {row.target} | {met} | {row.detail} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--write", type=Path, help="write the table to this Markdown file")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument("--only", action="append", default=[], help="module suffix, e.g. media")
    args = parser.parse_args(argv)
    rows: list[BenchRow] = []
    started = time.perf_counter()
    for name in MODULES:
        if args.only and name.rsplit(".", 1)[-1] not in args.only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(quick=args.quick))
    table = _table(rows)
    print(table)
    if args.write:
        if args.only and args.write.is_file():
            text = _merged(args.write.read_text(encoding="utf-8"), rows, args.only)
        else:
            command = "make bench" if not args.quick else "python -m bench --quick"
            text = (
                "# Benchmarks\n\n"
                f"Produced by `{command}` on {platform.machine()} with {_cores()} cores, "
                f"Python {platform.python_version()}, in {time.perf_counter() - started:.0f} s. "
                "Ratios are measured side by side in one run.\n\n" + table + "\n"
            )
        args.write.write_text(text, encoding="utf-8")
    return 0 if all(row.met for row in rows) else 1


def _merged(existing: str, rows: list[BenchRow], only: list[str]) -> str:
    """`existing` (a written table) with `rows` in place of the rows of the same benchmark,
    new ones at the end, and a note of the modules measured apart."""
    lines = existing.rstrip("\n").split("\n")
    fresh = {row.benchmark: _table([row]).split("\n")[-1] for row in rows}
    kept = []
    for line in lines:
        name = line.split(" | ")[0].removeprefix("| ") if line.startswith("| ") else None
        kept.append(fresh.pop(name) if name in fresh else line)
    kept.extend(fresh.values())
    note = f"Rows of `python -m bench --only {' --only '.join(only)}` were measured apart, later."
    text = "\n".join(kept) + "\n"
    if note not in text:
        text = text.replace("\n\n| benchmark |", f" {note}\n\n| benchmark |", 1)
    return text


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())
