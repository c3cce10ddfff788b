"""A quiet recording is recognised as well as a loud one: quiet speech is raised first."""

from __future__ import annotations

from pathlib import Path

import jiwer
from speech_audio import normalise

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from interview_core.entities import AudioFile
from tests.real_interviews import SPOKEN, quieter_copy, spoken_turns

NAME = "nara_nprc_mcguire_2023"
"""A real interview spoken by two voices (about five minutes)."""
QUIETER_DB = 20.0
"""How far below the committed recording the quiet copy is: a meeting recorded far from
the microphone. Without raising it, tiny.en misses more than twice as many words there."""
TOLERANCE = 0.02
"""How much worse than as recorded the quiet copy may be heard (a word in fifty)."""


def test_a_quiet_copy_of_a_real_interview_is_heard_about_as_well(
    tmp_path: Path, whisper: FasterWhisperTranscriber
) -> None:
    said = normalise(" ".join(turn["text"] for turn in spoken_turns(NAME)))
    recording = SPOKEN / f"{NAME}.opus"

    as_recorded = jiwer.wer(said, normalise(whisper.transcribe(
        AudioFile(path=recording, duration=0.0), job_id="as-recorded").text))  # fmt: skip
    quiet = AudioFile(
        path=quieter_copy(recording, QUIETER_DB, tmp_path / "quiet.wav"), duration=0.0
    )
    raised = jiwer.wer(said, normalise(whisper.transcribe(quiet, job_id="quiet").text))

    print(f"\n{NAME}: WER as recorded {as_recorded:.3f}, {QUIETER_DB:.0f} dB quieter {raised:.3f}")
    assert raised <= as_recorded + TOLERANCE
