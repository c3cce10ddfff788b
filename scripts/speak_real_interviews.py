"""Speaks the real interview transcripts with two espeak-ng voices, for whole-chain tests.

Each interview in tests/fixtures/real/interviews becomes `spoken/<name>.opus` (16 kHz mono
Opus, small enough to commit) and `spoken/<name>.turns.json` (every turn's speaker, the text
spoken, whether it holds a labelled interviewer question, and its start and end in seconds).
The interviewer's turns are spoken whole; the interviewee's are cut to their first
`REPLY_SENTENCES` sentences, which keeps the recordings short while every question keeps a
reply after it.

Needs espeak-ng and sox (`apt-get install espeak-ng sox`) and ffmpeg from imageio-ffmpeg.

Usage (from the repository root):
    .venv/bin/python scripts/speak_real_interviews.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from make_samples import (
    SAMPLE_RATE,
    SENTENCE_PAUSE_SECONDS,
    TURN_PAUSE_SECONDS,
    Voice,
    ffmpeg_exe,
    run,
    silence,
    split_sentences,
    synthesise,
    write_wav,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
INTERVIEWS = REPO_ROOT / "tests" / "fixtures" / "real" / "interviews"
SPOKEN = INTERVIEWS / "spoken"
REPLY_SENTENCES = 2
VOICES = {
    "interviewer": Voice("en-us+m1", 170, 45),
    "candidate": Voice("en-us+f2", 170, 60),
}
OPUS_BITRATE = "12k"


def speak(name: str, workdir: Path) -> None:
    """Writes `spoken/<name>.opus` and `spoken/<name>.turns.json`."""
    rows = json.loads((INTERVIEWS / f"{name}.truth.json").read_text(encoding="utf-8"))
    audio = silence(0.5)
    turns = []
    index = 0
    for position, row in enumerate(rows):
        if position:
            audio.extend(silence(TURN_PAUSE_SECONDS))
        sentences = split_sentences(row["text"])
        if row["speaker"] != "interviewer":
            sentences = sentences[:REPLY_SENTENCES]
        start = len(audio) / SAMPLE_RATE
        for number, sentence in enumerate(sentences):
            if number:
                audio.extend(silence(SENTENCE_PAUSE_SECONDS))
            audio.extend(synthesise(sentence, VOICES[row["speaker"]], workdir, index))
            index += 1
        turns.append(
            {
                "speaker": row["speaker"],
                "text": " ".join(sentences),
                "question": bool(row["is_question"]) and row["speaker"] == "interviewer",
                "start": round(start, 3),
                "end": round(len(audio) / SAMPLE_RATE, 3),
            }
        )
    audio.extend(silence(1.0))
    wav = workdir / f"{name}.wav"
    write_wav(wav, audio)
    SPOKEN.mkdir(exist_ok=True)
    opus = SPOKEN / f"{name}.opus"
    run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1",
         "-ar", "16000", "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-application", "voip",
         "-map_metadata", "-1", "-fflags", "+bitexact", str(opus)])  # fmt: skip
    voices = {role: voice.describe() for role, voice in VOICES.items()}
    document = {"source": f"{name}.truth.json", "voices": voices, "turns": turns}
    (SPOKEN / f"{name}.turns.json").write_text(json.dumps(document, indent=1) + "\n", "utf-8")
    print(f"{name}: {len(audio) / SAMPLE_RATE:.0f} s, {opus.stat().st_size / 1e6:.2f} MB")


def main() -> int:
    names = sorted(p.name.removesuffix(".truth.json") for p in INTERVIEWS.glob("*.truth.json"))
    with tempfile.TemporaryDirectory(prefix="speak-") as folder:
        for name in names:
            speak(name, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
