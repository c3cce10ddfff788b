"""Stored error messages say what went wrong, never where things live."""

from __future__ import annotations

import re

LOCATIONS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\barn:aws[a-z-]*:)[^\s\"'<>]*", re.IGNORECASE)
"""URLs of any scheme (`https://`, `s3://`, ...) and AWS ARNs."""


def redact_locations(text: str, *names: str) -> str:
    """`text` without URLs, `s3://` URIs, ARNs or any of `names` (a bucket, a key), each
    replaced by `<redacted>`: for messages stored on an interview, which must not say where
    things live. The full text belongs in a log line."""
    text = LOCATIONS.sub("<redacted>", text)
    for name in sorted({name for name in names if len(name) >= 3}, key=len, reverse=True):
        text = text.replace(name, "<redacted>")
    return text
