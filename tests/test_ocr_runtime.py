"""Inference runtime behind the OCR models: choice by configuration, fallbacks, GPU selection,
the on-disk model cache, the engine's identity, and the blank-area skip of text detection.

No test needs a GPU: the CUDA paths run against a stand-in `onnxruntime` module.
"""

from __future__ import annotations

import importlib.machinery
import logging
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from extractors.ocr import runtime
from extractors.ocr.base import OcrUnavailable, engine_cache_key
from extractors.ocr.common import ink_regions
from extractors.ocr.runtime import (
    OnnxRuntimeSession,
    open_model,
    parse_precision,
    resolve_choice,
    resolve_device,
    resolve_runtime,
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (runtime.RUNTIME_ENV, runtime.DEVICE_ENV, runtime.PRECISION_ENV, runtime.CACHE_ENV):
        monkeypatch.delenv(name, raising=False)


def _model(kind: str) -> Path:
    from extractors.ocr.rapid import find_model

    try:
        return find_model(kind)
    except OcrUnavailable:
        pytest.skip("rapidocr's bundled models are not installed")


# -- configuration ------------------------------------------------------------------------------
def test_runtime_from_argument_env_and_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_runtime("onnxruntime") == "onnxruntime"
    assert resolve_runtime("OV") == "openvino"
    monkeypatch.setenv(runtime.RUNTIME_ENV, "ort")
    assert resolve_runtime() == "onnxruntime"
    assert resolve_runtime("openvino") == "openvino"  # the argument wins over the environment
    monkeypatch.delenv(runtime.RUNTIME_ENV)
    monkeypatch.setattr(runtime, "openvino_importable", lambda: True)
    monkeypatch.setattr(runtime, "cpu_has_avx512", lambda: True)
    assert resolve_runtime() == "openvino"
    assert resolve_runtime("auto") == "openvino"
    monkeypatch.setattr(runtime, "cpu_has_avx512", lambda: False)  # AVX2 only: OpenVINO was slower there
    assert resolve_runtime() == "onnxruntime"
    assert resolve_runtime("openvino") == "openvino"  # still there when asked for
    monkeypatch.setattr(runtime, "cpu_has_avx512", lambda: True)
    monkeypatch.setattr(runtime, "openvino_importable", lambda: False)
    assert resolve_runtime() == "onnxruntime"
    with pytest.raises(ValueError, match="tensorrt"):
        resolve_runtime("tensorrt")


@pytest.mark.parametrize(("gpu", "provider", "expected"), [
    (True, True, "cuda"), (True, False, "cpu"), (False, True, "cpu"), (False, False, "cpu")])
def test_device_auto_needs_a_gpu_and_the_cuda_provider(monkeypatch: pytest.MonkeyPatch, gpu: bool,
                                                       provider: bool, expected: str) -> None:
    monkeypatch.setattr(runtime, "nvidia_gpu_present", lambda: gpu)
    monkeypatch.setattr(runtime, "cuda_provider_available", lambda: provider)
    assert resolve_device() == expected
    assert resolve_device("auto") == expected
    assert resolve_device("cpu") == "cpu"  # asked for: no detection
    assert resolve_device("gpu") == "cuda"
    monkeypatch.setenv(runtime.DEVICE_ENV, "cuda")
    assert resolve_device() == "cuda"
    with pytest.raises(ValueError, match="tpu"):
        resolve_device("tpu")


def test_cuda_runs_on_onnxruntime_whatever_the_runtime(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(runtime.CACHE_ENV, str(tmp_path))
    choice = resolve_choice("openvino", "cuda")
    assert (choice.runtime, choice.device) == ("onnxruntime", "cuda")
    choice = resolve_choice("openvino", "cpu")
    assert (choice.runtime, choice.device) == ("openvino", "cpu")
    assert choice.cache_dir == tmp_path / "ov"


def test_precision_all_or_per_model(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_precision(None) == runtime.DEFAULT_PRECISION
    assert set(parse_precision("bf16").values()) == {"bf16"}
    mixed = parse_precision("det=bf16, rec=fp32")
    assert mixed["det"] == "bf16" and mixed["rec"] == "f32" and mixed["cls"] == runtime.DEFAULT_PRECISION["cls"]
    with pytest.raises(ValueError, match="int4"):
        parse_precision("rec=int4")
    monkeypatch.setenv(runtime.PRECISION_ENV, "det=f16")
    assert resolve_choice("onnxruntime", "cpu").precision_of("det") == "f16"
    assert resolve_choice("onnxruntime", "cpu", {"det": "bf16"}).precision_of("det") == "bf16"


# -- fallbacks ----------------------------------------------------------------------------------
def test_openvino_compile_failure_falls_back_to_onnxruntime(monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    path = _model("cls")

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("Exception from src/inference: cannot compile for this CPU")

    monkeypatch.setattr(runtime, "OpenVinoSession", Broken)
    with caplog.at_level(logging.WARNING, logger="extractors.ocr.runtime"):
        session = open_model(path, "cls", 1, resolve_choice("openvino", "cpu"))
    assert session.identity.runtime == "onnxruntime" and session.identity.device == "cpu"
    assert "could not compile" in caplog.text and path.name in caplog.text
    out = session.run(np.zeros((1, 3, 48, 192), np.float32))
    assert out.shape == (1, 2)


def test_openvino_missing_falls_back_to_onnxruntime(monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    path = _model("cls")
    monkeypatch.setitem(sys.modules, "openvino", None)  # `import openvino` raises ImportError
    monkeypatch.setattr(runtime, "_core", None)
    with caplog.at_level(logging.WARNING, logger="extractors.ocr.runtime"):
        session = open_model(path, "cls", 1, resolve_choice("openvino", "cpu"))
    assert session.identity.runtime == "onnxruntime"
    assert "cannot be imported" in caplog.text
    assert runtime.openvino_importable() is False


def _fake_onnxruntime(monkeypatch: pytest.MonkeyPatch, cuda_works: bool) -> dict[str, object]:
    """A stand-in `onnxruntime` whose sessions take the CUDA provider only when `cuda_works`."""
    seen: dict[str, object] = {}
    module = types.ModuleType("onnxruntime")
    module.__spec__ = importlib.machinery.ModuleSpec("onnxruntime", None)

    class SessionOptions:
        def add_session_config_entry(self, key: str, value: str) -> None:
            pass

    class Input:
        name = "x"
        shape = ("n", 3, 48, "w")

    class InferenceSession:
        def __init__(self, path: str, sess_options: object, providers: list[object]) -> None:
            seen["providers"] = providers
            names = [p[0] if isinstance(p, tuple) else p for p in providers]
            self._providers = [n for n in names if n != "CUDAExecutionProvider" or cuda_works]

        def get_providers(self) -> list[str]:
            return self._providers

        def get_inputs(self) -> list[Input]:
            return [Input()]

    module.SessionOptions = SessionOptions  # type: ignore[attr-defined]
    module.InferenceSession = InferenceSession  # type: ignore[attr-defined]
    module.GraphOptimizationLevel = types.SimpleNamespace(ORT_ENABLE_ALL=99)  # type: ignore[attr-defined]
    module.ExecutionMode = types.SimpleNamespace(ORT_SEQUENTIAL=0)  # type: ignore[attr-defined]
    module.get_available_providers = lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "onnxruntime", module)
    return seen


def test_cuda_session_with_the_cuda_provider(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = _fake_onnxruntime(monkeypatch, cuda_works=True)
    assert runtime.cuda_provider_available() is True
    session = open_model(tmp_path / "rec.onnx", "rec", 1, resolve_choice(device="cuda"))
    assert session.identity.label() == "onnxruntime/cuda/f32"
    providers = seen["providers"]
    assert isinstance(providers, list) and providers[0][0] == "CUDAExecutionProvider"
    assert providers[-1] == "CPUExecutionProvider"  # CUDA-less operators run on the CPU
    assert session.input_shape == (None, 3, 48, None)


def test_cuda_that_does_not_take_falls_back_to_the_cpu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    _fake_onnxruntime(monkeypatch, cuda_works=False)
    with pytest.raises(OcrUnavailable, match="CUDA"):
        OnnxRuntimeSession(tmp_path / "rec.onnx", 1, device="cuda")
    with caplog.at_level(logging.WARNING, logger="extractors.ocr.runtime"):
        session = open_model(tmp_path / "rec.onnx", "rec", 1, resolve_choice(device="cuda"))
    assert session.identity.label() == "onnxruntime/cpu/f32"
    assert "using the CPU" in caplog.text


# -- OpenVINO for real --------------------------------------------------------------------------
def test_openvino_matches_onnxruntime_and_caches_compiled_models(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    if not runtime.openvino_importable():
        pytest.skip("openvino is not installed")
    monkeypatch.setenv(runtime.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(runtime, "_core", None)  # a fresh Core, so the cache folder is this test's
    path = _model("cls")
    batch = np.random.default_rng(3).uniform(-1, 1, (4, 3, 48, 192)).astype(np.float32)
    reference = open_model(path, "cls", 1, resolve_choice("onnxruntime", "cpu"))
    session = open_model(path, "cls", 1, resolve_choice("openvino", "cpu", "f32"))
    assert session.identity.label() == "openvino/cpu/f32"
    np.testing.assert_allclose(session.run(batch), reference.run(batch), atol=1e-4)
    assert list((tmp_path / "ov").glob("*.blob")), "the compiled model is kept on disk"
    # The recogniser's character list is read from the model under either runtime.
    rec = _model("rec")
    chars = open_model(rec, "rec", 1, resolve_choice("openvino", "cpu")).metadata("character")
    assert chars and chars == open_model(rec, "rec", 1, resolve_choice("onnxruntime", "cpu")).metadata("character")


def test_precision_reported_is_what_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A bf16 hint on a CPU without bf16 runs (and says) f32; with bf16 hardware it says bf16."""
    if not runtime.openvino_importable():
        pytest.skip("openvino is not installed")
    import openvino as ov

    monkeypatch.setenv(runtime.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(runtime, "_core", None)
    capabilities = ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    session = open_model(_model("cls"), "cls", 1, resolve_choice("openvino", "cpu", "bf16"))
    assert session.identity.precision == ("bf16" if "BF16" in capabilities else "f32")


# -- the engine's identity ----------------------------------------------------------------------
def test_engine_identity_names_the_runtime(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from extractors.ocr.rapid import RapidOcrEngine

    _model("det")
    monkeypatch.setenv(runtime.CACHE_ENV, str(tmp_path))
    ort_engine = RapidOcrEngine(threads=1, runtime="onnxruntime", device="cpu")
    assert ort_engine.runtime_label() == "onnxruntime/cpu/f32"
    key = engine_cache_key(ort_engine)
    assert key["inference"]["rec"] == {"runtime": "onnxruntime", "device": "cpu", "precision": "f32"}
    if runtime.openvino_importable():
        # f32 asked for: with no precision asked, a CPU with bf16 may run bf16 (tests/test_ocr_bf16_choice.py).
        ov_engine = RapidOcrEngine(threads=1, runtime="openvino", device="cpu", precision="f32")
        assert ov_engine.runtime_label() == "openvino/cpu/f32"
        assert engine_cache_key(ov_engine) != key  # a replayed reading is never another runtime's


# -- detection only where there is ink ------------------------------------------------------------
def test_ink_regions_leave_out_margins_and_blank_bands() -> None:
    page = np.full((1600, 1200, 3), 235, np.uint8)
    page[200:600, 150:1050] = 30  # a block of text at the top
    page[1400:1440, 800:1000] = 30  # a signing line far below
    boxes = ink_regions(page)
    assert len(boxes) == 2
    (x0, y0, x1, y1), (sx0, sy0, sx1, sy1) = boxes
    assert x0 <= 150 and y0 <= 200 and x1 >= 1050 and y1 >= 600 and y1 < 700
    assert sx0 <= 800 and sy0 <= 1400 and sx1 >= 1000 and sy1 >= 1440 and sy0 > 1300
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    assert area < 0.3 * 1600 * 1200


def test_ink_regions_keep_the_whole_box_when_bands_save_little() -> None:
    page = np.full((1600, 1200, 3), 235, np.uint8)
    for top in range(100, 1500, 40):  # lines of text all down the page
        page[top:top + 20, 100:1100] = 40
    assert ink_regions(page) == [(76, 76, 1124, 1504)]  # last line ends at 1480, + 24
    blank = np.full((1600, 1200, 3), 235, np.uint8)
    assert ink_regions(blank) == [(0, 0, 1200, 1600)]  # no ink: nothing is left out
    dust = blank.copy()
    dust[800, 600] = 0  # one speck is not a line
    assert ink_regions(dust) == [(0, 0, 1200, 1600)]


def test_detection_on_ink_finds_what_the_whole_page_does() -> None:
    """The detector on the inked regions finds the same lines as on the whole page, at the same places."""
    from extractors.ocr.rapid import RapidOcrEngine

    _model("det")
    fixed = Path(__file__).resolve().parents[1] / "samples" / "fixed" / "demo-500-000.pdf"
    import pymupdf

    with pymupdf.open(fixed) as doc:
        pix = doc[2].get_pixmap(dpi=150, colorspace=pymupdf.csRGB, alpha=False)
        bgr = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3)[:, :, ::-1].copy()
    engine = RapidOcrEngine(threads=1, runtime="onnxruntime")
    engine.det.skip_blank = False
    whole = engine.det(bgr)
    engine.det.skip_blank = True
    inked = engine.det(bgr)
    assert len(whole) > 10
    assert abs(len(inked) - len(whole)) <= max(1, len(whole) // 20)
    centres = np.array([q.mean(axis=0) for q in whole])
    matched = sum(1 for q in inked if np.min(np.linalg.norm(centres - q.mean(axis=0), axis=1)) < 6)
    assert matched >= 0.95 * len(inked)
