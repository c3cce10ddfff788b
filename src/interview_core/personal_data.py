"""Personal details in transcripts: the types redacted, their markers, and the counts."""

from __future__ import annotations

import enum
import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from interview_core.entities import Transcript


class PiiType(enum.StrEnum):
    """A kind of personal detail that redaction replaces with `[PII:<TYPE>]`.

    The first seven are found by the offline redactor in any transcript; the others only
    Amazon Transcribe's own redaction finds (on AWS, in the languages it redacts).
    """

    EMAIL = "EMAIL"
    PHONE = "PHONE"
    CARD = "CARD"
    IBAN = "IBAN"
    URL = "URL"
    SSN = "SSN"
    NINO = "NINO"
    NAME = "NAME"
    ADDRESS = "ADDRESS"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    BANK_ROUTING = "BANK_ROUTING"
    CARD_CVV = "CARD_CVV"
    CARD_EXPIRY = "CARD_EXPIRY"
    PIN = "PIN"


OFFLINE_TYPES = frozenset(
    {
        PiiType.EMAIL,
        PiiType.PHONE,
        PiiType.CARD,
        PiiType.IBAN,
        PiiType.URL,
        PiiType.SSN,
        PiiType.NINO,
    }
)
"""The types the offline redactor finds."""

UNTYPED = "PII"
"""The count key of a marker without a type (`[PII]`: redacted, kind unknown)."""

MARKER = re.compile(r"\[PII(?::([A-Z_]{1,40}))?\]")
"""A redaction marker, `[PII:<TYPE>]` or `[PII]`, with the type as group 1."""


def marker(kind: PiiType | None) -> str:
    """The text that replaces a redacted value: `[PII:<TYPE>]`, or `[PII]` without a type."""
    return f"[PII:{kind}]" if kind is not None else f"[{UNTYPED}]"


def parse_pii_types(text: str) -> frozenset[PiiType]:
    """The types named in `text`: `all` (or blank) for every type, else a comma-separated
    list of type names in any case. Raises ValueError naming an unknown type."""
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not names or names == ["ALL"]:
        return frozenset(PiiType)
    unknown = sorted(set(names) - {kind.value for kind in PiiType})
    if unknown:
        known = ", ".join(kind.value for kind in PiiType)
        raise ValueError(f"unknown PII types {', '.join(unknown)}; known: all, {known}")
    return frozenset(PiiType(name) for name in names)


def count_markers(texts: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """How many redaction markers `texts` hold, by type (`PII` for an untyped one), sorted."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(found.group(1) or UNTYPED for found in MARKER.finditer(text))
    return tuple(sorted(counts.items()))


def count_redactions(transcript: Transcript) -> tuple[tuple[str, int], ...]:
    """How many values were redacted in `transcript`, by type: its markers, counted in the
    segments' text (which the words repeat)."""
    return count_markers(segment.text for segment in transcript.segments)
