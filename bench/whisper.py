"""Offline speech recognition speed: FasterWhisperTranscriber's real-time factor on 2 threads."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

import jiwer

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from bench.rows import BenchRow
from interview_core.entities import AudioFile

PCM_16K_MONO = (1, 2, 16000)
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
RTF_TARGET = 0.10
CPU_THREADS = 2
FULL_PLAYLIST = ("interview", "technical", "interview")
"""About four minutes of speech: both samples, the demo interview twice."""
QUICK_PLAYLIST = ("interview",)


def run(quick: bool) -> list[BenchRow]:
    """Model load time and real-time factor on the samples joined into one recording."""
    playlist = QUICK_PLAYLIST if quick else FULL_PLAYLIST
    with tempfile.TemporaryDirectory(prefix="bench-whisper-") as folder:
        audio = _joined_audio(playlist, Path(folder) / "joined.wav")
        transcriber = FasterWhisperTranscriber(cpu_threads=CPU_THREADS)
        load_seconds = _timed(transcriber.load)
        print(f"  transcribing {audio.duration:.0f} s of audio ...", file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        cpu_started = time.process_time()
        started = time.perf_counter()
        transcript = transcriber.transcribe(audio, job_id="bench")
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        load_after = os.getloadavg()[0]
    reference = _normalise(" ".join(_script_text(name) for name in playlist))
    error_rate = jiwer.wer(reference, _normalise(transcript.text))
    factor = wall / audio.duration
    names = " + ".join(playlist)
    return [
        BenchRow(
            benchmark="whisper tiny.en model load (bundled, int8)",
            measured=f"{load_seconds:.2f} s",
            target="reported apart",
            met=True,
            detail="once per process; includes the Silero VAD model",
        ),
        BenchRow(
            benchmark=f"whisper tiny.en real-time factor, {CPU_THREADS} threads",
            measured=f"{factor:.3f}",
            target=f"<= {RTF_TARGET:.2f}",
            met=factor <= RTF_TARGET,
            detail=(
                f"{wall:.1f} s wall ({cpu:.1f} s CPU) for {audio.duration:.0f} s of audio "
                f"({names}); WER {error_rate:.3f}; load average {load_before:.1f} -> "
                f"{load_after:.1f}; model load excluded"
            ),
        ),
    ]


def _timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _joined_audio(playlist: tuple[str, ...], destination: Path) -> AudioFile:
    """The samples' audio as one 16 kHz mono WAV, extracted by the pipeline's own extractor."""
    extractor = FfmpegAudioExtractor()
    frames = 0
    with wave.open(str(destination), "wb") as joined:
        joined.setnchannels(1)
        joined.setsampwidth(2)
        joined.setframerate(16000)
        for name in playlist:
            with extractor.extract(SAMPLES / name / f"{name}.mp4") as audio:
                with wave.open(str(audio.path), "rb") as part:
                    layout = (part.getnchannels(), part.getsampwidth(), part.getframerate())
                    if layout != PCM_16K_MONO:
                        raise RuntimeError(f"{audio.path} is not 16 kHz mono 16-bit PCM")
                    frames += part.getnframes()
                    joined.writeframes(part.readframes(part.getnframes()))
    return AudioFile(path=destination, duration=frames / 16000, sample_rate=16000, channels=1)


def _script_text(name: str) -> str:
    script = json.loads((SAMPLES / name / "script.json").read_text(encoding="utf-8"))
    return " ".join(turn["text"] for turn in script["turns"])


def _normalise(text: str) -> str:
    """Lowercase, no apostrophes, other punctuation as spaces, single spaces."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in text).split())
