"""Amazon Transcribe's PII entity types and the languages it redacts, against ours."""

from __future__ import annotations

from typing import Any

from interview_core.personal_data import PiiType

TRANSCRIBE_TYPES: dict[PiiType, str] = {
    PiiType.EMAIL: "EMAIL",
    PiiType.PHONE: "PHONE",
    PiiType.CARD: "CREDIT_DEBIT_NUMBER",
    PiiType.SSN: "SSN",
    PiiType.NAME: "NAME",
    PiiType.ADDRESS: "ADDRESS",
    PiiType.BANK_ACCOUNT: "BANK_ACCOUNT_NUMBER",
    PiiType.BANK_ROUTING: "BANK_ROUTING",
    PiiType.CARD_CVV: "CREDIT_DEBIT_CVV",
    PiiType.CARD_EXPIRY: "CREDIT_DEBIT_EXPIRY",
    PiiType.PIN: "PIN",
}
"""Our types with a Transcribe PiiEntityType (the eleven its batch API takes); IBAN, URL and
NINO have none, so only the offline redactor finds them."""

FROM_TRANSCRIBE: dict[str, PiiType] = {value: key for key, value in TRANSCRIBE_TYPES.items()}

REDACTING_LANGUAGES = frozenset(
    {"en-US", "es-US", "fr-FR", "fr-CA", "de-DE", "de-CH", "it-IT", "pt-PT", "pt-BR"}
)
"""The languages Transcribe redacts PII in for batch jobs: US English and US Spanish, and
since May 2026 French, Canadian French, German, Swiss German, Italian, Portuguese and
Brazilian Portuguese. Redaction does not work with language identification."""


def content_redaction(types: frozenset[PiiType], language: str | None) -> dict[str, Any] | None:
    """StartTranscriptionJob's ContentRedaction for `types` in `language` (redacted output
    only), or None when Transcribe cannot redact them there (see `why_not`)."""
    if why_not(types, language) is not None:
        return None
    entity_types = sorted(TRANSCRIBE_TYPES[kind] for kind in types if kind in TRANSCRIBE_TYPES)
    return {
        "RedactionType": "PII",
        "RedactionOutput": "redacted",
        "PiiEntityTypes": entity_types,
    }


def why_not(types: frozenset[PiiType], language: str | None) -> str | None:
    """Why Transcribe cannot redact `types` in `language` (None: it can)."""
    if language is None:
        return "redaction does not work with language identification"
    if language not in REDACTING_LANGUAGES:
        return f"it does not redact {language}"
    if not any(kind in TRANSCRIBE_TYPES for kind in types):
        return "none of the chosen types is one of its own"
    return None
