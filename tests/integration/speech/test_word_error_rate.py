"""Word error rate of the default offline recogniser on both bundled samples vs their scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jiwer
import pytest
from speech_audio import SAMPLE_NAMES, normalise, script_text

from interview_core.entities import Transcript

MAX_WORD_ERROR_RATE = 0.10


def test_normalisation_ignores_case_punctuation_and_spacing() -> None:
    assert normalise("  Walk me through it,   please. DON'T stop!\n") == (
        "walk me through it please dont stop"
    )
    assert normalise("A long-running job?") == "a long running job"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_word_error_rate_is_within_target(
    name: str,
    sample_transcript: Callable[[str], Transcript],
    sample_script: Callable[[str], dict[str, Any]],
) -> None:
    reference = normalise(script_text(sample_script(name)))
    hypothesis = normalise(sample_transcript(name).text)

    measured = jiwer.process_words(reference, hypothesis)

    print(
        f"\n{name}: WER {measured.wer:.3f} over {len(reference.split())} words "
        f"({measured.substitutions} substituted, {measured.deletions} deleted, "
        f"{measured.insertions} inserted); target <= {MAX_WORD_ERROR_RATE}"
    )
    assert measured.wer <= MAX_WORD_ERROR_RATE
