"""S3InterviewFiles: every file the pipeline made for an interview under the bucket's prefix."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.s3_removal_errors import removal_error
from adapters.aws.transcribe_jobs import generation_token, job_token, normalise_key_prefix
from adapters.stage_items import item_folder

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_s3 import S3Client

    from interview_core.errors import InterviewError


class S3InterviewFiles:
    """The InterviewFiles of one bucket: under `<prefix><token>/` (generation 0) and
    `<prefix><token>-g<n>/` the audio uploaded for Amazon Transcribe and the transcript it
    wrote, under `<prefix><stage token>/g<n>/` the kept stages (see S3StageStore and
    TranscribeTranscriber for the names). Each folder is listed (ListObjectsV2 with its
    prefix, ending in `/`, so no other interview's folder is matched) and every object in
    it deleted (DeleteObject).

    Errors: throttling, 5xx and timeouts StageStoreUnavailable (transient); a missing bucket,
    refused access or no credentials ConfigurationError.
    """

    def __init__(self, client: S3Client, bucket: str, key_prefix: str = "transcribe/") -> None:
        """Raise ValueError for an empty bucket or a prefix Transcribe's keys refuse."""
        if not bucket:
            raise ValueError("a bucket name is required")
        self._client = client
        self._bucket = bucket
        self._prefix = normalise_key_prefix(key_prefix)

    def folders(self, interview_id: str, generation: int) -> list[str]:
        """The key prefixes of the interview's files in generations 0 to `generation`.

        Raises ValueError for an empty id or a negative generation.
        """
        if generation < 0:
            raise ValueError(f"a generation is a whole number of at least 0, not {generation}")
        token = job_token(interview_id)
        stages = item_folder(interview_id, 0).rsplit("/", 1)[0]
        named = [generation_token(token, number) for number in range(generation + 1)]
        return list(dict.fromkeys(f"{self._prefix}{name}/" for name in [*named, stages]))

    def remove_files(self, interview_id: str, generation: int) -> list[str]:
        """Delete every object in the interview's folders; their keys, in order.

        Raises ValueError, StageStoreUnavailable or ConfigurationError.
        """
        removed: list[str] = []
        for folder in self.folders(interview_id, generation):
            for key in self._keys(folder):
                with self._translated(key):
                    self._client.delete_object(Bucket=self._bucket, Key=key)
                removed.append(key)
        return removed

    def _keys(self, folder: str) -> Iterator[str]:
        token: str | None = None
        while True:
            with self._translated(folder):
                if token is None:
                    page = self._client.list_objects_v2(Bucket=self._bucket, Prefix=folder)
                else:
                    page = self._client.list_objects_v2(
                        Bucket=self._bucket, Prefix=folder, ContinuationToken=token
                    )
            keys = [entry["Key"] for entry in page.get("Contents", []) if "Key" in entry]
            yield from keys
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or token is None:
                return

    @contextmanager
    def _translated(self, key: str) -> Iterator[None]:
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, key) from exc

    def _translate(self, exc: BaseException, key: str) -> InterviewError:
        return removal_error(
            exc,
            self._bucket,
            key,
            what="the interview's files",
            when_refused=(
                f"S3 refused to list or remove the files under {self._prefix} in bucket "
                f"{self._bucket}: grant s3:ListBucket (prefix {self._prefix}) and "
                "s3:DeleteObject there"
            ),
        )
