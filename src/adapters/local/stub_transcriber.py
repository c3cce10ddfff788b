"""A transcriber without speech recognition: a configured transcript or a sidecar file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from adapters.transcripts.aws_transcribe import parse_transcribe_output
from adapters.transcripts.native import read_transcript
from adapters.transcripts.subtitles import read_subtitles
from interview_core.errors import TranscriptionFailed

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from interview_core.entities import AudioFile, Transcript
    from interview_core.ports import ProgressCallback


def _read_transcribe_output(path: Path) -> Transcript:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptionFailed(
            f"cannot read Transcribe output {path.name}: {exc.strerror or exc}"
        ) from exc
    try:
        return parse_transcribe_output(raw)
    except TranscriptionFailed as exc:
        raise TranscriptionFailed(f"{path.name}: {exc.message}") from exc


SIDECARS: tuple[tuple[str, Callable[[Path], Transcript]], ...] = (
    (".transcript.json", read_transcript),
    (".transcribe.json", _read_transcribe_output),
    (".srt", read_subtitles),
    (".vtt", read_subtitles),
)
"""Sidecar suffixes after the video's stem, in the order they are tried, with their readers."""


class StubTranscriber:
    """The Transcriber port without speech recognition, for offline runs, demos and tests.

    Holds no mutable state, so one instance may serve several threads at once.
    """

    def __init__(self, transcript: Transcript | None = None) -> None:
        """`transcript`, when given, is returned for every audio file."""
        self._transcript = transcript

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        """The configured transcript, else the first sidecar found beside `audio.source`,
        in every generation (`job_id` and `generation` are not used).

        Sidecars are tried in this order, `<stem>` being the video's name without its
        extension: `<stem>.transcript.json` (our format), `<stem>.transcribe.json` (Amazon
        Transcribe output), `<stem>.srt`, `<stem>.vtt`. A sidecar transcript without a
        duration gets the audio's. `progress`, when given, is called once with
        (duration, duration) on success. Raises TranscriptionFailed when there is no
        configured transcript and the source video is unknown, when no sidecar exists
        (naming the files looked for), or when the sidecar cannot be read or parsed.
        """
        transcript = self._transcript if self._transcript is not None else self._from_sidecar(audio)
        if progress is not None:
            progress(audio.duration, audio.duration)
        return transcript

    def _from_sidecar(self, audio: AudioFile) -> Transcript:
        if audio.source is None:
            raise TranscriptionFailed(
                "the stub transcriber needs a configured transcript or the source video's "
                "path to find a sidecar transcript"
            )
        candidates = [
            (audio.source.with_name(audio.source.stem + suffix), reader)
            for suffix, reader in SIDECARS
        ]
        for path, reader in candidates:
            if path.is_file():
                transcript = reader(path)
                if transcript.duration is None:
                    transcript = attrs.evolve(transcript, duration=audio.duration)
                return transcript
        looked_for = ", ".join(path.name for path, _ in candidates)
        raise TranscriptionFailed(
            f"no sidecar transcript beside {audio.source.name} (looked for {looked_for})"
        )
