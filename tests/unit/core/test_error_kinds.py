"""Every core error is of exactly one kind, and the kind alone says whether it is permanent."""

from __future__ import annotations

import inspect

import pytest

from interview_core import errors
from interview_core.errors import (
    ConfigurationError,
    DeploymentFault,
    ErrorKind,
    InterviewError,
    InterviewFault,
    LeaseHeld,
    LeaseLost,
    ToolMissing,
    TransientError,
)

KIND_BASES = {
    InterviewFault: ErrorKind.INTERVIEW,
    TransientError: ErrorKind.TRANSIENT,
    DeploymentFault: ErrorKind.DEPLOYMENT,
}


def _concrete_errors() -> list[type[InterviewError]]:
    classes = [
        value
        for _, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, InterviewError) and value.__module__ == errors.__name__
    ]
    return [cls for cls in classes if cls is not InterviewError and cls not in KIND_BASES]


CONCRETE = _concrete_errors()


def test_the_module_defines_the_errors_the_pipeline_raises() -> None:
    names = {cls.__name__ for cls in CONCRETE}
    assert {"VideoNotFound", "QueueUnavailable", "ToolMissing", "ConfigurationError"} <= names
    assert len(CONCRETE) >= 25


@pytest.mark.parametrize("error", CONCRETE, ids=lambda cls: cls.__name__)
def test_each_concrete_error_descends_from_exactly_one_kind(error: type[InterviewError]) -> None:
    bases = [base for base in KIND_BASES if issubclass(error, base)]
    assert len(bases) == 1, f"{error.__name__} descends from {bases}"
    assert error.kind is KIND_BASES[bases[0]]
    assert "permanent" not in vars(error)  # no class decides its handling beside its kind


@pytest.mark.parametrize("error", CONCRETE, ids=lambda cls: cls.__name__)
def test_each_error_has_its_own_code_and_a_docstring(error: type[InterviewError]) -> None:
    assert "code" in vars(error)
    assert error.__doc__
    assert sum(other.code == error.code for other in CONCRETE) == 1


@pytest.mark.parametrize(("base", "kind"), KIND_BASES.items())
def test_permanent_means_not_transient(base: type[InterviewError], kind: ErrorKind) -> None:
    assert base("x").permanent is (kind is not ErrorKind.TRANSIENT)


def test_a_missing_tool_and_bad_configuration_are_the_deployments_fault() -> None:
    assert ToolMissing("no ffmpeg").kind is ErrorKind.DEPLOYMENT
    assert ConfigurationError("no bucket").kind is ErrorKind.DEPLOYMENT


def test_a_lease_held_elsewhere_or_lost_is_transient() -> None:
    assert LeaseHeld("i").kind is ErrorKind.TRANSIENT
    assert LeaseLost("i", "me").kind is ErrorKind.TRANSIENT
