"""Ink as images: handwritten signatures, the bureau's round seal, a personal name stamp.

Drawn here (not borrowed from samples/ink.py) so the families share nothing with the project's
own generator. All images are RGBA PNG bytes; sizes are in pixels at `PX_PER_PT` per point.
"""

from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from samples.fonts import face_file

PX_PER_PT = 3  # ink is drawn at 216 dpi, then placed into a box in points
INKS = ((20, 30, 90), (15, 15, 20), (25, 40, 120), (30, 30, 60))
SEAL_RED = (214, 30, 36)


@functools.cache
def _font(key: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face_file(key)), size_px)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def signature(name: str, rng: random.Random, height_pt: float = 22.0) -> tuple[bytes, float, float]:
    """A handwritten-looking name: 楷体 glyphs, uneven size and baseline, slanted, a pen colour.

    Returns (png, width_pt, height_pt).
    """
    size = int(height_pt * PX_PER_PT * rng.uniform(0.75, 0.9))
    colour = rng.choice(INKS)
    pad = size // 3
    width = int(size * (len(name) * rng.uniform(0.85, 1.05)) + 2 * pad)
    img = Image.new("RGBA", (width, int(size * 1.5) + pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    x = pad
    for ch in name:
        scale = rng.uniform(0.85, 1.1)
        glyph = _font("kai", max(8, int(size * scale)))
        y = pad // 2 + rng.randint(-size // 10, size // 8)
        # A heavier stroke: draw twice with a hair of offset, like a ballpoint pressed hard.
        draw.text((x, y), ch, font=glyph, fill=(*colour, 235))
        draw.text((x + 1, y), ch, font=glyph, fill=(*colour, 200))
        x += int(size * scale * rng.uniform(0.72, 0.92))
    img = img.crop((0, 0, min(width, x + pad), img.height))
    # Slant (handwriting leans right) and a small rotation.
    shear = rng.uniform(0.12, 0.3)
    img = img.transform((img.width + int(img.height * shear), img.height), Image.Transform.AFFINE,
                        (1, shear, -img.height * shear, 0, 1, 0), resample=Image.Resampling.BICUBIC)
    img = img.rotate(rng.uniform(-6, 6), expand=True, resample=Image.Resampling.BICUBIC)
    img = img.filter(ImageFilter.GaussianBlur(0.5))
    return _png(img), img.width / PX_PER_PT, img.height / PX_PER_PT


def round_seal(text: str, rng: random.Random, diameter_pt: float = 120.0) -> bytes:
    """A red round 公章: double ring, the agency name along the upper arc, a star, uneven ink."""
    d = int(diameter_pt * PX_PER_PT)
    img = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = d / 2
    ring = max(4, d // 40)
    alpha = rng.randint(190, 235)
    colour = (*SEAL_RED, alpha)
    draw.ellipse((ring, ring, d - ring, d - ring), outline=colour, width=ring)
    # The name runs clockwise over ~240 degrees of the upper arc, each glyph turned outward.
    chars = list(text)
    span = math.radians(min(250, 18 * len(chars) + 40))
    glyph_px = int(d * 0.13)
    font = _font("hei_bold", glyph_px)
    radius = c - ring * 2 - glyph_px * 0.65
    for i, ch in enumerate(chars):
        t = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        gx, gy = c + radius * math.cos(t), c + radius * math.sin(t)
        tile = Image.new("RGBA", (glyph_px + 4, glyph_px + 4), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((2, 0), ch, font=font, fill=colour)
        tile = tile.rotate(-math.degrees(t) - 90, expand=True, resample=Image.Resampling.BICUBIC)
        img.alpha_composite(tile, (int(gx - tile.width / 2), int(gy - tile.height / 2)))
    # A five-pointed star in the centre.
    r_out, r_in = d * 0.16, d * 0.065
    points = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = -math.pi / 2 + k * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=colour)
    # Uneven pressure: knock out random speckles of the ink.
    px = img.load()
    for _ in range(d * d // 90):
        x, y = rng.randrange(d), rng.randrange(d)
        r, g, b, a = px[x, y]
        if a:
            px[x, y] = (r, g, b, int(a * rng.uniform(0.2, 0.7)))
    img = img.rotate(rng.uniform(-12, 12), resample=Image.Resampling.BICUBIC)
    return _png(img.filter(ImageFilter.GaussianBlur(0.6)))


def name_stamp(name: str, rng: random.Random, side_pt: float = 34.0) -> bytes:
    """A personal square 人名章: red frame, the name (plus 印 for two-character names) in 2x2."""
    chars = list(name) + (["印"] if len(name) == 2 else [])
    chars = chars[:4]
    d = int(side_pt * PX_PER_PT)
    img = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    colour = (*SEAL_RED, rng.randint(200, 240))
    border = max(3, d // 16)
    draw.rectangle((border // 2, border // 2, d - border // 2, d - border // 2), outline=colour, width=border)
    cell = (d - 2 * border) / 2
    font = _font("hei_bold", int(cell * 0.85))
    # Seal script reads right column first, top to bottom.
    slots = [(1, 0), (1, 1), (0, 0), (0, 1)] if len(chars) == 4 else [(1, 0), (1, 1), (0, 0)]
    for ch, (col, row) in zip(chars, slots, strict=False):
        draw.text((border + col * cell + cell * 0.07, border + row * cell), ch, font=font, fill=colour)
    img = img.rotate(rng.uniform(-5, 5), resample=Image.Resampling.BICUBIC)
    return _png(img.filter(ImageFilter.GaussianBlur(0.5)))


def bank_stamp(bank: str, day: str, rng: random.Random) -> bytes:
    """A bank's oval 转讫 stamp with the date in the middle."""
    w, h = 150 * PX_PER_PT // 1, 80 * PX_PER_PT // 1
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    colour = (*SEAL_RED, rng.randint(180, 230))
    draw.ellipse((4, 4, w - 4, h - 4), outline=colour, width=6)
    font = _font("hei_bold", h // 7)
    for i, line in enumerate((bank, day, "转讫")):
        tw = draw.textlength(line, font=font)
        draw.text(((w - tw) / 2, h * (0.2 + 0.24 * i)), line, font=font, fill=colour)
    return _png(img.rotate(rng.uniform(-10, 10), resample=Image.Resampling.BICUBIC))
