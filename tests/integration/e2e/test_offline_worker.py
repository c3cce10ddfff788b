"""The queue worker fully offline: two processes share one SQLite file for records and queue."""

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
from interview_core.ids import question_id
from interview_core.state import InterviewState

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "interview"


def test_two_offline_workers_drain_the_queue(tmp_path: Path) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    database = tmp_path / "interviews.sqlite3"
    repository = SqliteInterviewRepository(database)
    queue = SqliteMessageSource(database)
    good = [str(uuid.uuid4()) for _ in range(4)]
    missing = str(uuid.uuid4())
    for interview_id in good:
        shutil.copy(SAMPLE / "interview.mp4", videos / f"{interview_id}.mp4")
        shutil.copy(
            SAMPLE / "interview.transcript.json", videos / f"{interview_id}.transcript.json"
        )
    for interview_id in [*good, missing]:
        repository.add(Interview(id=interview_id, video_path=f"{interview_id}.mp4"))
        queue.send(json.dumps({"interview_id": interview_id}))
    queue.send(json.dumps({"interview_id": good[0]}))  # a duplicate delivery
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(
        INTERVIEWS_SQLITE_PATH=str(database),
        INTERVIEWS_LOCAL_VIDEO_ROOT=str(videos),
        INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_LOG_FILE=str(tmp_path / "worker.log"),
        WORKER_WAIT_SECONDS="1",
        WORKER_CONCURRENCY="2",
        WORKER_BUSY_DELAY_SECONDS="1",  # the duplicate comes back soon and finds it completed
    )
    command = [sys.executable, "-m", "entrypoints.cli", "--mode", "sqs", "--idle-exit", "4"]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=60) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    records = {record.id: record for record in repository.all()}
    for interview_id in good:
        assert records[interview_id].state is InterviewState.COMPLETED
        stored = repository.list_questions(interview_id)
        assert [q.id for q in stored] == [question_id(interview_id, n) for n in range(6)]
    assert records[missing].state is InterviewState.FAILED
    assert records[missing].error_code == "VIDEO_NOT_FOUND"
    assert queue.visible() == [] and queue.in_flight() == [] and queue.dead_letters == []
    log = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert log.count("PROCESSING_METRICS") >= 6  # five interviews and the duplicate


def test_a_worker_without_ffmpeg_fails_no_interview_keeps_the_messages_and_exits_1(
    tmp_path: Path,
) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    database = tmp_path / "interviews.sqlite3"
    repository = SqliteInterviewRepository(database)
    queue = SqliteMessageSource(database)
    interview_ids = [str(uuid.uuid4()) for _ in range(3)]
    for interview_id in interview_ids:
        shutil.copy(SAMPLE / "interview.mp4", videos / f"{interview_id}.mp4")
        repository.add(Interview(id=interview_id, video_path=f"{interview_id}.mp4"))
        queue.send(json.dumps({"interview_id": interview_id}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(
        INTERVIEWS_SQLITE_PATH=str(database),
        INTERVIEWS_LOCAL_VIDEO_ROOT=str(videos),
        INTERVIEWS_TRANSCRIBER="stub",
        INTERVIEWS_FFMPEG_BINARY=str(tmp_path / "no-such-ffmpeg"),
        INTERVIEWS_LOG_FILE=str(tmp_path / "worker.log"),
        WORKER_MAX_ATTEMPTS="1",  # every receive is the last: a transient error would fail it
        WORKER_WAIT_SECONDS="1",
        WORKER_CONCURRENCY="1",
    )
    command = [sys.executable, "-m", "entrypoints.cli", "--mode", "sqs", "--idle-exit", "10"]

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: TOOL_MISSING: ")
    assert "INTERVIEWS_FFMPEG_BINARY" in done.stderr
    for record in repository.all():
        assert record.state is not InterviewState.FAILED
        assert (record.error_code, record.lease_owner) == (None, None)
    assert len(queue) == 3 and queue.dead_letters == []
