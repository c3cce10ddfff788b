"""The record_questions tool: the JSON schema the model fills in and the check of its input."""

from __future__ import annotations

import logging
from typing import Annotated, Any

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


def tool_schema(max_questions: int, max_field_chars: int | None = None) -> dict[str, Any]:
    """The JSON schema of the tool input: `{"questions": [...]}` with at most `max_questions`,
    and text fields of at most `max_field_chars` when given (servers that constrain decoding
    to the schema then cannot run past it)."""
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
    if max_field_chars is not None:
        for name in ("question", "answer", "context", "quote"):
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
    answer: str = Field(min_length=1)
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


def read_tool_input(
    data: object, *, max_questions: int, max_field_chars: int
) -> list[QuestionItem]:
    """Validate the tool input and cap it: the first `max_questions` questions, each text
    field cut to `max_field_chars` characters.

    Raises ValueError with a one-line reason (never quoting the input) when the input does
    not have the schema's shape and types.
    """
    if not isinstance(data, dict):
        raise ValueError("the tool input is not a JSON object")
    questions = data.get("questions")
    if isinstance(questions, list) and len(questions) > max_questions:
        logger.warning(
            "model recorded too many questions; keeping the first ones",
            extra={"recorded": len(questions), "kept": max_questions},
        )
        data = {**data, "questions": questions[:max_questions]}
    try:
        parsed = RecordQuestions.model_validate(data)
    except ValidationError as exc:
        raise ValueError(validation_reason(exc)) from None
    return [_capped(item, max_field_chars) for item in parsed.questions]


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
