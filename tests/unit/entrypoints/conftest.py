"""Fixtures for the entrypoint tests: logging and metrics put back as pytest had them."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from entrypoints.metrics import configure_metrics


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Entrypoints configure the root logger and metrics; put pytest's handlers back and
    turn metrics off afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    configure_metrics(enabled=False)
