"""Fixtures shared by every test: where the repository and the shared fixtures are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples"
REAL_FIXTURES = REPO_ROOT.parent / "shared" / "fixtures" / "real"


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
    """Data written by real AWS services, beside the project in ../shared/fixtures/real."""
    if not REAL_FIXTURES.is_dir():
        pytest.fail(f"shared fixtures not found at {REAL_FIXTURES}")
    return REAL_FIXTURES
