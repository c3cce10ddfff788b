"""S3TranscribeOutputs: removes the transcript Amazon Transcribe wrote, once it is redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.s3_removal_errors import removal_error
from adapters.aws.transcribe_jobs import generation_token, job_token, normalise_key_prefix

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from interview_core.errors import InterviewError

OUTPUT_NAMES = ("transcript.json", "redacted-transcript.json")
"""What a job writes in its folder: the transcript at its OutputKey, and the redacted one,
which Transcribe reports at its own location (`redacted-` before the file name, as its
documentation describes for redacted output) or at the OutputKey itself."""


class S3TranscribeOutputs:
    """The TranscriptionOutputs of TranscribeTranscriber in one bucket: for the work of an
    interview in a generation, `<prefix><name token>/transcript.json` and
    `redacted-transcript.json` (see TranscribeTranscriber for the token), one DeleteObject
    each. The audio uploaded beside them and the kept stages below them are left alone.

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

    def keys(self, job_id: str, generation: int) -> list[str]:
        """The keys of the transcripts the work of `job_id` in `generation` writes.

        Raises ValueError for an empty id or a negative generation."""
        folder = f"{self._prefix}{generation_token(job_token(job_id), generation)}/"
        return [f"{folder}{name}" for name in OUTPUT_NAMES]

    def remove_outputs(self, job_id: str, generation: int) -> list[str]:
        """Delete both keys (a missing key is no error in S3) and return them.

        Raises ValueError, StageStoreUnavailable or ConfigurationError."""
        keys = self.keys(job_id, generation)
        for key in keys:
            try:
                self._client.delete_object(Bucket=self._bucket, Key=key)
            except (ClientError, BotoCoreError) as exc:
                raise self._translate(exc, key) from exc
        return keys

    def _translate(self, exc: BaseException, key: str) -> InterviewError:
        return removal_error(
            exc,
            self._bucket,
            key,
            what="Transcribe's transcript",
            when_refused=(
                f"S3 refused to remove Transcribe's transcripts in bucket {self._bucket}: with "
                f"INTERVIEWS_REDACT_PII grant s3:DeleteObject on {self._prefix}*/transcript.json "
                f"and {self._prefix}*/redacted-transcript.json"
            ),
        )
