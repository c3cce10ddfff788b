"""Validated model output to core questions, with times from the transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interview_core.entities import ExtractedQuestion
from interview_core.transcript_index import TranscriptIndex

if TYPE_CHECKING:
    from adapters.llm.question_schema import QuestionItem
    from interview_core.entities import Transcript


def extracted_questions(
    items: list[QuestionItem], transcript: Transcript
) -> list[ExtractedQuestion]:
    """Core questions with times: the model's start_time, else where the quote is found.

    The quote is kept for grounding; questions are put in the order asked when all have times.
    """
    index = TranscriptIndex.of(transcript.segments)
    questions: list[ExtractedQuestion] = []
    for item in items:
        start: float | None = None
        end: float | None = None
        located = index.locate(item.quote) if item.quote else None
        if item.start_time is not None and index.end_of_line_at(item.start_time) is not None:
            start = item.start_time
            quoted_here = located is not None and located[0] - 1.0 <= start <= located[1]
            end = located[1] if located and quoted_here else index.end_of_line_at(start)
        elif located is not None:
            start, end = located
        questions.append(
            ExtractedQuestion(
                question=item.question,
                answer=item.answer,
                context=item.context or "",
                question_context=item.question_context,
                is_global=item.is_global,
                start_time=start,
                end_time=end,
                quote=item.quote,
            )
        )
    if all(question.start_time is not None for question in questions):
        questions.sort(key=lambda question: question.start_time or 0.0)
    return questions
