"""CAM++ speaker embeddings of short stretches of speech, computed with onnxruntime."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from adapters.local.speaker_features import fbank, normalised
from interview_core.errors import ToolMissing, TranscriptionFailed

if TYPE_CHECKING:
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]
    Embeddings = npt.NDArray[np.float32]

MODEL_FILE = "campplus_speaker.onnx"
EMBEDDING_SIZE = 192
BATCH = 4
"""Prints run through the model at once. Larger batches took no less CPU per print (batches
of 4 to 64 were within the noise), but onnxruntime keeps the scratch memory of the largest:
batches of 16 took the peak of a 70-minute run with speakers from 743 to about 840 MB."""


def bundled_speaker_model() -> Path:
    """The CAM++ model file shipped with this package. Raises ToolMissing when it is absent."""
    path = Path(str(resources.files("adapters.local").joinpath("models", MODEL_FILE)))
    if not path.is_file():
        raise ToolMissing(
            f"the speaker model {MODEL_FILE} is missing from the installed package; reinstall "
            "ai-interviews or turn speaker labels off with INTERVIEWS_DIARIZATION=off"
        )
    return path


class CamppSpeakerEmbedder:
    """Turns stretches of 16 kHz speech into 192-number CAM++ voice prints of length one.

    The ONNX model (`model`, by default the file shipped with the package) loads once, on
    first use, and runs on `cpu_threads` threads (0: onnxruntime's choice). Two stretches of
    one voice give prints whose dot product is high; of two voices, low.
    """

    def __init__(self, model: Path | None = None, *, cpu_threads: int = 2) -> None:
        self._model = model
        self._cpu_threads = cpu_threads
        self._session: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now. Raises ToolMissing when onnxruntime or the model is missing
        or the file is not a model onnxruntime can run."""
        with self._lock:
            if self._session is None:
                self._session = self._new_session()

    def embed(self, samples: Samples, spans: list[tuple[int, int]]) -> Embeddings:
        """One unit-length print per (first, last) sample span of `samples`, in order.

        Every span must hold at least 25 ms of audio. Spans of one length go through the
        model together. Raises ToolMissing as `load` does, TranscriptionFailed when the model
        fails on the audio.
        """
        self.load()
        prints = np.zeros((len(spans), EMBEDDING_SIZE), dtype=np.float32)
        if not spans:
            return prints
        first = min(start for start, _ in spans)
        last = max(end for _, end in spans)
        features = fbank(samples[first:last])
        shift = 160
        by_length: dict[int, list[int]] = {}
        cuts: list[tuple[int, int]] = []
        for index, (start, end) in enumerate(spans):
            frame = (start - first) // shift
            frames = max(1, (end - start - 400) // shift + 1)
            frames = min(frames, len(features) - frame)
            cuts.append((frame, frames))
            by_length.setdefault(frames, []).append(index)
        for frames, indexes in by_length.items():
            for at in range(0, len(indexes), BATCH):
                chosen = indexes[at : at + BATCH]
                batch = np.stack(
                    [normalised(features[cuts[i][0] : cuts[i][0] + frames]) for i in chosen]
                )
                prints[chosen] = self._run(batch)
        norms = np.linalg.norm(prints, axis=1, keepdims=True)
        unit: Embeddings = (prints / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def _run(self, batch: Embeddings) -> Embeddings:
        try:
            result: Embeddings = self._session.run(None, {"features": batch})[0]
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise TranscriptionFailed(f"the speaker model failed on this audio: {exc}") from exc
        return result

    def _new_session(self) -> Any:
        try:
            import onnxruntime
        except ImportError as exc:
            raise ToolMissing(
                "onnxruntime is not installed: install the project's 'whisper' extra or turn "
                f"speaker labels off with INTERVIEWS_DIARIZATION=off ({exc})"
            ) from exc
        path = self._model or bundled_speaker_model()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._cpu_threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Threads sleep between batches rather than spin: spinning burned a third more CPU
        # for the same prints when the cores were shared.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            return onnxruntime.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors for a bad file
            raise ToolMissing(f"the speaker model {path} cannot be loaded: {exc}") from exc
