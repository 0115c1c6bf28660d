"""PaddleOCR 3.x as an optional engine, used only when it is installed *and* its models are on disk.

PaddleOCR downloads missing models on first use; a checking service must never do that (no
network, and no unreviewed model). So the engine looks for model folders first and refuses,
with `OcrUnavailable`, when the text detection or recognition model is missing:

- the folder named by env CASECHECK_PADDLE_MODEL_DIR (or the `model_dir` option), else
- PaddleX's cache, `$PADDLE_PDX_CACHE_HOME/official_models` (default `~/.paddlex/official_models`),

holding PaddleX model folders such as `PP-OCRv5_mobile_det/` and `PP-OCRv5_mobile_rec/` (each
with its `inference.yml`). A `PP-LCNet_x1_0_doc_ori/` folder, when present, lets PaddleOCR find
the page orientation; otherwise the RapidOCR engine's detector and direction classifier do.

Written against the PaddleOCR 3.x `PaddleOCR(...).predict()` API; it is not installed in the
development environment, so this module is exercised only through its refusal paths there.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

import cv2
import numpy as np

from extractors.ocr.base import OcrReading, OcrUnavailable, upright
from extractors.ocr.common import looks_blank, ocr_threads, order_quad, quad_bbox, reading_order
from models.case import TextLine

log = logging.getLogger(__name__)

MODEL_DIR_ENV = "CASECHECK_PADDLE_MODEL_DIR"
# Preference order: mobile models are several times faster on CPU than server ones.
_DET_NAMES = ("PP-OCRv5_mobile_det", "PP-OCRv4_mobile_det", "PP-OCRv5_server_det", "PP-OCRv4_server_det")
_REC_NAMES = ("PP-OCRv5_mobile_rec", "PP-OCRv4_mobile_rec", "PP-OCRv5_server_rec", "PP-OCRv4_server_rec")
_DOC_ORI_NAMES = ("PP-LCNet_x1_0_doc_ori",)
_MODEL_FILES = ("inference.yml", "inference.json", "inference.pdmodel", "inference.pdiparams")


def model_roots(model_dir: str | Path | None = None) -> list[Path]:
    """Folders searched for PaddleX model folders, most specific first."""
    roots: list[Path] = []
    given = model_dir or os.environ.get(MODEL_DIR_ENV, "").strip()
    if given:
        roots.append(Path(given).expanduser())
    cache_home = os.environ.get("PADDLE_PDX_CACHE_HOME", "").strip()
    roots.append((Path(cache_home).expanduser() if cache_home else Path.home() / ".paddlex") / "official_models")
    return roots


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in _MODEL_FILES)


def find_models(model_dir: str | Path | None = None) -> dict[str, Path]:
    """The det/rec (and, if present, doc_ori) model folders on disk; missing kinds are absent."""
    found: dict[str, Path] = {}
    roots = [r for r in model_roots(model_dir) if r.is_dir()]
    for kind, names in (("det", _DET_NAMES), ("rec", _REC_NAMES), ("doc_ori", _DOC_ORI_NAMES)):
        for root in roots:
            hit = next((root / n for n in names if _is_model_dir(root / n)), None)
            if hit is None and kind != "doc_ori":
                # Any other Chinese PP-OCR model folder of this kind (e.g. a future version).
                hit = next((p for p in sorted(root.glob(f"PP-OCR*_{kind}")) if _is_model_dir(p)), None)
            if hit is not None:
                found[kind] = hit
                break
    return found


def paddle_problem(model_dir: str | Path | None = None) -> str | None:
    """Why the PaddleOCR engine cannot run here, or None when it can (no import, no download)."""
    if importlib.util.find_spec("paddleocr") is None:
        return "paddleocr is not installed (pip install paddleocr paddlepaddle)"
    if importlib.util.find_spec("paddle") is None:
        return "paddlepaddle is not installed (pip install paddlepaddle)"
    models = find_models(model_dir)
    missing = [kind for kind in ("det", "rec") if kind not in models]
    if missing:
        where = ", ".join(str(r) for r in model_roots(model_dir))
        return f"PaddleOCR {'/'.join(missing)} model not on disk (looked in {where}; set {MODEL_DIR_ENV})"
    return None


def paddle_available(model_dir: str | Path | None = None) -> bool:
    return paddle_problem(model_dir) is None


def _field(result: object, key: str) -> object:
    """A field of a PaddleOCR 3.x result, which is dict-like (older builds: under `.json['res']`)."""
    try:
        return result[key]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        payload = getattr(result, "json", None)
        if not isinstance(payload, dict):
            return None
        return payload.get("res", payload).get(key)


def _seq(value: object) -> list:
    """A result field as a list: PaddleOCR returns lists or numpy arrays (never `or` an array)."""
    if value is None:
        return []
    return list(value)  # type: ignore[call-overload]


def rotation_of(scan: np.ndarray, turned: np.ndarray) -> int:
    """Which of our rotations (0/90/180/270) turns `scan` into `turned` (PaddleOCR's upright copy).

    Compared on thumbnails, so it does not depend on how PaddleOCR words its angle.
    """
    def thumb(img: np.ndarray) -> np.ndarray:
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
        return cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA).astype(np.float32)

    target = thumb(turned)
    best, best_err = 0, float("inf")
    for rotation in (0, 90, 180, 270):
        candidate = upright(scan, rotation)
        if candidate.shape[:2] != turned.shape[:2]:
            continue
        err = float(np.mean(np.abs(thumb(candidate) - target)))
        if err < best_err:
            best, best_err = rotation, err
    return best


class PaddleEngine:
    """PaddleOCR 3.x pipeline (detection + recognition) on the page turned upright."""

    name = "paddleocr"

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None,
                 min_score: float = 0.3, det_limit_side: int = 1024) -> None:
        problem = paddle_problem(model_dir)
        if problem:
            raise OcrUnavailable(problem)
        models = find_models(model_dir)
        # PaddleX checks its model hosters' reachability at import unless told not to.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import PaddleOCR
        except Exception as exc:  # a broken paddle install raises all sorts of errors at import
            raise OcrUnavailable(f"paddleocr cannot be imported: {' '.join(str(exc).split())[:120]}") from exc
        self.min_score = min_score
        self.use_doc_ori = "doc_ori" in models
        kwargs: dict[str, object] = {
            "text_detection_model_name": models["det"].name,
            "text_detection_model_dir": str(models["det"]),
            "text_recognition_model_name": models["rec"].name,
            "text_recognition_model_dir": str(models["rec"]),
            "use_doc_unwarping": False,  # flat scans; the unwarping model would be another download
            "use_textline_orientation": False,  # the page is turned upright as a whole
            "use_doc_orientation_classify": self.use_doc_ori,
            "text_det_limit_type": "max",
            "text_det_limit_side_len": det_limit_side,
            "device": "cpu",
            "cpu_threads": ocr_threads(threads),
        }
        if self.use_doc_ori:
            kwargs["doc_orientation_classify_model_name"] = models["doc_ori"].name
            kwargs["doc_orientation_classify_model_dir"] = str(models["doc_ori"])
        try:
            self.ocr = PaddleOCR(**kwargs)
        except Exception as exc:
            raise OcrUnavailable(f"PaddleOCR could not load its models: {' '.join(str(exc).split())[:120]}") from exc
        self._rapid = None
        log.debug("paddleocr engine ready: %s", {k: str(v) for k, v in models.items()})

    def _orientation_without_paddle(self, bgr: np.ndarray) -> int:
        """The page orientation from the RapidOCR engine's detector + classifier, when no doc_ori model."""
        try:
            if self._rapid is None:
                from extractors.ocr import get_engine

                self._rapid = get_engine("rapidocr")
            rapid = self._rapid
            quads = rapid.det(bgr)  # type: ignore[attr-defined]
            return rapid.orientation(bgr, quads) if quads else 0  # type: ignore[attr-defined]
        except OcrUnavailable:
            log.warning("paddleocr: no orientation model on disk and rapidocr unavailable; assuming upright")
            return 0

    def read(self, image: np.ndarray) -> OcrReading:
        rgb = image[:, :, :3] if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
        h, w = rgb.shape[:2]
        if looks_blank(rgb):
            return OcrReading(rotation=0, width=w, height=h)
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        rotation = 0
        if not self.use_doc_ori:
            rotation = self._orientation_without_paddle(bgr)
        page = upright(bgr, rotation) if rotation else bgr
        results = list(self.ocr.predict(page))
        if not results:
            return OcrReading(rotation=rotation, width=page.shape[1], height=page.shape[0])
        res = results[0]
        if self.use_doc_ori:
            pre = _field(res, "doc_preprocessor_res")
            turned = pre.get("output_img") if hasattr(pre, "get") else None
            if isinstance(turned, np.ndarray):
                rotation = rotation_of(bgr, turned)
                page = upright(bgr, rotation) if rotation else bgr
        uh, uw = page.shape[:2]
        texts = _seq(_field(res, "rec_texts"))
        scores = _seq(_field(res, "rec_scores"))
        polys = _seq(_field(res, "rec_polys"))
        lines: list[TextLine] = []
        for text, score, poly in zip(texts, scores, polys, strict=False):
            text = str(text).strip()
            conf = float(np.clip(float(score), 0.0, 1.0))
            if not text or conf < self.min_score:
                continue
            quad = np.asarray(poly, dtype=np.float32).reshape(-1, 2)
            box = quad_bbox(order_quad(quad) if len(quad) == 4 else quad, uw, uh)
            lines.append(TextLine(text=text, bbox=box, confidence=round(conf, 4)))
        return OcrReading(rotation=rotation, width=uw, height=uh, lines=reading_order(lines))
