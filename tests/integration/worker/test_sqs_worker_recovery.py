"""Real worker processes killed with SIGKILL, held back by a dead worker's lease, or given
unreadable records: every interview ends completed or failed, soon, and no message is stuck."""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from adapters.aws.dynamodb_tables import DEFAULT_INTERVIEWS_TABLE
from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack, stop, wait_for
from tests.media_factory import MediaFactory


def requested_interview(stack: AwsStack, media: MediaFactory) -> str:
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)
    return interview_id


def kill_when_transcribing(stack: AwsStack, env: dict[str, str]) -> float:
    """Start a worker whose transcription hangs, SIGKILL it once it transcribes; the kill's
    monotonic time."""
    started = stack.folder / "transcribing"
    started.unlink(missing_ok=True)
    process = stack.start(env={**env, "TEST_TRANSCRIBE_STARTED": str(started)}, sleepy=True)
    try:
        wait_for(started.exists, 30, "the transcription to start")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        return time.monotonic()
    finally:
        stop(process)


def test_an_interview_whose_every_attempt_is_killed_ends_failed_not_stuck(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=3)  # WORKER_MAX_ATTEMPTS=2
    interview_id = requested_interview(stack, media)
    # the lease lapses before the message comes back, so each kill costs one receive
    env = stack.env(
        TEST_TRANSCRIBE_SECONDS="120",
        INTERVIEWS_LEASE_SECONDS="2",
        WORKER_VISIBILITY_TIMEOUT_SECONDS="3",
    )

    for attempt in (1, 2):
        kill_when_transcribing(stack, env)
        record = stack.record(interview_id)
        assert (record.state, record.attempts) == (InterviewState.PROCESSING, attempt)
    process = stack.run("--idle-exit", "8", env=env)

    assert process.returncode == 0, process.stderr
    record = stack.record(interview_id)
    assert (record.state, record.error_code, record.attempts) == (
        InterviewState.FAILED,
        "ATTEMPTS_EXHAUSTED",
        2,
    )
    assert record.lease_owner is None
    assert stack.queue_counts() == (0, 0)  # deleted, not left for the dead-letter queue
    assert stack.dead_letter_ids() == set()


def test_a_dead_workers_lease_holds_the_next_delivery_back_only_for_its_time_left(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = requested_interview(stack, media)
    # the message comes back while the dead worker's lease still runs: it is released for
    # what is left of the lease (20 s at most), not the 120 s the busy delay allows
    env = stack.env(
        INTERVIEWS_LEASE_SECONDS="20",
        WORKER_VISIBILITY_TIMEOUT_SECONDS="2",
        WORKER_BUSY_DELAY_SECONDS="120",
    )
    killed = kill_when_transcribing(stack, {**env, "TEST_TRANSCRIBE_SECONDS": "120"})
    process = stack.start(env=env)
    try:
        wait_for(
            lambda: stack.record(interview_id).state is InterviewState.COMPLETED,
            60,
            "the interview to complete",
        )
        recovered = time.monotonic() - killed
    finally:
        stop(process)
    assert recovered < 40, f"completed {recovered:.1f} s after the kill"
    assert stack.record(interview_id).attempts == 2
    assert '"error_code": "LEASE_HELD"' in stack.logs()


def test_unreadable_records_end_failed_with_the_reason_and_are_never_left_pending(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    key = stack.upload("videos/talk.mp4", media.speech_mp4)
    damaged = {
        "attempts": {"attempts": {"S": "many"}},
        "lease_expires_at": {
            "lease_owner": {"S": "long-gone"},
            "lease_expires_at": {"S": "2026-01-01T12:00:00Z"},
        },
        "video_path": {"video_path": {"N": "42"}},
    }
    ids = {}
    for name, attributes in damaged.items():
        interview_id = str(uuid.uuid4())
        item = {"id": {"S": interview_id}, "video_path": {"S": key}, **attributes}
        stack.dynamodb.put_item(TableName=DEFAULT_INTERVIEWS_TABLE, Item=item)
        stack.request(interview_id)
        ids[name] = interview_id

    process = stack.run("--idle-exit", "3")

    assert process.returncode == 0, process.stderr
    for name, interview_id in ids.items():
        record = stack.record(interview_id)
        assert (record.state, record.error_code) == (
            InterviewState.FAILED,
            "INVALID_INTERVIEW_RECORD",
        ), name
        assert record.error_message is not None and name in record.error_message
        assert record.lease_owner is None
    assert stack.queue_counts() == (0, 0)
    assert stack.dead_letter_ids() == set()


def test_a_hung_job_is_given_up_after_the_job_timeout_and_done_by_the_next_worker(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    interview_id = requested_interview(stack, media)
    started, alive = stack.folder / "transcribing", stack.folder / "alive"
    env = stack.env(
        TEST_TRANSCRIBE_SECONDS="120",
        TEST_TRANSCRIBE_STARTED=str(started),
        INTERVIEWS_MEDIA_TIMEOUT_SECONDS="5",
        INTERVIEWS_JOB_TIMEOUT_SECONDS="6",
        WORKER_CONCURRENCY="1",
        WORKER_HEARTBEAT_FILE=str(alive),
    )
    process = stack.start(env=env, sleepy=True)
    try:
        wait_for(started.exists, 30, "the transcription to start")
        wait_for(lambda: stack.record(interview_id).lease_owner is None, 15, "the job to time out")
        time.sleep(1.5)  # a receiver loop that was touching the file has finished
        touched = alive.stat().st_mtime_ns
        time.sleep(2.5)  # the receiver loops every second while its one slot is taken
        assert alive.stat().st_mtime_ns == touched, "the liveness file stayed fresh"
        assert process.poll() is None
    finally:
        stop(process)
    assert '"error_code": "JOB_TIMED_OUT"' in stack.logs()
    assert stack.record(interview_id).state is InterviewState.PROCESSING

    finished = stack.run("--idle-exit", "5")

    assert finished.returncode == 0, finished.stderr
    assert stack.record(interview_id).state is InterviewState.COMPLETED
    assert stack.queue_counts() == (0, 0)


def test_a_queue_that_would_dead_letter_the_last_look_is_refused_at_start(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=3)
    interview_id = requested_interview(stack, media)

    process = stack.run("--idle-exit", "3", env=stack.env(WORKER_MAX_ATTEMPTS="3"))

    assert process.returncode == 2
    assert "maxReceiveCount is 3" in process.stderr
    assert "WORKER_MAX_ATTEMPTS" in process.stderr
    assert stack.queue_counts() == (1, 0)  # nothing received
    assert stack.record(interview_id).state is InterviewState.PENDING


def test_the_interviews_a_killed_worker_held_run_alone_on_the_next_worker(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack()
    ids = [requested_interview(stack, media) for _ in range(2)]
    env = stack.env(INTERVIEWS_LEASE_SECONDS="2", WORKER_VISIBILITY_TIMEOUT_SECONDS="3")
    doomed = stack.start(env={**env, "TEST_TRANSCRIBE_SECONDS": "120"}, sleepy=True)
    try:
        wait_for(lambda: all(stack.record(i).attempts == 1 for i in ids), 30, "both to be claimed")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        stop(doomed)

    # each takes a second on the next worker, which has room for both at once
    process = stack.start(
        "--idle-exit", "6", env={**env, "TEST_TRANSCRIBE_SECONDS": "1"}, sleepy=True
    )
    try:
        process.wait(timeout=60)
    finally:
        code, err = stop(process)

    assert code == 0, err
    assert all(stack.record(i).state is InterviewState.COMPLETED for i in ids)
    lines = [json.loads(line) for line in stack.logs().splitlines() if line.startswith("{")]
    alone = {line.get("interview_id") for line in lines if "running it alone" in line["message"]}
    assert alone == set(ids)
    ended = sorted(
        datetime.fromisoformat(line["time"])
        for line in lines
        if line["message"].startswith("PROCESSING_METRICS") and "SUCCESS" in line["message"]
    )
    assert len(ended) == 2
    assert (ended[1] - ended[0]).total_seconds() >= 0.9  # one after the other
