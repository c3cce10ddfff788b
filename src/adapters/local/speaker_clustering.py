"""Groups voice prints by speaker: spectral clustering with an eigengap count, capped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Embeddings = npt.NDArray[np.float32]
    Labels = npt.NDArray[np.int64]


@attrs.frozen
class ClusterRules:
    """How prints are grouped into speakers.

    At most `max_speakers` speakers are found. Fewer than `fewest_prints` prints (15 s of
    speech) are one speaker: too little to tell voices apart. Each print keeps
    its `kept_share` most similar neighbours (at least `fewest_neighbours`) in the affinity
    graph. A group of fewer than `smallest_group` prints joins the nearest larger group,
    and groups whose mean prints have a cosine of `same_voice` or more are one speaker.
    Over `most_prints` prints (25 minutes of speech) are clustered on an evenly spread
    selection of that many, then every print joins the nearest group: the affinity matrix
    stays at 8 MB and its eigen-decomposition at about 3 CPU seconds whatever the length
    (2000 prints would take 9 s, growing with the cube). Raises ValueError on an impossible rule.
    """

    max_speakers: int = 6
    fewest_prints: int = 10
    kept_share: float = 0.012
    fewest_neighbours: int = 6
    smallest_group: int = 4
    same_voice: float = 0.875
    most_prints: int = 1_000

    def __attrs_post_init__(self) -> None:
        if self.max_speakers < 1:
            raise ValueError(f"max_speakers must be at least 1, not {self.max_speakers}")
        if not 0.0 < self.same_voice <= 1.0:
            raise ValueError(f"same_voice must be in (0, 1], not {self.same_voice}")
        if self.most_prints < self.fewest_prints:
            raise ValueError("most_prints must be at least fewest_prints")


def cluster(prints: Embeddings, rules: ClusterRules | None = None) -> Labels:
    """A speaker number for each unit-length print: 0, 1, ... in order of first appearance."""
    rules = rules or ClusterRules()
    count = len(prints)
    if count < rules.fewest_prints or rules.max_speakers == 1:
        return np.zeros(count, dtype=np.int64)
    if count > rules.most_prints:
        chosen = np.linspace(0, count - 1, rules.most_prints).round().astype(np.int64)
        labels = _grouped(prints[chosen], rules)
        labels = _nearest(prints, _centres(prints[chosen], labels))
    else:
        labels = _grouped(prints, rules)
    labels = _merged(prints, labels, rules)
    return _in_order(labels)


def _grouped(prints: Embeddings, rules: ClusterRules) -> Labels:
    affinity = _pruned(prints.astype(np.float64) @ prints.T.astype(np.float64), rules)
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(affinity.sum(axis=1)) - affinity
    values, vectors = np.linalg.eigh(laplacian)
    top = min(rules.max_speakers, len(values) - 1)
    gaps = np.diff(values[: top + 1])
    speakers = int(np.argmax(gaps)) + 1 if len(gaps) else 1
    return _kmeans(vectors[:, :speakers], speakers)


def _pruned(similarity: npt.NDArray[np.float64], rules: ClusterRules) -> npt.NDArray[np.float64]:
    """Each row keeps its nearest neighbours only; then made symmetric."""
    count = len(similarity)
    keep = max(rules.fewest_neighbours, count - int((1 - rules.kept_share) * count))
    keep = min(keep, count)
    dropped = np.argsort(similarity, axis=1)[:, : count - keep]
    np.put_along_axis(similarity, dropped, 0.0, axis=1)
    return 0.5 * (similarity + similarity.T)


def _kmeans(points: npt.NDArray[np.float64], k: int, rounds: int = 100) -> Labels:
    """Deterministic k-means (k-means++ start from the first point, fixed random state)."""
    if k <= 1:
        return np.zeros(len(points), dtype=np.int64)
    generator = np.random.default_rng(0)
    best: Labels | None = None
    best_cost = np.inf
    for _ in range(5):
        centres = [points[generator.integers(len(points))]]
        for _ in range(1, k):
            distance = np.min([np.sum((points - c) ** 2, axis=1) for c in centres], axis=0)
            total = distance.sum()
            pick = generator.choice(len(points), p=distance / total) if total > 0 else 0
            centres.append(points[pick])
        centre = np.array(centres)
        labels = np.zeros(len(points), dtype=np.int64)
        for _ in range(rounds):
            distances = ((points[:, None, :] - centre[None, :, :]) ** 2).sum(axis=2)
            new = np.argmin(distances, axis=1)
            if np.array_equal(new, labels) and _ > 0:
                break
            labels = new
            for group in range(k):
                members = points[labels == group]
                if len(members):
                    centre[group] = members.mean(axis=0)
        cost = float(((points - centre[labels]) ** 2).sum())
        if cost < best_cost:
            best, best_cost = labels, cost
    assert best is not None
    return best


def _merged(prints: Embeddings, labels: Labels, rules: ClusterRules) -> Labels:
    """Tiny groups joined to their nearest large one; groups of one voice joined."""
    labels = labels.copy()
    groups, sizes = np.unique(labels, return_counts=True)
    large = groups[sizes >= rules.smallest_group]
    if len(large) == 0:
        return np.zeros_like(labels)
    if len(large) < len(groups):
        small = ~np.isin(labels, large)
        centres = _centres(prints, labels, large)
        labels[small] = large[np.argmax(prints[small] @ centres.T, axis=1)]
    while True:
        groups = np.unique(labels)
        if len(groups) < 2:
            return labels
        centres = _centres(prints, labels, groups)
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
        similarity = np.triu(centres @ centres.T, 1)
        first, second = np.unravel_index(np.argmax(similarity), similarity.shape)
        if similarity[first, second] < rules.same_voice:
            return labels
        labels[labels == groups[second]] = groups[first]


def _centres(prints: Embeddings, labels: Labels, groups: Labels | None = None) -> Embeddings:
    groups = np.unique(labels) if groups is None else groups
    return np.stack([prints[labels == group].mean(axis=0) for group in groups])


def _nearest(prints: Embeddings, centres: Embeddings) -> Labels:
    nearest: Labels = np.argmax(prints @ centres.T, axis=1).astype(np.int64)
    return nearest


def _in_order(labels: Labels) -> Labels:
    """Labels renumbered 0, 1, ... by first appearance."""
    _, first = np.unique(labels, return_index=True)
    order = labels[np.sort(first)]
    renumber = {int(old): new for new, old in enumerate(order)}
    return np.array([renumber[int(label)] for label in labels], dtype=np.int64)
