"""The start-up check asks about the Bedrock model only when a Bedrock adapter is selected (to
find the questions or to suggest answers), and its refusal is the start-up's."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers

from entrypoints.container import Container
from entrypoints.preflight import check_deployment
from entrypoints.settings import Settings
from interview_core.errors import ConfigurationError
from tests.container_fakes import fake_container, spy_media_ports


class SpyModelCheck:
    """Records each check; raises `error` when given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.checks = 0
        self.error = error

    def check_ready(self) -> None:
        self.checks += 1
        if self.error is not None:
            raise self.error


class NoCredentialsCheck:
    def check_credentials(self) -> None:
        pass


def container_with(settings: Settings, check: SpyModelCheck) -> Container:
    container = fake_container(settings, **spy_media_ports())
    container.bedrock_model_check.override(providers.Object(check))
    container.aws.override(providers.Object(NoCredentialsCheck()))
    return container


def test_the_model_is_checked_when_bedrock_finds_the_questions(tmp_path: Path) -> None:
    check = SpyModelCheck()
    settings = Settings(
        INTERVIEWS_BACKEND="local",
        INTERVIEWS_QUESTION_EXTRACTOR="bedrock",
        INTERVIEWS_BEDROCK_MODEL_ID="us.anthropic.claude-3-5-haiku-20241022-v1:0",
        INTERVIEWS_SQLITE_PATH=str(tmp_path / "interviews.sqlite3"),
    )

    check_deployment(container_with(settings, check), with_queue=False)

    assert check.checks == 1


def test_the_model_is_checked_when_bedrock_only_suggests_answers(tmp_path: Path) -> None:
    check = SpyModelCheck()
    settings = Settings(
        INTERVIEWS_BACKEND="local",
        INTERVIEWS_ANSWER_SUGGESTER="bedrock",
        INTERVIEWS_BEDROCK_MODEL_ID="anthropic.claude-3-haiku-20240307-v1:0",
        INTERVIEWS_SQLITE_PATH=str(tmp_path / "interviews.sqlite3"),
    )

    check_deployment(container_with(settings, check), with_queue=False)

    assert check.checks == 1


def test_no_model_is_checked_without_bedrock(tmp_path: Path) -> None:
    check = SpyModelCheck(ConfigurationError("never asked"))
    settings = Settings(
        INTERVIEWS_BACKEND="local", INTERVIEWS_SQLITE_PATH=str(tmp_path / "interviews.sqlite3")
    )

    check_deployment(container_with(settings, check), with_queue=False)

    assert check.checks == 0


def test_a_refused_model_stops_the_start_up(tmp_path: Path) -> None:
    check = SpyModelCheck(ConfigurationError("model x is not known in this region"))
    settings = Settings(
        INTERVIEWS_BACKEND="local",
        INTERVIEWS_QUESTION_EXTRACTOR="bedrock",
        INTERVIEWS_BEDROCK_MODEL_ID="x.y",
        INTERVIEWS_SQLITE_PATH=str(tmp_path / "interviews.sqlite3"),
    )

    with pytest.raises(ConfigurationError, match="not known"):
        check_deployment(container_with(settings, check), with_queue=False)
