"""One contract for every VideoStore: a local folder and S3 on moto give the same results
and raise the same errors."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import attrs
import boto3
import pytest
from botocore.config import Config

from adapters.aws.s3_video_store import S3VideoStore
from adapters.local.file_video_store import LocalFileVideoStore
from interview_core.errors import InvalidVideoLocation, VideoNotFound, VideoTooLarge
from interview_core.ports import VideoStore, VideoUploader

BUCKET = "interview-videos"
LIMIT = 4096

HOSTILE_KEYS = [
    "videos/../../etc/passwd",
    "videos/../secret.mp4",
    "videos/a/b/%2e%2e/x.mp4",
    "videos/%2E%2E/x.mp4",
    "/abs.mp4",
    "/etc/passwd",
    "videos/a\x00b.mp4",
    "videos/a\rb.mp4",
    "videos/" + "a" * 1100 + ".mp4",
    "videos/" + "a" * 300 + "/x.mp4",
    "videos/interview.exe",
    "videos/interview.mp4.sh",
    "videos/.mp4",
    "videos//interview.mp4",
    "videos/./interview.mp4",
    "videos\\..\\interview.mp4",
    " ",
]


@attrs.define
class Subject:
    """A video store under test and a way to place objects in it as the upstream does."""

    store: Callable[[int | None], VideoStore]
    put: Callable[[str, bytes], None]


@pytest.fixture(params=["local", "s3"])
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Subject:
    if request.param == "local":
        root = tmp_path / "videos-root"
        root.mkdir()

        def put_file(key: str, content: bytes) -> None:
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

        return Subject(lambda max_bytes: LocalFileVideoStore(root, max_bytes), put_file)

    endpoint: str = request.getfixturevalue("aws_endpoint")
    session: boto3.Session = request.getfixturevalue("boto_session")
    config: Config = request.getfixturevalue("client_config")
    s3 = session.client("s3", endpoint_url=endpoint, config=config)
    s3.create_bucket(Bucket=BUCKET)
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    def put_object(key: str, content: bytes) -> None:
        s3.put_object(Bucket=BUCKET, Key=key, Body=content)

    def s3_store(max_bytes: int | None) -> VideoStore:
        if max_bytes is None:
            return S3VideoStore(s3, BUCKET, tmp_dir=downloads)
        return S3VideoStore(s3, BUCKET, max_bytes=max_bytes, tmp_dir=downloads)

    return Subject(s3_store, put_object)


def test_fetch_gives_a_file_with_the_same_bytes_and_extension(subject: Subject) -> None:
    content = os.urandom(300_000)
    subject.put("videos/user-1/interview.MP4", content)

    with subject.store(None).fetch("videos/user-1/interview.MP4") as path:
        assert path.read_bytes() == content
        assert path.suffix.lower() == ".mp4"


def test_a_missing_key_is_video_not_found(subject: Subject) -> None:
    subject.put("videos/other.mp4", b"other")

    with pytest.raises(VideoNotFound), subject.store(None).fetch("videos/missing.mp4"):
        pass


def test_a_key_that_is_only_a_prefix_is_video_not_found(subject: Subject) -> None:
    subject.put("videos/folder.mp4/inner.mp4", b"inner")

    with pytest.raises(VideoNotFound), subject.store(None).fetch("videos/folder.mp4"):
        pass


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_keys_are_invalid_locations(subject: Subject, key: str) -> None:
    subject.put("etc/passwd.mp4", b"not for you")

    with pytest.raises(InvalidVideoLocation), subject.store(None).fetch(key):
        pass


def test_a_video_over_the_limit_is_too_large(subject: Subject) -> None:
    subject.put("videos/big.mp4", b"x" * (LIMIT + 1))

    with pytest.raises(VideoTooLarge), subject.store(LIMIT).fetch("videos/big.mp4"):
        pass


def test_a_video_at_the_limit_is_fetched(subject: Subject) -> None:
    subject.put("videos/edge.webm", b"x" * LIMIT)

    with subject.store(LIMIT).fetch("videos/edge.webm") as path:
        assert path.stat().st_size == LIMIT


# --- the VideoUploader role ------------------------------------------------------------------


def uploader(subject: Subject, max_bytes: int | None = None) -> VideoUploader:
    store = subject.store(max_bytes)
    assert isinstance(store, VideoUploader)
    return store


def test_an_uploaded_video_is_fetched_by_the_location_upload_returns(
    subject: Subject, tmp_path: Path
) -> None:
    source = tmp_path / "my interview.mkv"
    content = os.urandom(200_000)
    source.write_bytes(content)

    location = uploader(subject).upload(source, "videos/u-1/iv-1/my interview.mkv")

    assert location == "videos/u-1/iv-1/my interview.mkv"
    with subject.store(None).fetch(location) as path:
        assert path.read_bytes() == content


def test_an_upload_replaces_the_video_at_its_key(subject: Subject, tmp_path: Path) -> None:
    subject.put("videos/u-1/iv-1/interview.mp4", b"earlier")
    source = tmp_path / "interview.mp4"
    source.write_bytes(b"later")

    location = uploader(subject).upload(source, "videos/u-1/iv-1/interview.mp4")

    with subject.store(None).fetch(location) as path:
        assert path.read_bytes() == b"later"


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_an_upload_to_a_hostile_key_is_refused_before_any_write(
    subject: Subject, tmp_path: Path, key: str
) -> None:
    source = tmp_path / "interview.mp4"
    source.write_bytes(b"video")

    with pytest.raises(InvalidVideoLocation):
        uploader(subject).upload(source, key)


def test_an_upload_above_the_limit_or_of_no_file_is_refused_and_stores_nothing(
    subject: Subject, tmp_path: Path
) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(b"x" * (LIMIT + 1))

    with pytest.raises(VideoTooLarge):
        uploader(subject, LIMIT).upload(big, "videos/u-1/iv-1/big.mp4")
    with pytest.raises(VideoNotFound):
        uploader(subject).upload(tmp_path / "missing.mp4", "videos/u-1/iv-2/missing.mp4")
    with pytest.raises(VideoNotFound):
        uploader(subject).upload(tmp_path, "videos/u-1/iv-3/folder.mp4")
    for key in ("videos/u-1/iv-1/big.mp4", "videos/u-1/iv-2/missing.mp4"):
        with pytest.raises(VideoNotFound), subject.store(None).fetch(key):
            pass
