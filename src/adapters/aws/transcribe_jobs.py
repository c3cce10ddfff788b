"""Amazon Transcribe job names, S3 keys, media formats and failure reasons, without any I/O."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

JOB_NAME_PREFIX = "interview-"
JOB_NAME_MAX_CHARS = 200
"""Transcribe's own limit on a job name, whose characters must be in [0-9a-zA-Z._-]."""

MAX_TOKEN_CHARS = 150
"""Room for the prefix, a generation and a retry suffix within the job name limit."""

DIRECT_FORMATS: dict[str, str] = {
    "mp4": "mp4",
    "m4a": "m4a",
    "webm": "webm",
    "ogg": "ogg",
    "mp3": "mp3",
    "wav": "wav",
    "flac": "flac",
}
"""File extensions Transcribe reads as they are, mapped to its MediaFormat values."""

MAX_MEDIA_BYTES = 2 * 1024**3
"""2 GiB: the largest media file Transcribe accepts."""

MAX_MEDIA_SECONDS = 4 * 3600.0
"""4 hours: the longest media Transcribe accepts."""

_UNSAFE_CHARS = re.compile(r"[^0-9A-Za-z._-]")
_SUFFIX_TAIL = re.compile(r"-[gr][0-9]+$")
_KEY_PREFIX = re.compile(r"[A-Za-z0-9\-_.!*'()/]*")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}", re.ASCII)
_MEDIA_FAILURE = re.compile(
    r"media format|sample rate|file size|number of channels|unsupported|corrupt|"
    r"not a valid|invalid (?:audio|media|file)|audio (?:file|stream)|no audio|no speech|"
    r"too short|too long|duration",
    re.IGNORECASE,
)
_SERVICE_FAILURE = re.compile(
    r"internal|try (?:your request |it )?again|unavailable|temporar|timed out|timeout",
    re.IGNORECASE,
)
_ACCESS_FAILURE = re.compile(
    r"access|permission|denied|not found|does not exist|no such", re.IGNORECASE
)


def job_token(job_id: str) -> str:
    """A token for `job_id` that is safe in a job name and an S3 key, and unique per id.

    A safe id (only [0-9a-zA-Z._-], at most 150 characters, not starting with a dot or a
    dash and not ending like a generation or retry suffix, `-g<n>` or `-r<n>`) is its own
    token; any other id becomes a sanitised prefix plus a hash of the whole id, so distinct
    ids never share a token, nor does one id's token with another's in a later generation.
    Raises ValueError for an empty id.
    """
    if not job_id:
        raise ValueError("a job id is required")
    safe = (
        not _UNSAFE_CHARS.search(job_id)
        and len(job_id) <= MAX_TOKEN_CHARS
        and not job_id.startswith((".", "-"))
        and not _SUFFIX_TAIL.search(job_id)
    )
    if safe:
        return job_id
    digest = hashlib.sha256(job_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    cleaned = _UNSAFE_CHARS.sub("-", job_id)[:120].lstrip(".-")
    return f"{cleaned}-{digest}" if cleaned else digest


def generation_token(token: str, generation: int) -> str:
    """The token of one generation of an interview's work: `<token>` for generation 0 (the
    names and keys of the jobs started before generations existed), `<token>-g<n>` after.

    Job names and S3 keys are built from it, so each generation has jobs and files of its
    own. Raises ValueError for a generation that is not a whole number of at least 0.
    """
    if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
        raise ValueError(f"a generation is a whole number of at least 0, not {generation!r}")
    return token if generation == 0 else f"{token}-g{generation}"


def job_name(token: str, attempt: int = 1) -> str:
    """The Transcribe job name of the `attempt`-th job for a token: `interview-<token>[-r<n>]`."""
    base = f"{JOB_NAME_PREFIX}{token}"
    return base if attempt == 1 else f"{base}-r{attempt}"


def attempt_of(token: str, name: str) -> int | None:
    """Which attempt for `token` the job `name` is, or None when it belongs to another token."""
    base = job_name(token)
    if name == base:
        return 1
    tail = name.removeprefix(f"{base}-r")
    if tail != name and tail.isdigit() and not tail.startswith("0") and int(tail) >= 2:
        return int(tail)
    return None


def start_request(
    name: str,
    media_uri: str,
    fmt: str,
    output: tuple[str, str],
    *,
    max_speakers: int,
    language: str | None,
    data_access_role_arn: str | None,
    content_redaction: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """StartTranscriptionJob's parameters: speaker labels, the `language` or (None) language
    identification, the transcript to `output` (bucket, key), with a data access role
    deferred execution (queued beyond the concurrent-job quota) under that role, and with
    `content_redaction` Transcribe's PII redaction."""
    bucket, key = output
    request: dict[str, Any] = {
        "TranscriptionJobName": name,
        "Media": {"MediaFileUri": media_uri},
        "MediaFormat": fmt,
        "OutputBucketName": bucket,
        "OutputKey": key,
        "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": max_speakers},
    }
    if language:
        request["LanguageCode"] = language
    else:
        request["IdentifyLanguage"] = True
    if content_redaction is not None:
        request["ContentRedaction"] = content_redaction
    if data_access_role_arn is not None:
        request["JobExecutionSettings"] = {
            "AllowDeferredExecution": True,
            "DataAccessRoleArn": data_access_role_arn,
        }
    return request


def normalise_key_prefix(prefix: str) -> str:
    """`prefix` ending in `/` (or empty); ValueError when Transcribe's OutputKey would refuse it."""
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    segments = prefix.split("/")[:-1]
    if (
        not _KEY_PREFIX.fullmatch(prefix)
        or prefix.startswith("/")
        or any(segment in ("", ".", "..") for segment in segments)
        or len(prefix) > 500
    ):
        raise ValueError("the key prefix must be relative, short and use only [A-Za-z0-9-_.!*'()/]")
    return prefix


def media_format(name: str) -> str | None:
    """Transcribe's MediaFormat for a file or key name, from its extension; None if refused."""
    return DIRECT_FORMATS.get(PurePosixPath(name).suffix.lower().removeprefix("."))


def accepts_directly(
    key: str, size_bytes: int | None, duration_seconds: float | None = None
) -> bool:
    """Whether Transcribe can read the object at `key` as it is.

    True for a container Transcribe reads (mp4, webm, ogg, m4a, mp3, wav, flac) within its
    2 GiB and 4 hour limits; an unknown size or duration is not held against it.
    """
    if media_format(key) is None:
        return False
    if size_bytes is not None and not 0 < size_bytes <= MAX_MEDIA_BYTES:
        return False
    return duration_seconds is None or duration_seconds <= MAX_MEDIA_SECONDS


def split_s3_location(location: str, default_bucket: str) -> tuple[str, str]:
    """`s3://bucket/key` as (bucket, key); a bare key is taken to be in `default_bucket`.

    Raises ValueError for a malformed URI or bucket name; the key itself is not checked.
    """
    if not location.startswith("s3://"):
        return default_bucket, location
    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not _BUCKET.fullmatch(bucket) or not key:
        raise ValueError("not an s3://bucket/key URI")
    return bucket, key


def transcript_location(uri: str) -> tuple[str, str] | None:
    """The (bucket, key) of a TranscriptFileUri that Transcribe reports, or None if unreadable.

    Understands the path style `https://s3.<region>.amazonaws.com/<bucket>/<key>` that
    Transcribe writes for an output bucket of the caller's, the virtual-host style
    `https://<bucket>.s3.<region>.amazonaws.com/<key>`, and `s3://<bucket>/<key>`.
    """
    parts = urlsplit(uri)
    path = unquote(parts.path).lstrip("/")
    host = parts.hostname or ""
    if parts.scheme == "s3":
        bucket, key = host, path
    elif parts.scheme == "https" and host.startswith("s3."):
        bucket, _, key = path.partition("/")
    elif parts.scheme == "https" and ".s3." in host:
        bucket, key = host.split(".s3.", 1)[0], path
    else:
        return None
    if not _BUCKET.fullmatch(bucket) or not key:
        return None
    return bucket, key


def is_media_failure(reason: str) -> bool:
    """Whether a job's FailureReason blames the media (format, sample rate, size, channels)."""
    return bool(_MEDIA_FAILURE.search(reason))


def is_service_failure(reason: str) -> bool:
    """Whether a job's FailureReason blames the service itself (an internal failure, "try
    your request again", unavailable, timed out): another job may well succeed. A reason
    that also names the media or access to it (a permission, a missing object) does not."""
    return bool(
        _SERVICE_FAILURE.search(reason)
        and not _ACCESS_FAILURE.search(reason)
        and not is_media_failure(reason)
    )


def is_role_arn(arn: str) -> bool:
    """Whether `arn` has the form of an IAM role ARN, as Transcribe's DataAccessRoleArn must:
    `arn:<partition>:iam::<account>:role/<path and name>`."""
    return bool(_ROLE_ARN.fullmatch(arn))
