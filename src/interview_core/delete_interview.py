"""Use case: the operator's delete, everything the pipeline holds for one interview."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from interview_core.errors import InvalidVideoLocation
from interview_core.state import InterviewState

if TYPE_CHECKING:
    from interview_core.ports import (
        InterviewEraser,
        InterviewFiles,
        TranscriptionJobs,
        VideoRemover,
    )


@attrs.frozen
class Erasure:
    """What one delete removed, and what it left where.

    `already_deleted`: the record said `deleted` before this run (nothing was left to
    remove). `video_left` names the video the upstream keeps (no `--include-video`, no
    store to remove it from, or a location the store does not hold: `video_elsewhere`);
    `video_removed` the one removed.
    """

    interview_id: str
    already_deleted: bool = False
    questions: int = 0
    transcription_jobs: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    video_removed: str | None = None
    video_left: str | None = None
    video_elsewhere: bool = False
    record_kept: bool = False


class DeleteInterview:
    """Mark deleting, remove questions, transcription jobs, files and (asked) the video,
    then remove or reduce the record: in that order, so that a delete cut short leaves a
    record that says `deleting`, which no worker claims and the next delete finishes.

    Transcription jobs go before the files, so that no job still writes a transcript once
    the files are gone. Each step is idempotent: what is already gone is no error.
    """

    def __init__(
        self,
        eraser: InterviewEraser,
        files: InterviewFiles | None = None,
        jobs: TranscriptionJobs | None = None,
        videos: VideoRemover | None = None,
    ) -> None:
        """`files`, `jobs` and `videos` are left out where the deployment has none (no
        kept stages, another transcriber, a video store that cannot remove)."""
        self._eraser = eraser
        self._files = files
        self._jobs = jobs
        self._videos = videos

    def execute(
        self, interview_id: str, *, include_video: bool = False, keep_record: bool = False
    ) -> Erasure:
        """Delete the interview; with `include_video` its video too, with `keep_record` the
        record stays, reduced to its id, `deleted` and its timestamps.

        Raises InterviewNotFound or LeaseHeld with nothing removed, then what the ports
        raise; after a failure part way the record says `deleting` and running this again
        finishes the delete.
        """
        record = self._eraser.begin_deletion(interview_id)
        if record.state is InterviewState.DELETED:
            return Erasure(interview_id, already_deleted=True, record_kept=True)
        questions = self._eraser.delete_questions(interview_id)
        jobs: list[str] = []
        if self._jobs is not None:
            jobs = self._jobs.delete_jobs(interview_id, record.generation)
        files: list[str] = []
        if self._files is not None:
            files = self._files.remove_files(interview_id, record.generation)
        location = record.video_path if record.record_problem is None else ""
        removed: str | None = None
        elsewhere = False
        if include_video and location and self._videos is not None:
            try:
                if self._videos.remove_video(location):
                    removed = location
                location = ""
            except InvalidVideoLocation:  # another bucket, a path out of the store: left
                elsewhere = True
        self._eraser.finish_deletion(interview_id, keep_record=keep_record)
        return Erasure(
            interview_id,
            questions=questions,
            transcription_jobs=tuple(jobs),
            files=tuple(files),
            video_removed=removed,
            video_left=location or None,
            video_elsewhere=elsewhere,
            record_kept=keep_record,
        )
