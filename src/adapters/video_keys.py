"""Validation of untrusted video locations, shared by every video store before any I/O."""

from __future__ import annotations

import re
import unicodedata

from interview_core.errors import InvalidVideoLocation

MAX_KEY_BYTES = 1024
"""S3's own limit on a key, in UTF-8 bytes."""

MAX_SEGMENT_BYTES = 255
"""The longest file name most file systems accept, so every store refuses the same keys."""

MEDIA_EXTENSIONS: frozenset[str] = frozenset(
    {
        "mp4",
        "mov",
        "m4v",
        "mkv",
        "webm",
        "avi",
        "mp3",
        "m4a",
        "wav",
        "flac",
        "ogg",
        "oga",
        "opus",
        "mpeg",
        "mpg",
        "ts",
        "3gp",
    }
)
"""File extensions (lower case, without the dot) of the media containers we accept."""

_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def validate_video_key(key: str, *, allowed_extensions: frozenset[str] = MEDIA_EXTENSIONS) -> str:
    """Return `key` unchanged if it is a safe relative media key; raise InvalidVideoLocation.

    A safe key is non-empty, at most 1024 UTF-8 bytes, free of control characters and
    backslashes, relative (no leading `/`), made of non-empty segments none of which is `.`
    or `..` or longer than 255 bytes, free of percent-escapes (so `%2e%2e` cannot smuggle a
    traversal past a decoder), and ends in one of `allowed_extensions` (case-insensitive).
    The reasons never quote the key, which is untrusted input.
    """
    if not key or not key.strip():
        raise InvalidVideoLocation("video key is empty")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidVideoLocation("video key is not valid Unicode text") from None
    if size > MAX_KEY_BYTES:
        raise InvalidVideoLocation(f"video key is longer than {MAX_KEY_BYTES} bytes")
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in key):
        raise InvalidVideoLocation("video key contains control characters")
    if "\\" in key:
        raise InvalidVideoLocation("video key contains a backslash")
    if key.startswith("/"):
        raise InvalidVideoLocation("video key must be relative, not absolute")
    if _PERCENT_ESCAPE.search(key):
        raise InvalidVideoLocation("video key contains percent-encoded characters")
    segments = key.split("/")
    for segment in segments:
        if segment in ("", ".", ".."):
            raise InvalidVideoLocation("video key contains an empty, '.' or '..' segment")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidVideoLocation(
                f"video key has a segment longer than {MAX_SEGMENT_BYTES} bytes"
            )
    stem, dot, extension = segments[-1].rpartition(".")
    if not dot or not stem or extension.lower() not in allowed_extensions:
        raise InvalidVideoLocation("video key does not end in an accepted media extension")
    return key


S3_SCHEME = "s3://"


def object_key(
    location: str, bucket: str | None, *, allowed_extensions: frozenset[str] = MEDIA_EXTENSIONS
) -> str:
    """The safe object key that `location` names; raise InvalidVideoLocation otherwise.

    `location` is a key, or `s3://<bucket>/<key>` naming `bucket` (a store without a bucket,
    `None`, accepts keys only). Another bucket is refused before any request, and the key is
    then checked by `validate_video_key`. The reasons name neither bucket nor key.
    """
    if location.startswith(S3_SCHEME):
        named_bucket, _, key = location.removeprefix(S3_SCHEME).partition("/")
        if bucket is None:
            raise InvalidVideoLocation("an s3:// video_path needs the S3 video store")
        if named_bucket != bucket:
            raise InvalidVideoLocation(
                "video_path names another bucket than the configured one (AWS_S3_BUCKET)"
            )
        location = key
    return validate_video_key(location, allowed_extensions=allowed_extensions)
