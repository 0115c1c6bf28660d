"""Does bf16 keep the text read? Measured on any CPU by emulating bf16 arithmetic in ONNX Runtime.

    PYTHONPATH=/path/to/onnx .venv/bin/python scripts/bf16_emulation.py [--pages 40] [--out DIR]
        [--models DIR]          # where the emulated models go (default /tmp/casecheck-bf16-models)
        [--only-models]         # write them and stop (then CASECHECK_OCR_MODELS=DIR/bf16 for a run)

bf16 on AMX / AVX512-BF16 (what OpenVINO's bf16 hint runs there) multiplies bf16 operands and
accumulates in f32. This script writes copies of the OCR models that compute exactly that in f32
on any CPU: every weight of a convolution or matrix product rounded to bf16 (round to nearest
even), and every activation entering one rounded to bf16 in the graph (a Veltkamp split,
`(c*x) + (x - c*x)` with c = 2^16 + 1, which is bit-exact RNE to 8 significant bits; checked
against a bit-level reference on 10^6 values when the models are written). A second, harsher
variant also rounds every floating-point tensor between operations (as if every intermediate
were stored in bf16). Both read the `bench_ocr.py` page set next to the f32 models and print
character recall / precision against the printed text, the share of f32's characters also read,
and pages read identically, per model choice (det only, rec only, all).

Not a test and not a dependency: `onnx` is needed only here (`pip install --target DIR onnx`).
The speed of bf16 cannot be emulated; it is measured where the CPU has it
(`tests/test_ocr_bf16_probe.py`, issue 20's table).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

COMPUTE_OPS = {"Conv", "ConvTranspose", "MatMul", "Gemm"}
# Operations whose float outputs the harsh variant rounds (shape arithmetic is left alone: it is
# integer, and the type check below skips it anyway).
FLOAT_OPS = COMPUTE_OPS | {"Add", "Sub", "Mul", "Div", "Relu", "HardSigmoid", "Sigmoid", "Erf", "Pow", "Sqrt",
                           "ReduceMean", "GlobalAveragePool", "AveragePool", "MaxPool", "Resize", "Concat",
                           "BatchNormalization", "Clip", "Softmax", "Transpose", "Reshape", "Squeeze", "Unsqueeze"}
VELTKAMP = np.float32(65537.0)  # 2^16 + 1: splits float32's 24-bit significand into 8 + 16


def bf16_round(values: np.ndarray) -> np.ndarray:
    """float32 rounded to the nearest bf16 (ties to even), kept as float32."""
    bits = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return rounded.astype(np.uint32).view(np.float32).reshape(values.shape)


def emulate(src: Path, dst: Path, harsh: bool) -> None:
    """Write `src` with bf16 arithmetic emulated (see the module docstring) to `dst`."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper, shape_inference

    model = onnx.load(str(src))
    graph = model.graph
    try:
        typed = shape_inference.infer_shapes(model)
        kinds = {v.name: v.type.tensor_type.elem_type for v in
                 list(typed.graph.value_info) + list(typed.graph.input) + list(typed.graph.output)}
    except Exception:  # shapes are a nicety here: untyped tensors are treated as float below
        kinds = {}
    initializers = {init.name: init for init in graph.initializer}
    constants = set(initializers)
    for node in graph.node:
        if node.op_type == "Constant":
            constants.update(node.output)

    # Weights of the products, rounded in place (initializers, or Constant nodes in older exports).
    constant_nodes = {node.output[0]: node for node in graph.node if node.op_type == "Constant"}
    for node in graph.node:
        if node.op_type in COMPUTE_OPS:
            for name in node.input[1:2]:
                init = initializers.get(name)
                if init is not None and init.data_type == TensorProto.FLOAT:
                    init.CopyFrom(numpy_helper.from_array(bf16_round(numpy_helper.to_array(init)), name))
                elif name in constant_nodes:
                    for attr in constant_nodes[name].attribute:
                        if attr.name == "value" and attr.t.data_type == TensorProto.FLOAT:
                            attr.t.CopyFrom(numpy_helper.from_array(bf16_round(numpy_helper.to_array(attr.t)),
                                                                    attr.t.name))

    graph.initializer.append(numpy_helper.from_array(np.array(VELTKAMP, np.float32), "bf16_c"))
    rounded: dict[str, str] = {}
    new_nodes = []

    def round_of(name: str) -> str:
        if name not in rounded:
            g, d, out = f"{name}__bf16_g", f"{name}__bf16_d", f"{name}__bf16"
            new_nodes.extend([helper.make_node("Mul", [name, "bf16_c"], [g]),
                              helper.make_node("Sub", [name, g], [d]),
                              helper.make_node("Add", [g, d], [out])])
            rounded[name] = out
        return rounded[name]

    def is_float_activation(name: str) -> bool:
        return bool(name) and name not in constants and kinds.get(name, TensorProto.FLOAT) == TensorProto.FLOAT

    for node in graph.node:
        ops = FLOAT_OPS if harsh else COMPUTE_OPS
        if node.op_type in ops:
            # Only the data input: a Resize's scales, a Reshape's shape, a Clip's bounds stay.
            first = node.input[0]
            if is_float_activation(first):
                node.input[0] = round_of(first)
            if node.op_type in {"Add", "Sub", "Mul", "Div", "MatMul", "Concat"}:
                for i in range(1, len(node.input)):
                    if is_float_activation(node.input[i]):
                        node.input[i] = round_of(node.input[i])
        new_nodes.append(node)
    # A rounding is written just before its first consumer, after its producer: still in order.
    del graph.node[:]
    graph.node.extend(new_nodes)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(dst))


def check_rounding() -> None:
    """The in-graph rounding equals the bit-level one (so the emulation is what it says)."""
    import onnx  # noqa: F401
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("Mul", ["x", "c"], ["g"]), helper.make_node("Sub", ["x", "g"], ["d"]),
             helper.make_node("Add", ["g", "d"], ["y"])]
    graph = helper.make_graph(nodes, "round", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])],
                              [numpy_helper.from_array(np.array(VELTKAMP, np.float32), "c")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 6
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(1_000_000) * 10.0 ** rng.integers(-6, 6, 1_000_000)).astype(np.float32)
    got = session.run(None, {"x": x})[0]
    mismatched = int(np.sum(got != bf16_round(x)))
    if mismatched:
        raise SystemExit(f"in-graph bf16 rounding differs from the reference on {mismatched} of 10^6 values")


def write_models(folder: Path) -> dict[str, dict[str, Path]]:
    """Emulated det/rec/cls models, both variants: {"bf16": {...}, "bf16-harsh": {...}}."""
    from extractors.ocr.rapid import find_model

    check_rounding()
    out: dict[str, dict[str, Path]] = {}
    for variant, harsh in (("bf16", False), ("bf16-harsh", True)):
        out[variant] = {}
        for kind in ("det", "rec", "cls"):
            src = find_model(kind)
            dst = folder / variant / src.name
            if not dst.exists():
                emulate(src, dst, harsh)
            out[variant][kind] = dst
    return out


def read_all(engine, pages) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    from bench_ocr import _norm

    engine.read(pages[0].image)
    texts, cpus = [], []
    for page in pages:
        started = time.process_time()
        reading = engine.read(page.image)
        cpus.append(time.process_time() - started)
        texts.append(_norm("".join(line.text for line in reading.lines)) + f"|{reading.rotation}")
    return texts, statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/casecheck-ocrbench"), help="bench_ocr.py's page set")
    parser.add_argument("--models", type=Path, default=Path("/tmp/casecheck-bf16-models"))
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--only-models", action="store_true", help="write the emulated models and stop")
    args = parser.parse_args()

    models = write_models(args.models)
    if args.only_models:
        for variant, files in models.items():
            print(f"{variant}: {files['det'].parent}")
        return 0

    from bench_ocr import char_scores, generate_set, load_pages, pick

    from extractors.ocr.rapid import RapidOcrEngine

    if not any(args.out.glob("*.text.json")):
        generate_set(args.out, 3, 11)
    pages = pick(load_pages(args.out, 150), args.pages)
    print(f"{len(pages)} scanned pages from {args.out}; load average {os.getloadavg()[0]:.1f}", flush=True)

    def engine(variant: str | None, kinds: tuple[str, ...]) -> RapidOcrEngine:
        files = {f"{kind}_model": models[variant][kind] for kind in kinds} if variant else {}
        return RapidOcrEngine(threads=1, runtime="onnxruntime", device="cpu", **files)

    reference, ref_cpu = read_all(engine(None, ()), pages)
    rows = [("f32", reference, ref_cpu)]
    for variant in ("bf16", "bf16-harsh"):
        for label, kinds in (("det", ("det",)), ("rec", ("rec",)), ("all", ("det", "rec", "cls"))):
            texts, cpu = read_all(engine(variant, kinds), pages)
            rows.append((f"{variant} {label}", texts, cpu))
            print(f"  {variant} {label}: done", flush=True)

    print(f"\n{'models':<20} {'recall':>7} {'precision':>9} {'of f32':>7} {'others':>7} {'same pages':>10} "
          f"{'turns ok':>8} {'cpu s/pg':>8}")
    for label, texts, cpu in rows:
        recalls, precisions = [], []
        common = total_ref = total_read = 0
        same = turns = 0
        for page, text, ref in zip(pages, texts, reference, strict=True):
            body, _, turn = text.rpartition("|")
            ref_body = ref.rpartition("|")[0]
            turns += int(int(turn) == page.rotation) if not page.blank else int(not body)
            if page.text and not page.blank:
                r, p = char_scores(page.text, body)
                recalls.append(r)
                precisions.append(p)
            common += sum((Counter(body) & Counter(ref_body)).values())
            total_ref += len(ref_body)
            total_read += len(body)
            same += int(text == ref)
        print(f"{label:<20} {statistics.mean(recalls):>7.2%} {statistics.mean(precisions):>9.2%} "
              f"{common / max(1, total_ref):>7.2%} {1 - common / max(1, total_read):>7.2%} "
              f"{same:>4}/{len(pages):<5} {turns:>4}/{len(pages):<3} {cpu:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
