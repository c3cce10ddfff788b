"""Question finding on four real, unscripted interviews, scored sentence by sentence."""

from __future__ import annotations

import pytest

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from tests.real_interviews import (
    SentenceScore,
    format_scores,
    interview_names,
    labelled_questions,
    score_sentences,
    transcript,
    turns,
)

# Pooled over the four interviews: (F1, recall, precision) at least.
TARGETS = {False: (0.90, 0.88, 0.88), True: (0.95, 0.95, 0.95)}
# No single interview may fall far behind the pool.
PER_INTERVIEW_F1 = 0.85


def _scores(speakers: bool) -> list[tuple[str, SentenceScore]]:
    extractor = HeuristicQuestionExtractor()
    return [
        (
            name,
            score_sentences(
                [item.question for item in extractor.extract(transcript(name, speakers=speakers))],
                labelled_questions(name),
            ),
        )
        for name in interview_names()
    ]


@pytest.mark.parametrize("speakers", [False, True], ids=["no speakers", "speakers"])
def test_real_interviews_meet_the_question_targets(
    speakers: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _scores(speakers)
    table = format_scores(rows)
    with capsys.disabled():
        print(f"\nReal interviews, {'with' if speakers else 'without'} speaker labels\n{table}")
    pooled = sum((score for _, score in rows), SentenceScore(0, 0, 0, 0))
    f1, recall, precision = TARGETS[speakers]
    assert pooled.f1 >= f1, table
    assert pooled.recall >= recall, table
    assert pooled.precision >= precision, table
    assert all(score.f1 >= PER_INTERVIEW_F1 for _, score in rows), table


def test_every_real_interview_is_present_with_labels_that_are_its_own_sentences() -> None:
    names = interview_names()
    assert len(names) == 4
    for name in names:
        spoken = " ".join(text for role, text in turns(name) if role == "I")
        labelled = labelled_questions(name)
        assert labelled, name
        assert all(question in spoken for question in labelled), name


# --- the scoring itself -----------------------------------------------------------------

LABELLED = ["What sorts of things?", "Do you remember?", "How long did it take?", "Why?"]


def test_one_found_item_may_cover_consecutive_labelled_sentences() -> None:
    score = score_sentences(["What sorts of things? Do you remember?"], LABELLED)
    assert (score.covered, score.right, score.found) == (2, 1, 1)


def test_an_item_spanning_labelled_sentences_that_are_not_consecutive_is_wrong() -> None:
    score = score_sentences(["What sorts of things? It went on. How long did it take?"], LABELLED)
    assert (score.covered, score.right) == (0, 0)


def test_each_labelled_sentence_is_matched_once() -> None:
    score = score_sentences(["How long did it take?", "how long did it take"], LABELLED)
    assert (score.covered, score.right, score.found) == (1, 1, 2)
    assert score.precision == 0.5


def test_a_close_wording_matches_and_a_different_one_does_not() -> None:
    close = score_sentences(["How long did it all take?"], LABELLED)
    assert (close.covered, close.right) == (1, 1)
    different = score_sentences(["Where did you grow up?"], LABELLED)
    assert (different.covered, different.right) == (0, 0)


def test_f1_and_the_pooled_sum() -> None:
    pooled = SentenceScore(4, 2, 2, 2) + SentenceScore(6, 4, 4, 2)
    assert (pooled.labelled, pooled.found, pooled.covered, pooled.right) == (10, 6, 6, 4)
    assert pooled.recall == pytest.approx(0.6)
    assert pooled.precision == pytest.approx(4 / 6)
    assert pooled.f1 == pytest.approx(2 * 0.6 * (4 / 6) / (0.6 + 4 / 6))
    assert SentenceScore(0, 0, 0, 0).f1 == 1.0
    assert SentenceScore(3, 2, 0, 0).f1 == 0.0
