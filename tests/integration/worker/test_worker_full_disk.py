"""A worker whose disk is full for one job: that job waits and is retried, the others go on,
and the worker keeps running (exit 0), where a configuration error would stop it (exit 2)."""

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
WRAPPER = Path(__file__).with_name("full_disk_worker.py")


def test_a_full_disk_for_one_job_is_retried_while_the_others_complete(tmp_path: Path) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    database = tmp_path / "interviews.sqlite3"
    repository = SqliteInterviewRepository(database)
    queue = SqliteMessageSource(database)
    interview_ids = [str(uuid.uuid4()) for _ in range(3)]
    for interview_id in interview_ids:
        shutil.copy(SAMPLE / "interview.mp4", videos / f"{interview_id}.mp4")
        shutil.copy(
            SAMPLE / "interview.transcript.json", videos / f"{interview_id}.transcript.json"
        )
        repository.add(Interview(id=interview_id, video_path=f"{interview_id}.mp4"))
        queue.send(json.dumps({"interview_id": interview_id}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(
        INTERVIEWS_SQLITE_PATH=str(database),
        INTERVIEWS_LOCAL_VIDEO_ROOT=str(videos),
        INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_TEMP_DIR=str(tmp_path),
        INTERVIEWS_LOG_FILE=str(tmp_path / "worker.log"),
        TEST_FULL_DISK_FOLDERS="1",
        WORKER_CONCURRENCY="2",
        WORKER_WAIT_SECONDS="1",
        WORKER_BACKOFF_BASE_SECONDS="1",
        WORKER_BACKOFF_MAX_SECONDS="2",
    )

    worker = subprocess.run(
        [sys.executable, str(WRAPPER), "--mode", "sqs", "--idle-exit", "5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )

    assert worker.returncode == 0, worker.stderr
    records = {record.id: record for record in repository.all()}
    assert [records[i].state for i in interview_ids] == [InterviewState.COMPLETED] * 3
    assert queue.visible() == [] and queue.in_flight() == [] and queue.dead_letters == []
    log = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert log.count("MEDIA_UNAVAILABLE") >= 1
    assert "CONFIGURATION_ERROR" not in log
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("ai-interviews-")] == []
