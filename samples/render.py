"""Turn page layouts into a PDF: vector pages for born-digital files, scanned images otherwise.

Scanned pages are drawn as vectors, rasterised at the scan's dpi, inked by hand (signatures,
handwritten dates, seals and archive page numbers multiplied onto the raster as real ink is),
then degraded and stored as JPEG: an image-only page, as a copier-scanner writes it.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import random
from dataclasses import dataclass, field

import pymupdf
from PIL import Image

from samples import ink, scan
from samples.fonts import FACES, face_file, mupdf_font
from samples.layout import A4_H, A4_W, BBox, Hand, Line, PageLayout, Photo, Seal, Text

log = logging.getLogger(__name__)

# Faces for born-digital pages: MuPDF can subset these TrueType fonts when saving.
EMBED_SUBSTITUTE = {"song": "ming", "song_bold": "zenhei", "hei": "zenhei", "hei_bold": "zenhei"}
INK_DPI = 150  # resolution of handwriting and seal images on born-digital pages


@dataclass
class Mark:
    kind: str  # signature | handwriting | seal | bank_stamp | page_number
    bbox: BBox
    role: str = ""
    text: str = ""


@dataclass
class RenderedPage:
    marks: list[Mark] = field(default_factory=list)
    rotation: int = 0  # counter-clockwise turn of the scanned image (0 for born-digital pages)
    dpi: int | None = None
    skew_deg: float = 0.0
    grayscale: bool = False


def _draw_vector(page: pymupdf.Page, layout: PageLayout, *, embed_only: bool) -> None:
    writers: dict[tuple[int, int, int], pymupdf.TextWriter] = {}
    shape = page.new_shape()
    for op in layout.ops:
        if isinstance(op, Text):
            face = EMBED_SUBSTITUTE.get(op.face, op.face) if embed_only else op.face
            tw = writers.setdefault(op.color, pymupdf.TextWriter(page.rect))
            # TextWriter positions by baseline; layouts give the top of the line box.
            tw.append((op.x, op.y + op.size * 0.92), op.text, font=mupdf_font(face), fontsize=op.size)
        elif isinstance(op, Line):
            shape.draw_line((op.x0, op.y0), (op.x1, op.y1))
            shape.finish(color=tuple(c / 255 for c in op.color), width=op.width)
    shape.commit()
    for color, tw in writers.items():
        tw.write_text(page, color=tuple(c / 255 for c in color))


def _ink_image(op: Hand | Seal, rng: random.Random, scale: float) -> Image.Image:
    if isinstance(op, Hand):
        px = max(8, round(op.height * scale))
        if op.kind == "sign":
            return ink.signature(op.text, rng, height_px=px, color=op.color)
        return ink.handwriting(op.text, rng, height_px=px, color=op.color)
    if op.kind == "bank":
        return ink.seal_for_bank(op.agency.rsplit(" ", 2)[0], rng, width_px=round(op.diameter * scale),
                                 date_text=op.agency.rsplit(" ", 2)[1])
    return ink.seal(op.agency, rng, diameter_px=round(op.diameter * scale), center_text=op.center_text)


def _placement(op: Hand | Seal, img: Image.Image, scale: float) -> BBox:
    if isinstance(op, Seal):
        w, h = img.width / scale, img.height / scale
        return (op.cx - w / 2, op.cy - h / 2, op.cx + w / 2, op.cy + h / 2)
    return (op.x, op.y, op.x + img.width / scale, op.y + img.height / scale)


def _mark(op: Hand | Seal, box: BBox) -> Mark:
    if isinstance(op, Seal):
        return Mark("bank_stamp" if op.kind == "bank" else "seal", box, text=op.agency)
    return Mark("signature" if op.kind == "sign" else "handwriting", box, op.role, op.text)


def _number_position(corner: str, rng: random.Random) -> tuple[float, float]:
    if corner == "tr":
        return A4_W - rng.uniform(58, 80), rng.uniform(22, 36)
    return A4_W - rng.uniform(62, 86), A4_H - rng.uniform(40, 58)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()


def render_born_digital(layouts: list[PageLayout], numbers: list[int | None], corner: str,
                        rng: random.Random) -> tuple[bytes, list[RenderedPage]]:
    """A PDF with a real text layer; ink (signatures, seals) as images over it."""
    doc = pymupdf.open()
    rendered: list[RenderedPage] = []
    scale = INK_DPI / 72
    for layout, number in zip(layouts, numbers, strict=True):
        page = doc.new_page(width=A4_W, height=A4_H)
        info = RenderedPage()
        _draw_vector(page, layout, embed_only=True)
        for op in layout.ops:
            if isinstance(op, Hand | Seal):
                img = _ink_image(op, rng, scale)
                box = _placement(op, img, scale)
                page.insert_image(pymupdf.Rect(box), stream=_png(img))
                info.marks.append(_mark(op, box))
            elif isinstance(op, Photo):
                img = ink.photo(rng, round(op.w * scale), round(op.h * scale))
                page.insert_image(pymupdf.Rect(op.bbox), stream=scan.encode_jpeg(img, 80))
        if number is not None:
            x, y = _number_position(corner, rng)
            size = 11.0
            tw = pymupdf.TextWriter(page.rect)
            tw.append((x, y + size), str(number), font=mupdf_font("zenhei"), fontsize=size)
            tw.write_text(page)
            info.marks.append(Mark("page_number", (x, y, x + size * 0.6 * len(str(number)), y + size * 1.2),
                                   text=str(number)))
        rendered.append(info)
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return data, rendered


def _rotation(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.03:
        return 180  # fed upside-down
    if roll < 0.06:
        return rng.choice((90, 270))  # fed sideways
    return 0


def render_scanned(layouts: list[PageLayout], numbers: list[int | None], corner: str, rng: random.Random,
                   *, severity: float, dpi: int | None = None,
                   max_quality: int | None = None, grayscale: bool | None = None) -> tuple[bytes, list[RenderedPage]]:
    """An image-only PDF, one degraded JPEG per page, as a scanner writes it.

    `max_quality` caps the JPEG quality (small files for the committed demo set).
    """
    base = scan.random_profile(rng, severity=severity, dpi=dpi)
    if max_quality is not None:
        base = dataclasses.replace(base, jpeg_quality=min(base.jpeg_quality, max_quality))
    if grayscale is not None:
        base = dataclasses.replace(base, grayscale=grayscale)
    vec = pymupdf.open()
    out = pymupdf.open()
    rendered: list[RenderedPage] = []
    scale = base.dpi / 72
    for layout, number in zip(layouts, numbers, strict=True):
        # Each sheet lies a little differently on the glass.
        profile = dataclasses.replace(base, skew_deg=round(base.skew_deg * rng.uniform(-0.6, 1.2), 3),
                                      rotation=_rotation(rng))
        info = RenderedPage(rotation=profile.rotation, dpi=profile.dpi, skew_deg=profile.skew_deg,
                            grayscale=profile.grayscale)
        size = (round(A4_W * scale), round(A4_H * scale))
        if layout.blank:
            raster = scan.blank_back(rng, size, profile)
        else:
            page = vec.new_page(width=A4_W, height=A4_H)
            _draw_vector(page, layout, embed_only=False)
            pix = page.get_pixmap(dpi=profile.dpi, alpha=False)
            canvas = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
            for op in layout.ops:
                if isinstance(op, Photo):
                    img = ink.photo(rng, round(op.w * scale), round(op.h * scale))
                    canvas.paste(img, (round(op.x * scale), round(op.y * scale)))
            for op in layout.ops:
                if isinstance(op, Hand | Seal):
                    img = _ink_image(op, rng, scale)
                    box = _placement(op, img, scale)
                    scan.multiply_onto(canvas, img, (round(box[0] * scale), round(box[1] * scale)))
                    info.marks.append(_mark(op, box))
            if number is not None:
                img = ink.archive_number_stamp(number, rng, height_px=round(11 * scale))
                x, y = _number_position(corner, rng)
                scan.multiply_onto(canvas, img, (round(x * scale), round(y * scale)))
                info.marks.append(Mark("page_number", (x, y, x + img.width / scale, y + img.height / scale),
                                       text=str(number)))
            raster = scan.degrade(canvas, profile, rng)
        jpeg = scan.encode_jpeg(raster, profile.jpeg_quality)
        w, h = (A4_H, A4_W) if profile.rotation in (90, 270) else (A4_W, A4_H)
        out_page = out.new_page(width=w, height=h)
        out_page.insert_image(out_page.rect, stream=jpeg)
        rendered.append(info)
    vec.close()
    data = out.tobytes(garbage=3, deflate=True, no_new_id=True)
    out.close()
    return data, rendered


def check_fonts() -> None:
    """Fail early, with the fix, when the CJK font packages are missing."""
    for key in FACES:
        face_file(key)
