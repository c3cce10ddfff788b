"""Questions found in what the offline recogniser heard, scored against ground truth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from interview_core.entities import Transcript
from tests.quality_scoring import QualityScore, expected_questions, format_table, score_questions

SAMPLES = ("interview", "technical")
MIN_RECALL = 0.9
MIN_PRECISION = 0.8


@pytest.fixture(scope="module")
def scores(
    sample_transcript: Callable[[str], Transcript],
    sample_script: Callable[[str], dict[str, Any]],
) -> dict[str, QualityScore]:
    """Each sample recognised from its audio (no sidecar, no speaker labels) and scored."""
    extractor = HeuristicQuestionExtractor()
    results = {}
    for name in SAMPLES:
        found = [q.question for q in extractor.extract(sample_transcript(name))]
        results[name] = score_questions(found, expected_questions(sample_script(name)))
    print("\n" + format_table((name, "recognised", s) for name, s in results.items()))
    return results


@pytest.mark.parametrize("name", SAMPLES)
def test_recognised_questions_meet_recall_and_precision(
    scores: dict[str, QualityScore], name: str
) -> None:
    score = scores[name]
    table = format_table([(name, "recognised", score)])
    assert score.recall >= MIN_RECALL, table
    assert score.precision >= MIN_PRECISION, table
