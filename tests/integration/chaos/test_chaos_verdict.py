"""The chaos verdict's recovery count: which interviews an interrupted worker held, and when
another worker took them up."""

from __future__ import annotations

from typing import Any

from tests.integration.chaos.chaos_controller import Interruption
from tests.integration.chaos.chaos_verdict import (
    Verdict,
    check_poison_neighbours,
    check_recoveries,
)


def event(kind: str, interview: str, pid: int, t: float) -> dict[str, Any]:
    return {"event": kind, "interview": interview, "owner": f"vm:{pid}/x", "pid": pid, "t": t}


def test_an_interview_held_at_a_kill_counts_until_another_worker_claims_it() -> None:
    events = [
        event("claim", "a", 1, 10.0),
        event("claim", "a", 2, 17.0),
        event("end", "a", 2, 19.5),
    ]
    verdict = Verdict()

    check_recoveries(verdict, events, [Interruption(1, 12.0, "SIGKILL")])

    assert verdict.recoveries == {"SIGKILL": [(5.0, "a")]}
    assert verdict.slowest_recovery("SIGKILL") == 5.0


def test_each_kill_of_an_interview_counts_from_itself_to_its_next_claim() -> None:
    events = [
        event("claim", "a", 1, 10.0),
        event("claim", "a", 2, 17.0),
        event("claim", "a", 3, 26.0),
        event("end", "a", 3, 27.0),
    ]
    verdict = Verdict()

    kills = [Interruption(1, 12.0, "SIGKILL"), Interruption(2, 18.0, "SIGKILL")]
    check_recoveries(verdict, events, kills)

    assert verdict.recoveries == {"SIGKILL": [(5.0, "a"), (8.0, "a")]}
    assert verdict.slowest_recovery("SIGKILL") == 8.0


def test_an_interview_its_own_worker_ends_after_a_sigterm_counts_until_its_end() -> None:
    events = [event("claim", "a", 1, 10.0), event("end", "a", 1, 12.5)]
    verdict = Verdict()

    check_recoveries(verdict, events, [Interruption(1, 11.0, "SIGTERM")])

    assert verdict.recoveries == {"SIGTERM": [(1.5, "a")]}


def test_interviews_released_ended_or_held_by_another_worker_are_not_counted() -> None:
    events = [
        event("claim", "released", 1, 1.0),
        event("release", "released", 1, 2.0),
        event("claim", "ended", 1, 1.0),
        event("end", "ended", 1, 3.0),
        event("claim", "elsewhere", 2, 1.0),
        event("claim", "later", 1, 9.0),
        *(event("end", name, 3, 20.0) for name in ("released", "elsewhere", "later")),
    ]
    verdict = Verdict()

    check_recoveries(verdict, events, [Interruption(1, 5.0, "SIGTERM")])

    assert verdict.recoveries == {"SIGTERM": []}
    assert verdict.slowest_recovery("SIGTERM") is None


def test_poison_interviews_are_left_out_and_unended_ones_are_listed() -> None:
    events = [
        event("claim", "poison", 1, 1.0),
        event("end", "poison", 4, 90.0),
        event("claim", "quiet", 1, 1.0),
    ]
    verdict = Verdict()

    check_recoveries(
        verdict, events, [Interruption(1, 2.0, "SIGKILL")], poison=frozenset({"poison"})
    )

    assert verdict.recoveries == {"SIGKILL": []}
    assert verdict.recoveries_unmeasured == ["quiet:SIGKILL"]


def test_a_worker_that_died_transcribing_poison_counts_the_good_interviews_it_held() -> None:
    events = [
        event("claim", "done", 1, 1.0),
        event("end", "done", 1, 2.0),  # ended before the crash: not taken down
        event("claim", "good", 1, 3.0),
        event("claim", "bad", 1, 3.1),
        event("transcribe", "bad", 1, 3.2),  # never returned: the worker died here
        event("claim", "bad", 2, 9.0),
        event("transcribe", "bad", 2, 9.1),
        event("transcribed", "bad", 2, 9.5),  # returned: pid 2 did not die of it
        event("claim", "good", 2, 9.6),
    ]
    verdict = Verdict()

    check_poison_neighbours(verdict, events, frozenset({"bad"}))

    assert verdict.poison_deaths == 1
    assert verdict.beside_poison == ["good"]
    assert "died transcribing a poison interview 1, good interviews they held 1" in (
        verdict.summary()
    )
