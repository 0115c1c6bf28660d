"""Helpers every OCR engine shares: blank-page test, geometry of turned pages, reading order.

They live apart from the engines so that each engine turns pages, orders lines and skips blank
backs the same way, and so they can be tested without any model loaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import cv2
import numpy as np

from models.case import TextLine

# A page counts as blank when fewer than this many text-sized ink marks are found. Blank backs
# in real case files carry show-through (faint mirrored text), binder holes, dust and scanner
# edge shadow, none of which is dark, character-sized and non-round; the sparsest real page seen
# (a signature block and a page number) has ~20 such marks.
BLANK_MAX_MARKS = 4


def ocr_threads(requested: int | None = None) -> int:
    """How many CPU threads inference may use: `requested`, else env CASECHECK_OCR_THREADS, else all.

    The pipeline runs one reading process per core and sets the variable to 1 in each of them;
    run alone, one process uses every core the OS gives it.
    """
    if requested and requested > 0:
        return int(requested)
    env = os.environ.get("CASECHECK_OCR_THREADS", "").strip()
    if env:
        try:
            value = int(env)
        except ValueError:
            value = 0
        if value > 0:
            return value
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def to_gray(image: np.ndarray) -> np.ndarray:
    """A uint8 grayscale view of an RGB (or already gray) image."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 1:
        return image[:, :, 0]
    return cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)


def count_text_marks(image: np.ndarray) -> int:
    """How many dark, character-sized, non-round ink components the page has (on a half-size copy).

    Cheap (~15 ms on an A4 page at 150 dpi), so blank backs skip text detection altogether.
    Thresholds are relative to the paper's own brightness, so grey or yellowed paper and faint
    show-through from the other side do not count; binder holes (solid round blobs) do not either.
    """
    gray = to_gray(image)
    h, w = gray.shape[:2]
    if h < 8 or w < 8:
        return 0
    small = cv2.resize(gray, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small[::4, ::4], 75))
    threshold = min(paper - 70.0, 170.0)
    if threshold <= 0:
        return 0
    mask = (small < threshold).astype(np.uint8)
    _count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    stats = stats[1:]
    if not len(stats):
        return 0
    bw, bh, area = stats[:, 2], stats[:, 3], stats[:, 4]
    # Sizes at half resolution of a 150-200 dpi scan: a stroke of a 9-30 pt character.
    sized = (area >= 6) & (bh >= 3) & (bw <= 80) & (bh <= 60)
    fill = area / np.maximum(bw * bh, 1)
    round_blob = (np.abs(bw - bh) <= 3) & (fill > 0.6) & (bw >= 8)
    return int(np.count_nonzero(sized & ~round_blob))


def looks_blank(image: np.ndarray) -> bool:
    """True when the page has (nearly) no text-like ink: a blank back, possibly with show-through."""
    return count_text_marks(image) < BLANK_MAX_MARKS


def ink_regions(image: np.ndarray, pad: int = 24, min_gap: int = 64,
                keep_whole: float = 0.85) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) that hold all the page's ink, so text detection can skip the rest.

    Rows with ink are grouped into bands, a band ending where `min_gap` ink-free rows follow;
    each band is cut to its own inked columns and padded by `pad` pixels (the detector needs a
    little paper around a line). Margins, the space under a short letter and the gap between a
    text and its signing block are left out. When the bands would save little (under
    1 - `keep_whole` of the inked box), the one inked box is given; with no ink, the whole image.
    Measured on a quarter-size copy (~5 ms on an A4 page at 150 dpi); the threshold is lenient
    (paper brightness - 40), so faint print, pencil and seals count as ink.
    """
    gray = to_gray(image)
    h, w = gray.shape[:2]
    whole = [(0, 0, w, h)]
    step = 4
    if h < 8 * step or w < 8 * step:
        return whole
    small = cv2.resize(gray, (w // step, h // step), interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small[::2, ::2], 75))
    ink = small < paper - 40.0
    row_ink = np.count_nonzero(ink, axis=1) >= 2  # one speck of dust is not a line
    rows = np.flatnonzero(row_ink)
    if not len(rows):
        return whole
    gap = max(1, min_gap // step)
    bands: list[tuple[int, int]] = []
    start = prev = int(rows[0])
    for r in rows[1:].tolist():
        if r - prev > gap:
            bands.append((start, prev))
            start = r
        prev = r
    bands.append((start, prev))
    boxes = []
    for top, bottom in bands:
        cols = np.flatnonzero(np.count_nonzero(ink[top:bottom + 1], axis=0))
        boxes.append((max(0, int(cols[0]) * step - pad), max(0, top * step - pad),
                      min(w, (int(cols[-1]) + 1) * step + pad), min(h, (bottom + 1) * step + pad)))
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    band_area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    if len(boxes) == 1 or band_area > keep_whole * (x1 - x0) * (y1 - y0):
        return [(x0, y0, x1, y1)]
    return boxes


def turn_points(points: np.ndarray, rotation: int, width: int, height: int) -> np.ndarray:
    """Points of a scan (`width` x `height`) mapped into the upright image `upright(scan, rotation)`.

    `rotation` is how far the scan is turned counter-clockwise from upright; coordinates are
    continuous (pixel edges), so the mapping is exact and invertible.
    """
    pts = np.asarray(points, dtype=np.float32)
    x, y = pts[..., 0], pts[..., 1]
    rotation %= 360
    if rotation == 90:  # turned back clockwise by 90
        out = np.stack([height - y, x], axis=-1)
    elif rotation == 180:
        out = np.stack([width - x, height - y], axis=-1)
    elif rotation == 270:  # turned back counter-clockwise by 90
        out = np.stack([y, width - x], axis=-1)
    else:
        out = pts.copy()
    return out.astype(np.float32)


def order_quad(quad: np.ndarray) -> np.ndarray:
    """The four corners of a near-axis-aligned quadrilateral as top-left, top-right, bottom-right, bottom-left."""
    q = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    s = q[:, 0] + q[:, 1]
    d = q[:, 0] - q[:, 1]
    ordered = np.array([q[np.argmin(s)], q[np.argmax(d)], q[np.argmax(s)], q[np.argmin(d)]], dtype=np.float32)
    if len({tuple(p) for p in ordered.tolist()}) < 4:  # degenerate (e.g. 45 degrees): keep the given order
        return q
    return ordered


def quad_bbox(quad: np.ndarray, width: int, height: int) -> tuple[float, float, float, float]:
    """The axis-aligned box around a quadrilateral, clipped to the image."""
    q = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
    x0 = float(np.clip(q[:, 0].min(), 0, width))
    x1 = float(np.clip(q[:, 0].max(), 0, width))
    y0 = float(np.clip(q[:, 1].min(), 0, height))
    y1 = float(np.clip(q[:, 1].max(), 0, height))
    return (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))


def reading_order(lines: Iterable[TextLine]) -> list[TextLine]:
    """Lines in reading order: rows top to bottom, and left to right within a row.

    Two lines share a row when their vertical extents overlap by more than half the smaller
    height, which holds for table cells and label/value pairs on pages skewed by a degree or so.
    Each line is compared with the row's running band rather than only the previous line, so a
    short box (a page number, a tick) between two cells does not split the row.
    """
    rows: list[tuple[float, float, list[TextLine]]] = []  # (band top, band bottom, members)
    for line in sorted(lines, key=lambda ln: (ln.center[1], ln.x0)):
        if rows:
            top, bottom, members = rows[-1]
            overlap = min(bottom, line.y1) - max(top, line.y0)
            band = bottom - top
            if overlap > 0.5 * min(band, line.height):
                members.append(line)
                # The band follows the row's median extent, so one tall box does not swallow the next row.
                tops = sorted(m.y0 for m in members)
                bottoms = sorted(m.y1 for m in members)
                rows[-1] = (tops[len(tops) // 2], bottoms[len(bottoms) // 2], members)
                continue
        rows.append((line.y0, line.y1, [line]))
    ordered: list[TextLine] = []
    for _, _, members in rows:
        ordered.extend(sorted(members, key=lambda ln: ln.x0))
    return ordered
