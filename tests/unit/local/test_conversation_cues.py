"""Word rules for unscripted speech, and how the extractor uses them without speaker labels."""

from __future__ import annotations

import pytest

from adapters.local.conversation_cues import quoted_questions, without_vocative
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.question_patterns import describe_sentence
from interview_core.entities import Segment, Transcript


def _questions(*sentences: str) -> list[str]:
    """Questions found in sentences spoken back to back, with no pauses and no speakers."""
    segments = tuple(Segment(text, 2.0 * i, 2.0 * i + 2.0) for i, text in enumerate(sentences))
    found = HeuristicQuestionExtractor().extract(Transcript(segments))
    return [item.question for item in found]


@pytest.mark.parametrize(
    ("sentence", "is_question"),
    [
        ("I'm curious how you merge the two.", True),
        ("I was just curious what drove that design.", True),
        ("I'm wondering as an engineer what you thought about it.", True),
        ("I wanted to ask if you could describe your background.", True),
        ("I'd love to hear about your last project.", True),
        ("If you could talk about the differences between the centres.", True),
        ("Austin, let's start with how you got to Silicon Valley.", True),
        ("You were there in 1985, correct?", True),
        ("I was curious, so I read the manual.", False),
        ("If you could see the files, you would understand.", False),
        ("Let's talk about money then.", False),
        ("When you look at a manager you think about cost.", False),
        ("Where I was, I got almost anything I needed.", False),
        ("Everything's online, right?", False),
    ],
)
def test_unscripted_prompts_are_questions_and_clauses_are_not(
    sentence: str, is_question: bool
) -> None:
    assert describe_sentence(sentence).is_question is is_question


def test_a_bare_confirmation_is_marked_as_such() -> None:
    assert describe_sentence("Is that correct?").is_confirmation
    assert not describe_sentence("Is that the right database?").is_confirmation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Austin, let's start.", "let's start."),
        ("Okay, Bill, would you like to start?", "Okay, would you like to start?"),
        ("Yes, that is right.", "Yes, that is right."),
        ("How, exactly, did it work?", "How, exactly, did it work?"),
    ],
)
def test_a_name_addressed_at_the_start_is_set_aside(text: str, expected: str) -> None:
    assert without_vocative(text) == expected


def test_quoted_questions_are_found_across_sentences_and_by_their_closing_mark() -> None:
    texts = [
        'I asked him "How did you do it?"',
        "We would say, “This is what I need.",
        "Do you have it?",
        "What's the priority?”",
        "How did you build the team?",
        'What would it take to start next month?"',
        'Who is "we", and give me a snapshot?',
    ]
    assert quoted_questions(texts) == [True, False, True, True, False, True, False]


def test_an_unclosed_quotation_stops_silencing_after_a_few_sentences() -> None:
    texts = ["He said “well.", "One.", "Two.", "Three.", "Four.", "How did you cope?"]
    assert quoted_questions(texts)[-1] is False


def test_reported_questions_in_a_reply_are_not_the_interviewer_s() -> None:
    found = _questions(
        "How did you get the idea?",
        'We talked to students and said "What is it that you\'re looking for?"',
        "Everybody wanted a job in software.",
    )
    assert found == ["How did you get the idea?"]


def test_a_short_rephrasing_joins_the_question_it_precedes() -> None:
    found = _questions(
        "It changed how I thought about the military.",
        "What sorts of things?",
        "Do you remember?",
        "Well, all the records that you get from all the services.",
    )
    assert found == ["What sorts of things? Do you remember?"]


def test_a_confirmation_carries_the_statement_it_confirms() -> None:
    found = _questions(
        "Okay.",
        "I think you mentioned that you were in the Navy before.",
        "Is that correct?",
        "I was in the Navy, yes, for four years after school.",
    )
    assert found == ["I think you mentioned that you were in the Navy before. Is that correct?"]


def test_a_short_question_answered_with_well_is_the_interviewer_s() -> None:
    found = _questions(
        "You said that the agency contacted you.",
        "How did that work?",
        "Well, at that time you took an exam and waited for a letter.",
    )
    assert found == ["How did that work?"]


def test_a_reply_opening_with_yes_after_a_question_is_not_a_question() -> None:
    found = _questions(
        "Do you have any questions for us?",
        "Yes, I would like to hear how the team decides what to build next.",
    )
    assert found == ["Do you have any questions for us?"]


def test_with_speaker_labels_a_confirmation_also_carries_its_statement() -> None:
    turns = (
        ("spk_0", "Let's talk about money."),
        ("spk_0", "It seems like a capital-intensive model to pursue..."),
        ("spk_0", "Is that correct?"),
        ("spk_1", "Yeah, it is."),
        ("spk_0", "Where do you get the money?"),
        ("spk_1", "We started out bootstrapped."),
    )
    segments = tuple(
        Segment(text, 2.0 * i, 2.0 * i + 2.0, who) for i, (who, text) in enumerate(turns)
    )
    found = HeuristicQuestionExtractor().extract(Transcript(segments))
    assert [item.question for item in found] == [
        "It seems like a capital-intensive model to pursue... Is that correct?",
        "Where do you get the money?",
    ]
    assert found[0].context == "Let's talk about money."
