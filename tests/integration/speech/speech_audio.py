"""Helpers for speech tests: cut sample audio with the bundled ffmpeg, normalise text."""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from interview_core.entities import AudioFile

SAMPLE_NAMES = ("interview", "technical")


def extract_wav(
    video: Path, destination: Path, *, start: float = 0.0, seconds: float | None = None
) -> AudioFile:
    """Cut the audio of `video` into a 16 kHz mono PCM wav with the bundled ffmpeg."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y"]
    if start:
        command += ["-ss", f"{start:.3f}"]
    command += ["-i", str(video), "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"]
    if seconds is not None:
        command += ["-t", f"{seconds:.3f}"]
    command.append(str(destination))
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    with wave.open(str(destination), "rb") as wav:
        duration = wav.getnframes() / wav.getframerate()
    return AudioFile(path=destination, duration=duration, sample_rate=16000, channels=1)


def normalise(text: str) -> str:
    """Lowercase, drop apostrophes, turn other punctuation into spaces, collapse whitespace."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def script_text(script: dict[str, Any], turns: slice = slice(None)) -> str:
    """The spoken words of the script's turns, joined in order."""
    return " ".join(turn["text"] for turn in script["turns"][turns])
