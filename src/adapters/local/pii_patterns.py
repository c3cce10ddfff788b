"""Where personal details sit in a text: e-mail addresses (written or spoken), URLs, IBANs,
UK National Insurance numbers, and the numbers of `pii_numbers`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from adapters.local.pii_numbers import number_spans, spoken_spans
from interview_core.personal_data import MARKER, PiiType, marker

if TYPE_CHECKING:
    from collections.abc import Callable

Span = tuple[int, int, PiiType]

_TLDS = "com|org|net|io|dev|ai|app|co|uk|de|fr|es|nl|eu|ca|au|edu|gov|info|biz|tech|ch|se|jp|br"
_ASCII = re.ASCII | re.IGNORECASE
"""Addresses are ASCII (`\\w` is ASCII here): in a language written without spaces the
letters around an address are not part of it."""
EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}", _ASCII)
SPOKEN_EMAIL = re.compile(
    r"(?<![\w.@-])(?P<local>[\w+-]{1,40}(?:(?:\.| dot )[\w+-]{1,40}){0,4})"
    rf" at (?:[\w-]{{1,40}}(?:\.| dot )){{1,4}}(?:{_TLDS})\b",
    _ASCII,
)
"""An address as it is said and may be written down: `john dot smith at example dot com`."""
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]"
"""The characters of a URL (RFC 3986), less brackets and quotes."""
URL = re.compile(rf"(?<![\w@])(?:https?://|ftp://|www\.){_URL_CHARS}{{1,2000}}", _ASCII)
BARE_DOMAIN = re.compile(
    rf"(?<![\w.@/-])(?:[\w-]{{1,63}}\.){{1,6}}(?:{_TLDS})\b(?:/{_URL_CHARS}{{0,2000}})?",
    _ASCII,
)
IBAN = re.compile(
    r"(?<![\w])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?![\w])",
    _ASCII,
)
NINO = re.compile(
    r"(?<![\w])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])",
    _ASCII,
)
_NINO_NEVER = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
_TRAILING = ".,;:!?)'\""
_NOT_DOMAINS = frozenset({"asp.net", "ado.net", "vb.net"})
_NOT_LOCAL_PARTS = frozenset(
    "i me you he she it we they us him her them this that there here what who which one "
    "look looked looking work worked working works job jobs role stay stayed stayed live "
    "lived living team engineer developer intern started start left was were is am are be "
    "been being and or but so then also just only me at".split()
)
"""Words that end a sentence before `at` (`I worked at example dot com`), never an address."""


def find_pii(text: str, types: frozenset[PiiType]) -> list[Span]:
    """The spans of personal details of `types` in `text`, in order and not overlapping.

    Each finder runs in priority order (e-mail, URL, IBAN, numbers, NI number, spoken
    numbers); a span that overlaps one already found is dropped. Existing markers are
    never part of a span.
    """
    taken: list[Span] = [(m.start(), m.end(), PiiType.EMAIL) for m in MARKER.finditer(text)]
    reserved = len(taken)
    for kinds, finder in _FINDERS:
        if not kinds & types:
            continue
        for span in finder(text):
            if span[2] in types and span[0] < span[1] and not _overlaps(span, taken):
                taken.append(span)
    return sorted(taken[reserved:])


def redact_text(text: str, types: frozenset[PiiType]) -> str:
    """`text` with each span of `find_pii` replaced by its marker, again until nothing is
    found: a value that a longer, overlapping one hid (`www.(0@x.io`) is found once that one
    is a marker, so redacting the result changes nothing. Each pass turns text into markers,
    which no pass looks into, so the passes end (after one more than those that found)."""
    while spans := find_pii(text, types):
        text = replace_spans(text, spans)
    return text


def replace_spans(text: str, spans: list[Span]) -> str:
    """`text` with each of `spans` (in order, not overlapping) replaced by its marker."""
    pieces: list[str] = []
    position = 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(marker(kind))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _overlaps(span: Span, taken: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end, _ in taken)


def _emails(text: str) -> list[Span]:
    found = [(m.start(), _trimmed_end(m), PiiType.EMAIL) for m in EMAIL.finditer(text)]
    for match in SPOKEN_EMAIL.finditer(text):
        first = re.split(r"\.| dot ", match.group("local"), maxsplit=1, flags=re.I)[0]
        if first.lower() not in _NOT_LOCAL_PARTS:
            found.append((match.start(), match.end(), PiiType.EMAIL))
    return found


def _urls(text: str) -> list[Span]:
    found = [(m.start(), _trimmed_end(m), PiiType.URL) for m in URL.finditer(text)]
    for match in BARE_DOMAIN.finditer(text):
        end = _trimmed_end(match)
        if text[match.start() : end].lower() not in _NOT_DOMAINS:
            found.append((match.start(), end, PiiType.URL))
    return found


def _ibans(text: str) -> list[Span]:
    found: list[Span] = []
    for match in IBAN.finditer(text):
        end = _valid_iban_end(text, match.start(), match.end())
        if end is not None:
            found.append((match.start(), end, PiiType.IBAN))
    return found


def _valid_iban_end(text: str, start: int, end: int) -> int | None:
    """The end of the longest prefix of text[start:end], cut at a space, that is an IBAN."""
    while end > start:
        if iban_valid(text[start:end]):
            return end
        cut = text.rfind(" ", start, end)
        if cut <= start:
            return None
        end = cut
    return None


def iban_valid(candidate: str) -> bool:
    """Whether `candidate` (spaces allowed) is an IBAN: 15 to 34 characters, a country's
    letters, two check digits, and the mod-97 check of ISO 13616."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    if not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def _ninos(text: str) -> list[Span]:
    return [
        (m.start(), m.end(), PiiType.NINO)
        for m in NINO.finditer(text)
        if m.group(1).upper() not in _NINO_NEVER
    ]


def _trimmed_end(match: re.Match[str]) -> int:
    """The end of a match without the sentence's closing punctuation."""
    end = match.end()
    while end > match.start() and match.string[end - 1] in _TRAILING:
        end -= 1
    return end


_FINDERS: tuple[tuple[frozenset[PiiType], Callable[[str], list[Span]]], ...] = (
    (frozenset({PiiType.EMAIL}), _emails),
    (frozenset({PiiType.URL}), _urls),
    (frozenset({PiiType.IBAN}), _ibans),
    (frozenset({PiiType.CARD, PiiType.SSN, PiiType.PHONE}), number_spans),
    (frozenset({PiiType.NINO}), _ninos),
    (frozenset({PiiType.CARD, PiiType.PHONE}), spoken_spans),
)
