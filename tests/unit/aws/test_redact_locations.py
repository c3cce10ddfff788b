"""redact_locations: URLs, S3 URIs, ARNs and named buckets or keys leave a stored message."""

from __future__ import annotations

import pytest

from interview_core.redaction import redact_locations


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        (
            'Could not connect to the endpoint URL: "http://127.0.0.1:9/bkt/videos/a.mp4"',
            (),
            'Could not connect to the endpoint URL: "<redacted>"',
        ),
        (
            "User: arn:aws:iam::123456789012:user/x is not authorized on arn:aws:s3:::bkt/k.mp4",
            (),
            "User: <redacted> is not authorized on <redacted>",
        ),
        ("media at s3://bkt/videos/a.mp4 is invalid", (), "media at <redacted> is invalid"),
        (
            "no object videos/a.mp4 in my-bucket",
            ("my-bucket", "videos/a.mp4"),
            "no object <redacted> in <redacted>",
        ),
        ("too short a name is kept: ab", ("ab",), "too short a name is kept: ab"),
        (
            "nothing to hide: NoSuchKey (HTTP 404)",
            ("bkt",),
            "nothing to hide: NoSuchKey (HTTP 404)",
        ),
    ],
)
def test_locations_are_redacted(text: str, names: tuple[str, ...], expected: str) -> None:
    assert redact_locations(text, *names) == expected
