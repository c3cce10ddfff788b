"""Every fenced `python` block of the README and of the docs site runs as written, each in a
fresh interpreter; the README stays short and its links into the site resolve."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
PAGES = [README, *sorted((REPO_ROOT / "docs").rglob("*.md"))]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
SNIPPETS = [
    (page.relative_to(REPO_ROOT).as_posix(), number, snippet)
    for page in PAGES
    for number, snippet in enumerate(PYTHON_BLOCK.findall(page.read_text(encoding="utf-8")))
]
README_LINES_AT_MOST = 150


def test_the_readme_and_the_docs_have_python_snippets() -> None:
    assert any(page == "README.md" for page, _, _ in SNIPPETS)
    assert len({page for page, _, _ in SNIPPETS}) >= 3


@pytest.mark.parametrize(
    "snippet", [s for _, _, s in SNIPPETS], ids=[f"{page}-{n}" for page, n, _ in SNIPPETS]
)
def test_a_snippet_runs_in_a_fresh_interpreter(snippet: str, tmp_path: Path) -> None:
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


def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()

    assert len(lines) <= README_LINES_AT_MOST


def test_every_link_of_the_readme_into_the_repository_names_a_file_that_exists() -> None:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README.read_text(encoding="utf-8"))
    local = [t for t in targets if "://" not in t]
    # The review page's picture is made with the review page itself.
    missing = [
        t for t in local if not (REPO_ROOT / t).exists() and t != "docs/images/review-page.png"
    ]

    assert local and missing == []
