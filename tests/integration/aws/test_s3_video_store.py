"""S3VideoStore against the moto server, and with botocore's Stubber for what moto cannot do."""

from __future__ import annotations

import os
import socket
import stat
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.response import StreamingBody
from botocore.stub import Stubber
from mypy_boto3_s3 import S3Client
from urllib3.exceptions import ProtocolError

from adapters.aws.s3_video_store import READ_CHECK_KEY, S3VideoStore
from interview_core.errors import (
    ConfigurationError,
    InterviewError,
    InvalidVideoLocation,
    StorageUnavailable,
    VideoAccessDenied,
    VideoNotFound,
    VideoTooLarge,
)
from tests.provider_errors import offline_client, raises_core_error
from tests.provider_errors import stubbed as stubbed_client

REGION = "us-east-1"
BUCKET = "interview-videos"
KEY = "videos/user-1/interview.mp4"
ETAG = '"0123456789abcdef0123456789abcdef"'

HOSTILE_KEYS = [
    "videos/../../etc/passwd",
    "videos/a/b/%2e%2e/x.mp4",
    "/abs.mp4",
    "videos/a\x00b.mp4",
    "videos/a\nb.mp4",
    "videos/a\x1bb.mp4",
    "videos/" + "a" * 1100 + ".mp4",
    "videos/interview.exe",
    "videos/interview",
    "videos/./interview.mp4",
    "videos//interview.mp4",
    "videos\\..\\interview.mp4",
    "",
]


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def s3(aws_endpoint: str, boto_session: boto3.Session, client_config: Config) -> S3Client:
    client = boto_session.client("s3", endpoint_url=aws_endpoint, config=client_config)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def calls(s3: S3Client) -> list[str]:
    """The names of the S3 operations the client is asked to make, in order."""
    made: list[str] = []
    s3.meta.events.register("before-call.s3.*", lambda model, **_: made.append(model.name))
    return made


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def offline_s3() -> S3Client:
    """A S3 client with test credentials and no endpoint; only a Stubber answers it."""
    client: S3Client = offline_client("s3", REGION)
    return client


@pytest.fixture
def stubbed(offline_s3: S3Client) -> Iterator[tuple[S3Client, Stubber]]:
    """An S3 client that answers only from a Stubber, never over the network."""
    with stubbed_client(offline_s3) as stubber:
        yield offline_s3, stubber


# --- Against the moto server --------------------------------------------------------------


def test_a_5_mb_video_downloads_byte_identical_into_a_private_folder_removed_after(
    s3: S3Client, calls: list[str], downloads: Path
) -> None:
    content = os.urandom(5 * 1024 * 1024 + 123)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=content)
    calls.clear()
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads, chunk_size=256 * 1024)

    with store.fetch(KEY) as path:
        assert path.read_bytes() == content
        assert path.name == "video.mp4"
        assert path.parent.parent == downloads
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert calls == ["HeadObject", "GetObject"]

    assert list(downloads.iterdir()) == []


def test_the_folder_is_removed_when_the_caller_fails(s3: S3Client, downloads: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key="videos/A.MP4", Body=b"video bytes")
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads)

    with pytest.raises(RuntimeError), store.fetch("videos/A.MP4") as path:
        assert path.name == "video.mp4"
        raise RuntimeError("the pipeline failed")

    assert list(downloads.iterdir()) == []


def test_a_missing_key_is_video_not_found(s3: S3Client, downloads: Path) -> None:
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads)

    with pytest.raises(VideoNotFound), store.fetch("videos/missing.mp4"):
        pass

    assert list(downloads.iterdir()) == []


def test_a_missing_bucket_is_video_not_found(s3: S3Client, downloads: Path) -> None:
    store = S3VideoStore(s3, "no-such-bucket", tmp_dir=downloads)

    with pytest.raises(VideoNotFound), store.fetch(KEY):
        pass


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_keys_are_refused_before_any_request(
    s3: S3Client, calls: list[str], downloads: Path, key: str
) -> None:
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads)

    with pytest.raises(InvalidVideoLocation) as caught, store.fetch(key):
        pass
    with pytest.raises(InvalidVideoLocation):
        store.locate(key)
    with pytest.raises(InvalidVideoLocation):
        store.object_size(key)

    assert calls == []
    assert list(downloads.iterdir()) == []
    if len(key) > 3:
        assert key not in str(caught.value)


def test_an_object_over_the_limit_is_too_large_after_one_head(
    s3: S3Client, calls: list[str], downloads: Path
) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"x" * 1001)
    calls.clear()
    store = S3VideoStore(s3, BUCKET, max_bytes=1000, tmp_dir=downloads)

    with pytest.raises(VideoTooLarge), store.fetch(KEY):
        pass

    assert calls == ["HeadObject"]
    assert list(downloads.iterdir()) == []


def test_an_object_at_the_limit_is_fetched(s3: S3Client, downloads: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"x" * 1000)
    store = S3VideoStore(s3, BUCKET, max_bytes=1000, tmp_dir=downloads)

    with store.fetch(KEY) as path:
        assert path.stat().st_size == 1000


def test_an_object_replaced_between_head_and_get_is_transient(
    s3: S3Client, downloads: Path
) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"first version")

    def replace_object(**_: object) -> None:
        s3.meta.events.unregister("before-call.s3.GetObject", replace_object)
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"second version, longer")

    s3.meta.events.register("before-call.s3.GetObject", replace_object)
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads)

    with pytest.raises(StorageUnavailable), store.fetch(KEY):
        pass

    assert list(downloads.iterdir()) == []
    with store.fetch(KEY) as path:
        assert path.read_bytes() == b"second version, longer"


def test_an_s3_uri_of_the_configured_bucket_is_fetched(
    s3: S3Client, calls: list[str], downloads: Path
) -> None:
    s3.put_object(Bucket=BUCKET, Key="videos/u/i/interview.mkv", Body=b"mkv bytes")
    calls.clear()
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads)
    location = f"s3://{BUCKET}/videos/u/i/interview.mkv"

    with store.fetch(location) as path:
        assert path.read_bytes() == b"mkv bytes"
    assert store.locate(location) == location
    assert store.object_size(location) == len(b"mkv bytes")
    assert calls[:2] == ["HeadObject", "GetObject"]


@pytest.mark.parametrize(
    "location",
    [
        "s3://another-bucket/videos/u/i/interview.mkv",
        "s3:///videos/interview.mkv",
        f"s3://{BUCKET}",
        f"s3://{BUCKET}/",
        f"s3://{BUCKET}/../etc/passwd.mp4",
    ],
)
def test_an_s3_uri_of_another_bucket_or_without_a_key_is_refused_before_any_request(
    s3: S3Client, calls: list[str], downloads: Path, location: str
) -> None:
    calls.clear()
    store = S3VideoStore(s3, BUCKET, tmp_dir=downloads)

    with pytest.raises(InvalidVideoLocation) as caught, store.fetch(location):
        pass

    assert calls == []
    assert "another-bucket" not in str(caught.value)


def test_locate_and_object_size(s3: S3Client) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"12345")
    store = S3VideoStore(s3, BUCKET)

    assert store.locate(KEY) == f"s3://{BUCKET}/{KEY}"
    assert store.object_size(KEY) == 5
    with pytest.raises(VideoNotFound):
        store.object_size("videos/other.mp4")


def test_a_refused_connection_is_transient(boto_session: boto3.Session) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = boto_session.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{closed_port}",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1),
    )

    with pytest.raises(StorageUnavailable), S3VideoStore(client, BUCKET).fetch(KEY):
        pass


def test_a_read_timeout_is_transient(boto_session: boto3.Session) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        client = boto_session.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
            config=Config(
                retries={"mode": "standard", "total_max_attempts": 1},
                connect_timeout=1,
                read_timeout=0.3,
            ),
        )

        with pytest.raises(StorageUnavailable), S3VideoStore(client, BUCKET).fetch(KEY):
            pass


# --- With the Stubber: provider errors moto does not produce ------------------------------


def _fetching(client: S3Client, downloads: Path) -> Callable[[], None]:
    """Fetch KEY and leave the context at once: the download happens on entering."""

    def fetch() -> None:
        with S3VideoStore(client, BUCKET, tmp_dir=downloads).fetch(KEY):
            pass

    return fetch


def head_ok(stubber: Stubber, size: int) -> None:
    stubber.add_response(
        "head_object",
        {"ContentLength": size, "ETag": ETAG},
        {"Bucket": BUCKET, "Key": KEY},
    )


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("404", 404, VideoNotFound),
        ("NoSuchKey", 404, VideoNotFound),
        ("NotFound", 404, VideoNotFound),
        ("403", 403, VideoAccessDenied),
        ("AccessDenied", 403, VideoAccessDenied),
        ("InvalidAccessKeyId", 403, VideoAccessDenied),
        ("SlowDown", 503, StorageUnavailable),
        ("503", 503, StorageUnavailable),
        ("InternalError", 500, StorageUnavailable),
        ("ThrottlingException", 400, StorageUnavailable),
        ("RequestTimeout", 400, StorageUnavailable),
        ("ExpiredToken", 400, StorageUnavailable),
        ("SomethingUnforeseen", 400, StorageUnavailable),
    ],
)
def test_head_object_errors_become_core_errors(
    stubbed: tuple[S3Client, Stubber],
    downloads: Path,
    code: str,
    status: int,
    expected: type[InterviewError],
) -> None:
    client, stubber = stubbed

    error = raises_core_error(
        stubber, "head_object", code, status, expected, _fetching(client, downloads)
    )

    assert error.permanent is (expected in (VideoNotFound, VideoAccessDenied))
    assert getattr(error, "throttled", False) is (code in ("SlowDown", "ThrottlingException"))
    assert list(downloads.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("NoSuchKey", 404, VideoNotFound),
        ("AccessDenied", 403, VideoAccessDenied),
        ("InvalidObjectState", 403, VideoAccessDenied),
        ("PreconditionFailed", 412, StorageUnavailable),
        ("SlowDown", 503, StorageUnavailable),
        ("ServiceUnavailable", 503, StorageUnavailable),
    ],
)
def test_get_object_errors_become_core_errors(
    stubbed: tuple[S3Client, Stubber],
    downloads: Path,
    code: str,
    status: int,
    expected: type[InterviewError],
) -> None:
    client, stubber = stubbed
    head_ok(stubber, 10)

    raises_core_error(
        stubber,
        "get_object",
        code,
        status,
        expected,
        _fetching(client, downloads),
        expected_params={"Bucket": BUCKET, "Key": KEY, "IfMatch": ETAG},
    )

    assert list(downloads.iterdir()) == []


class GeneratedStream:
    """A raw HTTP body that makes `size` bytes on demand, optionally failing part way."""

    def __init__(self, size: int, *, fail_after: int | None = None) -> None:
        self.remaining = size
        self.produced = 0
        self.fail_after = fail_after

    def read(self, amount: int | None = None) -> bytes:
        if self.fail_after is not None and self.produced >= self.fail_after:
            raise ProtocolError("Connection broken: connection reset by peer")
        size = self.remaining if amount is None else min(amount, self.remaining)
        self.remaining -= size
        self.produced += size
        return b"\x00" * size

    def close(self) -> None:
        pass


def get_ok(stubber: Stubber, stream: GeneratedStream, declared_length: int) -> None:
    stubber.add_response(
        "get_object",
        {"Body": StreamingBody(stream, declared_length), "ContentLength": declared_length},
        {"Bucket": BUCKET, "Key": KEY, "IfMatch": ETAG},
    )


def test_memory_does_not_grow_with_the_object(
    stubbed: tuple[S3Client, Stubber], downloads: Path
) -> None:
    client, stubber = stubbed
    size = 48 * 1024 * 1024
    head_ok(stubber, size)
    get_ok(stubber, GeneratedStream(size), size)
    store = S3VideoStore(client, BUCKET, tmp_dir=downloads, chunk_size=256 * 1024)

    tracemalloc.start()
    try:
        with store.fetch(KEY) as path:
            assert path.stat().st_size == size
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 4 * 1024 * 1024
    assert list(downloads.iterdir()) == []


def test_a_connection_lost_mid_download_is_transient(
    stubbed: tuple[S3Client, Stubber], downloads: Path
) -> None:
    client, stubber = stubbed
    head_ok(stubber, 4096)
    get_ok(stubber, GeneratedStream(4096, fail_after=1024), 4096)

    with (
        pytest.raises(StorageUnavailable),
        S3VideoStore(client, BUCKET, tmp_dir=downloads, chunk_size=512).fetch(KEY),
    ):
        pass

    assert list(downloads.iterdir()) == []


def test_a_truncated_body_is_transient(stubbed: tuple[S3Client, Stubber], downloads: Path) -> None:
    client, stubber = stubbed
    head_ok(stubber, 4096)
    get_ok(stubber, GeneratedStream(1000), 4096)

    with (
        pytest.raises(StorageUnavailable),
        S3VideoStore(client, BUCKET, tmp_dir=downloads).fetch(KEY),
    ):
        pass

    assert list(downloads.iterdir()) == []


def test_a_body_longer_than_the_limit_is_cut_off(
    stubbed: tuple[S3Client, Stubber], downloads: Path
) -> None:
    client, stubber = stubbed
    head_ok(stubber, 100)
    get_ok(stubber, GeneratedStream(10_000), 10_000)
    store = S3VideoStore(client, BUCKET, max_bytes=1000, tmp_dir=downloads, chunk_size=256)

    with pytest.raises(VideoTooLarge), store.fetch(KEY):
        pass

    assert list(downloads.iterdir()) == []


def test_an_unwritable_download_folder_is_transient(
    stubbed: tuple[S3Client, Stubber], tmp_path: Path
) -> None:
    client, stubber = stubbed
    head_ok(stubber, 10)

    with (
        pytest.raises(StorageUnavailable),
        S3VideoStore(client, BUCKET, tmp_dir=tmp_path / "absent").fetch(KEY),
    ):
        pass


@pytest.mark.parametrize("arguments", [{"bucket": ""}, {"max_bytes": 0}, {"chunk_size": 0}])
def test_bad_construction_is_refused(arguments: dict[str, object]) -> None:
    options: dict[str, object] = {"bucket": BUCKET, **arguments}
    with pytest.raises(ValueError):
        S3VideoStore(object(), **options)  # type: ignore[arg-type]


# --- the start-up check ---------------------------------------------------------------------


def test_a_readable_bucket_is_ready(s3: S3Client, calls: list[str]) -> None:
    S3VideoStore(s3, BUCKET).check_ready()
    assert calls == ["HeadBucket", "HeadObject"]  # the read check's key need not exist


def test_a_bucket_whose_objects_may_not_be_read_is_a_configuration_error(
    stubbed: tuple[S3Client, Stubber],
) -> None:
    client, stubber = stubbed
    stubber.add_response("head_bucket", {}, {"Bucket": BUCKET})
    stubber.add_client_error(
        "head_object",
        "403",
        "Forbidden",
        403,
        expected_params={"Bucket": BUCKET, "Key": READ_CHECK_KEY},
    )

    with pytest.raises(ConfigurationError, match="s3:GetObject") as refused:
        S3VideoStore(client, BUCKET).check_ready()

    assert f"arn:aws:s3:::{BUCKET}/*" in str(refused.value)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [("SlowDown", 503, StorageUnavailable), ("InternalError", 500, StorageUnavailable)],
)
def test_a_read_check_s3_cannot_answer_now_is_transient(
    stubbed: tuple[S3Client, Stubber], code: str, status: int, expected: type[Exception]
) -> None:
    client, stubber = stubbed
    stubber.add_response("head_bucket", {}, {"Bucket": BUCKET})
    stubber.add_client_error("head_object", code, code, status)

    with pytest.raises(expected):
        S3VideoStore(client, BUCKET).check_ready()


def test_a_full_disk_while_downloading_is_throttling_and_leaves_no_folder(
    stubbed: tuple[S3Client, Stubber], downloads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, stubber = stubbed
    head_ok(stubber, 4096)
    get_ok(stubber, GeneratedStream(4096), 4096)
    real_open = Path.open

    def open_on_a_full_disk(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if path.name.startswith("video") and "x" in mode:
            return real_open(Path("/dev/full"), "wb", buffering=0)  # writes fail with ENOSPC
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_on_a_full_disk)

    with (
        pytest.raises(StorageUnavailable, match="disk is full") as caught,
        S3VideoStore(client, BUCKET, tmp_dir=downloads, chunk_size=1024).fetch(KEY),
    ):
        pass

    assert caught.value.throttled
    assert list(downloads.iterdir()) == []
