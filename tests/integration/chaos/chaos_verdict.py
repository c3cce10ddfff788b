"""The chaos test's verdict, counted like Jepsen's queue checker: what ended where."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from interview_core.analysis import build_questions
from interview_core.entities import Interview, Question
from interview_core.state import InterviewState
from tests.integration.chaos.chaos_controller import Interruption
from tests.integration.chaos.chaos_fakes import expected_extracted


@dataclass
class Verdict:
    """Counts over every interview, message and recorded transcription of one chaos run."""

    interviews: int = 0
    completed: int = 0
    failed_seeded: int = 0
    failed_poison: int = 0  # crashed every attempt: failed with ATTEMPTS_EXHAUSTED
    failed_unexpected: list[str] = field(default_factory=list)
    seeded_not_failed: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # never reached completed or failed
    left_processing: int = 0
    questions_exact: int = 0
    questions_wrong: list[str] = field(default_factory=list)  # duplicates, leftovers, missing
    messages_sent: int = 0
    messages_left: int = 0
    dead_lettered: int = 0
    claims: int = 0
    transcriptions: int = 0
    transcribed_twice_under_one_lease: list[str] = field(default_factory=list)
    transcribed_without_lease: int = 0
    interviews_transcribed_again: int = 0  # after a kill or a retry: allowed, each on a new lease
    most_attempts_completed: tuple[int, str] = (0, "")  # attempts, interview
    # by signal: (seconds until it ended, interview) for each interview an interrupted worker held
    recoveries: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    # held when interrupted, no end recorded after: the store took the final write but the
    # worker was killed before it heard so (the final states are checked all the same)
    recoveries_unmeasured: list[str] = field(default_factory=list)
    # workers that died while a poison interview was transcribing, and the good interviews
    # they held then (claimed, neither released nor ended): what a poison crash took with it
    poison_deaths: int = 0
    beside_poison: list[str] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            self.completed + self.failed_seeded + self.failed_poison == self.interviews
            and not self.failed_unexpected
            and not self.seeded_not_failed
            and not self.lost
            and self.left_processing == 0
            and not self.questions_wrong
            and self.messages_left == 0
            and self.dead_lettered == 0
            and not self.transcribed_twice_under_one_lease
            and self.transcribed_without_lease == 0
        )

    def slowest_recovery(self, signal: str) -> float | None:
        """The longest wait, after an interruption by `signal`, for an interview the
        interrupted worker held to be taken up by another worker (or to end)."""
        seconds = self.recoveries.get(signal, [])
        return max(seconds)[0] if seconds else None

    def summary(self) -> str:
        lines = [
            "chaos verdict: " + ("OK" if self.ok else "FAILED"),
            f"  run: {self.run}",
            f"  interviews {self.interviews}: completed {self.completed}, "
            f"failed (seeded bad) {self.failed_seeded}, failed (poison, attempts "
            f"exhausted) {self.failed_poison}, failed unexpectedly "
            f"{len(self.failed_unexpected)}, seeded bad but not failed "
            f"{len(self.seeded_not_failed)}, lost {len(self.lost)}, "
            f"left processing {self.left_processing}",
            f"  questions: exact {self.questions_exact}, wrong {len(self.questions_wrong)} "
            "(duplicates, leftovers or missing)",
            f"  messages: sent {self.messages_sent}, left in queue {self.messages_left}, "
            f"dead-lettered {self.dead_lettered}",
            f"  claims {self.claims}; transcriptions {self.transcriptions}, twice under one "
            f"lease {len(self.transcribed_twice_under_one_lease)}, without a lease "
            f"{self.transcribed_without_lease}, interviews transcribed again on a new lease "
            f"{self.interviews_transcribed_again}; most attempts of a completed interview "
            f"{self.most_attempts_completed[0]} ({self.most_attempts_completed[1]})",
        ]
        for signal, recoveries in sorted(self.recoveries.items()):
            if not recoveries:
                lines.append(f"  recovery after {signal}: no interrupted worker held an interview")
                continue
            slowest, interview_id = max(recoveries)
            lines.append(
                f"  recovery after {signal}: {len(recoveries)} interviews held by the interrupted "
                f"worker, slowest taken up again {slowest:.1f} s later ({interview_id})"
            )
        lines.append(
            f"  workers that died transcribing a poison interview {self.poison_deaths}, good "
            f"interviews they held {len(self.beside_poison)}"
        )
        if self.recoveries_unmeasured:
            lines.append(f"  recoveries not measured: {self.recoveries_unmeasured[:10]}")
        for name in ("failed_unexpected", "seeded_not_failed", "lost", "questions_wrong"):
            ids = getattr(self, name)
            if ids:
                lines.append(f"  {name}: {ids[:10]}")
        if self.transcribed_twice_under_one_lease:
            lines.append(f"  twice under one lease: {self.transcribed_twice_under_one_lease[:10]}")
        return "\n".join(lines)


def check_interviews(
    verdict: Verdict,
    records: dict[str, Interview],
    questions: dict[str, list[Question]],
    seeded_bad: set[str],
    poison: frozenset[str] = frozenset(),
) -> None:
    """Final states and stored questions against what the fakes extracted; `seeded_bad`
    interviews (no video) must fail with VIDEO_NOT_FOUND, `poison` ones (their every attempt
    crashes its worker) with ATTEMPTS_EXHAUSTED."""
    verdict.interviews = len(records)
    for interview_id, record in records.items():
        state = record.state
        if state is InterviewState.COMPLETED:
            verdict.completed += 1
            verdict.most_attempts_completed = max(
                verdict.most_attempts_completed, (record.attempts, interview_id)
            )
            expected = list(build_questions(interview_id, expected_extracted(interview_id)))
            stored = questions[interview_id]
            if stored == expected and record.question_count == len(expected):
                verdict.questions_exact += 1
            else:
                verdict.questions_wrong.append(interview_id)
            if interview_id in seeded_bad or interview_id in poison:
                verdict.seeded_not_failed.append(interview_id)
        elif state is InterviewState.FAILED:
            if interview_id in seeded_bad and record.error_code == "VIDEO_NOT_FOUND":
                verdict.failed_seeded += 1
            elif interview_id in poison and record.error_code == "ATTEMPTS_EXHAUSTED":
                verdict.failed_poison += 1
            else:
                verdict.failed_unexpected.append(f"{interview_id}:{record.error_code}")
        else:
            verdict.lost.append(f"{interview_id}:{state}")
            if interview_id in seeded_bad or interview_id in poison:
                verdict.seeded_not_failed.append(interview_id)
        if state is InterviewState.PROCESSING:
            verdict.left_processing += 1


def check_events(verdict: Verdict, events: list[dict[str, Any]]) -> None:
    """At most one transcription per interview per lease, each under a claimed lease."""
    verdict.claims = sum(1 for event in events if event["event"] == "claim")
    transcriptions = [event for event in events if event["event"] == "transcribe"]
    verdict.transcriptions = len(transcriptions)
    per_lease = Counter((event["interview"], event["owner"]) for event in transcriptions)
    verdict.transcribed_twice_under_one_lease = [
        f"{interview}:{owner}" for (interview, owner), n in per_lease.items() if n > 1
    ]
    verdict.transcribed_without_lease = sum(1 for event in transcriptions if not event["owner"])
    per_interview = Counter(event["interview"] for event in transcriptions)
    verdict.interviews_transcribed_again = sum(1 for n in per_interview.values() if n > 1)


def check_recoveries(
    verdict: Verdict,
    events: list[dict[str, Any]],
    interruptions: Sequence[Interruption],
    poison: frozenset[str] = frozenset(),
) -> None:
    """For each interruption, the interviews its worker held then (claimed by it, not yet
    released or ended) and how long each waited to be claimed by another worker or to end,
    whichever came first: a lease the interrupted worker left behind delays exactly that. An
    interview interrupted again on its next worker counts again, from that interruption.
    `poison` interviews are left out: they crash every worker that takes them until their
    attempts run out."""
    by_interview: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in sorted(events, key=lambda event: float(event["t"])):
        if event["event"] in ("claim", "release", "end"):
            by_interview[event["interview"]].append(event)
    for interruption in interruptions:
        recoveries = verdict.recoveries.setdefault(interruption.signal, [])
        for interview_id, history in by_interview.items():
            if interview_id in poison or _holder_at(history, interruption.at) != interruption.pid:
                continue
            resumed = [
                e["t"]
                for e in history
                if e["t"] > interruption.at and _resumes(e, interruption.pid)
            ]
            if resumed:
                recoveries.append((min(resumed) - interruption.at, interview_id))
            else:
                verdict.recoveries_unmeasured.append(f"{interview_id}:{interruption.signal}")


def _resumes(event: dict[str, Any], interrupted: int) -> bool:
    """Whether `event` ends the interview or hands it to a worker other than `interrupted`."""
    return bool(
        event["event"] == "end" or (event["event"] == "claim" and event["pid"] != interrupted)
    )


def _holder_at(history: list[dict[str, Any]], moment: float) -> int | None:
    """The pid holding the interview's lease at `moment` by its claim, release and end events."""
    holder: int | None = None
    for event in history:
        if event["t"] > moment:
            break
        if event["event"] == "claim":
            holder = event["pid"]
        elif event["pid"] == holder:
            holder = None
    return holder


def check_poison_neighbours(
    verdict: Verdict, events: list[dict[str, Any]], poison: frozenset[str]
) -> None:
    """The workers that died while a `poison` interview was transcribing (its transcription
    started and never returned there), and the good interviews each held then: claimed by
    it and neither released nor ended."""
    by_pid: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in sorted(events, key=lambda event: float(event["t"])):
        by_pid[event["pid"]].append(event)
    for history in by_pid.values():
        held: set[str] = set()
        transcribing: set[str] = set()
        for event in history:
            interview_id, kind = event["interview"], event["event"]
            if kind == "claim":
                held.add(interview_id)
            elif kind in ("release", "end"):
                held.discard(interview_id)
            if kind == "transcribe":
                transcribing.add(interview_id)
            elif kind in ("transcribed", "release", "end"):
                transcribing.discard(interview_id)
        if transcribing & poison:
            verdict.poison_deaths += 1
            verdict.beside_poison.extend(sorted(held - poison))
