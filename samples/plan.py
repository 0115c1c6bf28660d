"""Which documents a case file holds, in binding order, and the shared page helpers templates use."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from samples.casegen import arabic_date, chinese_date
from samples.layout import A4_W, INKS, PageLayout
from samples.spec import CaseSpec

MARGIN_L = 72.0
MARGIN_R = A4_W - 68.0
BODY_W = MARGIN_R - MARGIN_L


@dataclass
class DocPlan:
    key: str  # unique within the case: notice, receipt.notice, evidence.2 ...
    type: str  # CONTRACT document type
    title: str
    date: dt.date | None = None
    number: str | None = None
    sealed: bool | None = None  # what the truth says: True drawn, False required but absent, None n/a
    signed: bool | None = None
    fields: dict[str, str | list[str] | None] = field(default_factory=dict)
    toc_title: str = ""  # how the 卷内目录 names it


def fmt_date(spec: CaseSpec, day: dt.date | None, style: str | None = None) -> str:
    """A printed date as the agency writes it; an absent date prints as blank 年 月 日."""
    if day is None:
        return "    年    月    日"
    style = style or spec.style.date_style
    return chinese_date(day) if style == "chinese" else arabic_date(day)


def short_date(day: dt.date) -> str:
    return f"{day.year}.{day.month}.{day.day}"


def ink(rng: random.Random) -> tuple[int, int, int]:
    return rng.choice(INKS)


def officer_line(spec: CaseSpec, doc_key: str) -> list[tuple[str, str]]:
    """(name, 执法证号) pairs a record lists; one only when the defect asks."""
    officers = spec.officers[:1] if doc_key in spec.defects.one_officer else spec.officers
    return [(o.name, o.cert) for o in officers]


def new_page(doc: DocPlan, **kw: object) -> PageLayout:
    return PageLayout(doc_key=doc.key, **kw)  # type: ignore[arg-type]


CN_NUM = "零一二三四五六七八九十"


class Flow:
    """Running text over as many pages as it takes (bodies of decisions, reports, records)."""

    def __init__(self, doc: DocPlan, *, top: float = 72.0, bottom: float = 770.0,
                 footer: str | None = None, face: str = "song") -> None:
        self.doc = doc
        self.top = top
        self.bottom = bottom
        self.footer = footer  # "dash" prints GB/T 9704 page numbers "— 2 —"
        self.face = face
        self.pages: list[PageLayout] = [new_page(doc)]
        self.y = top

    @property
    def page(self) -> PageLayout:
        return self.pages[-1]

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.pages.append(new_page(self.doc))
            self.y = self.top

    def para(self, text: str, size: float, face: str | None = None, *, indent: int = 2,
             leading: float = 1.8, x: float = MARGIN_L, width: float = BODY_W) -> None:
        from samples.layout import wrap

        face = face or self.face
        for i, line in enumerate(wrap(text, width, size, face, indent=indent)):
            self.ensure(size * leading)
            lx = x + (size * indent if i == 0 and line.startswith("\0") else 0)
            self.page.text(lx, self.y, line.lstrip("\0"), size, face)
            self.y += size * leading

    def space(self, height: float) -> None:
        self.y += height

    def finish(self) -> list[PageLayout]:
        if self.footer == "dash" and len(self.pages) > 1:
            for i, page in enumerate(self.pages, 1):
                page.centered(800, f"— {i} —", 10.5, self.face)
        return self.pages


@dataclass
class Row:
    """One row of a ruled form: a label cell and a value cell."""

    label: str
    text: str = ""  # printed value
    height: float = 26.0
    hand: str = ""  # handwritten value (an opinion such as 同意立案)
    sign: list[tuple[str, str]] = field(default_factory=list)  # (name, role) signing in the cell
    sign_date: dt.date | None = None  # handwritten date beside the signatures
    date_printed: bool = False


def form_table(page: PageLayout, y: float, rows: list[Row], *, rng: random.Random, face: str,
               size: float = 11.0, x0: float = MARGIN_L - 6, x1: float = MARGIN_R + 6,
               label_w: float = 96.0, unsigned: frozenset[str] | set[str] = frozenset()) -> float:
    """Draw a two-column ruled form; returns the y of its bottom line.

    Signatures whose role is in `unsigned` are left out (the defect injector's knob).
    """
    from samples.layout import wrap

    pens: dict[str, tuple[int, int, int]] = {}
    start = y
    page.line(x0, y, x1, y, 1.0)
    for row in rows:
        top = y
        lines = wrap(row.text, x1 - x0 - label_w - 10, size, face, indent=0) if row.text else []
        height = max(row.height, len(lines) * size * 1.55 + 10 + (34 if row.sign else 0))
        label_lines = wrap(row.label, label_w - 10, size, face, indent=0)
        ly = top + (height - len(label_lines) * size * 1.3) / 2
        for ll in label_lines:
            page.text(x0 + (label_w - _w(ll, size, face)) / 2, ly, ll, size, face)
            ly += size * 1.3
        ty = top + 6
        for line in lines:
            page.text(x0 + label_w + 6, ty, line.lstrip("\0"), size, face)
            ty += size * 1.55
        if row.hand:
            who = row.sign[0][1] if row.sign else "writer"
            pens.setdefault(who, ink(rng))
            page.hand(x0 + label_w + 14 + rng.uniform(0, 30), ty + 1, row.hand, 17, color=pens[who], role=who)
        if row.sign:
            sy = top + height - 26
            sx = x0 + label_w + (x1 - x0 - label_w) * rng.uniform(0.36, 0.44)
            page.text(sx, sy + 4, rng.choice(("签名：", "签字：", "")), size, face)
            sx += 36
            for name, role in row.sign:
                if role in unsigned:
                    sx += 50
                    continue
                pens.setdefault(role, ink(rng))
                op = page.hand(sx, sy - 2, name, 19, kind="sign", color=pens[role], role=role)
                sx = op.bbox[2] + 8
            if row.sign_date is not None and not all(role in unsigned for _, role in row.sign):
                pen = pens[row.sign[-1][1]]
                if row.date_printed:
                    page.text(x1 - 110, sy + 4, arabic_date(row.sign_date), size, face)
                else:
                    page.hand(max(sx + 4, x1 - 118), sy, short_date(row.sign_date) if rng.random() < 0.5
                              else arabic_date(row.sign_date), 15, color=pen, role=row.sign[-1][1])
            elif row.sign_date is None:
                page.text(x1 - 100, sy + 4, "年    月    日", size, face)
        y = top + height
        page.line(x0, y, x1, y, 0.8)
        page.line(x0 + label_w, top, x0 + label_w, y, 0.8)
    frame_sides(page, start, y, x0, x1)
    return y


def frame_sides(page: PageLayout, y0: float, y1: float, x0: float = MARGIN_L - 6, x1: float = MARGIN_R + 6) -> None:
    page.line(x0, y0, x0, y1, 1.0)
    page.line(x1, y0, x1, y1, 1.0)


def _w(s: str, size: float, face: str) -> float:
    from samples.fonts import text_width

    return text_width(s, size, face)


def period_words(days: int) -> str:
    return CN_NUM[days] if days <= 10 else str(days)
