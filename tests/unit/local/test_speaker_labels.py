"""Speaker labels on recognised segments: each word its speaker, segments split at changes."""

from __future__ import annotations

from adapters.local.speaker_diarizer import SpeakerTurn
from adapters.local.speaker_labels import labelled
from interview_core.entities import Segment, Word


def segment(*words: tuple[str, float, float]) -> Segment:
    timed = tuple(Word(text, start, end, 0.9) for text, start, end in words)
    return Segment(" ".join(w.text for w in timed), timed[0].start, timed[-1].end, words=timed)


TURNS = (SpeakerTurn(0.0, 2.0, "spk_0"), SpeakerTurn(2.0, 5.0, "spk_1"))


def test_a_segment_of_one_speaker_keeps_its_text_and_gets_the_label() -> None:
    original = Segment(
        "Hello there.", 0.1, 1.0, words=(Word("Hello", 0.1, 0.5), Word("there.", 0.5, 1.0))
    )

    [result] = labelled([original], TURNS)

    assert result == Segment("Hello there.", 0.1, 1.0, "spk_0", original.words)


def test_a_segment_spanning_a_change_is_split_at_the_word_boundary() -> None:
    original = segment(
        ("Why", 1.0, 1.4), ("now?", 1.4, 1.9), ("Because", 2.1, 2.6), ("yes.", 2.6, 3.0)
    )

    first, second = labelled([original], TURNS)

    assert (first.speaker, first.text, first.start, first.end) == ("spk_0", "Why now?", 1.0, 1.9)
    assert (second.speaker, second.text, second.start, second.end) == (
        "spk_1",
        "Because yes.",
        2.1,
        3.0,
    )
    assert first.words + second.words == original.words


def test_a_word_across_a_change_goes_to_the_turn_it_overlaps_most() -> None:
    [result] = labelled([segment(("long", 1.7, 2.6))], TURNS)

    assert result.speaker == "spk_1"


def test_a_word_outside_every_turn_takes_the_nearest() -> None:
    [early, late] = labelled([segment(("um", 0.0, 0.0)), segment(("bye", 9.0, 9.5))], TURNS)

    assert (early.speaker, late.speaker) == ("spk_0", "spk_1")


def test_a_segment_without_words_is_labelled_by_its_span() -> None:
    [result] = labelled([Segment("[music]", 2.5, 4.0)], TURNS)

    assert result.speaker == "spk_1"


def test_no_turns_leave_the_segments_unlabelled() -> None:
    original = segment(("Hello", 0.0, 0.5))

    assert labelled([original], ()) == (original,)
