"""A real offline transcription with speaker labels: every word carries its voice's label."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.speaker_diarizer import CamppSpeakerDiarizer
from interview_core.entities import AudioFile


def test_the_interview_samples_words_carry_their_speakers(samples_dir: Path) -> None:
    """The bundled interview sample through faster-whisper tiny.en with speaker labels: two
    labels, spk_0 for the interviewer who speaks first, and at least 95% of the words carry
    the label of the script turn they fall in."""
    folder = samples_dir / "interview"
    script = json.loads((folder / "script.json").read_text(encoding="utf-8"))
    transcriber = FasterWhisperTranscriber(diarizer=CamppSpeakerDiarizer())

    transcript = transcriber.transcribe(
        AudioFile(path=folder / "interview.mp4", duration=70.2), job_id="speakers"
    )

    names = {"interviewer": "spk_0", "candidate": "spk_1"}
    words = [(word, segment.speaker) for segment in transcript.segments for word in segment.words]
    assert {speaker for _, speaker in words} == {"spk_0", "spk_1"}
    right = 0
    for word, speaker in words:
        middle = (word.start + word.end) / 2
        turn = min(
            script["turns"],
            key=lambda t: (
                0.0
                if t["start"] <= middle <= t["end"]
                else min(abs(middle - t["start"]), abs(middle - t["end"]))
            ),
        )
        right += names[turn["speaker"]] == speaker
    assert right / len(words) >= 0.95
