"""The kept stage results as stored bytes, and the names they are stored under."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from adapters.transcripts.native import transcript_from_json, transcript_to_dict, validation_reason
from interview_core.categories import QuestionCategory
from interview_core.entities import ExtractedQuestion, KeptQuestions, Transcript
from interview_core.errors import TranscriptionFailed

logger = logging.getLogger(__name__)

TRANSCRIPT_ITEM = "transcript.json"
QUESTIONS_ITEM = "questions.json"
ITEMS = (TRANSCRIPT_ITEM, QUESTIONS_ITEM)
QUESTIONS_FORMAT = 1
"""The version of the kept questions' format; another version reads as nothing kept."""

_SAFE_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,127}")


def item_folder(interview_id: str, generation: int) -> str:
    """`<token>/g<generation>`: the relative folder of one generation's kept items.

    The token is the interview id itself when it is safe in a key and a file name (letters,
    digits, `_.-`, at most 128 characters, a letter or digit first, no `..`); any other id
    becomes `_` and a SHA-256 digest of it, which no safe id can equal. Raises ValueError for
    an empty id or a generation that is not a whole number of at least 0.
    """
    if not interview_id:
        raise ValueError("an interview id is required")
    if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
        raise ValueError(f"a generation is a whole number of at least 0, not {generation!r}")
    if _SAFE_ID.fullmatch(interview_id) and ".." not in interview_id:
        token = interview_id
    else:
        digest = hashlib.sha256(interview_id.encode("utf-8", "surrogatepass")).hexdigest()
        token = f"_{digest[:40]}"
    return f"{token}/g{generation}"


def kept_items(*, keep_transcript: bool) -> tuple[str, ...]:
    """The items `discard` removes: both, or only the questions when the transcript stays."""
    return (QUESTIONS_ITEM,) if keep_transcript else ITEMS


# --- transcripts ---------------------------------------------------------------------------


def encode_transcript(transcript: Transcript) -> bytes | None:
    """The transcript in our JSON format; None (logged) when a time is not finite."""
    try:
        text = json.dumps(transcript_to_dict(transcript), ensure_ascii=False, allow_nan=False)
    except ValueError:
        logger.warning("a transcript holding a time that is not finite is not kept")
        return None
    return text.encode("utf-8")


def decode_transcript(raw: bytes, where: str) -> Transcript | None:
    """The kept transcript, or None (logged, naming `where`) when it cannot be read."""
    try:
        return transcript_from_json(raw)
    except TranscriptionFailed as exc:
        unreadable(where, exc.message)
        return None


# --- questions -----------------------------------------------------------------------------


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


_Seconds = Annotated[float, Field(ge=0), AfterValidator(_finite)]


class _QuestionModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    question: str
    answer: str
    context: str = ""
    question_context: str = QuestionCategory.GENERAL.value
    is_global: bool = False
    start_time: _Seconds | None = None
    end_time: _Seconds | None = None
    quote: str | None = None


class _KeptQuestionsModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    format: int
    dropped_count: int = Field(0, ge=0)
    answered: bool = False
    questions: list[_QuestionModel]


def encode_questions(found: KeptQuestions) -> bytes | None:
    """The questions as JSON; None (logged) when a time is not finite."""
    data: dict[str, Any] = {
        "format": QUESTIONS_FORMAT,
        "dropped_count": found.dropped_count,
        "answered": found.answered,
        "questions": [
            {
                "question": item.question,
                "answer": item.answer,
                "context": item.context,
                "question_context": str(item.question_context),
                "is_global": item.is_global,
                "start_time": item.start_time,
                "end_time": item.end_time,
                "quote": item.quote,
            }
            for item in found.questions
        ],
    }
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except ValueError:
        logger.warning("questions holding a time that is not finite are not kept")
        return None
    return text.encode("utf-8")


def decode_questions(raw: bytes, where: str) -> KeptQuestions | None:
    """The kept questions, or None (logged, naming `where`) when they cannot be read."""
    try:
        model = _KeptQuestionsModel.model_validate(json.loads(raw))
    except (ValueError, UnicodeDecodeError) as exc:
        reason = validation_reason(exc) if isinstance(exc, ValidationError) else "not JSON"
        unreadable(where, reason)
        return None
    if model.format != QUESTIONS_FORMAT:
        unreadable(where, f"format {model.format}, not {QUESTIONS_FORMAT}")
        return None
    return KeptQuestions(
        questions=tuple(
            ExtractedQuestion(
                question=item.question,
                answer=item.answer,
                context=item.context,
                question_context=QuestionCategory.read(item.question_context),
                is_global=item.is_global,
                start_time=item.start_time,
                end_time=item.end_time,
                quote=item.quote,
            )
            for item in model.questions
        ),
        dropped_count=model.dropped_count,
        answered=model.answered,
    )


def unreadable(where: str, reason: str) -> None:
    """Log a kept item that cannot be read back: its stage runs again."""
    logger.warning("kept %s cannot be read (%s); its stage runs again", where, reason)
