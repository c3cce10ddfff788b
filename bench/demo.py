"""`make demo`'s own run from a warm .venv: wall time, broken down by stage."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.rows import BenchRow

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "samples" / "interview" / "interview.mp4"
DEMO_AWS = REPO_ROOT / "scripts" / "demo_aws.py"
_STAGES = re.compile(r"in ([\d.]+)s \((.*)\)$")
_MODEL_LOAD = re.compile(r"loaded speech model .* in ([\d.]+) s")


def run(quick: bool) -> list[BenchRow]:
    """Run the demo's command once (after one warm-up run) and split its wall time."""
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
        env["INTERVIEWS_LOG_FILE"] = str(Path(tmp) / "demo.log")
        command = [
            sys.executable, "-m", "entrypoints.cli", "--mode", "single-video", str(SAMPLE),
            "--output-dir", str(Path(tmp) / "out"),
        ]  # fmt: skip
        subprocess.run(command, env=env, capture_output=True, check=True)  # warm the disk cache
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - started
    summary = _STAGES.search(done.stdout.splitlines()[0])
    load = _MODEL_LOAD.search(done.stderr)
    stages = summary.group(2) if summary else "unparsed"
    staged = float(summary.group(1)) if summary else 0.0
    model = f"model load {float(load.group(1)):.1f}s, " if load else ""
    return [_demo_aws(), *_demo_row(wall, summary is not None, stages, model, staged)]


def _demo_aws() -> BenchRow:
    """`make demo-aws` once: the template in moto, submit, the worker, the stored questions."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(DEMO_AWS)], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    questions = sum(
        1 for line in done.stdout.splitlines() if re.match(r"^\d+\s+\w+\s+[\d.]+\s", line)
    )
    return BenchRow(
        "make demo-aws from a warm .venv (template in moto, submit, worker, questions)",
        f"{wall:.1f} s wall",
        "reported",
        done.returncode == 0 and questions == 6,
        f"{questions} questions stored and listed; speech and question finding local",
    )


def _demo_row(wall: float, parsed: bool, stages: str, model: str, staged: float) -> list[BenchRow]:
    return [
        BenchRow(
            "make demo from a warm .venv (72 s sample, offline)",
            f"{wall:.1f} s wall",
            "reported",
            parsed,
            f"{stages}; {model}start-up and output {wall - staged:.1f}s",
        )
    ]
