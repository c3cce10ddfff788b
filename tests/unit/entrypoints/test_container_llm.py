"""The container builds the OpenAI-compatible extractor and the answer suggesters on request."""

from __future__ import annotations

import os

import pytest

from entrypoints.container import Container
from entrypoints.settings import Settings
from interview_core.errors import ConfigurationError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


def _container() -> Container:
    container = Container()
    container.settings.override(Settings())
    return container


def test_by_default_no_suggester_runs_and_the_extractor_keeps_its_answers() -> None:
    container = _container()

    assert container.answer_suggester() is None
    assert type(container.question_extractor()).__name__ == "HeuristicQuestionExtractor"


def test_the_openai_extractor_is_pointed_by_the_sdk_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTERVIEWS_QUESTION_EXTRACTOR", "openai")
    monkeypatch.setenv("INTERVIEWS_ANSWER_SUGGESTER", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    monkeypatch.setenv("INTERVIEWS_OPENAI_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("INTERVIEWS_OPENAI_STRUCTURED_OUTPUT", "json_schema")
    monkeypatch.setenv("INTERVIEWS_OPENAI_TIMEOUT_SECONDS", "42")
    container = _container()

    extractor = container.question_extractor()
    client = container.openai_client()

    assert type(extractor).__name__ == "OpenAIQuestionExtractor"
    assert type(container.answer_suggester()).__name__ == "OpenAIAnswerSuggester"
    assert str(client.base_url).rstrip("/") == "http://127.0.0.1:9/v1"
    assert client.api_key == "sk-local" and client.timeout == 42.0
    assert container.openai_chat().model == "qwen2.5:7b"
    assert str(container.openai_chat().structured_output) == "json_schema"


def test_the_bedrock_suggester_uses_the_bedrock_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_ANSWER_SUGGESTER", "bedrock")
    monkeypatch.setenv("INTERVIEWS_BEDROCK_MODEL_ID", "anthropic.claude-test")

    assert type(_container().answer_suggester()).__name__ == "BedrockAnswerSuggester"


@pytest.mark.parametrize("port", ["question_extractor", "answer_suggester"])
def test_a_missing_model_names_the_variable(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("INTERVIEWS_QUESTION_EXTRACTOR", "openai")
    monkeypatch.setenv("INTERVIEWS_ANSWER_SUGGESTER", "openai")

    with pytest.raises(ConfigurationError, match="INTERVIEWS_OPENAI_MODEL"):
        getattr(_container(), port)()


def test_an_unknown_suggester_is_refused_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_ANSWER_SUGGESTER", "gpt")

    with pytest.raises(ValueError, match="INTERVIEWS_ANSWER_SUGGESTER|answer_suggester"):
        Settings()
