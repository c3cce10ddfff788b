"""The S3 side of Amazon Transcribe jobs: the audio uploaded for a job, the transcript it wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.transcribe_errors import is_missing_object, storage_error
from interview_core.errors import TranscriptionFailed

if TYPE_CHECKING:
    from pathlib import Path

    from mypy_boto3_s3 import S3Client


def upload_audio(s3: S3Client, bucket: str, path: Path, key: str) -> None:
    """Put the local audio file `path` at `key` in `bucket`, replacing any object there.

    Raises TranscriptionFailed when the file cannot be read, or what `storage_error` gives.
    """
    try:
        with path.open("rb") as body:
            s3.put_object(Bucket=bucket, Key=key, Body=body)
    except OSError as exc:
        raise TranscriptionFailed(f"cannot read the audio file: {exc.strerror}") from exc
    except (ClientError, BotoCoreError) as exc:
        raise storage_error(
            exc, "the upload of the audio", bucket, key, permission="s3:PutObject"
        ) from exc


def read_transcript(
    s3: S3Client, bucket: str, key: str, max_bytes: int, *, gone_ok: bool = False
) -> bytes | None:
    """The bytes of the transcript at `key`; with `gone_ok`, None when S3 has no such object
    (a transcript past the bucket's lifecycle rule).

    Raises TranscriptionFailed above `max_bytes` (read no further), or what `storage_error`
    gives (a missing object without `gone_ok` among them: permanent).
    """
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
        body = response["Body"]
        try:
            if response.get("ContentLength", 0) > max_bytes:
                raise TranscriptionFailed(f"the transcript exceeds {max_bytes} bytes")
            return body.read()
        finally:
            body.close()
    except (ClientError, BotoCoreError) as exc:
        if gone_ok and is_missing_object(exc):
            return None
        raise storage_error(exc, "the transcript", bucket, key) from exc
