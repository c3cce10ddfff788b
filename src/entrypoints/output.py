"""Writes a single-video result: questions.json, transcript.json, review.html, a summary."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.transcripts.native import transcript_to_dict

if TYPE_CHECKING:
    from interview_core.entities import Question
    from interview_core.process_video import VideoResult
    from interview_core.report import ProcessingReport


def question_to_dict(question: Question) -> dict[str, Any]:
    """The stored question shape shared with the rest of the product."""
    return {
        "id": question.id,
        "question": question.question,
        "answer": question.answer,
        "context": question.context,
        "question_context": question.question_context,
        "global": question.is_global,
        "start_time": _seconds(question.start_time),
        "end_time": _seconds(question.end_time),
    }


def write_result(result: VideoResult, output_dir: Path) -> tuple[Path, Path]:
    """Write questions.json and transcript.json into `output_dir`, each atomically."""
    output_dir.mkdir(parents=True, exist_ok=True)
    questions_path = output_dir / "questions.json"
    transcript_path = output_dir / "transcript.json"
    _write_json(questions_path, [question_to_dict(q) for q in result.questions])
    _write_json(transcript_path, transcript_to_dict(result.transcript))
    return questions_path, transcript_path


def write_review_page(result: VideoResult, video: Path, output_dir: Path) -> Path:
    """Write review.html into `output_dir`, atomically: the questions and transcript of
    `result`, and `video` by its path relative to that folder (never embedded)."""
    from adapters.review_page import ReviewPage, render_review_page, video_url_from

    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / "review.html"
    page = ReviewPage(
        questions=result.questions,
        transcript=result.transcript,
        video_url=video_url_from(video, output_dir),
        title=f"{video.name}: interview review",
    )
    write_text_atomically(path, render_review_page(page))
    return path


def summary(result: VideoResult, video: Path) -> str:
    """A readable summary of what was found, for the terminal."""
    report = result.report
    stages = ", ".join(f"{s.name} {s.seconds:.1f}s" for s in report.stages)
    audio = f"{report.audio_seconds:.1f}s of audio" if report.audio_seconds else "audio"
    dropped = report.dropped_question_count
    lines = [
        f"{video.name}: {len(result.questions)} questions from {audio} "
        f"in {report.duration:.1f}s ({stages})",
        *([f"{dropped} more were dropped: not found in the transcript"] if dropped else []),
        *([_usage_line(report)] if report.model_usage.requests else []),
        *([_roles_line(result)] if result.transcript.speaker_roles else []),
        *([_redaction_line(report)] if report.redacted or report.redactions else []),
        "",
    ]
    for position, question in enumerate(result.questions, start=1):
        scope = ", generic" if question.is_global else ""
        when = _clock(question.start_time)
        lines.append(
            f"{position:2d}. [{question.question_context}{scope}] {when}{question.question}"
        )
        if question.answer:
            lines.append(f"    answer: {_shorten(question.answer, 160)}")
    if not result.questions:
        lines.append("No questions were found.")
    return "\n".join(lines)


def _write_json(path: Path, data: Any) -> None:
    write_text_atomically(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader never sees half a file. Raises OSError."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"({minutes:02d}:{rest:02d}) "


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _roles_line(result: VideoResult) -> str:
    """Who asked and who answered, and how to change it."""
    roles = result.transcript.speaker_roles
    named = ", ".join(f"{_printable(label)} {roles[label]}" for label in sorted(roles))
    return f"speakers: {named} (--interviewer SPEAKER changes who asked)"


def _printable(label: str) -> str:
    """A speaker label on one terminal line, without control characters."""
    return "".join(char if char.isprintable() else "?" for char in label)[:64]


def _redaction_line(report: ProcessingReport) -> str:
    if not report.redactions:
        return "redaction found no personal details in the transcript"
    kinds = ", ".join(f"{count} {kind}" for kind, count in report.redactions)
    return f"redacted {report.redaction_count} personal details from the transcript: {kinds}"


def _usage_line(report: ProcessingReport) -> str:
    usage = report.model_usage
    left = f", {usage.questions_left_out} questions left out by a limit"
    return (
        f"models: {usage.windows} windows, {usage.requests} requests, {usage.input_tokens} "
        f"input and {usage.output_tokens} output tokens"
        f"{left if usage.questions_left_out else ''}"
    )
