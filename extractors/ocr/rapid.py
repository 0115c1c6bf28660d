"""RapidOCR's bundled PP-OCR models (ONNX), driven directly for speed on a small CPU.

Why not `rapidocr.RapidOCR()` as is: its pipeline runs the angle classifier on every line,
knows nothing of pages scanned sideways, pads every recognition batch to its widest line, and
lets onnxruntime threads spin-wait, which hurts badly when several reading processes share two
cores. Here one detection pass serves both orientation and reading:

1. blank backs (show-through, binder holes, dust) are recognised from the pixels in ~15 ms and
   skip the models entirely;
2. the detector runs once, on the page as scanned (its boxes follow the text lines whichever way
   they run);
3. boxes mostly taller than wide mean the page lies sideways; the direction classifier then reads
   a dozen pieces of the longest lines to tell upright from upside-down, and only when it is
   unsure does the recogniser settle it by comparing its confidence both ways;
4. the boxes are turned into the upright page and every line is recognised once, in batches of
   similar width (little padding), spread over the allowed threads.

Only the model files inside the installed `rapidocr` wheel (or paths given as options) are used:
nothing is ever downloaded.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from extractors.ocr.base import OcrReading, OcrUnavailable, upright
from extractors.ocr.bf16 import bf16_where_shown
from extractors.ocr.common import (
    ink_regions,
    looks_blank,
    ocr_threads,
    order_quad,
    quad_bbox,
    reading_order,
    turn_points,
)
from extractors.ocr.runtime import RuntimeChoice, SessionIdentity, open_model, resolve_choice
from models.case import TextLine

log = logging.getLogger(__name__)

MODELS_ENV = "CASECHECK_OCR_MODELS"

# Preferred model files in rapidocr's `models/` folder, best first; a glob is the last resort.
_MODEL_NAMES: dict[str, tuple[str, ...]] = {
    "det": ("PP-OCRv6_det_small.onnx", "PP-OCRv5_det_mobile.onnx", "ch_PP-OCRv4_det_infer.onnx"),
    "rec": ("PP-OCRv6_rec_small.onnx", "PP-OCRv5_rec_mobile.onnx", "ch_PP-OCRv4_rec_infer.onnx"),
    "cls": ("ch_ppocr_mobile_v2.0_cls_mobile.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx"),
}


@dataclass(frozen=True)
class RapidSettings:
    """Tuning knobs; the defaults were measured on 150/200 dpi A4 scans of Chinese case files."""

    # Detection runs on the page scaled so its long side is at most this (A4 at 150 dpi: 1754 px).
    # Body text stays >= 14 px high, which the DB detector finds reliably; 1024 costs ~0.3 s CPU.
    det_limit_side: int = 1024
    det_thresh: float = 0.3
    det_box_thresh: float = 0.5
    det_unclip_ratio: float = 1.6
    # Detect only where there is ink (see `common.ink_regions`), not on margins and blank bands.
    # On the 40 generated scanned pages and scorer of `scripts/bench_ocr.py` (one thread, this
    # setting switched, two runs each): engine CPU 1.38 -> 1.16 s/page, character recall 99.33% ->
    # 99.78%; reader CPU `scripts/bench_reader.py` 2.27 -> 2.16 s/page. It had cost a line on one sparse page whose
    # closing lay under a seal; since sparse pages with red ink are also detected in the red
    # channel (`_without_red_ink`), that page reads whole either way.
    det_skip_blank: bool = True
    # Lines whose recognition confidence is below this are dropped. Kept low on purpose: a
    # low-confidence line still tells downstream checks something, and it carries its confidence.
    min_score: float = 0.3
    # Recognition batches: lines of similar width share a batch while padding stays under this share.
    rec_batch_max: int = 8
    # ... and while the batch's padded width (lines x widest, in input pixels) stays under this.
    # The recogniser's output is 18,710 class scores per 8 px of width: 8 lines of 1,440 px made
    # a 100+ MB output (and as much again inside the runtime), the bulk of a worker's memory.
    rec_batch_pixels: int = 3200
    rec_pad_tolerance: float = 0.15
    # Narrowest recognition input, as width/height. PaddleOCR pads to 320x48 (6.67); short lines
    # (numbers, names) read as well with less padding, and they are a third of a page's lines.
    rec_min_ratio: float = 4.0
    # Orientation: how many long lines the direction classifier reads, and how sure it must be.
    cls_lines: int = 10
    cls_pieces_per_line: int = 2
    cls_margin: float = 0.35
    # Let onnxruntime worker threads spin while idle (lower latency on an idle machine, but they
    # steal the CPU from other reading processes); off by default.
    spin: bool = False


def _models_dir() -> Path:
    try:
        import rapidocr
    except ImportError as exc:
        raise OcrUnavailable("rapidocr is not installed (pip install rapidocr onnxruntime)") from exc
    return Path(rapidocr.__file__).resolve().parent / "models"


def find_model(kind: str, given: str | Path | None = None) -> Path:
    """The ONNX file for `kind` (det/rec/cls): `given`, else one in the folder named by env
    CASECHECK_OCR_MODELS (models of one's own, or `scripts/bf16_emulation.py`'s), else one bundled
    with rapidocr; never a download."""
    if given:
        path = Path(given)
        if not path.is_file():
            raise OcrUnavailable(f"rapidocr {kind} model not found: {path}")
        return path
    own = os.environ.get(MODELS_ENV, "").strip()
    folder = Path(own).expanduser() if own else _models_dir()
    if own and not folder.is_dir():
        raise OcrUnavailable(f"{MODELS_ENV} names no folder: {folder}")
    for name in _MODEL_NAMES[kind]:
        if (folder / name).is_file():
            return folder / name
    found = sorted(p for p in folder.glob(f"*{kind}*.onnx") if p.stat().st_size > 0)
    if found:
        return found[0]
    raise OcrUnavailable(f"no rapidocr {kind} model in {folder} (the wheel ships them; reinstall rapidocr)")


def crop_quad(image: np.ndarray, quad: np.ndarray, lay_tall: bool = True) -> np.ndarray:
    """The text line inside `quad` (tl, tr, br, bl), straightened; tall crops are laid on their side.

    Same geometry as PaddleOCR's `get_rotate_crop_image`, so the recogniser sees what it was
    trained on. `lay_tall=False` keeps a tall crop as it is: a lone digit or character ("1" in
    a table's number column) is taller than wide, yet it is not a vertical line of text.
    """
    q = np.asarray(quad, dtype=np.float32)
    width = max(1, int(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3]))))
    height = max(1, int(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2]))))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(q, target)
    crop = cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE,
                               flags=cv2.INTER_CUBIC)
    if lay_tall and crop.shape[0] >= 1.5 * crop.shape[1]:
        crop = np.ascontiguousarray(np.rot90(crop))
    return crop


def _normalise(img: np.ndarray) -> np.ndarray:
    """HWC uint8 BGR -> CHW float32 in [-1, 1], as PP-OCR models expect."""
    return (img.astype(np.float32).transpose(2, 0, 1) / 127.5) - 1.0


class _Detector:
    """PP-OCR DB text detector: page image -> quadrilaterals of text lines, in image pixels."""

    def __init__(self, path: Path, threads: int, settings: RapidSettings, choice: RuntimeChoice) -> None:
        try:
            from rapidocr.ch_ppocr_det.utils import DBPostProcess
        except ImportError as exc:
            raise OcrUnavailable(f"rapidocr's detector post-processing cannot be imported ({exc})") from exc
        self.session = open_model(path, "det", threads, choice, spin=settings.spin)
        self.limit = settings.det_limit_side
        self.skip_blank = settings.det_skip_blank
        self.post = DBPostProcess(thresh=settings.det_thresh, box_thresh=settings.det_box_thresh,
                                  max_candidates=1000, unclip_ratio=settings.det_unclip_ratio,
                                  use_dilation=True, score_mode="fast")

    def __call__(self, bgr: np.ndarray) -> list[np.ndarray]:
        h, w = bgr.shape[:2]
        # The scale is the whole page's, so text is seen at the same size however it is cut.
        ratio = min(1.0, self.limit / max(h, w))
        if not self.skip_blank:
            return self._detect(bgr, ratio)
        # Blank margins and bands are a third or more of a page: the detector runs on the ink only.
        quads: list[np.ndarray] = []
        for x0, y0, x1, y1 in ink_regions(bgr):
            offset = np.array([x0, y0], dtype=np.float32)
            quads.extend(q + offset for q in self._detect(bgr[y0:y1, x0:x1], ratio))
        return quads

    def _detect(self, bgr: np.ndarray, ratio: float) -> list[np.ndarray]:
        h, w = bgr.shape[:2]
        rh = max(32, round(h * ratio / 32) * 32)
        rw = max(32, round(w * ratio / 32) * 32)
        resized = cv2.resize(bgr, (rw, rh), interpolation=cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR)
        pred = self.session.run(_normalise(resized)[None])
        boxes, _scores = self.post(pred, (h, w))
        return [np.asarray(b, dtype=np.float32).reshape(4, 2) for b in boxes]


class _Classifier:
    """PP-OCR text direction classifier: P(line is upside down) for 48x192 line pieces."""

    def __init__(self, path: Path, settings: RapidSettings, choice: RuntimeChoice) -> None:
        self.session = open_model(path, "cls", 1, choice, spin=settings.spin)

    def p180(self, pieces: Sequence[np.ndarray]) -> np.ndarray:
        batch = np.zeros((len(pieces), 3, 48, 192), dtype=np.float32)
        for i, piece in enumerate(pieces):
            h, w = piece.shape[:2]
            rw = max(1, min(192, math.ceil(48 * w / max(h, 1))))
            batch[i, :, :, :rw] = _normalise(cv2.resize(piece, (rw, 48)))
        probs = self.session.run(batch)
        return np.asarray(probs[:, 1], dtype=np.float64)


class _Recognizer:
    """PP-OCR CTC line recogniser: straightened line crops -> (text, mean character confidence)."""

    def __init__(self, path: Path, threads: int, settings: RapidSettings, choice: RuntimeChoice) -> None:
        # One thread per batch: parallelism comes from concurrent batches (a stream each).
        self.session = open_model(path, "rec", 1, choice, streams=max(1, threads), spin=settings.spin)
        self.height = self.session.input_shape[2] or 48
        self.settings = settings
        self.threads = max(1, threads)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        listed = self.session.metadata("character")
        if listed:
            chars = listed.splitlines()
        else:
            keys = path.parent / "ppocr_keys_v1.txt"
            if not keys.is_file():
                raise OcrUnavailable(f"{path.name} has no character list and {keys.name} is missing")
            chars = keys.read_text("utf-8").splitlines()
        # CTC: index 0 is the blank; PaddleOCR appends a space as the last class.
        self.chars = np.array(["", *chars, " "], dtype=object)

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="casecheck-rec")
            return self._pool

    def batches(self, ratios: Sequence[float]) -> list[list[int]]:
        """Crop indices grouped so that lines of similar width share a batch (little padding)."""
        order = sorted(range(len(ratios)), key=lambda i: ratios[i])
        floor = self.settings.rec_min_ratio
        groups: list[list[int]] = []
        current: list[int] = []
        total = 0.0
        for i in order:
            r = max(ratios[i], floor)
            if current:
                padded = r * (len(current) + 1)  # sorted ascending: the new crop sets the width
                if (len(current) >= self.settings.rec_batch_max
                        or padded > (1 + self.settings.rec_pad_tolerance) * (total + r)
                        or padded * self.height > self.settings.rec_batch_pixels):
                    groups.append(current)
                    current, total = [], 0.0
            current.append(i)
            total += r
        if current:
            groups.append(current)
        return groups

    def _run(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        h = self.height
        ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
        width = math.ceil(h * max(max(ratios), self.settings.rec_min_ratio))
        batch = np.zeros((len(crops), 3, h, width), dtype=np.float32)
        for i, (crop, ratio) in enumerate(zip(crops, ratios, strict=True)):
            rw = max(1, min(width, math.ceil(h * ratio)))
            batch[i, :, :, :rw] = _normalise(cv2.resize(crop, (rw, h)))
        preds = self.session.run(batch)  # (batch, steps, classes), softmaxed
        idx = preds.argmax(axis=2)
        prob = np.take_along_axis(preds, idx[:, :, None], axis=2)[:, :, 0]
        out: list[tuple[str, float]] = []
        for row, p in zip(idx, prob, strict=True):
            keep = row != 0
            keep[1:] &= row[1:] != row[:-1]
            if not keep.any():
                out.append(("", 0.0))
                continue
            text = "".join(self.chars[row[keep]])
            out.append((text, float(np.clip(p[keep].mean(), 0.0, 1.0))))
        return out

    def __call__(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        groups = self.batches([c.shape[1] / max(c.shape[0], 1) for c in crops])
        if self.threads > 1 and len(groups) > 1:
            results = list(self._executor().map(lambda g: self._run([crops[i] for i in g]), groups))
        else:
            results = [self._run([crops[i] for i in g]) for g in groups]
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for group, result in zip(groups, results, strict=True):
            for i, res in zip(group, result, strict=True):
                out[i] = res
        return out


def _sides(quad: np.ndarray) -> tuple[float, float]:
    """(width, height) of a tl/tr/br/bl quadrilateral."""
    return float(np.linalg.norm(quad[0] - quad[1])), float(np.linalg.norm(quad[0] - quad[3]))


def _line_height(quads: Sequence[np.ndarray]) -> float:
    """The page's typical text line height: the median short side of its boxes (0 without boxes)."""
    return float(np.median([min(_sides(q)) for q in quads])) if quads else 0.0


def _as_rgb(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 1:
        return cv2.cvtColor(image[:, :, 0], cv2.COLOR_GRAY2RGB)
    return image[:, :, :3]


class RapidOcrEngine:
    """Chinese page OCR with RapidOCR's PP-OCR models; see the module docstring for the steps."""

    name = "rapidocr"

    def __init__(self, threads: int | None = None, det_model: str | Path | None = None,
                 rec_model: str | Path | None = None, cls_model: str | Path | None = None,
                 runtime: str | None = None, device: str | None = None,
                 precision: str | dict[str, str] | None = None, **settings: object) -> None:
        try:
            self.settings = RapidSettings(**settings)  # type: ignore[arg-type]
        except TypeError as exc:
            raise ValueError(f"unknown rapidocr option: {exc}") from exc
        self.threads = ocr_threads(threads)
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)  # quiet, should rapidocr itself log
        # The model files in use are part of what decides the output (see `engine_cache_key`).
        self.model_files = {"det": find_model("det", det_model), "cls": find_model("cls", cls_model),
                            "rec": find_model("rec", rec_model)}
        # runtime/device/precision: arguments, else CASECHECK_OCR_RUNTIME/_DEVICE/_PRECISION.
        # With no precision asked for, bf16 where this machine has shown that it keeps the text.
        choice = bf16_where_shown(resolve_choice(runtime, device, precision), self.model_files)
        self.det = _Detector(self.model_files["det"], self.threads, self.settings, choice)
        self.cls = _Classifier(self.model_files["cls"], self.settings, choice)
        self.rec = _Recognizer(self.model_files["rec"], self.threads, self.settings, choice)
        # What each model really runs on after any fallback: part of the engine's identity (the
        # OCR replay cache keys on it, see `engine_cache_key`), and shown by `casecheck -v`.
        self.inference: dict[str, SessionIdentity] = {
            "det": self.det.session.identity, "cls": self.cls.session.identity, "rec": self.rec.session.identity}
        log.debug("rapidocr engine ready: %d thread(s), %s", self.threads, self.runtime_label())

    def runtime_label(self) -> str:
        """E.g. "openvino/cpu/f32", or per model where they differ ("det openvino/cpu/bf16, ...")."""
        labels = {kind: ident.label() for kind, ident in self.inference.items()}
        if len(set(labels.values())) == 1:
            return next(iter(labels.values()))
        return ", ".join(f"{kind} {label}" for kind, label in labels.items())

    # -- orientation ------------------------------------------------------------------------
    def orientation(self, bgr: np.ndarray, quads: Sequence[np.ndarray]) -> int:
        """How far the scan is turned counter-clockwise (0/90/180/270), from its detected lines."""
        h, w = bgr.shape[:2]
        horizontal = vertical = 0.0
        for quad in quads:
            bw, bh = _sides(quad)
            if bw >= 1.5 * bh:
                horizontal += bw
            elif bh >= 1.5 * bw:
                vertical += bh
        base = 90 if vertical > horizontal else 0
        up = upright(bgr, base)
        turned = [order_quad(turn_points(q, base, w, h)) for q in quads]
        longest = sorted((q for q in turned if _sides(q)[0] >= 2 * _sides(q)[1]),
                         key=lambda q: -_sides(q)[0])[: self.settings.cls_lines]
        if not longest:
            longest = sorted(turned, key=lambda q: -_sides(q)[0])[: self.settings.cls_lines]
        crops = [crop_quad(up, q) for q in longest]
        pieces = [p for c in crops for p in self._pieces(c)]
        if not pieces:
            return base
        p180 = self.cls.p180(pieces)
        vote = float(np.mean(p180 - 0.5) * 2)  # -1: all upright .. +1: all upside down
        if abs(vote) < self.settings.cls_margin:
            vote = self._rec_vote(crops[:6])
            log.debug("orientation: classifier unsure, recogniser vote %.3f", vote)
        return (base + 180) % 360 if vote > 0 else base

    @staticmethod
    def _vertical_line(quad: np.ndarray, line_height: float) -> bool:
        """A box of the upright page that holds a vertical line of text: tall, and several characters long."""
        width, height = _sides(quad)
        return height >= 1.5 * width and height >= 2.5 * line_height

    def _pieces(self, crop: np.ndarray) -> list[np.ndarray]:
        """Up to `cls_pieces_per_line` 4:1 pieces of a line, each holding ink, for the classifier.

        The classifier's input is 192x48: a whole long line would be squeezed eightfold, while a
        4:1 piece keeps characters their natural shape.
        """
        h, w = crop.shape[:2]
        step = 4 * h
        if w <= step:
            return [crop]
        pieces = []
        starts = np.linspace(0, w - step, num=min(self.settings.cls_pieces_per_line, max(1, w // step)))
        for x in starts.astype(int):
            piece = crop[:, x:x + step]
            if float(piece.std()) > 12.0:  # skip blank stretches (spaces, underline fields)
                pieces.append(piece)
        return pieces or [crop[:, :step]]

    def _rec_vote(self, crops: Sequence[np.ndarray]) -> float:
        """> 0 when the recogniser reads the lines better upside down than as they are."""
        if not crops:
            return 0.0
        as_is = self.rec(crops)
        flipped = self.rec([np.ascontiguousarray(c[::-1, ::-1]) for c in crops])

        def score(res: list[tuple[str, float]]) -> float:
            return float(np.mean([conf * min(len(text), 10) for text, conf in res]))

        return score(flipped) - score(as_is)

    # -- reading ----------------------------------------------------------------------------
    def read(self, image: np.ndarray) -> OcrReading:
        rgb = _as_rgb(image)
        h, w = rgb.shape[:2]
        if looks_blank(rgb):
            return OcrReading(rotation=0, width=w, height=h)
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])  # PP-OCR models were trained on BGR
        quads = self.det(bgr)
        if len(quads) <= SPARSE_LINES and (seal_free := _without_red_ink(bgr)) is not None:
            # A seal pressed over a short closing (agency, date) hides it from the detector, and a
            # page left with a page number and the seal's ring text then reads as sideways. The
            # red channel shows the print without the seal: what is found there is added.
            quads = quads + [q for q in self.det(seal_free) if not any(_same_box(q, p) for p in quads)]
        if not quads:
            return OcrReading(rotation=0, width=w, height=h)
        rotation = self.orientation(bgr, quads)
        lines = self._read_turned(bgr, quads, rotation)
        if len(lines) <= SPARSE_LINES:
            rotation, lines = self._sparse_second_look(bgr, quads, rotation, lines)
        uh, uw = (w, h) if rotation in (90, 270) else (h, w)
        return OcrReading(rotation=rotation, width=uw, height=uh, lines=reading_order(lines))

    def _sparse_second_look(self, bgr: np.ndarray, quads: Sequence[np.ndarray], rotation: int,
                            lines: list[TextLine]) -> tuple[int, list[TextLine]]:
        """A page with a few lines (a closing and its seal, a page number) gives orientation little
        to go on: read it the other ways too where the first reading is doubtful, keep the best.

        Doubtful is a poor reading, or any sparse page taken as sideways: sideways scans are rare,
        while the curved text of a seal (and a seal showing through from the back) easily
        outweighs two short horizontal lines of closing in the vote on line shapes.
        """
        if rotation in (90, 270):
            others = [0, 180]  # the detector's boxes are the upright page's: no second detection
        elif _mean_conf(lines) < SPARSE_CONF:
            others = [(rotation + 180) % 360]
        else:
            return rotation, lines
        best_score = _read_score(lines)
        for other in others:
            candidate = self._read_turned(bgr, quads, other)
            if (score := _read_score(candidate)) > best_score:
                log.debug("orientation: sparse page read better at %d than %d", other, rotation)
                rotation, lines, best_score = other, candidate, score
        return rotation, lines

    def _read_turned(self, bgr: np.ndarray, quads: Sequence[np.ndarray], rotation: int) -> list[TextLine]:
        h, w = bgr.shape[:2]
        up = upright(bgr, rotation) if rotation else bgr
        uh, uw = up.shape[:2]
        if rotation in (90, 270):
            # The detector learnt horizontal text: on a sideways scan it misses narrow glyphs
            # (a lone "1" lies like a dash). Sideways scans are rare, so detect again upright.
            turned = self.det(up)
        else:
            turned = [order_quad(turn_points(q, rotation, w, h)) for q in quads]
        line_height = _line_height(turned)
        results = self.rec([crop_quad(up, q, lay_tall=self._vertical_line(q, line_height)) for q in turned])
        lines: list[TextLine] = []
        for quad, (text, conf) in zip(turned, results, strict=True):
            text = text.strip()
            if not text or conf < self.settings.min_score:
                continue
            lines.append(TextLine(text=text, bbox=quad_bbox(quad, uw, uh), confidence=round(conf, 4)))
        return lines


# A page this sparse and this poorly read may be turned the wrong way (see `RapidOcrEngine.read`).
SPARSE_LINES = 8
SPARSE_CONF = 0.7


# Red ink: red exceeds green and blue by this much (a seal's red, not a warm paper tone), on at
# least this share of the page (a seal is ~1% of A4; a red rule or a stamp's speck is less).
RED_MARGIN = 50
RED_SHARE = 0.002


def _without_red_ink(bgr: np.ndarray) -> np.ndarray | None:
    """The page as its red channel (red ink as light as the paper, print as dark as ever), when
    it holds enough red ink to matter; None otherwise."""
    step = 4
    small = bgr[::step, ::step].astype(np.int16)
    b, g, r = small[:, :, 0], small[:, :, 1], small[:, :, 2]
    red = (r - g > RED_MARGIN) & (r - b > RED_MARGIN)
    if np.count_nonzero(red) < RED_SHARE * red.size:
        return None
    plane = bgr[:, :, 2]
    return np.ascontiguousarray(np.dstack([plane, plane, plane]))


def _same_box(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two quadrilaterals' boxes overlap by half the smaller one or more."""
    ax0, ay0 = a.min(axis=0)
    ax1, ay1 = a.max(axis=0)
    bx0, by0 = b.min(axis=0)
    bx1, by1 = b.max(axis=0)
    iw = min(ax1, bx1) - max(ax0, bx0)
    ih = min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return False
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return bool(iw * ih >= 0.5 * smaller)


def _mean_conf(lines: Sequence[TextLine]) -> float:
    return float(np.mean([ln.confidence for ln in lines])) if lines else 0.0


def _read_score(lines: Sequence[TextLine]) -> float:
    return sum(ln.confidence * min(len(ln.text), 10) for ln in lines)


def rapidocr_available() -> bool:
    """True when rapidocr, onnxruntime and the bundled det/rec/cls models are all present."""
    import importlib.util

    if importlib.util.find_spec("onnxruntime") is None:
        return False
    try:
        for kind in ("det", "rec", "cls"):
            find_model(kind)
    except OcrUnavailable:
        return False
    return True
