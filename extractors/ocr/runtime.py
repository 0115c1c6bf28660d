"""Inference runtimes behind the ONNX OCR models: OpenVINO or ONNX Runtime, CPU or an NVIDIA GPU.

Configuration picks the runtime, never code:

    CASECHECK_OCR_RUNTIME   openvino | onnxruntime | auto (default: OpenVINO where it pays, see below)
    CASECHECK_OCR_DEVICE    cpu | cuda | auto (default: a CUDA GPU when one is usable, else CPU)
    CASECHECK_OCR_PRECISION auto | f32 | bf16 | f16, for every model, or per model: "det=bf16,rec=f32"
                            (default auto: f32, or bf16 on OpenVINO where this machine has shown
                            that bf16 reads what f32 reads, see `extractors.ocr.bf16`)
    CASECHECK_CACHE_DIR     where compiled models are kept (default ~/.cache/casecheck), under ov/

`open_model(path, kind, threads, choice)` gives a `ModelSession` whatever the runtime: one
`run(batch) -> first output` call and the model's metadata. OpenVINO that cannot be imported, or
that fails to compile a model, is logged and ONNX Runtime used instead; a CUDA device that cannot
be used falls back to the CPU the same way. Each session says what it really runs on
(`identity`), so what read a page is known (the OCR replay cache keys on it).

"auto" takes OpenVINO on CPUs with AVX-512, where it was measured 3.6x faster than ONNX Runtime
on the detector (and bf16 is there to try), and ONNX Runtime elsewhere: on this project's 2-core
AVX2 machine OpenVINO took 16% more CPU per page (1.74 s against 1.50 s, the same pages read
alternately) and a worker held more memory. `--runtime openvino` still asks for it anywhere.

OpenVINO compiles each model once per process and keeps the compiled blob on disk (its
CACHE_DIR), so the next process (a page worker, the next `casecheck check`) loads it instead.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from extractors.ocr.base import OcrUnavailable

log = logging.getLogger(__name__)

RUNTIME_ENV = "CASECHECK_OCR_RUNTIME"
DEVICE_ENV = "CASECHECK_OCR_DEVICE"
PRECISION_ENV = "CASECHECK_OCR_PRECISION"
CACHE_ENV = "CASECHECK_CACHE_DIR"

Runtime = Literal["openvino", "onnxruntime"]
Device = Literal["cpu", "cuda"]
Precision = Literal["f32", "bf16", "f16"]
RUNTIMES: tuple[Runtime, ...] = ("openvino", "onnxruntime")
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda")
PRECISIONS: tuple[Precision, ...] = ("f32", "bf16", "f16")
_RUNTIME_ALIASES = {"ov": "openvino", "ort": "onnxruntime", "onnx": "onnxruntime"}
_DEVICE_ALIASES = {"gpu": "cuda"}

# Precision per model when nothing is configured: f32, unless `extractors.ocr.bf16` finds that
# this CPU computes bf16 and has shown it to read what f32 reads. OpenVINO would pick bf16 by
# itself on such CPUs, untried, so the hint is always given explicitly.
DEFAULT_PRECISION: dict[str, Precision] = {"det": "f32", "rec": "f32", "cls": "f32"}


class RuntimeChoice(BaseModel):
    """What the configuration asks for; `resolve_choice` fills it from arguments and environment."""

    model_config = ConfigDict(frozen=True)

    runtime: Runtime
    device: Device
    precision: dict[str, Precision]
    cache_dir: Path | None  # None: no on-disk model cache
    # A precision was asked for (argument or env): nothing else may change it. Otherwise bf16 may
    # be taken where this machine has shown it keeps the text read (`extractors.ocr.bf16`).
    precision_asked: bool = False

    def precision_of(self, kind: str) -> Precision:
        return self.precision.get(kind, "f32")


class SessionIdentity(BaseModel):
    """What one model really runs on, after any fallback: part of the engine's identity."""

    model_config = ConfigDict(frozen=True)

    runtime: Runtime
    device: Device
    precision: Precision

    def label(self) -> str:
        return f"{self.runtime}/{self.device}/{self.precision}"


class ModelSession(Protocol):
    """One loaded model: a single input, its first output returned."""

    identity: SessionIdentity
    input_shape: tuple[int | None, ...]  # None where the model takes any size

    def run(self, batch: np.ndarray) -> np.ndarray: ...

    def metadata(self, key: str) -> str | None: ...


# -- configuration --------------------------------------------------------------------------------
def openvino_importable() -> bool:
    try:
        import openvino  # noqa: F401
    except Exception:  # an import can fail with more than ImportError (missing shared libraries)
        return False
    return True


@functools.lru_cache(maxsize=1)
def cpu_info() -> tuple[str, frozenset[str]]:
    """(model name, flags) of the CPU from /proc/cpuinfo (Linux); ("unknown", {}) elsewhere."""
    name, flags = "unknown", frozenset[str]()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name") and name == "unknown":
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = frozenset(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    return name, flags


def cpu_has_avx512() -> bool:
    """The CPU offers AVX-512, where OpenVINO's CPU kernels pay off."""
    return "avx512f" in cpu_info()[1]


def resolve_runtime(requested: str | None = None) -> Runtime:
    """`requested`, else env CASECHECK_OCR_RUNTIME, else "auto": OpenVINO where it imports and
    the CPU has AVX-512, else ONNX Runtime (see the module's docstring for why)."""
    raw = (requested or os.environ.get(RUNTIME_ENV, "") or "auto").strip().lower()
    raw = _RUNTIME_ALIASES.get(raw, raw)
    if raw == "auto":
        return "openvino" if cpu_has_avx512() and openvino_importable() else "onnxruntime"
    if raw not in RUNTIMES:
        raise ValueError(f"unknown OCR runtime {raw!r}; choose one of: auto, {', '.join(RUNTIMES)}")
    return raw  # type: ignore[return-value]


def nvidia_gpu_present() -> bool:
    """An NVIDIA driver with at least one GPU is loaded (no CUDA library is touched)."""
    gpus = Path("/proc/driver/nvidia/gpus")
    try:
        return gpus.is_dir() and any(gpus.iterdir())
    except OSError:
        return False


def cuda_provider_available() -> bool:
    """ONNX Runtime here was built with the CUDA provider (the onnxruntime-gpu wheel)."""
    try:
        import onnxruntime as ort
    except Exception:
        return False
    return "CUDAExecutionProvider" in ort.get_available_providers()


def resolve_device(requested: str | None = None) -> Device:
    """`requested`, else env CASECHECK_OCR_DEVICE, else "auto": CUDA when an NVIDIA GPU and
    ONNX Runtime's CUDA provider are both there, else the CPU."""
    raw = (requested or os.environ.get(DEVICE_ENV, "") or "auto").strip().lower()
    raw = _DEVICE_ALIASES.get(raw, raw)
    if raw not in DEVICES:
        raise ValueError(f"unknown OCR device {raw!r}; choose one of: {', '.join(DEVICES)}")
    if raw == "auto":
        return "cuda" if nvidia_gpu_present() and cuda_provider_available() else "cpu"
    return raw  # type: ignore[return-value]


def parse_precision(text: str | None) -> dict[str, Precision]:
    """"bf16" (every model) or "det=bf16,rec=f32" (per model) over the defaults."""
    out = dict(DEFAULT_PRECISION)
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        kind, _, value = part.rpartition("=")
        value = {"fp32": "f32", "fp16": "f16"}.get(value, value)
        if value not in PRECISIONS:
            raise ValueError(f"unknown OCR precision {value!r}; choose one of: {', '.join(PRECISIONS)}")
        if kind:
            out[kind] = value  # type: ignore[assignment]
        else:
            out = dict.fromkeys(out, value)  # type: ignore[arg-type]
    return out


def cache_root() -> Path:
    raw = os.environ.get(CACHE_ENV, "").strip()
    return Path(raw).expanduser() if raw else Path.home() / ".cache" / "casecheck"


def resolve_choice(runtime: str | None = None, device: str | None = None,
                   precision: str | dict[str, str] | None = None) -> RuntimeChoice:
    """The runtime, device, precision per model and model cache folder asked for (arguments win over
    the environment). A CUDA device runs on ONNX Runtime (its CUDA provider) whatever the runtime."""
    chosen_device = resolve_device(device)
    chosen_runtime: Runtime = "onnxruntime" if chosen_device == "cuda" else resolve_runtime(runtime)
    if isinstance(precision, dict):
        asked = ",".join(f"{k}={v}" for k, v in precision.items())
    else:
        asked = precision if precision is not None else os.environ.get(PRECISION_ENV, "")
    asked = asked.strip()
    if asked.lower() == "auto":
        asked = ""
    return RuntimeChoice(runtime=chosen_runtime, device=chosen_device, precision=parse_precision(asked),
                         cache_dir=cache_root() / "ov", precision_asked=bool(asked))


# -- OpenVINO ---------------------------------------------------------------------------------------
_core = None
_core_lock = threading.Lock()
_OV_PRECISION = {"f32": "f32", "bf16": "bf16", "f16": "f16"}


def _openvino_core(cache_dir: Path | None):  # -> openvino.Core, one per process
    global _core
    with _core_lock:
        if _core is None:
            import openvino as ov

            _core = ov.Core()
        if cache_dir is not None:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                _core.set_property({"CACHE_DIR": str(cache_dir)})
            except OSError as exc:  # a read-only home: compile every time, still correct
                log.warning("OpenVINO model cache %s unusable (%s); compiling without it", cache_dir, exc)
        return _core


class OpenVinoSession:
    """A model compiled by OpenVINO for the CPU; an infer request per calling thread."""

    def __init__(self, path: Path, threads: int, precision: Precision, cache_dir: Path | None,
                 streams: int = 1) -> None:
        core = _openvino_core(cache_dir)
        model = core.read_model(str(path))
        self.input_shape = tuple(d.get_length() if d.is_static else None for d in model.inputs[0].partial_shape)
        self._meta = model.get_rt_info()
        config = {
            "INFERENCE_NUM_THREADS": max(1, threads),
            "NUM_STREAMS": max(1, streams),  # concurrent requests (the recogniser's batch threads)
            "PERFORMANCE_HINT": "LATENCY",
            # Several reading processes share the cores: pinning threads to cores would make them
            # queue behind each other.
            "ENABLE_CPU_PINNING": False,
            "INFERENCE_PRECISION_HINT": _OV_PRECISION[precision],
            # Kernels kept per input shape: the recogniser's width changes with every batch, and
            # the default (5,000 shapes) grew a worker by ~400 MB over a case file.
            "CPU_RUNTIME_CACHE_CAPACITY": 50,
        }
        self.compiled = core.compile_model(model, "CPU", config)
        actual = str(self.compiled.get_property("INFERENCE_PRECISION_HINT")).lower()
        # The hint is a wish: a CPU without bf16 computes in f32. Say what really runs.
        real: Precision = "bf16" if "bf16" in actual else "f16" if "f16" in actual else "f32"
        self.identity = SessionIdentity(runtime="openvino", device="cpu", precision=real)
        self._local = threading.local()

    def _request(self):  # -> openvino.InferRequest of this thread
        request = getattr(self._local, "request", None)
        if request is None:
            request = self.compiled.create_infer_request()
            self._local.request = request
        return request

    def run(self, batch: np.ndarray) -> np.ndarray:
        request = self._request()
        request.infer({0: batch})
        # The output tensor is reused by the next call: hand back a copy the caller can keep.
        return np.array(request.get_output_tensor(0).data, copy=True)

    def metadata(self, key: str) -> str | None:
        try:
            return str(self._meta["framework"][key].astype(str))
        except (KeyError, RuntimeError, TypeError, AttributeError):
            return None


# -- ONNX Runtime -----------------------------------------------------------------------------------
_arena_registered: bool | None = None


def _shared_cpu_arena(ort) -> bool:
    """Register one CPU arena for all ONNX Runtime sessions of this process (once); False where
    this onnxruntime cannot (sessions then keep an arena each, as before)."""
    global _arena_registered
    with _core_lock:
        if _arena_registered is None:
            try:
                # max memory 0 (no cap), extend by powers of two (kSameAsRequested fragmented more),
                # initial chunk and dead-bytes-per-chunk at ORT's defaults.
                config = ort.OrtArenaCfg(0, 0, -1, -1)
                info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
                ort.create_and_register_allocator(info, config)
                _arena_registered = True
            except Exception as exc:  # an older or trimmed build: per-session arenas still work
                log.debug("ONNX Runtime shared CPU arena unavailable: %s", exc)
                _arena_registered = False
        return _arena_registered


class OnnxRuntimeSession:
    """A model run by ONNX Runtime on the CPU, or on CUDA with the CPU for what CUDA lacks."""

    def __init__(self, path: Path, threads: int, device: Device = "cpu", spin: bool = False) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise OcrUnavailable("onnxruntime is not installed (pip install onnxruntime)") from exc
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        # Memory. Every call has new input shapes (page sizes, line widths), so memory patterns,
        # which ORT plans and keeps per shape, are never reused: off. And all sessions of the
        # process (detector, classifier, recogniser) draw on one arena instead of one each: a
        # page worker's peak went from ~1 GiB to 564 MiB, reading as fast (`scripts/bench_pipeline.py`).
        opts.enable_mem_pattern = False
        if _shared_cpu_arena(ort):
            opts.add_session_config_entry("session.use_env_allocators", "1")
        if not spin:
            # Spinning idle threads steal the CPU from the other reading processes.
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        providers: list[str | tuple[str, dict[str, str]]] = ["CPUExecutionProvider"]
        if device == "cuda":
            providers = [("CUDAExecutionProvider", {"device_id": os.environ.get("CASECHECK_CUDA_DEVICE", "0")}),
                         "CPUExecutionProvider"]
        try:
            self.session = ort.InferenceSession(str(path), sess_options=opts, providers=providers)
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            raise OcrUnavailable(f"cannot load {path.name}: {' '.join(str(exc).split())[:120]}") from exc
        used = self.session.get_providers()
        real_device: Device = "cuda" if device == "cuda" and "CUDAExecutionProvider" in used else "cpu"
        if device == "cuda" and real_device != "cuda":
            raise OcrUnavailable(f"onnxruntime could not put {path.name} on CUDA (providers: {', '.join(used)})")
        self.identity = SessionIdentity(runtime="onnxruntime", device=real_device, precision="f32")
        first = self.session.get_inputs()[0]
        self.input_name = first.name
        self.input_shape = tuple(d if isinstance(d, int) else None for d in first.shape)

    def run(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: batch})[0]

    def metadata(self, key: str) -> str | None:
        return self.session.get_modelmeta().custom_metadata_map.get(key)


# -- choosing ---------------------------------------------------------------------------------------
def open_model(path: Path, kind: str, threads: int, choice: RuntimeChoice, *, streams: int = 1,
               spin: bool = False) -> ModelSession:
    """`path` loaded as `choice` asks, falling back to ONNX Runtime on the CPU (logged) when that
    cannot be done here. Raises `OcrUnavailable` only when no runtime can load the model."""
    if choice.device == "cuda":
        try:
            return OnnxRuntimeSession(path, threads, device="cuda", spin=spin)
        except OcrUnavailable as exc:
            log.warning("OCR on CUDA unavailable (%s); using the CPU", exc)
    elif choice.runtime == "openvino":
        try:
            return OpenVinoSession(path, threads, choice.precision_of(kind), choice.cache_dir, streams=streams)
        except ImportError as exc:
            log.warning("OpenVINO cannot be imported (%s); using ONNX Runtime", exc)
        except Exception as exc:  # OpenVINO raises RuntimeError subclasses of its own on compile failure
            log.warning("OpenVINO could not compile %s (%s); using ONNX Runtime",
                        path.name, " ".join(str(exc).split())[:160])
    return OnnxRuntimeSession(path, threads, device="cpu", spin=spin)
