"""Poison messages and bad input in one batch with good ones: each ends as specified."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from interview_core.state import InterviewState
from tests.integration.worker.conftest import AwsStack
from tests.media_factory import MediaFactory

SENTINEL = "SENTINEL-POISON-BODY-5e2b"


def log_lines(stack: AwsStack) -> list[dict[str, Any]]:
    """The worker's JSON log lines from its log file."""
    return [json.loads(line) for line in stack.logs().splitlines() if line.startswith("{")]


def invalid_bodies() -> dict[str, str]:
    return {
        "not json": f"this is not json {SENTINEL}",
        "no interview_id": json.dumps({"video": SENTINEL}),
        "not a uuid": json.dumps({"interview_id": f"12345-{SENTINEL}"}),
        "extra fields": json.dumps({"interview_id": str(uuid.uuid4()), "note": SENTINEL}),
        "300 KB": json.dumps({"interview_id": SENTINEL + "x" * 300_000}),
    }


def test_each_bad_message_ends_as_specified_and_the_good_ones_are_processed(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=2)
    invalid = {stack.send(body): name for name, body in invalid_bodies().items()}
    unknown = str(uuid.uuid4())
    unknown_message = stack.request(unknown)
    failing = {
        "VIDEO_NOT_FOUND": stack.add_interview("videos/missing.mp4"),
        "INVALID_MEDIA": stack.add_interview(
            stack.upload("videos/corrupt.mp4", b"this text file only pretends to be a video")
        ),
        "NO_AUDIO_TRACK": stack.add_interview(
            stack.upload("videos/silent.mp4", media.no_audio_mp4)
        ),
        "INVALID_VIDEO_LOCATION": stack.add_interview("videos/../secrets/video.mp4"),
    }
    good_key = stack.upload("videos/talk.mp4", media.speech_mp4)
    good = [stack.add_interview(good_key) for _ in range(2)]
    for interview_id in [*failing.values(), good[0]]:
        stack.request(interview_id)
    stack.request(good[1])

    process = stack.run("--idle-exit", "3")

    assert process.returncode == 0, process.stderr
    for code, interview_id in failing.items():
        record = stack.record(interview_id)
        assert (record.state, record.error_code) == (InterviewState.FAILED, code)
        assert record.lease_owner is None
    for interview_id in good:
        assert stack.record(interview_id).state is InterviewState.COMPLETED
        assert len(stack.questions(interview_id)) >= 3
    assert stack.queue_counts() == (0, 0)  # every valid message deleted
    assert stack.dead_letter_ids() == set(invalid)  # every invalid one dead-lettered

    lines = log_lines(stack)
    for message_id, name in invalid.items():
        assert any(
            line.get("message_id") == message_id and line.get("error_code") == "INVALID_MESSAGE"
            for line in lines
        ), f"no INVALID_MESSAGE line for the {name} body"
    metrics = [line for line in lines if line["logger"] == "ai_interviews.metrics"]
    codes = {line["interview_id"]: line.get("error_code") for line in metrics}
    assert codes[unknown] == "INTERVIEW_NOT_FOUND"
    assert any(
        line["interview_id"] == unknown and line["message_id"] == unknown_message
        for line in metrics
    )
    for code, interview_id in failing.items():
        assert codes[interview_id] == code
    assert SENTINEL not in stack.logs(process)


def test_invalid_bodies_are_deleted_when_the_setting_says_so(
    make_stack: Callable[..., AwsStack], media: MediaFactory
) -> None:
    stack = make_stack(max_receive_count=2)
    bodies = invalid_bodies()
    for name in ("not json", "extra fields"):
        stack.send(bodies[name])
    interview_id = stack.add_interview(stack.upload("videos/talk.mp4", media.speech_mp4))
    stack.request(interview_id)

    process = stack.run("--max-messages", "3", env=stack.env(WORKER_INVALID_MESSAGES="delete"))

    assert process.returncode == 0, process.stderr
    assert stack.record(interview_id).state is InterviewState.COMPLETED
    assert stack.queue_counts() == (0, 0)
    assert stack.dead_letter_ids() == set()
    assert "worker stopped (max-messages): 3 messages handled" in stack.logs()
