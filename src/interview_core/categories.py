"""The kinds of interview question: one vocabulary for every extractor, schema and output."""

from __future__ import annotations

import enum


class QuestionCategory(enum.StrEnum):
    """What a question is about, stored as the question's `question_context`."""

    BEHAVIORAL = "behavioral"
    TECHNICAL = "technical"
    MOTIVATION = "motivation"
    BACKGROUND = "background"
    STRENGTHS = "strengths"
    TEAMWORK = "teamwork"
    CLOSING = "closing"
    GENERAL = "general"

    @classmethod
    def read(cls, value: object) -> QuestionCategory:
        """A category from any spelling of its name; anything else is GENERAL."""
        if not isinstance(value, str):
            return cls.GENERAL
        try:
            return cls(value.strip().lower())
        except ValueError:
            return cls.GENERAL
