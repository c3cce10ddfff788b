"""Long interviews through models limited to 4,096 output tokens: the OpenAI-compatible
adapters over HTTP against a server that cuts its replies at max_tokens, and the Bedrock
adapters against a Converse stub that stops at maxTokens."""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.aws.bedrock_answer_suggester import BedrockAnswerSuggester
from adapters.aws.bedrock_extractor import BedrockQuestionExtractor
from adapters.local.memory_repository import InMemoryInterviewRepository
from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
from adapters.openai_compatible.chat import ChatSettings
from adapters.openai_compatible.client import openai_client
from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor
from interview_core.clock import SystemClock
from interview_core.entities import Interview, Transcript
from interview_core.ports import AnswerSuggester, QuestionExtractor
from interview_core.process_interview import ProcessInterview
from interview_core.report import Outcome, ProcessingReport
from tests.integration.llm.converse_stub import ConverseStub
from tests.integration.llm.long_interviews import (
    four_hour_interview,
    question_starts,
    real_interviews_joined,
    transcript_chars,
)
from tests.integration.llm.token_limited_server import TokenLimitedServer
from tests.integration.llm.window_model import WindowModel
from tests.unit.fakes import SpyAudioExtractor, SpyTranscriber, SpyVideoStore

MAX_TOKENS = 4096
INPUT_BOUND = 1.2
TRANSCRIPTS: dict[str, Callable[[], Transcript]] = {
    "four_hours_200_questions": four_hour_interview,
    "real_101_minutes": real_interviews_joined,
}

Models = tuple[QuestionExtractor, AnswerSuggester | None, WindowModel]
SUGGESTER = {"with_a_suggester": True, "extractor_answers": False}


@pytest.fixture
def server() -> Iterator[TokenLimitedServer]:
    with TokenLimitedServer() as running:
        yield running


def _openai(server: TokenLimitedServer, suggester: bool) -> Models:
    client = openai_client(
        base_url=server.base_url, api_key=None, timeout_seconds=30, max_retries=0
    )
    chat = ChatSettings("window-model", max_tokens=MAX_TOKENS)
    extractor = OpenAIQuestionExtractor(client, chat, answer_chars=None if suggester else 600)
    answerer = OpenAIAnswerSuggester(client, chat) if suggester else None
    return extractor, answerer, server.model


def _bedrock(suggester: bool) -> Models:
    stub: Any = ConverseStub()
    extractor = BedrockQuestionExtractor(
        stub, "model-x", max_tokens=MAX_TOKENS, answer_chars=None if suggester else 600
    )
    answerer = BedrockAnswerSuggester(stub, "model-x", max_tokens=MAX_TOKENS) if suggester else None
    return extractor, answerer, stub.model


def _process(transcript: Transcript, models: Models) -> tuple[ProcessingReport, Any]:
    extractor, suggester, _ = models
    repository = InMemoryInterviewRepository(clock=SystemClock())
    repository.add(Interview(id="long-1", video_path="videos/long-1.mp4"))
    use_case = ProcessInterview(
        repository,
        SpyVideoStore(),
        SpyAudioExtractor(transcript.duration or 0.0),
        SpyTranscriber(transcript),
        extractor,
        answer_suggester=suggester,
    )
    report = use_case.execute("long-1")
    return report, repository


def _check(transcript: Transcript, models: Models, label: str) -> None:
    report, repository = _process(transcript, models)
    model = models[2]

    assert report.outcome is Outcome.COMPLETED, report.error
    stored = repository.list_questions("long-1")
    starts = [q.start_time for q in stored]
    assert len(starts) == len(set(starts)), "a question was stored twice"
    assert all(q.answer.strip() for q in stored), "a question was stored without its answer"
    named = model.named_starts()
    expected = question_starts(transcript)
    assert len(named & expected) >= 0.95 * len(expected)
    assert len(set(starts) & named) >= 0.95 * len(named)
    digests = [seen.digest for seen in model.seen]
    assert len(digests) == len(set(digests)), "a request was sent twice"
    chars = transcript_chars(transcript)
    by_tool: dict[str, int] = collections.Counter()
    for seen in model.seen:
        by_tool[seen.tool] += seen.transcript_chars
    assert by_tool["record_questions"] <= INPUT_BOUND * chars
    assert by_tool["record_answers"] <= INPUT_BOUND * chars
    usage = report.model_usage
    assert usage.requests == len(model.seen)
    assert usage.input_tokens == sum(-(-seen.prompt_chars // 4) for seen in model.seen)
    fixed = usage.input_tokens - sum(by_tool.values()) / 4
    record = repository.get("long-1")
    assert record.questions_left_out == usage.questions_left_out == 0
    print(  # the figures, with `pytest -s`
        f"\n{label}: segments {len(transcript.segments)}, transcript tokens {chars / 4:.0f}, "
        f"questions in transcript {len(expected)}, named {len(named)}, stored {len(stored)}, "
        f"windows+batches {usage.windows}, requests {usage.requests} "
        f"(cut {sum(seen.cut for seen in model.seen)}), input tokens {usage.input_tokens} "
        f"(transcript in questions {by_tool['record_questions'] / chars:.3f}x, in answers "
        f"{by_tool['record_answers'] / chars:.3f}x, fixed prompt {fixed:.0f}), output tokens "
        f"{usage.output_tokens}"
    )


@pytest.mark.parametrize("answers", sorted(SUGGESTER))
@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
def test_a_long_interview_completes_through_the_openai_compatible_adapters(
    server: TokenLimitedServer, name: str, answers: str
) -> None:
    _check(TRANSCRIPTS[name](), _openai(server, SUGGESTER[answers]), f"openai {name} {answers}")


@pytest.mark.parametrize("answers", sorted(SUGGESTER))
@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
def test_a_long_interview_completes_through_the_bedrock_adapters(name: str, answers: str) -> None:
    _check(TRANSCRIPTS[name](), _bedrock(SUGGESTER[answers]), f"bedrock {name} {answers}")
