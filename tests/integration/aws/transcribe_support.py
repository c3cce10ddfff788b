"""What the Transcribe tests share: names, a fake clock, the stand-in for Transcribe's
writing of transcripts (moto runs jobs but writes none), and the transcriber under test."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from adapters.aws.transcribe_transcriber import TranscribeTranscriber
from adapters.transcripts import parse_transcribe_output

REGION = "us-east-1"
BUCKET = "interview-audio"
JOB_ID = "6f1c2a7e-93b4-4c1d-8e2f-0a5b7c9d1e3f"
BASE_NAME = f"interview-{JOB_ID}"
OUTPUT_KEY = f"transcribe/{JOB_ID}/transcript.json"
AUDIO_KEY = f"transcribe/{JOB_ID}/audio.flac"
OUTPUT_URI = f"https://s3.{REGION}.amazonaws.com/{BUCKET}/{OUTPUT_KEY}"
NEWSCAST = "transcribe_2023_newscast_speaker_labels.json"
NEWSCAST_SECONDS = 189.07
JOB_NAME_RULE = re.compile(r"[0-9a-zA-Z._-]{1,200}")


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Publisher:
    """Writes `body` where each completed job says its transcript is, once per job (as
    Transcribe would), while `on`; `published` lists the URIs written, in order."""

    def __init__(self, s3: Any, body: bytes) -> None:
        self.s3 = s3
        self.body = body
        self.on = True
        self.published: list[str] = []
        self._jobs: set[str] = set()

    def on_get(self, parsed: dict[str, Any], **_: Any) -> None:
        job = parsed.get("TranscriptionJob", {})
        uri = job.get("Transcript", {}).get("TranscriptFileUri")
        name = job.get("TranscriptionJobName")
        if not (self.on and job.get("TranscriptionJobStatus") == "COMPLETED" and uri):
            return
        if name not in self._jobs:
            bucket, _, key = urlsplit(uri).path.lstrip("/").partition("/")
            self.s3.put_object(Bucket=bucket, Key=key, Body=self.body)
            self._jobs.add(name)
            self.published.append(uri)


def transcriber_for(
    transcribe: Any, s3: Any, fake_time: FakeTime, **options: Any
) -> TranscribeTranscriber:
    """The transcriber under test on `fake_time`, writing to BUCKET."""
    return TranscribeTranscriber(
        transcribe, s3, BUCKET, sleep=fake_time.sleep, clock=fake_time.clock, **options
    )


def expected_transcript(newscast: bytes, duration: float | None) -> Any:
    """What the transcriber returns for that Transcribe output and audio length."""
    parsed = parse_transcribe_output(newscast)
    return parsed if duration is None else type(parsed)(parsed.segments, parsed.language, duration)
