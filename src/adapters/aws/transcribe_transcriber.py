"""TranscribeTranscriber: speech to text by Amazon Transcribe batch jobs, reused across retries."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import attrs
from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import (
    describe,
    describe_safely,
    error_codes,
    http_status,
    is_access_denied,
    is_throttling,
    is_transient,
)
from adapters.aws.transcribe_jobs import (
    accepts_directly,
    attempt_of,
    is_media_failure,
    job_name,
    job_token,
    media_format,
    normalise_key_prefix,
    split_s3_location,
    transcript_location,
)
from adapters.transcripts.aws_transcribe import parse_transcribe_output
from adapters.video_keys import validate_video_key
from interview_core.errors import (
    InterviewError,
    InvalidVideoLocation,
    TranscriptionFailed,
    TranscriptionUnavailable,
)
from interview_core.redaction import redact_locations

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from mypy_boto3_s3 import S3Client
    from mypy_boto3_transcribe import TranscribeServiceClient

    from interview_core.entities import AudioFile, Transcript
    from interview_core.ports import ProgressCallback

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_SECONDS = 3600.0
DEFAULT_MAX_TRANSCRIPT_BYTES = 256 * 1024**2
_UNAVAILABLE_CODES = frozenset({"LimitExceededException", "InternalFailureException"})
_REFUSED_CODES = frozenset({"BadRequestException", "NotFoundException"})
_FINISHED = frozenset({"COMPLETED", "FAILED"})
_MAX_LIST_PAGES = 10


@attrs.frozen
class _Media:
    uri: str
    format: str
    upload: Callable[[], None] | None = None


class TranscribeTranscriber:
    """Transcripts from Amazon Transcribe, one job per interview, found again by its name.

    The job for `job_id` is named `interview-<token>` (the id itself when it is a safe name,
    else a sanitised prefix plus a hash), with speaker labels on, the language given or
    identified (`language=None`), and output to `bucket` at `<key_prefix><token>/transcript.json`.
    Before starting anything the jobs already named for the id are listed: a completed one
    is reused (no upload, no new job), a queued or running one is awaited, and a failed one
    is retried under `interview-<token>-r<n>`, up to `job_attempts` jobs in all, unless its
    FailureReason blames the media. Polling backs off from `poll_initial` to `poll_max`
    seconds and gives up at `deadline_seconds` with a transient error, so a later retry finds
    the same job again.

    Errors: throttling (including LimitExceededException), InternalFailureException, 5xx,
    timeouts and lost connections -> TranscriptionUnavailable (transient); BadRequestException,
    refused access, a failed job, unreadable media and an unusable transcript ->
    TranscriptionFailed (permanent).
    """

    def __init__(
        self,
        transcribe_client: TranscribeServiceClient,
        s3_client: S3Client,
        bucket: str,
        *,
        key_prefix: str = "transcribe/",
        max_speakers: int = 2,
        language: str | None = "en-US",
        poll_initial: float = 2.0,
        poll_max: float = 30.0,
        deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
        job_attempts: int = 2,
        max_transcript_bytes: int = DEFAULT_MAX_TRANSCRIPT_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Raise ValueError for an empty bucket, a key prefix Transcribe refuses, a speaker
        count outside 2..30, or non-positive polling, deadline, attempts or size limits."""
        if not bucket:
            raise ValueError("a bucket name is required")
        if not 2 <= max_speakers <= 30:
            raise ValueError("max_speakers must be between 2 and 30")
        if min(poll_initial, poll_max, deadline_seconds, job_attempts, max_transcript_bytes) <= 0:
            raise ValueError("polling, deadline, attempts and size limits must be positive")
        self._transcribe = transcribe_client
        self._s3 = s3_client
        self._bucket = bucket
        self._prefix = normalise_key_prefix(key_prefix)
        self._max_speakers = max_speakers
        self._language = language
        self._poll_initial = poll_initial
        self._poll_max = max(poll_max, poll_initial)
        self._deadline_seconds = deadline_seconds
        self._job_attempts = job_attempts
        self._max_transcript_bytes = max_transcript_bytes
        self._sleep = sleep
        self._clock = clock

    def transcribe(
        self, audio: AudioFile, *, job_id: str, progress: ProgressCallback | None = None
    ) -> Transcript:
        """Transcribe `audio`, uploading it to `<key_prefix><token>/audio.<ext>` if a job is needed.

        The transcript carries speaker labels and the audio's duration. `progress` hears 0 at
        the start and the whole duration at the end. Raises TranscriptionFailed (also for an
        audio format Transcribe does not read) or TranscriptionUnavailable (transient).
        """
        fmt = media_format(audio.path.name)
        if fmt is None:
            raise TranscriptionFailed(
                f"Amazon Transcribe does not read {audio.path.suffix!r} audio"
            )
        token = job_token(job_id)
        key = f"{self._prefix}{token}/audio.{fmt}"
        if progress is not None:
            progress(0.0, audio.duration)
        upload = _Media(f"s3://{self._bucket}/{key}", fmt, lambda: self._upload(audio.path, key))
        transcript = self._run(token, upload)
        if progress is not None:
            progress(audio.duration, audio.duration)
        return attrs.evolve(transcript, duration=audio.duration)

    def transcribe_stored(self, s3_uri_or_key: str, *, job_id: str) -> Transcript:
        """Transcribe a media object already in S3 (`s3://bucket/key`, or a key in our bucket).

        Nothing is uploaded or downloaded besides the transcript; its duration is left None.
        Raises InvalidVideoLocation for a malformed location, TranscriptionFailed for a
        container Transcribe does not read, or as `transcribe` does.
        """
        try:
            bucket, key = split_s3_location(s3_uri_or_key, self._bucket)
        except ValueError as exc:
            raise InvalidVideoLocation(f"not a usable S3 location: {exc}") from exc
        validate_video_key(key)
        fmt = media_format(key)
        if fmt is None:
            raise TranscriptionFailed("Amazon Transcribe does not read this container directly")
        return self._run(job_token(job_id), _Media(f"s3://{bucket}/{key}", fmt))

    @staticmethod
    def accepts_directly(
        key: str, size_bytes: int | None, duration_seconds: float | None = None
    ) -> bool:
        """Whether `transcribe_stored` can take the object at `key` as it is (format and limits)."""
        return accepts_directly(key, size_bytes, duration_seconds)

    def job_name(self, job_id: str) -> str:
        """The name of the first Transcribe job for `job_id` (later attempts add `-r<n>`)."""
        return job_name(job_token(job_id))

    def _run(self, token: str, media: _Media) -> Transcript:
        deadline = self._clock() + self._deadline_seconds
        output_key = f"{self._prefix}{token}/transcript.json"
        attempt, exists = self._latest_attempt(token)
        while True:
            name = job_name(token, attempt)
            if not exists:
                if media.upload is not None:
                    media.upload()
                    media = attrs.evolve(media, upload=None)
                self._start(name, media, output_key)
            else:
                logger.info("reusing transcription job", extra={"job": name})
            job = self._await(name, deadline)
            if job["TranscriptionJobStatus"] == "COMPLETED":
                return self._read_transcript(job, output_key)
            failure = str(job.get("FailureReason") or "no reason given")
            reason = redact_locations(failure, self._bucket)  # it may quote the media's URI
            logger.warning("transcription job %s failed: %s", name, failure)
            if is_media_failure(failure):
                raise TranscriptionFailed(
                    f"Amazon Transcribe cannot use the media of {name}: {reason}"
                )
            if attempt >= self._job_attempts:
                raise TranscriptionFailed(f"transcription job {name} failed: {reason}")
            logger.warning("transcription job failed, retrying", extra={"job": name})
            attempt, exists = attempt + 1, False

    def _latest_attempt(self, token: str) -> tuple[int, bool]:
        """The highest attempt among the jobs named for `token`, and whether any job exists."""
        found: list[int] = []
        request: dict[str, Any] = {"JobNameContains": job_name(token), "MaxResults": 100}
        for _ in range(_MAX_LIST_PAGES):
            page = self._call(self._transcribe.list_transcription_jobs, **request)
            for summary in page.get("TranscriptionJobSummaries", []):
                number = attempt_of(token, summary.get("TranscriptionJobName", ""))
                if number is not None:
                    found.append(number)
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
        return (max(found), True) if found else (1, False)

    def _start(self, name: str, media: _Media, output_key: str) -> None:
        request: dict[str, Any] = {
            "TranscriptionJobName": name,
            "Media": {"MediaFileUri": media.uri},
            "MediaFormat": media.format,
            "OutputBucketName": self._bucket,
            "OutputKey": output_key,
            "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": self._max_speakers},
        }
        if self._language:
            request["LanguageCode"] = self._language
        else:
            request["IdentifyLanguage"] = True
        try:
            self._transcribe.start_transcription_job(**request)
        except ClientError as exc:
            if "ConflictException" not in error_codes(exc):
                raise _transcribe_error(exc, name) from exc
            logger.info("transcription job already started elsewhere", extra={"job": name})
        else:
            logger.info("transcription job started", extra={"job": name})

    def _await(self, name: str, deadline: float) -> Mapping[str, Any]:
        delay = self._poll_initial
        while True:
            response = self._call(self._transcribe.get_transcription_job, TranscriptionJobName=name)
            job: Mapping[str, Any] = response["TranscriptionJob"]
            status = job.get("TranscriptionJobStatus")
            if status in _FINISHED:
                return job
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise TranscriptionUnavailable(
                    f"transcription job {name} is still {status} after "
                    f"{self._deadline_seconds:g} s; a later attempt will pick it up"
                )
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, self._poll_max)

    def _call(self, operation: Callable[..., Any], **request: Any) -> Any:
        try:
            return operation(**request)
        except (ClientError, BotoCoreError) as exc:
            raise _transcribe_error(exc, str(request.get("TranscriptionJobName", ""))) from exc

    def _upload(self, path: Path, key: str) -> None:
        try:
            with path.open("rb") as body:
                self._s3.put_object(Bucket=self._bucket, Key=key, Body=body)
        except OSError as exc:
            raise TranscriptionFailed(f"cannot read the audio file: {exc.strerror}") from exc
        except (ClientError, BotoCoreError) as exc:
            raise _storage_error(exc, "the upload of the audio", self._bucket, key) from exc

    def _read_transcript(self, job: Mapping[str, Any], output_key: str) -> Transcript:
        uri = str(job.get("Transcript", {}).get("TranscriptFileUri") or "")
        bucket, key = transcript_location(uri) or (self._bucket, output_key)
        try:
            response = self._s3.get_object(Bucket=bucket, Key=key)
            body = response["Body"]
            try:
                if response.get("ContentLength", 0) > self._max_transcript_bytes:
                    raise TranscriptionFailed(
                        f"the transcript exceeds {self._max_transcript_bytes} bytes"
                    )
                data = body.read()
            finally:
                body.close()
        except (ClientError, BotoCoreError) as exc:
            raise _storage_error(exc, "the transcript", bucket, key) from exc
        return parse_transcribe_output(data)


def _transcribe_error(exc: BaseException, name: str) -> InterviewError:
    """The core error for `exc`; its message, which may be stored on the interview, names no
    endpoint, bucket or key: the log line written here has the whole of it."""
    logger.warning("Amazon Transcribe request failed (job %s): %s", name or "-", describe(exc))
    job = f" for job {name}" if name else ""
    status = http_status(exc)
    reason = describe_safely(exc)
    if is_transient(exc) or error_codes(exc) & _UNAVAILABLE_CODES:
        return TranscriptionUnavailable(
            f"Amazon Transcribe is unavailable{job}: {reason}", throttled=is_throttling(exc)
        )
    if (
        error_codes(exc) & _REFUSED_CODES
        or is_access_denied(exc)
        or (status is not None and 400 <= status < 500)
        or not isinstance(exc, ClientError)
    ):
        return TranscriptionFailed(f"Amazon Transcribe refused the request{job}: {reason}")
    return TranscriptionUnavailable(f"Amazon Transcribe failed{job}: {reason}")


def _storage_error(exc: BaseException, what: str, bucket: str, key: str) -> InterviewError:
    """The core error for an S3 failure on `what`, naming neither `bucket` nor `key` (the log
    line written here does)."""
    logger.warning("S3 request for %r in bucket %s failed: %s", key, bucket, describe(exc))
    reason = describe_safely(exc, bucket, key)
    if is_transient(exc):
        return TranscriptionUnavailable(f"S3 could not serve {what} now: {reason}")
    return TranscriptionFailed(f"S3 refused {what}: {reason}")
