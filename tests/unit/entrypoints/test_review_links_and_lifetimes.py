"""The review command's parts that need no stored interview: link lifetimes and S3 links."""

from __future__ import annotations

import argparse
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.aws.clients import AwsClientFactory
from adapters.aws.s3_video_links import S3VideoLinks
from entrypoints.review_command import url_lifetime
from interview_core.errors import InvalidVideoLocation


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("90m", 5400), ("12h", 43200), ("7d", 604800), ("1.5h", 5400), ("30s", 30)],
)
def test_a_lifetime_reads_seconds_minutes_hours_and_days(text: str, seconds: int) -> None:
    assert url_lifetime(text) == seconds


@pytest.mark.parametrize("text", ["0", "8d", "soon", "-1h", "", "12 hours", "1e9"])
def test_a_lifetime_out_of_range_or_unreadable_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        url_lifetime(text)


@pytest.fixture
def links(monkeypatch: pytest.MonkeyPatch) -> S3VideoLinks:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    return S3VideoLinks(AwsClientFactory("eu-central-1").s3_link_signer(), "interviews")


def test_a_presigned_link_names_the_video_and_its_lifetime(links: S3VideoLinks) -> None:
    url = links.presigned_url("s3://interviews/videos/u/i/my interview.mp4", 43200)
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert parts.path.endswith("/videos/u/i/my%20interview.mp4")
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == ["43200"]
    assert "/eu-central-1/s3/" in query["X-Amz-Credential"][0]


@pytest.mark.parametrize(
    "location", ["s3://elsewhere/videos/a.mp4", "../etc/passwd.mp4", "videos/notes.txt"]
)
def test_a_link_to_another_bucket_or_a_bad_key_is_refused(
    links: S3VideoLinks, location: str
) -> None:
    with pytest.raises(InvalidVideoLocation):
        links.presigned_url(location, 3600)


@pytest.mark.parametrize("seconds", [0, 604801])
def test_a_link_lifetime_beyond_what_s3_signs_is_refused(links: S3VideoLinks, seconds: int) -> None:
    with pytest.raises(ValueError, match="7 days"):
        links.presigned_url("videos/a.mp4", seconds)
