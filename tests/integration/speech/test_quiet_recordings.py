"""A quiet recording is recognised as well as a loud one: quiet speech is raised first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import jiwer
from speech_audio import normalise

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from interview_core.entities import AudioFile
from tests.real_interviews import SPOKEN, spoken_turns

NAME = "nara_nprc_mcguire_2023"
"""A real interview spoken by two voices (about five minutes)."""
QUIETER_DB = 20.0
"""How far below the committed recording the quiet copy is: a meeting recorded far from
the microphone. Without raising it, tiny.en misses more than twice as many words there."""
TOLERANCE = 0.02
"""How much worse than as recorded the quiet copy may be heard (a word in fifty)."""


def quieter(source: Path, destination: Path) -> AudioFile:
    """`source` as 16-bit 16 kHz mono, QUIETER_DB quieter."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
        "-i", str(source), "-af", f"volume=-{QUIETER_DB}dB", "-ac", "1", "-ar", "16000",
        "-c:a", "pcm_s16le", str(destination),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return AudioFile(path=destination, duration=0.0)


def test_a_quiet_copy_of_a_real_interview_is_heard_about_as_well(
    tmp_path: Path, whisper: FasterWhisperTranscriber
) -> None:
    said = normalise(" ".join(turn["text"] for turn in spoken_turns(NAME)))
    recording = SPOKEN / f"{NAME}.opus"

    as_recorded = jiwer.wer(said, normalise(whisper.transcribe(
        AudioFile(path=recording, duration=0.0), job_id="as-recorded").text))  # fmt: skip
    quiet = quieter(recording, tmp_path / "quiet.wav")
    raised = jiwer.wer(said, normalise(whisper.transcribe(quiet, job_id="quiet").text))

    print(f"\n{NAME}: WER as recorded {as_recorded:.3f}, {QUIETER_DB:.0f} dB quieter {raised:.3f}")
    assert raised <= as_recorded + TOLERANCE
