"""Tesseract (chi_sim + eng) as a second, model-free-to-install OCR engine.

It exists as a fallback and a cross-check, not for speed (several seconds a page): every Linux
distribution packages it, so a site without the RapidOCR wheel still reads scans.

Orientation comes from Tesseract's own OSD (`--psm 0`, needs osd.traineddata): its "Rotate"
answer is exactly our convention (degrees the scan is turned counter-clockwise). When OSD is
missing, fails (too little text) or is unsure, the candidate turns are read on a downscaled copy
and the one Tesseract reads most confidently wins.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil

import cv2
import numpy as np

from extractors.ocr.base import OcrReading, OcrUnavailable, upright
from extractors.ocr.common import looks_blank, ocr_threads, reading_order, to_gray
from models.case import TextLine

log = logging.getLogger(__name__)

# OSD confidence below which the answer is checked by reading (measured: wrong answers on CJK
# pages come with confidence < 1; right ones are usually 1.5-5).
OSD_MIN_CONFIDENCE = 1.0
_ASCII_WORD = re.compile(r"[0-9A-Za-z]$")


@functools.lru_cache(maxsize=1)
def _languages() -> tuple[str, ...]:
    import pytesseract

    try:
        return tuple(pytesseract.get_languages(config=""))
    except Exception:  # pytesseract raises several types when the binary is missing or broken
        return ()


def tesseract_problem(lang: str = "chi_sim") -> str | None:
    """Why Tesseract cannot read `lang` here, or None when it can."""
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed (pip install pytesseract)"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return "the tesseract binary is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
    langs = _languages()
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        return f"tesseract language data missing: {', '.join(missing)} (apt-get install tesseract-ocr-chi-sim)"
    return None


def tesseract_available(lang: str = "chi_sim") -> bool:
    return tesseract_problem(lang) is None


def _join(words: list[str]) -> str:
    """Words of a line joined as written: CJK characters run together, Latin words keep a space."""
    out = ""
    for word in words:
        if out and _ASCII_WORD.search(out) and word[:1].isascii() and word[:1].isalnum():
            out += " "
        out += word
    return out


class TesseractEngine:
    """Reads Chinese pages with Tesseract; lines from `image_to_data` grouped by block/paragraph/line."""

    name = "tesseract"

    def __init__(self, lang: str = "chi_sim+eng", psm: int = 3, min_confidence: float = 0.0,
                 threads: int | None = None, osd: bool = True) -> None:
        problem = tesseract_problem(lang)
        if problem:
            raise OcrUnavailable(problem)
        import pytesseract

        self._tess = pytesseract
        self.lang = lang
        self.psm = psm
        self.min_confidence = min_confidence
        self.use_osd = osd and "osd" in _languages()
        # Tesseract's OpenMP threads. One, unless asked: its multithreading gains little and, on
        # a busy machine, OpenMP's spin-waiting made a page 15x slower (6.5 s -> 108 s measured).
        self._omp_threads = str(ocr_threads(threads) if threads else 1)

    def _config(self, psm: int) -> str:
        return f"--psm {psm} -c preserve_interword_spaces=0"

    def orientation(self, image: np.ndarray) -> int:
        """How far the scan is turned counter-clockwise (0/90/180/270)."""
        candidates = [0, 90, 180, 270]
        if self.use_osd:
            try:
                osd = self._tess.image_to_osd(image, output_type=self._tess.Output.DICT,
                                              config="--psm 0 -c min_characters_to_try=10")
                rotate = int(osd.get("rotate", 0)) % 360
                conf = float(osd.get("orientation_conf", 0.0))
                if conf >= OSD_MIN_CONFIDENCE:
                    return rotate
                candidates = [rotate, (rotate + 180) % 360]  # OSD rarely confuses sideways with upright
            except self._tess.TesseractError as exc:
                log.debug("tesseract OSD failed (%s); reading each turn instead", " ".join(str(exc).split())[:80])
        return self._best_turn(image, candidates)

    def _best_turn(self, image: np.ndarray, candidates: list[int]) -> int:
        """The turn Tesseract reads best on a half-size copy: most confident characters in total."""
        gray = to_gray(image)
        small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
        best, best_score = candidates[0], -1.0
        for rotation in candidates:
            data = self._tess.image_to_data(upright(small, rotation), lang=self.lang, config=self._config(6),
                                            output_type=self._tess.Output.DICT)
            score = sum(max(0.0, float(c)) * len(t.strip()) for c, t in zip(data["conf"], data["text"], strict=True)
                        if t.strip())
            if score > best_score:
                best, best_score = rotation, score
        return best

    def read(self, image: np.ndarray) -> OcrReading:
        if image.ndim == 3:
            image = np.ascontiguousarray(image[:, :, :3])
        h, w = image.shape[:2]
        if looks_blank(image):
            return OcrReading(rotation=0, width=w, height=h)
        os.environ.setdefault("OMP_THREAD_LIMIT", self._omp_threads)  # read by the tesseract child process
        rotation = self.orientation(image)
        up = upright(image, rotation) if rotation else image
        uh, uw = up.shape[:2]
        data = self._tess.image_to_data(up, lang=self.lang, config=self._config(self.psm),
                                        output_type=self._tess.Output.DICT)
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, text in enumerate(data["text"]):
            if int(data["level"][i]) == 5 and text and text.strip():
                groups.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        lines: list[TextLine] = []
        for idx in groups.values():
            idx.sort(key=lambda i: data["left"][i])
            text = _join([data["text"][i].strip() for i in idx])
            confs = [float(data["conf"][i]) for i in idx if float(data["conf"][i]) >= 0]
            conf = float(np.clip(np.mean(confs) / 100.0, 0.0, 1.0)) if confs else 0.0
            if not text or conf < self.min_confidence:
                continue
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            lines.append(TextLine(text=text, bbox=(float(x0), float(y0), float(x1), float(y1)),
                                  confidence=round(conf, 4)))
        return OcrReading(rotation=rotation, width=uw, height=uh, lines=reading_order(lines))
