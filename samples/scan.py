"""Make a clean page raster look like an office scan of a paper case file.

`random_profile` picks how bad one scan is; `degrade` applies it: paper tone, uneven lighting
and the shadow at the binding edge, show-through from the back, contrast, blur, sensor noise,
dust, binding holes, skew, grayscale and finally a sideways/upside-down feed. `multiply_onto`
puts ink (seals, handwriting from `samples.ink`) on a page the way ink behaves: multiplied, so
black print under a red seal stays black. Everything is vectorised numpy/OpenCV; an A4 page at
200 dpi degrades in well under a second. All randomness comes from the `random.Random` passed in.
"""

from __future__ import annotations

import functools
import io
import math
import random
from dataclasses import dataclass
from statistics import NormalDist

import cv2
import numpy as np
from PIL import Image

Color = tuple[int, int, int]

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class ScanProfile:
    """How one sheet was scanned. The page raster handed to `degrade` must be at `dpi`."""

    dpi: int = 200
    grayscale: bool = False
    skew_deg: float = 0.0  # positive turns the content counter-clockwise
    rotation: int = 0  # 0/90/180/270, counter-clockwise (PIL's convention), applied last
    blur_radius: float = 0.0  # Gaussian sigma in pixels
    noise_sigma: float = 0.0  # sensor noise, in 0-255 grey levels
    jpeg_quality: int = 90  # for the caller's `encode_jpeg`; degrade itself doesn't compress
    background: Color = (255, 255, 255)  # paper tone: what pure white on the page becomes
    illumination: float = 0.0  # 0-~0.3: uneven lighting and shadow near the binding edge
    contrast: float = 1.0  # <1 washes out (grey blacks, dull whites), >1 hardens
    speckle: float = 0.0  # 0-1 density of dust specks, dropouts and hairs
    show_through: bool = False  # faint mirrored bleed of the back side
    punch_holes: bool = False  # dark binding holes (三孔一线) at the left margin

    def __post_init__(self) -> None:
        if self.rotation not in (0, 90, 180, 270):
            raise ValueError(f"rotation must be 0, 90, 180 or 270, not {self.rotation}")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f"jpeg_quality must be within 1..100, not {self.jpeg_quality}")
        if self.dpi <= 0:
            raise ValueError("dpi must be positive")


CLEAN = ScanProfile()


def random_profile(rng: random.Random, *, severity: float = 0.5, dpi: int | None = None) -> ScanProfile:
    """A plausible scan: severity 0 is a near-clean scan, 1 is bad but still OCR-readable.

    At severity 1: skew up to 2.5°, blur sigma up to 1.2 px at 200 dpi, JPEG quality down to 35.
    Each defect varies independently (40-100% of what the severity allows). Rotation stays 0;
    the caller decides feeding direction (`dataclasses.replace(profile, rotation=180)`).
    """
    s = min(1.0, max(0.0, severity))

    def amount() -> float:
        return s * rng.uniform(0.4, 1.0)

    dpi = dpi or rng.choice((200, 200, 200, 150))
    skew = rng.choice((-1.0, 1.0)) * min(2.5, rng.uniform(0.0, 0.15) + 2.35 * amount())
    blur = min(1.2, rng.uniform(0.15, 0.35) + 0.85 * amount()) * dpi / 200.0
    drop = rng.uniform(0.0, 4.0 + 12.0 * s)  # greyer paper
    yellow = rng.uniform(0.0, 3.0 + 10.0 * s)  # older, yellower paper
    background = (round(255 - drop), round(255 - drop - 0.4 * yellow), round(255 - drop - yellow))
    return ScanProfile(
        dpi=dpi,
        grayscale=rng.random() < 0.2,
        skew_deg=round(skew, 3),
        rotation=0,
        blur_radius=round(blur, 3),
        noise_sigma=round(rng.uniform(0.8, 2.0) + 6.0 * amount(), 2),
        jpeg_quality=max(35, round(rng.uniform(88, 95) - 57.0 * amount())),
        background=background,
        illumination=round(rng.uniform(0.0, 0.03) + 0.2 * amount(), 3),
        contrast=round(1.0 - 0.2 * amount() + rng.uniform(-0.02, 0.05), 3),
        speckle=round(rng.uniform(0.0, 0.08) + 0.9 * amount(), 3),
        show_through=rng.random() < 0.15 + 0.45 * s,
        punch_holes=rng.random() < 0.15 + 0.35 * s,
    )


# -- compositing -----------------------------------------------------------------------------------


def multiply_onto(page: Image.Image, ink: Image.Image, xy: tuple[int, int]) -> None:
    """Multiply-blend RGBA `ink` onto `page` (RGB or L) in place, top-left at `xy`, clipped.

    result = page * (1 - a + a * ink_rgb): ink only darkens, like ink on paper, so print under
    a seal stays dark and two inks overlapping get darker.
    """
    if page.mode not in ("RGB", "L"):
        raise ValueError(f"page must be RGB or L, not {page.mode}")
    if ink.mode != "RGBA":
        ink = ink.convert("RGBA")
    x, y = int(xy[0]), int(xy[1])
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(page.width, x + ink.width), min(page.height, y + ink.height)
    if x1 <= x0 or y1 <= y0:
        return
    src = np.asarray(ink)[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32) / 255.0
    a = src[..., 3:4]
    factor = 1.0 - a + a * src[..., :3]
    region = np.asarray(page.crop((x0, y0, x1, y1))).astype(np.float32)
    if page.mode == "L":
        factor = factor @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    out = np.clip(region * factor + 0.5, 0, 255).astype(np.uint8)
    page.paste(Image.fromarray(out, page.mode), (x0, y0))


# -- degradation -----------------------------------------------------------------------------------


def _lighting_field(rng: random.Random, nrng: np.random.Generator, h: int, w: int, px_per_mm: float,
                    k: float, back: np.ndarray | None, binding_right: bool) -> np.ndarray:
    """Multiplicative light field (1 = full light) at low resolution, shape (h, w).

    `k` is the illumination strength; `back` the (low-res, 0-1) page whose mirror shows through.
    """
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    field = np.ones((h, w), dtype=np.float32)
    if k > 0:
        # Shadow where the bound edge lifts off the glass: strong, a couple of cm wide.
        width = rng.uniform(6.0, 22.0) * px_per_mm
        dist = (w - 1 - xs) if binding_right else xs
        field -= (k * 1.4) * np.exp(-dist / width)
        # Gentle falloff across the page, and the paper not lying flat.
        ang = rng.uniform(0, 2 * math.pi)
        grad = ((xs - w / 2) * math.cos(ang) + (ys - h / 2) * math.sin(ang)) / (max(h, w) / 2)
        field -= k * 0.35 * (grad + 1.0) / 2
        gh, gw = max(2, h // 100 + 2), max(2, w // 100 + 2)
        blotch = cv2.resize(nrng.standard_normal((gh, gw)).astype(np.float32), (w, h),
                            interpolation=cv2.INTER_CUBIC)
        field -= k * 0.08 * np.abs(blotch)
    if back is not None:
        # The back side shows through, mirrored; it is never aligned exactly with the front.
        mirrored = back[:, ::-1]
        dx, dy = rng.randint(-w // 30, w // 30), rng.randint(-h // 30, h // 30)
        mirrored = np.roll(mirrored, (dy, dx), axis=(0, 1))
        mirrored = cv2.GaussianBlur(mirrored, (0, 0), 1.2)
        strength = rng.uniform(0.05, 0.12)
        field *= 1.0 - strength * (1.0 - mirrored)
    return np.clip(field, 0.3, 1.0)


def _draw_holes(img: np.ndarray, rng: random.Random, dpi: int, right: bool) -> None:
    """Binding holes: 3 (三孔一线) or 2 dark discs ~1.2 cm from the bound edge."""
    h, w = img.shape[:2]
    mm = dpi / MM_PER_INCH
    n = 3 if rng.random() < 0.7 else 2
    spacing = rng.uniform(70.0, 90.0) * mm
    x = rng.uniform(9.0, 15.0) * mm
    cx = int(w - x) if right else int(x)
    r = rng.uniform(2.3, 3.2) * mm
    cy0 = h / 2 + rng.uniform(-10.0, 10.0) * mm - spacing * (n - 1) / 2
    dark = rng.uniform(25.0, 80.0)
    for i in range(n):
        cy = int(cy0 + i * spacing + rng.uniform(-1.0, 1.0) * mm)
        # A soft shadow ring first, then the hole showing the dark scanner lid through.
        cv2.circle(img, (cx, cy), int(r * 1.18), (150.0, 150.0, 150.0), -1, cv2.LINE_AA)
        cv2.circle(img, (cx, cy), int(r), (dark, dark, dark + 3), -1, cv2.LINE_AA)


def _draw_dust(img: np.ndarray, rng: random.Random, nrng: np.random.Generator, density: float) -> None:
    """Dust specks on the glass, paper fibres, light dropouts; a couple of hairs when dirty."""
    h, w = img.shape[:2]
    area = h * w / (1654 * 2339)  # relative to A4 at 200 dpi
    n_dark = int(density * 300 * area)
    if n_dark:
        ys = nrng.integers(0, h, n_dark)
        xs = nrng.integers(0, w, n_dark)
        rad = nrng.choice(np.array([0, 0, 0, 0, 1, 1, 2]), n_dark)
        val = nrng.uniform(40, 190, n_dark)
        for x, y, r, v in zip(xs.tolist(), ys.tolist(), rad.tolist(), val.tolist(), strict=True):
            cv2.circle(img, (x, y), r, (v, v, v), -1, cv2.LINE_AA)  # a few hundred specks, not pixels
    n_light = int(density * 3000 * area)
    if n_light:
        ys = nrng.integers(0, h, n_light)
        xs = nrng.integers(0, w, n_light)
        img[ys, xs] = np.maximum(img[ys, xs], 215)  # dropouts, visible only inside ink
    for _ in range(int(density * 3 * rng.random())):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        pts = [(x, y)]
        ang = rng.uniform(0, 2 * math.pi)
        for _ in range(8):
            ang += rng.gauss(0, 0.5)
            x += math.cos(ang) * h / 250
            y += math.sin(ang) * h / 250
            pts.append((x, y))
        v = rng.uniform(60, 140)
        cv2.polylines(img, [np.array(pts, dtype=np.int32)], False, (v, v, v), 1, cv2.LINE_AA)


@functools.lru_cache(maxsize=64)
def _gauss_tables(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Byte -> |noise| lookup tables (positive part, negative part) for Gaussian noise.

    Mapping random bytes through the normal quantiles is ~20x faster than numpy's normal
    sampler on a full page, and 256 quantile levels are plenty for sensor noise.
    """
    dist = NormalDist(0.0, sigma)
    z = np.array([dist.inv_cdf((i + 0.5) / 256.0) for i in range(256)])
    pos = np.clip(np.round(np.maximum(z, 0.0)), 0, 255).astype(np.uint8)
    neg = np.clip(np.round(np.maximum(-z, 0.0)), 0, 255).astype(np.uint8)
    return pos, neg


def _degrade(page: Image.Image, profile: ScanProfile, rng: random.Random, *, binding_right: bool = False,
             skip_show_through: bool = False) -> Image.Image:
    # Works on bytes throughout: uint8 OpenCV ops are several times faster than float numpy ones,
    # which is what keeps an A4 page at 200 dpi around 0.1-0.2 s.
    nrng = np.random.default_rng(rng.getrandbits(64))
    img = np.array(page.convert("RGB") if page.mode not in ("RGB", "L") else page)
    if profile.grayscale and img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)  # early: one channel is 3x cheaper
    gray_page = img.ndim == 2
    h, w = img.shape[:2]

    def per_channel(a: np.ndarray) -> np.ndarray:
        return a if gray_page else cv2.merge([a, a, a])

    # 1. Light: one low-resolution multiplicative field (binding shadow, falloff, show-through).
    lh, lw = max(2, h // 4), max(2, w // 4)
    back = None
    if profile.show_through and not skip_show_through:
        small = cv2.resize(img, (lw, lh), interpolation=cv2.INTER_AREA)
        if small.ndim == 3:
            small = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
        back = small.astype(np.float32) / 255.0
    low = _lighting_field(rng, nrng, lh, lw, profile.dpi / MM_PER_INCH * lw / w, profile.illumination, back,
                          binding_right)
    if float(low.min()) < 0.999:
        field = cv2.resize(np.round(low * 255.0).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
        img = cv2.multiply(img, per_channel(field), scale=1.0 / 255.0)

    # 2. Things in or on the paper: binding holes, dust.
    if profile.punch_holes:
        _draw_holes(img, rng, profile.dpi, binding_right)
    if profile.speckle > 0:
        _draw_dust(img, rng, nrng, profile.speckle)

    # 3. Optics: blur, then the paper edge seen when the sheet sits askew, then the skew itself.
    if profile.blur_radius > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), profile.blur_radius)
    fill = int(255 * rng.uniform(0.9, 0.97))  # the scanner lid is never quite the paper's white
    if abs(profile.skew_deg) > 1e-3:
        if rng.random() < 0.6:
            edge = int(rng.uniform(150.0, 200.0))
            cv2.rectangle(img, (0, 0), (w - 1, h - 1), (edge, edge, edge), 1, cv2.LINE_AA)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), profile.skew_deg, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=(fill, fill, fill))

    # 4. Sensor noise, grey (scanner noise is mostly luminance): saturating add and subtract.
    if profile.noise_sigma > 0:
        raw = np.frombuffer(nrng.bytes(h * w), dtype=np.uint8).reshape(h, w)
        pos_t, neg_t = _gauss_tables(round(profile.noise_sigma, 2))
        img = cv2.add(img, per_channel(cv2.LUT(raw, pos_t)))
        img = cv2.subtract(img, per_channel(cv2.LUT(raw, neg_t)))

    # 5. Paper tone and contrast as one lookup table per channel.
    x = np.arange(256, dtype=np.float32)
    tone = np.array(profile.background, dtype=np.float32)
    if gray_page:
        tone = np.array([float(tone @ np.array([0.299, 0.587, 0.114], dtype=np.float32))], dtype=np.float32)
    mid = 128.0
    luts = [np.clip((x * t / 255.0 - mid) * profile.contrast + mid + 0.5, 0, 255) for t in tone]
    if gray_page:
        img = cv2.LUT(img, luts[0].astype(np.uint8))
    else:
        img = cv2.LUT(img, np.stack(luts, axis=-1).astype(np.uint8).reshape(256, 1, 3))

    if profile.rotation:
        code = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
        img = cv2.rotate(img, code[profile.rotation])
    return Image.fromarray(img, "L" if gray_page else "RGB")


def degrade(page: Image.Image, profile: ScanProfile, rng: random.Random) -> Image.Image:
    """The scan of `page` (RGB or L, rendered at `profile.dpi`) under `profile`: RGB or L image.

    Same size as `page`, with width and height swapped for rotation 90/270. Skew happens inside
    the frame (expand=False), with the scanner lid's grey filling the corners. `page` is not
    modified. The result is not yet JPEG-compressed: use `encode_jpeg(img, profile.jpeg_quality)`.
    """
    return _degrade(page, profile, rng)


def encode_jpeg(img: Image.Image, quality: int) -> bytes:
    """JPEG bytes as a scanner's driver writes them (baseline, default chroma subsampling)."""
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(quality), optimize=False)
    return buf.getvalue()


def blank_back(rng: random.Random, size: tuple[int, int], profile: ScanProfile) -> Image.Image:
    """The scanned blank reverse of a sheet, `size` = (width, height) before rotation.

    Paper tone, the front's text showing through faintly (mirrored line blobs, now and then a
    red seal's ghost), binding holes on the right (it's the back), noise and dust as `profile` says.
    """
    w, h = size
    nrng = np.random.default_rng(rng.getrandbits(64))
    lw, lh = max(2, w // 4), max(2, h // 4)
    ghost = np.zeros((lh, lw), dtype=np.float32)
    mm = profile.dpi / 4 / MM_PER_INCH
    y = rng.uniform(25, 45) * mm
    left, right = rng.uniform(20, 30) * mm, lw - rng.uniform(25, 32) * mm
    line_h = rng.uniform(3.0, 4.2) * mm
    while y < lh - 30 * mm and rng.random() < 0.985:
        x_end = right if rng.random() < 0.75 else rng.uniform(left + 20 * mm, right)
        # Text seen through paper: a mirrored line of words, i.e. a row of soft blobs.
        x = lw - x_end  # mirrored
        while x < lw - left:
            wlen = rng.uniform(2, 6) * line_h
            cv2.rectangle(ghost, (int(x), int(y)), (int(min(x + wlen, lw - left)), int(y + line_h * 0.7)),
                          1.0, -1)
            x += wlen + rng.uniform(0.2, 0.8) * line_h
        y += line_h * rng.uniform(1.6, 2.2)
        if rng.random() < 0.06:
            y += rng.uniform(5, 25) * mm  # paragraph or table gap
    ghost = cv2.GaussianBlur(ghost, (0, 0), line_h * 0.4)
    ghost *= rng.uniform(0.03, 0.07) if rng.random() < 0.8 else 0.0
    ghost += 0.01 * nrng.standard_normal((lh, lw)).astype(np.float32)
    low = np.repeat((1.0 - ghost)[..., None], 3, axis=2)
    if rng.random() < 0.25:
        # A seal on the front shows through as a faint pink disc (red ink absorbs green most).
        r = rng.uniform(18, 22) * mm
        cx, cy = rng.uniform(0.15, 0.5) * lw, rng.uniform(0.55, 0.85) * lh
        disc = np.zeros((lh, lw), dtype=np.float32)
        cv2.circle(disc, (int(cx), int(cy)), int(r), 1.0, -1, cv2.LINE_AA)
        disc = cv2.GaussianBlur(disc, (0, 0), r / 8) * rng.uniform(0.02, 0.04)
        low[..., 1] *= 1.0 - disc
        low[..., 2] *= 1.0 - 0.8 * disc
    # Everything here is soft, so build it at quarter size and upscale once.
    small = np.clip(low * 255.0, 0, 255).astype(np.uint8)
    page = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return _degrade(Image.fromarray(page, "RGB"), profile, rng, binding_right=True, skip_show_through=True)
