"""No transcript text, question or answer reaches the worker's logs, in JSON or in text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack
from tests.media_factory import MediaFactory

QUESTION_SENTINEL = "Zebraquill"
ANSWER_SENTINEL = "Marmotflux"
SMALL_TALK_SENTINEL = "Otterglyph"
SECRET_KEY = "WombatSecretKey9d2f"
SENTINELS = (QUESTION_SENTINEL, ANSWER_SENTINEL, SMALL_TALK_SENTINEL)

TURNS = [
    ("interviewer", f"Good morning, thanks for coming in, I hope {SMALL_TALK_SENTINEL} was easy."),
    ("candidate", "Thank you, it was no trouble at all."),
    ("interviewer", f"Can you tell me about the {QUESTION_SENTINEL} project you led last year?"),
    (
        "candidate",
        f"I led the {ANSWER_SENTINEL} migration, moving our billing system to a new "
        "platform with a team of five engineers over nine months.",
    ),
    ("interviewer", "How do you handle disagreements about priorities within your team?"),
    (
        "candidate",
        f"I bring the {ANSWER_SENTINEL} numbers to the table and we agree on what matters "
        "most to our customers before deciding.",
    ),
]


def write_transcript(path: Path) -> Path:
    segments = []
    start = 0.0
    for speaker, text in TURNS:
        segments.append({"start": start, "end": start + 4.0, "speaker": speaker, "text": text})
        start += 4.0
    path.write_text(json.dumps({"language": "en", "duration": start, "segments": segments}))
    return path


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_sentinels_in_the_transcript_and_answers_appear_in_no_log_line(
    make_stack: Callable[..., AwsStack], media: MediaFactory, log_format: str
) -> None:
    stack = make_stack()
    transcript = write_transcript(stack.folder / "sentinel.transcript.json")
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    env = stack.env(
        INTERVIEWS_STUB_TRANSCRIPT=str(transcript),
        INTERVIEWS_LOG_FORMAT=log_format,
        INTERVIEWS_LOG_LEVEL="DEBUG",
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
    )

    process = stack.run("--max-messages", "1", env=env)

    assert process.returncode == 0, process.stderr
    assert stack.record(interview_id).state is InterviewState.COMPLETED
    stored = " ".join(f"{q.question} {q.answer} {q.context}" for q in stack.questions(interview_id))
    assert QUESTION_SENTINEL in stored and ANSWER_SENTINEL in stored  # the data did flow
    logs = stack.logs(process)
    assert f"PROCESSING_METRICS | Interview: {interview_id} | Status: SUCCESS" in logs
    for sentinel in SENTINELS:
        assert sentinel not in logs, f"{sentinel} leaked into the {log_format} logs"
    assert SECRET_KEY not in logs
