"""`CaseView`: the case model seen the way the rules need it.

Documents by type, the dates of the case with how sure each reading is, which receipt serves
which document, what the file says about its procedure (hearing, waiver, extension), and
evidence boxes mapped to the page as the PDF displays it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from checkers.pack import RulePack
from lexicon.dates import cut_year_date, parse_date
from lexicon.numbers import find_numbers, parse_number
from lexicon.sentences import first_of
from lexicon.text import fold, squeeze
from models.case import CaseFile, Document, FieldValue, PageAnalysis, TextLine
from models.doctypes import type_name, types_with
from models.report import BBox, Evidence

# Steps of the procedure whose dates lie within months of each other (evidence and covers may
# carry older dates: a licence's, an ID card's).
_STEP_TYPES = frozenset(types_with("step"))
OUTLIER_DAYS = 200

# A handwritten date read with less confidence than this may be a stroke misread (10 → 20).
HANDWRITING_SURE = 0.97


def _overlap(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


SERVED_TYPES = types_with("served")

_CN_NUMERAL = re.compile(r"[〇○零一二三四五六七八九十]")



@dataclass(frozen=True)
class Dated:
    """A date of the case as read: the day, how sure the reading is, and where it was read."""

    day: dt.date
    confidence: float
    value: FieldValue
    doc: Document
    note: str = ""  # how the day was arrived at when it is not the document's own date
    # How sure the year is: a handwriting or seal doubt about a figure of the day leaves the year
    # alone; a date months away from the rest of the case does not.
    year_confidence: float = 1.0
    # How sure the reading is that the true day is this one *or later*. A seal erases characters
    # (二十三 → 十三, 14 → 4, 11月 → 1月), so a date read under one can only be too early: a
    # finding that holds the more so if the day were later need not doubt it.
    later_confidence: float | None = None

    @property
    def or_later(self) -> float:
        return self.confidence if self.later_confidence is None else self.later_confidence


def iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def number_key(value: str | None) -> tuple[str, int | None, int | None] | None:
    parts = parse_number(value) if value else None
    return parts.key if parts else None


class CaseView:
    def __init__(self, case: CaseFile, pack: RulePack) -> None:
        self.case = case
        self.pack = pack
        self._pages = {p.page: p for p in case.pages}
        self._texts: dict[tuple[int, int, str], str] = {}

    # -- documents and their text -------------------------------------------------------------
    def docs(self, *types: str) -> list[Document]:
        return [d for d in self.case.documents if d.type in types]

    def first(self, doc_type: str) -> Document | None:
        found = self.docs(doc_type)
        return found[0] if found else None

    def page(self, number: int) -> PageAnalysis:
        return self._pages[number]

    def doc_pages(self, doc: Document) -> list[PageAnalysis]:
        return [self._pages[n] for n in range(doc.first, doc.last + 1) if n in self._pages]

    def lines(self, doc: Document) -> list[tuple[int, TextLine]]:
        return [(p.page, line) for p in self.doc_pages(doc) for line in p.text.lines]

    def text(self, doc: Document) -> str:
        """The document's text folded (full-width to ASCII, OCR look-alikes) and without spaces;
        folded once per document, however many rules read it."""
        key = (doc.first, doc.last, doc.type)
        if key not in self._texts:
            self._texts[key] = squeeze(fold("".join(line.text for _, line in self.lines(doc))))
        return self._texts[key]

    # -- how a document is named and pointed at ---------------------------------------------------
    @staticmethod
    def where(doc: Document) -> str:
        return f"第{doc.first}页" if doc.first == doc.last else f"第{doc.first}–{doc.last}页"

    def name(self, doc: Document) -> str:
        """《title》（第3页）: how messages name a document."""
        return f"《{self.title(doc)}》（{self.where(doc)}）"

    @staticmethod
    def title(doc: Document) -> str:
        title = squeeze(doc.title or "")
        return title if 2 <= len(title) <= 30 else type_name(doc.type)

    def evidence(self, page: int, bbox: BBox | None = None, text: str | None = None) -> Evidence:
        """Evidence on a page; `bbox` in upright-page points is mapped to the displayed page."""
        shown = None
        if bbox is not None and page in self._pages:
            shown = tuple(round(v, 1) for v in self._pages[page].text.to_page_bbox(bbox))
        return Evidence(page=page, bbox=shown, text=text)  # type: ignore[arg-type]

    def doc_evidence(self, doc: Document) -> Evidence:
        return self.evidence(doc.first, doc.title_bbox, doc.title or type_name(doc.type))

    def value_evidence(self, value: FieldValue) -> Evidence:
        return self.evidence(value.page, value.bbox, value.raw or value.value)

    def find_line(self, doc: Document, pattern: re.Pattern[str]) -> tuple[int, TextLine] | None:
        for page, line in self.lines(doc):
            if pattern.search(squeeze(fold(line.text))):
                return page, line
        return None

    # -- dates ------------------------------------------------------------------------------------
    def dated(self, doc: Document | None) -> Dated | None:
        if doc is None or doc.fields.date is None:
            return None
        value = doc.fields.date
        day = iso(value.value)
        if day is None:
            return None
        confidence, or_later = self._date_confidence(value)
        return Dated(day, confidence, value, doc, later_confidence=or_later,
                     year_confidence=min(value.confidence, self._outlier_confidence(value)))

    def _outlier_confidence(self, value: FieldValue) -> float:
        day, center = iso(value.value), self._case_center
        if day is not None and center is not None and abs((day - center).days) > OUTLIER_DAYS:
            return 0.5  # a year or month misread: far from every other step of the case
        return 1.0

    def _date_confidence(self, value: FieldValue) -> tuple[float, float]:
        """A date's reading confidence, lowered where the reading is known to go wrong:

        - a handwritten date (a signature's ink lies over it) read below near-certainty: one
          misread stroke (10 → 20) makes a valid wrong date;
        - a seal lying over it, where what was read could be what is left after the seal erased
          a character: on a grey scan any date in Chinese numerals (十四 → 四), a one-figure day
          (14 → 4) or a month 1 or 2 (11 → 1); on a colour scan (the red seal is told from the
          print, yet its ring can still swallow a stroke-light character) a Chinese-numeral day
          that may have lost its tens (二十三 → 十三, 十五 → 五) or a month 1 or 2.

        Returns (confidence, confidence that the true day is this one or later): an erased
        character only ever makes a date read too early. A date whose year the seal cut short and
        the reader restored from the document's own dates is such a date too.
        """
        if cut_year_date(value.raw) and parse_date(value.raw) is None:
            return min(value.confidence, 0.6), 0.9
        page = self._pages.get(value.page)
        if page is None or value.bbox is None or not page.ocr:
            return value.confidence, value.confidence
        confidence = value.confidence
        if confidence < HANDWRITING_SURE and any(_overlap(m.bbox, value.bbox) for m in page.signatures):
            confidence = min(confidence, 0.75)
        confidence = min(confidence, self._outlier_confidence(value))
        day = iso(value.value)
        if day is not None and any(_overlap(seal.bbox, value.bbox) for seal in page.seals):
            chinese = bool(_CN_NUMERAL.search(value.raw))
            if page.grayscale is not False:
                suspect = chinese or day.day < 10 or day.month <= 2
            else:
                suspect = chinese and (day.day < 20 or day.month <= 2)
            if suspect:
                return min(confidence, 0.6), confidence
        return confidence, confidence

    @cached_property
    def _case_center(self) -> dt.date | None:
        """The middle of the case's dates as read: a step months away from it was misread."""
        days = sorted(day for d in self.case.documents if d.type in _STEP_TYPES and d.fields.date
                      and (day := iso(d.fields.date.value)) is not None)
        return days[len(days) // 2] if len(days) >= 5 else None

    def filing_day(self) -> Dated | None:
        """The filing date: the filing approval's, else the 立案日期 the cover or the closing
        approval prints (a born-digital approval's handwritten date is no text). Where a printed
        立案日期 agrees with the approval's handwritten one, the date is as sure as the print."""
        found = self.dated(self.first("filing_approval"))
        printed: list[Dated] = []
        for doc in self.docs("cover", "closing_approval", "internal_approval"):
            value = doc.fields.values.get("filing_date")
            day = iso(value.value) if value else None
            if value is not None and day is not None:
                confidence, or_later = self._date_confidence(value)
                printed.append(Dated(day, confidence, value, doc, later_confidence=or_later))
        if found is None:
            return printed[0] if printed else None
        agreeing = [p.confidence for p in printed if p.day == found.day]
        if agreeing and max(agreeing) > found.confidence:
            return Dated(found.day, max(agreeing), found.value, found.doc,
                         later_confidence=max(max(agreeing), found.or_later))
        return found

    def decision_day(self, doc: Document) -> Dated | None:
        """The decision's date; where it was not read, its service date stands in as the latest it
        can have been made (a decision is served after it is made)."""
        made = self.dated(doc)
        if made is not None:
            return made
        served = self.service_date(doc)
        if served is None:
            return None
        return Dated(served.day, served.confidence, served.value, doc, note="（成文日期未能识读，以送达日期计）")

    # -- procedure --------------------------------------------------------------------------------
    @cached_property
    def procedure(self) -> str:
        """一般程序 unless the file says 简易程序 (or its decision is a 当场 decision)."""
        if self.case.case.case_type == "简易程序":
            return "简易程序"
        if any("当场" in (d.title or "") for d in self.docs("decision")):
            return "简易程序"
        return "一般程序"

    @cached_property
    def hearing_offered(self) -> bool:
        """The notice offers a hearing (LAP art63–64): its title or its rights paragraph says 听证."""
        return any("听证" in self.text(d) for d in self.docs("notice")) or self.hearing_held

    @cached_property
    def hearing_held(self) -> bool:
        if any(re.search(r"听证(笔录|报告)", squeeze(d.title or "")) for d in self.docs("statement_record")):
            return True
        return any(first_of(self.text(d), "hearing_held") for d in self.docs("decision"))

    @cached_property
    def waiver(self) -> Document | None:
        """A written 放弃陈述申辩/听证 statement (LAP art62)."""
        for doc in self.docs("statement_record", "other"):
            if "放弃" in squeeze(doc.title or "") or re.search(r"放弃.{0,6}(陈述|申辩|听证).{0,8}(权利|声明)",
                                                              self.text(doc)[:400]):
                return doc
        return None

    @cached_property
    def waiver_claimed(self) -> bool:
        """The decision says the party gave the rights up in writing."""
        return any(re.search(r"(书面)?声明放弃|明确放弃", self.text(d)) for d in self.docs("decision"))

    @cached_property
    def extension(self) -> Document | None:
        """An approval to extend the case period (办法2023 art57)."""
        for doc in self.docs("internal_approval", "other"):
            title = squeeze(doc.title or "")
            if re.search(r"延期|延长", title) or re.search(r"延长(办案|案件办理)?期限", self.text(doc)[:300]):
                return doc
        return None

    @cached_property
    def suspended(self) -> bool:
        """The file records a 中止 (办法2023 art35): its days do not count toward the case period."""
        return any(re.search(r"中止(调查|案件|审理)", squeeze(d.title or "")) for d in self.case.documents)

    # -- service receipts -------------------------------------------------------------------------
    @cached_property
    def receipt_of(self) -> dict[int, Document]:
        """Served document (by index in the case) → the receipt that serves it.

        A receipt serves the document whose 文号 it cites; else one of the type its 送达文书名称
        names (DOMAIN §4: receipts are matched by 文号 or title). One receipt may serve several
        documents handed over together (决定书 and 责令改正决定书), but one of each type only.
        """
        served = [(i, d) for i, d in enumerate(self.case.documents) if d.type in SERVED_TYPES]
        receipts = self.docs("service_receipt")
        out: dict[int, Document] = {}
        used: set[tuple[int, str]] = set()  # (receipt, type served)

        def take(i: int, doc: Document, receipt: Document) -> None:
            out[i] = receipt
            used.add((id(receipt), doc.type))

        for i, doc in served:
            key = number_key(doc.fields.number.value) if doc.fields.number else None
            for r in receipts:
                # A number two documents share (a defect of its own) must not cross the types.
                kind = r.fields.values.get("served_type")
                fits = kind is None or kind.value in (doc.type, "other") or doc.type in self._named_types(r)
                if key and fits and key in self._cited_keys(r) and (id(r), doc.type) not in used:
                    take(i, doc, r)
                    break
        for i, doc in served:
            if i in out:
                continue
            named = [r for r in receipts if (kind := r.fields.values.get("served_type")) and kind.value == doc.type]
            named += [r for r in receipts if r not in named and doc.type in self._named_types(r)]
            for r in named:
                if (id(r), doc.type) not in used:
                    take(i, doc, r)
                    break
        return out

    def _cited_keys(self, receipt: Document) -> set[tuple[str, int | None, int | None]]:
        keys = set()
        cited = receipt.fields.values.get("served_number")
        if cited is not None and (key := number_key(cited.value)):
            keys.add(key)
        for page in self.doc_pages(receipt):
            for fv in find_numbers(page.text.lines, page.page):
                if key := number_key(fv.value):
                    keys.add(key)
        return keys

    def _named_types(self, receipt: Document) -> set[str]:
        """The served types a receipt's text names (《行政处罚决定书》、《责令改正违法行为决定书》).
        A title wrapped in its cell may have the next cell's label read into it (《责 名称和件数
        令改正违法行为决定书》): its tail names it as well."""
        text = self.text(receipt)
        names = set()
        if re.search(r"责令.{0,6}改正|改正违法行为决定书|限期改正通知书", text):
            names.add("correction_order")
        if re.search(r"处罚(事先)?(（听证）|\(听证\))?告知书|听证告知书", text):
            names.add("notice")
        if re.search(r"(?<!责令改正违法行为)(?<!改正)处罚决定书", text):
            names.add("decision")
        return names

    def receipt_for(self, doc: Document) -> Document | None:
        for i, d in enumerate(self.case.documents):
            if d is doc:
                return self.receipt_of.get(i)
        return None

    @cached_property
    def unknown_receipts(self) -> list[Document]:
        """Receipts whose served document could not be read: they might serve anything."""
        return [r for r in self.docs("service_receipt")
                if "served_type" not in r.fields.values or r.fields.values["served_type"].value == "other"]

    def service_date(self, doc: Document) -> Dated | None:
        receipt = self.receipt_for(doc)
        return self.dated(receipt) if receipt else None
