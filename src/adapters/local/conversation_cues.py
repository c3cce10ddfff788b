"""Word rules for unscripted speech: indirect prompts, confirmation tags, quotes, answers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

_WH = frozenset("what how why when where which who whom whose if whether about".split())
# "I'm curious how ...", "I was just wondering whether ...": a question put as a statement.
_CURIOUS_SUBJECTS: tuple[tuple[str, ...], ...] = (
    ("i'm",), ("i", "am"), ("i", "was"), ("i'd", "be"), ("i", "would", "be"), ("i",),
)  # fmt: skip
_CURIOUS_HEDGES = frozenset("just really also always kind sort of a little bit so".split())
_CURIOUS_CORES = frozenset("curious wondering wonder".split())
# Requests spoken in the first person: "I'd love to hear about ...", "I wanted to ask if ...".
_REQUEST_OPENERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "i wanted to ask", "i want to ask", "i'd like to ask", "i would like to ask",
        "i'd love to ask", "i'd love to hear", "i would love to hear", "i'd like to hear",
        "i would like to hear", "i'd love to know", "i would love to know", "i'd like to know",
        "i would like to know", "i'd love for you to", "i'd like you to", "i would like you to",
        "let me ask you", "i'm interested to hear", "i'm interested in hearing",
    )
)  # fmt: skip
# "If you could talk about ...": a request when a verb of speaking follows.
_CONDITIONAL_REQUEST = (("if", "you", "could"), ("if", "you", "would"), ("if", "you", "can"))
_SPEAKING_VERBS = frozenset(
    "talk tell describe explain walk share give expand elaborate say speak discuss take".split()
)
# "Let's start with how you got here.": a prompt when it points at the other's story.
_HORTATIVES = (("let's", "start", "with"), ("let's", "begin", "with"), ("let's", "talk", "about"))
_POINTERS = _WH | frozenset("you your yourself".split())
# Tags that ask the other to confirm what was just said of them.
_CONFIRMING_TAGS = frozenset(
    tuple(tag.split())
    for tag in (
        "correct", "is that correct", "is that right", "isn't that right", "is that true",
        "is that accurate", "am i right", "did i get that right", "have i got that right",
        "is that fair", "is that so",
    )
)  # fmt: skip
# Words by which a reply opens: "Yes, ...", "Well, ...".
_ANSWER_OPENERS = frozenset(
    "yes yeah yep yup no nope well sure oh absolutely definitely certainly exactly correct".split()
)
_OPENING_QUOTES = "“«"
_CLOSING_QUOTES = "”»"
_STRAIGHT_QUOTE = '"'
_CLOSING_MARKS = _CLOSING_QUOTES + _STRAIGHT_QUOTE
_MAX_QUOTED_SENTENCES = 4
_VOCATIVE = re.compile(
    r"^\s*(?i:(?:so|okay|ok|well|and|now|alright|all right)[,.]?\s+)*"
    r"(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?),\s+"
)
_NOT_NAMES = frozenset(
    "so okay ok well and now alright yes yeah no sure right great thanks good oh "
    "what how why when where which who".split()
)


def request_opener_length(body: Sequence[str]) -> int:
    """How many words open a request spoken as a statement ("If you could talk"); 0 for none."""
    for opener in _REQUEST_OPENERS:
        if _has_at(body, 0, opener):
            return len(opener)
    for opener in _CONDITIONAL_REQUEST:
        if _has_at(body, 0, opener) and len(body) > 3 and body[3] in _SPEAKING_VERBS:
            return 4
    for opener in _HORTATIVES:
        if _has_at(body, 0, opener) and len(body) > 3 and body[3] in _POINTERS:
            return 3
    return 0


def indirect_question_length(body: Sequence[str]) -> int:
    """How many words open a question put as a statement ("I'm curious how"); 0 for none."""
    for subject in _CURIOUS_SUBJECTS:
        if not _has_at(body, 0, subject):
            continue
        position = len(subject)
        while position < len(body) and body[position] in _CURIOUS_HEDGES:
            position += 1
        if position < len(body) and body[position] in _CURIOUS_CORES:
            following = body[position + 1 : position + 6]
            if any(word in _WH for word in following):
                return position + 1
    return 0


def is_confirming_tag(words: Sequence[str]) -> bool:
    """Whether these words are a tag that asks to confirm a statement ("Is that correct?")."""
    return tuple(words) in _CONFIRMING_TAGS


def opens_as_answer(words: Sequence[str]) -> bool:
    """Whether a sentence opens the way replies do ("Yes, ...", "Well, ...")."""
    return bool(words) and words[0] in _ANSWER_OPENERS


def without_vocative(text: str) -> str:
    """The sentence without a name it opens by addressing ("Austin, let's start ...")."""
    match = _VOCATIVE.match(text)
    if match is None or match["name"].split()[0].lower() in _NOT_NAMES:
        return text
    return text[: match.start("name")] + text[match.end() :]


def quoted_questions(texts: Sequence[str]) -> list[bool]:
    """For each sentence, whether its question mark falls inside a quotation.

    Quotations are followed across sentences ("He asked, “Do you have it? What's the
    priority?”"), and one left open is closed after a few sentences so that a stray mark
    cannot silence the rest of a transcript.
    """
    quoted = []
    inside, opened_for = False, 0
    for text in texts:
        found = False
        for position, char in enumerate(text):
            if char in _OPENING_QUOTES:
                inside = True
            elif char in _CLOSING_QUOTES:
                inside = False
            elif char == _STRAIGHT_QUOTE:
                inside = position == 0 or text[position - 1].isspace()
            elif char in "?？":
                after = text[position + 1 : position + 2]
                found = found or inside or (after != "" and after in _CLOSING_MARKS)
        quoted.append(found)
        opened_for = opened_for + 1 if inside else 0
        if opened_for >= _MAX_QUOTED_SENTENCES:
            inside, opened_for = False, 0
    return quoted


def _has_at(words: Sequence[str], position: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[position : position + len(phrase)]) == phrase
