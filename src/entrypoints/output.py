"""Writes a single-video result: questions.json, transcript.json, review.html, a summary."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from adapters.output_files import write_all
from adapters.transcripts.native import transcript_to_dict

if TYPE_CHECKING:
    from pathlib import Path

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


@attrs.frozen
class WrittenOutputs:
    """The files a single-video run wrote."""

    questions: Path
    transcript: Path
    review_page: Path
    exports: tuple[Path, ...]


def write_outputs(result: VideoResult, video: Path, output_dir: Path) -> WrittenOutputs:
    """Write questions.json, transcript.json, review.html and the subtitles and chapters
    into `output_dir` as one set: none is replaced unless all can be written. The review
    page links `video` by its path relative to that folder (never embedded). Raises
    OSError."""
    from adapters.exports.formats import FILE_NAMES, render_export
    from adapters.review_page import ReviewPage, render_review_page, video_url_from

    output_dir.mkdir(parents=True, exist_ok=True)
    written = WrittenOutputs(
        questions=output_dir / "questions.json",
        transcript=output_dir / "transcript.json",
        review_page=output_dir / "review.html",
        exports=tuple(output_dir / name for name in FILE_NAMES.values()),
    )
    page = ReviewPage(
        questions=result.questions,
        transcript=result.transcript,
        video_url=video_url_from(video, output_dir),
        title=f"{video.name}: interview review",
    )
    files = {
        written.questions: _json_text([question_to_dict(q) for q in result.questions]),
        written.transcript: _json_text(transcript_to_dict(result.transcript)),
        written.review_page: render_review_page(page),
    }
    for kind, name in FILE_NAMES.items():
        files[output_dir / name] = render_export(kind, result.transcript, result.questions)
    write_all(files)
    return written


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


def _json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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
    named = ", ".join(_speaker_and_role(label, roles[label]) for label in sorted(roles))
    if all(role == "interviewer" for role in roles.values()):
        return (
            f"speakers: {named}; none is the candidate, so no question has an answer "
            "(--interviewer SPEAKER changes who asked)"
        )
    return f"speakers: {named} (--interviewer SPEAKER changes who asked)"


def _speaker_and_role(label: str, role: str) -> str:
    """ "spk_0 interviewer"; a label that is its role already ("candidate") once."""
    return _printable(label) if label == role else f"{_printable(label)} {role}"


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
