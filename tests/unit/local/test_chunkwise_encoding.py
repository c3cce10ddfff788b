"""Chunk-by-chunk encoding: one encoder call per chunk, the batch's output in order."""

from __future__ import annotations

from typing import Any

import numpy as np

from adapters.local.chunkwise_encoding import ChunkwiseEncoding


class FakeModel:
    """Encodes each chunk to its mean feature, repeated; records the batch sizes it is given."""

    frames_per_second = 100

    def __init__(self) -> None:
        self.batches: list[int] = []

    def encode(self, features: Any) -> Any:
        self.batches.append(len(features))
        means = np.asarray(features).mean(axis=(1, 2), dtype=np.float32)
        return np.repeat(means[:, None, None], 4, axis=1).repeat(3, axis=2)

    def label(self) -> str:
        return "the wrapped model"


def _features(count: int) -> Any:
    return np.stack([np.full((2, 8), float(chunk), dtype=np.float32) for chunk in range(count)])


def test_a_batch_is_encoded_one_chunk_at_a_time_and_comes_back_whole_in_order() -> None:
    model = FakeModel()
    encoded = np.asarray(ChunkwiseEncoding(model).encode(_features(3)))
    assert model.batches == [1, 1, 1]
    assert encoded.shape == (3, 4, 3)
    assert [float(chunk[0, 0]) for chunk in encoded] == [0.0, 1.0, 2.0]
    np.testing.assert_array_equal(encoded, FakeModel().encode(_features(3)))


def test_one_chunk_goes_to_the_model_as_it_is() -> None:
    model = FakeModel()
    encoded = ChunkwiseEncoding(model).encode(_features(1))
    assert model.batches == [1]
    assert isinstance(encoded, np.ndarray)


def test_everything_else_is_the_wrapped_models_own() -> None:
    wrapped = ChunkwiseEncoding(FakeModel())
    assert wrapped.frames_per_second == 100
    assert wrapped.label() == "the wrapped model"
