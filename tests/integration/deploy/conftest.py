"""Deploy tests: one moto server per module, reset before each stack is created."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.integration.deploy.stack import Stack, reset
from tests.moto_support import moto_server


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A moto server on 127.0.0.1 for this module's tests."""
    with moto_server() as url:
        yield url


@pytest.fixture
def make_stack(moto_url: str) -> Callable[..., Stack]:
    """Creates the template in a freshly reset moto server with the given parameters."""

    def create(**parameters: str) -> Stack:
        reset(moto_url)
        return Stack(moto_url, **parameters)

    return create


@pytest.fixture(scope="module")
def ecs_stack(moto_url: str) -> Stack:
    """The template with its defaults (the ECS form), created once for the module."""
    reset(moto_url)
    return Stack(moto_url)
