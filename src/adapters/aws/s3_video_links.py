"""S3VideoLinks: presigned GET URLs that let a browser play an interview's video from S3."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import NO_CREDENTIALS, describe_safely, is_missing_credentials
from adapters.video_keys import MEDIA_EXTENSIONS, object_key
from interview_core.errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MAX_LIFETIME_SECONDS = 7 * 24 * 3600
"""The longest a presigned URL signed with Signature Version 4 can last."""


class S3VideoLinks:
    """Links to the videos in one bucket, signed locally with the client's credentials.

    A link made with temporary credentials (a role, a session) stops working when they
    expire, even before its own lifetime ends.
    """

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        allowed_extensions: frozenset[str] = MEDIA_EXTENSIONS,
    ) -> None:
        """Raise ValueError for an empty bucket name."""
        if not bucket:
            raise ValueError("a bucket name is required")
        self._client = client
        self._bucket = bucket
        self._allowed_extensions = allowed_extensions

    def presigned_url(self, location: str, lifetime_seconds: int) -> str:
        """A GET URL of the video at `location` (a key or `s3://<bucket>/<key>` of our
        bucket) that works for `lifetime_seconds`; no request is sent, and the object is not
        checked to exist.

        Raises InvalidVideoLocation for a malformed key or another bucket, ValueError for a
        lifetime outside 1 s to 7 days, ConfigurationError when no credentials can sign.
        """
        if not 1 <= lifetime_seconds <= MAX_LIFETIME_SECONDS:
            raise ValueError(f"a link lasts from 1 second to 7 days, not {lifetime_seconds} s")
        key = object_key(location, self._bucket, allowed_extensions=self._allowed_extensions)
        try:
            return self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self._bucket, "Key": key},
                ExpiresIn=lifetime_seconds,
            )
        except (BotoCoreError, ClientError) as exc:
            if is_missing_credentials(exc):
                raise ConfigurationError(NO_CREDENTIALS) from exc
            raise ConfigurationError(
                f"cannot sign a link to the video: {describe_safely(exc)}"
            ) from exc
