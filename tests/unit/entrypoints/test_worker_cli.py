"""`--mode sqs` wiring: the WORKER_* settings, the command line, serve() over the container."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dependency_injector import providers
from pydantic import ValidationError

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.local.sqlite_message_source import SqliteMessageSource
from entrypoints.builders import delivery_policy, sqlite_message_source, worker_options
from entrypoints.cli import main
from entrypoints.container import Container
from entrypoints.settings import Settings
from entrypoints.worker import serve
from entrypoints.worker.heartbeat import heartbeat_interval
from interview_core.clock import SystemClock
from interview_core.delivery import InvalidMessageAction
from interview_core.entities import AudioFile, Interview
from interview_core.errors import ConfigurationError, ToolMissing
from interview_core.state import InterviewState
from tests.container_fakes import fake_container, spy_media_ports
from tests.unit.fakes import (
    SpyAudioExtractor,
)

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_", "WORKER_")):
            monkeypatch.delenv(name)


pytestmark = pytest.mark.usefixtures("restored_logging")  # main() configures the root logger


# --- settings ------------------------------------------------------------------------------


def test_worker_defaults() -> None:
    settings = Settings()
    assert settings.worker_concurrency == 4
    assert settings.worker_max_attempts == 5
    assert settings.worker_shutdown_grace_seconds == 25.0
    assert settings.worker_invalid_messages is InvalidMessageAction.DEAD_LETTER
    assert settings.worker_heartbeat_file is None
    assert delivery_policy(settings).busy_delay_seconds == settings.lease_seconds


def test_the_defaults_renew_a_short_lease_and_outlast_it_with_the_visibility() -> None:
    settings = Settings()
    options = worker_options(settings)
    beat = heartbeat_interval(options.visibility_seconds, options.lease_seconds)
    assert options.lease_seconds <= 120
    assert beat <= options.lease_seconds / 3
    assert options.visibility_seconds > options.lease_seconds  # a killed holder's lease is out
    assert options.job_timeout_seconds == settings.job_timeout_seconds == 4 * 3600
    assert options.job_timeout_seconds > settings.media_timeout_seconds


@pytest.mark.parametrize(("job", "media"), [("3600", "3600"), ("100", "600")])
def test_a_job_timeout_not_above_the_media_timeout_is_refused(
    monkeypatch: pytest.MonkeyPatch, job: str, media: str
) -> None:
    monkeypatch.setenv("INTERVIEWS_JOB_TIMEOUT_SECONDS", job)
    monkeypatch.setenv("INTERVIEWS_MEDIA_TIMEOUT_SECONDS", media)
    with pytest.raises(ValidationError, match="INTERVIEWS_JOB_TIMEOUT_SECONDS"):
        Settings()


def test_the_sqlite_queue_dead_letters_three_receives_after_the_last_attempt(
    tmp_path: Path,
) -> None:
    settings = Settings(INTERVIEWS_SQLITE_PATH=tmp_path / "q.sqlite3", WORKER_MAX_ATTEMPTS=2)
    source = sqlite_message_source(settings, SystemClock())
    assert isinstance(source, SqliteMessageSource)
    source.send(json.dumps({"interview_id": ID}))

    for receive in (1, 2, 3, 4, 5):
        [message] = source.receive(1, 0)
        assert message.receive_count == receive
        source.release(message, 0)

    assert source.receive(1, 0) == []
    assert [dead.receive_count for dead in source.dead_letters] == [5]


def test_worker_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    values = {
        "WORKER_CONCURRENCY": "16",
        "WORKER_MAX_ATTEMPTS": "3",
        "WORKER_BACKOFF_BASE_SECONDS": "2",
        "WORKER_BACKOFF_MAX_SECONDS": "60",
        "WORKER_BUSY_DELAY_SECONDS": "7",
        "WORKER_INVALID_MESSAGES": "delete",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS": "45",
        "WORKER_WAIT_SECONDS": "5",
        "WORKER_SHUTDOWN_GRACE_SECONDS": "9",
        "WORKER_HEARTBEAT_FILE": str(tmp_path / "alive"),
        "INTERVIEWS_LEASE_SECONDS": "120",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    policy = delivery_policy(settings)
    assert (policy.max_attempts, policy.backoff_base_seconds, policy.backoff_max_seconds) == (
        3,
        2.0,
        60.0,
    )
    assert (policy.busy_delay_seconds, policy.invalid_messages) == (7.0, "delete")
    options = worker_options(settings, max_messages=5, idle_exit_seconds=2.5)
    assert (options.concurrency, options.visibility_seconds, options.wait_seconds) == (16, 45, 5)
    assert (options.grace_seconds, options.lease_seconds) == (9.0, 120.0)
    assert (options.max_messages, options.idle_exit_seconds) == (5, 2.5)
    assert options.heartbeat_file == tmp_path / "alive"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WORKER_CONCURRENCY", "0"),
        ("WORKER_MAX_ATTEMPTS", "0"),
        ("WORKER_BACKOFF_BASE_SECONDS", "0"),
        ("WORKER_BACKOFF_MAX_SECONDS", "50000"),
        ("WORKER_INVALID_MESSAGES", "ignore"),
        ("WORKER_WAIT_SECONDS", "21"),
        ("WORKER_VISIBILITY_TIMEOUT_SECONDS", "0"),
        ("WORKER_SHUTDOWN_GRACE_SECONDS", "-1"),
    ],
)
def test_invalid_worker_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings()


def test_a_stub_transcript_setting_makes_the_stub_return_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "fixed.transcript.json"
    segment = {"start": 0.0, "end": 2.0, "speaker": "interviewer", "text": "Why us?"}
    path.write_text(json.dumps({"language": "en", "segments": [segment]}))
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "stub")
    monkeypatch.setenv("INTERVIEWS_STUB_TRANSCRIPT", str(path))
    container = Container()
    transcript = container.transcriber().transcribe(
        AudioFile(path=tmp_path / "a.wav", duration=2.0), job_id="j"
    )
    assert transcript.text == "Why us?"


@pytest.mark.parametrize("content", [None, "{not json", '{"segments": "none"}'])
def test_a_stub_transcript_setting_that_cannot_be_read_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "fixed.transcript.json"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "stub")
    monkeypatch.setenv("INTERVIEWS_STUB_TRANSCRIPT", str(path))

    with pytest.raises(ConfigurationError) as refused:
        Container().transcriber()

    message = str(refused.value)
    assert message.startswith("CONFIGURATION_ERROR: INTERVIEWS_STUB_TRANSCRIPT: ")
    assert "fixed.transcript.json" in message


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["INTERVIEWS_MESSAGE_SOURCE", "INTERVIEWS_REPOSITORY"])
def test_sqs_mode_refuses_in_memory_storage_that_no_other_process_shares(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    monkeypatch.setenv(variable, "memory")
    code = main(["--mode", "sqs", "--log-file", str(tmp_path / "log")])
    assert code == 2
    err = capsys.readouterr().err
    assert "CONFIGURATION_ERROR" in err
    assert "INTERVIEWS_MESSAGE_SOURCE and INTERVIEWS_REPOSITORY to sqlite" in err


@pytest.mark.parametrize("flags", [["--max-messages", "0"], ["--idle-exit", "-1"]])
def test_stop_flags_must_be_positive(flags: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--mode", "sqs", *flags])
    assert stopped.value.code == 2


# --- serve over the container --------------------------------------------------------------


def _container(queue: InMemoryMessageSource, repository: InMemoryInterviewRepository) -> Container:
    return fake_container(message_source=queue, repository=repository, **spy_media_ports())


def test_serve_refuses_an_in_process_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_MESSAGE_SOURCE", "memory")
    with pytest.raises(ConfigurationError, match="INTERVIEWS_MESSAGE_SOURCE"):
        serve(Container(), max_messages=1)


def test_serve_works_the_configured_queue_and_stops_after_max_messages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWS_MESSAGE_SOURCE", "sqs")
    monkeypatch.setenv("WORKER_WAIT_SECONDS", "0.05")
    monkeypatch.setenv("INTERVIEWS_EMF_METRICS", "true")
    queue, repository = InMemoryMessageSource(), InMemoryInterviewRepository()
    repository.add(Interview(id=ID, video_path="videos/a.mp4"))
    queue.send(json.dumps({"interview_id": ID}))
    exits: list[int] = []
    assert serve(_container(queue, repository), max_messages=1, exit_now=exits.append) == 0
    assert exits == []
    assert repository.get(ID).state is InterviewState.COMPLETED
    assert len(queue) == 0
    [emf] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "_aws" in emf  # one embedded-metric line per processed interview


def test_serve_exits_2_and_keeps_the_message_after_a_deployment_fault(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWS_MESSAGE_SOURCE", "sqs")
    monkeypatch.setenv("WORKER_WAIT_SECONDS", "0.05")
    queue, repository = InMemoryMessageSource(), InMemoryInterviewRepository()
    repository.add(Interview(id=ID, video_path="videos/a.mp4"))
    queue.send(json.dumps({"interview_id": ID}))
    container = _container(queue, repository)
    extractor = SpyAudioExtractor()
    extractor.faults.fail(ToolMissing("ffmpeg was not found: set INTERVIEWS_FFMPEG_BINARY"))
    container.audio_extractor.override(providers.Object(extractor))

    assert serve(container, idle_exit_seconds=5) == 2

    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert errors == ["error: TOOL_MISSING: ffmpeg was not found: set INTERVIEWS_FFMPEG_BINARY"]
    assert repository.get(ID).state is not InterviewState.FAILED
    assert len(queue) == 1 and len(queue.in_flight()) == 1


def test_serve_reports_a_fatal_queue_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_MESSAGE_SOURCE", "sqs")

    class MissingQueue(InMemoryMessageSource):
        def receive(self, max_messages: int, wait_seconds: float) -> list:  # type: ignore[type-arg]
            raise ConfigurationError("the queue does not exist")

    container = _container(MissingQueue(), InMemoryInterviewRepository())
    with pytest.raises(ConfigurationError, match="does not exist"):
        serve(container, idle_exit_seconds=5)
