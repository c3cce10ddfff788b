"""Long transcripts for the windowed models: a synthetic four-hour interview with 200
questions, and the real interviews joined to 101 minutes as Whisper gives them."""

from __future__ import annotations

import itertools
import re

from adapters.llm.question_prompt import segment_line
from interview_core.entities import Segment, Transcript
from tests.real_interviews import interview_names, turns

TOPICS = ("deadlines", "code review", "on-call", "mentoring", "a migration", "testing")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def four_hour_interview(questions: int = 200, seconds: float = 4 * 3600) -> Transcript:
    """Interviewer lead-in, a question (sometimes spread over two segments) and a 130-word
    answer in five segments, `questions` times: about 31,000 words over `seconds`."""
    texts: list[str] = []
    for n in range(questions):
        topic = TOPICS[n % len(TOPICS)]
        texts.append(f"Thank you, that is useful. Let us move on to topic number {n + 1}.")
        if n % 4 == 0:
            texts.append(f"Thinking about project {n + 1} and the way your team handled {topic},")
            texts.append(f"what exactly did you do yourself when things went wrong ({n + 1})?")
        else:
            texts.append(f"Question {n + 1}: how did you personally approach {topic} there?")
        for part in range(5):
            texts.append(
                f"In that role number {n + 1} I worked on part {part} of the {topic} work, and I "
                "kept the team informed, wrote down the decisions we took and checked results "
                "with the people who depended on them every week."
            )
    return _timed(texts, seconds / sum(len(text.split()) for text in texts))


def real_interviews_joined(words: int = 14_600, seconds: float = 101 * 60) -> Transcript:
    """The real interviews one after another, repeated until `words` words, cut into
    Whisper-like segments (whole sentences, up to about 25 words), no speaker labels, timed
    to last `seconds`."""
    texts: list[str] = []
    total = 0
    for name in itertools.cycle(interview_names()):
        for _, turn in turns(name):
            for segment in _whisper_segments(turn):
                texts.append(segment)
                total += len(segment.split())
                if total >= words:
                    return _timed(texts, seconds / total)
    raise AssertionError("unreachable")


def _whisper_segments(turn: str, most: int = 25) -> list[str]:
    segments: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(turn.strip()):
        if current and len(" ".join([*current, sentence]).split()) > most:
            segments.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        segments.append(" ".join(current))
    return segments


def _timed(texts: list[str], seconds_per_word: float) -> Transcript:
    segments = []
    clock = 0.0
    for text in texts:
        end = clock + seconds_per_word * len(text.split())
        segments.append(Segment(text, round(clock, 1), round(end, 1)))
        clock = end
    return Transcript(tuple(segments), "en", clock)


def question_starts(transcript: Transcript) -> set[float]:
    """The start of every segment ending in "?": the questions the model will name."""
    return {s.start for s in transcript.segments if s.text.rstrip().endswith("?")}


def transcript_chars(transcript: Transcript) -> int:
    """The characters of the transcript's lines as the models are shown them."""
    return sum(len(line) + 1 for s in transcript.segments if (line := segment_line(s)))
