"""Limits of the SQS-like queue and default timeouts, defined once for every layer."""

from __future__ import annotations

MAX_RECEIVE_BATCH = 10
"""The most messages one receive returns (SQS's limit)."""

MAX_WAIT_SECONDS = 20
"""The longest a receive may long-poll (SQS's limit)."""

MAX_VISIBILITY_SECONDS = 43_200
"""The longest a message can stay hidden: SQS's 12-hour ceiling on a visibility timeout."""

MAX_SEND_DELAY_SECONDS = 900
"""The longest a sent message may wait before it first becomes visible (SQS's limit)."""

QUEUE_VISIBILITY_SECONDS = 30.0
"""A queue's own visibility timeout when none is configured (SQS's default)."""

WORKER_VISIBILITY_SECONDS = 90
"""How long the worker hides each message it receives, renewed by its heartbeat. Longer than
the lease, so that the message of a worker killed mid-job comes back after its lease has run
out and the next delivery claims the interview at once."""

DEFAULT_LEASE_SECONDS = 60.0
"""How long a claim on an interview lasts without a heartbeat. Short, since the heartbeat
renews it (every third of it): a crashed worker's interview is free again within a minute."""

DEFAULT_JOB_TIMEOUT_SECONDS = 4 * 3600.0
"""The wall-clock limit on one attempt at an interview, after which it is abandoned."""

SPARE_RECEIVES = 3
"""Receives a queue should allow past WORKER_MAX_ATTEMPTS before its dead-letter queue takes a
message (maxReceiveCount = WORKER_MAX_ATTEMPTS + 3): each is a last look that marks an
unfinished interview failed, and a receive can be lost without one (a worker killed
between its receive and its claim), so one spare receive is not always enough."""

DEFAULT_THROTTLE_PATIENCE_SECONDS = 24 * 3600.0
"""How long an interview may keep being throttled (rate or quota refusals of any service)
before it is failed with THROTTLE_PATIENCE_EXHAUSTED: WORKER_THROTTLE_PATIENCE_SECONDS."""
