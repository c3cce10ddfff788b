"""Every fenced `python` block of the README runs as written, each in a fresh interpreter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
SNIPPETS = PYTHON_BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_snippets() -> None:
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"block-{n}" for n in range(len(SNIPPETS))])
def test_a_readme_snippet_runs_in_a_fresh_interpreter(snippet: str, tmp_path: Path) -> None:
    (tmp_path / "samples").symlink_to(REPO_ROOT / "samples")
    env = {name: value for name, value in os.environ.items() if not name.startswith("INTERVIEWS_")}

    process = subprocess.run(
        [sys.executable, "-c", snippet],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert process.returncode == 0, process.stderr
    assert process.stdout.strip(), "a snippet shows what it did"
