"""Questions found window by window, each window sized to fit one reply, merged in order."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import attrs

from adapters.llm.exchange import CHARS_PER_TOKEN, ReplyCut, Request, Tool
from adapters.llm.question_merge import merge_windows
from adapters.llm.question_prompt import (
    delimited,
    reask_text,
    segment_line,
    system_prompt,
    user_prompt,
)
from adapters.llm.question_reply import extracted_questions
from adapters.llm.question_schema import TOOL_DESCRIPTION, TOOL_NAME, read_questions, tool_schema
from adapters.llm.windows import Window, WindowPlan
from interview_core.entities import Transcript
from interview_core.errors import InvalidModelOutput
from interview_core.sentences import split_sentences

if TYPE_CHECKING:
    from adapters.llm.exchange import ModelExchange
    from adapters.llm.question_schema import QuestionReply
    from interview_core.entities import ExtractedQuestion, Segment
    from interview_core.usage import UsageMeter

logger = logging.getLogger(__name__)

CUT_SPLITS = 2
"""A window whose replies are cut is split at most this many times over (down to a quarter);
one whose replies are unusable otherwise, once. Later windows shrink to a quarter of the
planned size at most, so a model that never stops talking costs a bounded number of
requests."""
LONGEST_SEGMENT_SHARE = 0.25
"""Segments longer than this share of a window are shown as their sentences."""
GIVE_UP_AFTER = 2
"""Windows in a row, from the start, without one usable reply after which the model is
taken as broken."""


@attrs.frozen
class WindowSizing:
    """How much transcript one reply can cover: the reply is planned to fill `fill` of the
    output budget with questions of `question_tokens` each (plus the answer, when asked
    for), one every `transcript_tokens_per_question` tokens of transcript at most."""

    fill: float = 0.6
    question_tokens: int = 90
    transcript_tokens_per_question: int = 120

    def window_chars(self, max_tokens: int, answer_chars: int | None, max_questions: int) -> int:
        """The characters of transcript one window holds."""
        per_question = self.question_tokens + (answer_chars or 0) / CHARS_PER_TOKEN
        questions = min(max_questions, max(1.0, self.fill * max_tokens / per_question))
        return int(questions * self.transcript_tokens_per_question * CHARS_PER_TOKEN)


@attrs.frozen
class QuestionLimits:
    """What one reply may hold: questions, field lengths, and answers (None: none asked)."""

    max_questions: int = 50
    max_field_chars: int = 2000
    answer_chars: int | None = 600
    max_window_chars: int = 400_000

    def __attrs_post_init__(self) -> None:
        if min(self.max_questions, self.max_field_chars, self.max_window_chars) < 1:
            raise ValueError("question, field and window limits must be positive")
        if self.answer_chars is not None and self.answer_chars < 1:
            raise ValueError("the answer limit must be positive")


class WindowedQuestions:
    """Asks a model for the questions of each window of a transcript and merges them.

    Windows are sized from the model's output budget (WindowSizing) and overlap by a few
    segments (WindowPlan), so a question at a window's end is whole in the next; questions
    named in two windows are kept once (merge_windows). A reply cut at the token limit is
    never asked again, and later windows are made smaller: the questions complete before
    the cut are kept when the adapter can read them, and the rest of the window is asked
    for from the last of them on; otherwise the window is split in two, down to a quarter
    (CUT_SPLITS). A reply that reaches the question cap is continued the same way. A window
    whose replies stay unusable after the re-asks is split once. A window that cannot be
    split further is skipped and counted; questions from other windows are always kept. A
    model that gives no usable reply for the first GIVE_UP_AFTER windows is taken as
    broken: InvalidModelOutput.
    """

    def __init__(
        self,
        exchange: ModelExchange,
        limits: QuestionLimits,
        sizing: WindowSizing | None = None,
    ) -> None:
        self._exchange = exchange
        self._limits = limits
        self._sizing = sizing or WindowSizing()
        answers = limits.answer_chars is not None
        self._system = system_prompt(answers=answers)
        self._tool = Tool(
            TOOL_NAME,
            TOOL_DESCRIPTION,
            tool_schema(limits.max_questions, limits.max_field_chars, answers=answers),
        )
        self._read = functools.partial(
            read_questions,
            max_questions=limits.max_questions,
            max_field_chars=limits.max_field_chars,
            answers=answers,
        )

    def extract(self, transcript: Transcript, meter: UsageMeter | None) -> list[ExtractedQuestion]:
        """The questions in the order asked. Raises InvalidModelOutput when no window gave a
        usable reply, and whatever the exchange raises besides (ReplyCut excepted)."""
        run = _Run(transcript, self._limits, self._sizing, self._exchange.max_tokens)
        self._span(run, Window(0, run.plan.segments), meter, depth=0, top=True)
        if run.asked and not run.usable:
            raise InvalidModelOutput(
                f"no window of the transcript gave a usable {TOOL_NAME} reply "
                f"({run.skipped} skipped)"
            )
        merged, duplicates = merge_windows(run.found)
        if meter is not None:
            meter.record_windows(run.asked)
            meter.leave_out(run.left_out)
        logger.info(
            "questions found in windows",
            extra={
                "windows": run.asked,
                "windows_skipped": run.skipped,
                "questions": len(merged),
                "duplicates": duplicates,
                "questions_left_out": run.left_out,
            },
        )
        return merged

    def _span(
        self, run: _Run, span: Window, meter: UsageMeter | None, *, depth: int, top: bool = False
    ) -> None:
        """Cover the span's segments with windows of the current target size, overlapping."""
        start = span.start
        asked = 0
        while start < span.end:
            window = run.plan.window_from(start, run.target_chars)
            window = Window(window.start, min(window.end, span.end))
            self._window(run, window, meter, depth=depth)
            asked += 1
            if top and asked >= GIVE_UP_AFTER and not run.usable:
                return
            if window.end >= span.end:
                return
            start = max(start + 1, window.end - run.plan.overlap(window))

    def _window(self, run: _Run, window: Window, meter: UsageMeter | None, *, depth: int) -> None:
        lines = run.lines[window.start : window.end]
        if not any(lines):
            return
        run.asked += 1
        part = Transcript(run.transcript.segments[window.start : window.end])
        whole = window.size == run.plan.segments
        user = user_prompt(
            run.transcript if whole else part,
            delimited(lines),
            part=None if whole else (part.segments[0].start, part.segments[-1].end),
        )
        request = Request(self._system, user, self._tool)
        try:
            reply: QuestionReply = self._exchange.ask(request, self._read, reask_text, meter)
        except ReplyCut as cut:
            run.shrink(window)
            salvaged = self._salvaged(cut.partial)
            if salvaged is None or not self._keep(run, window, part, salvaged, meter, depth):
                self._split(run, window, meter, depth, cut=True)
            return
        except InvalidModelOutput:
            self._split(run, window, meter, depth, cut=False)
            return
        if not self._keep(run, window, part, reply, meter, depth, whole_reply=True):
            run.left_out += reply.left_out  # the question cap, with no way past it
            run.shrink(window)

    def _salvaged(self, partial: object | None) -> QuestionReply | None:
        """The questions complete before a cut, when the adapter could read them."""
        if partial is None:
            return None
        try:
            reply = self._read(partial)
        except ValueError:
            return None
        return reply if reply.items else None

    def _keep(
        self,
        run: _Run,
        window: Window,
        part: Transcript,
        reply: QuestionReply,
        meter: UsageMeter | None,
        depth: int,
        *,
        whole_reply: bool = False,
    ) -> bool:
        """Keep the reply's questions; when the reply stopped short of the window's end (a
        cut, or the question cap), ask for the rest of the window from the segment of its
        last question on. False when nothing past that point can be asked for."""
        questions = extracted_questions(reply.items, part)
        run.usable += 1
        run.found.append((part.segments[0].start, questions))
        if whole_reply and not reply.left_out:
            return True
        rest = run.rest_of(window, questions)
        if rest is None:
            return whole_reply and not reply.left_out
        logger.info(
            "reply stopped short of its window; asking for the rest",
            extra={"segments": rest.size, "first_segment": rest.start},
        )
        self._span(run, rest, meter, depth=depth)
        return True

    def _split(
        self, run: _Run, window: Window, meter: UsageMeter | None, depth: int, *, cut: bool
    ) -> None:
        halves = run.plan.split(window) if depth < (CUT_SPLITS if cut else 1) else None
        logger.warning(
            "window reply unusable; %s",
            "splitting the window" if halves else "skipping the window",
            extra={"segments": window.size, "cut": cut, "first_segment": window.start},
        )
        if halves is None:
            run.skipped += 1
            run.left_out += 1  # at least the question that did not fit
            return
        for half in halves:
            self._window(run, half, meter, depth=depth + 1)


class _Run:
    """The bookkeeping of one transcript's windows."""

    def __init__(
        self, transcript: Transcript, limits: QuestionLimits, sizing: WindowSizing, budget: int
    ) -> None:
        answer_chars = limits.answer_chars and min(limits.answer_chars, limits.max_field_chars)
        planned = sizing.window_chars(budget, answer_chars, limits.max_questions)
        self.target_chars = min(planned, limits.max_window_chars)
        self.smallest = max(1, self.target_chars // 4)
        self.transcript = _finer(transcript, int(self.target_chars * LONGEST_SEGMENT_SHARE))
        roles = self.transcript.speaker_roles
        self.lines = [segment_line(segment, roles) for segment in self.transcript.segments]
        self.plan = WindowPlan(self.lines)
        self.found: list[tuple[float, list[ExtractedQuestion]]] = []
        self.asked = self.usable = self.skipped = self.left_out = 0

    def shrink(self, window: Window) -> None:
        """Make later windows no larger than half of `window`, and no smaller than a quarter
        of the planned size."""
        half = self.plan.chars(window) // 2
        self.target_chars = max(self.smallest, min(self.target_chars, half))

    def rest_of(self, window: Window, questions: list[ExtractedQuestion]) -> Window | None:
        """The window from the segment where its last timed question starts, when that is
        past the window's first segment; else None."""
        starts = [q.start_time for q in questions if q.start_time is not None]
        if not starts:
            return None
        last = max(starts)
        index = window.start
        while index + 1 < window.end and self.transcript.segments[index + 1].start <= last:
            index += 1
        return Window(index, window.end) if index > window.start else None


def _finer(transcript: Transcript, longest: int) -> Transcript:
    """The transcript with every segment whose line is longer than `longest` characters cut
    into its sentences, so that windows can be cut, overlapped and split between them."""
    roles = transcript.speaker_roles
    if all(len(segment_line(segment, roles)) <= longest for segment in transcript.segments):
        return transcript
    segments: list[Segment] = []
    for segment in transcript.segments:
        if len(segment_line(segment, roles)) <= longest:
            segments.append(segment)
        else:
            segments.extend(split_sentences(Transcript((segment,))).segments)
    return attrs.evolve(transcript, segments=tuple(segments))
