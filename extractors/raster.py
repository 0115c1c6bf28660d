"""Page rasters within a budget: what a page image may cost, whatever the PDF says its size is.

Every page drawn for analysis (OCR, seals and signatures on scans, a text-layer page that is one
big image) goes through `render(page, raster_dpi(...))`, so memory follows the budget, not the
page's area (a 14400x5500 pt page at 150 dpi would be 1 GB as RGB).
"""

from __future__ import annotations

import math

import numpy as np
import pymupdf

# The raster budget: a page image never holds more pixels than this, nor a side longer than
# MAX_RASTER_SIDE (huge pages are rendered at a lower dpi). 24 Mpx holds an A1 sheet at 150 dpi
# (an A0 plan at ~120 dpi), ~72 MB as RGB: memory follows the budget, not the page's area.
MAX_RASTER_PIXELS = 24_000_000
BAND_PIXELS = 4_000_000  # a raster over this is drawn in bands (see `render`)
MAX_RASTER_SIDE = 16_384


def raster_dpi(width_pt: float, height_pt: float, dpi: float) -> float:
    """`dpi`, lowered where the page would make an image over the raster budget (pixels, side)."""
    width_pt, height_pt = max(width_pt, 1e-3), max(height_pt, 1e-3)
    scale = dpi / 72.0
    scale = min(scale, math.sqrt(MAX_RASTER_PIXELS / (width_pt * height_pt)),
                MAX_RASTER_SIDE / width_pt, MAX_RASTER_SIDE / height_pt)
    # MuPDF rounds a pixmap's sides up: stay under the budget after rounding too.
    while (math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > MAX_RASTER_PIXELS
           or max(math.ceil(width_pt * scale), math.ceil(height_pt * scale)) > MAX_RASTER_SIDE):
        scale *= 0.995
    return scale * 72.0


def render(page: pymupdf.Page, dpi: float) -> np.ndarray:
    """The page as displayed, as an RGB uint8 array (at `dpi`: see `raster_dpi` for the budget).

    A big raster is drawn in bands into one array: a whole-page pixmap and its copy as an array
    would hold the page twice (~2 x 72 MB at the budget's 24 Mpx).
    """
    zoom = dpi / 72.0
    matrix = pymupdf.Matrix(zoom, zoom)
    whole = (page.rect * matrix).irect
    if whole.width * whole.height <= BAND_PIXELS:
        pix = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csRGB, alpha=False)
        return np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3)
    shown = page.get_displaylist()  # the page's content interpreted once, drawn band by band
    image = np.full((whole.height, whole.width, 3), 255, np.uint8)
    rows = max(1, BAND_PIXELS // whole.width)
    for top in range(0, whole.height, rows):
        clip = pymupdf.Rect(page.rect.x0, (whole.y0 + top) / zoom,
                            page.rect.x1, (whole.y0 + min(top + rows, whole.height)) / zoom)
        pix = shown.get_pixmap(matrix=matrix, colorspace=pymupdf.csRGB, alpha=False, clip=clip)
        band = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3)
        # The band's own pixel box (MuPDF rounds a clip outwards): place it where it lies.
        y, x = pix.y - whole.y0, pix.x - whole.x0
        ys, xs = max(0, -y), max(0, -x)
        y, x = max(0, y), max(0, x)
        h, w = min(band.shape[0] - ys, whole.height - y), min(band.shape[1] - xs, whole.width - x)
        if h > 0 and w > 0:
            image[y:y + h, x:x + w] = band[ys:ys + h, xs:xs + w]
    return image
