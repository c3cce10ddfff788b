"""The whole offline chain on the real interviews spoken by two voices, scored turn by turn.

The recordings come from scripts/speak_real_interviews.py: the interviewer's turns whole,
the interviewee's cut to two sentences. A found question is right when the turn it overlaps
most is an interviewer turn that holds a labelled question; a question turn is found when
at least one found question lies in it.
"""

from __future__ import annotations

import jiwer
import pytest
from speech_audio import normalise

from adapters.local.faster_whisper_transcriber import FasterWhisperTranscriber
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.process_video import ProcessVideo
from tests.real_interviews import SPOKEN, TurnScore, score_turns, spoken_names, spoken_turns

MIN_RECALL = 0.75
MIN_PRECISION = 0.75


@pytest.fixture(scope="module")
def scores(whisper: FasterWhisperTranscriber) -> dict[str, TurnScore]:
    """Each spoken interview through ffmpeg, the default recogniser and the heuristic."""
    chain = ProcessVideo(FfmpegAudioExtractor(), whisper, HeuristicQuestionExtractor())
    results = {}
    for name in spoken_names():
        turns = spoken_turns(name)
        result = chain.execute(SPOKEN / f"{name}.opus")
        said = normalise(" ".join(turn["text"] for turn in turns))
        wer = jiwer.wer(said, normalise(result.transcript.text))
        spans = [(q.start_time or 0.0, q.end_time or 0.0) for q in result.questions]
        results[name] = score_turns(spans, turns, wer)
    print("\ninterview  question turns  found  recall  precision  WER")
    for name, s in results.items():
        print(f"{name}  {s.question_turns}  {s.found}  {s.turns_found / s.question_turns:.2f}  "
              f"{s.right / s.found:.2f}  {s.word_error_rate:.3f}")  # fmt: skip
    return results


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


def test_turn_scoring_counts_question_turns_once_and_asides_as_wrong() -> None:
    turns = [
        {"start": 0.0, "end": 4.0, "question": True},
        {"start": 4.5, "end": 9.0, "question": False},
        {"start": 9.5, "end": 12.0, "question": True},
    ]

    score = score_turns([(0.5, 1.5), (2.0, 3.9), (4.0, 8.0)], turns, 0.0)
    assert (score.question_turns, score.turns_found, score.found, score.right) == (2, 1, 3, 2)
