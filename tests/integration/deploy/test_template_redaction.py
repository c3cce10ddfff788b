"""The template's redaction parameters reach both forms of the worker, off by default, and
every value they allow is one the worker's settings accept."""

from __future__ import annotations

import re

import pytest

from interview_core.personal_data import PiiType, parse_pii_types
from tests.integration.deploy.test_template_rules import (
    DEFAULTS,
    PARAMETERS,
    default,
    environment_refs,
    properties,
)


def test_redaction_is_a_parameter_of_both_forms_and_off_by_default() -> None:
    assert default("RedactPii") == "false" and DEFAULTS.redact_pii is False
    assert default("RedactPiiTypes") == DEFAULTS.redact_pii_types == "all"
    lambda_environment = properties("Function")["Environment"]["Variables"]
    for environment in (environment_refs(), lambda_environment):
        assert environment["INTERVIEWS_REDACT_PII"] == {"Ref": "RedactPii"}
        assert environment["INTERVIEWS_REDACT_PII_TYPES"] == {"Ref": "RedactPiiTypes"}


@pytest.mark.parametrize("value", ["all", "EMAIL", "email,PHONE,NAME", ",".join(PiiType)])
def test_the_types_parameter_allows_what_the_settings_accept(value: str) -> None:
    assert re.fullmatch(PARAMETERS["RedactPiiTypes"]["AllowedPattern"], value)
    assert parse_pii_types(value)


@pytest.mark.parametrize("value", ["", "EMAIL, PHONE", "EMAIL;PHONE", "all,"])
def test_the_types_parameter_refuses_malformed_lists(value: str) -> None:
    assert not re.fullmatch(PARAMETERS["RedactPiiTypes"]["AllowedPattern"], value)
