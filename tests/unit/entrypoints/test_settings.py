"""Settings: the upstream's variable names, presets and per-port overrides."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from entrypoints.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_")):
            monkeypatch.delenv(name)


def test_local_preset_is_the_default() -> None:
    settings = Settings()
    assert (
        settings.video_store,
        settings.transcriber,
        settings.question_extractor,
        settings.repository,
        settings.message_source,
    ) == ("local", "whisper", "heuristic", "sqlite", "sqlite")


def test_aws_preset_selects_every_aws_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_BACKEND", "aws")
    settings = Settings()
    assert (
        settings.video_store,
        settings.transcriber,
        settings.question_extractor,
        settings.repository,
        settings.message_source,
    ) == ("s3", "transcribe", "bedrock", "dynamodb", "sqs")


def test_one_port_can_be_overridden_within_a_preset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_BACKEND", "aws")
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBER", "stub")
    monkeypatch.setenv("INTERVIEWS_QUESTION_EXTRACTOR", "heuristic")
    settings = Settings()
    assert settings.transcriber == "stub"
    assert settings.question_extractor == "heuristic"
    assert settings.repository == "dynamodb"


def test_seed_variable_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_S3_BUCKET", "videos")
    monkeypatch.setenv("AWS_SQS_QUEUE_URL", "http://127.0.0.1:1/queue/q")
    monkeypatch.setenv("AWS_DYNAMODB_INTERVIEWS_TABLE", "interviews")
    monkeypatch.setenv("AWS_DYNAMODB_QUESTIONS_TABLE", "questions")
    settings = Settings()
    assert settings.aws_region == "eu-west-1"
    assert settings.aws_s3_bucket == "videos"
    assert settings.aws_sqs_queue_url == "http://127.0.0.1:1/queue/q"
    assert settings.aws_dynamodb_interviews_table == "interviews"
    assert settings.aws_dynamodb_questions_table == "questions"


def test_seed_table_names_are_the_defaults() -> None:
    settings = Settings()
    assert settings.aws_dynamodb_interviews_table == "app-interviews-interviews"
    assert settings.aws_dynamodb_questions_table == "app-interviews-questions"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INTERVIEWS_BACKEND", "azure"),
        ("INTERVIEWS_TRANSCRIBER", "magic"),
        ("INTERVIEWS_LEASE_SECONDS", "-5"),
        ("INTERVIEWS_LOG_FORMAT", "xml"),
    ],
)
def test_invalid_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("variable", "value", "refused"),
    [
        ("INTERVIEWS_MESSAGE_SOURCE", "memory", True),
        ("INTERVIEWS_REPOSITORY", "memory", True),
        ("INTERVIEWS_REPOSITORY", "sqlite", False),
        ("INTERVIEWS_BACKEND", "aws", False),
    ],
)
def test_a_worker_needs_storage_other_processes_share(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, refused: bool
) -> None:
    from interview_core.errors import ConfigurationError

    monkeypatch.setenv(variable, value)
    settings = Settings()
    if refused:
        with pytest.raises(ConfigurationError, match="INTERVIEWS_MESSAGE_SOURCE"):
            settings.check_worker_storage()
    else:
        settings.check_worker_storage()


def test_the_recogniser_decodes_long_audio_in_batches_by_default() -> None:
    settings = Settings()
    assert (settings.whisper_decoder, settings.whisper_batch_size) == ("auto", 4)
    assert settings.whisper_beam_size == 3


def test_the_recogniser_decoder_and_batch_size_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_WHISPER_DECODER", "sequential")
    monkeypatch.setenv("INTERVIEWS_WHISPER_BATCH_SIZE", "2")
    monkeypatch.setenv("INTERVIEWS_WHISPER_BEAM_SIZE", "1")
    settings = Settings()
    assert (settings.whisper_decoder, settings.whisper_batch_size) == ("sequential", 2)
    assert settings.whisper_beam_size == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INTERVIEWS_WHISPER_DECODER", "parallel"),
        ("INTERVIEWS_WHISPER_BATCH_SIZE", "0"),
        ("INTERVIEWS_WHISPER_BEAM_SIZE", "0"),
        ("INTERVIEWS_WHISPER_BEAM_SIZE", "11"),
    ],
)
def test_bad_recogniser_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_log_file_setting_turns_the_log_file_off(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("INTERVIEWS_LOG_FILE", value)
    assert Settings().log_file is None


def test_the_log_file_defaults_to_the_upstreams_name() -> None:
    assert str(Settings().log_file) == "interview_processing.log"


def test_transcribe_jobs_are_not_deferred_unless_a_data_access_role_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    role = "arn:aws:iam::123456789012:role/ai-interviews-transcribe"
    assert Settings().transcribe_data_access_role_arn is None
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN", f" {role} ")
    assert Settings().transcribe_data_access_role_arn == role
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN", "  ")
    assert Settings().transcribe_data_access_role_arn is None


@pytest.mark.parametrize(
    "value", ["ai-interviews-transcribe", "arn:aws:iam::123456789012:user/me", "arn:aws:s3:::b"]
)
def test_a_data_access_role_that_is_not_a_role_arn_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN", value)
    with pytest.raises(ValidationError, match="INTERVIEWS_TRANSCRIBE_DATA_ACCESS_ROLE_ARN"):
        Settings()


def test_the_lambda_stage_margin_defaults_to_two_minutes_within_the_functions_15(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().lambda_stage_margin_seconds == 120.0
    monkeypatch.setenv("INTERVIEWS_LAMBDA_STAGE_MARGIN_SECONDS", "30")
    assert Settings().lambda_stage_margin_seconds == 30.0
    for refused in ("-1", "901", "soon"):
        monkeypatch.setenv("INTERVIEWS_LAMBDA_STAGE_MARGIN_SECONDS", refused)
        with pytest.raises(ValidationError):
            Settings()


def test_no_interviewer_is_named_by_default() -> None:
    assert Settings().interviewer_labels == ()


@pytest.mark.parametrize(
    ("value", "labels"),
    [("spk_1", ("spk_1",)), (" spk_0 , spk_2,,spk_0 ", ("spk_0", "spk_2")), (" , ", ())],
)
def test_interviewers_are_read_comma_separated(
    monkeypatch: pytest.MonkeyPatch, value: str, labels: tuple[str, ...]
) -> None:
    monkeypatch.setenv("INTERVIEWS_INTERVIEWER_SPEAKERS", value)
    assert Settings().interviewer_labels == labels


@pytest.mark.parametrize("value", ["spk_0,spk\u00071", "x" * 65])
def test_an_unusable_interviewer_label_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("INTERVIEWS_INTERVIEWER_SPEAKERS", value)
    with pytest.raises(ValidationError, match="speaker label has at most 64 printable"):
        Settings()
