"""S3VideoStore: interview videos fetched from S3 into a private temporary folder."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe,
    describe_safely,
    error_codes,
    http_status,
    is_access_denied,
    is_missing_credentials,
    is_throttling,
    is_transient,
)
from adapters.video_keys import MEDIA_EXTENSIONS, object_key
from adapters.video_sources import checked_source_size
from adapters.work_files import work_file_error
from interview_core.errors import (
    ConfigurationError,
    InterviewError,
    StorageUnavailable,
    VideoAccessDenied,
    VideoNotFound,
    VideoTooLarge,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_s3 import S3Client

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3
"""2 GiB: Amazon Transcribe's own limit on a media file."""

DEFAULT_CHUNK_SIZE = 1024 * 1024

READ_CHECK_KEY = "ai-interviews-read-check"
"""The key the start-up check reads the head of; it need not exist (and is never written)."""

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "NoSuchBucket", "NoSuchVersion", "404"})
_NOT_READABLE_CODES = frozenset({"InvalidObjectState"})
_CHANGED_CODES = frozenset({"PreconditionFailed"})


class S3VideoStore:
    """Videos in one S3 bucket, fetched by key.

    Keys are validated (no `..` segments, no leading slash, no control characters, a bounded
    length, an allowed media extension) before any request. One HeadObject reads the size,
    which must be within `max_bytes`; the download then streams in `chunk_size` pieces into a
    folder created private (mode 0700) under `tmp_dir` (the system default when None), to a
    file named `video<extension>` whatever the key, so memory does not grow with the object.

    Provider errors become core errors:
    - NoSuchKey, NotFound, NoSuchBucket, HTTP 404 -> VideoNotFound (permanent; a missing
      bucket looks the same as a missing key on HeadObject);
    - AccessDenied, other refused credentials, HTTP 403 -> VideoAccessDenied (permanent; S3
      also answers 403 for a missing key when the caller may not list the bucket);
    - InvalidObjectState (an archived object) -> VideoAccessDenied (permanent);
    - throttling (SlowDown, 429), HTTP 5xx, timeouts, lost connections, a truncated or
      corrupt stream, and the object changing between HeadObject and GetObject ->
      StorageUnavailable (transient);
    - any other S3 error -> StorageUnavailable (transient), so an unforeseen failure is
      retried up to the queue's redrive limit rather than failing the interview at once;
    - a local failure to create or write the copy -> StorageUnavailable (transient;
      throttled when the disk is full).
    """

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        tmp_dir: Path | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        allowed_extensions: frozenset[str] = MEDIA_EXTENSIONS,
    ) -> None:
        """Raise ValueError for an empty bucket name or a non-positive limit or chunk size."""
        if not bucket:
            raise ValueError("a bucket name is required")
        if max_bytes < 1 or chunk_size < 1:
            raise ValueError("max_bytes and chunk_size must be positive")
        self._client = client
        self._bucket = bucket
        self._max_bytes = max_bytes
        self._tmp_dir = tmp_dir
        self._chunk_size = chunk_size
        self._allowed_extensions = allowed_extensions

    @property
    def bucket(self) -> str:
        """The bucket the videos are read from."""
        return self._bucket

    @contextmanager
    def fetch(self, location: str) -> Iterator[Path]:
        """Download the video at `location` (a key or `s3://<bucket>/<key>` of our bucket); the
        file and its folder go on context exit.

        Raises InvalidVideoLocation (before any request), VideoNotFound, VideoTooLarge,
        VideoAccessDenied or StorageUnavailable (transient).
        """
        key = self._validate(location)
        size, etag = self._head(key)
        self._check_size(size)
        try:
            folder = Path(tempfile.mkdtemp(prefix="interview-video-", dir=self._tmp_dir))
        except OSError as exc:
            raise work_file_error(
                StorageUnavailable, "cannot create a temporary folder for the video", exc
            ) from exc
        try:
            target = folder / f"video{PurePosixPath(key).suffix.lower()}"
            self._download(key, etag, size, target)
            yield target
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def object_size(self, location: str) -> int:
        """The size in bytes of the video at `location`, from one HeadObject.

        Raises InvalidVideoLocation, VideoNotFound, VideoAccessDenied or StorageUnavailable.
        """
        key = self._validate(location)
        size, _ = self._head(key)
        return size

    def locate(self, location: str) -> str:
        """The `s3://bucket/key` URI of the video, for services that read S3 directly.

        Makes no request. Raises InvalidVideoLocation.
        """
        return f"s3://{self._bucket}/{self._validate(location)}"

    def check_ready(self) -> None:
        """HeadBucket, then HeadObject of a key that need not exist: raises
        ConfigurationError for a missing bucket, refused access (to the bucket, or to its
        objects: s3:GetObject) or no credentials, StorageUnavailable (transient) when S3
        cannot answer now.

        Once the bucket may be listed, S3 answers a missing key 404 and a role that may not
        read objects 403: a deployment without s3:GetObject stops here instead of failing
        every interview as VIDEO_ACCESS_DENIED.
        """
        try:
            self._client.head_bucket(Bucket=self._bucket)
        except (ClientError, BotoCoreError) as exc:
            raise self._bucket_error(exc) from exc
        try:
            self._client.head_object(Bucket=self._bucket, Key=READ_CHECK_KEY)
        except (ClientError, BotoCoreError) as exc:
            if http_status(exc) == 404 or error_codes(exc) & _NOT_FOUND_CODES:
                return  # readable: the key is merely missing
            if is_access_denied(exc) or http_status(exc) == 403:
                raise ConfigurationError(
                    f"S3 lets these credentials list bucket {self._bucket} but not read its "
                    f"objects: grant s3:GetObject on arn:aws:s3:::{self._bucket}/*"
                ) from exc
            raise self._bucket_error(exc) from exc

    def _bucket_error(self, exc: ClientError | BotoCoreError) -> InterviewError:
        """The core error for a failed start-up check of the bucket."""
        if is_missing_credentials(exc):
            return ConfigurationError(NO_CREDENTIALS)
        if is_transient(exc):
            return StorageUnavailable(
                f"S3 could not answer now: {describe(exc)}", throttled=is_throttling(exc)
            )
        if http_status(exc) == 404 or error_codes(exc) & {"NoSuchBucket", "404"}:
            return ConfigurationError(
                f"bucket {self._bucket} does not exist: create it or set AWS_S3_BUCKET"
            )
        return ConfigurationError(f"S3 refused access to bucket {self._bucket}: {describe(exc)}")

    def upload(self, source: Path, key: str) -> str:
        """Upload the file `source` to `key` in the bucket (multipart for large files),
        replacing any object there; returns the key.

        Raises InvalidVideoLocation and VideoTooLarge before any request, VideoNotFound when
        `source` is no regular file, VideoAccessDenied, StorageUnavailable (transient) or
        ConfigurationError (a missing bucket, no credentials).
        """
        key = self._validate(key)
        checked_source_size(source, self._max_bytes)
        try:
            self._client.upload_file(str(source), self._bucket, key)
        except (ClientError, BotoCoreError) as exc:
            raise self._upload_error(exc, key) from exc
        except S3UploadFailedError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, ClientError | BotoCoreError):
                raise self._upload_error(cause, key) from exc
            raise StorageUnavailable(f"upload of {key!r} failed: {exc}") from exc
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {source.name}: {exc.strerror}") from exc
        return key

    def remove_video(self, location: str) -> bool:
        """Delete the video at `location`; whether it was there (ListObjectsV2 on its key,
        so that the caller needs no read access to videos). Raises InvalidVideoLocation
        before any request, StorageUnavailable, or ConfigurationError (also for refused
        access: the caller's permissions are the deployment's)."""
        key = self._validate(location)
        try:
            page = self._client.list_objects_v2(Bucket=self._bucket, Prefix=key, MaxKeys=1)
            there = any(entry.get("Key") == key for entry in page.get("Contents", []))
            if there:
                self._client.delete_object(Bucket=self._bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            if is_access_denied(exc) or http_status(exc) == 403:
                raise ConfigurationError(
                    f"S3 refused to remove a video from bucket {self._bucket}: grant "
                    "s3:ListBucket (for its prefix) and s3:DeleteObject on it"
                ) from exc
            raise self._upload_error(exc, key) from exc
        return there

    def _upload_error(self, exc: BaseException, key: str) -> InterviewError:
        if error_codes(exc) & {"NoSuchBucket"}:
            return ConfigurationError(
                f"bucket {self._bucket} does not exist: create it or set AWS_S3_BUCKET"
            )
        return self._translate(exc, key)

    def _validate(self, location: str) -> str:
        return object_key(location, self._bucket, allowed_extensions=self._allowed_extensions)

    def _check_size(self, size: int) -> None:
        if size > self._max_bytes:
            raise VideoTooLarge(f"the video is {size} bytes; the limit is {self._max_bytes}")

    def _head(self, key: str) -> tuple[int, str | None]:
        try:
            response = self._client.head_object(Bucket=self._bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, key) from exc
        return int(response["ContentLength"]), response.get("ETag")

    def _download(self, key: str, etag: str | None, size: int, target: Path) -> None:
        started = time.monotonic()
        try:
            if etag:
                response = self._client.get_object(Bucket=self._bucket, Key=key, IfMatch=etag)
            else:
                response = self._client.get_object(Bucket=self._bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, key) from exc
        body = response["Body"]
        written = 0
        try:
            with target.open("xb") as out:
                for chunk in body.iter_chunks(self._chunk_size):
                    written += len(chunk)
                    self._check_size(written)
                    out.write(chunk)
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, key) from exc
        except OSError as exc:
            raise work_file_error(
                StorageUnavailable, "cannot write the copy of the video", exc
            ) from exc
        finally:
            body.close()
        if written != size:
            raise StorageUnavailable(f"the download ended after {written} of {size} bytes")
        logger.debug(
            "video downloaded",
            extra={"bytes": written, "duration": round(time.monotonic() - started, 3)},
        )

    def _translate(self, exc: BaseException, key: str) -> InterviewError:
        """The core error for `exc`; its message, which may be stored on the interview, names
        neither the bucket, the key nor the endpoint: the log line written here does."""
        if is_missing_credentials(exc):
            return ConfigurationError(NO_CREDENTIALS)
        logger.warning(
            "S3 request for %r in bucket %s failed: %s", key, self._bucket, describe(exc)
        )
        codes = error_codes(exc)
        status = http_status(exc)
        reason = describe_safely(exc, self._bucket, key)
        if is_transient(exc):
            return StorageUnavailable(
                f"S3 could not serve the video now: {reason}", throttled=is_throttling(exc)
            )
        if codes & _NOT_FOUND_CODES or status == 404:
            return VideoNotFound("no video at the interview's video_path in the bucket")
        if is_access_denied(exc) or status == 403:
            return VideoAccessDenied(f"access to the video was refused: {reason}")
        if codes & _NOT_READABLE_CODES:
            return VideoAccessDenied(f"the video is archived and cannot be read: {reason}")
        if codes & _CHANGED_CODES or status == 412:
            return StorageUnavailable("the video changed while it was being fetched")
        return StorageUnavailable(f"S3 failed to serve the video: {reason}")
