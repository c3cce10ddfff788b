"""Runs the `ai-interviews` command with a transcriber that sleeps first, for shutdown tests.

The transcriber is the stub with INTERVIEWS_STUB_TRANSCRIPT's transcript; before returning it,
each call writes its job id to the file TEST_TRANSCRIBE_STARTED (when set) and sleeps
TEST_TRANSCRIBE_SECONDS. Everything else is the real command, wired from the environment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from dependency_injector import providers

from adapters.local.stub_transcriber import StubTranscriber
from adapters.transcripts.native import read_transcript
from entrypoints.cli import main
from entrypoints.container import Container
from interview_core.entities import AudioFile, Transcript
from interview_core.ports import ProgressCallback


class SleepingTranscriber:
    """A StubTranscriber that announces each call in a file and sleeps before answering."""

    def __init__(self, transcript: Path, seconds: float, started: Path | None) -> None:
        self._inner = StubTranscriber(read_transcript(transcript))
        self._seconds = seconds
        self._started = started

    def transcribe(
        self,
        audio: AudioFile,
        *,
        job_id: str,
        generation: int = 0,
        progress: ProgressCallback | None = None,
    ) -> Transcript:
        if self._started is not None:
            self._started.write_text(job_id, encoding="utf-8")
        time.sleep(self._seconds)
        return self._inner.transcribe(
            audio, job_id=job_id, generation=generation, progress=progress
        )


if __name__ == "__main__":
    started = os.environ.get("TEST_TRANSCRIBE_STARTED")
    Container.transcriber.override(
        providers.Singleton(
            SleepingTranscriber,
            transcript=Path(os.environ["INTERVIEWS_STUB_TRANSCRIPT"]),
            seconds=float(os.environ.get("TEST_TRANSCRIBE_SECONDS", "0")),
            started=Path(started) if started else None,
        )
    )
    sys.exit(main())
