"""Fixtures for real speech recognition: one loaded model per session, sample audio, transcripts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from speech_audio import extract_wav

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from interview_core.entities import AudioFile, Transcript


@pytest.fixture(scope="session")
def sample_folder(samples_dir: Path) -> Callable[[str], Path]:
    """The folder of a committed sample, failing clearly when it is absent."""

    def folder(name: str) -> Path:
        path = samples_dir / name
        if not (path / f"{name}.mp4").is_file() or not (path / "script.json").is_file():
            pytest.fail(f"sample {name} is missing its video or script.json in {path}")
        return path

    return folder


@pytest.fixture(scope="session")
def sample_script(sample_folder: Callable[[str], Path]) -> Callable[[str], dict[str, Any]]:
    """The ground truth script.json of a sample."""

    def script(name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(
            (sample_folder(name) / "script.json").read_text(encoding="utf-8")
        )
        return loaded

    return script


@pytest.fixture(scope="session")
def sample_audio(
    sample_folder: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], AudioFile]:
    """The whole audio of a sample as 16 kHz mono wav, extracted once per session."""
    cache: dict[str, AudioFile] = {}
    folder = tmp_path_factory.mktemp("sample-audio")

    def audio(name: str) -> AudioFile:
        if name not in cache:
            video = sample_folder(name) / f"{name}.mp4"
            cache[name] = extract_wav(video, folder / f"{name}.wav")
        return cache[name]

    return audio


@pytest.fixture(scope="session")
def whisper() -> Iterator[FasterWhisperTranscriber]:
    """The default transcriber (bundled tiny.en, 2 threads), loaded once for the session."""
    transcriber = FasterWhisperTranscriber()
    transcriber.load()
    yield transcriber


@pytest.fixture(scope="session")
def sample_transcript(
    whisper: FasterWhisperTranscriber, sample_audio: Callable[[str], AudioFile]
) -> Callable[[str], Transcript]:
    """The transcript of a whole sample, recognised once per session."""
    cache: dict[str, Transcript] = {}

    def transcript(name: str) -> Transcript:
        if name not in cache:
            cache[name] = whisper.transcribe(sample_audio(name), job_id=f"sample-{name}")
        return cache[name]

    return transcript
