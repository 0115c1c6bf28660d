"""The annotated PDF: a summary of the report, then the original pages with each finding's evidence boxed.

The original file is only read. Its pages are copied unchanged into a new document (no re-rendering,
so the output stays about the original's size) and the findings are added as PDF annotations, which
any viewer shows and a reviewer can hide, reply to or delete.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pymupdf

from models.case import PageText
from models.doctypes import type_name
from models.report import CATEGORIES, DocumentRecord, Finding, Report
from service.outputs.common import (
    archive_numbers,
    cn_date,
    finding_pages,
    page_number_note,
    page_ref,
    page_span,
    shown_message,
    shown_suggestion,
)

if TYPE_CHECKING:
    from service.review import ReviewedCase

log = logging.getLogger(__name__)

Color = tuple[float, float, float]

RED: Color = (1.0, 0.0, 0.0)
ORANGE: Color = (1.0, 0.5, 0.0)
BLUE: Color = (0.0, 0.4, 1.0)
INK: Color = (0.0, 0.0, 0.0)
GREY: Color = (0.4, 0.4, 0.4)
LINK: Color = (0.0, 0.3, 0.8)
TITLE: Color = (0.1, 0.2, 0.45)
KIND_COLORS: dict[str, Color] = {"合法性": RED, "规范性": ORANGE}

A4 = pymupdf.paper_rect("a4")
MARGIN = 56.0  # about 2 cm
FOOTER = 28.0  # room kept at the bottom for the page footer

PAD = 3.0  # evidence boxes are tight around the text: pad so the frame does not cover it
BORDER = 1.5
LABEL_SIZE = 7.0
LABEL_FONT = "hebo"  # Helvetica-Bold: labels are ASCII ("F3"), so no CJK font is needed there
NOTE_STEP = 22.0  # sticky notes on one page sit side by side, not on top of each other

CASE_FIELDS: tuple[tuple[str, str], ...] = (
    ("case_number", "立案号"),
    ("filing_date", "立案时间"),
    ("notice_number", "告知书文号"),
    ("notice_date", "告知书日期"),
    ("decision_number", "决定书文号"),
    ("decision_date", "决定书日期"),
    ("party", "当事人名称"),
    ("agency", "执法机关"),
    ("case_type", "案卷类型"),
    ("cause", "案由"),
    ("officers", "承办人员"),
)
SECTION_NUMERALS = "一二三四五六七"

# A line breaks between any two CJK characters, but not inside a run of ASCII (a number, a code):
# one unit is such a run with its trailing space, a lone space, or one other character.
_UNITS = re.compile(r"[\x21-\x7e]+ ?| |.", re.S)


@lru_cache(maxsize=1)
def _cjk_font() -> pymupdf.Font:
    """PyMuPDF's built-in Droid Sans Fallback: CJK plus Latin, and no dependence on system fonts."""
    return pymupdf.Font("china-s")


@dataclass(frozen=True)
class _Item:
    """A finding (F1, F2, …) or a review item (R1, R2, …) as the annotated PDF shows it."""

    label: str
    finding: Finding
    review: bool

    @property
    def color(self) -> Color:
        return BLUE if self.review else KIND_COLORS.get(self.finding.kind, RED)

    @property
    def tag(self) -> str:
        return f"待人工核实·{self.finding.kind}" if self.review else self.finding.kind

    @property
    def note(self) -> str:
        f = self.finding
        return f"{self.label} [{self.tag}] {f.category}\n{f.message}\n整改建议：{f.suggestion}"

    def pages(self) -> list[int]:
        return finding_pages(self.finding)


def _items(report: Report) -> list[_Item]:
    # A finding's own id (F2, R1, A1 once reviewed) labels it, as the review and the page name it.
    return ([_Item(f.id or f"F{i}", f, False) for i, f in enumerate(report.findings, 1)]
            + [_Item(f.id or f"R{i}", f, True) for i, f in enumerate(report.review, 1)])


@dataclass
class _Run:
    """A piece of a paragraph in one colour; `target` is the original page (1-based) it links to."""

    text: str
    color: Color = INK
    target: int | None = None


class _SummaryWriter:
    """Lays out wrapped, coloured paragraphs on as many A4 pages as they need."""

    def __init__(self, doc: pymupdf.Document) -> None:
        self.doc = doc
        self.font = _cjk_font()
        self.page: pymupdf.Page | None = None
        self.y = 0.0
        self.width = A4.width - 2 * MARGIN
        self.bottom = A4.height - MARGIN - FOOTER
        # (summary page index, where, original page): made into links once the originals follow.
        self.links: list[tuple[int, pymupdf.Rect, int]] = []
        self.numbers: list[int | None] = []  # the file's 卷内页码 per PDF page (archive_numbers)
        # Text goes through one TextWriter per page and colour: insert_text would measure the
        # whole CJK font's glyph widths again on every call (tens of ms each).
        self.writers: dict[tuple[int, Color], pymupdf.TextWriter] = {}

    def _new_page(self) -> pymupdf.Page:
        self.page = self.doc.new_page(width=A4.width, height=A4.height)
        self.y = MARGIN
        return self.page

    def _room(self, height: float) -> pymupdf.Page:
        """The current page if `height` more points fit on it, else a new one."""
        if self.page is None or self.y + height > self.bottom:
            return self._new_page()
        return self.page

    def space(self, points: float) -> None:
        self.y += points

    def _wrap(self, runs: list[_Run], size: float, first: float, rest: float) -> list[list[tuple[str, _Run]]]:
        """Break `runs` into lines `first` (then `rest`) points wide; a link run is never split."""
        units: list[tuple[str, _Run, float]] = []
        for run in runs:
            text = run.text.replace("\n", " ")
            for unit in [text] if run.target is not None else _UNITS.findall(text):
                width = self.font.text_length(unit, size)
                if width > rest and run.target is None and len(unit) > 1:
                    # An ASCII run wider than a line (a long code or URL) breaks where it must.
                    units.extend((ch, run, self.font.text_length(ch, size)) for ch in unit)
                else:
                    units.append((unit, run, width))
        lines: list[list[tuple[str, _Run]]] = [[]]
        x, limit = 0.0, first
        for unit, run, width in units:
            if lines[-1] and x + width > limit:
                lines.append([])
                x, limit = 0.0, rest
            if not lines[-1] and unit == " ":
                continue  # no leading space on a wrapped line
            lines[-1].append((unit, run))
            x += width
        return [line for line in lines if line] or [[]]

    def height(self, runs: list[_Run], size: float = 10.0, indent: float = 0.0, hang: float = 0.0,
               after: float = 2.0) -> float:
        """How many points `paragraph` with these arguments will take."""
        return len(self._wrap(runs, size, self.width - indent, self.width - indent - hang)) * size * 1.55 + after

    def keep(self, height: float) -> None:
        """Start a new page unless `height` more points fit on this one (keeps a block together)."""
        if height <= self.bottom - MARGIN:  # a block taller than a page has to be split anyway
            self._room(height)

    def paragraph(self, runs: list[_Run], size: float = 10.0, indent: float = 0.0, hang: float = 0.0,
                  after: float = 2.0) -> None:
        """Write `runs` from `indent`; continuation lines start `hang` points further in."""
        leading = size * 1.55
        lines = self._wrap(runs, size, self.width - indent, self.width - indent - hang)
        for number, line in enumerate(lines):
            page = self._room(leading)
            x = MARGIN + indent + (hang if number else 0.0)
            baseline = self.y + size * 1.15
            # Consecutive units of one run are written in one call (one colour, one link rect).
            groups: list[tuple[str, _Run]] = []
            for unit, run in line:
                if groups and groups[-1][1] is run:
                    groups[-1] = (groups[-1][0] + unit, run)
                else:
                    groups.append((unit, run))
            for text, run in groups:
                width = self.font.text_length(text, size)
                self._text(page, (x, baseline), text, size, run.color)
                if run.target is not None:
                    self.links.append((page.number, pymupdf.Rect(x, self.y, x + width, self.y + leading),
                                       run.target))
                x += width
            self.y += leading
        self.y += after

    def heading(self, text: str, size: float, color: Color = TITLE, rule: bool = False,
                following: float = 2 * 10.0 * 1.55) -> None:
        """A heading kept on one page with the first `following` points of what comes after it."""
        self.keep(size * 1.6 + 10.0 + following)
        self.space(4.0)
        self.paragraph([_Run(text, color)], size=size, after=1.0)
        if rule and self.page is not None:
            self.page.draw_line((MARGIN, self.y), (A4.width - MARGIN, self.y), color=(0.7, 0.7, 0.7), width=0.6)
            self.y += 5.0

    def _text(self, page: pymupdf.Page, at: tuple[float, float], text: str, size: float, color: Color) -> None:
        key = (page.number, color)
        if key not in self.writers:
            self.writers[key] = pymupdf.TextWriter(page.rect)
        self.writers[key].append(at, text, font=self.font, fontsize=size)

    def flush(self) -> None:
        """Put the text written so far on its pages."""
        for (number, color), writer in self.writers.items():
            writer.write_text(self.doc[number], color=color)
        self.writers.clear()

    def footers(self, file: str) -> None:
        """'第 i / n 页' at the foot of every summary page (the count is known only now)."""
        count = self.doc.page_count
        for page in self.doc:
            text = f"案卷自查结果 · {file} · 第 {page.number + 1} / {count} 页"
            width = self.font.text_length(text, 8.0)
            self._text(page, ((A4.width - width) / 2, A4.height - MARGIN + 4), text, 8.0, GREY)


def _page_runs(pages: list[int], page_count: int, numbers: list[int | None] | None = None) -> list[_Run]:
    """'页码：第3页、第6页' (卷内第1页（PDF第3页） where the stamped number was read) with each page
    a link; a page the file does not have is shown, unlinked."""
    runs = [_Run("页码：", GREY)]
    if not pages:
        return [*runs, _Run("—", GREY)]
    for n, page in enumerate(pages):
        if n:
            runs.append(_Run("、", GREY))
        valid = 1 <= page <= page_count
        runs.append(_Run(page_ref(page, numbers or []), LINK if valid else GREY, page if valid else None))
    return runs


def _document_runs(record: DocumentRecord, page_count: int, numbers: list[int | None] | None = None) -> list[_Run]:
    """'第3–4页 行政处罚决定书 宿环罚〔2023〕120号 2023年9月15日 已盖章', its pages a link."""
    first, last = record.pages
    span = page_span(first, last, numbers or [])
    valid = 1 <= first <= page_count
    runs = [_Run(span, LINK if valid else GREY, first if valid else None),
            _Run(f"  {record.title or type_name(record.type)}")]
    details = [record.number or "", cn_date(record.date) or ""]
    if record.sealed is not None:
        details.append("已盖章" if record.sealed else "未见印章")
    if record.signed is not None:
        details.append("已签名" if record.signed else "未见签名")
    details += [f"{name}未能识读" for name in record.unreadable]
    shown = "  ".join(d for d in details if d)
    return [*runs, _Run(f"  {shown}", GREY)] if shown else runs


_Block = tuple[list[_Run], dict[str, float]]  # a paragraph's runs and its layout arguments


def _item_blocks(writer: _SummaryWriter, item: _Item, page_count: int) -> list[_Block]:
    """'[label] [kind] message', then its 整改建议 and its pages, indented under it."""
    f = item.finding
    head = f"{item.label} "
    hang = writer.font.text_length(head, 10.0)
    return [
        ([_Run(head, item.color), _Run(f"[{item.tag}] ", item.color), _Run(f.message)],
         {"indent": 12.0, "hang": hang, "after": 0.0}),
        ([_Run("整改建议：", GREY), _Run(f.suggestion)],
         {"size": 9.5, "indent": 12.0 + hang, "hang": writer.font.text_length("整改建议：", 9.5), "after": 0.0}),
        (_page_runs(item.pages(), page_count, writer.numbers), {"size": 9.5, "indent": 12.0 + hang, "after": 5.0}),
    ]


def _write_group(writer: _SummaryWriter, category: str, items: list[_Item], page_count: int) -> None:
    """A category's heading and its items, each item kept on one page."""
    blocks = [_item_blocks(writer, item, page_count) for item in items]
    heights = [sum(writer.height(runs, **options) for runs, options in item) for item in blocks]
    writer.heading(f"{category}（{len(items)} 项）", 11.0, following=heights[0])
    for item, height in zip(blocks, heights, strict=True):
        writer.keep(height)
        for runs, options in item:
            writer.paragraph(runs, **options)


def _by_category(items: list[_Item]) -> list[tuple[str, list[_Item]]]:
    """Items grouped in the order of the self-check sheet's rows, rows without items left out."""
    groups = [(c, [i for i in items if i.finding.category == c]) for c in CATEGORIES]
    return [(c, group) for c, group in groups if group]


def _summary(report: Report, items: list[_Item], page_count: int, conclusion: list[str] | None = None
             ) -> tuple[pymupdf.Document, list[tuple[int, pymupdf.Rect, int]]]:
    """The summary pages as their own document, and the links they should carry.

    Made apart from the originals so that subsetting touches only this document's font.
    """
    doc = pymupdf.open()
    writer = _SummaryWriter(doc)
    writer.numbers = archive_numbers(report)
    findings = [i for i in items if not i.review]
    review = [i for i in items if i.review]
    legal = sum(1 for f in report.findings if f.kind == "合法性")
    normative = len(report.findings) - legal

    writer.paragraph([_Run("案卷自查结果", TITLE)], size=20.0, after=2.0)
    writer.paragraph([_Run("文件：", GREY), _Run(report.file, GREY)], size=9.5, after=4.0)
    if findings:
        verdict = f"发现问题 {len(findings)} 项（合法性 {legal} 项，规范性 {normative} 项）"
        color = RED if legal else ORANGE
    else:
        verdict, color = "未发现问题", (0.0, 0.5, 0.2)
    tail = f"，另有 {len(review)} 项待人工核实。" if review else "。"
    writer.paragraph([_Run("自查结论：", INK), _Run(verdict, color), _Run(tail)], size=12.0, after=4.0)
    for line in conclusion or []:  # the review's state; rows judged by rules and those left to a person
        writer.paragraph([_Run(line, INK)], size=10.0, after=2.0)

    sections = iter(SECTION_NUMERALS)
    writer.heading(f"{next(sections)}、案件信息", 13.0, rule=True)
    label_width = writer.font.text_length("决定书日期：", 10.0)
    for attr, name in CASE_FIELDS:
        value = getattr(report.case, attr)
        if isinstance(value, list):
            value = "、".join(value)
        elif attr.endswith("_date"):
            value = cn_date(value)  # as the 自查单 writes it: 2024年5月11日
        runs = [_Run(f"{name}：", GREY), _Run(value) if value else _Run("未识别", GREY)]
        writer.paragraph(runs, indent=12.0, hang=label_width, after=0.0)

    writer.heading(f"{next(sections)}、统计", 13.0, rule=True)
    counts = (f"页数 {report.pages} 页；文书 {len(report.documents)} 份；问题 {len(findings)} 项"
              f"（合法性 {legal} 项，规范性 {normative} 项）；待人工核实 {len(review)} 项")
    writer.paragraph([_Run(counts)], indent=12.0)
    if note := page_number_note(report):  # the stamped numbers a reader of the paper file sees
        writer.paragraph([_Run(note, GREY)], size=9.5, indent=12.0)

    writer.heading(f"{next(sections)}、问题清单（按自查表审查项目）", 13.0, rule=True)
    if not findings:
        writer.paragraph([_Run("未发现问题。", (0.0, 0.5, 0.2))], indent=12.0)
    for category, group in _by_category(findings):
        _write_group(writer, category, group, page_count)

    writer.heading(f"{next(sections)}、待人工核实", 13.0, rule=True)
    if not review:
        writer.paragraph([_Run("无。", GREY)], indent=12.0)
    for category, group in _by_category(review):
        _write_group(writer, category, group, page_count)

    # What the tool took the file to hold: a reviewer checks the findings against it.
    writer.heading(f"{next(sections)}、卷内文书（识别结果）", 13.0, rule=True)
    if not report.documents:
        writer.paragraph([_Run("未识别出文书。", GREY)], indent=12.0)
    for record in report.documents:
        writer.paragraph(_document_runs(record, page_count, writer.numbers), size=9.5, indent=12.0, after=1.0)

    writer.footers(Path(report.file).name)
    writer.flush()
    try:
        # Only the glyphs used are kept: the whole font would add 3.5 MB to every file.
        doc.subset_fonts()
    except Exception:  # a full font is a bigger file, not a wrong one
        log.warning("could not subset the summary font; the annotated PDF embeds it whole", exc_info=True)
    return doc, writer.links


def _shown_box(page: pymupdf.Page, bbox: tuple[float, float, float, float]) -> pymupdf.Rect | None:
    """The padded evidence box clipped to the page as displayed; None when nothing of it is on the page."""
    box = pymupdf.Rect(bbox).normalize()
    box = pymupdf.Rect(box.x0 - PAD, box.y0 - PAD, box.x1 + PAD, box.y1 + PAD) & page.rect
    return None if box.is_empty else box


def _unrotated(page: pymupdf.Page, shown: pymupdf.Rect) -> pymupdf.Rect:
    """Evidence boxes are in displayed coordinates; annotations take the unrotated page's."""
    return (shown * page.derotation_matrix).normalize()


def _add_box(page: pymupdf.Page, shown: pymupdf.Rect, item: _Item, labels: list[pymupdf.Rect]) -> None:
    """A frame around the evidence and its item's label; `labels`: those already on the page (displayed)."""
    annot = page.add_rect_annot(_unrotated(page, shown))
    annot.set_colors(stroke=item.color)
    annot.set_border(width=BORDER)
    annot.set_info(title="casecheck", content=item.note, subject=item.finding.code)
    annot.update()

    # The label sits just above the box's top-left corner, or just inside it at the page's top edge.
    width = pymupdf.get_text_length(item.label, fontname=LABEL_FONT, fontsize=LABEL_SIZE) + 4.0
    height = LABEL_SIZE + 4.0
    y0 = shown.y0 - height if shown.y0 - height >= page.rect.y0 else shown.y0
    place = pymupdf.Rect(shown.x0, y0, shown.x0 + width, y0 + height)
    # Findings on the same words would stack their labels: move along to the right until one is free.
    while any(place.intersects(other) for other in labels) and place.x1 + width <= page.rect.x1:
        place = pymupdf.Rect(place.x0 + width, place.y0, place.x1 + width, place.y1)
    shift = min(0.0, page.rect.x1 - place.x1)  # a box at the right edge: the label ends at the edge
    place = pymupdf.Rect(place.x0 + shift, place.y0, place.x1 + shift, place.y1)
    labels.append(place)
    label = page.add_freetext_annot(_unrotated(page, place), item.label,
                                    fontsize=LABEL_SIZE, fontname=LABEL_FONT, text_color=item.color,
                                    rotate=page.rotation)
    label.set_info(title="casecheck", subject=item.finding.code)  # its content is the label text itself
    label.update(fontsize=LABEL_SIZE, fontname=LABEL_FONT, text_color=item.color, rotate=page.rotation)


def _add_note(page: pymupdf.Page, item: _Item, slot: int) -> None:
    """A sticky note in the displayed page's top-left margin, for evidence with no box."""
    per_row = max(1, int((page.rect.width - MARGIN / 2) // NOTE_STEP))  # many notes wrap onto rows
    x = page.rect.x0 + MARGIN / 4 + slot % per_row * NOTE_STEP
    y = page.rect.y0 + MARGIN / 4 + slot // per_row * NOTE_STEP
    annot = page.add_text_annot(_unrotated(page, pymupdf.Rect(x, y, x, y)).tl, item.note, icon="Comment")
    if page.rotation:
        # On a rotated page the icon's fixed-size square lands beside the point, and `set_rect` moves
        # it by an offset of its own: try once, then shift by what is left to put it at (x, y).
        want = _unrotated(page, pymupdf.Rect(x, y, x + annot.rect.width, y + annot.rect.height))
        tried = annot.rect
        annot.set_rect(tried)
        got = annot.rect
        dx, dy = want.x0 - got.x0, want.y0 - got.y0
        annot.set_rect(pymupdf.Rect(tried.x0 + dx, tried.y0 + dy, tried.x1 + dx, tried.y1 + dy))
    annot.set_colors(stroke=item.color)
    annot.set_info(title="casecheck", content=item.note, subject=item.finding.code)
    annot.update()


def _annotate(doc: pymupdf.Document, offset: int, page_count: int, items: list[_Item]) -> None:
    """Box every piece of evidence on its page (original page p is doc[offset + p - 1])."""
    notes: dict[int, int] = {}  # sticky notes already on a page
    labels: dict[int, list[pymupdf.Rect]] = {}  # labels already on a page
    for item in items:
        for evidence in item.finding.evidence:
            if not 1 <= evidence.page <= page_count:
                log.warning("%s (%s): evidence on page %d of a %d-page file; not annotated",
                            item.label, item.finding.code, evidence.page, page_count)
                continue
            page = doc[offset + evidence.page - 1]
            shown = _shown_box(page, evidence.bbox) if evidence.bbox is not None else None
            if shown is not None:
                _add_box(page, shown, item, labels.setdefault(evidence.page, []))
                continue
            if evidence.bbox is not None:
                log.warning("%s (%s): box %s lies off page %d; noted instead", item.label, item.finding.code,
                            evidence.bbox, evidence.page)
            _add_note(page, item, notes.get(evidence.page, 0))
            notes[evidence.page] = notes.get(evidence.page, 0) + 1


def _localized(report: Report, numbers: list[int | None]) -> Report:
    """The report with its messages' page references given as 卷内第4页（PDF第6页）; not those
    about the stamped numbers themselves (their numbers are in question)."""
    if not numbers:
        return report

    def one(finding: Finding) -> Finding:
        return finding.model_copy(update={"message": shown_message(finding, numbers),
                                          "suggestion": shown_suggestion(finding, numbers)})

    return report.model_copy(update={"findings": [one(f) for f in report.findings],
                                     "review": [one(f) for f in report.review]})


def _page_labels(summary_pages: int, page_count: int, numbers: list[int | None]) -> list[dict]:
    """/PageLabels: the summary 结-1, 结-2…, then each original page its 卷内页码 where known, else
    its PDF page number (PDF-6 in a file with stamped numbers, so no label is given twice)."""
    labels: list[dict] = [{"startpage": 0, "prefix": "结-", "style": "D", "firstpagenum": 1}]
    previous: tuple[str, int] | None = None
    for page in range(1, page_count + 1):
        number = numbers[page - 1] if page <= len(numbers) else None
        label = ("", number) if number is not None else ("PDF-" if numbers else "", page)
        if previous is None or label != (previous[0], previous[1] + 1):
            labels.append({"startpage": summary_pages + page - 1, "prefix": label[0], "style": "D",
                           "firstpagenum": label[1]})
        previous = label
    return labels


def _pdf_text(text: str) -> str:
    """A PDF text string any viewer reads: UTF-16BE with its byte order mark, in hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _set_page_labels(doc: pymupdf.Document, labels: list[dict]) -> None:
    """The catalog's /PageLabels number tree. Written here: PyMuPDF's set_page_labels writes a
    prefix's UTF-8 bytes as they are, which viewers show as mojibake (结- is not Latin-1)."""
    entries = []
    for label in labels:
        prefix = f"/P{_pdf_text(label['prefix'])}" if label["prefix"] else ""
        entries.append(f"{label['startpage']}<</S/{label['style']}{prefix}/St {label['firstpagenum']}>>")
    doc.xref_set_key(doc.pdf_catalog(), "PageLabels", f"<</Nums[{' '.join(entries)}]>>")


# The scan's content turned back upright: upright-page coordinates to the displayed page's
# (PageText.to_page_bbox as a matrix, so the text layer's lines run along the scanned lines).
def _upright_to_displayed(text: PageText) -> pymupdf.Matrix | None:
    w, h = text.width, text.height
    return {90: pymupdf.Matrix(0, -1, 1, 0, 0, w), 180: pymupdf.Matrix(-1, 0, 0, -1, w, h),
            270: pymupdf.Matrix(0, 1, -1, 0, h, 0)}.get(text.rotation)


def _add_text_layer(page: pymupdf.Page, text: PageText) -> int:
    """The OCR lines of a scanned page as invisible text (render mode 3) over the page image,
    each line's size fitted to its read box, so search, selection and copy find the words where
    the image shows them. Pages with their own text layer get nothing. Returns the lines written."""
    if text.source != "ocr" or not text.lines:
        return 0
    font = _cjk_font()
    writer = pymupdf.TextWriter(page.rect)
    written = 0
    for line in text.lines:
        content = " ".join(line.text.split())
        x0, y0, x1, y1 = line.bbox
        natural = font.text_length(content, 1.0) if content else 0.0
        if natural <= 0 or x1 <= x0 or y1 <= y0:
            continue
        # The width read fixes the size: a selection then spans the line as printed. A box much
        # wider than its text (a gap read into it) would give giant glyphs: the height caps it.
        size = min((x1 - x0) / natural, (y1 - y0) * 1.5)
        baseline = y1 - (y1 - y0) * 0.15
        writer.append((x0, baseline), content, font=font, fontsize=size)
        written += 1
    if written:
        turn = _upright_to_displayed(text)
        writer.write_text(page, render_mode=3, morph=(pymupdf.Point(0, 0), turn) if turn else None)
    return written


def _outline(report: Report, items: list[_Item], offset: int, page_count: int) -> list[list[int | str]]:
    """Bookmarks: the summary; each document at its first page, with its findings' pages under it."""
    def entry(item: _Item) -> str:
        message = item.finding.message.replace("\n", " ")
        return f"{item.label} [{item.tag}] {message[:40]}{'…' if len(message) > 40 else ''}"

    numbers = archive_numbers(report)
    documents: list[list[int | str]] = []
    placed: set[str] = set()
    for record in report.documents:
        first, last = record.pages
        if not 1 <= first <= page_count:
            log.warning("document %r starts on page %d of a %d-page file; not in the outline",
                        record.title, first, page_count)
            continue
        title = (record.title or type_name(record.type)).replace("\n", " ")
        span = page_span(first, last, numbers)
        documents.append([1, f"{title}（{span}）", offset + first])
        for item in items:
            inside = [p for p in item.pages() if first <= p <= min(last, page_count)]
            if inside:
                documents.append([2, entry(item), offset + inside[0]])
                placed.add(item.label)
    # Items whose pages fall in no document still get a bookmark, under the summary.
    loose: list[list[int | str]] = []
    for item in items:
        valid = [p for p in item.pages() if 1 <= p <= page_count]
        if item.label not in placed and valid:
            loose.append([2, entry(item), offset + valid[0]])
    return [[1, "案卷自查结果", 1], *loose, *documents]


def render_annotated(report: Report, pdf_path: Path, reviewed: ReviewedCase | None = None,
                     page_texts: list[PageText] | None = None) -> bytes:
    """The original pages with every finding's evidence boxed and commented, after a summary page;
    from the report plus its review (None: no person yet, 机器初查). With the pages as read
    (`page_texts`), the OCR text goes over each scanned page as an invisible, searchable layer."""
    from service.review import apply_review

    reviewed = reviewed or apply_review(report)
    report = reviewed.report
    numbers = archive_numbers(report)
    items = _items(_localized(report, numbers))
    out = pymupdf.open()
    with pymupdf.open(Path(pdf_path)) as original:  # read only: it is never saved
        page_count = original.page_count
        if page_count != report.pages:
            log.warning("report says %d pages, %s has %d", report.pages, pdf_path, page_count)
        summary, links = _summary(report, items, page_count, reviewed.conclusion_lines())
        offset = summary.page_count
        out.insert_pdf(summary)
        summary.close()
        out.insert_pdf(original)

    for index, rect, target in links:  # only pages the file has get a link (see _page_runs)
        out[index].insert_link({"kind": pymupdf.LINK_GOTO, "from": rect, "page": offset + target - 1,
                                "to": pymupdf.Point(0, 0)})
    layered = sum(_add_text_layer(out[offset + text.page - 1], text)
                  for text in page_texts or [] if 1 <= text.page <= page_count)
    _annotate(out, offset, page_count, items)
    out.set_toc(_outline(report, items, offset, page_count))
    _set_page_labels(out, _page_labels(offset, page_count, numbers))
    if layered:
        try:
            out.subset_fonts()  # the text layer's font: only the glyphs it uses
        except Exception:
            log.warning("could not subset the text layer's font; the annotated PDF embeds it whole", exc_info=True)
    out.set_metadata({"title": f"案卷自查结果 - {Path(report.file).name}", "creator": "casecheck"})
    from service.outputs.active_content import strip_active_content

    strip_active_content(out)  # no JavaScript or attached file of the original passes into ours
    data = out.tobytes(garbage=3, deflate=True)
    out.close()
    return data
