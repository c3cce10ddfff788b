"""The whole offline chain on the real interviews spoken by two voices, scored turn by turn.

The recordings come from scripts/speak_real_interviews.py: the interviewer's turns whole,
the interviewee's cut to two sentences. A found question is right when the turn it overlaps
most is an interviewer turn that holds a labelled question; a question turn is found when
at least one found question lies in it.

With speakers, the same recognised transcript is read three ways: without speaker labels;
labelled from the reference turns (a perfect labeller), roles left to the role finder; and
with the chain's own speaker labels (the CAM++ diarizer). A question's speaker is right
when the roles make its speaker an interviewer and the reference turn it lies in is the
interviewer's; an offline answer is measured by the share of its words that are the
candidate's reply (the candidate turns after the question).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import jiwer
import pytest
from speech_audio import normalise

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.speaker_diarizer import CamppSpeakerDiarizer
from adapters.local.speaker_roles import HeuristicSpeakerRoleFinder
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.entities import Segment, Transcript, Word
from interview_core.process_video import ProcessVideo, VideoResult
from interview_core.speaker_roles import Role
from tests.real_interviews import (
    SPOKEN,
    TurnScore,
    score_turns,
    speaker_readings,
    speakers_right,
    spoken_names,
    spoken_turns,
    with_reference_speakers,
)

MIN_RECALL = 0.75
MIN_PRECISION = 0.75
MIN_SPEAKERS_RIGHT = 0.95


@pytest.fixture(scope="module")
def chain() -> ProcessVideo:
    """The offline chain as the local preset builds it: ffmpeg, the default recogniser with
    speaker labels, the role finder and the heuristic."""
    transcriber = FasterWhisperTranscriber(diarizer=CamppSpeakerDiarizer())
    return ProcessVideo(
        FfmpegAudioExtractor(),
        transcriber,
        HeuristicQuestionExtractor(),
        role_finder=HeuristicSpeakerRoleFinder(),
    )


@pytest.fixture(scope="module")
def results(chain: ProcessVideo) -> dict[str, VideoResult]:
    """Each spoken interview through the chain."""
    return {name: chain.execute(SPOKEN / f"{name}.opus") for name in spoken_names()}


@pytest.fixture(scope="module")
def scores(results: dict[str, VideoResult]) -> dict[str, TurnScore]:
    """The chain's questions, scored turn by turn."""
    scored = {}
    for name, result in results.items():
        turns = spoken_turns(name)
        said = normalise(" ".join(turn["text"] for turn in turns))
        wer = jiwer.wer(said, normalise(result.transcript.text))
        spans = [(q.start_time or 0.0, q.end_time or 0.0) for q in result.questions]
        scored[name] = score_turns(spans, turns, wer)
    print("\ninterview  question turns  found  recall  precision  WER")
    for name, s in scored.items():
        print(f"{name}  {s.question_turns}  {s.found}  {s.turns_found / s.question_turns:.2f}  "
              f"{s.right / s.found:.2f}  {s.word_error_rate:.3f}")  # fmt: skip
    return scored


@pytest.mark.slow
@pytest.mark.timeout(600)  # the first test to ask runs the chain on 1,400 s of audio
def test_the_spoken_real_interviews_meet_the_turn_level_targets(
    scores: dict[str, TurnScore],
) -> None:
    assert len(scores) == 4
    question_turns = sum(s.question_turns for s in scores.values())
    recall = sum(s.turns_found for s in scores.values()) / question_turns
    precision = sum(s.right for s in scores.values()) / sum(s.found for s in scores.values())
    assert recall >= MIN_RECALL, scores
    assert precision >= MIN_PRECISION, scores


@pytest.mark.slow
@pytest.mark.timeout(600)  # the first test to ask runs the chain on 1,400 s of audio
def test_speakers_find_no_fewer_question_turns_and_the_right_speaker_asks_each(
    results: dict[str, VideoResult],
) -> None:
    readings = speaker_readings({name: r.transcript for name, r in results.items()})
    print("\nspeakers    recall  precision  question's speaker right  answer is the reply")
    for how, r in readings.items():
        right = "-" if how == "text only" else f"{r.right:.2f}"
        print(f"{how:<11} {r.recall:.2f}    {r.precision:.2f}       {right:<25} "
              f"{r.answer_precision:.2f} (of the reply: {r.answer_recall:.2f})")  # fmt: skip
    plain = readings["text only"]
    assert set(readings) == {"text only", "reference", "recognised"}
    for how in readings.keys() - {"text only"}:
        reading = readings[how]
        assert reading.recall >= plain.recall and reading.precision >= plain.precision, readings
        assert reading.right >= MIN_SPEAKERS_RIGHT, readings
        assert reading.answer_precision > plain.answer_precision, readings


@pytest.mark.slow
def test_both_interviewers_of_the_panel_sample_are_told_apart_by_their_voices(
    chain: ProcessVideo, samples_dir: Path
) -> None:
    script = json.loads((samples_dir / "panel" / "script.json").read_text(encoding="utf-8"))
    turns = script["turns"]

    result = chain.execute(samples_dir / "panel" / "panel.mp4")

    roles = result.transcript.speaker_roles
    voice = {label: speaker_of_turns(label, result.transcript, turns) for label in roles}
    asking = {voice[label] for label, role in roles.items() if role == "interviewer"}
    assert asking == {name for name, role in script["roles"].items() if role == "interviewer"}
    assert len(set(voice.values())) == len(voice) == 3, voice
    spans = [(q.start_time or 0.0, q.end_time or 0.0) for q in result.questions]
    score = score_turns(spans, turns, 0.0)
    assert (score.turns_found, score.right) == (score.question_turns, score.found), score
    assert speakers_right(spans, result.transcript, turns, asking) == len(spans)


def speaker_of_turns(label: str, transcript: Transcript, turns: list[dict[str, Any]]) -> str:
    """The reference speaker who shares most time with the recognised speaker `label`."""
    shared: dict[str, float] = {}
    for segment in transcript.segments:
        if segment.speaker != label:
            continue
        for turn in turns:
            overlap = min(segment.end, turn["end"]) - max(segment.start, turn["start"])
            if overlap > 0:
                shared[turn["speaker"]] = shared.get(turn["speaker"], 0.0) + overlap
    return max(shared, key=shared.__getitem__)


def test_reference_labels_follow_the_turns_word_by_word_and_name_speakers_neutrally() -> None:
    words = tuple(Word(text, n, n + 0.8) for n, text in enumerate("Why here? Because. Ok".split()))
    recognised = Transcript((Segment("Why here? Because. Ok", 0.0, 4.8, None, words),))
    turns = [
        {"speaker": "interviewer", "start": 0.0, "end": 1.9, "question": True},
        {"speaker": "candidate", "start": 2.1, "end": 2.9, "question": False},
        {"speaker": "interviewer", "start": 3.5, "end": 5.0, "question": False},
    ]

    labelled = with_reference_speakers(recognised, turns)

    assert [(s.speaker, s.text) for s in labelled.segments] == [
        ("spk_0", "Why here?"),
        ("spk_1", "Because."),
        ("spk_0", "Ok"),
    ]
    roles = {"spk_0": Role.INTERVIEWER, "spk_1": Role.CANDIDATE}
    scored = attrs.evolve(labelled, speaker_roles=roles)
    assert speakers_right([(0.0, 1.8), (2.0, 2.8)], scored, turns) == 1
    assert speakers_right([(0.0, 1.8)], labelled, turns) == 0  # no roles: no speaker is right


def test_turn_scoring_counts_question_turns_once_and_asides_as_wrong() -> None:
    turns = [
        {"start": 0.0, "end": 4.0, "question": True},
        {"start": 4.5, "end": 9.0, "question": False},
        {"start": 9.5, "end": 12.0, "question": True},
    ]

    score = score_turns([(0.5, 1.5), (2.0, 3.9), (4.0, 8.0)], turns, 0.0)
    assert (score.question_turns, score.turns_found, score.found, score.right) == (2, 1, 3, 2)
