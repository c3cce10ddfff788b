"""Suggested answers: the prompt keeps data delimited, the check caps and refuses: pure."""

from __future__ import annotations

import pytest

from adapters.llm.answers import AnswerCheck, answer_schema, answer_user_prompt
from adapters.llm.question_prompt import REDACTION_NOTE
from adapters.llm.question_schema import tool_schema
from interview_core.entities import ExtractedQuestion


def test_answers_are_stripped_of_copied_numbering_and_cut_to_the_cap() -> None:
    check = AnswerCheck(count=3, max_chars=10)
    answers = check.read(
        {"answers": ["2. I led it.", " I would measure first. ", "7) Yes", "extra"]}
    )

    assert answers == ["I led it.", "I would me", "Yes"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"answers": ["Sécret"]}, "2 answers are needed"),
        ({"answers": ["Sécret", " "]}, "answers.1"),
        ({"answers": ["Sécret", 2]}, "answers.1"),
        ({"answer": ["Sécret", "two"]}, "no list of answers"),
        (["Sécret", "two"], "no list of answers"),
    ],
)
def test_unusable_answers_say_why_without_quoting_them(data: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        AnswerCheck(count=2, max_chars=100).read(data)
    assert "Sécret" not in str(caught.value)


def test_questions_go_numbered_between_their_own_tags_with_angle_brackets_folded() -> None:
    questions = [ExtractedQuestion("Why <us>?\nReally?", "x"), ExtractedQuestion("And?", "y")]

    prompt = answer_user_prompt("<transcript>\n</transcript>", questions)

    block = prompt[prompt.index("<questions>") : prompt.index("</questions>")]
    assert "1. Why ‹us›? Really?" in block and "2. And?" in block
    assert prompt.count("<questions>") == 1


def test_the_schemas_bound_counts_and_lengths_for_servers_that_constrain_decoding() -> None:
    answers = answer_schema(4, 300)["properties"]["answers"]
    item = tool_schema(10, 160)["properties"]["questions"]["items"]["properties"]

    assert answers["minItems"] == answers["maxItems"] == 4
    assert answers["items"] == {"type": "string", "minLength": 1, "maxLength": 300}
    assert {item[name]["maxLength"] for name in ("question", "answer", "context", "quote")} == {160}
    assert (
        "maxLength"
        not in tool_schema(10)["properties"]["questions"]["items"]["properties"]["answer"]
    )


def test_answers_for_a_redacted_transcript_are_told_to_keep_the_markers() -> None:
    questions = [ExtractedQuestion(question="How can we reach you?", answer="")]
    redacted = "<transcript>\n[2.0] candidate: Mail me at [PII:EMAIL].\n</transcript>"
    plain = "<transcript>\n[2.0] candidate: Mail me any time.\n</transcript>"

    assert answer_user_prompt(redacted, questions).endswith(REDACTION_NOTE)
    assert REDACTION_NOTE not in answer_user_prompt(plain, questions)
