"""A Whisper model that encodes a batch of speech chunks one chunk at a time."""

from __future__ import annotations

from typing import Any

import numpy as np


class ChunkwiseEncoding:
    """The faster-whisper model as the batched pipeline sees it, encoding chunk by chunk.

    The pipeline encodes a whole batch of 30 s chunks at once, and the encoder's attention
    then holds every chunk's scratch memory together: about 50 MB a chunk for Whisper tiny.
    Encoding one chunk after the other gives the same encoder output for the batch (decoding
    still runs on the whole batch), takes no more time, and keeps one chunk's scratch memory
    at a time. Everything else is the wrapped model's own.
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self._encoded: Any = None  # the batch's encoder output, alive while it is decoded

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def encode(self, features: Any) -> Any:
        """The encoder output of every chunk in `features` ([batch, mels, frames]), in
        order, as one CTranslate2 storage of [batch, frames // 2, width]."""
        if len(features) <= 1:
            return self._model.encode(features)
        import ctranslate2

        parts = [
            np.asarray(self._model.encode(features[at : at + 1])) for at in range(len(features))
        ]
        # The storage views this array's memory: it is kept until the next batch.
        self._encoded = np.concatenate(parts)
        return ctranslate2.StorageView.from_array(self._encoded)
