"""Seals and signatures found by image analysis of the page raster, with boxes as evidence.

* `find_seals(image, points_per_pixel)`: red round stamps (公章) and bank stamps (转讫章) on
  colour scans; on grey scans the seal is only a grey ring, found as a circle whose ring is dark
  all the way round.
* `find_signatures(image, lines, points_per_pixel)`: handwriting in the zone next to a printed
  signing label (签名, 签字, 被检查人, 执法人员, …) once printed text and rule lines are removed.
* `find_marks_in_pdf_page(page, lines)`: the same for born-digital pages, from the PDF's image
  placements and red vector drawings instead of a raster.

All images are the *upright* page as RGB uint8; all boxes returned are upright-page points.
Sizes are reasoned about in millimetres (dpi = 72 / points_per_pixel), since seals have
physical sizes (公章 38–45 mm across) whatever the scan resolution.
"""

from __future__ import annotations

import logging
import math
import re
import statistics
from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np
import pymupdf

from extractors.raster import raster_dpi, render
from lexicon.roles import SignLabel as _Label
from lexicon.roles import char_weights as _char_weights
from lexicon.roles import find_labels
from models.case import Mark, TextLine

log = logging.getLogger(__name__)

MM_PER_INCH = 25.4
PT_PER_MM = 72.0 / MM_PER_INCH

# -- seals ---------------------------------------------------------------------------------------

# Working resolution for the seal search. A seal's ring is ~1–1.5 mm wide, so 3 px/mm keeps it
# 3-4 px wide while an A4 page shrinks to ~630 x 890 px (a few ms per pass).
SEAL_PX_PER_MM = 3.0
SEAL_MAX_WORK_PIXELS = 4_000_000  # the seal search's working image at most (memory)
# Round official seals are 38–45 mm (GA 241-2000: 42 mm for agencies, 40/38 for others); special
# seals, company seals and small round bank stamps go down to ~30 mm. Outside these we are not
# looking at a seal (fingerprints are ~15x20 mm, a red letterhead is wide and flat).
SEAL_MIN_MM = 20.0
SEAL_MAX_MM = 62.0
SEAL_MIN_MINOR_MM = 14.0  # bank stamps are ~40 x 24 mm; a fingerprint is ~15 x 20 mm
# Grey scans: radius range of the circle search for round seals (29–51 mm across).
GREY_R_MIN_MM = 14.5
GREY_R_MAX_MM = 25.5
# Ring score (grey levels the ring stands above the paper just outside it, 30th pct over angles)
# a grey seal must reach; show-through of a seal on the back of the sheet stays well below.
GREY_RING_MIN = 30.0
N_BINS = 72  # angular bins (5°) for ring coverage


@dataclass(frozen=True)
class _SealCandidate:
    box: tuple[float, float, float, float]  # working pixels
    confidence: float
    shape: str  # round | oval | rect


def _px_per_mm(points_per_pixel: float) -> float:
    return 72.0 / points_per_pixel / MM_PER_INCH


def is_grayscale(image: np.ndarray) -> bool:
    """Whether a page raster carries no colour worth using: a grey scan, or a colour scan of
    nothing but black print (where colour cues would find nothing either).

    Counts clearly coloured pixels (chroma > 30, not near black) on a 3x subsample: a grey scan
    has none even after JPEG; one blue signature or red seal gives hundreds.
    """
    if image.ndim == 2 or image.shape[2] == 1:
        return True
    sub = np.ascontiguousarray(image[::3, ::3])
    r, g, b = cv2.split(sub)
    hi = cv2.max(cv2.max(r, g), b)
    lo = cv2.min(cv2.min(r, g), b)
    coloured = cv2.bitwise_and(cv2.compare(cv2.subtract(hi, lo), 30, cv2.CMP_GT), cv2.compare(hi, 60, cv2.CMP_GT))
    return cv2.countNonZero(coloured) < 5


def _percentile_u8(values: np.ndarray, q: float) -> int:
    """Percentile of uint8 values via a histogram: far cheaper than np.percentile's sort."""
    hist = np.bincount(values.ravel(), minlength=256)
    return int(np.searchsorted(np.cumsum(hist), q / 100.0 * values.size))


def _shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """Area-average downscale by an integer factor (OpenCV's fast path for INTER_AREA)."""
    if factor <= 1:
        return image
    h, w = image.shape[:2]
    return cv2.resize(image, (w // factor, h // factor), interpolation=cv2.INTER_AREA)


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red stamp ink (uint8 0/255), with a saturation threshold adapted to the paper.

    Seal ink ranges from orange-red to crimson/magenta and fades to pink where the pad was dry,
    so hue allows roughly -60°..+20° around red (orange, 25°+, is left out: it is the colour
    of things in site photos, not of seal ink) and saturation only needs to stand clear of the
    paper's own tint (yellowed paper is slightly saturated too, but in yellow, not red).
    """
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    s, v = hsv[..., 1], hsv[..., 2]
    bright = v >= _percentile_u8(v, 60)
    paper_s = _percentile_u8(s[bright], 50) if bright.any() else 0
    s_thr = max(40, paper_s + 28)
    # cv2 primitives on uint8 throughout: this runs on every colour page.
    lo = cv2.inRange(hsv, (0, s_thr, 70), (10, 255, 255))
    hi = cv2.inRange(hsv, (150, s_thr, 70), (180, 255, 255))
    r, g, b = cv2.split(rgb)
    excess = cv2.subtract(r, cv2.max(g, b))  # saturates at 0 where red is not the top channel
    return cv2.bitwise_and(cv2.bitwise_or(lo, hi), cv2.compare(excess, 22, cv2.CMP_GE))


def _ring_coverage(mask: np.ndarray, box: tuple[int, int, int, int], shape: str,
                   valid: np.ndarray | None = None) -> tuple[float, float, float]:
    """(share of angular bins with ink on the outline, ink share inside, ink share of the outline
    band) for one shape model.

    The outline band is the ellipse (or rectangle) inscribed in the box. A stamp inks its
    outline all the way round but thinly, and its inside sparsely (text, a star); a filled blob
    (fingerprint, red block, a red object in a photo) fills both.
    """
    x0, y0, x1, y1 = box
    sub = mask[y0:y1, x0:x1] > 0
    hh, ww = sub.shape
    if hh < 4 or ww < 4:
        return 0.0, 1.0, 1.0
    a, b = ww / 2.0, hh / 2.0
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
    dx, dy = (xx + 0.5 - a) / a, (yy + 0.5 - b) / b
    if shape == "rect":
        rho = np.maximum(np.abs(dx), np.abs(dy))
        band = (rho >= 0.84) & (rho <= 1.05)
    else:
        rho = np.sqrt(dx * dx + dy * dy)
        band = (rho >= 0.78) & (rho <= 1.08)
    ang = ((np.arctan2(dy, dx) + math.pi) / (2 * math.pi) * N_BINS).astype(np.int32) % N_BINS
    hit = np.bincount(ang[band & sub], minlength=N_BINS) > 0
    bins = np.ones(N_BINS, dtype=bool)
    if valid is not None:  # angles whose outline lies off the page do not count against it
        bins = np.bincount(ang[band & valid[y0:y1, x0:x1]], minlength=N_BINS) > 0
    coverage = float(hit[bins].mean()) if bins.any() else 0.0
    inner = rho < 0.7
    fill = float(sub[inner].mean()) if inner.any() else 1.0
    band_fill = float(sub[band].mean()) if band.any() else 1.0
    return coverage, fill, band_fill


def _colour_seals(small: np.ndarray, ppm: float) -> list[_SealCandidate]:
    mask = red_mask(small)
    if cv2.countNonZero(mask) < 20:
        return []
    # Close gaps in the ring and join the arc text to it, so one stamp is one component even
    # where the pad was dry; 2.5 mm is below the usual gap between two separate stamps.
    out = _stamp_blobs(mask, ppm, close_mm=2.5, min_cov=0.55, max_fill=0.6, edges=True)
    # Two seals pressed over each other (a joint document, a seal beside a 骑缝章) make one
    # component too big for a seal: look for rings in it as on a grey scan, on the red mask.
    _n, _lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    big = [st for st in stats[1:] if SEAL_MAX_MM < max(st[2], st[3]) / ppm <= 2.5 * SEAL_MAX_MM
           and min(st[2], st[3]) / ppm >= SEAL_MIN_MM and st[4] >= 0.02 * st[2] * st[3]]
    for x, y, w, h, _area in big:
        m = 2 * round(3 * ppm)
        x0, y0 = max(0, x - m), max(0, y - m)
        crop = mask[y0:y + h + m, x0:x + w + m]
        for c in _rings(crop.astype(np.float32), 255 - crop, ppm, min_score=0.35 * 255):
            box = (c.box[0] + x0, c.box[1] + y0, c.box[2] + x0, c.box[3] + y0)
            if not any(_iou(box, o.box) > 0.3 for o in out):
                out.append(_SealCandidate(box, c.confidence, c.shape))
    return out


def _stamp_blobs(mask: np.ndarray, ppm: float, *, close_mm: float, min_cov: float, max_fill: float,
                 edges: bool, min_fill: float = 0.0, min_minor_mm: float = SEAL_MIN_MINOR_MM) -> list[_SealCandidate]:
    """Stamp-sized components of an ink mask whose outline (ellipse or rectangle) is inked
    nearly all the way round and whose inside is not a filled blob."""
    k = max(3, round(close_mm * ppm) | 1)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    H, W = mask.shape
    # Outline bins off the page do not count: a seal half off the edge is still a seal.
    valid = np.zeros((H, W), dtype=bool)
    valid[1:-1, 1:-1] = True
    out: list[_SealCandidate] = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        touches = x <= 1 or y <= 1 or x + w >= W - 1 or y + h >= H - 1
        if touches and not edges:
            continue
        major, minor = max(w, h) / ppm, min(w, h) / ppm
        if major > SEAL_MAX_MM or major < (12.0 if touches else SEAL_MIN_MM) or minor < min_minor_mm:
            continue
        if minor / major < 0.4 and not touches:
            continue
        box = (x, y, x + w, y + h)
        ink = cv2.countNonZero(mask[y:y + h, x:x + w])
        if ink < 0.03 * w * h:
            continue
        scores = {s: _ring_coverage(mask, box, s, valid if touches else None) for s in ("round", "rect")}
        shape, (cov, fill, band_fill) = max(scores.items(), key=lambda kv: kv[1][0])
        if shape == "round" and minor / major < 0.85:
            shape = "oval"
        if cov < min_cov or fill > max_fill or fill < min_fill or band_fill > 0.75:
            log.debug("blob %.0fx%.0f mm rejected: coverage %.2f fill %.2f", w / ppm, h / ppm, cov, fill)
            continue
        size_ok = 1.0 if 28.0 <= major <= 50.0 else 0.85
        conf = min(0.99, (0.55 + 0.45 * min(1.0, (cov - min_cov) / 0.35)) * size_ok * (0.85 if touches else 1.0))
        out.append(_SealCandidate(box=(float(x), float(y), float(x + w), float(y + h)), confidence=conf,
                                  shape=shape))
    return out


def _ring_score(dark: np.ndarray, cx: float, cy: float, r: float, ppm: float, tol: int = 1) -> tuple[float, float]:
    """(ring score, radius) of the best circle near radius `r` about (cx, cy) on a darkness image.

    The image is sampled in polar form (one row per 3 degrees, one column per pixel of radius).
    Per angle, the ring must be darker than the paper 2 mm further out (a ridge, not a dark
    photo or table block); per radius the 30th percentile over angles is taken, which a real ring
    keeps high all the way round while text the circle happens to cross darkens only some angles.
    Taking the max over +-`tol` px of radius per angle forgives a centre that far off.
    """
    if not np.isfinite([cx, cy, r]).all():
        return 0.0, r
    r_max = r * 1.15 + 2.5 * ppm
    n_r = max(16, round(r_max))
    polar = cv2.warpPolar(dark, (n_r, 120), (cx, cy), r_max, cv2.WARP_POLAR_LINEAR | cv2.INTER_LINEAR)
    scale = n_r / r_max  # samples per pixel of radius
    near = cv2.dilate(polar, np.ones((1, 2 * tol + 1), np.uint8))  # max over radius +-tol
    off = max(2, round(2.0 * ppm * scale))
    lo, hi = int(0.85 * r * scale), min(n_r - off, int(1.15 * r * scale) + 1)
    if hi <= lo:
        return 0.0, r
    with np.errstate(invalid="ignore"):  # polar samples off the image edge can be inf
        ridge = np.nan_to_num(near[:, lo:hi] - polar[:, lo + off:hi + off], nan=0.0, posinf=0.0, neginf=0.0)
    k = int(0.3 * ridge.shape[0])
    per_r = np.partition(ridge, k, axis=0)[k]  # 30th percentile over angles, per radius
    j = int(np.argmax(per_r))
    return float(per_r[j]), (lo + j) / scale


def _grey_seals(grey: np.ndarray, ppm: float) -> list[_SealCandidate]:
    """Round seals on a grey scan: circle candidates from a Hough transform, kept only if the
    ring stands out from the paper just outside it nearly all the way round."""
    paper = float(_percentile_u8(grey, 90))
    dark = np.clip(paper - grey.astype(np.float32), 0, 255)
    out: list[_SealCandidate] = []
    # Oval and rectangular stamps (bank 转讫章): a frame of ink that is its own component, not
    # the border of a table (which connects to the rest of the table and is far bigger).
    frame_mask = cv2.compare(dark, 45.0, cv2.CMP_GT)
    # An empty frame (a photo or QR placeholder, a box to tick) is not a stamp: stamps hold text.
    # Bank stamps are at least ~20 mm tall; a looping signature can pass for a smaller oval.
    # And stamp ink turns mid-grey in a grey scan while print stays black: a frame as dark as
    # the page's print is a printed box.
    print_dark = paper - _percentile_u8(grey, 0.3)
    for c in _stamp_blobs(frame_mask, ppm, close_mm=0.7, min_cov=0.8, max_fill=0.35, edges=False, min_fill=0.04,
                          min_minor_mm=15.0):
        if c.shape == "round":
            continue  # rings are judged by the circle search below
        x0, y0, x1, y1 = (int(v) for v in c.box)
        tone = float(np.median(dark[y0:y1, x0:x1][frame_mask[y0:y1, x0:x1] > 0]))
        if tone > 0.85 * print_dark:
            log.debug("grey frame at %s as dark as print (%.0f vs %.0f)", c.box, tone, print_dark)
            continue
        out.append(_SealCandidate(c.box, min(0.8, c.confidence * 0.85), c.shape))
    for c in _rings(dark, grey, ppm, min_score=GREY_RING_MIN):
        if not any(_iou(c.box, o.box) > 0.3 for o in out):
            out.append(c)
    return out


def _rings(dark: np.ndarray, grey: np.ndarray, ppm: float, min_score: float) -> list[_SealCandidate]:
    """Seal-sized rings: Hough circle candidates on `grey` (a uint8 image where ink is dark),
    kept where the ring score on `dark` (ink darkness, float) reaches `min_score`."""
    # The Hough search runs at half the working resolution: 1.5 px/mm is enough to place a
    # 40 mm circle within a pixel or two, and the ring test refines it.
    half = cv2.resize(grey, (grey.shape[1] // 2, grey.shape[0] // 2), interpolation=cv2.INTER_AREA)
    half = cv2.GaussianBlur(half, (0, 0), 1.0)
    hppm = ppm / 2
    circles = cv2.HoughCircles(half, cv2.HOUGH_GRADIENT, dp=1, minDist=GREY_R_MIN_MM * hppm,
                               param1=80, param2=14, minRadius=round(GREY_R_MIN_MM * hppm),
                               maxRadius=round(GREY_R_MAX_MM * hppm))
    out: list[_SealCandidate] = []
    if circles is None:
        return out
    step = max(1, round(0.6 * ppm))
    for hx, hy, hr in circles[0][:40]:
        cx, cy, r = hx * 2 + 1.0, hy * 2 + 1.0, hr * 2
        if any(math.hypot(cx - (c.box[0] + c.box[2]) / 2, cy - (c.box[1] + c.box[3]) / 2) < r * 0.5 for c in out):
            continue
        # Hough places the centre only to a pixel or two at half resolution: screen with a wide
        # radial tolerance, then refine the centre on the ring score, coarse to fine.
        screen, _ = _ring_score(dark, cx, cy, r, ppm, tol=2 * step)
        if screen < 0.6 * min_score:
            continue
        best = (-1.0, cx, cy, r)
        for st in (2 * step, step):
            x0, y0 = best[1], best[2]
            for dy in (-st, 0, st):
                for dx in (-st, 0, st):
                    s, rr = _ring_score(dark, x0 + dx, y0 + dy, r, ppm)
                    if s > best[0]:
                        best = (s, x0 + dx, y0 + dy, rr)
        score, cx, cy, rr = best
        log.debug("circle at %.0f,%.0f r %.1f mm: ring score %.1f", cx, cy, rr / ppm, score)
        if score < min_score:
            continue
        conf = min(0.85, 0.45 + 0.4 * min(1.0, (score - min_score) / max(min_score, 40.0)))
        out.append(_SealCandidate(box=(cx - rr, cy - rr, cx + rr, cy + rr), confidence=conf, shape="round"))
    return out


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def find_seals(image: np.ndarray, points_per_pixel: float, grey: bool | None = None) -> list[Mark]:
    """Seals on an upright page raster (RGB uint8): red stamps, or grey rings on a grey scan.

    Boxes are upright-page points. Label is None for a round seal, "oval" or "rect" for the
    shapes bank stamps (转讫章) usually have. `grey`: `is_grayscale(image)` where the caller has it.
    """
    ppm_in = _px_per_mm(points_per_pixel)
    factor = max(1, round(ppm_in / SEAL_PX_PER_MM))
    # A page drawn at a lowered dpi (an A0 plan, a huge /UserUnit) is already coarse but has many
    # pixels: the colour masks below cost ~12 bytes a working pixel, so the working image is
    # bounded too. Ordinary pages (A3 at 300 dpi: ~1 Mpx after the shrink) never reach the bound.
    factor = max(factor, math.ceil(math.sqrt(image.shape[0] * image.shape[1] / SEAL_MAX_WORK_PIXELS)))
    ppm = ppm_in / factor
    if is_grayscale(image) if grey is None else grey:
        g = image if image.ndim == 2 else image[..., 0] if image.shape[2] == 1 else cv2.cvtColor(
            image, cv2.COLOR_RGB2GRAY)
        cands = _grey_seals(_shrink(g, factor), ppm)
    else:
        cands = _colour_seals(_shrink(image, factor), ppm)
    to_pt = points_per_pixel * factor
    marks = [Mark(kind="seal", bbox=tuple(round(v * to_pt, 1) for v in c.box), confidence=round(c.confidence, 3),
                  label=None if c.shape == "round" else c.shape) for c in cands]
    marks.sort(key=lambda m: (m.bbox[1], m.bbox[0]))
    return marks


# -- signatures ------------------------------------------------------------------------------------

_TEMPLATE_RE = re.compile(r"^[\s年月日时分_＿\-—:：（）()/]*$")
_DATE_RE = re.compile(r"^\s*\d{2,4}\s*[年.\-/,，]\s*\d{1,2}\s*[月.\-/,，]\s*\d{1,2}\s*日?\s*(\d{1,2}\s*[时:：]\s*"
                      r"(\d{1,2}\s*分?)?)?\s*$")
# Handwritten opinions and confirmations (同意立案, 以上笔录已阅，情况属实): handwriting, but not a
# signature, even where it sits in a signing zone.
_OPINION_RE = re.compile(r"同意|建议|拟|处理|立案|属实|无误|相符|已阅|看过|核对|一致|结案|意见|批准")
_DATE_IN_RE = re.compile(r"\d{2,4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?")
_BRACKET_RE = re.compile(r"[（(][^）)]*[）)]?")
_PUNCT_RE = re.compile(r"[。，；、《》（）()]")
SIG_MIN_AREA_MM2 = 2.5  # ink (after removing print and rules) a signature leaves at least
SIG_MIN_EXTENT_MM = 4.0
SPECK_MM2 = 0.12  # dust and JPEG specks are smaller than this
STROKE_MM2 = 0.5  # a pen stroke (or a joined run of strokes) is at least this much ink


@dataclass
class _Zone:
    label: _Label
    box: tuple[int, int, int, int]  # working pixels, x0 y0 x1 y1
    anchor_y: float  # the label row's centre: components go to the zone whose row is nearest
    cell: bool  # a cell of a ruled form rather than the rest of a text row
    comps: list[int] = field(default_factory=list)

    @property
    def lenient(self) -> bool:
        """Whether text read in the zone is taken as handwriting unless clearly print.

        After 签名：, in an opinion cell or after a role that only ever signs (送达人, 见证人,
        立卷人) anything written is meant to be by hand; after other roles (记录人：钱磊飞, a 当事人
        cell in a record's header) a typed name is usual.
        """
        return self.label.hand_only


def _looks_printed(text: str, line: TextLine, text_h: float, blue_share: float, lenient: bool,
                   merged: bool = False) -> bool:
    """Whether OCR'd text is print (masked out) rather than handwriting.

    Print OCRs with near-certain confidence at the body text's height; handwriting reads less
    surely, often stands taller, and on colour scans is blue. In a zone meant for handwriting
    (`lenient`), only placeholders, dates and long runs of text count as print, since a legible
    hand there is still a signature.
    """
    if _TEMPLATE_RE.match(text) or _DATE_RE.match(text):
        return True  # a handwritten date is not a signature either
    if blue_share >= 0.2:
        return False
    if line.confidence >= 0.85 and len(_DATE_IN_RE.sub("", text)) >= 16:
        # Long runs are print even where OCR stumbles on a few characters (and a skewed long
        # line's box is tall); a name is short.
        return True
    if line.confidence >= 0.8 and text.rstrip().endswith("。"):
        return True  # the last line of a printed sentence (录。)
    if not lenient:
        # A bracketed note is print ((党组成员)); judge what else the line holds (尹鹏(村委会)).
        text = _BRACKET_RE.sub("", text).strip()
        if not text or (line.confidence >= 0.8 and _PUNCT_RE.search(text)):
            return True
    if lenient:
        return False
    if not merged and line.confidence >= 0.97 and line.height <= 1.6 * text_h:
        # OCR boxes of print vary in height; a near-certain reading of a line of its own is
        # print. (Not so for the rest of a label's line, whose box the label's print shares.)
        return True
    if line.height > 1.3 * text_h:
        return False
    return line.confidence >= (0.85 if len(text) >= 10 else 0.9)


def _rules(ink: np.ndarray, ppm: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule lines (table borders, underlines) of a binary ink image.

    A small perpendicular dilation first lets a rule on a page skewed by a couple of degrees
    survive the opening with a 5 mm straight kernel.
    """
    length = max(9, round(5.0 * ppm))
    hor = cv2.dilate(ink, np.ones((3, 1), np.uint8))
    hor = cv2.morphologyEx(hor, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    ver = cv2.dilate(ink, np.ones((1, 3), np.uint8))
    ver = cv2.morphologyEx(ver, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return hor, ver


def _first_rule_col(ver: np.ndarray, x_from: int, x_to: int, y0: int, y1: int) -> int | None:
    """The first column in [x_from, x_to) where a vertical rule crosses rows y0..y1."""
    if x_to <= x_from or y1 <= y0:
        return None
    cols = ver[y0:y1, x_from:x_to].mean(axis=0)
    hit = np.nonzero(cols >= 0.8 * 255)[0]
    return x_from + int(hit[0]) if len(hit) else None


def _rule_row(hor: np.ndarray, y_from: int, y_to: int, x0: int, x1: int, *, last: bool) -> int | None:
    """The nearest row in [y_from, y_to) where a horizontal rule spans columns x0..x1."""
    if y_to <= y_from or x1 <= x0:
        return None
    rows = hor[y_from:y_to, x0:x1].mean(axis=1)
    hit = np.nonzero(rows >= 0.7 * 255)[0]
    if not len(hit):
        return None
    return y_from + int(hit[-1] if last else hit[0])


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def _text_height(lines: list[TextLine]) -> float:
    """Height (points) of an OCR box around a line of body text on this page.

    Only confidently read lines of Chinese count: boxes around digits alone come out shorter.
    """
    hs = [ln.height for ln in lines if ln.confidence >= 0.9 and _cjk_count(ln.text) >= 2]
    return statistics.median(hs) if hs else 16.0


def _char_width(lines: list[TextLine]) -> float:
    """Typical advance (points) of one CJK character of print on this page."""
    ws = [(ln.x1 - ln.x0) / sum(_char_weights(ln.text)) for ln in lines
          if ln.confidence >= 0.95 and len(ln.text) >= 6]
    return statistics.median(ws) if ws else 12.0


class _Page:
    """The working raster of one page around its signing labels, and its ink masks."""

    def __init__(self, image: np.ndarray, points_per_pixel: float, y_range: tuple[float, float],
                 colour: bool) -> None:
        ppm_in = _px_per_mm(points_per_pixel)
        factor = max(1, round(ppm_in / 6.0))  # ~150 dpi is plenty for pen strokes
        self.ppp = points_per_pixel * factor  # points per working pixel
        self.ppm = ppm_in / factor
        full_h = image.shape[0] // factor
        # Only the rows around the labels are analysed: most records sign at the bottom.
        self.r0 = max(0, int(y_range[0] / self.ppp))
        r1 = min(full_h, int(y_range[1] / self.ppp) + 1)
        img = _shrink(image[self.r0 * factor:r1 * factor], factor)
        self.H, self.W = img.shape[:2]
        self.colour = colour
        grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        paper = _percentile_u8(grey[::3, ::3], 90)
        # Ink: clearly darker than paper (show-through and uneven light stay above), or blue.
        self.ink = cv2.compare(grey, max(60, paper - 70), cv2.CMP_LT)
        self.blue = np.zeros_like(self.ink)
        self.red = np.zeros_like(self.ink)
        if self.colour:
            # Pen blue by how far blue stands above red and green: hue and saturation are
            # unstable on near-black print, which a slight JPEG tint would make "blue".
            r, g, b = cv2.split(img)
            self.blue = cv2.compare(cv2.subtract(b, cv2.max(r, g)), 25, cv2.CMP_GE)
            self.ink = cv2.bitwise_or(self.ink, self.blue)
            # Red is a seal, a name stamp or a fingerprint, never the pen of a signature.
            self.red = red_mask(img)
            self.ink = cv2.bitwise_and(self.ink, cv2.bitwise_not(self.red))
        self.hor, self.ver = _rules(self.ink, self.ppm)
        # Cell borders run down a form through several rows (>= 12 mm); a pen stroke, even the
        # long downstroke of a big signature, does not.
        self.border = cv2.morphologyEx(self.ver, cv2.MORPH_OPEN, np.ones((round(12.0 * self.ppm), 1), np.uint8))

    @cached_property
    def red_blobs(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """Connected red marks (seals, name stamps, fingerprints), strokes joined."""
        closed = cv2.morphologyEx(self.red, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
        return cv2.connectedComponentsWithStats(closed, connectivity=8)

    def x(self, v: float) -> int:
        return min(self.W, max(0, round(v / self.ppp)))

    def y(self, v: float) -> int:
        return min(self.H, max(0, round(v / self.ppp) - self.r0))

    def box(self, b: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        return self.x(b[0]), self.y(b[1]), self.x(b[2]), self.y(b[3])

    def to_points(self, x0: int, y0: int, x1: int, y1: int) -> tuple[float, float, float, float]:
        p = self.ppp
        return (round(x0 * p, 1), round((y0 + self.r0) * p, 1), round(x1 * p, 1), round((y1 + self.r0) * p, 1))

    def blue_share(self, b: tuple[int, int, int, int]) -> float:
        if not self.colour:
            return 0.0
        x0, y0, x1, y1 = b
        n = cv2.countNonZero(self.ink[y0:y1, x0:x1]) if x1 > x0 and y1 > y0 else 0
        return cv2.countNonZero(self.blue[y0:y1, x0:x1]) / n if n else 0.0


def _label_span(lab: _Label, line: TextLine, char_w: float, text_h: float) -> tuple[float, float]:
    """x extent (points) of a label inside its OCR line.

    Share of characters places it well in a line of print. Where OCR ran handwriting into the
    label's line (签名：于磊欣2023.2.6, 丁波飞记录人（签名）：罗飞卫 — the line then stands tall), the
    handwritten characters are wider than print: the label gets the width of its characters in
    print, and the rest of the line is shared between the writing before and after it.
    """
    text = line.text
    i = text.find(lab.text)
    if i < 0:
        return lab.x0, lab.x1
    head, rest = text[:i], text[i + len(lab.text):]
    w_label = min(line.x1 - line.x0, char_w * sum(_char_weights(lab.text)))
    if line.height <= 1.3 * text_h:
        # Print only, or handwriting as small as print: shares hold, but never let the label
        # run wider than its characters in print.
        return lab.x0, min(lab.x1, lab.x0 + w_label)
    w_head, w_rest = sum(_char_weights(head.strip())), sum(_char_weights(rest.strip()))
    spare = max(0.0, line.x1 - line.x0 - w_label)
    x0 = line.x0 + (spare * w_head / (w_head + w_rest) if w_head + w_rest else 0.0)
    return x0, x0 + w_label


def find_signatures(image: np.ndarray, lines: list[TextLine], points_per_pixel: float,
                    grey: bool | None = None) -> list[Mark]:
    """Handwriting next to signing labels on an upright page raster (RGB uint8).

    `lines` are the page's OCR lines in upright points. Each label gets a zone (the rest of its
    row, or the neighbouring cell of a ruled form); ink in it that is neither print (OCR lines
    read as print), nor a rule, nor a red seal counts as a signature. One Mark per zone, its box
    the ink's box in points, label the printed label.
    """
    labels = find_labels(lines)
    if not labels:
        return []
    text_h = _text_height(lines)
    char_w = _char_width(lines)
    ys = [lines[lab.line].bbox[1] for lab in labels] + [lines[lab.line].bbox[3] for lab in labels]
    pg = _Page(image, points_per_pixel, (min(ys) - 10 * text_h, max(ys) + 6 * text_h),
               colour=not (is_grayscale(image) if grey is None else grey))
    label_lines = {lab.line for lab in labels}

    spans = [_label_span(lab, lines[lab.line], char_w, text_h) for lab in labels]
    label_x1 = [x1 for _x0, x1 in spans]
    zones = _zones(labels, label_x1, lines, pg, text_h)
    if not zones:
        return []

    def zone_of(cx: float, cy: float, x0: float | None = None) -> _Zone | None:
        best, best_d = None, 1e9
        for z in zones:
            zx0, zy0, zx1, zy1 = z.box
            # A line that starts left of a zone (a paragraph, the next row's label) is not in it.
            if zx0 <= cx < zx1 and zy0 <= cy < zy1 and (x0 is None or x0 >= zx0 - 2 * pg.ppm):
                d = 0.0 if z.cell else abs(cy - z.anchor_y)
                if d < best_d:
                    best, best_d = z, d
        return best

    # Print is masked out (blue ink inside it is kept). Handwriting OCR'd as a line of its own
    # (a name) is remembered, so that its strokes go to one zone together.
    printed = np.zeros_like(pg.ink)
    hand: list[tuple[tuple[int, int, int, int], _Zone | None]] = []
    for li, ln in enumerate(lines):
        if li in label_lines:
            continue
        b = pg.box(ln.bbox)
        if b[2] <= b[0] or b[3] <= b[1]:
            continue
        z = zone_of((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[0])
        lenient = z is not None and z.lenient
        # Print in a form cell is the size of the label's print: compare with the label line
        # where that holds nothing but the label.
        ref_h = text_h
        if z is not None and not z.label.rest.strip():
            ref_h = max(text_h, lines[z.label.line].height)
        if _OPINION_RE.search(ln.text) or _looks_printed(ln.text, ln, ref_h, pg.blue_share(b), lenient):
            printed[b[1]:b[3], b[0]:b[2]] = 255
        else:
            hand.append((b, z))
    for lab, (x0, x1) in zip(labels, spans, strict=True):
        ln = lines[lab.line]
        lb = pg.box((x0, ln.bbox[1], x1, ln.bbox[3]))
        printed[lb[1]:lb[3], lb[0]:min(pg.W, lb[2] + 2)] = 255
        head = ln.text[: ln.text.find(lab.text)].strip() if lab.text in ln.text else ""
        if head and _looks_printed(head, ln, text_h, 0.0, False, merged=True):  # 职务：法定代表人 — print before a label
            hb = pg.box((ln.bbox[0], ln.bbox[1], x0, ln.bbox[3]))
            printed[hb[1]:hb[3], hb[0]:hb[2]] = 255
        rest = lab.rest.strip()
        if not rest:
            continue
        rb = pg.box((x1, ln.bbox[1], ln.bbox[2], ln.bbox[3]))
        z = zone_of(rb[0] + 1, (rb[1] + rb[3]) / 2)
        if _OPINION_RE.search(rest) or _looks_printed(rest, ln, text_h, pg.blue_share(rb),
                                                      z is not None and z.lenient, merged=True):
            printed[rb[1]:rb[3], rb[0]:rb[2]] = 255
        else:
            hand.append((rb, z))
    if pg.colour:
        printed = cv2.bitwise_and(printed, cv2.bitwise_not(pg.blue))
    clean = cv2.bitwise_and(pg.ink, cv2.bitwise_not(printed))
    rules = cv2.dilate(cv2.bitwise_or(pg.hor, pg.ver), np.ones((3, 3), np.uint8))
    clean = cv2.bitwise_and(clean, cv2.bitwise_not(rules))

    _n, comp_img, stats, cents = cv2.connectedComponentsWithStats(clean, connectivity=8)
    # Only components of more than a speck whose centre lies in some zone need a decision
    # (a text-heavy page has thousands of components; a zone holds a few dozen).
    keep = stats[:, cv2.CC_STAT_AREA] >= SPECK_MM2 * pg.ppm * pg.ppm
    keep[0] = False  # the background
    inside = np.zeros_like(keep)
    for z in zones:
        zx0, zy0, zx1, zy1 = z.box
        inside |= (cents[:, 0] >= zx0) & (cents[:, 0] < zx1) & (cents[:, 1] >= zy0) & (cents[:, 1] < zy1)
    for ci in np.nonzero(keep & inside)[0].tolist():
        cx, cy = cents[ci]
        z = next((hz for b, hz in hand if hz is not None and b[0] <= cx < b[2] and b[1] <= cy < b[3]), None)
        z = z or zone_of(cx, cy)
        if z is not None:
            z.comps.append(ci)
    marks = []
    for z in zones:
        mark = _zone_mark(z, stats, comp_img, pg) or (_name_stamp(z, pg) if pg.colour else None)
        if mark is not None:
            marks.append(mark)
    return _dedupe(marks)


# A personal name stamp (签章) answers a 签名或盖章 label as a signature does: a small red square or
# oval, well inside the zone (an agency seal, 40 mm across, does not fit one).
STAMP_MIN_MM = 5.0
STAMP_MAX_MM = 22.0


def _name_stamp(z: _Zone, pg: _Page) -> Mark | None:
    zx0, zy0, zx1, zy1 = z.box
    if not pg.red[zy0:zy1, zx0:zx1].any():
        return None
    n, _img, stats, cents = pg.red_blobs
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        cx, cy = cents[i]
        if not (zx0 <= cx < zx1 and zy0 <= cy < zy1):
            continue
        if not (STAMP_MIN_MM <= w / pg.ppm <= STAMP_MAX_MM and STAMP_MIN_MM <= h / pg.ppm <= STAMP_MAX_MM):
            continue  # a fingerprint's smudge or an agency seal
        if area < 0.15 * w * h:
            continue
        # A name stamp stands alone; the star or a character of an agency seal has its ring around.
        m = round(8 * pg.ppm)
        around = int(cv2.countNonZero(pg.red[max(0, y - m):y + h + m, max(0, x - m):x + w + m]))
        if around > 2 * int(cv2.countNonZero(pg.red[y:y + h, x:x + w])):
            continue
        return Mark(kind="signature", bbox=pg.to_points(x, y, x + w, y + h), confidence=0.7, label=z.label.text)
    return None


def _zone_mark(z: _Zone, stats: np.ndarray, comp_img: np.ndarray, pg: _Page) -> Mark | None:
    """The signature Mark for a zone's ink, or None when the ink is too little to be one."""
    if not z.comps:
        return None
    ppm2 = pg.ppm * pg.ppm
    st = stats[z.comps]
    area = float(st[:, cv2.CC_STAT_AREA].sum()) / ppm2
    # The box comes from strokes, not from dust specks that happen to lie in the zone.
    big = st[st[:, cv2.CC_STAT_AREA] >= STROKE_MM2 * ppm2]
    if not len(big) or big[:, cv2.CC_STAT_AREA].max() < 2 * STROKE_MM2 * ppm2:
        return None
    x0 = int(big[:, cv2.CC_STAT_LEFT].min())
    y0 = int(big[:, cv2.CC_STAT_TOP].min())
    x1 = int((big[:, cv2.CC_STAT_LEFT] + big[:, cv2.CC_STAT_WIDTH]).max())
    y1 = int((big[:, cv2.CC_STAT_TOP] + big[:, cv2.CC_STAT_HEIGHT]).max())
    extent = max(x1 - x0, y1 - y0) / pg.ppm
    if area < SIG_MIN_AREA_MM2 or extent < SIG_MIN_EXTENT_MM:
        log.debug("zone %s: %.1f mm² of ink over %.1f mm, not a signature", z.label.text, area, extent)
        return None
    blue_share = 0.0
    if pg.colour:
        mine = np.isin(comp_img[y0:y1, x0:x1], z.comps)
        blue_share = float((pg.blue[y0:y1, x0:x1][mine] > 0).mean()) if mine.any() else 0.0
    conf = 0.5 + 0.25 * min(1.0, area / 15.0) + (0.2 * blue_share if pg.colour else 0.05)
    return Mark(kind="signature", bbox=pg.to_points(x0, y0, x1, y1), confidence=round(min(0.95, conf), 3),
                label=z.label.text)


def _zones(labels: list[_Label], label_x1: list[float], lines: list[TextLine], pg: _Page,
           text_h: float) -> list[_Zone]:
    """The signing zone of each label: the neighbouring form cell, or the rest of its row."""
    zones: list[_Zone] = []
    # Zone sizes follow the text height, but a text layer's tight line boxes (11 pt) would make
    # them too small for a 30 pt signature: never less than 6 mm.
    th = max(round(text_h / pg.ppp), round(6.0 * pg.ppm))
    half = max(2, round(2.0 * pg.ppm))  # rows a border must cross about the label's centre
    W, H = pg.W, pg.H
    rows = [pg.y((lines[lab.line].bbox[1] + lines[lab.line].bbox[3]) / 2) for lab in labels]
    label_lines = {lab.line for lab in labels}
    boxes = [pg.box(ln.bbox) for ln in lines]  # each line's box in pixels, once for every label
    # Which lines are print by the strict test: they end zones (labels count as print too).
    is_print = [li in label_lines or _looks_printed(ln.text, ln, text_h, pg.blue_share(boxes[li]), False)
                for li, ln in enumerate(lines)]
    for k, lab in enumerate(labels):
        cy = rows[k]
        lx1 = pg.x(label_x1[k])
        band0, band1 = max(0, cy - half), min(H, cy + half)
        # A label filling a form's label cell: a cell border follows it closely.
        # (A short label centred in a wide label column sits up to ~18 mm from the border.)
        rule_x = _first_rule_col(pg.border, lx1, min(W, lx1 + max(3 * th, round(18 * pg.ppm))), band0, band1)
        if rule_x is not None:
            right = _first_rule_col(pg.border, rule_x + th, W, band0, band1) or W - 1
            probe = (rule_x + 4, min(right, rule_x + 4 * th))
            top = _rule_row(pg.hor, max(0, cy - 8 * th), cy, *probe, last=True)
            bottom = _rule_row(pg.hor, cy, min(H, cy + 8 * th), *probe, last=False)
            if top is None and bottom is None and not lab.rest.strip():
                # No cell to the right: the label heads the last column of a table (经办人 in a
                # ledger), and the column below it is where people sign.
                col = _column_zone(pg, lab, lines, rule_x, band0, band1)
                if col is not None:
                    zones.append(_Zone(lab, col, cy, True))
                continue
            top = top if top is not None else max(0, cy - 2 * th)
            bottom = bottom if bottom is not None else min(H, cy + 2 * th)
            x0 = rule_x + 3
            if lab.opinion_cell:
                # The opinion is written top left, the signature below and to the right of it:
                # only the lower right part of the cell is the signing zone.
                x0 = rule_x + int(0.3 * (right - rule_x))
                top = top + int(0.5 * (bottom - top))
            right = _print_stop(lab, lines, is_print, boxes, x0 + 2 * th, right, cy, th)
            zones.append(_Zone(lab, (x0, top + 2, right - 2, bottom - 1), cy, True))
            continue
        if lab.opinion_cell:
            continue
        # The rest of the row: up to the next label on the row, a cell border, or ~90 mm.
        x_end = min(W, lx1 + round(90 * pg.ppm))
        for j, other in enumerate(labels):
            if j != k and abs(rows[j] - cy) < 0.6 * th and lx1 < pg.x(other.x0) < x_end:
                x_end = pg.x(other.x0)
        rule_x = _first_rule_col(pg.border, lx1 + th // 2, x_end, band0, band1)
        if rule_x is not None:
            x_end = rule_x
        x_end = _print_stop(lab, lines, is_print, boxes, lx1 + 2 * th, x_end, cy, th)
        # Signatures overrun their row (a second row of names, a big flourish) down to the next
        # printed line or label row that starts at or before the zone.
        y0, y1 = max(0, cy - int(0.8 * th)), min(H, cy + int(2.2 * th))
        for li, (bx0, by0, bx1, by1) in enumerate(boxes):
            if li == lab.line:
                continue
            if bx0 > lx1 + th or bx1 <= lx1:
                continue
            if not is_print[li]:
                continue
            if by0 > cy + th // 2:
                y1 = min(y1, by0)
            elif by1 < cy - th // 2:
                y0 = max(y0, by1)
        zones.append(_Zone(lab, (lx1, y0, x_end, max(y1, cy + th // 2)), cy, False))
    return zones


def _print_stop(lab: _Label, lines: list[TextLine], is_print: list[bool], boxes: list[tuple[int, int, int, int]],
                x_from: int, x_end: int, cy: int, th: int) -> int:
    """Where printed text further along the label's row (性别, 日期：) ends its zone.

    Only print some way past the label counts (a typed name right after a role label is the
    zone's content, not its end); after 签名： only a field label (with a colon) does, since a
    legible signature there can read like print. `boxes`: each line's box in pixels.
    """
    stop = x_end
    for li, ln in enumerate(lines):
        if li == lab.line or not is_print[li]:
            continue
        bx0, by0, _bx1, by1 = boxes[li]
        if not (x_from <= bx0 < stop) or by1 < cy - th // 2 or by0 > cy + th // 2:
            continue
        if not lab.hand_only or ":" in ln.text or "：" in ln.text:
            stop = bx0
    return stop


def _column_zone(pg: _Page, lab: _Label, lines: list[TextLine], rule_x: int, band0: int,
                 band1: int) -> tuple[int, int, int, int] | None:
    """The table column under a header label: between its borders, down to where they end."""
    lx0 = pg.x(lab.x0)
    reach = round(18 * pg.ppm)
    cols = pg.border[band0:band1, max(0, lx0 - reach):lx0].mean(axis=0) if band1 > band0 else np.zeros(0)
    hit = np.nonzero(cols >= 0.8 * 255)[0]
    if not len(hit):
        return None
    left = max(0, lx0 - reach) + int(hit[-1])
    # Follow the right border down until it stops (a gap of more than 3 mm); on a skewed scan
    # it drifts sideways a pixel every few dozen rows, so track it.
    x, y, gap, bottom = rule_x, band1, 0, band1
    while y < pg.H and gap <= 3 * pg.ppm:
        seg = pg.border[y, max(0, x - 2):x + 3]
        if seg.any():
            x = max(0, x - 2) + int(np.argmax(seg))
            bottom, gap = y, 0
        else:
            gap += 1
        y += 1
    top = pg.y(lines[lab.line].bbox[3]) + 1
    return (left + 3, top, rule_x - 2, bottom) if bottom > top + 4 * pg.ppm else None


def _dedupe(marks: list[Mark]) -> list[Mark]:
    """One mark per ink: zones of a cell label and an inline 签名 label can find the same."""
    out: list[Mark] = []
    for m in sorted(marks, key=lambda m: -m.confidence):
        if any(_iou(m.bbox, o.bbox) > 0.5 for o in out):
            continue
        out.append(m)
    out.sort(key=lambda m: (m.bbox[1], m.bbox[0]))
    return out


# -- born-digital pages ------------------------------------------------------------------------------

# Resolution of the rule raster built from a born-digital page's vector lines (for `_zones`).
RULE_PX_PER_MM = 3.0


class _RulePage(_Page):
    """A `_Page` without a raster: rule masks drawn from a born-digital page's vector lines."""

    def __init__(self, width: float, height: float, segments: list[tuple[float, float, float, float]]) -> None:
        self.ppm = RULE_PX_PER_MM
        self.ppp = PT_PER_MM / self.ppm
        self.r0 = 0
        self.W, self.H = int(width / self.ppp) + 1, int(height / self.ppp) + 1
        self.colour = False
        self.ink = np.zeros((self.H, self.W), np.uint8)
        self.blue = self.ink
        hor, ver = np.zeros_like(self.ink), np.zeros_like(self.ink)
        for x0, y0, x1, y1 in segments:
            p0, p1 = (int(x0 / self.ppp), int(y0 / self.ppp)), (int(x1 / self.ppp), int(y1 / self.ppp))
            cv2.line(ver if abs(x1 - x0) < abs(y1 - y0) else hor, p0, p1, 255, 1)
        self.hor, self.ver = hor, ver
        self.border = _vertical_open(ver, round(12.0 * self.ppm))


def _vertical_open(mask: np.ndarray, k: int) -> np.ndarray:
    """`mask` opened with a k x 1 vertical kernel, computed on the band of rows and columns that
    hold any of it (a page's rules are a few lines on a mostly empty raster): the same pixels as
    opening the whole mask, since the k rows kept on either side hold the kernel's reach."""
    out = np.zeros_like(mask)
    # The rows and columns holding any of it: the bounding box of its nonzero pixels, in C (two
    # numpy `any` reductions over the whole raster cost more than the opening itself).
    x, y, w, h = cv2.boundingRect(mask)
    if not w:
        return out
    r0, r1 = max(0, y - k), min(mask.shape[0], y + h - 1 + k + 1)
    c0, c1 = x, x + w
    out[r0:r1, c0:c1] = cv2.morphologyEx(mask[r0:r1, c0:c1], cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    return out


# How much ink a pixel's darkest channel holds, by its value: 1 - v / 255 (float32, as computed
# per pixel before; a table lookup gives the same numbers for a fraction of the time).
_INK_OF_DARKEST = 1.0 - np.arange(256, dtype=np.uint8).astype(np.float32) / 255.0


def _ink_colour(page: pymupdf.Page, xref: int,
                decoded: pymupdf.Pixmap | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """(ink weight map, weighted mean RGB) of an embedded image, from a small decoded copy.

    Weight is how much ink a pixel holds: its alpha (soft mask) times how far its darkest
    channel is from white, so a white or transparent background weighs nothing. `decoded`: the
    image's `Pixmap(doc, xref)` when the caller has it already (it is shrunk in place).
    """
    doc = page.parent
    try:
        pix = decoded if decoded is not None else pymupdf.Pixmap(doc, xref)
        if pix.n - pix.alpha not in (1, 3):
            pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
        while max(pix.w, pix.h) > 160:
            pix.shrink(1)  # halves: decoding is cheap, the pixel arithmetic below is not
        arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, pix.n)
        rgb = arr[..., :3] if pix.n - pix.alpha >= 3 else np.repeat(arr[..., :1], 3, axis=2)
        alpha = None  # opaque
        smask = doc.xref_get_key(xref, "SMask")
        if smask[0] == "xref":
            mpix = pymupdf.Pixmap(doc, int(smask[1].split()[0]))
            m = np.frombuffer(mpix.samples, np.uint8).reshape(mpix.h, mpix.w, mpix.n)[..., 0]
            alpha = cv2.resize(m, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    except (RuntimeError, ValueError) as exc:  # a broken or exotic image: no verdict
        log.debug("image %d unreadable: %s", xref, exc)
        return None
    darkest = np.minimum(np.minimum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])
    weight = _INK_OF_DARKEST[darkest]
    if alpha is not None:
        weight = alpha * weight
    total = float(weight.sum())
    if total <= 0:
        return None
    mean = (rgb.reshape(-1, 3).astype(np.float32) * weight.reshape(-1, 1)).sum(axis=0) / total
    return weight, mean


def _red_vector_boxes(drawings: list[dict]) -> list[tuple[float, float, float, float]]:
    """Boxes of red vector art (a seal drawn as paths), clustered by overlap."""
    boxes: list[list[float]] = []
    for d in drawings:
        col = d.get("fill") or d.get("color")
        if not col or len(col) != 3 or not (col[0] > 0.55 and col[0] - max(col[1], col[2]) > 0.3):
            continue
        x0, y0, x1, y1 = d["rect"]
        for b in boxes:
            if x0 <= b[2] + 3 and b[0] <= x1 + 3 and y0 <= b[3] + 3 and b[1] <= y1 + 3:
                b[:] = [min(b[0], x0), min(b[1], y0), max(b[2], x1), max(b[3], y1)]
                break
        else:
            boxes.append([x0, y0, x1, y1])
    return [tuple(b) for b in boxes]


def _seal_sized(w_pt: float, h_pt: float) -> bool:
    major, minor = max(w_pt, h_pt) / PT_PER_MM, min(w_pt, h_pt) / PT_PER_MM
    return SEAL_MIN_MM <= major <= SEAL_MAX_MM and minor >= SEAL_MIN_MINOR_MM and minor / major >= 0.4


# What an embedded image's ink looked like, by xref: (share of dense pixels, mean ink RGB), or
# None for an image that could not be decoded. Kept per document by the page reader.
ImageVerdicts = dict[int, tuple[float, np.ndarray] | None]


def find_marks_in_pdf_page(page: pymupdf.Page, lines: list[TextLine],
                           image_verdicts: ImageVerdicts | None = None) -> list[Mark]:
    """Seals and signatures on a born-digital page, from what the PDF places on it.

    Seals and handwriting come as images over a text layer (or, for some electronic seals, as
    red vector paths); each image is judged by the colour of its ink on a small decoded copy:
    red and seal-sized is a seal, blue/black ink in a signing zone (found from `lines`, the
    text layer, and the page's ruled lines) is a signature. A page that is one big image (a
    scan with a text layer) is rendered and analysed like a scan. Boxes are points of the page
    as displayed, which for born-digital pages is upright. `image_verdicts`: the caller's store of
    images already judged in this document, by xref (an image placed on many pages, decoded once).
    """
    rect = page.rect
    area = rect.width * rect.height
    # Listing the page's images reads its resources only; placing them interprets its content.
    images = page.get_images()
    decoded: dict[int, pymupdf.Pixmap] = {}
    infos = _image_placements(page, images, decoded) if images else []
    if any(pymupdf.Rect(i["bbox"]).get_area() > 0.5 * area for i in infos):
        dpi = raster_dpi(rect.width, rect.height, 150)  # within the raster budget, like a scan
        img = render(page, dpi)
        return find_seals(img, 72 / dpi) + find_signatures(img, lines, 72 / dpi)
    marks: list[Mark] = []
    inks: list[tuple[float, float, float, float]] = []
    colours: ImageVerdicts = {} if image_verdicts is None else image_verdicts  # an image placed twice: decoded once
    for info in infos:
        box = tuple(pymupdf.Rect(info["bbox"]) & rect)
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        xref = info.get("xref", 0)
        if w < 2 * PT_PER_MM or h < 2 * PT_PER_MM or not xref:
            continue
        if xref not in colours:
            # Kept as two figures, not the weight map: a document's verdicts stay small.
            inked = _ink_colour(page, xref, decoded.pop(xref, None))
            colours[xref] = None if inked is None else (np.count_nonzero(inked[0] > 0.5) / inked[0].size, inked[1])
        got = colours[xref]
        if got is None:
            continue
        dense, (r, g, b) = got
        if dense > 0.6:
            continue  # a photo or a filled block, not ink on paper
        if r - max(g, b) > 60:
            if _seal_sized(w, h):
                marks.append(Mark(kind="seal", bbox=_round_box(box), confidence=0.9,
                                  label=None if min(w, h) / max(w, h) >= 0.85 else "oval"))
            continue  # a red fingerprint or stamp that is not a seal
        if max(w, h) < 60 * PT_PER_MM:
            inks.append(box)
    drawings = page.get_cdrawings()  # interpreted once for red seals and for the ruled lines
    for box in _red_vector_boxes(drawings):
        if _seal_sized(box[2] - box[0], box[3] - box[1]) and not any(_iou(box, m.bbox) > 0.3 for m in marks):
            marks.append(Mark(kind="seal", bbox=_round_box(box), confidence=0.8))
    if inks:
        marks += _pdf_signatures(page, lines, inks, drawings)
    return marks


# Decoded images kept for the ink verdict while a page is read, up to this size each (a page
# of big photos is not held in memory; those are decoded again when judged).
DECODED_KEEP_PIXELS = 1_000_000


def _image_placements(page: pymupdf.Page, images: list[tuple], decoded: dict[int, pymupdf.Pixmap]) -> list[dict]:
    """`page.get_image_info(xrefs=True)` for the page's image list `images` (`page.get_images()`),
    keeping each image's decoded pixmap in `decoded` by xref for the ink verdict (PyMuPDF's own
    decodes every image once to match placements to xrefs by digest, then drops it).

    Same matching as PyMuPDF's: a placement gets the xref whose decoded pixels have its digest
    (the last such in the list), 0 where none has.
    """
    doc = page.parent
    infos = page.get_textpage(flags=pymupdf.TEXT_PRESERVE_IMAGES).extractIMGINFO(hashes=True)
    digests = {}
    for item in images:
        xref = item[0]
        pix = pymupdf.Pixmap(doc, xref)
        digests[pix.digest] = xref
        if pix.w * pix.h <= DECODED_KEEP_PIXELS:
            decoded[xref] = pix
    for info in infos:
        info["xref"] = digests.get(info["digest"], 0)
    return infos


def _round_box(b: tuple[float, ...]) -> tuple[float, float, float, float]:
    return round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1)


def _pdf_signatures(page: pymupdf.Page, lines: list[TextLine], inks: list[tuple[float, float, float, float]],
                    drawings: list[dict]) -> list[Mark]:
    """Signature marks for ink images that sit in the signing zone of a text-layer label."""
    labels = find_labels(lines)
    if not labels:
        return []
    segments = []
    for d in drawings:
        for item in d.get("items", ()):
            if item[0] == "l":
                (ax, ay), (bx, by) = item[1], item[2]
                segments.append((ax, ay, bx, by))
            elif item[0] == "re":
                x0, y0, x1, y1 = item[1]
                if min(x1 - x0, y1 - y0) < 2.5:  # a thin filled rectangle is a rule
                    segments.append((x0, (y0 + y1) / 2, x1, (y0 + y1) / 2) if x1 - x0 > y1 - y0
                                    else ((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))
    pg = _RulePage(page.rect.width, page.rect.height, segments)
    zones = _zones(labels, [lab.x1 for lab in labels], lines, pg, _text_height(lines))
    groups: dict[int, list[tuple[float, float, float, float]]] = {}
    # Ink placed outside every zone this reader knows (a signature in a table column under its
    # header, in a cell below the label): kept without a label, for the signing zones to place.
    loose: list[tuple[float, float, float, float]] = []
    for box in inks:
        cx, cy = pg.x((box[0] + box[2]) / 2), pg.y((box[1] + box[3]) / 2)
        best, best_d = None, 1e9
        for zi, z in enumerate(zones):
            zx0, zy0, zx1, zy1 = z.box
            if zx0 <= cx < zx1 and zy0 <= cy < zy1:
                d = 0.0 if z.cell else abs(cy - z.anchor_y)
                if d < best_d:
                    best, best_d = zi, d
        if best is not None:
            groups.setdefault(best, []).append(box)
        else:
            loose.append(box)
    out = []
    for zi, boxes in groups.items():
        u = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        out.append(Mark(kind="signature", bbox=_round_box(u), confidence=0.85, label=zones[zi].label.text))
    out += [Mark(kind="signature", bbox=_round_box(box), confidence=0.6) for box in loose]
    return _dedupe(out)
