"""The record_questions tool: the JSON schema the model fills in and the check of its input."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import attrs
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from adapters.transcripts.native import validation_reason
from interview_core.categories import QuestionCategory

logger = logging.getLogger(__name__)

TOOL_NAME = "record_questions"

QUESTION_CATEGORIES: tuple[str, ...] = tuple(QuestionCategory)
"""The categories the model may choose from: all of the core's."""

TOOL_DESCRIPTION = (
    "Record every question the interviewer asked the candidate, in the order asked, each "
    "with a suggested professional answer. Call it once with the complete list; an empty "
    "list when the interviewer asked no questions."
)


def tool_schema(
    max_questions: int, max_field_chars: int | None = None, *, answers: bool = True
) -> dict[str, Any]:
    """The JSON schema of the tool input: `{"questions": [...]}` with at most `max_questions`,
    and text fields of at most `max_field_chars` when given (servers that constrain decoding
    to the schema then cannot run past it). Without `answers` (a suggester writes them
    later) the items have no answer field, which keeps each reply short."""
    item = {
        "type": "object",
        "properties": {
            "question": {
                "type": "string",
                "description": "The interviewer's question, as asked, without filler words.",
            },
            "answer": {
                "type": "string",
                "description": "A suggested professional answer the candidate could give.",
            },
            "context": {
                "type": "string",
                "description": "The interviewer's lead-in before the question; empty if none.",
            },
            "question_context": {
                "type": "string",
                "enum": list(QUESTION_CATEGORIES),
                "description": "The kind of question.",
            },
            "global": {
                "type": "boolean",
                "description": "True for a generic question any interview could ask.",
            },
            "start_time": {
                "type": "number",
                "minimum": 0,
                "description": "Seconds from the start of the line the question starts on.",
            },
            "quote": {
                "type": "string",
                "description": "The exact transcript words where the question is asked.",
            },
        },
        "required": ["question", "answer", "context", "question_context", "global"],
    }
    if not answers:
        del item["properties"]["answer"]  # type: ignore[attr-defined]
        item["required"] = [name for name in item["required"] if name != "answer"]
    if max_field_chars is not None:
        for name in ("question", "answer", "context", "quote"):
            if name in item["properties"]:  # type: ignore[operator,unused-ignore]
                item["properties"][name]["maxLength"] = max_field_chars  # type: ignore[index]
    return {
        "type": "object",
        "properties": {"questions": {"type": "array", "maxItems": max_questions, "items": item}},
        "required": ["questions"],
    }


def _category(value: object) -> QuestionCategory:
    """A known category, any case; an unknown word becomes GENERAL rather than an error."""
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return QuestionCategory.read(value)


class QuestionItem(BaseModel):
    """One question as the model recorded it: strict types, surrounding blanks stripped."""

    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True, frozen=True)

    question: str = Field(min_length=1)
    answer: str = Field("", min_length=1)  # absent when a suggester writes the answers
    context: str | None = None
    question_context: Annotated[QuestionCategory, BeforeValidator(_category)] = (
        QuestionCategory.GENERAL
    )
    is_global: bool = Field(default=False, alias="global")
    start_time: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    quote: str | None = None


class RecordQuestions(BaseModel):
    """The whole tool input."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    questions: list[QuestionItem]


@attrs.frozen
class QuestionReply:
    """The questions of one reply, and how many the question cap left out."""

    items: list[QuestionItem]
    left_out: int = 0


def read_questions(
    data: object, *, max_questions: int, max_field_chars: int, answers: bool = True
) -> QuestionReply:
    """Validate the tool input and cap it: the first `max_questions` questions (the rest are
    counted as left out), each text field cut to `max_field_chars` characters.

    Raises ValueError with a one-line reason (never quoting the input) when the input does
    not have the schema's shape and types, or, with `answers`, a question has no answer.
    """
    if not isinstance(data, dict):
        raise ValueError("the tool input is not a JSON object")
    questions = data.get("questions")
    left_out = 0
    if isinstance(questions, list) and len(questions) > max_questions:
        left_out = len(questions) - max_questions
        logger.warning(
            "model recorded more questions than one reply may hold; the rest are left out",
            extra={"recorded": len(questions), "kept": max_questions, "left_out": left_out},
        )
        data = {**data, "questions": questions[:max_questions]}
    try:
        parsed = RecordQuestions.model_validate(data)
    except ValidationError as exc:
        raise ValueError(validation_reason(exc)) from None
    if answers:
        for position, item in enumerate(parsed.questions):
            if not item.answer:
                raise ValueError(f"questions.{position}.answer: Field required")
    return QuestionReply([_capped(item, max_field_chars) for item in parsed.questions], left_out)


def read_tool_input(
    data: object, *, max_questions: int, max_field_chars: int
) -> list[QuestionItem]:
    """The questions of `read_questions` (answers required), without the count left out."""
    return read_questions(data, max_questions=max_questions, max_field_chars=max_field_chars).items


def _capped(item: QuestionItem, limit: int) -> QuestionItem:
    def cut(text: str | None) -> str | None:
        return text if text is None or len(text) <= limit else text[:limit].rstrip()

    changes = {
        "question": cut(item.question),
        "answer": cut(item.answer),
        "context": cut(item.context),
        "quote": cut(item.quote),
    }
    if all(changes[name] is getattr(item, name) for name in changes):
        return item
    logger.info("model output field cut to the length limit", extra={"limit": limit})
    return item.model_copy(update=changes)
