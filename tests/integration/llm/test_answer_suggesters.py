"""The answer suggesters: OpenAI-compatible over a replay server, Bedrock with the Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from adapters.aws.bedrock_answer_suggester import BedrockAnswerSuggester
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
from adapters.openai_compatible.chat import ChatSettings
from adapters.openai_compatible.client import openai_client
from adapters.transcripts.native import read_transcript
from interview_core.analysis import QuestionStages
from interview_core.entities import ExtractedQuestion, Transcript
from interview_core.errors import ExtractionUnavailable, InvalidModelOutput
from interview_core.report import StageTimer
from tests.integration.llm.replay_server import ReplayServer, Reply, with_arguments

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"


@pytest.fixture(scope="module")
def transcript() -> Transcript:
    return read_transcript(SAMPLE / "interview.transcript.json")


@pytest.fixture(scope="module")
def found(transcript: Transcript) -> list[ExtractedQuestion]:
    return HeuristicQuestionExtractor().extract(transcript)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    replay = ReplayServer()
    yield replay
    replay.close()


def _suggester(server: ReplayServer, **options: Any) -> OpenAIAnswerSuggester:
    client = openai_client(
        base_url=server.base_url, api_key=None, timeout_seconds=10, max_retries=0
    )
    return OpenAIAnswerSuggester(client, ChatSettings("replayed-model"), **options)


def _answer_reply(tool_input: Any) -> Reply:
    return Reply(with_arguments("openai_tool_call", tool_input, tool="record_answers"))


def _answers(count: int, text: str = "I would explain it clearly") -> dict[str, Any]:
    return {"answers": [f"{text} ({n})." for n in range(count)]}


def test_one_request_writes_every_answer_and_keeps_the_question_and_its_times(
    server: ReplayServer, transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    server.queue(
        Reply(with_arguments("openai_tool_call", _answers(len(found)), tool="record_answers"))
    )

    suggested = _suggester(server).suggest(transcript, found)

    assert [q.answer for q in suggested] == _answers(len(found))["answers"]
    assert [(q.question, q.start_time) for q in suggested] == [
        (q.question, q.start_time) for q in found
    ]
    [request] = server.requests
    assert request["tool_choice"]["function"]["name"] == "record_answers"
    schema = request["tools"][0]["function"]["parameters"]["properties"]["answers"]
    assert schema["minItems"] == schema["maxItems"] == len(found)
    assert schema["items"]["maxLength"] == 600
    user = request["messages"][1]["content"]
    assert user.count("<questions>") == 1 and f"1. {found[0].question}" in user


def test_answers_are_capped_and_a_short_list_is_reasked(
    server: ReplayServer, transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    short = with_arguments("openai_tool_call", _answers(1), tool="record_answers")
    long = with_arguments(
        "openai_tool_call", {"answers": ["x" * 500] * len(found)}, tool="record_answers"
    )
    server.queue(Reply(short), Reply(long))

    suggested = _suggester(server, max_answer_chars=50).suggest(transcript, found)

    assert all(q.answer == "x" * 50 for q in suggested)
    assert f"{len(found)} answers are needed" in server.requests[1]["messages"][3]["content"]


def test_empty_answers_every_time_are_invalid_model_output(
    server: ReplayServer, transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    blank = {"answers": ["  "] * len(found)}
    server.queue(
        *(Reply(with_arguments("openai_tool_call", blank, tool="record_answers")) for _ in range(9))
    )

    with pytest.raises(InvalidModelOutput, match="record_answers"):
        _suggester(server).suggest(transcript, found)
    assert len(server.requests) == 9  # three attempts at the batch, then at each half


def test_the_suggester_runs_after_grounding_and_only_when_questions_were_found(
    server: ReplayServer, transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    server.queue(
        Reply(with_arguments("openai_tool_call", _answers(len(found)), tool="record_answers"))
    )
    timer = StageTimer()

    analysis = QuestionStages(HeuristicQuestionExtractor(), _suggester(server)).run(
        transcript, 69.2, timer=timer
    )
    silent = QuestionStages(HeuristicQuestionExtractor(), _suggester(server)).run(
        Transcript(()), 0.0, timer=StageTimer()
    )

    assert [q.answer for q in analysis.extracted] == _answers(len(found))["answers"]
    assert [stage.name for stage in timer.stages] == ["extract_questions", "suggest_answers"]
    assert silent.extracted == () and len(server.requests) == 1


def test_a_server_error_is_transient(
    server: ReplayServer, transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    server.queue(Reply({"error": {"message": "busy"}}, status=503))

    with pytest.raises(ExtractionUnavailable):
        _suggester(server).suggest(transcript, found)


# --- Bedrock --------------------------------------------------------------------------


def _converse_reply(tool_input: Any, stop: str = "tool_use") -> dict[str, Any]:
    call = {"toolUseId": "tooluse_1", "name": "record_answers", "input": tool_input}
    return {
        "output": {"message": {"role": "assistant", "content": [{"toolUse": call}]}},
        "stopReason": stop,
        "usage": {"inputTokens": 900, "outputTokens": 120, "totalTokens": 1020},
        "metrics": {"latencyMs": 1500},
    }


@pytest.fixture
def bedrock() -> Iterator[tuple[Any, Stubber]]:
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    client = session.client("bedrock-runtime", config=Config(retries={"mode": "standard"}))
    with Stubber(client) as stubber:
        yield client, stubber


def test_bedrock_writes_the_answers_after_a_reask(
    bedrock: tuple[Any, Stubber], transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", _converse_reply({"answers": "none"}))
    stubber.add_response("converse", _converse_reply(_answers(len(found))))

    suggested = BedrockAnswerSuggester(client, "model-x").suggest(transcript, found)

    stubber.assert_no_pending_responses()
    assert [q.answer for q in suggested] == _answers(len(found))["answers"]


def test_bedrock_throttling_is_transient(
    bedrock: tuple[Any, Stubber], transcript: Transcript, found: list[ExtractedQuestion]
) -> None:
    client, stubber = bedrock
    stubber.add_client_error("converse", "ThrottlingException", "slow down", http_status_code=429)

    with pytest.raises(ExtractionUnavailable, match="slow down"):
        BedrockAnswerSuggester(client, "model-x").suggest(transcript, found)
