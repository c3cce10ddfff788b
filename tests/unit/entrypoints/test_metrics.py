"""EMF metrics: one valid embedded-metric-format line per report, only when enabled."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from entrypoints import metrics
from entrypoints.metrics import (
    EmfMetricsWriter,
    configure_metrics,
    emf_document,
    emit_report_metrics,
    metric_name,
)
from entrypoints.settings import Settings
from interview_core.errors import ErrorKind
from interview_core.report import ErrorInfo, Outcome, ProcessingReport, StageTiming
from interview_core.usage import ModelUsage

SENTINEL = "SENTINEL-TRANSCRIPT-TEXT"


@pytest.fixture(autouse=True)
def metrics_off() -> Iterator[None]:
    configure_metrics(enabled=False)
    yield
    configure_metrics(enabled=False)


def _report(outcome: Outcome = Outcome.COMPLETED, **changes: object) -> ProcessingReport:
    fields: dict[str, object] = {
        "interview_id": "0b9e4c1e-5d43-4f5e-9a55-2f4f7c2a0c11",
        "outcome": outcome,
        "stages": (
            StageTiming("load", 0.01),
            StageTiming("extract_audio", 1.5),
            StageTiming("transcribe", 40.25),
            StageTiming("extract_questions", 5.0),
        ),
        "question_count": 7,
        "audio_seconds": 612.0,
    }
    fields.update(changes)
    return ProcessingReport(**fields)  # type: ignore[arg-type]


def _check_emf(document: dict[str, object]) -> None:
    """The rules of the EMF specification that a CloudWatch Logs ingestion would enforce."""
    meta = document["_aws"]
    assert isinstance(meta, dict)
    assert isinstance(meta["Timestamp"], int)
    for directive in meta["CloudWatchMetrics"]:
        assert 1 <= len(directive["Namespace"]) <= 255
        assert len(directive["Metrics"]) <= 100
        for dimension_set in directive["Dimensions"]:
            assert 1 <= len(dimension_set) <= 30
            for key in dimension_set:
                assert isinstance(document[key], str)
        names = [definition["Name"] for definition in directive["Metrics"]]
        assert len(names) == len(set(names))
        for definition in directive["Metrics"]:
            assert set(definition) <= {"Name", "Unit", "StorageResolution"}
            value = document[definition["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool)


def test_stage_names_become_camel_case_duration_metrics() -> None:
    assert metric_name("transcribe") == "transcribeDuration"
    assert metric_name("extract_audio") == "extractAudioDuration"
    assert metric_name("extract_questions") == "extractQuestionsDuration"


def test_document_follows_the_emf_specification() -> None:
    document = emf_document(_report(), namespace="Interviews/Test", timestamp_ms=1_700_000_000_123)
    _check_emf(document)
    directive = document["_aws"]["CloudWatchMetrics"][0]  # type: ignore[index]
    assert document["_aws"]["Timestamp"] == 1_700_000_000_123  # type: ignore[index]
    assert directive["Namespace"] == "Interviews/Test"
    assert directive["Dimensions"] == [["Outcome"]]
    units = {d["Name"]: d["Unit"] for d in directive["Metrics"]}
    assert units == {
        "loadDuration": "Seconds",
        "extractAudioDuration": "Seconds",
        "transcribeDuration": "Seconds",
        "extractQuestionsDuration": "Seconds",
        "Duration": "Seconds",
        "AudioDuration": "Seconds",
        "Questions": "Count",
        "Interviews": "Count",
    }


def test_document_carries_the_measured_values() -> None:
    document = emf_document(_report(), timestamp_ms=0)
    assert document["Outcome"] == "completed"
    assert document["transcribeDuration"] == 40.25
    assert document["extractAudioDuration"] == 1.5
    assert document["Duration"] == pytest.approx(46.76)
    assert document["AudioDuration"] == 612.0
    assert document["Questions"] == 7
    assert document["Interviews"] == 1
    assert document["interview_id"] == "0b9e4c1e-5d43-4f5e-9a55-2f4f7c2a0c11"


def test_only_stages_that_ran_are_reported() -> None:
    busy = _report(Outcome.BUSY, stages=(StageTiming("load", 0.02), StageTiming("claim", 0.03)))
    document = emf_document(busy, timestamp_ms=0)
    _check_emf(document)
    names = {d["Name"] for d in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]}  # type: ignore[index]
    assert "transcribeDuration" not in names
    assert "transcribeDuration" not in document
    assert {"loadDuration", "claimDuration"} <= names
    assert document["Outcome"] == "busy"


def test_unknown_audio_length_is_left_out() -> None:
    document = emf_document(_report(audio_seconds=None), timestamp_ms=0)
    _check_emf(document)
    assert "AudioDuration" not in document


def test_failed_report_names_its_error_code_but_not_its_message() -> None:
    failed = _report(
        Outcome.FAILED,
        question_count=0,
        error=ErrorInfo("NO_AUDIO_TRACK", f"detail {SENTINEL}", ErrorKind.INTERVIEW),
    )
    document = emf_document(failed, timestamp_ms=0)
    assert document["error_code"] == "NO_AUDIO_TRACK"
    assert SENTINEL not in json.dumps(document)


def test_disabled_metrics_write_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    emit_report_metrics(_report())
    assert capsys.readouterr().out == ""


def test_enabled_metrics_write_one_json_line_per_report() -> None:
    stream = io.StringIO()
    configure_metrics(enabled=True, namespace="Ns", stream=stream)
    emit_report_metrics(_report())
    emit_report_metrics(_report(Outcome.RETRY, question_count=0))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    documents = [json.loads(line) for line in lines]
    for document in documents:
        _check_emf(document)
    assert [d["Outcome"] for d in documents] == ["completed", "retry"]
    assert documents[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Ns"


def test_stdout_is_the_default_stream(capsys: pytest.CaptureFixture[str]) -> None:
    configure_metrics(enabled=True)
    emit_report_metrics(_report())
    line = json.loads(capsys.readouterr().out)
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == metrics.DEFAULT_NAMESPACE


def test_an_unwritable_stream_does_not_stop_processing(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    stream.close()
    configure_metrics(enabled=True, stream=stream)
    emit_report_metrics(_report())
    assert "metrics line not written" in caplog.text


@pytest.mark.parametrize("namespace", ["", "x" * 256])
def test_invalid_namespace_is_refused(namespace: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        EmfMetricsWriter(namespace)


def test_settings_turn_metrics_on_with_a_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_EMF_METRICS", "true")
    monkeypatch.setenv("INTERVIEWS_METRICS_NAMESPACE", "Team/Interviews")
    settings = Settings()
    assert settings.emf_metrics is True
    assert settings.metrics_namespace == "Team/Interviews"


def test_metrics_are_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERVIEWS_EMF_METRICS", raising=False)
    assert Settings().emf_metrics is False


def test_model_usage_becomes_metrics_only_when_a_model_was_asked() -> None:
    usage = ModelUsage(
        windows=5, requests=6, input_tokens=9000, output_tokens=1200, questions_left_out=2
    )

    asked = emf_document(_report(model_usage=usage), timestamp_ms=1)
    offline = emf_document(_report(), timestamp_ms=1)

    assert (asked["ModelRequests"], asked["InputTokens"], asked["OutputTokens"]) == (6, 9000, 1200)
    assert asked["QuestionsLeftOut"] == 2
    assert "InputTokens" not in offline
