"""A queue worker process for the chaos test: the real worker on AWS adapters, fake media.

Run as `python -m tests.integration.chaos.chaos_worker --events DIR` from the repository
root, configured by the environment like `ai-interviews --mode sqs`. Audio extraction,
transcription and question extraction are fakes that take random time; transcriptions and
claims are recorded under DIR. The process exits at once when its standard input closes,
so a worker never outlives the test that started it.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from entrypoints.log_config import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker import serve
from tests.container_fakes import fake_container
from tests.integration.chaos.chaos_fakes import (
    ClaimTrackingRepository,
    EventLog,
    RecordingTranscriber,
    SlowAudioExtractor,
    SlowQuestionExtractor,
)

EXIT_ORPHANED = 3


def _exit_when_parent_goes() -> None:
    """Read the raw descriptor (no buffer lock to trip over at shutdown) until end of file."""
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os._exit(EXIT_ORPHANED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=Path, required=True)
    parser.add_argument("--transient-rate", type=float, default=0.0)
    parser.add_argument("--media-seconds", type=float, nargs=2, default=(0.05, 0.3))
    parser.add_argument("--transcribe-seconds", type=float, nargs=2, default=(0.3, 1.5))
    parser.add_argument("--extract-seconds", type=float, nargs=2, default=(0.05, 0.3))
    parser.add_argument("--crash-on", default="", help="comma-separated poison interview ids")
    args = parser.parse_args(argv)
    threading.Thread(target=_exit_when_parent_goes, name="orphan-watch", daemon=True).start()

    settings = Settings()
    configure_logging(
        level=settings.log_level, log_file=settings.log_file, log_format=settings.log_format
    )
    log = EventLog(args.events)
    repository = ClaimTrackingRepository(fake_container(settings).repository(), log)
    container = fake_container(
        settings,
        repository=repository,
        audio_extractor=SlowAudioExtractor(tuple(args.media_seconds)),
        transcriber=RecordingTranscriber(
            repository,
            log,
            tuple(args.transcribe_seconds),
            crash_on=frozenset(filter(None, args.crash_on.split(","))),
        ),
        question_extractor=SlowQuestionExtractor(tuple(args.extract_seconds), args.transient_rate),
    )
    return serve(container)


if __name__ == "__main__":
    raise SystemExit(main())
