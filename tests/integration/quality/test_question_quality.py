"""Question extraction quality on the bundled samples, scored against their ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.transcripts.native import read_transcript
from interview_core.entities import Transcript
from tests.quality_scoring import (
    QualityScore,
    expected_questions,
    format_table,
    normalise,
    score_questions,
    texts_match,
)

RECALL_TARGET = 0.9
PRECISION_TARGET = 0.8
SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def _sample_folders() -> list[Path]:
    """Sample folders holding both a ground-truth script and a sidecar transcript."""
    if not SAMPLES.is_dir():
        return []
    return sorted(
        folder
        for folder in SAMPLES.iterdir()
        if (folder / "script.json").is_file()
        and (folder / f"{folder.name}.transcript.json").is_file()
    )


def _without_speakers(transcript: Transcript) -> Transcript:
    """The transcript as a recogniser without diarisation gives it: no speaker labels."""
    return attrs.evolve(
        transcript,
        segments=tuple(attrs.evolve(s, speaker=None) for s in transcript.segments),
    )


def _without_words(transcript: Transcript) -> Transcript:
    """The transcript as subtitles give it: timed text, no speakers, no word timings."""
    return attrs.evolve(
        transcript,
        segments=tuple(attrs.evolve(s, speaker=None, words=()) for s in transcript.segments),
    )


MODES = {
    "speakers": lambda transcript: transcript,
    "no speakers": _without_speakers,
    "no speakers, no words": _without_words,
}


def test_question_extraction_meets_the_quality_targets_on_every_sample(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folders = _sample_folders()
    if not folders:
        pytest.skip(
            f"no sample under {SAMPLES} has both script.json and <name>.transcript.json; "
            "generate them with scripts/make_samples.py"
        )
    extractor = HeuristicQuestionExtractor()
    rows: list[tuple[str, str, QualityScore]] = []
    for folder in folders:
        script = json.loads((folder / "script.json").read_text(encoding="utf-8"))
        expected = expected_questions(script)
        assert expected, f"{folder.name}/script.json marks no turn as a question"
        transcript = read_transcript(folder / f"{folder.name}.transcript.json")
        for mode, prepare in MODES.items():
            found = [item.question for item in extractor.extract(prepare(transcript))]
            rows.append((folder.name, mode, score_questions(found, expected)))

    with capsys.disabled():
        print("\nQuestion extraction against ground truth\n" + format_table(rows))
    misses = [
        f"{sample} ({mode}): recall {score.recall:.2f}, precision {score.precision:.2f}"
        for sample, mode, score in rows
        if score.recall < RECALL_TARGET or score.precision < PRECISION_TARGET
    ]
    assert not misses, f"below recall {RECALL_TARGET} / precision {PRECISION_TARGET}: " + "; ".join(
        misses
    )


# --- the scoring itself -----------------------------------------------------------------


def test_normalise_lowercases_drops_punctuation_and_collapses_spaces() -> None:
    assert normalise("  Why   do you WANT it?! ") == "why do you want it"
    assert (
        normalise("You'd walk me through—the rate-limiter.")
        == "youd walk me through the rate limiter"
    )


@pytest.mark.parametrize(
    ("found", "expected", "match"),
    [
        ("Why do you want to work here?", "why do you want to work here", True),
        ("How would you design it?", "Great. How would you design it?", True),  # contained
        ("Tell me about a time you have to rely on a conflict within your team.",
         "Tell me about a time you had to resolve a conflict within your team.", True),
        ("What is your greatest strength?", "Why do you want to work here?", False),
        ("you", "Why do you want to work here?", True),  # whole-word containment
        ("wor", "Why do you want to work here?", False),  # not a whole word
        ("", "Why?", False),
    ],
)  # fmt: skip
def test_texts_match_by_containment_or_jaccard(found: str, expected: str, match: bool) -> None:
    assert texts_match(found, expected) is match


def test_score_counts_recall_and_precision() -> None:
    expected = ["Why do you want to work here?", "What is a deadlock?", "Any questions for us?"]
    found = ["why do you want to work here", "What is a deadlock?", "What did I learn?"]
    score = score_questions(found, expected)
    assert (score.expected, score.found, score.matched_expected, score.matched_found) == (
        3,
        3,
        2,
        2,
    )
    assert score.recall == pytest.approx(2 / 3)
    assert score.precision == pytest.approx(2 / 3)


def test_a_found_text_spanning_several_expected_questions_matches_none() -> None:
    expected = ["What is a deadlock?", "What is a mutex?"]
    score = score_questions(["What is a deadlock? It hangs. What is a mutex?"], expected)
    assert (score.matched_expected, score.matched_found) == (0, 0)


def test_duplicates_raise_precision_but_not_recall() -> None:
    score = score_questions(["What is a deadlock?", "what is a deadlock"], ["What is a deadlock?"])
    assert (score.recall, score.precision) == (1.0, 1.0)
    assert score.matched_expected == 1


def test_empty_sides_score_as_vacuous() -> None:
    assert score_questions([], []).recall == 1.0
    assert score_questions([], ["Why?"]).recall == 0.0
    assert score_questions(["Why?"], []).precision == 0.0


def test_table_lists_every_row_with_its_numbers() -> None:
    table = format_table([("interview", "speakers", QualityScore(6, 5, 5, 4))])
    header, row = table.splitlines()
    assert header.split() == [
        "sample", "mode", "expected", "found", "matched", "recall", "precision"
    ]  # fmt: skip
    assert row.split() == ["interview", "speakers", "6", "5", "5", "0.83", "0.80"]
