"""Speaker labels of a few words that slipped across a turn boundary, given back."""

from __future__ import annotations

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.speaker_slips import mend_speaker_slips
from interview_core.entities import Segment, Transcript, Word


def labelled(*runs: tuple[str | None, str]) -> Transcript:
    """One segment a run of words, each word 0.4 s, no pauses, as a labeller splits them."""
    segments = []
    clock = 0.0
    for speaker, text in runs:
        words = []
        for piece in text.split():
            words.append(Word(piece, clock, clock + 0.4))
            clock += 0.4
        segments.append(Segment(text, words[0].start, words[-1].end, speaker, tuple(words)))
    return Transcript(tuple(segments), "en", clock)


def runs_of(transcript: Transcript) -> list[tuple[str | None, str]]:
    merged: list[tuple[str | None, str]] = []
    for segment in transcript.segments:
        if merged and merged[-1][0] == segment.speaker:
            merged[-1] = (segment.speaker, f"{merged[-1][1]} {segment.text}")
        else:
            merged.append((segment.speaker, segment.text))
    return merged


def test_the_end_of_a_question_given_to_the_next_speaker_comes_back() -> None:
    slipped = labelled(
        ("spk_0", "Could you give an overview of your career at the National"),
        ("spk_1", "Archives? Sure, I started"),
        ("spk_1", "in 1985 as a clerk."),
    )
    assert runs_of(mend_speaker_slips(slipped)) == [
        ("spk_0", "Could you give an overview of your career at the National Archives?"),
        ("spk_1", "Sure, I started in 1985 as a clerk."),
    ]
    found = HeuristicQuestionExtractor().extract(slipped)
    assert [(f.question, f.answer) for f in found] == [
        (
            "Could you give an overview of your career at the National Archives?",
            "Sure, I started in 1985 as a clerk.",
        )
    ]


def test_the_start_of_a_reply_given_to_the_asker_comes_back() -> None:
    slipped = labelled(
        ("spk_0", "Why did you leave? Well,"), ("spk_1", "the team moved to another city.")
    )
    assert runs_of(mend_speaker_slips(slipped)) == [
        ("spk_0", "Why did you leave?"),
        ("spk_1", "Well, the team moved to another city."),
    ]


def test_a_turn_change_the_recogniser_did_not_punctuate_keeps_its_labels() -> None:
    unpunctuated = labelled(
        ("spk_0", "and what did you do after that"), ("spk_1", "I moved to the records centre")
    )
    assert mend_speaker_slips(unpunctuated) is unpunctuated


def test_a_short_sentence_of_two_speakers_alike_keeps_its_labels() -> None:
    even = labelled(("spk_0", "Really"), ("spk_1", "yes."))
    assert mend_speaker_slips(even) is even


def test_transcripts_it_cannot_read_word_by_word_come_back_as_they_are() -> None:
    unlabelled = labelled((None, "Why did you leave? Well,"), (None, "the team moved."))
    assert mend_speaker_slips(unlabelled) is unlabelled
    no_words = Transcript(
        (Segment("Why did you", 0, 1, "spk_0"), Segment("leave? Well.", 1, 2, "spk_1"))
    )
    assert mend_speaker_slips(no_words) is no_words
    assert mend_speaker_slips(Transcript(())) == Transcript(())


def test_a_pause_ends_a_sentence_so_nothing_slips_across_it() -> None:
    words = (Word("So", 0.0, 0.3), Word("many", 0.3, 0.6), Word("years", 0.6, 0.9))
    later = (Word("ago", 5.0, 5.3),)
    paused = Transcript(
        (
            Segment("So many years", 0.0, 0.9, "spk_0", words),
            Segment("ago", 5.0, 5.3, "spk_1", later),
        )
    )
    assert mend_speaker_slips(paused, pause_break=2.0) is paused
    assert runs_of(mend_speaker_slips(paused, pause_break=None)) == [("spk_0", "So many years ago")]
