"""Which decoder FasterWhisperTranscriber uses, and the settings it refuses (no model loaded)."""

from __future__ import annotations

import pytest

from adapters.local.faster_whisper_transcriber import (
    BATCHED_FROM_SECONDS,
    FasterWhisperTranscriber,
)
from interview_core.errors import ConfigurationError


def test_auto_batches_from_the_threshold_on() -> None:
    auto = FasterWhisperTranscriber()
    assert not auto.decodes_in_batches(BATCHED_FROM_SECONDS - 0.1)
    assert auto.decodes_in_batches(BATCHED_FROM_SECONDS)
    assert auto.decodes_in_batches(4 * 3600)


def test_auto_without_the_vad_never_batches() -> None:
    assert not FasterWhisperTranscriber(vad_filter=False).decodes_in_batches(3600)


@pytest.mark.parametrize(("decoder", "batches"), [("batched", True), ("sequential", False)])
def test_a_chosen_decoder_holds_for_any_length(decoder: str, batches: bool) -> None:
    transcriber = FasterWhisperTranscriber(decoder=decoder)
    assert transcriber.decodes_in_batches(5.0) is batches
    assert transcriber.decodes_in_batches(3600.0) is batches


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"decoder": "parallel"}, "INTERVIEWS_WHISPER_DECODER"),
        ({"decoder": "batched", "vad_filter": False}, "INTERVIEWS_WHISPER_VAD"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_impossible_decoder_settings_are_refused(arguments: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        FasterWhisperTranscriber(**arguments)  # type: ignore[arg-type]


def test_the_beam_size_setting_reaches_the_recogniser(monkeypatch: pytest.MonkeyPatch) -> None:
    from entrypoints.builders import whisper_transcriber
    from entrypoints.settings import Settings

    monkeypatch.setenv("INTERVIEWS_WHISPER_BEAM_SIZE", "1")
    transcriber = whisper_transcriber(Settings())

    assert isinstance(transcriber, FasterWhisperTranscriber)
    assert transcriber._beam_size == 1


def test_the_library_and_the_settings_default_to_the_same_beam() -> None:
    from adapters.local.faster_whisper_transcriber import DEFAULT_BEAM_SIZE
    from entrypoints.builders import whisper_transcriber
    from entrypoints.settings import Settings

    built = whisper_transcriber(Settings())

    assert isinstance(built, FasterWhisperTranscriber)
    assert built._beam_size == FasterWhisperTranscriber()._beam_size == DEFAULT_BEAM_SIZE == 3
