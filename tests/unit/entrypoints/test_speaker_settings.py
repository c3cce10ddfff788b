"""Speaker label settings: on by default offline, off on request, a capped speaker count."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from entrypoints.builders import whisper_transcriber
from entrypoints.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "INTERVIEWS_")):
            monkeypatch.delenv(name)


def test_speaker_labels_are_on_by_default_with_at_most_six_speakers() -> None:
    settings = Settings()

    assert settings.diarization is True
    assert settings.max_speakers == 6
    transcriber = whisper_transcriber(settings)
    assert transcriber._diarizer is not None  # type: ignore[attr-defined]
    assert transcriber._diarizer._rules.max_speakers == 6  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", ["off", "false", "0"])
def test_diarization_off_builds_a_transcriber_without_speakers(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("INTERVIEWS_DIARIZATION", value)

    transcriber = whisper_transcriber(Settings())

    assert transcriber._diarizer is None  # type: ignore[attr-defined]


def test_the_speaker_cap_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_MAX_SPEAKERS", "3")

    transcriber = whisper_transcriber(Settings())

    assert transcriber._diarizer._rules.max_speakers == 3  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INTERVIEWS_MAX_SPEAKERS", "0"),
        ("INTERVIEWS_MAX_SPEAKERS", "many"),
        ("INTERVIEWS_DIARIZATION", "sometimes"),
    ],
)
def test_bad_speaker_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable):
        Settings()
