"""Deterministic ids, so that reprocessing rewrites the same records."""

from __future__ import annotations

import uuid

QUESTION_NAMESPACE = uuid.UUID("6f1b2a0e-3c55-5b8e-9a7e-2d8f4c1a9b30")
VIDEO_NAMESPACE = uuid.UUID("0b6f7d9c-58a1-5e43-8d2f-7c3e9a6b1f24")


def question_id(interview_id: str, position: int) -> str:
    """The id of the question at `position` (0-based) of an interview: uuid5 of both."""
    if position < 0:
        raise ValueError("position must not be negative")
    return str(uuid.uuid5(QUESTION_NAMESPACE, f"{interview_id}:{position}"))


def video_id(name: str) -> str:
    """A stable id for a video processed without an interview record, from its name."""
    return str(uuid.uuid5(VIDEO_NAMESPACE, name))
