"""Deterministic ids, so that reprocessing rewrites the same records."""

from __future__ import annotations

import uuid

QUESTION_NAMESPACE = uuid.UUID("6f1b2a0e-3c55-5b8e-9a7e-2d8f4c1a9b30")
GENERATION_QUESTION_NAMESPACE = uuid.UUID("3d0c8e52-7a4f-5b19-b6e1-95f2c07d4a68")
VIDEO_NAMESPACE = uuid.UUID("0b6f7d9c-58a1-5e43-8d2f-7c3e9a6b1f24")


def question_id(interview_id: str, position: int, generation: int = 0) -> str:
    """The id of the question at `position` (0-based) of an interview's `generation`.

    Generation 0 keeps the ids questions have always had (uuid5 of the interview id and the
    position), so that stored questions stay valid; a later generation's ids are uuid5 of
    the interview id, the generation and the position in a namespace of their own, so no two
    generations (nor two interviews) share an id. Raises ValueError for a negative position
    or generation.
    """
    if position < 0:
        raise ValueError("position must not be negative")
    if generation < 0:
        raise ValueError("generation must not be negative")
    if generation == 0:
        return str(uuid.uuid5(QUESTION_NAMESPACE, f"{interview_id}:{position}"))
    return str(uuid.uuid5(GENERATION_QUESTION_NAMESPACE, f"{interview_id}:{generation}:{position}"))


def video_id(name: str) -> str:
    """A stable id for a video processed without an interview record, from its name."""
    return str(uuid.uuid5(VIDEO_NAMESPACE, name))
