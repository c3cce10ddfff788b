"""TranscribeTranscriber: speech to text by Amazon Transcribe batch jobs, reused across retries."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import attrs
from botocore.exceptions import BotoCoreError, ClientError

from adapters.aws.errors import error_codes
from adapters.aws.transcribe_errors import failed_job_error, still_waiting, transcribe_error
from adapters.aws.transcribe_files import read_transcript, upload_audio
from adapters.aws.transcribe_jobs import (
    accepts_directly,
    attempt_of,
    generation_token,
    is_role_arn,
    job_name,
    job_token,
    media_format,
    normalise_key_prefix,
    split_s3_location,
    start_request,
    transcript_location,
)
from adapters.transcripts.aws_transcribe import parse_transcribe_output
from adapters.transcripts.transcribe_pii import content_redaction, why_not
from adapters.video_keys import validate_video_key
from interview_core.errors import InvalidVideoLocation, TranscriptionFailed

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_s3 import S3Client
    from mypy_boto3_transcribe import TranscribeServiceClient

    from interview_core.entities import AudioFile, Transcript
    from interview_core.personal_data import PiiType
    from interview_core.ports import ProgressCallback

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_SECONDS = 3600.0
DEFAULT_MAX_TRANSCRIPT_BYTES = 256 * 1024**2
_FINISHED = frozenset({"COMPLETED", "FAILED"})
_MAX_LIST_PAGES = 10


@attrs.frozen
class _Media:
    uri: str
    format: str
    upload: Callable[[], None] | None = None


class TranscribeTranscriber:
    """Transcripts from Amazon Transcribe, one job per interview and generation, found by name.

    The job for `job_id` in generation 0 is named `interview-<token>` (the id itself when it
    is a safe name, else a sanitised prefix plus a hash), in a later generation
    `interview-<token>-g<generation>`; it has speaker labels on, the language given or
    identified (`language=None`), and writes to `bucket` at `<key_prefix><name token>/
    transcript.json` (`<name token>` being `<token>` or `<token>-g<generation>`), so a
    reprocessed interview never reads an earlier generation's transcript. Before starting
    anything the jobs already named for the generation are listed and the latest is used:
    a completed one is reused (no upload, no new job), a queued or running one is awaited.
    A new job, named with the next suffix `-r<n>`, replaces a completed one whose transcript
    is gone (expired with the bucket's lifecycle rule) and a failed one, unless its
    FailureReason blames the media. One call starts at most `job_attempts` jobs. Polling
    backs off from `poll_initial` to `poll_max` seconds and gives up at `deadline_seconds`
    with a transient error, so a later retry finds the same job again.

    With `data_access_role_arn` a job is started with deferred execution: beyond the account's
    concurrent-job quota Transcribe queues it (status QUEUED, reading the media and writing
    the transcript as that role) instead of refusing it with LimitExceededException. Without
    it, jobs read and write with the caller's own permissions and are refused over the quota.

    With `redact_types` a job is started with Transcribe's PII redaction of those of the
    types it knows (redacted output only: no unredacted transcript is written) when it
    redacts the language; the transcript read is then the redacted one, its `[PII]` items
    read as `[PII:<TYPE>]`. Where Transcribe cannot redact (another language, language
    identification, none of its types chosen) the job runs without it and the log says so
    once per transcription: the caller's offline redactor is then the only one. A job that
    finished before redaction was turned on is reused as it is.

    Errors: throttling and quotas (ThrottlingException, LimitExceededException, HTTP 429, S3
    SlowDown) and a job still QUEUED at the deadline -> TranscriptionUnavailable with
    `throttled` (no attempt spent); InternalFailureException, 5xx, timeouts, lost connections,
    a job still IN_PROGRESS at the deadline and the last job a call may start failing in the
    service ("Internal failure") -> TranscriptionUnavailable (transient); BadRequestException,
    refused access, a job failing on its media or for an unknown reason, unreadable media,
    a missing transcript of a job just started and an unusable transcript ->
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
        data_access_role_arn: str | None = None,
        redact_types: frozenset[PiiType] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Raise ValueError for an empty bucket, a key prefix Transcribe refuses, a speaker
        count outside 2..30, non-positive polling, deadline, attempts or size limits, or a
        data access role that is not an IAM role ARN."""
        if not bucket:
            raise ValueError("a bucket name is required")
        if not 2 <= max_speakers <= 30:
            raise ValueError("max_speakers must be between 2 and 30")
        if min(poll_initial, poll_max, deadline_seconds, job_attempts, max_transcript_bytes) <= 0:
            raise ValueError("polling, deadline, attempts and size limits must be positive")
        if data_access_role_arn is not None and not is_role_arn(data_access_role_arn):
            raise ValueError("the data access role must be an IAM role ARN")
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
        self._data_access_role_arn = data_access_role_arn
        self._redact_types = redact_types or frozenset()
        self._redaction = content_redaction(self._redact_types, language)
        self._sleep = sleep
        self._clock = clock

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        """Transcribe `audio` in the interview's `generation`, uploading it to
        `<key_prefix><name token>/audio.<ext>` when a job is to start.

        The transcript carries speaker labels and the audio's duration. `progress` hears 0 at
        the start and the whole duration at the end. Raises ValueError for a negative
        generation, TranscriptionFailed (also for an audio format Transcribe does not read)
        or TranscriptionUnavailable (transient).
        """
        token = generation_token(job_token(job_id), generation)
        fmt = media_format(audio.path.name)
        if fmt is None:
            raise TranscriptionFailed(
                f"Amazon Transcribe does not read {audio.path.suffix!r} audio"
            )
        key = f"{self._prefix}{token}/audio.{fmt}"
        if progress is not None:
            progress(0.0, audio.duration)
        uri, path = f"s3://{self._bucket}/{key}", audio.path
        upload = _Media(uri, fmt, lambda: upload_audio(self._s3, self._bucket, path, key))
        transcript = self._run(token, upload)
        if progress is not None:
            progress(audio.duration, audio.duration)
        return attrs.evolve(transcript, duration=audio.duration)

    def transcribe_stored(
        self, s3_uri_or_key: str, *, job_id: str, generation: int = 0
    ) -> Transcript:
        """Transcribe a media object already in S3 (`s3://bucket/key`, or a key in our bucket),
        in the interview's `generation`.

        Nothing is uploaded or downloaded besides the transcript; its duration is left None.
        Raises InvalidVideoLocation for a malformed location, TranscriptionFailed for a
        container Transcribe does not read, or as `transcribe` does.
        """
        token = generation_token(job_token(job_id), generation)
        try:
            bucket, key = split_s3_location(s3_uri_or_key, self._bucket)
        except ValueError as exc:
            raise InvalidVideoLocation(f"not a usable S3 location: {exc}") from exc
        validate_video_key(key)
        fmt = media_format(key)
        if fmt is None:
            raise TranscriptionFailed("Amazon Transcribe does not read this container directly")
        return self._run(token, _Media(f"s3://{bucket}/{key}", fmt))

    @staticmethod
    def accepts_directly(
        key: str, size_bytes: int | None, duration_seconds: float | None = None
    ) -> bool:
        """Whether `transcribe_stored` can take the object at `key` as it is (format and limits)."""
        return accepts_directly(key, size_bytes, duration_seconds)

    @property
    def defers_jobs(self) -> bool:
        """Whether jobs start with deferred execution (queued beyond the concurrency quota)."""
        return self._data_access_role_arn is not None

    def job_name(self, job_id: str, generation: int = 0) -> str:
        """The name of the first Transcribe job for `job_id` in `generation` (later jobs of
        the generation add `-r<n>`). Raises ValueError for a negative generation."""
        return job_name(generation_token(job_token(job_id), generation))

    def _run(self, token: str, media: _Media) -> Transcript:
        """The transcript of the latest job named for `token` (a generation's token), with
        new jobs started as the class says."""
        deadline = self._clock() + self._deadline_seconds
        output_key = f"{self._prefix}{token}/transcript.json"
        if self._redact_types and self._redaction is None:
            logger.warning(
                "Transcribe cannot redact this transcript (%s); the offline redactor "
                "redacts its output instead",
                why_not(self._redact_types, self._language),
                extra={"job": job_name(token)},
            )
        attempt, found = self._latest_attempt(token)
        started = 0
        while True:
            name = job_name(token, attempt)
            if found:
                logger.info("reusing transcription job", extra={"job": name})
            else:
                if media.upload is not None:
                    media.upload()
                    media = attrs.evolve(media, upload=None)
                self._start(name, media, output_key)
                started += 1
            job = self._await(name, deadline)
            renewable = started < self._job_attempts
            if job["TranscriptionJobStatus"] != "COMPLETED":
                reason = str(job.get("FailureReason") or "no reason given")
                if error := failed_job_error(name, reason, self._bucket, renewable=renewable):
                    raise error
            else:
                transcript = self._read_transcript(job, output_key, gone_ok=found and renewable)
                if transcript is not None:
                    return transcript
            attempt, found = attempt + 1, False

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
        request = start_request(
            name,
            media.uri,
            media.format,
            (self._bucket, output_key),
            max_speakers=self._max_speakers,
            language=self._language,
            data_access_role_arn=self._data_access_role_arn,
            content_redaction=self._redaction,
        )
        try:
            self._transcribe.start_transcription_job(**request)
        except ClientError as exc:
            if "ConflictException" not in error_codes(exc):
                raise transcribe_error(exc, name) from exc
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
                raise still_waiting(name, status, self._deadline_seconds)
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, self._poll_max)

    def _call(self, operation: Callable[..., Any], **request: Any) -> Any:
        try:
            return operation(**request)
        except (ClientError, BotoCoreError) as exc:
            raise transcribe_error(exc, str(request.get("TranscriptionJobName", ""))) from exc

    def _read_transcript(
        self, job: Mapping[str, Any], output_key: str, *, gone_ok: bool
    ) -> Transcript | None:
        """The completed job's transcript (the redacted one when the job redacted); with
        `gone_ok`, None when S3 no longer has it."""
        files = job.get("Transcript", {})
        uri = str(files.get("RedactedTranscriptFileUri") or files.get("TranscriptFileUri") or "")
        bucket, key = transcript_location(uri) or (self._bucket, output_key)
        data = read_transcript(self._s3, bucket, key, self._max_transcript_bytes, gone_ok=gone_ok)
        if data is None:
            name = job.get("TranscriptionJobName")
            logger.warning("the transcript of job %s is gone; a new job replaces it", name)
            return None
        return parse_transcribe_output(data)
