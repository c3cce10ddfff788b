"""The offline heuristic question extractor, on synthetic transcripts."""

from __future__ import annotations

import attrs
import pytest

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.local.question_patterns import (
    describe_sentence,
    is_generic_question,
    question_category,
)
from interview_core.entities import ExtractedQuestion, Segment, Transcript, Word
from interview_core.errors import ConfigurationError
from interview_core.ports import QuestionExtractor
from interview_core.speaker_roles import Role

INTERVIEWER, CANDIDATE = "interviewer", "candidate"
WORD_SECONDS, SENTENCE_PAUSE, TURN_PAUSE = 0.3, 0.35, 0.8

INTERVIEW = (
    (INTERVIEWER, "Hi, thanks for coming in. Tell me about yourself."),
    (CANDIDATE, "I am a backend engineer with six years of Python and Go. "
        "Most recently I built payment systems."),
    (INTERVIEWER, "Great, thanks. Let's talk about databases. "
        "How would you index a table that is read far more often than it is written?"),
    (CANDIDATE, "I would add indexes on the columns used in filters and joins. "
        "Why does that matter? Because every read then skips a full scan. "
        "What did I learn from that? That measuring first saves time. "
        "So how do we know it works? "
        "We watch the slow query log and it stays quiet, right? That is the whole trick."),
    (INTERVIEWER, "So, walk me through how you would design a rate limiter."),
    (CANDIDATE, "Each client gets a bucket of tokens that refills at a steady pace. "
        "A request takes a token, and an empty bucket means the request is refused."),
    (INTERVIEWER, "That is all from my side. Do you have any questions for us?"),
    (CANDIDATE, "No, I think you covered everything. Thank you."),
)  # fmt: skip
EXPECTED_QUESTIONS = [
    "Tell me about yourself.",
    "How would you index a table that is read far more often than it is written?",
    "So, walk me through how you would design a rate limiter.",
    "Do you have any questions for us?",
]


def conversation(
    turns: tuple[tuple[str, str], ...], *, words: bool = True, speakers: bool = True
) -> Transcript:
    """Each turn as one segment, sentences and turns separated by pauses as people speak."""
    segments = []
    clock = 0.0
    for speaker, text in turns:
        clock += TURN_PAUSE
        timed = []
        for piece in text.split():
            timed.append(Word(piece, clock, clock + WORD_SECONDS))
            clock += WORD_SECONDS + (SENTENCE_PAUSE if piece.endswith((".", "?")) else 0.0)
        segments.append(
            Segment(
                text,
                timed[0].start,
                timed[-1].end,
                speaker if speakers else None,
                tuple(timed) if words else (),
            )
        )
    return Transcript(tuple(segments), language="en", duration=clock + 1.0)


def rechunked(transcript: Transcript, size: int) -> Transcript:
    """The words regrouped into `size`-word segments across sentences, as a recogniser does."""
    words = [word for segment in transcript.segments for word in segment.words]
    chunks = [tuple(words[i : i + size]) for i in range(0, len(words), size)]
    return Transcript(
        tuple(Segment(" ".join(w.text for w in c), c[0].start, c[-1].end, None, c) for c in chunks)
    )


def extract(transcript: Transcript) -> list[ExtractedQuestion]:
    extractor: QuestionExtractor = HeuristicQuestionExtractor()
    return extractor.extract(transcript)


def questions(transcript: Transcript) -> list[str]:
    return [item.question for item in extract(transcript)]


# --- with speaker labels ----------------------------------------------------------------


def test_labelled_questions_carry_lead_in_reply_category_and_own_times() -> None:
    found = extract(conversation(INTERVIEW))
    assert [item.question for item in found] == EXPECTED_QUESTIONS
    first, second, third, last = found
    assert first.context == "Hi, thanks for coming in."
    assert first.answer == (
        "I am a backend engineer with six years of Python and Go. "
        "Most recently I built payment systems."
    )
    assert second.context == "Let's talk about databases."  # the acknowledgement is dropped
    assert second.answer.startswith("I would add indexes") and "Why does that matter?" in (
        second.answer
    )
    assert third.context == "" and third.question_context == "technical"
    assert (last.context, last.question_context, last.is_global) == (
        "That is all from my side.",
        "closing",
        True,
    )
    assert last.answer == "No, I think you covered everything. Thank you."
    words = conversation(INTERVIEW).segments[0].words
    assert (first.start_time, first.end_time) == (words[5].start, words[-1].end)


def test_labelled_candidate_questions_and_interviewer_asides_are_left_out() -> None:
    turns = (
        (INTERVIEWER, "Do you have any questions for us?"),
        (CANDIDATE, "Yes, how big is the team? Do you work remotely?"),
        (INTERVIEWER, "Mm-hmm."),
        (CANDIDATE, "I ask because I have a long commute."),
        (INTERVIEWER, "We are twelve people, mostly remote."),
    )
    found = extract(conversation(turns))
    assert [item.question for item in found] == ["Do you have any questions for us?"]
    assert found[0].answer == (
        "Yes, how big is the team? Do you work remotely? I ask because I have a long commute."
    )


@pytest.mark.parametrize(
    ("turns", "interviewer_question"),
    [
        # the speaker with most questions, though the other speaks first and asks one too
        ((("spk_0", "Hello, nice to meet you."),
          ("spk_1", "Nice to meet you too. Why do you want this job? What do you know of us?"),
          ("spk_0", "I like building things. Is that what you mean?")),
         "Why do you want this job? What do you know of us?"),
        # a tie goes to whoever spoke first
        ((("spk_0", "Why do you want this job?"),
          ("spk_1", "I like building things. Is that enough?")),
         "Why do you want this job?"),
    ],
)  # fmt: skip
def test_without_an_interviewer_label_the_asker_is_the_interviewer(
    turns: tuple[tuple[str, str], ...], interviewer_question: str
) -> None:
    assert questions(conversation(turns)) == [interviewer_question]


PANEL = (
    ("spk_0", "Welcome, and thanks for coming. Tell me about yourself."),
    ("spk_2", "I build data pipelines. Why? Because I like order."),
    ("spk_1", "What database would you pick for an event log?"),
    ("spk_2", "An append-only store."),
    ("spk_0", "Mm-hmm."),
    ("spk_2", "Reads are rare there, so writes matter most."),
    ("spk_1", "Right. We use one too."),
    ("spk_2", "Then you know the trade-offs."),
    ("spk_0", "Why do you want to join us?"),
    ("spk_2", "I like the product."),
    ("spk_1", "How would you test a scheduled job?"),
    ("spk_2", "With a fake clock."),
)


def test_a_panels_questions_come_from_both_interviewers_with_the_candidates_replies() -> None:
    found = extract(conversation(PANEL))
    assert [(f.question, f.answer) for f in found] == [
        ("Tell me about yourself.", "I build data pipelines. Why? Because I like order."),
        (
            "What database would you pick for an event log?",
            "An append-only store. Reads are rare there, so writes matter most.",
        ),
        ("Why do you want to join us?", "I like the product."),
        ("How would you test a scheduled job?", "With a fake clock."),
    ]
    assert found[0].context == "Welcome, and thanks for coming."


def test_given_roles_decide_whose_questions_count() -> None:
    swapped = {"spk_0": Role.CANDIDATE, "spk_1": Role.CANDIDATE, "spk_2": Role.INTERVIEWER}
    transcript = attrs.evolve(conversation(PANEL), speaker_roles=swapped)
    found = extract(transcript)
    assert [(f.question, f.answer) for f in found] == [
        ("Why?", "What database would you pick for an event log?")
    ]
    assert found[0].context == "I build data pipelines."


def test_roles_without_an_interviewer_fall_back_to_reading_the_text() -> None:
    nobody = {"spk_0": Role.CANDIDATE, "spk_1": Role.CANDIDATE, "spk_2": Role.CANDIDATE}
    transcript = attrs.evolve(conversation(PANEL), speaker_roles=nobody)
    unlabelled = conversation(PANEL, speakers=False)
    assert questions(transcript) == questions(unlabelled)


def test_back_to_back_questions_in_one_turn_are_one_question() -> None:
    turns = (
        (INTERVIEWER, "Tell me about your last project. What was the hardest part?"),
        (CANDIDATE, "The data."),
    )
    found = extract(conversation(turns))
    assert [(f.question, f.answer) for f in found] == [
        ("Tell me about your last project. What was the hardest part?", "The data.")
    ]


def test_labelled_lead_in_keeps_the_last_sentences_before_the_question() -> None:
    monologue = "We build maps. They run on phones. Phones are slow. The data is big."
    turns = ((INTERVIEWER, f"{monologue} How would you cache tiles?"), (CANDIDATE, "In memory."))
    assert extract(conversation(turns))[0].context == (
        "They run on phones. Phones are slow. The data is big."
    )
    short = HeuristicQuestionExtractor(max_lead_in=1).extract(conversation(turns))
    assert short[0].context == "The data is big."


# --- without speaker labels -------------------------------------------------------------


@pytest.mark.parametrize(
    "transcript",
    [
        pytest.param(conversation(INTERVIEW, speakers=False), id="words"),
        pytest.param(rechunked(conversation(INTERVIEW), 7), id="recogniser-segments"),
        pytest.param(conversation(INTERVIEW, speakers=False, words=False), id="timed-text"),
        pytest.param(
            Transcript((Segment(" ".join(t for _, t in INTERVIEW), 0.0, 300.0),)), id="one-block"
        ),
    ],
)
def test_unlabelled_interviewer_questions_are_told_from_the_replies(
    transcript: Transcript,
) -> None:
    found = extract(transcript)
    assert [item.question for item in found] == EXPECTED_QUESTIONS
    first, second, _, last = found
    assert first.context == "Hi, thanks for coming in."
    assert first.answer.endswith("Most recently I built payment systems.")
    assert second.context == "Let's talk about databases."
    # the rhetorical and tag questions stay in the reply; the acknowledgement does not
    assert second.answer.startswith("I would add indexes")
    assert "What did I learn from that?" in second.answer
    assert second.answer.endswith("That is the whole trick.")
    assert "Great, thanks." not in first.answer
    assert last.answer == "No, I think you covered everything. Thank you."


def test_unlabelled_lead_in_needs_a_marked_turn_start() -> None:
    turns = (
        (INTERVIEWER, "Why did you leave your last job?"),
        (
            CANDIDATE,
            "The product was shutting down. Why would I stay? There was nothing left to build.",
        ),
        (INTERVIEWER, "It sounds like a hard year. How did your team take it?"),
        (CANDIDATE, "They found new roles quickly and we still meet."),
    )
    found = extract(conversation(turns, speakers=False))
    assert [f.question for f in found] == [
        "Why did you leave your last job?",
        "How did your team take it?",
    ]
    assert found[1].context == "It sounds like a hard year."  # a pause marks the turn
    unmarked = extract(_one_block(turns))
    assert unmarked[1].context == ""  # no pause: it may as well be the candidate's
    assert unmarked[0].answer.endswith("It sounds like a hard year.")


def _one_block(turns: tuple[tuple[str, str], ...]) -> Transcript:
    return Transcript((Segment(" ".join(text for _, text in turns), 0.0, 60.0),))


def test_empty_and_question_free_transcripts_give_no_questions() -> None:
    assert extract(Transcript(())) == []
    assert (
        extract(conversation(((INTERVIEWER, "Hello."), (CANDIDATE, "I built payment systems."))))
        == []
    )
    assert extract(conversation(((CANDIDATE, "It works, right?"),), speakers=False)) == []


def test_category_falls_back_to_the_lead_in() -> None:
    turns = (
        (INTERVIEWER, "Let's turn to system design. How would you approach it?"),
        (CANDIDATE, "Carefully."),
    )
    found = extract(conversation(turns))
    assert (found[0].question, found[0].question_context) == (
        "How would you approach it?",
        "technical",
    )


def test_results_are_deterministic() -> None:
    transcript = rechunked(conversation(INTERVIEW), 5)
    assert extract(transcript) == extract(transcript)


@pytest.mark.parametrize(
    "arguments",
    [{"turn_gap": 0.0}, {"turn_gap": -1.0}, {"pause_break": 0.0}, {"max_lead_in": -1}],
)
def test_bad_settings_raise_configuration_error(arguments: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        HeuristicQuestionExtractor(**arguments)  # type: ignore[arg-type]


def test_two_hours_of_speech_and_one_unpunctuated_run_are_handled() -> None:
    exchange = tuple(INTERVIEW[2:6])  # two questions and their replies, about 118 words
    long = conversation(exchange * 160)  # about 18,000 words: two hours at 150 a minute
    assert sum(len(s.words) for s in long.segments) > 18_000
    unpunctuated = Transcript((Segment("so we did the work and " * 3_600, 0.0, 7_200.0, None, ()),))
    for transcript in (long, rechunked(long, 9), unpunctuated):
        found = extract(transcript)
    assert found == []
    assert len(extract(long)) == 320


# --- the sentence rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "is_question"),
    [
        ("So, okay, and tell me about your last project.", True),
        ("Walk me through how you would design a rate limiter.", True),
        ("Could you explain the CAP theorem.", True),
        ("Which database would you choose for this.", True),
        ("What's your biggest weakness", True),
        ("How long did the migration take", True),
        ("Describe your ideal team", True),
        ("Where is the office?", True),
        ("What I did was rewrite the parser.", False),
        ("When I joined, the team had no tests.", False),
        ("Which meant we had to restart everything.", False),
        ("How it works is simple.", False),
        ("It scales linearly, right?", False),
        ("You know?", False),
        ("Does that make sense?", False),
        ("Great.", False),
        ("", False),
    ],
)
def test_questions_are_told_by_mark_or_opener(sentence: str, is_question: bool) -> None:
    assert describe_sentence(sentence).is_question is is_question


@pytest.mark.parametrize(
    ("sentence", "acknowledgement"),
    [("Great, thanks.", True), ("That makes sense.", True), ("Okay.", True),
     ("Thanks for joining us today.", False), ("Yes.", False), ("So.", False)],
)  # fmt: skip
def test_acknowledgements(sentence: str, acknowledgement: bool) -> None:
    assert describe_sentence(sentence).is_acknowledgement is acknowledgement


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("Tell me about a time you disagreed with your manager.", "behavioral"),
        ("Describe a situation where you missed a deadline.", "behavioral"),
        ("What was the biggest challenge last year?", "behavioral"),
        ("Why do you want to work here?", "motivation"),
        ("What interests you about this role?", "motivation"),
        ("Walk me through your resume.", "background"),
        ("What is your greatest weakness?", "strengths"),
        ("How do you like to work in a team?", "teamwork"),
        ("How would you design a URL shortener?", "technical"),
        ("What is the complexity of binary search?", "technical"),
        ("What is the most interesting bug you fixed?", "technical"),
        ("Do you have any questions for us?", "closing"),
        ("Is there anything else you would like to add?", "closing"),
        ("Where did you grow up?", "general"),
    ],
)
def test_question_categories(question: str, category: str) -> None:
    assert question_category(question) == category


@pytest.mark.parametrize(
    ("question", "generic"),
    [
        ("Tell me about yourself.", True),
        ("What are your strengths and weaknesses?", True),
        ("Why do you want to work here?", True),
        ("Where do you see yourself in five years?", True),
        ("Do you have any questions for us?", True),
        ("Tell me about a time you failed.", True),
        ("Tell me about a time you had a conflict with a colleague.", True),
        ("How would you design a rate limiter?", False),
        ("How do you resolve a merge conflict in git?", False),
        ("What did you change in the billing service?", False),
    ],
)
def test_generic_questions_are_global(question: str, generic: bool) -> None:
    assert is_generic_question(question) is generic
