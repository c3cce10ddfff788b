"""Transcribe reads eligible videos straight from S3: no download, no audio extraction."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.aws.s3_video_store import S3VideoStore
    from adapters.aws.transcribe_transcriber import TranscribeTranscriber
    from interview_core.entities import Transcript


class S3InPlaceTranscriber:
    """Hands Transcribe the S3 object itself when its container and size allow it."""

    def __init__(self, store: S3VideoStore, transcriber: TranscribeTranscriber) -> None:
        self._store = store
        self._transcriber = transcriber

    def transcribe_in_place(
        self, location: str, *, job_id: str, generation: int = 0
    ) -> Transcript | None:
        """The transcript of the job for `job_id` in `generation`, or None when Transcribe
        cannot read the object as it is.

        One HeadObject (after the key is validated) decides; raises what S3VideoStore and
        TranscribeTranscriber raise.
        """
        size = self._store.object_size(location)
        if not self._transcriber.accepts_directly(location, size):
            return None
        return self._transcriber.transcribe_stored(
            self._store.locate(location), job_id=job_id, generation=generation
        )
