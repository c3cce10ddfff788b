"""Real interview transcripts as the extractor receives them, and their sentence-level scoring.

The transcripts in tests/fixtures/real/interviews hold one turn a line (`I:` or `C:`). They
become timed transcripts without pauses between turns (recognisers' word timings often
swallow them), either without speakers, as Whisper gives them, or labelled `spk_0` and
`spk_1`, as Amazon Transcribe gives them.
"""

from __future__ import annotations

import bisect
import json
import subprocess
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder
from interview_core.entities import Segment, Transcript, Word
from tests.quality_scoring import normalise

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

FOLDER = Path(__file__).resolve().parent / "fixtures" / "real" / "interviews"
SPOKEN = FOLDER / "spoken"
SECONDS_PER_WORD = 0.35
JACCARD_THRESHOLD = 0.6
_LABELS = {"I": "spk_0", "C": "spk_1"}


def interview_names() -> list[str]:
    """The names of the real interviews, sorted."""
    return sorted(path.name.removesuffix(".transcript.txt") for path in FOLDER.glob("*.txt"))


def turns(name: str) -> list[tuple[str, str]]:
    """(`I` or `C`, text) for every turn of an interview, in order."""
    found = []
    for line in (FOLDER / f"{name}.transcript.txt").read_text(encoding="utf-8").splitlines():
        role, _, text = line.partition(":")
        if role.strip() in _LABELS and text.strip():
            found.append((role.strip(), text.strip()))
    return found


def transcript(name: str, *, speakers: bool) -> Transcript:
    """The interview as one timed segment a turn, back to back, with or without speakers."""
    segments = []
    clock = 0.0
    for role, text in turns(name):
        end = clock + SECONDS_PER_WORD * len(text.split())
        segments.append(Segment(text, clock, end, _LABELS[role] if speakers else None))
        clock = end
    return Transcript(tuple(segments), "en", clock)


def labelled_questions(name: str) -> list[str]:
    """The interviewer's question sentences, labelled by hand, in order."""
    loaded = json.loads((FOLDER / f"{name}.questions.json").read_text(encoding="utf-8"))
    items = loaded["interviewer_questions"] if isinstance(loaded, dict) else loaded
    return [str(item) for item in items]


@dataclass(frozen=True)
class SentenceScore:
    """Found items against labelled question sentences, matched one to one."""

    labelled: int
    found: int
    covered: int  # labelled sentences some found item matched
    right: int  # found items that matched at least one labelled sentence

    @property
    def recall(self) -> float:
        """Share of labelled sentences covered; 1.0 when none were labelled."""
        return self.covered / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        """Share of found items that are right; 1.0 when none were found."""
        return self.right / self.found if self.found else 1.0

    @property
    def f1(self) -> float:
        """The harmonic mean of recall and precision."""
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0

    def __add__(self, other: SentenceScore) -> SentenceScore:
        return SentenceScore(
            self.labelled + other.labelled,
            self.found + other.found,
            self.covered + other.covered,
            self.right + other.right,
        )


def _jaccard(a: str, b: str) -> float:
    words_a, words_b = set(a.split()), set(b.split())
    return len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0


def score_sentences(found: Sequence[str], labelled: Sequence[str]) -> SentenceScore:
    """Score found items against labelled sentences, each labelled sentence used once.

    A found item is right when it contains (as whole words) one labelled sentence not yet
    matched, or a run of consecutive ones, which it then covers; failing that, when its
    words have a Jaccard similarity of at least JACCARD_THRESHOLD with an unmatched
    labelled sentence (the most similar one). Found items are taken in order.
    """
    targets = [normalise(text) for text in labelled]
    taken = [False] * len(targets)
    right = 0
    for item in found:
        text = f" {normalise(item)} "
        inside = [i for i, t in enumerate(targets) if t and f" {t} " in text and not taken[i]]
        if inside and inside == list(range(inside[0], inside[-1] + 1)):
            for index in inside:
                taken[index] = True
            right += 1
            continue
        if inside:  # labelled sentences that are not consecutive: a run of the transcript
            continue
        scores = [0.0 if taken[i] else _jaccard(text, t) for i, t in enumerate(targets)]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= JACCARD_THRESHOLD:
            taken[best] = True
            right += 1
    return SentenceScore(len(targets), len(found), sum(taken), right)


def format_scores(rows: Iterable[tuple[str, SentenceScore]]) -> str:
    """A plain text table: one line per interview, then the pooled figures."""
    rows = list(rows)
    pooled = sum((score for _, score in rows), SentenceScore(0, 0, 0, 0))
    lines = [("interview", "labelled", "found", "covered", "right", "recall", "precision", "F1")]
    for name, s in [*rows, ("pooled", pooled)]:
        lines.append(
            (name, str(s.labelled), str(s.found), str(s.covered), str(s.right),
             f"{s.recall:.2f}", f"{s.precision:.2f}", f"{s.f1:.2f}")
        )  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


# --- the spoken recordings, scored turn by turn ------------------------------------


@dataclass(frozen=True)
class TurnScore:
    """Question turns found, and found questions that lie in question turns."""

    question_turns: int
    turns_found: int
    found: int
    right: int
    word_error_rate: float


def spoken_names() -> list[str]:
    """The names of the spoken interviews, sorted."""
    return sorted(path.name.removesuffix(".turns.json") for path in SPOKEN.glob("*.turns.json"))


def spoken_turns(name: str) -> list[dict[str, Any]]:
    """The turns of a spoken interview: speaker, text spoken, question, start, end."""
    document = json.loads((SPOKEN / f"{name}.turns.json").read_text(encoding="utf-8"))
    turns: list[dict[str, Any]] = document["turns"]
    return turns


def _turn_of(span: tuple[float, float], turns: list[dict[str, Any]]) -> int:
    """The index of the turn that the (start, end) span overlaps most."""

    def overlap(turn: dict[str, Any]) -> float:
        return min(span[1], turn["end"]) - max(span[0], turn["start"])

    return max(range(len(turns)), key=lambda index: overlap(turns[index]))


def score_turns(
    found: list[tuple[float, float]], turns: list[dict[str, Any]], wer: float
) -> TurnScore:
    """Score found questions' (start, end) spans against the turns holding labelled ones."""
    hits = [_turn_of(span, turns) for span in found]
    right = sum(turns[index]["question"] for index in hits)
    questions = {index for index, turn in enumerate(turns) if turn["question"]}
    return TurnScore(len(questions), len(questions & set(hits)), len(found), right, wer)


# --- speakers: reference labels, and whether each found question's speaker is right ------


def without_speakers(transcript: Transcript) -> Transcript:
    """The transcript as a recogniser without speaker labelling gives it."""
    segments = tuple(attrs.evolve(segment, speaker=None) for segment in transcript.segments)
    return Transcript(segments, transcript.language, transcript.duration)


def with_reference_speakers(transcript: Transcript, turns: Sequence[dict[str, Any]]) -> Transcript:
    """The recognised transcript labelled from the reference turns, as a perfect speaker
    labeller would: each word takes the speaker of the turn it falls in (the nearest turn
    when it falls between two), segments are cut where the speaker changes, and speakers are
    named `spk_0`, `spk_1`, ... in the order they first speak, so that their roles are still
    to be found. No roles are set."""
    labels: dict[str, str] = {}
    for turn in turns:
        labels.setdefault(turn["speaker"], f"spk_{len(labels)}")
    starts = [turn["start"] for turn in turns]

    def speaker_at(start: float, end: float) -> str:
        middle = (start + end) / 2
        index = bisect.bisect_right(starts, middle) - 1
        nearby = [i for i in (index, index + 1) if 0 <= i < len(turns)]
        best = min(
            nearby, key=lambda i: max(0.0, turns[i]["start"] - middle, middle - turns[i]["end"])
        )
        return labels[turns[best]["speaker"]]

    segments: list[Segment] = []
    for segment in transcript.segments:
        if not segment.words:
            speaker = speaker_at(segment.start, segment.end)
            segments.append(attrs.evolve(segment, speaker=speaker))
            continue
        run: list[Word] = []
        current = speaker_at(segment.words[0].start, segment.words[0].end)
        for word in segment.words:
            speaker = speaker_at(word.start, word.end)
            if run and speaker != current:
                segments.append(_segment_of(run, current))
                run = []
            current = speaker
            run.append(word)
        segments.append(_segment_of(run, current))
    return Transcript(tuple(segments), transcript.language, transcript.duration)


def _segment_of(words: Sequence[Word], speaker: str) -> Segment:
    text = "".join(word.text if word.text.startswith(" ") else f" {word.text}" for word in words)
    return Segment(text.strip(), words[0].start, words[-1].end, speaker, tuple(words))


def speaker_of(span: tuple[float, float], transcript: Transcript) -> str | None:
    """The speaker of the segments that overlap the (start, end) span most."""
    time_of: dict[str | None, float] = {}
    for segment in transcript.segments:
        overlap = min(span[1], segment.end) - max(span[0], segment.start)
        if overlap > 0 or (span[0] == span[1] and segment.start <= span[0] <= segment.end):
            time_of[segment.speaker] = time_of.get(segment.speaker, 0.0) + max(overlap, 1e-9)
    return max(time_of, key=time_of.__getitem__) if time_of else None


def speakers_right(
    found: Sequence[tuple[float, float]],
    transcript: Transcript,
    turns: list[dict[str, Any]],
    interviewers: Iterable[str] = ("interviewer",),
) -> int:
    """How many found questions' speakers are right: the transcript's roles make the
    speaker who asks it an interviewer, and the reference turn it lies in is spoken by one
    of `interviewers` (the reference turns' speaker names)."""
    asking = set(interviewers)
    right = 0
    for span in found:
        speaker = speaker_of(span, transcript)
        role = transcript.speaker_roles.get(speaker) if speaker is not None else None
        right += role == "interviewer" and turns[_turn_of(span, turns)]["speaker"] in asking
    return right


@dataclass(frozen=True)
class SpeakerReading:
    """Question turns found, found questions whose speaker is right, and how much of each
    answer is the candidate's reply, pooled."""

    question_turns: int
    turns_found: int
    found: int
    right_turns: int  # found questions in question turns
    right_speakers: int  # found questions asked by an interviewer, as the roles say
    answer_words: int = 0  # words of the answers of found questions in question turns
    reply_words: int = 0  # words of the candidate's replies to those questions
    shared_words: int = 0  # words an answer shares with its reply (each counted once)

    @property
    def recall(self) -> float:
        """Share of question turns found."""
        return self.turns_found / self.question_turns if self.question_turns else 1.0

    @property
    def precision(self) -> float:
        """Share of found questions that lie in question turns."""
        return self.right_turns / self.found if self.found else 1.0

    @property
    def right(self) -> float:
        """Share of found questions whose speaker is right."""
        return self.right_speakers / self.found if self.found else 1.0

    @property
    def answer_precision(self) -> float:
        """Share of the answers' words that are the candidate's reply."""
        return self.shared_words / self.answer_words if self.answer_words else 1.0

    @property
    def answer_recall(self) -> float:
        """Share of the candidate's replies that the answers hold."""
        return self.shared_words / self.reply_words if self.reply_words else 1.0

    def __add__(self, other: SpeakerReading) -> SpeakerReading:
        return SpeakerReading(
            *(mine + theirs for mine, theirs in zip(astuple(self), astuple(other), strict=True))
        )


def _answer_words(
    found: Sequence[tuple[tuple[float, float], str]], turns: list[dict[str, Any]]
) -> tuple[int, int, int]:
    """Words of the answers of found questions that lie in question turns, words of the
    candidate's replies to those turns (the candidate turns that follow, up to the next
    interviewer turn), and words the two share."""
    answer = reply = shared = 0
    for span, text in found:
        index = _turn_of(span, turns)
        if not turns[index]["question"]:
            continue
        replied: list[str] = []
        for turn in turns[index + 1 :]:
            if turn["speaker"] == "interviewer":
                break
            replied.extend(normalise(turn["text"]).split())
        given = normalise(text).split()
        answer += len(given)
        reply += len(replied)
        shared += sum((Counter(given) & Counter(replied)).values())
    return answer, reply, shared


def read_questions(transcript: Transcript, turns: list[dict[str, Any]]) -> SpeakerReading:
    """The questions the heuristic finds in `transcript`, given roles by the role finder
    when it has speakers and no roles, scored against the spoken turns."""
    if transcript.has_speakers and not transcript.speaker_roles:
        roles = HeuristicSpeakerRoleFinder().roles(transcript)
        transcript = attrs.evolve(transcript, speaker_roles=roles)
    found = HeuristicQuestionExtractor().extract(transcript)
    spans = [(q.start_time or 0.0, q.end_time or 0.0) for q in found]
    score = score_turns(spans, turns, 0.0)
    right = speakers_right(spans, transcript, turns)
    answers = _answer_words([(span, q.answer) for span, q in zip(spans, found, strict=True)], turns)
    return SpeakerReading(
        score.question_turns, score.turns_found, score.found, score.right, right, *answers
    )


def speaker_readings(recognised: dict[str, Transcript]) -> dict[str, SpeakerReading]:
    """The spoken interviews' recognised transcripts read three ways, pooled over them:
    "text only" (speaker labels taken away), "reference" (labelled from the reference
    turns) and, when the transcripts carry speaker labels of their own, "recognised"."""
    pooled: dict[str, SpeakerReading] = {}
    for name, transcript in recognised.items():
        turns = spoken_turns(name)
        plain = without_speakers(transcript)
        readings = {
            "text only": read_questions(plain, turns),
            "reference": read_questions(with_reference_speakers(plain, turns), turns),
        }
        if transcript.has_speakers:
            readings["recognised"] = read_questions(transcript, turns)
        for how, reading in readings.items():
            pooled[how] = pooled[how] + reading if how in pooled else reading
    return pooled


def quieter_copy(source: Path, decibels: float, destination: Path) -> Path:
    """`source` as a 16-bit 16 kHz mono WAV `decibels` quieter, made by the bundled ffmpeg."""
    import imageio_ffmpeg

    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
        "-i", str(source), "-af", f"volume=-{decibels}dB", "-ac", "1", "-ar", "16000",
        "-c:a", "pcm_s16le", str(destination),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return destination
