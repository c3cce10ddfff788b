"""Suggested answers asked for in batches that fit one reply, each with the lines it needs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import attrs

from adapters.llm.answers import (
    ANSWER_TOOL,
    ANSWER_TOOL_DESCRIPTION,
    AnswerCheck,
    answer_reask_text,
    answer_schema,
    answer_system_prompt,
    answer_user_prompt,
)
from adapters.llm.exchange import CHARS_PER_TOKEN, ReplyCut, Request, Tool
from adapters.llm.question_prompt import delimited, segment_line
from interview_core.errors import InvalidModelOutput

if TYPE_CHECKING:
    from collections.abc import Sequence

    from adapters.llm.exchange import ModelExchange
    from interview_core.entities import ExtractedQuestion, Transcript
    from interview_core.usage import UsageMeter

logger = logging.getLogger(__name__)

ANSWER_OVERHEAD_TOKENS = 12
"""Output tokens an answer costs besides its text: quotes, commas, escapes."""
FILL = 0.6
"""The share of the output budget a batch's reply is planned to use."""
CUT_SPLITS = 2
"""A batch whose replies are cut is split at most this many times over; one whose replies
are unusable otherwise, once. Later batches shrink to a quarter of the planned size at most,
so a model that never stops talking costs a bounded number of requests."""
GIVE_UP_AFTER = 2
"""Batches in a row, from the start, without one usable reply after which the model is
taken as broken."""
LEAD_IN_SEGMENTS = 1
"""Segments before a question's own that its context includes (the interviewer's lead-in)."""
DEFAULT_CONTEXT_CHARS = 4000
"""Transcript characters at most that one question brings to its batch: its line, then what
the candidate said until the next question."""


@attrs.frozen
class _Item:
    position: int
    question: ExtractedQuestion


class BatchedAnswers:
    """Writes an answer for each question, a batch of questions per request.

    The batch size comes from the output budget and the answer length; a batch carries the
    transcript lines around its questions (each question's lead-in, its line and the reply up
    to the next question, capped at `context_chars`), so every line is sent about once. A
    reply cut at the token limit keeps the answers complete before the cut (when the adapter
    can read them) and asks for the rest, else splits its batch (CUT_SPLITS), and makes
    later batches smaller; a batch whose replies stay unusable after the re-asks
    is split once. A question whose answer cannot be had keeps the answer it came with, or is
    left out and counted. A model that gives no usable reply for the first GIVE_UP_AFTER
    batches is taken as broken: InvalidModelOutput.
    """

    def __init__(
        self,
        exchange: ModelExchange,
        max_answer_chars: int,
        *,
        context_chars: int = DEFAULT_CONTEXT_CHARS,
    ) -> None:
        """Raise ValueError for a non-positive limit."""
        if min(max_answer_chars, context_chars) < 1:
            raise ValueError("answer and context limits must be positive")
        self._exchange = exchange
        self._max_answer_chars = max_answer_chars
        self._context_chars = context_chars
        per_answer = max_answer_chars / CHARS_PER_TOKEN + ANSWER_OVERHEAD_TOKENS
        self._planned = max(1, int(FILL * exchange.max_tokens / per_answer))

    def suggest(
        self,
        transcript: Transcript,
        questions: Sequence[ExtractedQuestion],
        meter: UsageMeter | None,
    ) -> list[ExtractedQuestion]:
        """The questions in order with their answers. Raises InvalidModelOutput when no batch
        gave a usable reply, and whatever the exchange raises besides (ReplyCut excepted)."""
        run = _Run(transcript, questions, self._planned)
        start = tops = 0
        while start < len(run.items):
            batch = run.items[start : start + run.size]
            self._batch(run, batch, meter, depth=0)
            start += len(batch)
            tops += 1
            if tops >= GIVE_UP_AFTER and not run.usable:
                break
        if run.items and not run.usable:
            raise InvalidModelOutput(f"no batch of questions gave a usable {ANSWER_TOOL} reply")
        kept = [run.answered[item.position] for item in run.items if item.position in run.answered]
        left_out = len(run.items) - len(kept)
        if meter is not None:
            meter.record_windows(run.asked)
            meter.leave_out(left_out)
        logger.info(
            "answers written in batches",
            extra={"batches": run.asked, "answers": len(kept), "questions_left_out": left_out},
        )
        return kept

    def _batch(
        self, run: _Run, batch: Sequence[_Item], meter: UsageMeter | None, *, depth: int
    ) -> None:
        run.asked += 1
        check = AnswerCheck(len(batch), self._max_answer_chars)
        tool = Tool(
            ANSWER_TOOL, ANSWER_TOOL_DESCRIPTION, answer_schema(check.count, check.max_chars)
        )
        questions = [item.question for item in batch]
        user = answer_user_prompt(delimited(run.context(batch, self._context_chars)), questions)
        request = Request(answer_system_prompt(self._max_answer_chars), user, tool)
        try:
            answers = self._exchange.ask(request, check.read, answer_reask_text, meter)
        except (ReplyCut, InvalidModelOutput) as exc:
            cut = isinstance(exc, ReplyCut)
            if cut:
                run.size = max(run.smallest, min(run.size, len(batch) // 2))
            done = self._salvage(run, batch, exc.partial if isinstance(exc, ReplyCut) else None)
            if done:  # the answers complete before the cut are kept; ask for the rest
                self._batch(run, batch[done:], meter, depth=depth)
                return
            if len(batch) == 1 or depth >= (CUT_SPLITS if cut else 1):
                logger.warning(
                    "no answers could be had for a batch", extra={"cut": cut, "size": len(batch)}
                )
                for item in batch:
                    if item.question.answer.strip():
                        run.answered[item.position] = item.question
                return
            middle = len(batch) // 2
            self._batch(run, batch[:middle], meter, depth=depth + 1)
            self._batch(run, batch[middle:], meter, depth=depth + 1)
            return
        run.usable += 1
        for item, answer in zip(batch, answers, strict=True):
            run.answered[item.position] = attrs.evolve(item.question, answer=answer)

    def _salvage(self, run: _Run, batch: Sequence[_Item], partial: object | None) -> int:
        """Keep the answers complete before a cut (fewer than the batch); how many."""
        answers = partial.get("answers") if isinstance(partial, dict) else None
        if not isinstance(answers, list) or not 0 < len(answers) < len(batch):
            return 0
        try:
            kept = AnswerCheck(len(answers), self._max_answer_chars).read({"answers": answers})
        except ValueError:
            return 0
        run.usable += 1
        for item, answer in zip(batch, kept, strict=False):
            run.answered[item.position] = attrs.evolve(item.question, answer=answer)
        return len(kept)


class _Run:
    """The bookkeeping of one interview's batches."""

    def __init__(
        self, transcript: Transcript, questions: Sequence[ExtractedQuestion], size: int
    ) -> None:
        self.items = [_Item(n, q) for n, q in enumerate(questions)]
        self.size = size
        self.smallest = max(1, size // 4)
        self.asked = self.usable = 0
        self.answered: dict[int, ExtractedQuestion] = {}
        self._segments = transcript.segments
        roles = transcript.speaker_roles
        self._lines = [segment_line(segment, roles) for segment in transcript.segments]
        starts = [q.start_time for q in questions if q.start_time is not None]
        self._starts = sorted(starts)

    def context(self, batch: Sequence[_Item], limit: int) -> list[str]:
        """The lines the batch's questions need, in transcript order, each line once."""
        chosen: set[int] = set()
        for item in batch:
            chosen.update(self._around(item.question, limit))
        return [self._lines[index] for index in sorted(chosen)]

    def _around(self, question: ExtractedQuestion, limit: int) -> list[int]:
        if question.start_time is None:
            return []
        begin = question.start_time
        later = [start for start in self._starts if start > begin + 0.01]
        until = later[0] if later else float("inf")
        first = next(
            (i for i, s in enumerate(self._segments) if s.end > begin), len(self._segments)
        )
        chosen: list[int] = list(range(max(0, first - LEAD_IN_SEGMENTS), first))
        used = sum(len(self._lines[i]) for i in chosen)
        index = first
        while index < len(self._segments) and (
            index == first or self._segments[index].start < until
        ):
            used += len(self._lines[index])
            if used > limit and index > first:
                break
            chosen.append(index)
            index += 1
        return chosen
