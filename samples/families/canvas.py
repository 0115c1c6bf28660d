"""Drawing one document into its own PDF: typed text with a CJK text layer, ruled tables, ink.

`DocWriter` owns a pymupdf.Document of A4 pages and the truth of each page (marks, title and
文号 boxes). Text is typed with embeddable TrueType faces (samples.fonts), so a born-digital file
carries exactly the characters printed; ink (signatures, seals, name stamps) goes in as images,
never as text.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

import pymupdf
from pydantic import BaseModel, Field

from models.truth import Mark
from samples.families import ink
from samples.fonts import face_file, text_width

A4 = (595.0, 842.0)
LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 70.0, 770.0
FONT_KEYS = {"body": "ming", "title": "zenhei"}
CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..31 as written in a Chinese-numeral date: 十一, 二十, 三十一."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def fmt_date(day: date, style: str = "arabic") -> str:
    if style == "chinese":
        year = "".join(CN_DIGITS[int(c)] for c in str(day.year))
        return f"{year}年{cn_number(day.month)}月{cn_number(day.day)}日"
    if style == "spaced":
        return f"{day.year}年 {day.month}月 {day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def amount_upper(n: int) -> str:
    """An integer amount of yuan in 大写: 52120 -> 伍万贰仟壹佰贰拾元整."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]

    def four(v: int) -> str:
        out, zero = "", False
        for i in range(3, -1, -1):
            d = v // (10 ** i) % 10
            if d:
                if zero and out:
                    out += "零"
                out += digits[d] + units[i]
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10000)
    text = (four(high) + "万" if high else "")
    if low:
        if high and low < 1000:
            text += "零"
        text += four(low)
    return text + "元整"


# All documents of one case are drawn into one PDF, so each font is embedded (and subset) once;
# the builder reorders the pages at the end.
_TARGET: ContextVar[pymupdf.Document | None] = ContextVar("families_target", default=None)


@contextmanager
def drawing_into(pdf: pymupdf.Document) -> Iterator[pymupdf.Document]:
    token = _TARGET.set(pdf)
    try:
        yield pdf
    finally:
        _TARGET.reset(token)


class PageRecord(BaseModel):
    marks: list[Mark] = Field(default_factory=list)
    title_bbox: tuple[float, float, float, float] | None = None
    number_bbox: tuple[float, float, float, float] | None = None


# The last document fonts were embedded into, and their xrefs (holding the document keeps its
# identity from being reused by another one).
_FONTS: list[tuple[pymupdf.Document, dict[str, int]]] = []


def _install_fonts(page: pymupdf.Page) -> None:
    """Give the page the document's fonts: embedded once, then referenced from every page.

    Inserting a 20 MB face on each page costs MuPDF a digest of the whole file every time.
    """
    pdf = page.parent
    if not _FONTS or _FONTS[0][0] is not pdf:
        known = {name: page.insert_font(fontname=name, fontfile=str(face_file(key)))
                 for name, key in FONT_KEYS.items()}
        _FONTS[:] = [(pdf, known)]
        return
    kind, value = pdf.xref_get_key(page.xref, "Resources")
    owner, prefix = (int(value.split()[0]), "") if kind == "xref" else (page.xref, "Resources/")
    for name, xref in _FONTS[0][1].items():
        pdf.xref_set_key(owner, f"{prefix}Font/{name}", f"{xref} 0 R")


class DocWriter:
    """Pages of one document, written top to bottom with automatic page breaks."""

    def __init__(self, rng: random.Random, *, on_page_end: Callable[[DocWriter, int], None] | None = None,
                 body_size: float = 12.0) -> None:
        self.rng = rng
        target = _TARGET.get()
        self.pdf = target if target is not None else pymupdf.open()
        self.page_indices: list[int] = []  # where this document's pages sit in `pdf`
        self.records: list[PageRecord] = []
        self.on_page_end = on_page_end
        self.body_size = body_size
        self.bottom = BOTTOM
        self.y = TOP
        self.new_page()

    # -- pages -----------------------------------------------------------------------------------
    @property
    def page(self) -> pymupdf.Page:
        return self.pdf[self.page_indices[-1]]

    @property
    def index(self) -> int:
        return len(self.records) - 1

    def new_page(self) -> None:
        if self.records and self.on_page_end:
            self.on_page_end(self, self.index)
        page = self.pdf.new_page(width=A4[0], height=A4[1])
        self.page_indices.append(page.number)
        _install_fonts(page)
        self.records.append(PageRecord())
        self.y = TOP

    def finish(self) -> pymupdf.Document:
        if self.on_page_end:
            self.on_page_end(self, self.index)
            self.on_page_end = None  # once
        return self.pdf

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    # -- text ------------------------------------------------------------------------------------
    @staticmethod
    def width(text: str, size: float, font: str = "body") -> float:
        return text_width(text, size, FONT_KEYS[font])

    def text_at(self, x: float, baseline: float, text: str, size: float | None = None, font: str = "body",
                colour: tuple[float, float, float] = (0, 0, 0)) -> tuple[float, float, float, float]:
        size = size or self.body_size
        self.page.insert_text((x, baseline), text, fontname=font, fontsize=size, color=colour)
        return (x, baseline - size * 0.9, x + self.width(text, size, font), baseline + size * 0.15)

    def line(self, text: str, *, size: float | None = None, font: str = "body", align: str = "left",
             x: float = LEFT, right: float = RIGHT, gap: float = 1.7,
             colour: tuple[float, float, float] = (0, 0, 0)) -> tuple[float, float, float, float]:
        """One line at the cursor; returns its box and moves the cursor down."""
        size = size or self.body_size
        self.ensure(size * gap)
        w = self.width(text, size, font)
        if align == "center":
            x = (LEFT + RIGHT) / 2 - w / 2
        elif align == "right":
            x = right - w
        box = self.text_at(x, self.y + size, text, size, font, colour)
        self.y += size * gap
        return box

    def para(self, text: str, *, size: float | None = None, indent: int = 2, x0: float = LEFT,
             x1: float = RIGHT, gap: float = 1.75, font: str = "body") -> None:
        """A wrapped paragraph (CJK: break anywhere, keep closing punctuation off a line start)."""
        size = size or self.body_size
        first = True
        rest = text
        while rest:
            start = x0 + (indent * size if first else 0)
            avail = x1 - start
            n, acc = 0, 0.0
            while n < len(rest):
                w = self.width(rest[n], size, font)
                if acc + w > avail:
                    break
                acc += w
                n += 1
            if n < len(rest) and rest[n] in "，。、；：）》”！？〕" and n > 1:
                n -= 1
            chunk, rest = rest[:n], rest[n:]
            self.ensure(size * gap)
            self.text_at(start, self.y + size, chunk, size, font)
            self.y += size * gap
            first = False

    def skip(self, amount: float) -> None:
        self.y += amount

    def title(self, text: str, *, size: float = 20.0, font: str = "title", spaced: bool = False) -> None:
        shown = " ".join(text) if spaced else text
        box = self.line(shown, size=size, font=font, align="center", gap=1.9)
        if self.records[self.index].title_bbox is None:
            self.records[self.index].title_bbox = box

    def number(self, text: str, *, align: str = "center", size: float | None = None) -> None:
        box = self.line(text, size=size or self.body_size, align=align, gap=2.0)
        self.records[self.index].number_bbox = box

    # -- tables ----------------------------------------------------------------------------------
    def cell(self, x0: float, y0: float, x1: float, y1: float, text: str = "", *, size: float = 11.0,
             align: str = "left", valign: str = "center", pad: float = 5.0) -> None:
        """A ruled cell with text wrapped inside."""
        self.page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=(0, 0, 0), width=0.7)
        if not text:
            return
        lines = self._wrap(text, size, x1 - x0 - 2 * pad)
        block = len(lines) * size * 1.45
        y = y0 + pad if valign == "top" else y0 + max(pad, (y1 - y0 - block) / 2)
        for line in lines:
            w = self.width(line, size)
            x = x0 + pad if align == "left" else (x0 + x1) / 2 - w / 2
            self.text_at(x, y + size, line, size)
            y += size * 1.45

    def _wrap(self, text: str, size: float, avail: float) -> list[str]:
        out: list[str] = []
        for para in text.split("\n"):
            line, acc = "", 0.0
            for ch in para:
                w = self.width(ch, size)
                if acc + w > avail and line:
                    out.append(line)
                    line, acc = "", 0.0
                line += ch
                acc += w
            out.append(line)
        return out

    def text_height(self, text: str, size: float, width: float, pad: float = 5.0) -> float:
        return len(self._wrap(text, size, width - 2 * pad)) * size * 1.45 + 2 * pad

    # -- ink -------------------------------------------------------------------------------------
    def _mark(self, kind: str, box: tuple[float, float, float, float], role: str, text: str) -> None:
        self.records[self.index].marks.append(Mark(kind=kind, bbox=box, role=role, text=text))

    def sign(self, x: float, baseline: float, name: str, role: str, height: float = 22.0) -> float:
        """A handwritten signature whose foot sits near `baseline`; returns its right edge."""
        png, w, h = ink.signature(name, self.rng, height)
        box = (x, baseline - h * 0.8, x + w, baseline + h * 0.2)
        self.page.insert_image(pymupdf.Rect(*box), stream=png, overlay=True)
        self._mark("signature", box, role, name)
        return box[2]

    def seal(self, cx: float, cy: float, text: str, diameter: float = 118.0) -> None:
        png = ink.round_seal(text, self.rng, diameter)
        box = (cx - diameter / 2, cy - diameter / 2, cx + diameter / 2, cy + diameter / 2)
        self.page.insert_image(pymupdf.Rect(*box), stream=png, overlay=True)
        self._mark("seal", box, "", text)

    def name_stamp(self, x: float, baseline: float, name: str, role: str, side: float = 32.0) -> float:
        png = ink.name_stamp(name, self.rng, side)
        box = (x, baseline - side * 0.8, x + side, baseline + side * 0.2)
        self.page.insert_image(pymupdf.Rect(*box), stream=png, overlay=True)
        self._mark("name_stamp", box, role, name)
        return box[2]

    def bank_stamp(self, cx: float, cy: float, bank: str, day: str) -> None:
        png = ink.bank_stamp(bank, day, self.rng)
        box = (cx - 75, cy - 40, cx + 75, cy + 40)
        self.page.insert_image(pymupdf.Rect(*box), stream=png, overlay=True)
        self._mark("bank_stamp", box, "", bank)

    def photo(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A grey stand-in for a site photograph: sky, ground, a building block, some texture."""
        r = self.rng
        page = self.page
        horizon = y0 + (y1 - y0) * r.uniform(0.35, 0.6)
        page.draw_rect(pymupdf.Rect(x0, y0, x1, horizon), color=None, fill=(0.78, 0.82, 0.86))
        page.draw_rect(pymupdf.Rect(x0, horizon, x1, y1), color=None, fill=(0.52, 0.5, 0.46))
        for _ in range(r.randint(2, 4)):
            bx = r.uniform(x0, x1 - 60)
            bw = r.uniform(40, 120)
            bh = r.uniform(30, horizon - y0 - 5)
            shade = r.uniform(0.35, 0.7)
            page.draw_rect(pymupdf.Rect(bx, horizon - bh, min(x1, bx + bw), horizon), color=None,
                           fill=(shade, shade, shade * 1.02))
        page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=(0, 0, 0), width=0.5)


class Rendered:
    """One drawn document and what its truth says (a plain class: it holds a live PDF)."""

    def __init__(self, *, type: str, title: str, writer: DocWriter, family: str, toc_title: str | None = None,
                 number: str | None = None, day: date | None = None, signed: bool | None = None,
                 sealed: bool | None = None, fields: dict | None = None, toc_number: str | None = None) -> None:
        self.type = type
        self.title = title
        self.pdf = writer.finish()
        self.page_indices = writer.page_indices
        self.records = writer.records
        self.family = family
        self.toc_title = toc_title or title
        self.number = number
        self.day = day
        self.signed = signed
        self.sealed = sealed
        self.fields = fields or {}
        self.toc_number = toc_number if toc_number is not None else number

    @property
    def pages(self) -> int:
        return len(self.page_indices)
