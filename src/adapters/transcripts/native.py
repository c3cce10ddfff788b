"""Our own transcript JSON: the CLI's transcript.json and the `<stem>.transcript.json` sidecar."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from adapters.output_files import write_text
from interview_core.entities import Segment, Transcript, Word
from interview_core.errors import TranscriptionFailed
from interview_core.speaker_roles import Role

if TYPE_CHECKING:
    from pathlib import Path


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Seconds = Annotated[float, Field(ge=0), AfterValidator(_finite)]
"""A time or duration in seconds: finite and not negative."""


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _Timed(_Model):
    start: Seconds
    end: Seconds

    @model_validator(mode="after")
    def _end_not_before_start(self) -> _Timed:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class _WordModel(_Timed):
    text: str
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None


class _SegmentModel(_Timed):
    text: str
    speaker: str | None = None
    words: list[_WordModel] = []


class _TranscriptModel(_Model):
    segments: list[_SegmentModel]
    language: str | None = None
    duration: Seconds | None = None
    speaker_roles: dict[str, Literal["interviewer", "candidate"]] | None = None

    @model_validator(mode="after")
    def _roles_of_speakers(self) -> _TranscriptModel:
        speakers = {segment.speaker for segment in self.segments}
        unknown = [name for name in self.speaker_roles or {} if name not in speakers]
        if unknown:
            raise ValueError(f"speaker_roles names {len(unknown)} speaker(s) no segment has")
        return self


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    """The transcript as plain JSON-ready data in our shared format; `speaker_roles` (each
    speaker label's role, `interviewer` or `candidate`) only when the roles are known."""
    roles = {"speaker_roles": dict(transcript.speaker_roles)} if transcript.speaker_roles else {}
    return {
        "language": transcript.language,
        "duration": transcript.duration,
        **roles,
        "segments": [
            {
                "start": segment.start,
                "end": segment.end,
                "speaker": segment.speaker,
                "text": segment.text,
                "words": [
                    {
                        "text": word.text,
                        "start": word.start,
                        "end": word.end,
                        "confidence": word.confidence,
                    }
                    for word in segment.words
                ],
            }
            for segment in transcript.segments
        ],
    }


def transcript_from_dict(data: object) -> Transcript:
    """Validate `data` (parsed JSON in our format) and build the transcript.

    Types are checked strictly (a time must be a number, not a string); optional fields
    (language, duration, speaker_roles, speaker, words, confidence) may be missing; unknown
    fields are ignored. `speaker_roles` maps speaker labels that segments carry to
    `interviewer` or `candidate`. Raises TranscriptionFailed with a one-line reason when
    the data is malformed.
    """
    try:
        model = _TranscriptModel.model_validate(data)
    except ValidationError as exc:
        raise TranscriptionFailed(f"invalid transcript: {validation_reason(exc)}") from exc
    return Transcript(
        segments=tuple(
            Segment(
                text=segment.text,
                start=segment.start,
                end=segment.end,
                speaker=segment.speaker,
                words=tuple(
                    Word(text=w.text, start=w.start, end=w.end, confidence=w.confidence)
                    for w in segment.words
                ),
            )
            for segment in model.segments
        ),
        language=model.language,
        duration=model.duration,
        speaker_roles={name: Role(role) for name, role in (model.speaker_roles or {}).items()},
    )


def transcript_from_json(text: str | bytes) -> Transcript:
    """Parse our transcript JSON. Raises TranscriptionFailed when it is not valid."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TranscriptionFailed(f"transcript is not valid JSON: {_one_line(exc)}") from exc
    return transcript_from_dict(data)


def read_transcript(path: Path) -> Transcript:
    """Read a transcript file in our format.

    Raises TranscriptionFailed naming the file when it cannot be read, is not JSON, or does
    not hold a valid transcript.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptionFailed(
            f"cannot read transcript {path.name}: {exc.strerror or exc}"
        ) from exc
    try:
        return transcript_from_json(raw)
    except TranscriptionFailed as exc:
        raise TranscriptionFailed(f"{path.name}: {exc.message}") from exc


def write_transcript(transcript: Transcript, path: Path) -> None:
    """Write `transcript` to `path` in our format, atomically (a reader never sees half a file).

    Raises TranscriptionFailed when a time is not a finite number, and OSError when the file
    cannot be written.
    """
    try:
        text = json.dumps(
            transcript_to_dict(transcript), ensure_ascii=False, indent=2, allow_nan=False
        )
    except ValueError as exc:
        raise TranscriptionFailed("transcript holds a time that is not a finite number") from exc
    write_text(path, text + "\n")


def validation_reason(exc: ValidationError) -> str:
    """The first problem of a pydantic validation error as one line, `where: what`.

    The offending input is never echoed, so transcript text stays out of error messages.
    """
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "malformed"
    first = errors[0]
    where = _one_line(".".join(str(part) for part in first["loc"]))[:_LONGEST_PLACE] or "top level"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {_one_line(first['msg'])}{more}"


_LONGEST_PLACE = 80
"""A place in the data named in an error is cut to this many characters (a speaker label
used as a key is data)."""


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
