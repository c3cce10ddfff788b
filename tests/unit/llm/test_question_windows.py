"""The windowed question engine against a scripted model: no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from adapters.llm.answer_batches import BatchedAnswers
from adapters.llm.exchange import ReplyCut, Request
from adapters.llm.question_windows import QuestionLimits, WindowedQuestions
from interview_core.entities import ExtractedQuestion, Segment, Transcript
from interview_core.errors import ExtractionUnavailable, InvalidModelOutput
from interview_core.speaker_roles import Role
from interview_core.usage import UsageMeter

T = TypeVar("T")
LINE = re.compile(r"^\[(\d+\.\d)\] [^:\n]*: (.*\?)$", re.MULTILINE)


class ScriptedModel:
    """Names every line ending in "?" of the window it is shown, unless `behave` says
    otherwise for that request: "invalid", "cut", or an exception to raise."""

    def __init__(self, behave: Callable[[int, str], object] | None = None) -> None:
        self.max_tokens = 4096
        self.users: list[str] = []
        self._behave = behave or (lambda number, user: None)

    def ask(
        self,
        request: Request,
        read: Callable[[object], T],
        reask: Callable[[str], str],
        meter: UsageMeter | None,
    ) -> T:
        self.users.append(request.user)
        if meter is not None:
            meter.record_request(len(request.user) // 4, 100)
        action = self._behave(len(self.users), request.user)
        if isinstance(action, Exception):
            raise action
        if action == "cut":
            raise ReplyCut("cut")
        if action == "invalid":
            raise InvalidModelOutput("no valid reply")
        if request.tool.name == "record_answers":
            count = request.user.count("\n", request.user.index("<questions>")) - 1
            return read({"answers": [f"I would say so ({n})." for n in range(count)]})
        items = [
            {"question": text, "answer": "I would.", "context": "", "question_context": "general",
             "global": False, "start_time": float(start), "quote": text}
            for start, text in LINE.findall(request.user)
        ]  # fmt: skip
        return read({"questions": items})


def _transcript(count: int = 400) -> Transcript:
    segments = []
    for n in range(count):
        text = f"How did you handle case {n}?" if n % 10 == 0 else f"I handled part {n} well."
        segments.append(Segment(text, n * 5.0, n * 5.0 + 4))
    return Transcript(tuple(segments), "en", count * 5.0)


def _engine(model: ScriptedModel) -> WindowedQuestions:
    return WindowedQuestions(model, QuestionLimits())  # type: ignore[arg-type]


def test_every_window_shows_the_speakers_roles_also_where_long_lines_are_cut() -> None:
    long_reply = " ".join(f"I handled part {n} well." for n in range(3000))
    segments = (
        Segment("How did you handle the outage?", 0.0, 4.0, "spk_0"),
        Segment(long_reply, 4.0, 900.0, "spk_1"),
        Segment("What would you change?", 900.0, 904.0, "spk_0"),
    )
    roles = {"spk_0": Role.INTERVIEWER, "spk_1": Role.CANDIDATE}
    model = ScriptedModel()

    questions = _engine(model).extract(Transcript(segments, speaker_roles=roles), None)

    assert len(model.users) > 1  # the long reply was cut into windows
    assert all("spk_1 (candidate): I handled part" in user for user in model.users[1:-1])
    assert "[0.0] spk_0 (interviewer): How did you handle the outage?" in model.users[0]
    assert [q.start_time for q in questions] == [0.0, 900.0]


def test_a_window_that_stays_invalid_is_skipped_and_counted_and_the_rest_are_kept() -> None:
    model = ScriptedModel(lambda number, user: "invalid" if "[1000.0]" in user else None)
    meter = UsageMeter()

    questions = _engine(model).extract(_transcript(), meter)

    asked = {q.start_time for q in questions}
    assert 0.0 in asked and 1950.0 in asked  # before and after the bad stretch
    assert 1000.0 not in asked
    assert meter.usage.questions_left_out >= 1
    assert len(asked) == len(questions)


def test_cut_replies_split_down_to_a_floor_then_skip_without_losing_other_windows() -> None:
    model = ScriptedModel(lambda number, user: "cut" if "[1000.0]" in user else None)
    meter = UsageMeter()

    questions = _engine(model).extract(_transcript(), meter)

    assert len(model.users) == len(set(model.users))  # never the same request twice
    asked = {q.start_time for q in questions}
    assert 1000.0 not in asked and meter.usage.questions_left_out == 1
    assert {n * 50.0 for n in range(40) if abs(n * 50.0 - 1000.0) > 100} <= asked


def test_a_model_that_never_gives_a_usable_reply_fails_after_two_windows() -> None:
    model = ScriptedModel(lambda number, user: "invalid")

    with pytest.raises(InvalidModelOutput, match="no window"):
        _engine(model).extract(_transcript(), UsageMeter())

    assert len(model.users) == 6  # two windows, each split once


def test_a_transient_error_part_way_propagates() -> None:
    model = ScriptedModel(
        lambda number, user: ExtractionUnavailable("busy") if number == 3 else None
    )

    with pytest.raises(ExtractionUnavailable):
        _engine(model).extract(_transcript(), UsageMeter())


def test_an_empty_transcript_asks_nothing() -> None:
    model = ScriptedModel()

    assert _engine(model).extract(Transcript(()), UsageMeter()) == []
    assert model.users == []


def test_answers_that_cannot_be_had_keep_the_extractors_answer_or_are_left_out() -> None:
    model = ScriptedModel(lambda number, user: "cut" if "case 20?" in user else None)
    questions = [
        ExtractedQuestion(f"How did you handle case {n}?", "Mine." if n == 20 else "",
                          start_time=n * 5.0, end_time=n * 5.0 + 4)
        for n in range(0, 400, 10)
    ]  # fmt: skip
    meter = UsageMeter()

    answered = BatchedAnswers(model, 600).suggest(_transcript(), questions, meter)  # type: ignore[arg-type]

    by_start: dict[Any, str] = {q.start_time: q.answer for q in answered}
    assert by_start[100.0] == "Mine."
    left_out = meter.usage.questions_left_out
    assert len(answered) + left_out == 40 and 0 < left_out <= 3  # only near the bad one
    assert all(answer for answer in by_start.values())
    assert len(model.users) == len(set(model.users))


def test_a_reply_at_the_question_cap_is_continued_so_nothing_is_left_out() -> None:
    model = ScriptedModel()
    meter = UsageMeter()

    questions = WindowedQuestions(model, QuestionLimits(max_questions=3)).extract(  # type: ignore[arg-type]
        _transcript(), meter
    )

    assert [q.start_time for q in questions] == [n * 50.0 for n in range(40)]
    assert meter.usage.questions_left_out == 0
    assert len(model.users) == len(set(model.users))


def test_a_segment_too_long_for_a_window_is_shown_as_its_sentences() -> None:
    monologue = " ".join(f"What did you learn from project {n}?" for n in range(200))
    transcript = Transcript((Segment(monologue, 0.0, 1000.0),), "en", 1000.0)
    model = ScriptedModel()
    meter = UsageMeter()

    questions = _engine(model).extract(transcript, meter)

    assert len(questions) == 200 == len({q.start_time for q in questions})
    assert questions[-1].question == "What did you learn from project 199?"
    assert meter.usage.questions_left_out == 0 and len(model.users) > 1
