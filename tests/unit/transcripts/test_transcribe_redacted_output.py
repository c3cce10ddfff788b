"""Transcribe's redacted output (ContentRedaction): `[PII]` items read as `[PII:<TYPE>]`."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.transcripts.aws_transcribe import parse_transcribe_output
from adapters.transcripts.transcribe_pii import content_redaction, why_not
from interview_core.entities import Word
from interview_core.personal_data import PiiType, count_redactions


def _word(n: int, start: float, content: str, **extra: Any) -> dict[str, Any]:
    alternative: dict[str, Any] = {"content": content, **extra}
    if "redactions" not in extra:
        alternative["confidence"] = "0.99"
    return {
        "id": n,
        "type": "pronunciation",
        "start_time": f"{start:.2f}",
        "end_time": f"{start + 0.4:.2f}",
        "alternatives": [alternative],
        "speaker_label": "spk_1",
    }


def _pii(n: int, start: float, kind: str | None) -> dict[str, Any]:
    redactions = [{"confidence": "0.9999", "category": "PII", **({"type": kind} if kind else {})}]
    return _word(n, start, "[PII]", redactions=redactions)


def _mark(n: int, mark: str) -> dict[str, Any]:
    return {
        "id": n,
        "type": "punctuation",
        "alternatives": [{"confidence": "0.0", "content": mark}],
    }


REDACTED: dict[str, Any] = {
    # the shape of Transcribe's "Example redacted output (batch)": `isRedacted`, a summary
    # transcript with bare [PII], and items whose alternative names the redaction's type
    "jobName": "interview-x",
    "accountId": "111122223333",
    "isRedacted": True,
    "status": "COMPLETED",
    "results": {
        "language_code": "en-US",
        "transcripts": [{"transcript": "My name is [PII]. Call [PII] or [PII]."}],
        "items": [
            _word(0, 0.0, "My"),
            _word(1, 0.5, "name"),
            _word(2, 1.0, "is"),
            _pii(3, 1.5, "NAME"),
            _pii(4, 2.0, "NAME"),
            _mark(5, "."),
            _word(6, 3.0, "Call"),
            _pii(7, 3.5, "PHONE"),
            _pii(8, 4.0, "PHONE"),
            _pii(9, 4.5, "PHONE"),
            _word(10, 5.0, "or"),
            _pii(11, 5.5, None),
            _mark(12, "."),
        ],
    },
}


def test_redacted_items_become_typed_markers_one_word_per_value() -> None:
    transcript = parse_transcribe_output(REDACTED)

    first, second = transcript.segments
    assert first.text == "My name is [PII:NAME]."
    assert first.words[-1] == Word("[PII:NAME].", 1.5, 2.4)
    assert second.text == "Call [PII:PHONE] or [PII]."
    assert second.words[1] == Word("[PII:PHONE]", 3.5, 4.9)
    assert count_redactions(transcript) == (("NAME", 1), ("PHONE", 1), ("PII", 1))


def test_an_unknown_transcribe_type_reads_as_an_untyped_marker() -> None:
    document: dict[str, Any] = {
        "results": {"items": [_word(0, 0.0, "hi"), _pii(1, 0.5, "PASSPORT_NUMBER")]}
    }

    assert parse_transcribe_output(document).segments[0].text == "hi [PII]"


def test_all_types_ask_transcribe_for_its_eleven() -> None:
    request = content_redaction(frozenset(PiiType), "en-US")

    assert request is not None
    assert request["RedactionType"] == "PII"
    assert request["RedactionOutput"] == "redacted"
    assert len(request["PiiEntityTypes"]) == 11
    assert "CREDIT_DEBIT_NUMBER" in request["PiiEntityTypes"]


def test_chosen_types_are_mapped_and_offline_only_ones_left_out() -> None:
    request = content_redaction(frozenset({PiiType.CARD, PiiType.URL, PiiType.NAME}), "es-US")

    assert request is not None
    assert request["PiiEntityTypes"] == ["CREDIT_DEBIT_NUMBER", "NAME"]


@pytest.mark.parametrize(
    ("types", "language", "reason"),
    [
        (frozenset(PiiType), None, "language identification"),
        (frozenset(PiiType), "en-GB", "does not redact en-GB"),
        (frozenset(PiiType), "ja-JP", "does not redact ja-JP"),
        (frozenset({PiiType.URL, PiiType.IBAN}), "en-US", "none of the chosen types"),
    ],
)
def test_where_transcribe_cannot_redact_no_redaction_is_asked(
    types: frozenset[PiiType], language: str | None, reason: str
) -> None:
    assert content_redaction(types, language) is None
    assert reason in (why_not(types, language) or "")
