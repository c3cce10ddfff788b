"""Replies recorded from SmolLM2-135M on llama.cpp, replayed: nothing invented is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.openai_compatible.chat import ChatSettings, StructuredOutput
from adapters.openai_compatible.client import openai_client
from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor
from adapters.transcripts.native import read_transcript
from interview_core.analysis import QuestionStages
from interview_core.entities import ExtractedQuestion, Transcript
from interview_core.report import StageTimer
from interview_core.transcript_index import words_of
from tests.integration.llm.replay_server import (
    FIXTURES,
    ReplayServer,
    Reply,
    reply_body,
    with_arguments,
)

ROOT = Path(__file__).resolve().parents[3]
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "replay_set.json").read_text())


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    replay = ReplayServer()
    yield replay
    replay.close()


def _sample(name: str) -> Transcript:
    return read_transcript(ROOT / "samples" / name / f"{name}.transcript.json")


def _extractor(server: ReplayServer, mode: StructuredOutput) -> OpenAIQuestionExtractor:
    client = openai_client(
        base_url=server.base_url, api_key=None, timeout_seconds=10, max_retries=0
    )
    return OpenAIQuestionExtractor(client, ChatSettings("smollm2", structured_output=mode))


def _said(transcript: Transcript, question: ExtractedQuestion) -> bool:
    """Most of the question's words are in the lines it is timed on (a bag-of-words check)."""
    assert question.start_time is not None and question.end_time is not None
    spoken = {
        word
        for segment in transcript.segments
        if segment.end >= question.start_time and segment.start <= question.end_time
        for word in words_of(segment.text)
    }
    words = words_of(question.question)
    quoted = words_of(question.quote or "")
    return any(
        text and sum(word in spoken for word in text) >= 0.8 * len(text) for text in (words, quoted)
    )


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("llamacpp_tool_call", StructuredOutput.TOOL),
        ("llamacpp_json_object", StructuredOutput.JSON_OBJECT),
    ],
)
def test_a_whole_recorded_reply_is_read_and_grounded(
    server: ReplayServer, name: str, mode: StructuredOutput
) -> None:
    transcript = _sample("interview")
    server.queue(Reply(reply_body(name)))

    analysis = QuestionStages(_extractor(server, mode), None).run(
        transcript, transcript.duration, timer=StageTimer()
    )

    assert len(server.requests) == 1
    assert all(_said(transcript, question) for question in analysis.extracted)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['sample']}-{n}" for n, c in enumerate(CASES)])
def test_no_invented_question_of_the_replay_set_is_stored(
    server: ReplayServer, case: dict[str, Any]
) -> None:
    transcript = _sample(case["sample"])
    server.queue(Reply(with_arguments("openai_tool_call", case["tool_input"])))

    analysis = QuestionStages(_extractor(server, StructuredOutput.TOOL), None).run(
        transcript, transcript.duration, timer=StageTimer()
    )

    returned = len(case["tool_input"]["questions"])
    assert len(analysis.extracted) + analysis.dropped_count == min(returned, 50)
    assert all(_said(transcript, question) for question in analysis.extracted)
