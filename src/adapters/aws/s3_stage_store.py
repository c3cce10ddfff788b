"""S3StageStore: kept stage results under the bucket's transcript prefix."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import (
    NO_CREDENTIALS,
    describe_safely,
    error_codes,
    http_status,
    is_access_denied,
    is_missing_credentials,
    is_throttling,
    is_transient,
)
from adapters.aws.transcribe_jobs import normalise_key_prefix
from adapters.stage_items import (
    QUESTIONS_ITEM,
    TRANSCRIPT_ITEM,
    decode_questions,
    decode_transcript,
    encode_questions,
    encode_transcript,
    item_folder,
    kept_items,
)
from interview_core.errors import ConfigurationError, InterviewError, StageStoreUnavailable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_s3 import S3Client

    from interview_core.entities import KeptQuestions, Transcript

logger = logging.getLogger(__name__)

MAX_ITEM_BYTES = 64 * 1024**2
"""A kept item larger than this is not read (a 4-hour transcript with word timings is
about 10 MB): it reads as nothing kept."""

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})


class S3StageStore:
    """A StageStore in one bucket: `<prefix><token>/g<generation>/transcript.json` and
    `questions.json`, beside Amazon Transcribe's own files under the same prefix, so the
    bucket's lifecycle rule on that prefix bounds how long anything is kept.

    Provider errors become core errors: a missing key reads as nothing kept; a missing
    bucket, refused access or no credentials raise ConfigurationError; throttling, 5xx,
    timeouts, lost connections and any other S3 error raise StageStoreUnavailable
    (transient). An object that is not a valid item (or larger than MAX_ITEM_BYTES) reads
    as nothing kept, logged.
    """

    def __init__(self, client: S3Client, bucket: str, key_prefix: str = "transcribe/") -> None:
        """Raise ValueError for an empty bucket or a prefix Transcribe's keys refuse."""
        if not bucket:
            raise ValueError("a bucket name is required")
        self._client = client
        self._bucket = bucket
        self._prefix = normalise_key_prefix(key_prefix)

    def key(self, interview_id: str, generation: int, item: str) -> str:
        """The object key of one kept item. Raises ValueError as `item_folder`."""
        return f"{self._prefix}{item_folder(interview_id, generation)}/{item}"

    def load_transcript(self, interview_id: str, generation: int) -> Transcript | None:
        """The kept transcript, or None when there is none or it cannot be read."""
        key = self.key(interview_id, generation, TRANSCRIPT_ITEM)
        raw = self._get(key)
        return None if raw is None else decode_transcript(raw, key)

    def save_transcript(self, interview_id: str, generation: int, transcript: Transcript) -> None:
        """Keep `transcript` with one PutObject, replacing any kept one."""
        key = self.key(interview_id, generation, TRANSCRIPT_ITEM)
        raw = encode_transcript(transcript)
        if raw is not None:
            self._put(key, raw)

    def load_questions(self, interview_id: str, generation: int) -> KeptQuestions | None:
        """The kept questions, or None when there are none or they cannot be read."""
        key = self.key(interview_id, generation, QUESTIONS_ITEM)
        raw = self._get(key)
        return None if raw is None else decode_questions(raw, key)

    def save_questions(self, interview_id: str, generation: int, found: KeptQuestions) -> None:
        """Keep `found` with one PutObject, replacing any kept questions."""
        key = self.key(interview_id, generation, QUESTIONS_ITEM)
        raw = encode_questions(found)
        if raw is not None:
            self._put(key, raw)

    def discard(self, interview_id: str, generation: int, *, keep_transcript: bool = False) -> None:
        """Delete both items (only the questions with `keep_transcript`), one DeleteObject
        each (a missing key is no error)."""
        for item in kept_items(keep_transcript=keep_transcript):
            key = self.key(interview_id, generation, item)
            with self._translated(key):
                self._client.delete_object(Bucket=self._bucket, Key=key)

    # --- S3 calls ----------------------------------------------------------------------

    def _get(self, key: str) -> bytes | None:
        try:
            with self._translated(key):
                response = self._client.get_object(Bucket=self._bucket, Key=key)
                size = int(response.get("ContentLength", 0))
                body = response["Body"]
                try:
                    if size > MAX_ITEM_BYTES:
                        logger.warning("kept %s is %d bytes; it is not read", key, size)
                        return None
                    return body.read()
                finally:
                    body.close()
        except _Missing:
            return None

    def _put(self, key: str, raw: bytes) -> None:
        with self._translated(key):
            self._client.put_object(
                Bucket=self._bucket, Key=key, Body=raw, ContentType="application/json"
            )

    @contextmanager
    def _translated(self, key: str) -> Iterator[None]:
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, key) from exc

    def _translate(self, exc: BaseException, key: str) -> InterviewError | _Missing:
        if is_missing_credentials(exc):
            return ConfigurationError(NO_CREDENTIALS)
        codes = error_codes(exc)
        reason = describe_safely(exc, self._bucket, key)
        if is_transient(exc):
            return StageStoreUnavailable(
                f"S3 could not keep or read stage results now: {reason}",
                throttled=is_throttling(exc),
            )
        if "NoSuchBucket" in codes:
            return ConfigurationError(
                f"bucket {self._bucket} does not exist: create it or set AWS_S3_BUCKET"
            )
        if codes & _NOT_FOUND_CODES or http_status(exc) == 404:
            return _Missing()
        if is_access_denied(exc) or http_status(exc) == 403:
            return ConfigurationError(
                f"S3 refused access to kept stage results under {self._prefix} in bucket "
                f"{self._bucket}: grant s3:GetObject, s3:PutObject and s3:DeleteObject there"
            )
        return StageStoreUnavailable(f"S3 failed to keep or read stage results: {reason}")


class _Missing(Exception):
    """No object under the key: nothing is kept there."""
