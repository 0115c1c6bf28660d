"""A page as a list of drawing operations in PDF points (A4, origin top-left).

Templates fill `PageLayout`s; `render` turns them into vector pages (born-digital) or into
rasters that are then scanned. Keeping layout apart from rendering lets both kinds of file
share one template and lets the truth record where titles, numbers, seals and signatures are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from samples.fonts import advance, text_width

A4_W = 595.28
A4_H = 841.89
BBox = tuple[float, float, float, float]

INK_BLUE = (25, 35, 110)
INK_BLACK = (30, 30, 35)
INK_BLUEBLACK = (20, 40, 80)
INKS = (INK_BLUE, INK_BLACK, INK_BLUEBLACK, (35, 60, 160))


@dataclass
class Text:
    x: float
    y: float  # top of the line box
    text: str
    size: float
    face: str
    color: tuple[int, int, int] = (0, 0, 0)

    @property
    def bbox(self) -> BBox:
        return (self.x, self.y, self.x + text_width(self.text, self.size, self.face), self.y + self.size * 1.15)


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.8
    color: tuple[int, int, int] = (0, 0, 0)


@dataclass
class Hand:
    """Ink written by a person: a signature, a date, an opinion, a tick."""

    x: float
    y: float
    text: str
    height: float
    kind: Literal["hand", "sign"] = "hand"
    color: tuple[int, int, int] = INK_BLUE
    role: str = ""  # who wrote it: party, officer, leader, recipient, server, witness ...

    @property
    def bbox(self) -> BBox:
        # Width is an estimate; the renderer scales the ink to this height and keeps its aspect.
        per_char = 0.95 if self.kind == "hand" else 0.85
        return (self.x, self.y, self.x + self.height * per_char * max(1, len(self.text)), self.y + self.height)


@dataclass
class Seal:
    cx: float
    cy: float
    diameter: float
    agency: str
    center_text: str | None = None
    kind: Literal["round", "bank"] = "round"

    @property
    def bbox(self) -> BBox:
        r = self.diameter / 2
        return (self.cx - r, self.cy - r, self.cx + r, self.cy + r)


@dataclass
class Photo:
    x: float
    y: float
    w: float
    h: float

    @property
    def bbox(self) -> BBox:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


Op = Text | Line | Hand | Seal | Photo


@dataclass
class PageLayout:
    doc_key: str
    ops: list[Op] = field(default_factory=list)
    blank: bool = False  # the empty back of a sheet
    numbered: bool = True  # carries an archive page number (cover, toc, 备考表 do not)
    title_bbox: BBox | None = None
    number_bbox: BBox | None = None

    # -- drawing helpers -------------------------------------------------------------------
    def text(self, x: float, y: float, s: str, size: float, face: str, color: tuple[int, int, int] = (0, 0, 0)) -> Text:
        op = Text(x, y, s, size, face, color)
        self.ops.append(op)
        return op

    def centered(self, y: float, s: str, size: float, face: str, x0: float = 0, x1: float = A4_W) -> Text:
        w = text_width(s, size, face)
        return self.text(x0 + (x1 - x0 - w) / 2, y, s, size, face)

    def right(self, x1: float, y: float, s: str, size: float, face: str) -> Text:
        return self.text(x1 - text_width(s, size, face), y, s, size, face)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.8) -> None:
        self.ops.append(Line(x0, y0, x1, y1, width))

    def rect(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.8) -> None:
        for a, b, c, d in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
            self.line(a, b, c, d, width)

    def hand(self, x: float, y: float, s: str, height: float, *, kind: Literal["hand", "sign"] = "hand",
             color: tuple[int, int, int] = INK_BLUE, role: str = "") -> Hand:
        op = Hand(x, y, s, height, kind, color, role)
        self.ops.append(op)
        return op

    def seal(self, cx: float, cy: float, diameter: float, agency: str, center_text: str | None = None,
             kind: Literal["round", "bank"] = "round") -> Seal:
        op = Seal(cx, cy, diameter, agency, center_text, kind)
        self.ops.append(op)
        return op

    def photo(self, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(Photo(x, y, w, h))

    def paragraph(self, x: float, y: float, width: float, s: str, size: float, face: str, *,
                  leading: float = 1.75, indent: int = 2) -> float:
        """Wrap Chinese text character by character; returns the y below the paragraph."""
        for line in wrap(s, width, size, face, indent=indent):
            self.text(x + (size * indent if line.startswith("\0") else 0), y, line.lstrip("\0"), size, face)
            y += size * leading
        return y

    def signatures(self) -> list[Hand]:
        return [op for op in self.ops if isinstance(op, Hand) and op.kind == "sign"]

    def seals(self) -> list[Seal]:
        return [op for op in self.ops if isinstance(op, Seal)]


def wrap(s: str, width: float, size: float, face: str, *, indent: int = 2) -> list[str]:
    """Lines of `s` fitting `width`; the first line is marked with a leading NUL when indented."""
    lines: list[str] = []
    current, used = "", 0.0
    avail = width - size * indent
    for ch in s:
        if ch == "\n":
            lines.append(current)
            current, used, avail = "", 0.0, width
            continue
        w = size * advance(ch, face)
        if used + w > avail and current:
            # Keep closing punctuation on the line it closes (Chinese typesetting rule 避头).
            if ch in "，。、；：）》」”！？":
                current += ch
                used += w
                continue
            lines.append(current)
            current, used, avail = ch, w, width
        else:
            current += ch
            used += w
    if current:
        lines.append(current)
    if indent and lines:
        lines[0] = "\0" + lines[0]
    return lines
