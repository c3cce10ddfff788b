"""The transcript as delimited prompt data: pure, no I/O."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.llm.question_prompt import (
    CLOSE_TAG,
    OPEN_TAG,
    REDACTION_NOTE,
    SYSTEM_PROMPT,
    delimited,
    segment_line,
    user_prompt,
)
from interview_core.entities import Segment, Transcript
from interview_core.speaker_roles import Role

SEGMENTS = (
    Segment("Hello, and welcome!", 0.0, 2.0, "interviewer"),
    Segment("Tell me about yourself.", 2.5, 4.0, "interviewer"),
    Segment("I started as a tester; then I wrote code.", 4.5, 9.0, "candidate"),
    Segment("Great. What's your biggest weakness?", 10.0, 12.5, None),
)


def _rendered(transcript: Transcript) -> str:
    return delimited([segment_line(segment) for segment in transcript.segments])


def test_each_segment_is_one_timed_labelled_line_between_the_tags() -> None:
    rendered = _rendered(Transcript(SEGMENTS))

    assert rendered.splitlines() == [
        OPEN_TAG,
        "[0.0] interviewer: Hello, and welcome!",
        "[2.5] interviewer: Tell me about yourself.",
        "[4.5] candidate: I started as a tester; then I wrote code.",
        "[10.0] unknown: Great. What's your biggest weakness?",
        CLOSE_TAG,
    ]


def test_a_known_role_follows_its_speakers_label() -> None:
    roles = {"interviewer": Role.CANDIDATE, "candidate": Role.INTERVIEWER}
    lines = [segment_line(segment, roles) for segment in SEGMENTS]

    assert lines == [
        "[0.0] interviewer (candidate): Hello, and welcome!",
        "[2.5] interviewer (candidate): Tell me about yourself.",
        "[4.5] candidate (interviewer): I started as a tester; then I wrote code.",
        "[10.0] unknown: Great. What's your biggest weakness?",
    ]
    assert "only questions from lines marked (interviewer)" in " ".join(SYSTEM_PROMPT.split())


@given(st.lists(st.tuples(st.text(max_size=80), st.none() | st.text(max_size=20)), max_size=8))
def test_no_segment_text_or_label_can_close_the_block_or_forge_a_line(
    parts: list[tuple[str, str | None]],
) -> None:
    segments = tuple(
        Segment(text, float(n), n + 0.5, speaker) for n, (text, speaker) in enumerate(parts)
    )

    lines = _rendered(Transcript(segments)).splitlines()

    assert lines[0] == OPEN_TAG
    assert lines[-1] == CLOSE_TAG
    inner = lines[1:-1]
    assert len(inner) == sum(1 for text, _ in parts if text.split())
    assert not any("<" in line or ">" in line for line in inner)


def test_a_window_of_a_longer_transcript_says_which_part_it_is() -> None:
    part = Transcript(SEGMENTS[1:3])

    prompt = user_prompt(part, _rendered(part), part=(2.5, 9.0))

    assert "Segments: 2." in prompt and "from 2 s to 9 s" in prompt
    assert "record only the questions asked in it" in prompt


def test_the_user_prompt_carries_the_facts_outside_the_data_and_the_problem_when_reasked() -> None:
    transcript = Transcript(SEGMENTS, language="en-US", duration=12.5)
    rendered = _rendered(transcript)

    prompt = user_prompt(transcript, rendered, problem="questions.0.answer: missing")

    before, _, after = prompt.partition(rendered)
    assert "Duration: 12 s." in before and "Language: en-US." in before
    assert "rejected: questions.0.answer: missing" in after


REDACTED = (
    Segment("What is the best address to reach you?", 0.0, 2.0, "interviewer"),
    Segment("It is [PII:EMAIL], or call [PII:PHONE].", 2.5, 6.0, "candidate"),
)


def test_a_redacted_transcript_comes_with_the_note_that_markers_are_kept_not_guessed() -> None:
    transcript = Transcript(REDACTED)

    prompt = user_prompt(transcript, _rendered(transcript))

    assert "[2.5] candidate: It is [PII:EMAIL], or call [PII:PHONE]." in prompt
    assert prompt.endswith(REDACTION_NOTE)
    assert "never guess" in REDACTION_NOTE and "exactly as written" in REDACTION_NOTE


def test_a_transcript_without_markers_gets_the_prompt_it_always_had() -> None:
    transcript = Transcript(SEGMENTS)

    prompt = user_prompt(transcript, _rendered(transcript))

    assert "[PII" not in prompt
    assert prompt.endswith("Record the interviewer's questions with the record_questions tool.")
