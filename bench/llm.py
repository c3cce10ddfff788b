"""A real small model (SmolLM2-135M on llama.cpp, 127.0.0.1) and the replay set: time per
interview, and what grounding keeps."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

from openai import OpenAI

from adapters.local.heuristic_extractor import HeuristicQuestionExtractor
from adapters.openai_compatible.answer_suggester import OpenAIAnswerSuggester
from adapters.openai_compatible.chat import ChatSettings
from adapters.openai_compatible.client import openai_client
from adapters.openai_compatible.question_extractor import OpenAIQuestionExtractor
from adapters.transcripts.native import read_transcript
from bench.rows import BenchRow
from interview_core.analysis import QuestionStages
from interview_core.entities import Transcript
from interview_core.errors import InvalidModelOutput
from interview_core.report import StageTimer
from interview_core.transcript_index import words_of

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("interview", "technical")
REPLAYS = ROOT / "tests" / "fixtures" / "llm" / "replay_set.json"


def run(quick: bool) -> list[BenchRow]:
    """Answers only and full extraction with the local model, then the replay set."""
    rows = _replay_rows()
    if importlib.util.find_spec("llama_cpp") is None:
        rows.append(
            BenchRow("SmolLM2-135M on 2 cores", "not run", "reported", True, "needs make test-llm")
        )
        return rows
    from scripts.local_llm import MODEL_ALIAS, local_llm

    with local_llm() as url:
        client = openai_client(base_url=url, api_key=None, timeout_seconds=600, max_retries=0)
        chat = ChatSettings(MODEL_ALIAS, max_tokens=1024, temperature=0.0)
        transcripts = {name: _sample(name) for name in SAMPLES[: 1 if quick else 2]}
        rows.append(_answers_only(client, chat, transcripts))
        rows.extend(_full_extraction(client, chat, transcripts))
    return rows


def _sample(name: str) -> Transcript:
    return read_transcript(ROOT / "samples" / name / f"{name}.transcript.json")


def _answers_only(
    client: object, chat: ChatSettings, transcripts: dict[str, Transcript]
) -> BenchRow:
    suggester = OpenAIAnswerSuggester(client, chat, max_answer_chars=300)  # type: ignore[arg-type]
    seconds: list[float] = []
    answered = 0
    for transcript in transcripts.values():
        timer = StageTimer()
        analysis = QuestionStages(HeuristicQuestionExtractor(), suggester).run(
            transcript, transcript.duration, timer=timer
        )
        seconds.append(sum(s.seconds for s in timer.stages))
        answered += sum(bool(q.answer.strip()) for q in analysis.extracted)
    mean = sum(seconds) / len(seconds)
    return BenchRow(
        "answers only: heuristic questions + SmolLM2 answers, per interview",
        f"{mean:.1f} s",
        "reported",
        True,
        f"{len(seconds)} bundled samples, {answered} answers written; "
        + ", ".join(f"{s:.1f}s" for s in seconds),
    )


def _full_extraction(
    client: OpenAI, chat: ChatSettings, transcripts: dict[str, Transcript]
) -> list[BenchRow]:
    extractor = OpenAIQuestionExtractor(client, chat, max_questions=10, max_field_chars=160)
    seconds: list[float] = []
    kept = dropped = failed = 0
    for transcript in transcripts.values():
        started = time.perf_counter()
        try:
            analysis = QuestionStages(extractor, None).run(
                transcript, transcript.duration, timer=StageTimer()
            )
        except InvalidModelOutput:
            failed += 1
        else:
            kept += len(analysis.extracted)
            dropped += analysis.dropped_count
        seconds.append(time.perf_counter() - started)
    mean = sum(seconds) / len(seconds)
    return [
        BenchRow(
            "full extraction: SmolLM2 questions and answers, per interview",
            f"{mean:.1f} s",
            "reported",
            True,
            f"{len(seconds)} bundled samples; "
            + ", ".join(f"{s:.1f}s" for s in seconds)
            + (f"; {failed} gave no valid reply after the re-asks" if failed else ""),
        ),
        BenchRow(
            "grounding on SmolLM2's questions: kept vs dropped",
            f"{kept} kept, {dropped} dropped",
            "reported",
            True,
            "dropped: not found in the transcript by quote or close match",
        ),
    ]


def _replay_rows() -> list[BenchRow]:
    """Every recorded reply through the extractor's reading and grounding, offline."""
    from adapters.llm.question_reply import extracted_questions
    from adapters.llm.question_schema import read_tool_input
    from interview_core.grounding import ground_questions

    cases = json.loads(REPLAYS.read_text())
    recorded = sum(not case["source"].startswith("constructed") for case in cases)
    stored_invented = returned = dropped = 0
    for case in cases:
        transcript = _sample(case["sample"])
        items = read_tool_input(case["tool_input"], max_questions=50, max_field_chars=2000)
        grounded = ground_questions(extracted_questions(items, transcript), transcript)
        returned += len(items)
        dropped += grounded.dropped
        spoken = set(words_of(transcript.text))
        for question in grounded.kept:
            words = words_of(question.question)
            if sum(word in spoken for word in words) < 0.8 * len(words):
                stored_invented += 1
    return [
        BenchRow(
            "replay set: invented questions stored",
            str(stored_invented),
            "0",
            stored_invented == 0,
            f"{recorded} replies recorded from SmolLM2 and {len(cases) - recorded} constructed; "
            f"{returned} questions returned, {dropped} dropped",
        )
    ]
