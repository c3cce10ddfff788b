"""Clustering voice prints into speakers: counts, the cap, tiny groups, and four hours of prints."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.local.speaker_clustering import ClusterRules, cluster
from adapters.local.speaker_diarizer import print_spans, resegmented

DIMENSIONS = 192


def voices(sizes: list[int], *, spread: float = 0.06, seed: int = 0) -> np.ndarray:
    """Unit prints around one random centre per voice, `sizes[i]` prints of voice i, the
    voices taking turns in runs of 20 prints."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), DIMENSIONS))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    order: list[int] = []
    left = list(sizes)
    while any(left):
        for voice, count in enumerate(left):
            take = min(20, count)
            order += [voice] * take
            left[voice] -= take
    prints = centres[order] + spread * rng.standard_normal((len(order), DIMENSIONS))
    prints /= np.linalg.norm(prints, axis=1, keepdims=True)
    return prints.astype(np.float32), np.array(order)


def agreement(labels: np.ndarray, truth: np.ndarray) -> float:
    """The share of prints whose label is their voice's most common label."""
    right = 0
    for voice in np.unique(truth):
        right += np.bincount(labels[truth == voice]).max()
    return right / len(truth)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_number_of_voices_is_found(count: int) -> None:
    prints, truth = voices([120] * count)

    labels = cluster(prints)

    assert len(set(labels.tolist())) == count
    assert agreement(labels, truth) == 1.0


def test_labels_are_numbered_by_first_appearance() -> None:
    prints, _ = voices([60, 60])

    labels = cluster(prints[::-1].copy())

    assert labels[0] == 0
    assert labels[np.flatnonzero(labels != labels[0])[0]] == 1


def test_more_voices_than_the_cap_give_at_most_the_cap() -> None:
    prints, _ = voices([40] * 8)

    labels = cluster(prints, ClusterRules(max_speakers=6))

    assert 1 <= len(set(labels.tolist())) <= 6


def test_a_cap_of_one_labels_everything_one_speaker() -> None:
    prints, _ = voices([80, 80])

    assert set(cluster(prints, ClusterRules(max_speakers=1)).tolist()) == {0}


def test_a_few_seconds_of_speech_is_one_speaker() -> None:
    prints, _ = voices([5, 4])

    assert set(cluster(prints).tolist()) == {0}


def test_a_voice_heard_in_under_four_prints_joins_the_nearest_speaker() -> None:
    prints, _ = voices([150, 150])
    stray, _ = voices([3], seed=7)

    labels = cluster(np.concatenate([prints, stray]))

    assert len(set(labels.tolist())) == 2


def test_no_prints_give_no_labels() -> None:
    assert cluster(np.zeros((0, DIMENSIONS), dtype=np.float32)).shape == (0,)


def test_four_hours_of_prints_are_clustered_globally_within_the_cap() -> None:
    """19 200 prints (eight hours of speech, a print per 1.5 s): six voices are found from
    an even selection of 1000 prints, and every print joins the nearest of them, so the
    affinity matrix stays 1000 x 1000 (8 MB) instead of 19 200 x 19 200 (2.9 GB)."""
    prints, truth = voices([3200] * 6)

    labels = cluster(prints)

    assert len(set(labels.tolist())) == 6
    assert agreement(labels, truth) > 0.99


def test_impossible_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="max_speakers"):
        ClusterRules(max_speakers=0)
    with pytest.raises(ValueError, match="same_voice"):
        ClusterRules(same_voice=0.0)


def test_prints_cover_each_region_and_end_with_it() -> None:
    spans = print_spans([(0.0, 3.0), (5.0, 5.2), (6.0, 7.0)])

    assert spans[0] == (0.0, 1.5)
    assert spans[-1] == (6.0, 7.0)  # a short region is one print
    assert (1.5, 3.0) in spans  # the last print of a region ends with it
    assert all(not 5.0 <= start < 5.2 for start, _ in spans)  # 0.2 s: a click, no print


def test_turns_join_one_speaker_and_split_overlaps_in_the_middle() -> None:
    turns = resegmented([(0.0, 1.5), (0.75, 2.25), (1.5, 3.0), (5.0, 6.0)], [0, 0, 1, 1])

    assert [(t.start, t.end, t.speaker) for t in turns] == [
        (0.0, 1.875, "spk_0"),
        (1.875, 3.0, "spk_1"),
        (5.0, 6.0, "spk_1"),
    ]
