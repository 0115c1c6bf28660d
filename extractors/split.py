"""Splitting a case file into its documents.

Cues, strongest first: a printed title at the top of a page starts a document; a document's own
page counter ("第2页 共3页") keeps a repeated title from splitting a record; the 卷内目录 maps the
stamped archive page numbers to documents, which places documents without a recognisable title
(photos, copies of licences) and corrects titles OCR misread; a title lower on a page starts a
document that shares the page with the one before. Pages without any cue (blank backs,
continuation pages) belong to the document before them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from extractors.classify import PageClass, match_title, title_key
from lexicon.text import squeeze
from models.case import Document, PageAnalysis, PageText, TextLine
from models.report import BBox

# Stamped numbers may carry leading zeros from a numbering machine (000014) or brackets.
_ARCHIVE_NUMBER = re.compile(r"^[第\[【(（]?\s*0*(\d{1,3})\s*[页\]】)）]?$")
_RANGE = re.compile(r"^(\d{1,3})\s*[-—–~～至]+\s*(\d{1,3})$")
_SINGLE = re.compile(r"^(\d{1,3})$")
# The 责任者 column names an agency or company; the 日期 column holds a date.
_NOT_TITLE_CELL = re.compile(r"(局|公司|厂|队|中心|院|所|站|委员会)$|\d+\s*年|年\s*\d+\s*月")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_COVER_FIELDS = re.compile(r"案件名称|案卷题名|保管期限|归档号|立卷人|全宗号|卷内.{0,2}件数|本卷共")


@dataclass(frozen=True)
class TocEntry:
    doc_type: str
    title: str
    first: int  # archive page numbers, inclusive
    last: int
    page: int  # the toc page it was read on (1-based)
    bbox: BBox


def archive_number(text: PageText) -> tuple[int, BBox] | None:
    """The stamped 卷内页码: a bare 1–3 digit number in a top or bottom corner margin.

    Centred page footers like "-2-" are a document's own page numbers, not archive numbers.
    """
    best: tuple[float, int, BBox] | None = None
    for line in text.lines:
        raw = line.text.strip()
        if raw.startswith(("-", "—", "－")) or raw.endswith(("-", "—", "－")):
            continue
        m = _ARCHIVE_NUMBER.match(raw.replace(" ", ""))
        if not m:
            continue
        cx, cy = line.center
        in_margin = cy < text.height * 0.1 or cy > text.height * 0.9
        if not in_margin:
            continue
        right = cx / max(text.width, 1.0)
        if right < 0.55:
            continue
        score = right + (0.2 if cy < text.height * 0.1 else 0.0) + line.confidence * 0.2
        if best is None or score > best[0]:
            best = (score, int(m.group(1)), line.bbox)
    if best is None or best[1] == 0:
        return None
    return best[1], best[2]


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: ln.center[1]):
        if rows:
            ref = rows[-1][0]
            if abs(line.center[1] - ref.center[1]) < max(ref.height, line.height) * 0.6:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [sorted(r, key=lambda ln: ln.x0) for r in rows]


def parse_toc(text: PageText) -> list[TocEntry]:
    """Rows of a 卷内目录: each row's title (typed by the lexicon) and its archive page range."""
    entries: list[TocEntry] = []
    for row in _rows(text.lines):
        pages: tuple[int, int] | None = None
        for cell in reversed(row):  # 页号 is the last or next-to-last column
            raw = cell.text.replace(" ", "")
            m = _RANGE.match(raw) or _SINGLE.match(raw)
            if m:
                first = int(m.group(1))
                last = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else first
                if 0 < first <= last < 1000:
                    pages = (first, last)
                break
        if pages is None:
            continue
        title_cell = None
        for cell in row:
            if match_title(cell.text):
                title_cell = cell
                break
        if title_cell is None:
            # A title the lexicon does not know: in a penalty file that is nearly always one of
            # the many kinds of evidence material (备案材料, 合同, third-party reports).
            cells = [c for c in row if len(_CJK.findall(c.text)) >= 3 and not _NOT_TITLE_CELL.search(c.text)]
            if not cells:
                continue
            title_cell = max(cells, key=lambda c: len(_CJK.findall(c.text)))
        doc_type = match_title(title_cell.text) or "evidence"
        x0 = min(c.x0 for c in row)
        y0 = min(c.y0 for c in row)
        x1 = max(c.x1 for c in row)
        y1 = max(c.y1 for c in row)
        entries.append(TocEntry(doc_type, title_key(title_cell.text), pages[0], pages[1], text.page,
                                (x0, y0, x1, y1)))
    return entries


# A carrier's record of a posted document: tracking number and delivery (妥投) state.
_POSTAL_PROOF = re.compile(r"妥投|邮件号|运单号|快递单号|挂号信|邮件详情|投递状态|邮件轨迹|签收人.{0,6}(本人|他人|代收)")


def looks_like_cover(text: PageText) -> bool:
    return len(_COVER_FIELDS.findall(text.text)) >= 2


def split_documents(pages: list[PageAnalysis], classes: list[PageClass]) -> list[Document]:
    """Documents in file order; page types are set on `pages` as a side effect."""
    toc: list[TocEntry] = []
    for page, cls in zip(pages, classes, strict=True):
        if cls.doc_type == "toc":
            toc.extend(parse_toc(page.text))
    toc_by_start = {e.first: e for e in toc}

    def toc_entry(number: int | None) -> TocEntry | None:
        if number is None:
            return None
        for entry in toc:
            if entry.first <= number <= entry.last:
                return entry
        return None

    documents: list[Document] = []
    current: Document | None = None
    current_entry: TocEntry | None = None

    def start(doc_type: str, index: int, title: str | None, bbox: BBox | None) -> Document:
        nonlocal current
        doc = Document(type=doc_type, title=title, title_bbox=bbox, first=index, last=index)  # type: ignore[arg-type]
        documents.append(doc)
        current = doc
        return doc

    numbers = _bridged_numbers(pages)
    for page, cls in zip(pages, classes, strict=True):
        number = numbers[page.page - 1]
        entry = toc_entry(number)
        n = page.page
        if (cls.starts and cls.doc_type == "evidence" and current is not None and current.type == "evidence"
                and entry is not None and entry is current_entry and entry.doc_type == "evidence"
                and number != entry.first and not cls.more):
            # Another titled photo or sheet inside the span the 卷内目录 lists as one piece of
            # evidence (现场照片及说明 5-8): it belongs to that piece, as the file's own index says.
            current.last = n
            continue
        if (cls.starts and cls.doc_type in ("evidence", "other") and current is not None
                and current.type == "service_receipt" and _POSTAL_PROOF.search(squeeze(page.text.text))):
            # The postal proof of a 邮寄送达 (EMS 邮件详情单, 妥投 record) filed behind its 回证 is
            # part of the service record, whatever its own heading.
            current.last = n
            continue
        if cls.starts and cls.doc_type:
            start(cls.doc_type, n, cls.title, cls.title_bbox)
            current_entry = entry
        elif current is None:
            if looks_like_cover(page.text):
                start("cover", n, None, None)
            elif entry is not None:
                start(entry.doc_type, n, entry.title, None)
                current_entry = entry
            else:
                start(cls.doc_type or "other", n, cls.title, cls.title_bbox)
        elif (not page.blank and entry is not None and number in toc_by_start
              and entry is not current_entry and not (cls.page_of and cls.page_of[0] > 1)):
            # The 卷内目录 says a document starts on this archive page though no title was read.
            start(cls.doc_type or entry.doc_type, n, entry.title, None)
            current_entry = entry
        else:
            current.last = n
        for hit in cls.more:
            # A second document begins lower on this page: the one before ends here.
            start(hit.doc_type, n, hit.text, hit.bbox)
        assert current is not None
        current.last = max(current.last, n)
    return documents


def _bridged_numbers(pages: list[PageAnalysis]) -> list[int | None]:
    """Each page's 卷内页码 as read, with a run of unread ones filled in where the numbers read on
    both sides agree with the pages between (7 ? ? 10 over four pages): the 卷内目录's spans can
    then be followed across a page whose stamp was not read."""
    numbers: list[int | None] = [p.archive_number for p in pages]
    known = [i for i, v in enumerate(numbers) if v is not None]
    for a, b in itertools.pairwise(known):
        va, vb = numbers[a], numbers[b]
        assert va is not None and vb is not None
        if b - a > 1 and vb - va == b - a and not any(pages[i].blank for i in range(a + 1, b)):
            for i in range(a + 1, b):
                numbers[i] = va + (i - a)
    return numbers


def page_types(documents: list[Document], page_count: int) -> list[str]:
    """Each page's type: the document the page's top belongs to (the first, on a shared page)."""
    types = ["other"] * page_count
    assigned = [False] * page_count
    for doc in documents:
        for n in range(doc.first, doc.last + 1):
            if not assigned[n - 1]:
                types[n - 1] = doc.type
                assigned[n - 1] = True
    return types
