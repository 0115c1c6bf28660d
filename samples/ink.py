"""Ink that a person or a rubber stamp put on paper: handwriting, signatures, seals, photos.

Every function returns a PIL image sized for the page raster it will land on (pixels, not
points). Ink comes as RGBA with a transparent background and *straight* alpha: composite it
with `samples.scan.multiply_onto`, which multiplies like real ink does, so print under a red seal
stays dark. All randomness is drawn from the `random.Random` passed in, so a seed reproduces
the exact pixels; numpy generators are seeded from it, never from global state.

Why the shapes are built at 2-3x resolution and then area-downsampled: cv2 drawing and
thresholding at the final size gives stair-stepped, too-clean edges; supersampling yields the
soft, slightly ragged edges real pen and stamp ink have after scanning.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
NOTO_SANS_SC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SANS_SC_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
NOTO_SERIF_SC = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
NOTO_SERIF_SC_BOLD = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"

SEAL_RED = (205, 30, 40)
PEN_BLUE = (25, 35, 110)
FINGERPRINT_RED = (190, 28, 48)
# Numbering-machine pad colours an archivist might have on the desk.
STAMP_INKS = ((30, 50, 150), (35, 35, 42), (190, 35, 45))
PEN_INKS = ((25, 35, 110), (30, 30, 38), (20, 40, 80))

_CHECKS = "✓✔√"  # drawn as strokes: no handwriting font has a convincing tick

Color = tuple[int, int, int]


class FontNotFoundError(FileNotFoundError):
    """A font file this module needs is not installed."""


# -- shared helpers -----------------------------------------------------------------------------


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def _face_index(path: str) -> int:
    # Noto CJK collections start with the Japanese face; index 2 is Simplified Chinese.
    name = os.path.basename(path)
    return 2 if name.startswith("NotoS") and name.endswith(".ttc") else 0


@functools.lru_cache(maxsize=128)
def load_font(path: str, size: int, index: int | None = None) -> ImageFont.FreeTypeFont:
    """A PIL font, cached; raises FontNotFoundError naming the Debian package when missing."""
    if not os.path.isfile(path):
        raise FontNotFoundError(
            f"font file {path!r} not found: install fonts-arphic-ukai, fonts-arphic-uming and "
            "fonts-noto-cjk (scripts/setup.sh does), or pass font_path="
        )
    return ImageFont.truetype(path, max(1, int(size)), index=_face_index(path) if index is None else index)


@functools.lru_cache(maxsize=4096)
def _has_glyph(path: str, ch: str) -> bool:
    font = load_font(path, 48)
    missing = font.getmask("\U0010fffd")
    got = font.getmask(ch)
    return not (got.size == missing.size and bytes(got) == bytes(missing))


def _smooth_noise(nrng: np.random.Generator, h: int, w: int, cell: float) -> np.ndarray:
    """Band-limited noise with features about `cell` pixels across, roughly unit variance."""
    gh = max(2, int(h / max(cell, 1.0)) + 2)
    gw = max(2, int(w / max(cell, 1.0)) + 2)
    grid = nrng.standard_normal((gh, gw)).astype(np.float32)
    out = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    return out


def _fine_noise(nrng: np.random.Generator, h: int, w: int, sigma: float) -> np.ndarray:
    """Gaussian noise blurred by `sigma`, renormalised to unit variance (grain, fibres)."""
    n = nrng.standard_normal((h, w)).astype(np.float32)
    if sigma > 0.2:
        n = cv2.GaussianBlur(n, (0, 0), sigma)
        n /= max(float(n.std()), 1e-6)
    return n


def _warp_into(dst: np.ndarray, src: np.ndarray, m: np.ndarray) -> tuple[int, int, int, int] | None:
    """Warp `src` by the 2x3 affine `m` (src -> dst coords) and max-combine into `dst`.

    Only the destination patch the source lands on is computed, so placing many small glyphs
    on a big canvas stays cheap. Returns the ink's box (x0, y0, x1, y1), or None if none landed.
    """
    h, w = src.shape[:2]
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], dtype=np.float64) @ m.T
    x0 = max(0, math.floor(corners[:, 0].min()) - 1)
    y0 = max(0, math.floor(corners[:, 1].min()) - 1)
    x1 = min(dst.shape[1], math.ceil(corners[:, 0].max()) + 1)
    y1 = min(dst.shape[0], math.ceil(corners[:, 1].max()) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    mm = m.astype(np.float64).copy()
    mm[0, 2] -= x0
    mm[1, 2] -= y0
    patch = cv2.warpAffine(src, mm, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    np.maximum(dst[y0:y1, x0:x1], patch, out=dst[y0:y1, x0:x1])
    ys, xs = np.nonzero(patch > 0.25)
    if len(xs) == 0:
        return None
    return x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1


def _affine(tx: float, ty: float, angle_deg: float = 0.0, sx: float = 1.0, sy: float = 1.0,
            shear: float = 0.0, cx: float = 0.0, cy: float = 0.0) -> np.ndarray:
    """Map point p -> T(tx,ty) . R(angle, clockwise on screen) . Shear . S(sx,sy) . (p - c)."""
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    sh = np.array([[1.0, -shear], [0.0, 1.0]])  # tops lean right for positive shear (y grows down)
    lin = rot @ sh @ np.diag([sx, sy])
    t = np.array([tx, ty]) - lin @ np.array([cx, cy])
    return np.hstack([lin, t[:, None]])


def _crop_alpha(alpha: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(alpha > 6)
    if len(xs) == 0:
        return 0, 0, alpha.shape[1], alpha.shape[0]
    x0 = max(0, int(xs.min()) - margin)
    y0 = max(0, int(ys.min()) - margin)
    x1 = min(alpha.shape[1], int(xs.max()) + 1 + margin)
    y1 = min(alpha.shape[0], int(ys.max()) + 1 + margin)
    return x0, y0, x1, y1


def _rgba(alpha: np.ndarray, color: Color, *, crop_margin: int | None = None) -> Image.Image:
    """Straight-alpha RGBA image of one ink colour; optionally cropped tight to the ink."""
    a = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if crop_margin is not None:
        x0, y0, x1, y1 = _crop_alpha(a, crop_margin)
        a = a[y0:y1, x0:x1]
    out = np.empty((*a.shape, 4), dtype=np.uint8)
    out[..., 0], out[..., 1], out[..., 2] = color
    out[..., 3] = a
    return Image.fromarray(out, "RGBA")


def _jitter_color(rng: random.Random, color: Color, amount: int) -> Color:
    r, g, b = (max(0, min(255, c + rng.randint(-amount, amount))) for c in color)
    return r, g, b


def _bezier(pts: list[tuple[float, float]], n: int = 48) -> np.ndarray:
    """Points along a quadratic/cubic Bezier given its 3 or 4 control points."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    p = np.array(pts, dtype=np.float64)
    if len(p) == 3:
        return (1 - t) ** 2 * p[0] + 2 * (1 - t) * t * p[1] + t**2 * p[2]
    return (1 - t) ** 3 * p[0] + 3 * (1 - t) ** 2 * t * p[1] + 3 * (1 - t) * t**2 * p[2] + t**3 * p[3]


def _stroke(mask: np.ndarray, path: np.ndarray, w0: float, w1: float, value: float = 1.0) -> None:
    """Draw a pen stroke along `path` whose width tapers from w0 to w1 (in mask pixels)."""
    u8 = np.zeros(mask.shape, dtype=np.uint8)
    pts = [(round(float(x) * 16), round(float(y) * 16)) for x, y in np.asarray(path).tolist()]  # 4-bit subpixel
    n = len(pts)
    for i in range(n - 1):  # a few dozen segments, not pixels
        w = w0 + (w1 - w0) * i / max(1, n - 2)
        p, q = pts[i], pts[i + 1]
        cv2.line(u8, p, q, 255, max(1, round(w)), cv2.LINE_AA, shift=4)
    np.maximum(mask, u8.astype(np.float32) * (value / 255.0), out=mask)


# -- handwriting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HandStyle:
    advance: tuple[float, float]  # multiplier on the font's advance width
    gap: tuple[float, float]  # extra space between glyphs, in em
    rot_sd: float  # per-glyph rotation, degrees (clipped at rot_max)
    rot_max: float
    scale: tuple[float, float]
    slant: tuple[float, float]  # default overall slant range, degrees
    wobble: float  # baseline random walk step, in em
    elastic: float  # amplitude of the smooth stroke distortion, in em
    blur: float  # stroke smoothing before threshold, in em: more merges strokes like fast writing
    weight: tuple[float, float]  # threshold level of the final stroke (lower = bolder)


_HAND = _HandStyle(advance=(0.84, 1.0), gap=(-0.01, 0.1), rot_sd=2.5, rot_max=6.0, scale=(0.85, 1.2),
                   slant=(1.5, 7.0), wobble=0.04, elastic=0.03, blur=0.014, weight=(0.3, 0.45))
_SIGN = _HandStyle(advance=(0.76, 0.9), gap=(-0.03, 0.04), rot_sd=4.0, rot_max=10.0, scale=(0.85, 1.2),
                   slant=(10.0, 20.0), wobble=0.05, elastic=0.04, blur=0.02, weight=(0.25, 0.38))


def _glyph_mask(ch: str, em: int, font_path: str, style: _HandStyle, nrng: np.random.Generator,
                rng: random.Random) -> tuple[np.ndarray, float, float, float]:
    """One character on its own canvas: (mask, baseline_y, left_x, advance) in canvas pixels."""
    pad = em // 2
    size = 2 * em
    baseline = pad + 0.88 * em  # CJK fonts put ~0.88 em above the baseline
    if ch in _CHECKS:
        mask = np.zeros((size, size), dtype=np.float32)
        a = (pad + 0.05 * em, baseline - 0.45 * em)
        b = (pad + 0.33 * em, baseline - 0.05 * em)
        c = (pad + 0.95 * em + rng.uniform(-0.05, 0.1) * em, baseline - 0.9 * em)
        bend = rng.uniform(0.02, 0.08) * em
        w = em * rng.uniform(0.06, 0.08)
        _stroke(mask, _bezier([a, (a[0] + 0.15 * em, a[1] + 0.25 * em + bend), b], 16), w * 0.8, w)
        _stroke(mask, _bezier([b, (b[0] + 0.2 * em, b[1] - 0.45 * em - bend), c], 24), w, w * 0.35)
        return mask, baseline, pad, 1.0 * em
    # Kai fonts carry serif, typewriter-like Latin digits; people write digits monoline.
    path = NOTO_SANS_SC if ch.isascii() and os.path.isfile(NOTO_SANS_SC) else font_path
    if not _has_glyph(path, ch):
        path = next((p for p in (UKAI, UMING, NOTO_SANS_SC) if os.path.isfile(p) and _has_glyph(p, ch)), path)
    font = load_font(path, em)
    img = Image.new("L", (size, size), 0)
    ImageDraw.Draw(img).text((pad, baseline), ch, font=font, fill=255, anchor="ls")
    mask = np.asarray(img, dtype=np.float32) / 255.0
    advance = float(font.getlength(ch)) or 0.5 * em
    # Pen, not brush: blur + the later low threshold evens the kai font's thick/thin strokes.
    mask = cv2.GaussianBlur(mask, (0, 0), em * style.blur + 0.3)
    if rng.random() < 0.35:  # hand pressed harder: the stroke doubles slightly, off-axis
        dx, dy = rng.uniform(-0.015, 0.02) * em, rng.uniform(-0.015, 0.015) * em
        shifted = cv2.warpAffine(mask, np.float32([[1, 0, dx], [0, 1, dy]]), (size, size))
        np.maximum(mask, shifted * 0.9, out=mask)
    # Smooth displacement field: strokes bend and wander the way a hand does, not a font.
    amp = em * style.elastic * rng.uniform(0.6, 1.2)
    dx = _smooth_noise(nrng, size, size, em * 0.28) * amp
    dy = _smooth_noise(nrng, size, size, em * 0.28) * amp
    xs, ys = np.meshgrid(np.arange(size, dtype=np.float32), np.arange(size, dtype=np.float32))
    mask = cv2.remap(mask, xs + dx, ys + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return mask, baseline, pad, advance


def _write(text: str, rng: random.Random, *, height_px: int, font_path: str, style: _HandStyle,
           slant: float | None) -> tuple[np.ndarray, int, list[tuple[int, int, int, int]], float]:
    """Lay glyphs out like a hand would. Returns (mask at ss, ss, glyph ink boxes, baseline y)."""
    if not text:
        raise ValueError("handwriting needs at least one character")
    if not os.path.isfile(font_path):
        load_font(font_path, 10)  # raises the clear error
    ss = 3 if height_px < 48 else 2
    em = max(8, round(height_px * ss))
    nrng = _np_rng(rng)
    slant_deg = rng.uniform(*style.slant) if slant is None else slant
    line_tilt = rng.gauss(0.0, 1.0)  # the whole line climbs or sinks a little
    width = int(sum(em * (0.5 if ch.isascii() else 1.0) for ch in text) * 1.35 + 3 * em)
    height = int(em * 3.2 + abs(math.tan(math.radians(line_tilt))) * width)
    canvas = np.zeros((height, width), dtype=np.float32)
    base_y = height / 2 + 0.4 * em
    x = float(em)
    drift = 0.0
    boxes: list[tuple[int, int, int, int]] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            x += em * rng.uniform(0.3, 0.55)
            continue
        glyph, gbase, gleft, adv = _glyph_mask(ch, em, font_path, style, nrng, rng)
        s = rng.uniform(*style.scale)
        if ch.isdigit() or ch in ".-/":
            s *= 0.92  # digits are written smaller and faster than characters
        if i == 0 and style is _SIGN:
            s *= rng.uniform(1.1, 1.3)  # the surname leads big in a signature
        rot = max(-style.rot_max, min(style.rot_max, rng.gauss(0.0, style.rot_sd)))
        shear = math.tan(math.radians(slant_deg + rng.gauss(0.0, 1.5)))
        drift = 0.75 * drift + rng.gauss(0.0, style.wobble) * em  # mean-reverting wobble
        drift = max(-0.12 * em, min(0.12 * em, drift))
        by = base_y + drift + (x - em) * math.tan(math.radians(line_tilt))
        # Pivot around the glyph's centre at mid x-height, so rotation doesn't shift it.
        cx, cy = gleft + adv / 2, gbase - 0.38 * em
        m = _affine(x + adv * s / 2, by - 0.38 * em * s, rot, s, s, shear, cx, cy)
        glyph *= rng.uniform(0.82, 1.0)  # pressure differs from glyph to glyph
        box = _warp_into(canvas, glyph, m)
        if box is not None:
            boxes.append(box)
        x += adv * s * rng.uniform(*style.advance) + em * rng.uniform(*style.gap)
    return canvas, ss, boxes, base_y


def _finish_pen(mask: np.ndarray, ss: int, rng: random.Random, style: _HandStyle, color: Color,
                height_px: int) -> Image.Image:
    """Threshold with ragged edges, downsample, vary the ink, crop tight."""
    nrng = _np_rng(rng)
    # The layout canvas is generous; work only on the ink's box (plus room for the blur).
    ys, xs = np.nonzero(mask > 0.02)
    if len(xs):
        pad = 6 * ss
        y0, x0 = max(0, int(ys.min()) - pad), max(0, int(xs.min()) - pad)
        mask = mask[y0:int(ys.max()) + 1 + pad, x0:int(xs.max()) + 1 + pad]
    h, w = mask.shape
    # Ragged edges: noise only near ink, then a steep ramp around a random stroke-weight level.
    near = mask > 0.02
    noise = _fine_noise(nrng, h, w, 0.7 * ss) * 0.12
    level = rng.uniform(*style.weight)
    m = np.where(near, (mask + noise - level) * 4.0 + 0.5, 0.0)
    np.clip(m, 0.0, 1.0, out=m)
    small = cv2.resize(m, (max(1, w // ss), max(1, h // ss)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    # Ink flow: slow variation along the line, plus fine grain and the odd skip of a ballpoint.
    flow = 1.0 + 0.13 * _smooth_noise(nrng, sh, sw, height_px * 1.2)
    grain = 1.0 - 0.06 * np.abs(_fine_noise(nrng, sh, sw, 0.6))
    alpha = small * flow * grain * rng.uniform(0.85, 0.97)
    np.clip(alpha, 0.0, 1.0, out=alpha)
    return _rgba(alpha, _jitter_color(rng, color, 8), crop_margin=3)


def handwriting(text: str, rng: random.Random, *, height_px: int, color: Color = PEN_BLUE,
                font_path: str = UKAI, slant: float | None = None) -> Image.Image:
    """`text` written with a pen: RGBA, transparent background, cropped to the ink (+3 px).

    `height_px` is the nominal character size (font em) in output pixels; CJK glyphs come out
    about 0.85-1.1 of it tall, so the image is a little taller than `height_px` with the
    wobble. `slant` is the lean in degrees (positive leans right); random 1.5-7 when None.
    Characters missing from the font fall back to uming / Noto Sans; ✓ ✔ √ are drawn strokes.
    """
    canvas, ss, _boxes, _base = _write(text, rng, height_px=height_px, font_path=font_path, style=_HAND,
                                       slant=slant)
    return _finish_pen(canvas, ss, rng, _HAND, color, height_px)


def signature(name: str, rng: random.Random, *, height_px: int, color: Color = PEN_BLUE,
              font_path: str = UKAI) -> Image.Image:
    """A flourished signature of `name`: tight, leaning, with joining strokes and maybe a swoosh."""
    canvas, ss, boxes, base_y = _write(name, rng, height_px=height_px, font_path=font_path, style=_SIGN,
                                       slant=None)
    em = height_px * ss
    pen = em * rng.uniform(0.045, 0.06)
    # Joining strokes: the pen doesn't lift between characters, so a hairline links them.
    for (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) in itertools.pairwise(boxes):
        if rng.random() < 0.5 and bx0 > ax1 - 0.35 * (ax1 - ax0):
            p0 = (ax1 - 0.08 * (ax1 - ax0), ay0 + rng.uniform(0.55, 0.8) * (ay1 - ay0))
            p2 = (bx0 + 0.08 * (bx1 - bx0), by0 + rng.uniform(0.15, 0.35) * (by1 - by0))
            mid = ((p0[0] + p2[0]) / 2 + 0.05 * em, (p0[1] + p2[1]) / 2 + rng.uniform(0.0, 0.12) * em)
            _stroke(canvas, _bezier([p0, mid, p2], 16), pen * 0.6, pen * 0.3, 0.9)
    if boxes and rng.random() < 0.7:
        # Underline swoosh: out of the last character, back under the name, flicked up-right.
        x_first, x_last = boxes[0][0], boxes[-1][2]
        y_low = base_y + 0.1 * em
        kind = rng.random()
        if kind < 0.5:
            pts = [(x_last - 0.2 * em, y_low - 0.3 * em), (x_last + 0.3 * em, y_low + 0.3 * em),
                   (x_first + 0.2 * em, y_low + 0.45 * em), (x_last + rng.uniform(0.2, 0.6) * em, y_low)]
        else:
            pts = [(x_first - 0.1 * em, y_low + 0.25 * em), ((x_first + x_last) / 2, y_low + 0.45 * em),
                   (x_last + rng.uniform(0.3, 0.8) * em, y_low - rng.uniform(0.1, 0.5) * em)]
        _stroke(canvas, _bezier(pts, 60), pen * 1.1, pen * 0.25, 0.95)
    return _finish_pen(canvas, ss, rng, _SIGN, color, height_px)


# -- stamps ----------------------------------------------------------------------------------------


def _text_glyph(ch: str, font: ImageFont.FreeTypeFont, size: int) -> np.ndarray:
    """A glyph centred (on its em box, not its ink) in a square canvas: consistent alignment."""
    side = int(size * 1.3) + 2
    img = Image.new("L", (side, side), 0)
    ImageDraw.Draw(img).text((side / 2, side / 2), ch, font=font, fill=255, anchor="mm")
    return np.asarray(img, dtype=np.float32) / 255.0


def _stamp_texture(mask: np.ndarray, rng: random.Random, ss: int, *, patches: int = 3,
                   fade: float = 0.35) -> np.ndarray:
    """Turn a clean stamp shape into a stamping: spread, rough edges, uneven ink, gaps."""
    nrng = _np_rng(rng)
    h, w = mask.shape
    size = max(h, w)
    m = cv2.GaussianBlur(mask, (0, 0), 0.45 * ss)  # ink spreads into the paper a little
    edge = _fine_noise(nrng, h, w, 0.9 * ss)
    # Rough edges only where there is ink nearby, or the paper would get stray dots.
    m = np.where(m > 0.03, np.clip((m - 0.5 + 0.12 * edge) * 3.0 + 0.5, 0.0, 1.0), 0.0).astype(np.float32)
    # Uneven ink on the rubber: slow blotches plus paper-fibre grain.
    tex = 0.9 + 0.1 * _smooth_noise(nrng, h, w, size / 9) + 0.07 * _smooth_noise(nrng, h, w, size / 30)
    tex -= 0.1 * np.abs(_fine_noise(nrng, h, w, 0.8 * ss))
    # One side pressed harder than the other.
    ang = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    proj = ((xx - w / 2) * math.cos(ang) + (yy - h / 2) * math.sin(ang)) / (size / 2)
    tex *= 1.0 - fade * rng.uniform(0.4, 1.0) * np.clip(0.5 + 0.5 * proj, 0, 1) ** 1.5
    # A few faded patches where the pad was dry.
    for _ in range(rng.randint(1, patches)):
        px, py = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
        r = rng.uniform(0.06, 0.2) * size
        depth = rng.uniform(0.25, 0.7)
        tex *= 1.0 - depth * np.exp(-((xx - px) ** 2 + (yy - py) ** 2) / (2 * r * r))
    # Speckle gaps: paper texture the rubber didn't reach.
    gaps = _fine_noise(nrng, h, w, 0.7 * ss)
    thr = rng.uniform(1.5, 2.1)
    tex *= np.where(gaps > thr, 0.12, 1.0)
    return np.clip(m * tex, 0.0, 1.0)


def _seal_ss(size_px: int) -> int:
    return 3 if size_px < 160 else 2


def seal(agency: str, rng: random.Random, *, diameter_px: int, center_text: str | None = None,
         bottom_text: str | None = None, color: Color = SEAL_RED,
         font_path: str = NOTO_SANS_SC_BOLD) -> Image.Image:
    """A round official seal (公章): ring, agency name on the upper arc, star, optional texts.

    RGBA, `diameter_px` square, transparent outside the ink; rotated by a random ±25°.
    `center_text` (e.g. 行政处罚专用章) sits horizontally under the star; `bottom_text` (e.g. a
    13-digit seal code) runs small along the bottom arc.
    """
    if not agency:
        raise ValueError("a seal needs the agency name")
    load_font(font_path, 10)  # fail early, naming the missing font
    ss = _seal_ss(diameter_px)
    size = diameter_px * ss
    c = size / 2.0
    mask = np.zeros((size, size), dtype=np.float32)
    outer = size / 2 - max(1.5 * ss, size * 0.012)
    ring = max(2.0 * ss, size / 28.0)
    u8 = np.zeros((size, size), dtype=np.uint8)
    cv2.circle(u8, (int(c * 16), int(c * 16)), int((outer - ring / 2) * 16), 255, round(ring),
               cv2.LINE_AA, shift=4)
    mask = u8.astype(np.float32) / 255.0
    inner = outer - ring

    # Agency name along the upper arc, tops pointing outward, evenly spaced.
    n = len(agency)
    span = min(250.0, max(170.0, 120.0 + 13.0 * n)) + rng.uniform(-8.0, 6.0)
    span = min(span, 36.0 * (n - 1))  # short names stay together rather than spread thin
    if center_text:
        span = min(span, 228.0)  # leave room at the bottom for the horizontal line
    ch_h = size * (0.165 if n <= 12 else 0.15)
    r_mid = inner - size * 0.028 - ch_h / 2
    step = span / max(1, n - 1)
    arc_w = r_mid * math.radians(step)
    sx = min(1.0, 0.92 * arc_w / ch_h)  # long names get condensed glyphs, as on real seals
    font = load_font(font_path, int(ch_h))
    for i, ch in enumerate(agency):
        theta = -span / 2 + step * i if n > 1 else 0.0
        t = math.radians(theta)
        px, py = c + r_mid * math.sin(t), c - r_mid * math.cos(t)
        g = _text_glyph(ch, font, int(ch_h))
        gc = g.shape[0] / 2
        _warp_into(mask, g, _affine(px, py, theta, sx, 1.0, 0.0, gc, gc))

    # Five-pointed star, one point up.
    rs = size * (0.155 if center_text else 0.175)
    sy = c - (size * 0.015 if center_text else 0.0)
    pts = []
    for k in range(10):
        r = rs if k % 2 == 0 else rs * 0.382
        a = math.radians(-90 + 36 * k)
        pts.append((int((c + r * math.cos(a)) * 16), int((sy + r * math.sin(a)) * 16)))
    star = np.zeros((size, size), dtype=np.uint8)
    cv2.fillPoly(star, [np.array(pts, dtype=np.int32)], 255, cv2.LINE_AA, shift=4)
    np.maximum(mask, star.astype(np.float32) / 255.0, out=mask)

    if center_text:
        th = size * (0.095 if len(center_text) <= 6 else 0.088)
        # Below the arc text's ends (which reach ~0.2 of the size under the centre).
        ty = c + size * 0.225 + th / 2
        max_w = size * (0.46 if len(center_text) > 4 else 0.36)
        cfont = load_font(font_path, int(th))
        adv = [float(cfont.getlength(ch)) or th for ch in center_text]
        total = sum(adv)
        csx = min(1.0, max_w / total)
        x = c - total * csx / 2
        for ch, a in zip(center_text, adv, strict=True):
            g = _text_glyph(ch, cfont, int(th))
            gc = g.shape[0] / 2
            _warp_into(mask, g, _affine(x + a * csx / 2, ty, 0.0, csx, 1.0, 0.0, gc, gc))
            x += a * csx

    if bottom_text:
        bh = size * 0.062
        bfont = load_font(font_path, int(bh))
        rb = inner - size * 0.02 - bh / 2
        adv = [float(bfont.getlength(ch)) or bh for ch in bottom_text]
        total_deg = math.degrees(sum(adv) * 1.05 / rb)
        total_deg = min(total_deg, 100.0)
        scale_deg = total_deg / max(1e-6, math.degrees(sum(adv) / rb))
        phi = 180.0 + total_deg / 2  # start left of the bottom, read left to right
        for ch, a in zip(bottom_text, adv, strict=True):
            d = math.degrees(a / rb) * scale_deg
            mid = phi - d / 2
            t = math.radians(mid)
            px, py = c + rb * math.sin(t), c - rb * math.cos(t)
            g = _text_glyph(ch, bfont, int(bh))
            gc = g.shape[0] / 2
            _warp_into(mask, g, _affine(px, py, mid - 180.0, 0.9, 1.0, 0.0, gc, gc))
            phi -= d

    alpha = _stamp_texture(mask, rng, ss)
    # The hand never sets the seal square.
    rot = rng.uniform(-25.0, 25.0)
    alpha = cv2.warpAffine(alpha, cv2.getRotationMatrix2D((c, c), rot, 1.0), (size, size),
                           flags=cv2.INTER_LINEAR, borderValue=0)
    small = cv2.resize(alpha, (diameter_px, diameter_px), interpolation=cv2.INTER_AREA)
    small *= rng.uniform(0.88, 1.0)
    return _rgba(np.clip(small, 0, 1), _jitter_color(rng, color, 12))


def seal_for_bank(name: str, rng: random.Random, *, width_px: int, date_text: str | None = None,
                  label: str = "转讫", color: Color = (200, 35, 50),
                  font_path: str = NOTO_SANS_SC_BOLD) -> Image.Image:
    """A bank's business stamp (转讫章) for payment receipts: oval or rectangular, red.

    `name` is the bank and branch; whitespace splits it into lines, e.g. "中国工商银行 宜春分行".
    `date_text` (e.g. "2024.06.20") goes in the middle between two rules; `label` at the bottom.
    """
    load_font(font_path, 10)  # fail early, naming the missing font
    oval = rng.random() < 0.5
    aspect = rng.uniform(0.58, 0.66) if oval else rng.uniform(0.6, 0.68)
    ss = _seal_ss(width_px)
    w = width_px * ss
    h = int(w * aspect)
    u8 = np.zeros((h, w), dtype=np.uint8)
    lw = max(2, round(w / 45))
    if oval:
        cv2.ellipse(u8, (w * 8, h * 8), (int((w / 2 - lw) * 16), int((h / 2 - lw) * 16)), 0, 0, 360, 255, lw,
                    cv2.LINE_AA, shift=4)
    else:
        pad = lw
        cv2.rectangle(u8, (pad, pad), (w - 1 - pad, h - 1 - pad), 255, lw, cv2.LINE_AA)
        if rng.random() < 0.4:  # a thin inner frame, as some banks' stamps have
            p2 = pad + 2 * lw
            cv2.rectangle(u8, (p2, p2), (w - 1 - p2, h - 1 - p2), 255, max(1, lw // 2), cv2.LINE_AA)
    mask = u8.astype(np.float32) / 255.0
    lines = name.split() or [name]
    inset = 0.2 if oval else 0.08
    avail = w * (1 - 2 * inset)

    def put_line(text: str, cy: float, th: float, max_w: float) -> None:
        font = load_font(font_path, int(th))
        adv = [float(font.getlength(ch)) or th for ch in text]
        total = sum(adv)
        sx = min(1.0, max_w / total)
        x = w / 2 - total * sx / 2
        for ch, a in zip(text, adv, strict=True):
            g = _text_glyph(ch, font, int(th))
            gc = g.shape[0] / 2
            _warp_into(mask, g, _affine(x + a * sx / 2, cy, 0.0, sx, 1.0, 0.0, gc, gc))
            x += a * sx

    th = h * 0.13
    two = len(lines) > 1
    for i, text in enumerate(lines[:2]):
        put_line(text, h * (0.25 + 0.155 * i if two else 0.3), th, avail * (0.95 if i == 0 else 0.8))
    if date_text:
        # Date between two rules, as bank business stamps have it.
        y_top, y_bot = h * (0.5 if two else 0.44), h * (0.7 if two else 0.66)
        rule = np.zeros((h, w), dtype=np.uint8)
        x0, x1 = int(w * (0.1 if oval else 0.06)), int(w * (0.9 if oval else 0.94))
        rl = max(1, lw // 2)
        cv2.line(rule, (x0, int(y_top)), (x1, int(y_top)), 255, rl, cv2.LINE_AA)
        cv2.line(rule, (x0, int(y_bot)), (x1, int(y_bot)), 255, rl, cv2.LINE_AA)
        np.maximum(mask, rule.astype(np.float32) / 255.0, out=mask)
        put_line(date_text, (y_top + y_bot) / 2, th * 1.1, (x1 - x0) * 0.85)
    if label:
        put_line(label, h * (0.83 if oval else 0.82), th * (1.05 if oval else 0.95), avail * 0.6)
    alpha = _stamp_texture(mask, rng, ss, patches=2, fade=0.3)
    rot = rng.uniform(-8.0, 8.0)
    big = int(math.hypot(w, h)) + 4  # rotated rectangle needs a larger square canvas
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rot, 1.0)
    m[0, 2] += (big - w) / 2
    m[1, 2] += (big - h) / 2
    alpha = cv2.warpAffine(alpha, m, (big, big), flags=cv2.INTER_LINEAR, borderValue=0)
    small = cv2.resize(alpha, (max(1, big // ss), max(1, big // ss)), interpolation=cv2.INTER_AREA)
    small *= rng.uniform(0.82, 0.95)
    return _rgba(small, _jitter_color(rng, color, 10), crop_margin=2)


def archive_number_stamp(number: int, rng: random.Random, *, height_px: int,
                         color: Color | None = None) -> Image.Image:
    """An archive page number (页号) the way an archivist adds it: numbering machine or pen.

    Cropped RGBA; digits about `height_px` tall. `color` None lets rng pick a plausible ink.
    """
    if rng.random() < 0.4:
        ink = color or rng.choice(PEN_INKS)
        return handwriting(str(number), rng, height_px=int(height_px * 1.25), color=ink, slant=rng.uniform(0, 8))
    ink = color or rng.choice(STAMP_INKS)
    width = rng.choice((0, 0, 3, 3, 4, 6))  # some machines are left printing leading zeros
    text = str(number).zfill(width) if width else str(number)
    ss = 3
    th = height_px * ss
    font = load_font(NOTO_SANS_SC_BOLD if rng.random() < 0.5 else NOTO_SANS_SC, int(th * 1.32), index=7)
    img = Image.new("L", (int(th * (len(text) * 0.75 + 2)), int(th * 2.2)), 0)
    ImageDraw.Draw(img).text((th * 0.9, th * 1.1), text, font=font, fill=255, anchor="lm")
    mask = np.asarray(img, dtype=np.float32) / 255.0
    mask = cv2.resize(mask, (int(mask.shape[1] * rng.uniform(0.78, 0.9)), mask.shape[0]),
                      interpolation=cv2.INTER_AREA)  # numbering-machine digits are condensed
    if rng.random() < 0.4:
        ys, xs = np.nonzero(mask > 0.3)
        if len(xs):
            u8 = (mask * 255).astype(np.uint8)
            p = int(th * 0.25)
            cv2.rectangle(u8, (int(xs.min()) - p, int(ys.min()) - p), (int(xs.max()) + p, int(ys.max()) + p),
                          255, max(2, ss), cv2.LINE_AA)
            mask = u8.astype(np.float32) / 255.0
    alpha = _stamp_texture(mask, rng, ss, patches=1, fade=0.3)
    rot = rng.uniform(-3.0, 3.0)
    hh, ww = alpha.shape
    alpha = cv2.warpAffine(alpha, cv2.getRotationMatrix2D((ww / 2, hh / 2), rot, 1.0), (ww, hh),
                           flags=cv2.INTER_LINEAR, borderValue=0)
    small = cv2.resize(alpha, (max(1, ww // ss), max(1, hh // ss)), interpolation=cv2.INTER_AREA)
    small *= rng.uniform(0.8, 0.95)
    return _rgba(small, _jitter_color(rng, ink, 10), crop_margin=3)


def fingerprint(rng: random.Random, *, diameter_px: int, color: Color = FINGERPRINT_RED) -> Image.Image:
    """A red fingerprint (按指印): an upright oval of ridges, fading at the rim. RGBA, square."""
    ss = 2
    size = diameter_px * ss
    nrng = _np_rng(rng)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    c = size / 2
    a, b = size * rng.uniform(0.3, 0.36), size * rng.uniform(0.42, 0.47)  # semi-axes: taller than wide
    u, v = (xx - c) / a, (yy - c) / b
    # Distort the coordinates smoothly so ridges wander, then take level sets of a loop/whorl.
    u = u + 0.018 * _smooth_noise(nrng, size, size, size / 4)
    v = v + 0.018 * _smooth_noise(nrng, size, size, size / 4)
    core_u, core_v = rng.uniform(-0.15, 0.15), rng.uniform(-0.3, 0.05)
    du, dv = u - core_u, v - core_v
    if rng.random() < 0.5:  # loop: egg-shaped rings, stretched toward the finger's crease
        r = np.sqrt(du * du + (dv * np.where(dv < 0, 1.3, 0.75)) ** 2)
        field = r + 0.12 * du * np.clip(dv, 0, None)
    else:  # whorl: rings around the core
        r = np.sqrt(du * du + (dv * 1.2) ** 2)
        field = r + 0.05 * np.sin(np.arctan2(dv, du) * 2)
    # Ridge period at least ~3 output px, or the print turns into a moire blur when small.
    per_unit = min(15.0, max(5.0, a / ss / rng.uniform(3.0, 3.6)))
    ridge = 0.5 + 0.5 * np.cos(2 * math.pi * field * per_unit)
    ridge = np.clip((ridge - rng.uniform(0.3, 0.45)) * 3.0 + 0.5, 0, 1)
    # Ridges break up where the pad was dry (pores, creases).
    ridge *= np.clip(2.5 + 1.5 * _smooth_noise(nrng, size, size, size / 14), 0, 1)
    # Oval outline with a ragged rim; pressure highest in the middle.
    rim = np.sqrt(((xx - c) / a) ** 2 + ((yy - c) / b) ** 2)
    rim = rim + 0.06 * _smooth_noise(nrng, size, size, size / 8)
    body = np.clip((1.0 - rim) * 6.0, 0, 1)
    pressure = np.clip(1.2 - 0.7 * rim**2, 0, 1)
    alpha = ridge * body * pressure
    # Smudges where ridges merged, and faint patches.
    blob = _smooth_noise(nrng, size, size, size / 6)
    alpha = np.maximum(alpha, body * np.clip(blob - 0.9, 0, 1) * 0.7)
    alpha *= np.clip(1.0 + 0.35 * _smooth_noise(nrng, size, size, size / 10), 0.3, 1.0)
    alpha = cv2.GaussianBlur(alpha.astype(np.float32), (0, 0), 0.5 * ss)
    rot = rng.uniform(-25.0, 25.0)
    alpha = cv2.warpAffine(alpha, cv2.getRotationMatrix2D((c, c), rot, 1.0), (size, size), borderValue=0)
    small = cv2.resize(alpha, (diameter_px, diameter_px), interpolation=cv2.INTER_AREA)
    small *= rng.uniform(0.75, 0.92)
    return _rgba(np.clip(small, 0, 1), _jitter_color(rng, color, 10))


# -- site photo ------------------------------------------------------------------------------------


def _fill_shaded(img: np.ndarray, x0: int, y0: int, x1: int, y1: int, color: np.ndarray,
                 profile: np.ndarray | None = None) -> None:
    """Fill a rectangle, optionally multiplied by a per-column shading profile (cylinders)."""
    h, w = img.shape[:2]
    x0c, x1c, y0c, y1c = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1c <= x0c or y1c <= y0c:
        return
    if profile is None:
        img[y0c:y1c, x0c:x1c] = color
    else:
        img[y0c:y1c, x0c:x1c] = color[None, None, :] * profile[x0c - x0:x1c - x0][None, :, None]


def _poly(img: np.ndarray, pts: list[tuple[float, float]], color: np.ndarray) -> None:
    cv2.fillPoly(img, [np.array(pts, dtype=np.int32)], color.tolist(), cv2.LINE_AA)


def _cyl_profile(n: int, sun_left: bool) -> np.ndarray:
    # Lambert-ish shading across a vertical cylinder, brightest toward the sun.
    xs = np.linspace(-1.0, 1.0, max(1, n))
    light = -0.45 if sun_left else 0.45
    return 0.5 + 0.5 * np.clip(np.cos((xs - light) * 1.3), 0, 1)


def _building(img: np.ndarray, rng: random.Random, cx: int, base: int, bw: int, bh: int, sun_left: bool,
              kind: str) -> None:
    col = np.array(rng.choice([[205, 205, 200], [170, 185, 205], [195, 180, 155], [220, 215, 205],
                               [115, 140, 175], [160, 165, 160]]), dtype=np.float32)
    side = int(bw * rng.uniform(0.15, 0.3))
    rise = side // 3
    x0, y0, x1 = cx - bw // 2, base - bh, cx + bw // 2
    front, flank = (col, col * 0.68) if sun_left else (col * 0.8, col * 0.95)
    _fill_shaded(img, x0, y0, x1, base, front)
    _poly(img, [(x1, base), (x1, y0), (x1 + side, y0 - rise), (x1 + side, base - rise)], flank)
    if kind == "shed":  # pitched roof and corrugated cladding
        _poly(img, [(x0, y0), (x1, y0), (x1 + side, y0 - rise), (x0 + side // 2, y0 - rise - bh // 6),
                    (x0, y0)], col * 0.86)
        step = max(2, bw // 40)
        for x in range(x0, x1, step):
            cv2.line(img, (x, y0), (x, base), (front * 0.9).tolist(), 1)
        dw, dh = int(bw * rng.uniform(0.18, 0.3)), int(bh * rng.uniform(0.5, 0.7))
        dx = cx + int(bw * rng.uniform(-0.25, 0.1))
        _fill_shaded(img, dx, base - dh, dx + dw, base, col * 0.42)  # roller door, open and dark
    else:  # flat roof, window grid
        _poly(img, [(x0, y0), (x1, y0), (x1 + side, y0 - rise), (x0 + side, y0 - rise)], col * 0.9)
        wx, wy = max(2, bw // 10), max(2, bh // 8)
        glass = np.array([70, 85, 100], dtype=np.float32)
        for yy in range(y0 + wy, base - 2 * wy, 2 * wy):
            for xx in range(x0 + wx // 2, x1 - wx, 2 * wx):
                _fill_shaded(img, xx, yy, xx + wx, yy + int(wy * 0.9), glass)


def _tank(img: np.ndarray, rng: random.Random, cx: int, base: int, tw: int, th: int, sun_left: bool,
          tower: bool) -> None:
    col = np.array(rng.choice([[215, 215, 210], [185, 195, 200], [150, 165, 150], [200, 190, 170]]),
                   dtype=np.float32)
    x0 = cx - tw // 2
    _fill_shaded(img, x0, base - th, x0 + tw, base, col, _cyl_profile(tw, sun_left))
    cv2.ellipse(img, (cx, base - th), (tw // 2, max(1, tw // 7)), 0, 0, 360, (col * 1.02).tolist(), -1,
                cv2.LINE_AA)
    bands = 6 if tower else 3
    for k in range(1, bands):  # weld seams, or a tower's platforms
        yb = base - th * k // bands
        thick = max(1, tw // 25) if tower else 1
        cv2.line(img, (x0 - (tw // 10 if tower else 0), yb), (x0 + tw + (tw // 10 if tower else 0), yb),
                 (col * 0.6).tolist(), thick, cv2.LINE_AA)
    if tower or rng.random() < 0.6:  # a ladder up the side
        lx = x0 + int(tw * rng.uniform(0.6, 0.85))
        cv2.line(img, (lx, base), (lx, base - th), (70, 70, 70), max(1, tw // 40), cv2.LINE_AA)
    if tower:  # exhaust duct leaving the top
        d = max(2, tw // 5)
        top = base - th
        _fill_shaded(img, cx - d // 2, top - th // 4, cx + d // 2, top, col * 0.8)
        cv2.line(img, (cx, top - th // 4), (cx + rng.choice((-1, 1)) * tw, top - th // 4), (col * 0.75).tolist(),
                 d, cv2.LINE_AA)


def _chimney(img: np.ndarray, rng: random.Random, cx: int, base: int, cw: int, ch: int, sky: np.ndarray,
             nrng: np.random.Generator) -> np.ndarray:
    top = base - ch
    _poly(img, [(cx - cw, base), (cx - cw * 0.6, top), (cx + cw * 0.6, top), (cx + cw, base)],
          np.array([180, 175, 170], dtype=np.float32))
    red = np.array([175, 55, 50], dtype=np.float32)
    for k in (0, 2):  # red and white bands at the top
        yb = top + int(ch * 0.06 * k)
        _fill_shaded(img, cx - int(cw * 0.66), yb, cx + int(cw * 0.66), yb + int(ch * 0.06), red)
    if rng.random() < 0.6:  # smoke drifting off with the wind
        h, w = img.shape[:2]
        smoke = np.zeros((h, w), dtype=np.float32)
        drift = rng.choice((-1, 1))
        for k in range(7):
            r = int(cw * (0.9 + k * 0.7))
            cv2.circle(smoke, (cx + drift * int(k * r * 0.9), top - r - k * cw // 2), r, 1.0, -1)
        smoke = cv2.GaussianBlur(smoke, (0, 0), cw * 1.2) * rng.uniform(0.35, 0.65)
        smoke *= np.clip(1 + 0.4 * _smooth_noise(nrng, h, w, cw * 2), 0, 1)
        img = img * (1 - smoke[..., None]) + (sky * 0.95) * smoke[..., None]
    return img


def photo(rng: random.Random, width_px: int, height_px: int, *, timestamp: str | None = None) -> Image.Image:
    """A synthetic on-site photo of an industrial plant (RGB), for evidence pages.

    Sky, tree line, yard, sheds, tanks, a treatment tower, pipes, drums or a chimney, with simple
    shading, haze, camera noise and vignetting. Not meant to fool a person up close; meant to
    print and scan like a photo. `timestamp` (e.g. "2024/06/13 10:24") is burned into the
    corner in orange, as site cameras do.
    """
    w, h = max(32, width_px), max(32, height_px)
    nrng = _np_rng(rng)
    img = np.zeros((h, w, 3), dtype=np.float32)
    horizon = int(h * rng.uniform(0.3, 0.48))
    # Sky: hazy blue or overcast grey-white, brighter toward the horizon.
    if rng.random() < 0.5:
        top, bot = np.array([130, 165, 210.0]), np.array([205, 218, 232.0])
    else:
        g = rng.uniform(180, 210)
        top, bot = np.array([g, g + 3, g + 8]), np.array([g + 28, g + 28, g + 28])
    t = np.linspace(0, 1, horizon)[:, None, None]
    img[:horizon] = top * (1 - t) + bot * t
    img[:horizon] += np.clip(_smooth_noise(nrng, horizon, w, w / 5), 0, None)[..., None] * 16
    sky = bot.astype(np.float32)
    # Ground: concrete yard or dirt, darker toward the camera, with stains and cracks.
    ground = np.array(rng.choice([[158, 156, 150], [140, 128, 110], [125, 128, 118]]), dtype=np.float32)
    t = np.linspace(0, 1, h - horizon)[:, None, None]
    img[horizon:] = ground * (1.05 - 0.3 * t)
    img[horizon:] *= (1 + 0.035 * _smooth_noise(nrng, h - horizon, w, w / 30)
                      + 0.03 * _smooth_noise(nrng, h - horizon, w, w / 120))[..., None]
    if rng.random() < 0.6:  # a road or yard edge running toward the camera
        vx = rng.uniform(0.3, 0.7) * w
        _poly(img, [(vx - w * 0.02, horizon), (vx + w * 0.05, horizon), (vx + w * 0.6, h), (vx - w * 0.5, h)],
              ground * 0.8)
    # Distant tree line and buildings along the horizon, hazy.
    prof = _smooth_noise(nrng, 1, w, w / 14)[0]
    tree_h = (h * (0.045 + 0.025 * prof)).astype(int)
    rows = np.arange(h)[:, None]
    img[(rows < horizon + 2) & (rows >= horizon - tree_h[None, :])] = np.array([85, 105, 75.0]) * rng.uniform(0.8, 1.1)
    sun_left = rng.random() < 0.5

    # Plant, far (small, near the horizon) to near (big, lower): the nearer, the later drawn.
    n = rng.randint(3, 5)
    for i, depth in enumerate(sorted(rng.random() for _ in range(n))):
        scale = 0.55 + 0.8 * depth
        base = int(horizon + (h - horizon) * (0.04 + 0.4 * depth))
        cx = int(w * ((i + rng.uniform(0.2, 0.8)) / n))
        kind = rng.choice(("shed", "shed", "block", "tank", "tank", "tower", "chimney"))
        if kind in ("shed", "block"):
            bw = int(w * rng.uniform(0.25, 0.45) * scale)
            bh = int(h * rng.uniform(0.16, 0.26) * scale * (1.3 if kind == "block" else 1.0))
            _building(img, rng, cx, base, bw, bh, sun_left, kind)
        elif kind in ("tank", "tower"):
            tw = int(w * (rng.uniform(0.1, 0.18) if kind == "tank" else rng.uniform(0.06, 0.1)) * scale)
            th = int(h * (rng.uniform(0.18, 0.3) if kind == "tank" else rng.uniform(0.4, 0.55)) * scale)
            for k in range(rng.randint(1, 2 if kind == "tank" else 1)):
                _tank(img, rng, cx + int(k * tw * 1.25), base + k * 2, tw, th, sun_left, kind == "tower")
        else:
            img = _chimney(img, rng, cx, base, max(3, int(w * 0.028 * scale)),
                           int(h * rng.uniform(0.45, 0.6) * scale), sky, nrng)
    if rng.random() < 0.6:  # a pipe rack across part of the view
        y = int(horizon + (h - horizon) * rng.uniform(0.25, 0.5))
        x0, x1 = sorted((int(rng.uniform(0, 0.45) * w), int(rng.uniform(0.55, 1.0) * w)))
        pd = max(3, int(h * 0.02))
        for xs in range(x0 + pd, x1, max(8, int(w * 0.1))):
            cv2.line(img, (xs, y), (xs, min(h - 1, y + int(h * 0.14))), (85, 85, 85), max(1, pd // 2))
        for k in range(rng.randint(1, 3)):
            yk = y - k * (pd + 2)
            band = (0.55 + 0.45 * np.cos(np.linspace(-1.2, 1.2, pd)))[:, None, None]
            col = np.array(rng.choice([[165, 165, 165], [200, 175, 70], [110, 140, 175], [60, 120, 70]]),
                           dtype=np.float32)
            if yk - pd >= 0:
                img[yk - pd:yk, x0:x1] = col * band
    for _ in range(rng.choice((0, 0, 2, 3, 5))):  # drums in the foreground
        dw = int(w * rng.uniform(0.035, 0.05))
        dh = int(dw * 1.4)
        bx = int(rng.uniform(0.05, 0.95) * w)
        by = int(h * rng.uniform(0.8, 0.97))
        col = np.array(rng.choice([[40, 80, 160], [200, 110, 40], [60, 60, 60], [40, 120, 60]]), dtype=np.float32)
        _fill_shaded(img, bx - dw // 2, by - dh, bx + dw // 2, by, col, _cyl_profile(dw, sun_left))
        cv2.ellipse(img, (bx, by - dh), (dw // 2, max(1, dw // 6)), 0, 0, 360, (col * 1.1).tolist(), -1)
    # Haze toward the horizon, camera softness, sensor noise, colour cast, vignetting.
    haze = np.clip(1.0 - np.abs(np.arange(h, dtype=np.float32) - horizon) / (h * 0.25), 0, 1) * 0.18
    img = img * (1 - haze[:, None, None]) + sky * haze[:, None, None]
    img = cv2.GaussianBlur(img, (0, 0), max(0.5, w / 800))
    img += nrng.normal(0, 4, (h, w, 1)).astype(np.float32) + nrng.normal(0, 2, (h, w, 3)).astype(np.float32)
    img *= np.array([rng.uniform(0.96, 1.05), 1.0, rng.uniform(0.93, 1.04)], dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rr = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    img *= (1 - rng.uniform(0.12, 0.25) * rr / 2)[..., None]
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    if timestamp:
        font = load_font(NOTO_SANS_SC_BOLD, max(8, int(h * 0.05)))
        ImageDraw.Draw(out).text((w - int(w * 0.03), h - int(h * 0.03)), timestamp, font=font,
                                 fill=(255, 150, 40), anchor="rs")
    return out
