"""Grounding: only questions the transcript shows are kept, timed where they were found."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interview_core.entities import ExtractedQuestion, Segment, Transcript
from interview_core.grounding import ground_questions
from interview_core.transcript_index import words_of

TRANSCRIPT = Transcript(
    (
        Segment("Thanks for coming in today.", 0.0, 2.0, "interviewer"),
        Segment("So, um, tell me about a time you disagreed", 2.5, 5.0, "interviewer"),
        Segment("with a teammate and how you resolved it?", 5.0, 8.0, "interviewer"),
        Segment("We argued about a schema and I set up a meeting.", 8.5, 15.0, "candidate"),
        Segment("Why do you want to work here?", 16.0, 18.0, "interviewer"),
        Segment("Because of the mission. Why do you want to work here, you ask?", 18.5, 25.0),
    )
)


def _question(text: str, **fields: object) -> ExtractedQuestion:
    return ExtractedQuestion(question=text, answer="An answer.", **fields)  # type: ignore[arg-type]


def test_a_question_spread_over_lines_is_kept_by_a_close_match_timed_by_those_lines() -> None:
    asked = _question("Tell me about a time you disagreed with a teammate and how you resolved it?")

    grounded = ground_questions([asked], TRANSCRIPT)

    assert grounded.dropped == 0
    [kept] = grounded.kept
    assert (kept.start_time, kept.end_time) == (2.5, 8.0)
    assert kept.question == asked.question and kept.answer == asked.answer


def test_invented_questions_are_dropped_and_counted_even_with_a_made_up_quote() -> None:
    invented = [
        _question("What is your greatest weakness?"),
        _question("Where do you see yourself in five years?", quote="in five years"),
        _question("Describe your experience with Kubernetes clusters.", start_time=16.0),
    ]
    real = _question("Why do you want to work here?")

    grounded = ground_questions([invented[0], real, *invented[1:]], TRANSCRIPT)

    assert [q.question for q in grounded.kept] == [real.question]
    assert grounded.dropped == 3


def test_a_quote_grounds_a_reworded_question_and_a_start_time_picks_the_nearer_place() -> None:
    reworded = _question("What draws you to this company?", quote="why do you want to work here")

    first = ground_questions([reworded], TRANSCRIPT).kept[0]
    near_end = _question(reworded.question, quote=reworded.quote, start_time=20.0)
    later = ground_questions([near_end], TRANSCRIPT)

    assert (first.start_time, first.end_time) == (16.0, 18.0)
    assert (later.kept[0].start_time, later.kept[0].end_time) == (18.5, 25.0)


def test_times_inside_the_found_lines_are_kept_and_times_elsewhere_are_replaced() -> None:
    finer = _question("Why do you want to work here?", start_time=16.2, end_time=17.9)
    elsewhere = _question("Why do you want to work here?", start_time=30.0, end_time=31.0)
    inverted = _question("Why do you want to work here?", start_time=17.0, end_time=16.5)

    kept = ground_questions([finer, elsewhere, inverted], TRANSCRIPT).kept

    assert [(q.start_time, q.end_time) for q in kept] == [(16.2, 17.9), (16.0, 18.0), (16.0, 18.0)]


def test_nothing_is_kept_from_an_empty_transcript_or_a_question_without_words() -> None:
    assert ground_questions([_question("Why?")], Transcript(())).dropped == 1
    assert ground_questions([_question("???")], TRANSCRIPT).dropped == 1


@given(st.lists(st.text(alphabet="abcdefgh ?", min_size=1, max_size=40), max_size=6))
def test_every_kept_question_has_most_of_its_words_in_the_transcript(texts: list[str]) -> None:
    transcript_words = set(words_of(" ".join(s.text for s in TRANSCRIPT.segments)))

    grounded = ground_questions([_question(text) for text in texts], TRANSCRIPT)

    assert len(grounded.kept) + grounded.dropped == len(texts)
    for question in grounded.kept:
        words = words_of(question.question)
        assert sum(word in transcript_words for word in words) >= 0.8 * len(words)
