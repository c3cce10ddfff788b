"""Bad model output across windows, through both adapters: duplicates, disorder, empty
windows, replies cut in a string, throttling. None fails the interview or stores a question
twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from adapters.aws.bedrock_answer_suggester import BedrockAnswerSuggester
from adapters.aws.bedrock_extractor import BedrockQuestionExtractor
from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
from adapters.openai_compatible.chat import ChatSettings
from adapters.openai_compatible.client import openai_client
from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor
from interview_core.clock import SystemClock
from interview_core.entities import Interview, Segment, Transcript
from interview_core.errors import ExtractionUnavailable
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome, ProcessingReport
from interview_core.state import InterviewState
from tests.integration.llm.converse_stub import ConverseStub
from tests.integration.llm.long_interviews import (
    four_hour_interview,
    question_starts,
    transcript_chars,
)
from tests.integration.llm.token_limited_server import TokenLimitedServer
from tests.integration.llm.window_model import WindowModel
from tests.unit.fakes import SpyAudioExtractor, SpyTranscriber, SpyVideoStore

INTERVIEW = "bad-1"


@attrs.define
class Rig:
    """Both models of one adapter family over one fake, and a way to make it fail."""

    kind: str
    model: WindowModel
    fake: Any
    max_tokens: int = 4096

    def models(self, *, suggester: bool = True, answer_chars: int = 600) -> tuple[Any, Any]:
        answers = None if suggester else 600
        if self.kind == "openai":
            client = openai_client(
                base_url=self.fake.base_url, api_key=None, timeout_seconds=30, max_retries=0
            )
            chat = ChatSettings("window-model", max_tokens=self.max_tokens)
            extractor: Any = OpenAIQuestionExtractor(client, chat, answer_chars=answers)
            answerer: Any = OpenAIAnswerSuggester(client, chat, max_answer_chars=answer_chars)
            return extractor, answerer if suggester else None
        extractor = BedrockQuestionExtractor(
            self.fake, "model-x", max_tokens=self.max_tokens, answer_chars=answers
        )
        answerer = BedrockAnswerSuggester(
            self.fake, "model-x", max_tokens=self.max_tokens, max_answer_chars=answer_chars
        )
        return extractor, answerer if suggester else None

    def throttle_next(self, retry_after: str | None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        if self.kind == "openai":
            self.fake.fail_next(429, headers)
        else:
            self.fake.fail_next("ThrottlingException", 429, headers)

    def process(
        self,
        transcript: Transcript,
        *,
        suggester: bool = True,
        final: bool = True,
        answer_chars: int = 600,
    ) -> tuple[ProcessingReport, InMemoryInterviewRepository]:
        extractor, answerer = self.models(suggester=suggester, answer_chars=answer_chars)
        repository = InMemoryInterviewRepository(clock=SystemClock())
        repository.add(Interview(id=INTERVIEW, video_path=f"videos/{INTERVIEW}.mp4"))
        use_case = ProcessInterview(
            repository,
            SpyVideoStore(),
            SpyAudioExtractor(transcript.duration or 0.0),
            SpyTranscriber(transcript),
            extractor,
            answer_suggester=answerer,
        )
        return use_case.execute(INTERVIEW, final_attempt=final), repository


@pytest.fixture(params=["openai", "bedrock"])
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    if request.param == "openai":
        with TokenLimitedServer() as server:
            yield Rig("openai", server.model, server)
    else:
        stub = ConverseStub()
        yield Rig("bedrock", stub.model, stub)


def _stored_once(repository: InMemoryInterviewRepository) -> list[float | None]:
    starts = [q.start_time for q in repository.list_questions(INTERVIEW)]
    assert len(starts) == len(set(starts)), "a question was stored twice"
    assert all(q.answer.strip() for q in repository.list_questions(INTERVIEW))
    return starts


def _requests_differ(model: WindowModel) -> None:
    digests = [seen.digest for seen in model.seen]
    assert len(digests) == len(set(digests)), "a request was sent twice"


def test_questions_named_twice_within_and_across_windows_are_stored_once(rig: Rig) -> None:
    transcript = four_hour_interview(40, seconds=40 * 72)

    def twice(tool: str, data: dict[str, Any]) -> dict[str, Any]:
        if tool != "record_questions":
            return data
        items = data["questions"]
        reworded = [{**item, "question": f"So, {item['question']}"} for item in items]
        return {"questions": [*items, *items, *reworded]}

    rig.model.rewrite = twice
    report, repository = rig.process(transcript)

    assert report.outcome is Outcome.COMPLETED
    windows = sum(seen.tool == "record_questions" for seen in rig.model.seen)
    assert windows > 1
    assert rig.model.named_count() > len(rig.model.named_starts())  # overlaps named again
    assert sorted(_stored_once(repository)) == sorted(question_starts(transcript))  # type: ignore[type-var]


def test_questions_out_of_order_are_stored_in_the_order_asked(rig: Rig) -> None:
    transcript = four_hour_interview(40, seconds=40 * 72)

    def reverse(tool: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"questions": data["questions"][::-1]} if tool == "record_questions" else data

    rig.model.rewrite = reverse
    report, repository = rig.process(transcript)

    assert report.outcome is Outcome.COMPLETED
    starts = _stored_once(repository)
    assert starts == sorted(question_starts(transcript))
    assert [q.position for q in repository.list_questions(INTERVIEW)] == list(range(40))


def test_a_window_with_no_questions_gives_an_empty_list_not_a_failure(rig: Rig) -> None:
    talk = [
        Segment(
            f"I spent part {n} of the year improving how we ship releases.", n * 6.0, n * 6.0 + 5
        )
        for n in range(400)
    ]
    asked = Segment("What would you change about our release process?", 2400.0, 2404.0)
    report, repository = rig.process(Transcript((*talk, asked), "en", 2404.0))
    silent, _ = rig.process(Transcript(tuple(talk), "en", 2400.0))

    assert report.outcome is Outcome.COMPLETED and silent.outcome is Outcome.COMPLETED
    assert _stored_once(repository) == [2400.0]
    assert silent.question_count == 0
    assert sum(not seen.named for seen in rig.model.seen if seen.tool == "record_questions") > 1


def test_a_reply_cut_in_the_middle_of_a_string_splits_the_window(rig: Rig) -> None:
    quiz = [  # a question every line: far denser than windows are sized for
        Segment(
            f"Quick one, number {n}: which tool would you pick for job {n}?", n * 5.0, n * 5.0 + 4
        )
        for n in range(300)
    ]
    transcript = Transcript(tuple(quiz), "en", 1500.0)

    report, repository = rig.process(transcript, suggester=False)

    cut = [seen for seen in rig.model.seen if seen.cut]
    assert cut, "no reply was cut"
    assert report.outcome is Outcome.COMPLETED
    _requests_differ(rig.model)
    assert sorted(_stored_once(repository)) == sorted(question_starts(transcript))  # type: ignore[type-var]
    assert report.model_usage.requests == len(rig.model.seen)
    assert report.model_usage.questions_left_out == 0
    sent = rig.model.sent_transcript_chars() / transcript_chars(transcript)
    print(  # with `pytest -s`
        f"\n{rig.kind} quiz: {len(cut)} replies cut, {report.model_usage}, "
        f"transcript sent {sent:.2f}x"
    )


def test_an_answer_reply_cut_at_the_limit_loses_no_answer(rig: Rig) -> None:
    transcript = four_hour_interview(60, seconds=60 * 72)

    # 40-character answers are planned, so a batch holds ~100 questions; the model writes 300
    report, repository = rig.process(transcript, answer_chars=40)

    answers = [seen for seen in rig.model.seen if seen.tool == "record_answers"]
    assert any(seen.cut for seen in answers), "no answer reply was cut"
    assert report.outcome is Outcome.COMPLETED
    _requests_differ(rig.model)
    assert len(_stored_once(repository)) == 60
    assert all(len(q.answer) <= 40 for q in repository.list_questions(INTERVIEW))
    assert report.model_usage.questions_left_out == 0


@pytest.mark.parametrize(("header", "seconds"), [("7", 7.0), (None, None)])
def test_a_429_is_throttled_with_the_wait_asked_for_and_fails_nothing(
    rig: Rig, header: str | None, seconds: float | None
) -> None:
    transcript = four_hour_interview(5, seconds=5 * 72)
    rig.throttle_next(header)
    extractor, _ = rig.models()

    with pytest.raises(ExtractionUnavailable) as raised:
        extractor.extract(transcript)
    rig.throttle_next(header)
    report, repository = rig.process(transcript, final=False)

    assert raised.value.throttled is True
    assert raised.value.retry_after_seconds == seconds
    assert report.outcome is Outcome.RETRY
    assert repository.get(INTERVIEW).state is not InterviewState.FAILED
    assert repository.list_questions(INTERVIEW) == []
