"""DeliveryHeartbeat: visibility always, the lease once claimed, nothing after stop."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from adapters.local.memory_message_source import InMemoryMessageSource
from adapters.local.memory_repository import InMemoryInterviewRepository
from entrypoints.worker.delivery import InFlight
from entrypoints.worker.heartbeat import DeliveryHeartbeat, heartbeat_interval
from interview_core.clock import ManualClock
from interview_core.entities import Interview
from interview_core.errors import QueueUnavailable, RepositoryUnavailable
from interview_core.ports import QueueMessage
from tests.unit.entrypoints.worker_fakes import RecordingMessageSource
from tests.unit.fakes import FaultyInterviewRepository

ID = "3c7d1e9a-2b4f-4a6e-8d0c-5f1a2b3c4d5e"


class Rig:
    """A heartbeat over a received message of a claimed interview, on a manual clock."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.queue = InMemoryMessageSource(self.clock, visibility_timeout=30.0, long_poll=False)
        self.source = RecordingMessageSource(self.queue)
        self.store = InMemoryInterviewRepository(self.clock)
        self.store.add(Interview(id=ID, video_path="videos/a.mp4"))
        self.repo = FaultyInterviewRepository(self.store)
        self.queue.send(json.dumps({"interview_id": ID}))
        [self.message] = self.queue.receive(1, 0)
        self.store.claim(ID, "me", 60.0)
        self.entry = InFlight(self.message)
        self.heartbeat = self.new_heartbeat()

    def new_heartbeat(
        self, source: RecordingMessageSource | None = None, **options: Any
    ) -> DeliveryHeartbeat:
        """A heartbeat over this rig's message (30 s visibility, 60 s lease) and `options`."""
        return DeliveryHeartbeat(
            source or self.source,
            self.repo,
            self.entry,
            visibility_seconds=30.0,
            lease_seconds=60.0,
            **options,
        )

    def lease_expiry_in(self) -> float:
        expires = self.store.get(ID).lease_expires_at
        assert expires is not None
        return (expires - self.clock.now()).total_seconds()


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_the_interval_is_a_third_of_the_shorter_timeout() -> None:
    assert heartbeat_interval(30.0, 900.0) == 10.0
    assert heartbeat_interval(60.0, 15.0) == 5.0


def test_before_the_claim_only_the_visibility_is_extended(rig: Rig) -> None:
    rig.heartbeat.beat()
    assert [(m, s) for m, s, _ in rig.source.extends] == [(rig.message.message_id, 30.0)]
    assert "extend_lease" not in rig.repo.calls


def test_once_claimed_both_the_visibility_and_the_lease_are_extended(rig: Rig) -> None:
    rig.entry.lease_claimed(ID, "me")
    rig.clock.advance(50)
    rig.heartbeat.beat()
    assert len(rig.source.extends) == 1
    assert rig.repo.calls == ["extend_lease"]
    assert rig.lease_expiry_in() == 60.0
    assert rig.queue.visible() == []  # hidden again, although its first 30 s had run out
    rig.clock.advance(31)
    assert len(rig.queue.visible()) == 1
    assert rig.entry.lease == (ID, "me")


def test_a_lost_lease_is_no_longer_extended_but_the_message_still_is(rig: Rig) -> None:
    rig.entry.lease_claimed(ID, "not-me")
    rig.heartbeat.beat()
    assert rig.entry.lease_lost
    rig.heartbeat.beat()
    assert rig.repo.calls == ["extend_lease"]
    assert len(rig.source.extends) == 2


def test_failed_extensions_are_logged_and_tried_again_on_the_next_beat(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.entry.lease_claimed(ID, "me")
    rig.source.extend_faults.fail(QueueUnavailable("throttled"))
    rig.repo.faults["extend_lease"].fail(RepositoryUnavailable("throttled"))
    rig.heartbeat.beat()
    assert not rig.entry.lease_lost
    assert "QUEUE_UNAVAILABLE" in caplog.text
    assert "REPOSITORY_UNAVAILABLE" in caplog.text
    rig.clock.advance(10)
    rig.heartbeat.beat()
    assert len(rig.source.extends) == 1
    assert rig.repo.calls == ["extend_lease", "extend_lease"]
    assert rig.lease_expiry_in() == 60.0


def test_nothing_is_extended_after_stop(rig: Rig) -> None:
    rig.entry.lease_claimed(ID, "me")
    rig.heartbeat.stop()
    rig.heartbeat.beat()
    assert rig.source.extends == []
    assert rig.repo.calls == []


def test_stop_waits_for_a_beat_in_progress(rig: Rig) -> None:
    entered, finish = threading.Event(), threading.Event()
    order: list[str] = []

    class SlowSource(RecordingMessageSource):
        def extend(self, message: QueueMessage, visibility_seconds: float) -> None:
            entered.set()
            finish.wait(5)
            order.append("extended")

    heartbeat = rig.new_heartbeat(SlowSource(rig.queue))
    beating = threading.Thread(target=heartbeat.beat)
    beating.start()
    entered.wait(5)
    threading.Timer(0.1, finish.set).start()
    heartbeat.stop()
    order.append("stopped")
    beating.join(5)
    assert order == ["extended", "stopped"]


def test_the_thread_beats_on_its_interval_until_stopped(rig: Rig) -> None:
    heartbeat = rig.new_heartbeat(interval_seconds=0.02)
    heartbeat.start()
    time.sleep(0.15)
    heartbeat.stop()
    beats = heartbeat.beats
    assert beats >= 3
    time.sleep(0.06)
    assert heartbeat.beats == beats


def test_past_the_job_timeout_it_stops_beating_and_calls_on_timeout_once(rig: Rig) -> None:
    timed_out = threading.Event()
    calls: list[int] = []

    def on_timeout() -> None:
        calls.append(rig.heartbeat.beats)
        timed_out.set()

    rig.heartbeat = rig.new_heartbeat(
        interval_seconds=0.05, job_timeout_seconds=0.3, on_timeout=on_timeout
    )
    rig.heartbeat.start()
    assert timed_out.wait(5)
    beats = rig.heartbeat.beats
    time.sleep(0.2)

    assert calls == [beats] and beats >= 2  # beat until the deadline, then never again
    assert rig.heartbeat.beats == beats
    rig.heartbeat.stop()


def test_work_that_stops_before_the_job_timeout_never_times_out(rig: Rig) -> None:
    calls: list[str] = []
    rig.heartbeat = rig.new_heartbeat(
        interval_seconds=0.05, job_timeout_seconds=0.3, on_timeout=lambda: calls.append("timeout")
    )
    rig.heartbeat.start()
    time.sleep(0.1)
    rig.heartbeat.stop()
    time.sleep(0.4)

    assert calls == []


def test_heartbeats_of_messages_received_together_start_out_of_step(rig: Rig) -> None:
    firsts = [rig.new_heartbeat().first_beat_seconds for _ in range(50)]
    assert all(1.0 <= first <= 10.0 for first in firsts)  # within one 10 s interval
    assert max(firsts) - min(firsts) > 5.0  # spread over it, not all at once


def test_the_first_beat_comes_after_its_part_of_the_interval(rig: Rig) -> None:
    early, late = (
        rig.new_heartbeat(interval_seconds=2.0, first_beat_fraction=fraction)
        for fraction in (0.1, 1.0)
    )
    early.start()
    late.start()
    time.sleep(1.0)  # the early one beat at 0.2 s; the late one beats at 2 s
    early.stop()
    late.stop()
    assert (early.beats, late.beats) == (1, 0)
