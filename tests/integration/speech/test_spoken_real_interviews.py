"""The whole offline chain on the real interviews spoken by two voices, scored turn by turn.

The recordings come from scripts/speak_real_interviews.py: the interviewer's turns whole,
the interviewee's cut to two sentences. A found question is right when the turn it overlaps
most is an interviewer turn that holds a labelled question; a question turn is found when
at least one found question lies in it.

With speakers, the same recognised transcript is read three ways: without speaker labels;
labelled from the reference turns (a perfect labeller), roles left to the role finder; and,
when the chain labels speakers itself, with its own labels. A question's speaker is right
when the roles make its speaker an interviewer and the reference turn it lies in is the
interviewer's.
"""

from __future__ import annotations

import attrs
import jiwer
import pytest
from speech_audio import normalise

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
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
def results(whisper: FasterWhisperTranscriber) -> dict[str, VideoResult]:
    """Each spoken interview through ffmpeg, the default recogniser, the role finder and
    the heuristic."""
    chain = ProcessVideo(
        FfmpegAudioExtractor(),
        whisper,
        HeuristicQuestionExtractor(),
        role_finder=HeuristicSpeakerRoleFinder(),
    )
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
def test_speakers_find_no_fewer_question_turns_and_the_right_speaker_asks_each(
    results: dict[str, VideoResult],
) -> None:
    readings = speaker_readings({name: r.transcript for name, r in results.items()})
    print("\nspeakers    recall  precision  question's speaker right")
    for how, r in readings.items():
        print(f"{how:<11} {r.recall:.2f}    {r.precision:.2f}       {r.right:.2f}")
    plain = readings["text only"]
    assert set(readings) >= {"text only", "reference"}
    for how in readings.keys() - {"text only"}:
        reading = readings[how]
        assert reading.recall >= plain.recall and reading.precision >= plain.precision, readings
        assert reading.right >= MIN_SPEAKERS_RIGHT, readings


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
