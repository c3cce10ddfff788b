"""A retry through the local preset resumes after the stage that finished: the worker, in a
subprocess, keeps the transcript beside the SQLite file, and the next run needs neither the
video nor its transcription again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from adapters.local.sqlite_message_source import SqliteMessageSource
from adapters.local.sqlite_repository import SqliteInterviewRepository
from interview_core.entities import Interview
from interview_core.state import InterviewState

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"


def worker(tmp_path: Path, *arguments: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """The offline worker on the SQLite file of `tmp_path` with the stub transcriber (which
    reads the video's sidecar transcript) and real ffmpeg, until idle."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "INTERVIEWS_", "WORKER_", "OPENAI_"))
    }
    env.update(
        INTERVIEWS_SQLITE_PATH=str(tmp_path / "interviews.sqlite3"),
        INTERVIEWS_LOCAL_VIDEO_ROOT=str(tmp_path / "videos"),
        INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_LOG_FILE=str(tmp_path / "worker.log"),
        WORKER_WAIT_SECONDS="1",
        WORKER_BACKOFF_BASE_SECONDS="0.01",
        WORKER_BACKOFF_MAX_SECONDS="0.05",
        **settings,
    )
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "--mode", "sqs", *arguments],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_retry_resumes_from_the_kept_transcript_without_the_video(tmp_path: Path) -> None:
    interview_id = str(uuid.uuid4())
    videos = tmp_path / "videos"
    videos.mkdir()
    video = videos / f"{interview_id}.mp4"
    sidecar = videos / f"{interview_id}.transcript.json"
    shutil.copy(SAMPLE / "interview.mp4", video)
    shutil.copy(SAMPLE / "interview.transcript.json", sidecar)
    database = tmp_path / "interviews.sqlite3"
    repository = SqliteInterviewRepository(database)
    repository.add(Interview(id=interview_id, video_path=video.name))
    SqliteMessageSource(database).send(json.dumps({"interview_id": interview_id}))
    kept = tmp_path / "interviews.sqlite3-stages" / interview_id / "g0"

    # the question model cannot be reached: a transient failure after transcription
    first = worker(
        tmp_path,
        "--max-messages",
        "1",
        INTERVIEWS_QUESTION_EXTRACTOR="openai",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        OPENAI_API_KEY="unused",
        INTERVIEWS_OPENAI_MODEL="unreachable",
        INTERVIEWS_OPENAI_MAX_RETRIES="0",
    )

    assert first.returncode == 0, first.stderr
    after_first = repository.get(interview_id)
    assert (after_first.state, after_first.lease_owner) == (InterviewState.PROCESSING, None)
    assert (kept / "transcript.json").is_file()
    assert repository.list_questions(interview_id) == []

    # neither the video nor what the stub transcriber reads is there any more: the retry
    # completes only if it fetches, extracts and transcribes nothing
    video.unlink()
    sidecar.unlink()
    second = worker(tmp_path, "--idle-exit", "3")

    assert second.returncode == 0, second.stderr
    record = repository.get(interview_id)
    assert record.state is InterviewState.COMPLETED, (record.error_code, record.error_message)
    assert len(repository.list_questions(interview_id)) == record.question_count > 0
    # the questions kept for a retry are gone; the transcript stays for the exports
    assert sorted(p.name for p in kept.iterdir()) == ["transcript.json"]
    assert SqliteMessageSource(database).visible() == []
