"""Chaos: four workers, one SIGKILLed or SIGTERMed every few seconds and AWS throttling now
and then, until the queue drains.

A moto server runs in its own process (so it survives the kills) with a queue whose
visibility timeout is 5 s and a dead-letter queue after 13 receives, three more than the
workers' 10 attempts (the spare receives the worker advises). The workers reach it through a
proxy that, every 8 to 16 s, answers every request with 503 ThrottlingException for 1 to 3
s. Every 2 to 4 s a random worker is sent SIGKILL or (one time in three) SIGTERM, and a
replacement starts; a stopped worker must exit by itself within its grace period and 10 s.
100 interviews are seeded, 5 of them without a video, 2 poison ones whose transcription
crashes its worker every time, 10 with questions left from an earlier run; 110 messages are
sent (10 interviews twice). The fake stages take random time (transcription 0.5 to 3 s) and
the fake extractor is throttled on 3% of calls (a transient error). Poison interviews must
end failed with ATTEMPTS_EXHAUSTED, never left processing nor in the dead-letter queue, and
no other interview may fail. The verdict counts every interview, message and recorded
transcription, and how long the interviews an interrupted worker held waited for another
worker to take them up (the slowest recovery after a kill); it is printed (`pytest -s`) and
repeated in the assertion message. CHAOS_SEED=<n> replays a run's seeding, interruptions
and throttles.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from adapters.aws.dynamodb_repository import DynamoDBInterviewRepository
from adapters.aws.dynamodb_tables import (
    DEFAULT_INTERVIEWS_TABLE,
    DEFAULT_QUESTIONS_TABLE,
    create_interview_tables,
    put_interview,
)
from interview_core.analysis import build_questions
from interview_core.entities import ExtractedQuestion, Interview
from interview_core.limits import SPARE_RECEIVES
from tests.integration.chaos.chaos_controller import (
    Chaos,
    WorkerPool,
    moto_server_process,
    run_chaos,
    worker_environment,
)
from tests.integration.chaos.chaos_fakes import read_events
from tests.integration.chaos.chaos_verdict import (
    Verdict,
    check_events,
    check_interviews,
    check_poison_neighbours,
    check_recoveries,
)
from tests.throttling_proxy import ThrottlingProxy

REGION = "us-east-1"
BUCKET = "chaos-videos"
INTERVIEWS = 100
SENT_TWICE = 10
SEEDED_BAD = 5
WITH_LEFTOVERS = 10
VISIBILITY_SECONDS = 5
POISON = 2
# enough that random kills never exhaust a good one (a poison interview's crashes are its
# own: an interview whose worker died runs alone next); in trial runs a completed interview
# needed at most 4 receives
MAX_ATTEMPTS = 10
REDRIVE_LIMIT = MAX_ATTEMPTS + SPARE_RECEIVES  # the limit the worker advises
WORKERS = 4
CHAOS = Chaos(
    interrupt_every=(2.0, 4.0),
    sigterm_share=1 / 3,
    throttle_every=(8.0, 16.0),
    throttle_for=(1.0, 3.0),
)
MIN_KILLS = 3
MIN_TERMINATIONS = 1
MIN_THROTTLES = 2
SHUTDOWN_GRACE_SECONDS = 3
STOP_LIMIT_SECONDS = SHUTDOWN_GRACE_SECONDS + 10
# a killed worker's interviews come back after the 5 s visibility timeout, once its 4 s
# lease has lapsed; repeated kills and throttles may add a few rounds, not a whole lease of
# the default 900 s kind
RECOVERY_LIMIT_SECONDS = 60.0
TRANSIENT_RATE = 0.03  # the fake extractor throttles now and then: retries with backoff
# trial runs drained in 87 to 114 s: every interview a kill interrupted runs alone next
DEADLINE_SECONDS = 200.0
CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}


def _clients(url: str) -> tuple[Any, Any, Any]:
    session = boto3.Session(region_name=REGION, **CREDENTIALS)
    config = Config(retries={"mode": "standard", "total_max_attempts": 5})
    return tuple(  # type: ignore[return-value]
        session.client(name, endpoint_url=url, config=config) for name in ("sqs", "s3", "dynamodb")
    )


def _queues(sqs: Any) -> tuple[str, str]:
    dead = sqs.create_queue(QueueName="interviews-dead")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue = sqs.create_queue(
        QueueName="interviews",
        Attributes={
            "VisibilityTimeout": str(VISIBILITY_SECONDS),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(REDRIVE_LIMIT)}
            ),
        },
    )["QueueUrl"]
    return queue, dead


def _message_count(sqs: Any, queue_url: str) -> int:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(name, 0)) for name in names)


def _seed(
    rng: random.Random, s3: Any, dynamodb: Any, repository: DynamoDBInterviewRepository
) -> tuple[list[str], set[str]]:
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(INTERVIEWS)]
    bad = set(rng.sample(ids, SEEDED_BAD))
    s3.create_bucket(Bucket=BUCKET)
    for interview_id in ids:
        key = f"videos/{interview_id}.mp4"
        if interview_id not in bad:
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"a video the fakes never decode")
        put_interview(
            dynamodb, DEFAULT_INTERVIEWS_TABLE, Interview(id=interview_id, video_path=key)
        )
    earlier = [ExtractedQuestion(f"Earlier question {n}?", "Earlier answer.") for n in range(8)]
    for interview_id in rng.sample(sorted(set(ids) - bad), WITH_LEFTOVERS):
        # positions 5 to 7: never produced by the fake extractor, so they must be removed.
        # Written as an earlier run writes them (under its lease), whose record is then put
        # back as the upstream left it, keeping the ids that run named.
        repository.claim(interview_id, "earlier-run", 60)
        repository.replace_questions(
            interview_id,
            build_questions(interview_id, earlier)[5:],
            owner="earlier-run",
            generation=0,
        )
        dynamodb.update_item(
            TableName=DEFAULT_INTERVIEWS_TABLE,
            Key={"id": {"S": interview_id}},
            UpdateExpression="SET attempts = :zero, #state = :pending"
            " REMOVE lease_owner, lease_expires_at",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":zero": {"N": "0"}, ":pending": {"S": "pending"}},
        )
    return ids, bad


def _send(rng: random.Random, sqs: Any, queue_url: str, ids: list[str]) -> int:
    bodies = [json.dumps({"interview_id": i}) for i in ids + rng.sample(ids, SENT_TWICE)]
    rng.shuffle(bodies)
    for start in range(0, len(bodies), 10):
        batch = bodies[start : start + 10]
        entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(batch)]
        response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        assert not response.get("Failed"), response.get("Failed")
    return len(bodies)


def _worker_settings(url: str, queue_url: str) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": url,
        "AWS_S3_BUCKET": BUCKET,
        "AWS_SQS_QUEUE_URL": queue_url,
        "INTERVIEWS_BACKEND": "aws",
        "INTERVIEWS_TRANSCRIBER": "stub",  # replaced by the chaos fakes
        "INTERVIEWS_QUESTION_EXTRACTOR": "heuristic",  # replaced by the chaos fakes
        # the lease lapses before the message reappears, so a killed holder costs one receive
        "INTERVIEWS_LEASE_SECONDS": "4",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_SECONDS),
        "WORKER_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "WORKER_CONCURRENCY": "4",
        "WORKER_WAIT_SECONDS": "2",
        "WORKER_BACKOFF_BASE_SECONDS": "0.5",
        "WORKER_BACKOFF_MAX_SECONDS": "2",
        "WORKER_SHUTDOWN_GRACE_SECONDS": str(SHUTDOWN_GRACE_SECONDS),
        "INTERVIEWS_LOG_FORMAT": "json",
        "INTERVIEWS_LOG_LEVEL": "INFO",
    }


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_killed_workers_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("CHAOS_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    events_dir, logs_dir = tmp_path / "events", tmp_path / "logs"
    logs_dir.mkdir()
    with (
        moto_server_process(logs_dir / "moto.log") as url,
        ThrottlingProxy(url) as proxy,
    ):
        sqs, s3, dynamodb = _clients(url)
        create_interview_tables(dynamodb)
        repository = DynamoDBInterviewRepository(
            dynamodb, DEFAULT_INTERVIEWS_TABLE, DEFAULT_QUESTIONS_TABLE
        )
        queue_url, dead_url = _queues(sqs)
        ids, bad = _seed(rng, s3, dynamodb, repository)
        poison = frozenset(rng.sample(sorted(set(ids) - bad), POISON))
        sent = _send(rng, sqs, queue_url, ids)

        pool = WorkerPool(
            env=worker_environment(os.environ, _worker_settings(proxy.url, queue_url)),
            events_dir=events_dir,
            logs_dir=logs_dir,
            worker_args=(
                *("--transient-rate", str(TRANSIENT_RATE)),
                *("--transcribe-seconds", "0.5", "3.0"),
                *("--crash-on", ",".join(sorted(poison))),
            ),
            stop_limit=STOP_LIMIT_SECONDS,
        )
        try:
            run = run_chaos(
                pool,
                lambda: _message_count(sqs, queue_url) == 0,
                CHAOS,
                workers=WORKERS,
                deadline_seconds=DEADLINE_SECONDS,
                throttle=proxy.throttle,
                seed=rng.randrange(2**32),
            )
        finally:
            exit_codes = pool.stop_all(grace_seconds=10)

        verdict = Verdict(messages_sent=sent)
        verdict.run = {
            "seed": seed,
            "drained": run.drained,
            "seconds": round(run.seconds, 1),
            "kills": run.kills,
            "terminations": run.terminations,
            "slowest exit after SIGTERM": round(max(pool.stop_seconds, default=0.0), 1),
            "stopped workers killed past the limit": pool.stop_overran,
            "throttles": run.throttles,
            "seconds throttled": round(run.throttled_seconds, 1),
            "requests throttled": proxy.throttled_requests,
            "workers started": run.workers_started,
            "workers that exited by themselves, by exit code": dict(Counter(pool.exited)),
            "exit codes at the end": exit_codes,
        }
        records = {interview_id: repository.get(interview_id) for interview_id in ids}
        questions = {interview_id: repository.list_questions(interview_id) for interview_id in ids}
        check_interviews(verdict, records, questions, bad, poison)
        verdict.messages_left = _message_count(sqs, queue_url)
        verdict.dead_lettered = _message_count(sqs, dead_url)
    events = read_events(events_dir)
    check_events(verdict, events)
    check_recoveries(verdict, events, pool.interruptions, poison)
    check_poison_neighbours(verdict, events, poison)

    print("\n" + verdict.summary())
    assert run.drained, verdict.summary()
    assert run.kills >= MIN_KILLS, verdict.summary()
    assert run.terminations >= MIN_TERMINATIONS, verdict.summary()
    assert run.throttles >= MIN_THROTTLES and proxy.throttled_requests > 0, verdict.summary()
    assert pool.stop_overran == 0, verdict.summary()
    assert verdict.ok, verdict.summary()
    slowest = verdict.slowest_recovery("SIGKILL")
    assert slowest is None or slowest <= RECOVERY_LIMIT_SECONDS, verdict.summary()
