"""The offline redactor: each type found and replaced, near misses kept, words consistent."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.local.pii_numbers import isbn13_valid, luhn_valid
from adapters.local.pii_patterns import iban_valid, redact_text
from adapters.local.pii_redactor import PatternPiiRedactor, redact_words
from interview_core.entities import Segment, Transcript, Word
from interview_core.personal_data import (
    OFFLINE_TYPES,
    PiiType,
    count_redactions,
    parse_pii_types,
)

ALL = frozenset(PiiType)

FOUND = [
    ("write to jane.doe+jobs@example.co.uk today", "jane.doe+jobs@example.co.uk", "EMAIL"),
    ("it is jane dot doe at example dot com", "jane dot doe at example dot com", "EMAIL"),
    ("mail john at gmail.com please", "john at gmail.com", "EMAIL"),
    ("call +44 20 7946 0958 now", "+44 20 7946 0958", "PHONE"),
    ("call +1 (555) 123-4567 now", "+1 (555) 123-4567", "PHONE"),
    ("call (555) 123-4567 now", "(555) 123-4567", "PHONE"),
    ("call 555-123-4567 now", "555-123-4567", "PHONE"),
    ("call 555.123.4567 now", "555.123.4567", "PHONE"),
    ("call 1-800-555-0199 now", "1-800-555-0199", "PHONE"),
    ("call 555-0199 now", "555-0199", "PHONE"),
    ("ring 020 7946 0958 now", "020 7946 0958", "PHONE"),
    ("ring 07700 900123 now", "07700 900123", "PHONE"),
    ("appelez 06 12 34 56 78 maintenant", "06 12 34 56 78", "PHONE"),
    ("ruf 0049 30 1234567 an", "0049 30 1234567", "PHONE"),
    ("call 5551234567 now", "5551234567", "PHONE"),
    ("it's five five five one two three four five six seven", None, "PHONE"),
    ("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111", "CARD"),
    ("card 4111-1111-1111-1111 ok", "4111-1111-1111-1111", "CARD"),
    ("card 5500005555555559 ok", "5500005555555559", "CARD"),
    ("amex 3782 822463 10005 ok", "3782 822463 10005", "CARD"),
    ("iban GB82 WEST 1234 5698 7654 32 I think", "GB82 WEST 1234 5698 7654 32", "IBAN"),
    ("iban DE89370400440532013000 ok", "DE89370400440532013000", "IBAN"),
    ("see https://github.com/jdoe?tab=repos.", "https://github.com/jdoe?tab=repos", "URL"),
    ("see www.example.org/cv ok", "www.example.org/cv", "URL"),
    ("profile linkedin.com/in/jdoe, ok", "linkedin.com/in/jdoe", "URL"),
    ("ssn 123-45-6789 ok", "123-45-6789", "SSN"),
    ("ssn 078 05 1120 ok", "078 05 1120", "SSN"),
    ("ni AB 12 34 56 C ok", "AB 12 34 56 C", "NINO"),
    ("ni ab123456c ok", "ab123456c", "NINO"),
]

KEPT = [
    "In 2019 I moved, and in 2021 2022 2023 I led the team.",
    "We met at 10:30 and left at 14:45:10.",
    "Python 3.11.7 and Windows 10.0.19041.1 and version 1.2.3-rc1.",
    "On 2024-01-15, 15.01.2024, 01/02/2024, 01.02.2024 and 12/05/1985.",
    "It cost $1,250,000 or 1.250.000 EUR or 2 500 000 euros, up 12.5% to 3.5 million.",
    "ISBN 978-3-16-148410-0 and 9783161484100 and 0-306-40615-2.",
    "Scores of 98 99 100, rooms 101 and 102, and 12 345 678 rows.",
    "The server at 192.168.100.100 answered; pi is 3.14159265358979.",
    "We used ASP.NET, Node.js, e.g. React, i.e. the U.S. market.",
    "I worked at example dot com and looked at python dot org.",
    "Order 4111 1111 1111 1112 failed the check.",
    "Account GB00 WEST 1234 5698 7654 32 has a bad check.",
    "Reference 000-12-3456 and 666-12-3456 and 912-34-5678 are no SSNs.",
    "Code QQ 12 34 56 C and GB 12 34 56 A are no NI numbers.",
    "I have one or two ideas, three at most.",
    "Already redacted: [PII:EMAIL] and [PII] and [PII:NAME].",
]


@pytest.mark.parametrize(("text", "value", "kind"), FOUND)
def test_each_type_is_replaced_by_its_marker(text: str, value: str | None, kind: str) -> None:
    redacted = redact_text(text, ALL)

    assert f"[PII:{kind}]" in redacted
    if value is not None:
        assert value not in redacted
        assert redacted == text.replace(value, f"[PII:{kind}]")


@pytest.mark.parametrize("text", KEPT)
def test_near_misses_stay_as_they_are(text: str) -> None:
    assert redact_text(text, ALL) == text


def test_in_a_language_without_spaces_only_the_value_is_replaced() -> None:
    text = "メールはjane@example.comです。電話は090-1234-5678、サイトはhttps://jane.dev/cvです。"

    assert redact_text(text, ALL) == (
        "メールは[PII:EMAIL]です。電話は[PII:PHONE]、サイトは[PII:URL]です。"
    )


def test_only_the_chosen_types_are_replaced() -> None:
    text = "mail jane@example.com or call 555-123-4567"

    assert (
        redact_text(text, frozenset({PiiType.PHONE})) == "mail jane@example.com or call [PII:PHONE]"
    )
    assert PatternPiiRedactor([PiiType.NAME]).types == frozenset()


def test_a_value_over_several_words_becomes_one_word_spanning_their_times() -> None:
    texts = ["Call", "me", "on", "555", "123", "4567,", "or", "jane@example.com."]
    words = [Word(text, float(n), n + 0.5, 0.9) for n, text in enumerate(texts)]

    redacted = redact_words(words, ALL)

    assert [w.text for w in redacted] == ["Call", "me", "on", "[PII:PHONE],", "or", "[PII:EMAIL]."]
    phone = redacted[3]
    assert (phone.start, phone.end, phone.confidence) == (3.0, 5.5, None)
    assert redacted[5] == Word("[PII:EMAIL].", 7.0, 7.5, 0.9)
    assert [w.start for w in redacted] == sorted(w.start for w in redacted)


def test_segments_and_words_are_redacted_alike_and_counted() -> None:
    words = tuple(Word(t, n, n + 1.0) for n, t in enumerate("I am on +44 20 7946 0958".split()))
    segment = Segment("I am on +44 20 7946 0958", 0.0, 8.0, "spk_0", words)
    plain = Segment("Mail jane@example.com or visit jane.dev", 8.0, 9.0)
    transcript = Transcript((segment, plain), language="en", duration=9.0)

    redacted = PatternPiiRedactor().redact(transcript)

    assert redacted.segments[0].text == "I am on [PII:PHONE]"
    assert " ".join(w.text for w in redacted.segments[0].words) == redacted.segments[0].text
    assert redacted.segments[1].text == "Mail [PII:EMAIL] or visit [PII:URL]"
    assert redacted.segments[1].words == ()
    assert (redacted.language, redacted.duration) == ("en", 9.0)
    assert count_redactions(redacted) == (("EMAIL", 1), ("PHONE", 1), ("URL", 1))


def test_a_value_hidden_by_an_overlapping_one_is_found_in_the_same_call() -> None:
    once = redact_text("www.(0@www.0", ALL)

    assert once == "[PII:URL][PII:EMAIL]"
    assert redact_text(once, ALL) == once


def test_a_transcript_without_details_is_returned_as_it_is() -> None:
    transcript = Transcript((Segment("Tell me about yourself.", 0.0, 2.0),))

    assert PatternPiiRedactor().redact(transcript) is transcript


def test_type_names_are_parsed_and_unknown_ones_refused() -> None:
    assert parse_pii_types("all") == frozenset(PiiType)
    assert parse_pii_types(" email, Phone ") == {PiiType.EMAIL, PiiType.PHONE}
    with pytest.raises(ValueError, match="unknown PII types PASSPORT"):
        parse_pii_types("EMAIL,PASSPORT")


def test_checksums() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert isbn13_valid("9783161484100") and not isbn13_valid("9783161484101")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB83WEST12345698765432")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a." * 10_000, "a." * 10_000),
        ("a dot " * 4_000, "a dot " * 4_000),
        ("1 " * 10_000, "1 " * 10_000),
        ("1-" * 10_000, "1-" * 10_000),
        ("x@" * 10_000, "x@" * 10_000),
        ("1" * 20_000, "1" * 20_000),
        ("five " * 40, "[PII:PHONE] "),
    ],
)
def test_long_hostile_text_is_redacted_as_any_other(text: str, expected: str) -> None:
    # every pattern is bounded, so the work grows with the text (bench/redaction.py)
    assert redact_text(text, ALL) == expected


_TEXT = st.lists(
    st.sampled_from([*"0123456789 -.+()@:/abcxyzGBQ", " dot ", " at ", ".com", "[PII:URL]"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    once = redact_text(text, ALL)

    assert redact_text(once, ALL) == once


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=15, max_size=15), _TEXT, _TEXT)
def test_no_luhn_valid_sixteen_digit_run_is_left(
    digits: list[int], before: str, after: str
) -> None:
    body = "".join(map(str, digits))
    check = next(d for d in "0123456789" if luhn_valid(body + d))
    text = f"{before} {body}{check} {after}"

    redacted = redact_text(text, ALL)

    for run in re.findall(r"\d{16}", redacted):
        assert not luhn_valid(run)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["555", "123", "4567,", "hi", "a@b.io", "+44", "7946"]), max_size=12)
)
def test_redacted_words_keep_their_order_and_cover_the_same_time(texts: list[str]) -> None:
    words = [Word(text, n * 1.0, n + 0.5) for n, text in enumerate(texts)]

    redacted = redact_words(words, frozenset(OFFLINE_TYPES))

    if words:
        assert redacted[0].start == words[0].start
        assert redacted[-1].end == words[-1].end
    assert all(a.end <= b.start for a, b in zip(redacted, redacted[1:], strict=False))
    assert redact_words(redacted, frozenset(OFFLINE_TYPES)) == redacted


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=15, max_size=15), st.sampled_from(["words", "-", ""]))
def test_a_card_number_however_written_leaves_no_luhn_valid_run(
    digits: list[int], written: str
) -> None:
    body = "".join(map(str, digits))
    number = body + next(d for d in "0123456789" if luhn_valid(body + d))
    groups = [number[i : i + 4] for i in range(0, 16, 4)]
    said = groups if written == "words" else [written.join(groups)]
    texts = ["my", "card", "is", *said[:-1], said[-1] + "."]
    segment = Segment(
        " ".join(texts),
        0.0,
        float(len(texts)),
        words=tuple(Word(t, float(n), n + 0.9) for n, t in enumerate(texts)),
    )

    redacted = PatternPiiRedactor().redact(Transcript((segment,)))

    (result,) = redacted.segments
    assert result.text == "my card is [PII:CARD]."
    assert [w.text for w in result.words] == ["my", "card", "is", "[PII:CARD]."]
    assert (result.words[-1].start, result.words[-1].end) == (3.0, len(texts) - 0.1)
    assert PatternPiiRedactor().redact(redacted) is redacted


def _segment(text: str, start: float, speaker: str = "candidate") -> Segment:
    words = tuple(Word(t, start + n, start + n + 0.5) for n, t in enumerate(text.split()))
    return Segment(text, start, start + len(words), speaker, words)


def test_a_value_split_between_two_segments_is_replaced_in_both() -> None:
    transcript = Transcript(
        (
            _segment("You can call me on 555", 0.0),
            _segment("123 4567, any time.", 10.0),
            _segment("Thanks.", 20.0, "interviewer"),
        )
    )

    redacted = PatternPiiRedactor().redact(transcript)

    first, second, third = redacted.segments
    assert first.text == "You can call me on [PII:PHONE]"
    assert first.words[-1] == Word("[PII:PHONE]", 5.0, 5.5)
    assert second.text == "[PII:PHONE], any time."
    assert second.words[0] == Word("[PII:PHONE],", 10.0, 11.5)
    assert [w.text for w in second.words[1:]] == ["any", "time."]
    assert third is transcript.segments[2]
    assert PatternPiiRedactor().redact(redacted) is redacted


def test_numbers_that_only_meet_at_a_segment_boundary_are_kept() -> None:
    transcript = Transcript((_segment("We started in 2019", 0.0), _segment("2020 was hard.", 5.0)))

    assert PatternPiiRedactor().redact(transcript) is transcript


_TOKEN = st.sampled_from(
    ["555", "123", "4567", "+44", "20", "7946", "0958", "jane@x.io", "call", "at", "dot",
     "com", "jane", "five", "oh", "GB82", "WEST", "1234", "5698", "7654", "32", "AB", "12",
     "34", "56", "C", "2019", "10:30", "www.a.io", "-", "(555)"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TOKEN, min_size=1, max_size=10), min_size=1, max_size=4))
def test_redacted_segments_keep_text_and_words_alike_and_stay_as_they_are(
    spoken: list[list[str]],
) -> None:
    segments, start = [], 0.0
    for tokens in spoken:
        segments.append(_segment(" ".join(tokens), start))
        start += len(tokens) + 1.0
    redactor = PatternPiiRedactor()

    redacted = redactor.redact(Transcript(tuple(segments)))

    for segment in redacted.segments:
        assert " ".join(word.text for word in segment.words) == segment.text
        assert all(a.end <= b.start for a, b in zip(segment.words, segment.words[1:], strict=False))
    assert redactor.redact(redacted) == redacted
