"""Fixtures shared by every test: where the repository, its samples and real-data fixtures are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples"
REAL_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "real"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The committed sample interviews."""
    return SAMPLES


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    """Data written by real services, copied into tests/fixtures/real with its sources."""
    return REAL_FIXTURES
