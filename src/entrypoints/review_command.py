"""`ai-interviews review ID`: a stored interview's review page, its video linked, never copied."""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.output_files import write_text
from entrypoints import builders

if TYPE_CHECKING:
    from collections.abc import Callable

    from entrypoints.container import Container
    from interview_core.entities import Interview

DEFAULT_URL_LIFETIME = 12 * 3600
MAX_URL_LIFETIME = 7 * 24 * 3600  # the longest a presigned S3 URL (Signature Version 4) lasts
_LIFETIME = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    interview_id: Callable[[str], str],
) -> None:
    """The `review` subcommand; `interview_id` checks the id as the other commands do."""
    review = commands.add_parser(
        "review",
        help="write a completed interview's review page (review.html): the video beside its "
        "questions and transcript",
    )
    review.add_argument("interview_id", metavar="ID", type=interview_id, help="the interview's id")
    review.add_argument(
        "--output",
        type=Path,
        help="the HTML file to write, or a folder for it (default: review-ID.html here)",
    )
    review.add_argument(
        "--url-lifetime",
        type=url_lifetime,
        default=DEFAULT_URL_LIFETIME,
        metavar="DURATION",
        help="how long the page's link to a video on S3 works, such as 90m, 12h or 7d "
        "(default 12h, at most 7d)",
    )


def url_lifetime(text: str) -> int:
    """A duration such as `3600`, `90m`, `12h` or `7d`, in whole seconds, 1 s to 7 days."""
    match = _LIFETIME.fullmatch(text.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError("must be a duration such as 3600, 90m, 12h or 7d")
    seconds = int(float(match.group(1)) * _UNITS[match.group(2)])
    if not 1 <= seconds <= MAX_URL_LIFETIME:
        raise argparse.ArgumentTypeError("must be from 1 second to 7 days")
    return seconds


def review(args: argparse.Namespace, c: Container) -> int:
    """Write the page; exit 1 for an interview that is unknown, not completed, or whose
    transcript is no longer kept (raised as the interview's fault, mapped by the caller)."""
    result = c.load_interview_result().execute(args.interview_id)
    interview = result.interview
    output = _output_file(args.output, interview.id)
    url, note, lines = _video_link(c, interview, output, args.url_lifetime)

    from adapters.review_page import ReviewPage, render_review_page

    page = ReviewPage(
        questions=result.questions,
        transcript=result.transcript,
        video_url=url,
        title=f"Interview {interview.id}",
        note=note,
    )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_text(output, render_review_page(page))
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {output}: {len(result.questions)} questions, "
        f"{len(result.transcript.segments)} transcript lines"
    )
    for line in lines:
        print(line)
    return 0


def _output_file(given: Path | None, interview_id: str) -> Path:
    name = f"review-{_file_safe(interview_id)}.html"
    if given is None:
        return Path(name)
    return given / name if given.is_dir() else given


def _file_safe(interview_id: str) -> str:
    """The id when it is a safe file name, else a digest of it."""
    if _SAFE_ID.fullmatch(interview_id):
        return interview_id
    return hashlib.sha256(interview_id.encode("utf-8")).hexdigest()[:16]


def _video_link(
    c: Container, interview: Interview, output: Path, lifetime: int
) -> tuple[str, str | None, list[str]]:
    """The page's video URL, its note, and what the command says about it."""
    settings = c.settings()
    if settings.video_store == "s3":
        url = builders.s3_video_links(settings, c.aws()).presigned_url(
            interview.video_path, lifetime
        )
        expires = c.clock().now() + timedelta(seconds=lifetime)
        when = f"{expires:%Y-%m-%d %H:%M} UTC"
        span = _duration(lifetime)
        note = (
            f"The link to the video works for {span} after this page was written, until "
            f"{when}; `ai-interviews review {interview.id}` writes the page again with a new one."
        )
        return url, note, [f"the video: a presigned S3 link that works for {span}, until {when}"]

    from adapters.review_page import video_url_from

    path = c.video_store().local_path(interview.video_path)
    url = video_url_from(path, output.parent)
    lines = [f"the video: {url} (relative to the page; move them together)"]
    if not path.is_file():
        lines.append(f"warning: there is no video at {path}; the page says so")
    return url, None, lines


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
