"""Numbers that are personal details: card numbers, US SSNs and phone numbers, by shape
and checksum, told apart from years, times, dates, amounts, versions and ISBNs."""

from __future__ import annotations

import re

import attrs

from interview_core.personal_data import PiiType

_GROUP = re.compile(r"\(?\d+\)?")
_SEPARATORS = frozenset(" -.")
MAX_WINDOW_GROUPS = 8
"""The most digit groups one value may have (`+1 (555) 123 45 67` has five)."""

_YEAR = re.compile(r"(?:19|20)\d\d")
_SPOKEN_DIGITS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
SPOKEN_RUN = re.compile(
    r"(?<![\w-])(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
    r"(?:[ ,.-]{1,3}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)){6,39}(?![\w-])",
    re.IGNORECASE,
)
"""Seven or more digits spelled out as words, as speech recognition may write a number."""


@attrs.frozen
class _Group:
    start: int
    end: int
    digits: str
    parenthesised: bool
    separator: str  # the text between the previous group and this one ("" for the first)


def luhn_valid(digits: str) -> bool:
    """Whether `digits` pass the Luhn check that card numbers carry."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return bool(digits) and total % 10 == 0


def isbn13_valid(digits: str) -> bool:
    """Whether `digits` are an ISBN-13 (978 or 979 and its check digit)."""
    if len(digits) != 13 or not digits.startswith(("978", "979")):
        return False
    total = sum(int(char) * (3 if position % 2 else 1) for position, char in enumerate(digits))
    return total % 10 == 0


_COMPACT = re.compile(r"(?<!\d)\d{13,19}(?!\d)")


def number_spans(text: str) -> list[tuple[int, int, PiiType]]:
    """The card numbers, SSNs and phone numbers written with digits in `text`.

    A run of 13 to 19 digits that passes the Luhn check is a card number whatever touches
    it (letters included); other values need a free edge on both sides.
    """
    found: list[tuple[int, int, PiiType]] = [
        (match.start(), match.end(), PiiType.CARD)
        for match in _COMPACT.finditer(text)
        if luhn_valid(match.group(0)) and not isbn13_valid(match.group(0))
    ]
    for run in _runs(text):
        index = 0
        while index < len(run):
            hit = _longest_from(text, run, index)
            if hit is None:
                index += 1
                continue
            last, kind = hit
            found.append((_start(text, run[index]), run[last].end, kind))
            index = last + 1
    return found


def spoken_spans(text: str) -> list[tuple[int, int, PiiType]]:
    """Numbers of seven digits or more spelled out as words: a card number when they pass
    the Luhn check with 13 to 19 digits, else a phone number."""
    found: list[tuple[int, int, PiiType]] = []
    for match in SPOKEN_RUN.finditer(text):
        words = re.findall(r"[a-z]+", match.group(0).lower())
        digits = "".join(_SPOKEN_DIGITS[word] for word in words)
        card = 13 <= len(digits) <= 19 and luhn_valid(digits)
        found.append((match.start(), match.end(), PiiType.CARD if card else PiiType.PHONE))
    return found


def _runs(text: str) -> list[list[_Group]]:
    """Digit groups joined by single separators (a space, `-`, `.`, or around brackets)."""
    runs: list[list[_Group]] = []
    current: list[_Group] = []
    previous_end = -1
    for match in _GROUP.finditer(text):
        between = text[previous_end : match.start()] if current else ""
        joined = current and (
            (len(between) == 1 and between in _SEPARATORS)
            or (between == "" and (match.group(0).startswith("(") or text[previous_end - 1] == ")"))
        )
        if current and not joined:
            runs.append(current)
            current = []
            between = ""
        value = match.group(0)
        current.append(
            _Group(
                match.start(),
                match.end(),
                value.strip("()"),
                value.startswith("(") and value.endswith(")"),
                between,
            )
        )
        previous_end = match.end()
    if current:
        runs.append(current)
    return runs


def _start(text: str, group: _Group) -> int:
    """Where a value starting with `group` starts: a `+` just before it belongs to it."""
    return group.start - 1 if group.start > 0 and text[group.start - 1] == "+" else group.start


def _longest_from(text: str, run: list[_Group], first: int) -> tuple[int, PiiType] | None:
    """The last group and type of the longest value starting at `run[first]`, if any."""
    if not _free_before(text, _start(text, run[first])):
        return None
    last_possible = min(len(run), first + MAX_WINDOW_GROUPS) - 1
    for last in range(last_possible, first - 1, -1):
        if not _free_after(text, run[last].end):
            continue
        kind = _classify(text, run[first : last + 1])
        if kind is not None:
            return last, kind
    return None


def _free_before(text: str, start: int) -> bool:
    """No letter, digit or joining mark right before `start` (`v3.11`, `A-123`, `10:30`)."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (_word_char(before) or before in "_/:,@#$€£%" or _joins(text, start - 1))


def _free_after(text: str, end: int) -> bool:
    """No letter or digit right after `end`, nor a mark that joins on (`12.5`, `10:30`, `5%`)."""
    if end >= len(text):
        return True
    after = text[end]
    return not (_word_char(after) or after in "_/:%@" or _joins(text, end))


def _word_char(char: str) -> bool:
    """An ASCII letter or any digit: what a number may not touch. Letters of other scripts
    may (a language written without spaces runs its words into the number)."""
    return char.isdigit() or (char.isascii() and char.isalpha())


def _joins(text: str, index: int) -> bool:
    """Whether the `.`, `,` or `-` at `index` sits between two digits or letters."""
    if text[index] not in ".,-" or index == 0 or index + 1 >= len(text):
        return False
    return _word_char(text[index - 1]) and _word_char(text[index + 1])


def _classify(text: str, groups: list[_Group]) -> PiiType | None:
    digits = "".join(group.digits for group in groups)
    if isbn13_valid(digits) or all(_YEAR.fullmatch(group.digits) for group in groups):
        return None
    if _is_card(groups, digits):
        return PiiType.CARD
    if _is_ssn(groups):
        return PiiType.SSN
    if _is_phone(text, groups, digits):
        return PiiType.PHONE
    return None


def _uniform(groups: list[_Group]) -> bool:
    """Whether the groups are joined by one and the same separator."""
    return len({group.separator for group in groups[1:]}) <= 1


def _is_card(groups: list[_Group], digits: str) -> bool:
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return False
    if any(group.parenthesised for group in groups) or not _uniform(groups):
        return False
    sizes = [len(group.digits) for group in groups]
    if len(sizes) == 1:
        return True
    if groups[1].separator not in (" ", "-"):
        return False
    return sizes == [4, 6, 5] or (all(size == 4 for size in sizes[:-1]) and sizes[-1] <= 4)


def _is_ssn(groups: list[_Group]) -> bool:
    sizes = [len(group.digits) for group in groups]
    if sizes != [3, 2, 4] or not _uniform(groups) or groups[1].separator not in (" ", "-"):
        return False
    area, group, serial = (g.digits for g in groups)
    return (
        area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and (serial != "0000")
    )


def _is_phone(text: str, groups: list[_Group], digits: str) -> bool:
    sizes = [len(group.digits) for group in groups]
    if not 7 <= len(digits) <= 15 or sizes == [3, 2, 4]:  # an SSN's shape is no phone's
        return False
    if any(group.separator == "." for group in groups[1:]) and not _uniform(groups):
        return False
    plus = groups[0].start > 0 and text[groups[0].start - 1] == "+"
    if plus or (digits.startswith("00") and len(digits) >= 10 and len(groups) > 1):
        return len(digits) >= 8
    if any(group.parenthesised for group in groups):
        return len(digits) >= 9 or sizes[-1] == 4
    if len(groups) == 1:
        return 10 <= len(digits) <= 15
    if not _uniform(groups):
        return sizes in ([3, 3, 4], [1, 3, 3, 4])
    if digits.startswith("0") and len(digits) >= 9:
        return len(groups) <= 5 and min(sizes) >= 2
    if sizes in ([3, 3, 4], [1, 3, 3, 4]):
        return True
    return sizes == [3, 4] and groups[1].separator == "-"
