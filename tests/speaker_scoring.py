"""Diarization error rate (DER) of speaker turns against a reference, as NIST md-eval counts it.

Frames of 10 ms; a collar around every reference boundary is not scored; overlapped
reference speech is scored (a frame with two reference speakers and one hypothesis speaker
counts one miss). Reference and hypothesis speakers are paired to maximise the time they
share (every pairing is tried: a few speakers only). Small enough to read in one go, so the
tests need no pyannote.metrics (which pulls in pyannote.core, pandas and scipy).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

import numpy as np

FRAME = 0.01

Turn = tuple[float, float, str]


def read_rttm(path: Path) -> list[Turn]:
    """The (start, end, speaker) turns of an RTTM file's SPEAKER lines."""
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            start, length = float(fields[3]), float(fields[4])
            turns.append((start, start + length, fields[7]))
    return turns


def der(reference: Iterable[Turn], hypothesis: Iterable[Turn], *, collar: float = 0.25) -> float:
    """Missed, false and confused speech over scored reference speech (0 when there is none
    and nothing is claimed)."""
    ref, hyp = list(reference), list(hypothesis)
    end = max([t[1] for t in ref + hyp] + [0.0])
    frames = int(np.ceil(end / FRAME)) + 1
    ref_matrix, _ = _activity(ref, frames)
    hyp_matrix, _ = _activity(hyp, frames)
    scored = np.ones(frames, dtype=bool)
    for start, stop, _ in ref:
        for edge in (start, stop):
            scored[max(0, int((edge - collar) / FRAME)) : int(np.ceil((edge + collar) / FRAME))] = (
                False
            )
    ref_matrix, hyp_matrix = ref_matrix[:, scored], hyp_matrix[:, scored]
    n_ref, n_hyp = ref_matrix.sum(axis=0), hyp_matrix.sum(axis=0)
    total = float(n_ref.sum())
    shared = ref_matrix.astype(np.int64) @ hyp_matrix.T.astype(np.int64)
    pairs = _best_pairs(shared)
    correct = sum(shared[r, h] for r, h in pairs)
    errors = float(np.maximum(n_ref, n_hyp).sum()) - float(correct)
    if total == 0:
        return 0.0 if errors == 0 else float("inf")
    return errors / total


def _activity(turns: list[Turn], frames: int) -> tuple[np.ndarray, list[str]]:
    speakers = sorted({t[2] for t in turns})
    matrix = np.zeros((len(speakers), frames), dtype=bool)
    for start, stop, speaker in turns:
        matrix[speakers.index(speaker), int(round(start / FRAME)) : int(round(stop / FRAME))] = True
    return matrix, speakers


def _best_pairs(shared: np.ndarray) -> list[tuple[int, int]]:
    rows, cols = shared.shape
    if rows == 0 or cols == 0:
        return []
    if rows <= cols:
        best = max(
            itertools.permutations(range(cols), rows),
            key=lambda p: sum(shared[r, p[r]] for r in range(rows)),
        )
        return list(zip(range(rows), best, strict=True))
    best = max(
        itertools.permutations(range(rows), cols),
        key=lambda p: sum(shared[p[c], c] for c in range(cols)),
    )
    return [(best[c], c) for c in range(cols)]
