"""OCR replay for the test suite: an engine's readings stored on disk and given back for the same image.

OCRmyPDF keeps a cache like this for its tests. The suite reads the same generated pages on every
run, and OCR is most of its time; with `CASECHECK_OCR_REPLAY=DIR` set, `get_engine` wraps the
engine so that each `read(image)` is looked up first under DIR and only read (and stored) when
missing. It is off unless that variable is set: nothing in the product sets it.

A reading is stored under a key made of
- the image: SHA-256 of its bytes, shape and dtype (the render dpi shows in the shape);
- the engine: `engine_cache_key(engine)` (name, class, settings, language, runtime, model files
  by name and size; the engine's own `cache_key()` when it defines one; threads left out);
- the code: SHA-256 of the OCR package's source (extractors/ocr/*.py) and of the stored type's
  JSON schema (OcrReading, TextLine), and the versions of the inference packages installed.
So a change to the engine's code, models, options or packages reads afresh; a stored reading is
the engine's exact output (JSON keeps floats exactly), so results are the same with and without.

Files are small JSON (DIR/<engine>/<engine and code key>/<image key[:2]>/<image key>.json),
written to a temporary and renamed, so concurrent test processes (the pipeline's reading
processes) never see half a file. Each key folder holds a `.used` file touched when an engine
starts using it, so that the suite can drop folders no code uses any more (tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from extractors.ocr.base import OcrEngine, OcrReading, engine_cache_key

log = logging.getLogger(__name__)

REPLAY_ENV = "CASECHECK_OCR_REPLAY"
# Layout version of the stored files; bump it when what is stored changes.
_FORMAT = 1
# Packages whose version can change what an engine reads (the ones not installed are skipped).
_INFERENCE_PACKAGES = ("rapidocr", "onnxruntime", "openvino", "pytesseract", "paddleocr", "paddlepaddle",
                       "opencv-python-headless", "opencv-python", "numpy")
_ROOT = Path(__file__).resolve().parents[2]

_wrappers: dict[tuple[int, str], ReplayEngine] = {}
_lock = threading.Lock()
_announced = False


def replay_folder() -> Path | None:
    """The folder named by CASECHECK_OCR_REPLAY, or None when replay is off (always, in production)."""
    raw = os.environ.get(REPLAY_ENV, "").strip()
    return Path(raw).expanduser() if raw else None


def with_replay(engine: OcrEngine) -> OcrEngine:
    """`engine` itself when replay is off, else its replaying wrapper (one per engine and folder)."""
    global _announced
    folder = replay_folder()
    if folder is None:
        return engine
    key = (id(engine), str(folder))
    with _lock:
        wrapper = _wrappers.get(key)
        if wrapper is None:
            if not _announced:
                # Loud on purpose: a production process must never run with this set.
                log.warning("OCR replay on (%s=%s): readings are taken from and stored there (tests only)",
                            REPLAY_ENV, folder)
                _announced = True
            wrapper = _wrappers[key] = ReplayEngine(engine, folder)
    return wrapper


def clear() -> None:
    """Forget the wrappers (with `extractors.ocr.clear_cache`)."""
    with _lock:
        _wrappers.clear()


def code_identity() -> dict[str, Any]:
    """The OCR package's source, the stored type's schema and the inference packages' versions."""
    digest = hashlib.sha256()
    for path in sorted((_ROOT / "extractors" / "ocr").glob("*.py")):
        digest.update(path.relative_to(_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    versions: dict[str, str] = {}
    for package in _INFERENCE_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    # The stored type's schema rather than models/case.py's text: other models there change often.
    schema = json.dumps(OcrReading.model_json_schema(), sort_keys=True)
    return {"format": _FORMAT, "source": digest.hexdigest(), "schema": hashlib.sha256(schema.encode()).hexdigest(),
            "packages": versions}


def image_digest(image: np.ndarray) -> str:
    """SHA-256 of an image's pixels, shape and dtype."""
    digest = hashlib.sha256(f"{image.shape}|{image.dtype}|".encode())
    digest.update(memoryview(np.ascontiguousarray(image)).cast("B"))
    return digest.hexdigest()


class ReplayEngine:
    """An OCR engine whose readings are replayed from disk when the same image was read before.

    Everything but `read` (orientation helpers, the detector a test drives) goes to the engine.
    """

    def __init__(self, engine: OcrEngine, folder: Path) -> None:
        self.engine = engine
        self.name = engine.name
        identity = {"engine": engine_cache_key(engine), "code": code_identity()}
        self.identity = hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        self.folder = folder / engine.name / self.identity[:24]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / ".used").touch()
        except OSError as exc:
            log.warning("OCR replay: cannot use %s (%s)", self.folder, exc)
        self.hits = 0
        self.misses = 0
        log.debug("OCR replay key for %s: %s %s", engine.name, self.identity[:12], identity)

    def __getattr__(self, attribute: str) -> Any:
        # Only called for attributes this wrapper lacks: the engine's own (det, orientation, ...).
        return getattr(self.__dict__["engine"], attribute)

    def path_for(self, image: np.ndarray) -> Path:
        key = image_digest(image)
        return self.folder / key[:2] / f"{key}.json"

    def read(self, image: np.ndarray) -> OcrReading:
        path = self.path_for(image)
        stored = self._load(path)
        if stored is not None:
            self.hits += 1
            return stored
        self.misses += 1
        reading = self.engine.read(image)
        self._store(path, reading)
        return reading

    @staticmethod
    def _load(path: Path) -> OcrReading | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("OCR replay: cannot read %s (%s); reading the page", path, exc)
            return None
        try:
            return OcrReading.model_validate_json(data)
        except ValueError:
            log.warning("OCR replay: %s is damaged; reading the page again", path)
            return None

    @staticmethod
    def _store(path: Path, reading: OcrReading) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(reading.model_dump_json().encode())
                os.replace(temporary, path)  # atomic: readers see the whole file or none
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:  # a full or read-only cache costs speed, never a result
            log.warning("OCR replay: cannot store %s (%s)", path, exc)
