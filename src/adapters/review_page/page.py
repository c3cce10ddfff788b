"""Renders questions and a transcript into review.html: static template, data inline as JSON."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interview_core.entities import Question, Transcript

ROLES = ("interviewer", "candidate")
"""The speaker roles the page names; any other role is ignored."""

_MARKER = re.compile(r"@@(TITLE|CSP|CSS|SCRIPT|DATA)@@")
_ORIGIN_HOST = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


@attrs.frozen
class ReviewPage:
    """What one review page shows.

    `video_url` is a URL relative to the page (or an https URL, such as a presigned S3 URL),
    already percent-encoded (see `video_url_from`); None when there is no video to play.
    `note` is one line the page shows above the player, such as when a video link expires.
    `speaker_roles` maps a transcript's speaker labels to "interviewer" or "candidate";
    when empty, the transcript's own `speaker_roles` are used if it carries any.
    """

    questions: Sequence[Question]
    transcript: Transcript
    video_url: str | None
    title: str = "Interview review"
    note: str | None = None
    speaker_roles: Mapping[str, str] = attrs.field(factory=dict)


def render_review_page(page: ReviewPage) -> str:
    """The page as one HTML document: inline CSS, our script and the data, nothing fetched.

    Text from the transcript or a model never becomes markup: the data sits in a
    `<script type="application/json">` block with `<`, `>` and `&` escaped, and the script
    renders it as text. A Content-Security-Policy lets only our script run and only the
    video load. Raises ValueError when a time is not a finite number.
    """
    script = _asset("review.js")
    substitutions = {
        "TITLE": html.escape(page.title),
        "CSP": _content_security_policy(script, page.video_url),  # no quote, no markup
        "CSS": _asset("review.css"),
        "SCRIPT": script,
        "DATA": page_data_json(page),
    }
    return _MARKER.sub(lambda match: substitutions[match.group(1)], _asset("review.html"))


def page_data_json(page: ReviewPage) -> str:
    """The page's data as JSON that is safe inside a script element."""
    try:
        text = json.dumps(_page_data(page), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise ValueError("the review page's data holds a time that is not finite") from exc
    return re.sub(r"[<>&]", lambda match: _JSON_ESCAPES[match.group(0)], text)


def video_url_from(video: Path, page_folder: Path) -> str:
    """The URL of a local `video` as a page in `page_folder` refers to it: relative and
    percent-encoded (a `#` or a space in a file name stays part of the name)."""
    relative = os.path.relpath(video.resolve(), page_folder.resolve())
    return "/".join(quote(part) for part in PurePosixPath(Path(relative).as_posix()).parts)


def _page_data(page: ReviewPage) -> dict[str, Any]:
    transcript = page.transcript
    return {
        "title": page.title,
        "video": page.video_url,
        "note": page.note,
        "duration": _time(transcript.duration),
        "language": transcript.language,
        "speakerRoles": _roles(page.speaker_roles or transcript.speaker_roles),
        "questions": [
            {
                "question": question.question,
                "answer": question.answer,
                "category": question.question_context,
                "generic": question.is_global,
                "start": _time(question.start_time),
                "end": _time(question.end_time),
            }
            for question in sorted(page.questions, key=lambda q: q.position)
        ],
        "segments": [
            [_time(segment.start), _time(segment.end), segment.speaker, segment.text]
            for segment in sorted(transcript.segments, key=lambda segment: segment.start)
        ],
    }


def _roles(roles: object) -> dict[str, str]:
    """The known roles of `roles` (a mapping or pairs of label and role); others are left out."""
    pairs = roles.items() if isinstance(roles, Mapping) else roles
    if not isinstance(pairs, Iterable) or isinstance(pairs, str):
        return {}
    known: dict[str, str] = {}
    for pair in pairs:
        if isinstance(pair, tuple) and len(pair) == 2:
            label, role = pair
            if isinstance(label, str) and isinstance(role, str) and role.lower() in ROLES:
                known[label] = role.lower()
    return known


def _time(value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value):
        raise ValueError("not finite")
    return round(value, 3)


def _content_security_policy(script: str, video_url: str | None) -> str:
    """Only our script runs; media from the page's own place, file: and https:, and the
    video's own origin (a local S3 endpoint on http, for example)."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    media = "'self' file: https:"
    parts = urlsplit(video_url or "")
    if parts.scheme == "http" and _ORIGIN_HOST.fullmatch(parts.netloc):
        media += f" http://{parts.netloc}"
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "
        f"media-src {media}; "
        "img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _asset(name: str) -> str:
    return resources.files("adapters.review_page").joinpath(name).read_text(encoding="utf-8")
