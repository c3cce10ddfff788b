"""The container builds the adapters the settings choose, and only those."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from entrypoints.container import Container
from entrypoints.settings import Settings
from interview_core.errors import ConfigurationError
from interview_core.process_interview import ProcessInterview


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_", "WORKER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


def _container() -> Container:
    container = Container()
    container.settings.override(Settings())
    return container


def _aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_BACKEND", "aws")
    monkeypatch.setenv("AWS_S3_BUCKET", "videos")
    monkeypatch.setenv("AWS_SQS_QUEUE_URL", "http://127.0.0.1:9/000000000000/interviews")
    monkeypatch.setenv("INTERVIEWS_BEDROCK_MODEL_ID", "anthropic.claude-test")


def test_local_preset_builds_local_adapters() -> None:
    container = _container()
    names = {
        port: type(getattr(container, port)()).__name__
        for port in ("video_store", "transcriber", "question_extractor", "repository")
    }
    assert names == {
        "video_store": "LocalFileVideoStore",
        "transcriber": "FasterWhisperTranscriber",
        "question_extractor": "HeuristicQuestionExtractor",
        "repository": "SqliteInterviewRepository",
    }
    assert container.in_place_transcriber() is None


def test_adapters_are_singletons_so_the_model_loads_once() -> None:
    container = _container()
    assert container.transcriber() is container.transcriber()
    first, second = container.process_video(), container.process_video()
    assert first is not second


def test_aws_preset_builds_aws_adapters(monkeypatch: pytest.MonkeyPatch) -> None:
    _aws(monkeypatch)
    container = _container()
    names = {
        port: type(getattr(container, port)()).__name__
        for port in (
            "video_store",
            "transcriber",
            "question_extractor",
            "repository",
            "message_source",
            "in_place_transcriber",
        )
    }
    assert names == {
        "video_store": "S3VideoStore",
        "transcriber": "TranscribeTranscriber",
        "question_extractor": "BedrockQuestionExtractor",
        "repository": "DynamoDBInterviewRepository",
        "message_source": "SqsMessageSource",
        "in_place_transcriber": "S3InPlaceTranscriber",
    }
    assert isinstance(container.process_interview(), ProcessInterview)


def test_direct_transcription_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    _aws(monkeypatch)
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_DIRECT", "false")
    assert _container().in_place_transcriber() is None


def test_direct_transcription_needs_s3_and_transcribe(monkeypatch: pytest.MonkeyPatch) -> None:
    _aws(monkeypatch)
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "whisper")
    assert _container().in_place_transcriber() is None


def test_recogniser_settings_reach_the_transcriber(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "whisper")
    monkeypatch.setenv("INTERVIEWS_WHISPER_DECODER", "sequential")
    assert not _container().transcriber().decodes_in_batches(3600.0)
    monkeypatch.setenv("INTERVIEWS_WHISPER_DECODER", "batched")
    assert _container().transcriber().decodes_in_batches(10.0)


def test_mixed_configuration_overrides_one_port(monkeypatch: pytest.MonkeyPatch) -> None:
    _aws(monkeypatch)
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "stub")
    monkeypatch.setenv("INTERVIEWS_QUESTION_EXTRACTOR", "heuristic")
    container = _container()
    assert type(container.transcriber()).__name__ == "StubTranscriber"
    assert type(container.question_extractor()).__name__ == "HeuristicQuestionExtractor"
    assert type(container.repository()).__name__ == "DynamoDBInterviewRepository"


@pytest.mark.parametrize(
    ("port", "missing", "variable"),
    [
        ("video_store", "AWS_S3_BUCKET", "AWS_S3_BUCKET"),
        ("question_extractor", "INTERVIEWS_BEDROCK_MODEL_ID", "INTERVIEWS_BEDROCK_MODEL_ID"),
    ],
)
def test_missing_required_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, port: str, missing: str, variable: str
) -> None:
    _aws(monkeypatch)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigurationError, match=variable):
        getattr(_container(), port)()


def test_a_provider_can_be_overridden_with_a_fake() -> None:
    from adapters.local.stub_transcriber import StubTranscriber

    container = _container()
    fake = StubTranscriber()
    container.transcriber.override(fake)
    assert container.transcriber() is fake


def test_the_container_names_no_adapter_by_string() -> None:
    import inspect

    from entrypoints import container as module

    source = inspect.getsource(module)
    assert "adapters." not in source
    assert "importlib" not in source


def test_delivery_rules_come_from_the_container(monkeypatch: pytest.MonkeyPatch) -> None:
    from entrypoints.delivery_handler import DeliveryHandler

    monkeypatch.setenv("WORKER_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("INTERVIEWS_LEASE_SECONDS", "120")
    container = _container()
    policy = container.delivery_policy()
    assert (policy.max_attempts, policy.busy_delay_seconds) == (7, 120.0)
    handler = container.delivery_handler()
    assert isinstance(handler, DeliveryHandler)
    assert handler is container.delivery_handler()
    assert handler.policy is policy


def test_worker_options_take_the_command_line_and_refuse_in_memory_storage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = _container().worker_options(max_messages=3, idle_exit_seconds=1.5)
    assert (options.max_messages, options.idle_exit_seconds) == (3, 1.5)
    monkeypatch.setenv("INTERVIEWS_REPOSITORY", "memory")
    with pytest.raises(ConfigurationError, match="INTERVIEWS_REPOSITORY"):
        _container().worker_options()


def test_media_work_is_the_extractor_when_it_can_be_cancelled() -> None:
    from dependency_injector import providers

    from tests.unit.fakes import SpyAudioExtractor

    container = _container()
    media = container.media_work()
    assert media is container.audio_extractor()
    assert media is not None and media.cancel_all() == 0
    container.audio_extractor.override(providers.Object(SpyAudioExtractor()))
    assert container.media_work() is None


def test_the_fake_container_overrides_only_the_named_ports() -> None:
    from tests.container_fakes import fake_container
    from tests.unit.fakes import SpyTranscriber

    spy = SpyTranscriber()
    container = fake_container(Settings(), transcriber=spy)
    assert container.transcriber() is spy
    assert type(container.question_extractor()).__name__ == "HeuristicQuestionExtractor"
    with pytest.raises(TypeError, match="clock"):
        fake_container(clock=object())


def test_local_give_backs_go_through_the_worker_own_queue_and_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INTERVIEWS_SQLITE_PATH", str(tmp_path / "interviews.sqlite3"))
    container = _container()
    assert container.give_back_message_source() is container.message_source()
    assert container.give_back_repository() is container.repository()


def test_aws_give_backs_use_separate_clients_with_short_timeouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _aws(monkeypatch)
    container = _container()
    source, give_back_source = container.message_source(), container.give_back_message_source()
    repository, give_back_repository = container.repository(), container.give_back_repository()
    assert type(give_back_source) is type(source)
    assert type(give_back_repository) is type(repository)
    assert give_back_source is not source and give_back_repository is not repository
    assert give_back_source.queue_url == source.queue_url  # type: ignore[attr-defined]
    for client in (give_back_source._client, give_back_repository._client):  # type: ignore[attr-defined]
        config = client.meta.config
        assert config.read_timeout < 5
        assert config.retries["total_max_attempts"] <= 2
    assert source._client.meta.config.read_timeout > 20  # type: ignore[attr-defined]


def test_transcribe_jobs_are_deferred_with_the_data_access_role_and_say_so_once_when_not(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _aws(monkeypatch)
    caplog.set_level("INFO", logger="entrypoints.builders")
    container = _container()
    transcriber = container.transcriber()
    container.transcriber()
    container.in_place_transcriber()
    notes = [r.getMessage() for r in caplog.records if "not deferred" in r.getMessage()]
    assert not transcriber.defers_jobs
    assert len(notes) == 1
    assert "INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN" in notes[0]

    caplog.clear()
    role = "arn:aws:iam::123456789012:role/ai-interviews-transcribe"
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN", role)
    assert _container().transcriber().defers_jobs
    assert not [r for r in caplog.records if "not deferred" in r.getMessage()]


# --- the stage store: what a retry resumes from ----------------------------------------------


def test_the_local_preset_keeps_stages_in_a_folder_beside_the_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INTERVIEWS_SQLITE_PATH", str(tmp_path / "data" / "interviews.sqlite3"))
    store = _container().stage_store()

    assert type(store).__name__ == "LocalFileStageStore"
    assert store.root == tmp_path / "data" / "interviews.sqlite3-stages"  # type: ignore[union-attr]
    assert not store.root.exists()  # type: ignore[union-attr]  # made on the first write


def test_the_aws_preset_keeps_stages_under_the_transcript_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _aws(monkeypatch)
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_PREFIX", "kept")
    store = _container().stage_store()

    assert type(store).__name__ == "S3StageStore"
    assert store.key("iv-1", 2, "transcript.json") == "kept/iv-1/g2/transcript.json"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"INTERVIEWS_REPOSITORY": "memory"}, "InMemoryStageStore"),
        ({"INTERVIEWS_STAGE_STORE": "memory"}, "InMemoryStageStore"),
        ({"INTERVIEWS_STAGE_STORE": "off"}, "NoneType"),
    ],
)
def test_the_stage_store_follows_the_repository_or_its_own_setting(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    assert type(_container().stage_store()).__name__ == expected


def test_a_transcript_prefix_s3_refuses_is_the_deployments_fault(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _aws(monkeypatch)
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_PREFIX", "../escape")

    with pytest.raises(ConfigurationError, match="INTERVIEWS_TRANSCRIBE_PREFIX"):
        _container().stage_store()


def test_an_unknown_stage_store_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_STAGE_STORE", "redis")

    with pytest.raises(ValueError, match="INTERVIEWS_STAGE_STORE"):
        Settings()


def test_the_named_interviewers_reach_the_use_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_INTERVIEWER_SPEAKERS", "spk_1,spk_2")
    container = _container()
    assert container.interviewers().speakers == ("spk_1", "spk_2")
    assert type(container.speaker_role_finder()).__name__ == "HeuristicSpeakerRoleFinder"
    _aws(monkeypatch)
    container = _container()  # the aws preset finds the roles too
    assert type(container.speaker_role_finder()).__name__ == "HeuristicSpeakerRoleFinder"
    assert isinstance(container.process_interview(), ProcessInterview)
