"""Use case: put a new video where the upstream would, record it and request its processing."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from interview_core.entities import Interview
from interview_core.errors import InterviewError
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from pathlib import Path

    from interview_core.ports import (
        Clock,
        InterviewCatalog,
        MediaProbe,
        RequestSender,
        VideoUploader,
    )


def video_key(user_id: str, interview_id: str, file_name: str) -> str:
    """The upstream's key layout for a video: `videos/<user_id>/<interview_id>/<file name>`."""
    return f"videos/{user_id}/{interview_id}/{file_name}"


@attrs.frozen
class Submission:
    """A submitted interview: its ids, where its video went, and the request sent for it."""

    interview_id: str
    user_id: str
    video_path: str
    message_id: str
    duration: float | None


class SubmitInterview:
    """Probe, upload, record, request: the upstream's side of one interview, in that order.

    Nothing is uploaded or written unless the file is media with an audio track; the record
    is written only after the upload, and the request only after the record.
    """

    def __init__(
        self,
        probe: MediaProbe,
        uploader: VideoUploader,
        catalog: InterviewCatalog,
        requests: RequestSender,
        clock: Clock,
    ) -> None:
        self._probe = probe
        self._uploader = uploader
        self._catalog = catalog
        self._requests = requests
        self._clock = clock

    def execute(self, video: Path, *, user_id: str | None = None) -> Submission:
        """Submit the file `video` for `user_id` (a new UUID when None).

        Raises what MediaProbe.probe raises before anything is stored, then what
        VideoUploader.upload, InterviewCatalog.create and RequestSender.send_request raise;
        an error after the upload says what was stored (the video's key, the pending
        interview's id), so that nothing stored is left unnamed.
        """
        duration = self._probe.probe(video)
        interview_id = str(uuid.uuid4())
        owner = user_id or str(uuid.uuid4())
        location = self._uploader.upload(video, video_key(owner, interview_id, video.name))
        now = self._clock.now()
        try:
            self._catalog.create(
                Interview(
                    id=interview_id,
                    video_path=location,
                    user_id=owner,
                    state=InterviewState.PENDING,
                    created_at=now,
                    updated_at=now,
                )
            )
        except InterviewError as exc:
            _tell_what_was_stored(
                exc, f"the video was stored as {location}, but no record of {interview_id}"
            )
            raise
        try:
            message_id = self._requests.send_request(interview_id)
        except InterviewError as exc:
            _tell_what_was_stored(
                exc,
                f"interview {interview_id} is stored as pending, with no request on the "
                f"queue: `ai-interviews reprocess {interview_id}` sends it once the queue "
                "answers",
            )
            raise
        return Submission(interview_id, owner, location, message_id, duration)


def _tell_what_was_stored(exc: InterviewError, stored: str) -> None:
    """Add to a submission's error what had been stored before it, so that none is lost."""
    exc.message = f"{exc.message}; {stored}"
