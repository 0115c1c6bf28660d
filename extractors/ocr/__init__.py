"""OCR engines by name: configuration picks the engine, code never hard-wires one.

    engine = get_engine()              # env CASECHECK_OCR_ENGINE, else "rapidocr"
    engine = get_engine("tesseract")
    reading = engine.read(rgb_image)   # -> OcrReading, upright lines in reading order

Engines load models slowly, so one instance per (name, options) is kept for the process.
An engine that cannot run here raises `OcrUnavailable` with a one-line reason.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from extractors.ocr.base import OcrEngine, OcrReading, OcrUnavailable, upright
from extractors.ocr.replay import clear as _clear_replay
from extractors.ocr.replay import with_replay

log = logging.getLogger(__name__)

DEFAULT_ENGINE = "rapidocr"
ENGINE_ENV = "CASECHECK_OCR_ENGINE"
_ALIASES = {"rapid": "rapidocr", "tess": "tesseract", "paddle": "paddleocr"}

_cache: dict[tuple[str, tuple[tuple[str, str], ...]], OcrEngine] = {}
_lock = threading.Lock()


def _make_rapidocr(**options: object) -> OcrEngine:
    from extractors.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine(**options)  # type: ignore[arg-type]


def _make_tesseract(**options: object) -> OcrEngine:
    from extractors.ocr.tesseract import TesseractEngine

    return TesseractEngine(**options)  # type: ignore[arg-type]


def _make_paddleocr(**options: object) -> OcrEngine:
    from extractors.ocr.paddle import PaddleEngine

    return PaddleEngine(**options)  # type: ignore[arg-type]


_FACTORIES: dict[str, Callable[..., OcrEngine]] = {
    "rapidocr": _make_rapidocr,
    "tesseract": _make_tesseract,
    "paddleocr": _make_paddleocr,
}


def engine_names() -> list[str]:
    """The engine names `get_engine` accepts."""
    return list(_FACTORIES)


def resolve_name(name: str | None = None) -> str:
    """The canonical engine name for `name`, env CASECHECK_OCR_ENGINE or the default."""
    raw = (name or os.environ.get(ENGINE_ENV, "") or DEFAULT_ENGINE).strip().lower()
    resolved = _ALIASES.get(raw, raw)
    if resolved not in _FACTORIES:
        raise OcrUnavailable(f"unknown OCR engine {raw!r}; choose one of: {', '.join(_FACTORIES)}")
    return resolved


def get_engine(name: str | None = None, **options: object) -> OcrEngine:
    """The engine called `name` (default: env CASECHECK_OCR_ENGINE, else "rapidocr"), made once per process.

    `options` go to the engine's constructor (e.g. `threads=1`, `min_score=0.5` for rapidocr;
    `lang="chi_sim"` for tesseract) and are part of the cache key.
    Raises `OcrUnavailable` when the engine is unknown or cannot run here. With env
    CASECHECK_OCR_REPLAY set (tests only) the engine comes wrapped in `replay.ReplayEngine`.
    """
    resolved = resolve_name(name)
    key = (resolved, tuple(sorted((k, repr(v)) for k, v in options.items())))
    engine = _cache.get(key)
    if engine is not None:
        return with_replay(engine)
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            log.debug("loading OCR engine %s %s", resolved, options or "")
            engine = _FACTORIES[resolved](**options)
            _cache[key] = engine
    return with_replay(engine)


def available_engines() -> dict[str, bool]:
    """Which engines can run here, by name; cheap checks only (no model is loaded)."""
    from extractors.ocr.paddle import paddle_available
    from extractors.ocr.rapid import rapidocr_available
    from extractors.ocr.tesseract import tesseract_available

    return {
        "rapidocr": rapidocr_available(),
        "tesseract": tesseract_available(),
        "paddleocr": paddle_available(),
    }


def clear_cache() -> None:
    """Forget the loaded engines (tests, or after changing CASECHECK_OCR_THREADS)."""
    with _lock:
        _cache.clear()
    _clear_replay()


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINE_ENV",
    "OcrEngine",
    "OcrReading",
    "OcrUnavailable",
    "available_engines",
    "clear_cache",
    "engine_names",
    "get_engine",
    "resolve_name",
    "upright",
]
