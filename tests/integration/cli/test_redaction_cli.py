"""`ai-interviews --mode single-video` with INTERVIEWS_REDACT_PII, in a subprocess: a
transcript holding one value of each type reaches neither the model server nor
questions.json, transcript.json, the log or the terminal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.cli.test_single_video_cli import SAMPLE, run_cli
from tests.integration.llm.token_limited_server import TokenLimitedServer

SPOKEN: list[tuple[str, str]] = [
    ("interviewer", "Is jane.doe@example.com still the best address, or +44 20 7946 0958?"),
    ("candidate", "Yes, and my old number 555 123 4567 works too."),
    ("interviewer", "Could you confirm your SSN 123-45-6789 and NI number AB 12 34 56 C?"),
    (
        "candidate",
        "Sure, card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, "
        "and my portfolio is https://jane.example.dev/cv.",
    ),
]
VALUES = (
    "jane.doe@example.com",
    "7946 0958",
    "555 123 4567",
    "123-45-6789",
    "AB 12 34 56 C",
    "4111 1111 1111 1111",
    "GB82 WEST",
    "5698 7654 32",
    "jane.example.dev",
)
KEPT = ("In 2019", "at 10:30", "Python 3.11.7", "$1,250,000")


class RecordingServer(TokenLimitedServer):
    """The OpenAI-compatible stand-in, keeping every request body as received."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[str] = []

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        self.bodies.append(json.dumps(body, ensure_ascii=False))
        return super().answer(body)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


def _transcript_with_details(folder: Path) -> Path:
    """The sample's transcript with the SPOKEN exchange (and near misses) after it."""
    data = json.loads((SAMPLE / "interview.transcript.json").read_text(encoding="utf-8"))
    start = data["segments"][-1]["end"] + 0.5
    near_misses = "In 2019 we met at 10:30 about Python 3.11.7 and a $1,250,000 budget?"
    for speaker, text in [*SPOKEN, ("interviewer", near_misses)]:
        words = [
            {"text": word, "start": start + 0.3 * n, "end": start + 0.3 * n + 0.25}
            for n, word in enumerate(text.split())
        ]
        end = words[-1]["end"]
        data["segments"].append(
            {"start": start, "end": end, "speaker": speaker, "text": text, "words": words}
        )
        start = end + 0.5
    data["duration"] = start
    path = folder / "with-details.transcript.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _run(tmp_path: Path, server: RecordingServer, *, redact: bool) -> dict[str, str]:
    video = tmp_path / "interview.mp4"
    shutil.copy(SAMPLE / "interview.mp4", video)
    process = run_cli(
        "--mode", "single-video", video, "--output-dir", tmp_path / "out",
        tmp_path=tmp_path,
        INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_STUB_TRANSCRIPT=str(_transcript_with_details(tmp_path)),
        INTERVIEWS_QUESTION_EXTRACTOR="openai",
        INTERVIEWS_ANSWER_SUGGESTER="openai",
        OPENAI_BASE_URL=server.base_url,
        OPENAI_API_KEY="local",
        INTERVIEWS_OPENAI_MODEL="stand-in",
        INTERVIEWS_LOG_LEVEL="DEBUG",
        INTERVIEWS_REDACT_PII="true" if redact else "false",
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    return {
        "questions": (tmp_path / "out" / "questions.json").read_text(encoding="utf-8"),
        "transcript": (tmp_path / "out" / "transcript.json").read_text(encoding="utf-8"),
        "log": (tmp_path / "interview_processing.log").read_text(encoding="utf-8"),
        "terminal": process.stdout + process.stderr,
        "model": "\n".join(server.bodies),
    }


def test_no_redacted_value_leaves_the_transcription_stage(
    tmp_path: Path, server: RecordingServer
) -> None:
    outputs = _run(tmp_path, server, redact=True)

    for where, text in outputs.items():
        for value in VALUES:
            assert value not in text, f"{value!r} in the {where}"
    transcript = json.loads(outputs["transcript"])
    said = " ".join(segment["text"] for segment in transcript["segments"])
    for kind in ("EMAIL", "PHONE", "SSN", "NINO", "CARD", "IBAN", "URL"):
        assert f"[PII:{kind}]" in said
    for segment in transcript["segments"]:
        assert " ".join(word["text"] for word in segment["words"]) == segment["text"]
    for near_miss in KEPT:
        assert near_miss in said
    assert "[PII:EMAIL]" in outputs["questions"]
    assert "[PII:EMAIL]" in outputs["model"]
    assert "redacted 8 personal details from the transcript" in outputs["terminal"]
    assert (
        "redacted 8 personal details in the transcript: CARD 1, EMAIL 1, IBAN 1, NINO 1, PHONE 2"
        in (outputs["log"])
    )


def test_without_redaction_the_model_sees_the_values(
    tmp_path: Path, server: RecordingServer
) -> None:
    outputs = _run(tmp_path, server, redact=False)

    assert "jane.doe@example.com" in outputs["model"]
    assert "4111 1111 1111 1111" in outputs["transcript"]
    assert "redacted" not in outputs["terminal"]
