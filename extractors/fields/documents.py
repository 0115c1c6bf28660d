"""The fields of one document, by document type (CONTRACT.md): its own 文号, its date and the
named values the checkers and the self-check sheet use.

Which date is "the document's date" depends on the type: the signing date in the closing of an
outgoing 文书 (not dates cited in its body), the start of a record, the 负责人 approval on a form,
the recipient's date on a 送达回证, the payment date on a 缴款书. Each type's spec
(models/doctypes.py) says which, the steps that find it and the fields read; this module holds
the readers.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractors.fields import values as V
from extractors.fields.labels import band, find_labels, first_value, label_pattern, left_labels
from lexicon.dates import cut_year_date, date_hits
from lexicon.numbers import confidence_penalty, number_hits, numbers_in, parse_number
from lexicon.text import CJK, Joined, compact, fold, same_row, scan_lines, squeeze
from models.case import DocumentFields, FieldValue, PageText
from models.doctypes import DateStep, spec

log = logging.getLogger(__name__)

@dataclass
class _Doc:
    """One document's pages with the dates and numbers on each, found once."""

    type: str
    pages: list[PageText]
    _dates: dict[int, list[tuple[int, FieldValue]]] = field(default_factory=dict)
    _numbers: dict[int, list[tuple[int, FieldValue]]] = field(default_factory=dict)

    def dates(self, k: int) -> list[tuple[int, FieldValue]]:
        """(line index, date) on page k of the document."""
        if k not in self._dates:
            self._dates[k] = _indexed(self.pages[k], date_hits)
        return self._dates[k]

    def numbers(self, k: int) -> list[tuple[int, FieldValue]]:
        if k not in self._numbers:
            self._numbers[k] = _indexed(self.pages[k], number_hits)
        return self._numbers[k]


def _indexed(page: PageText, finder: Callable[[Joined], list[tuple[int, int, str, float]]]
             ) -> list[tuple[int, FieldValue]]:
    return scan_lines(page.lines, page.page, finder)


# --- 文号 ----------------------------------------------------------------------------------

_BODY_START = label_pattern(*V.PARTY_LABELS["outgoing"])


def _header_limit(page: PageText) -> float:
    """Where the header of an outgoing 文书 ends: the party block or the salutation."""
    for line in page.lines:
        folded = fold(line.text).strip()
        salutation = folded.endswith(":") and len(folded) > 3 and not re.search(r"号|[0-9]", folded)
        if _BODY_START.match(folded) or salutation:
            return line.y0
        if len(squeeze(folded)) > 32 and line.y0 > 0.12 * page.height:
            return line.y0
    return 0.35 * page.height


def header_number(doc: _Doc) -> FieldValue | None:
    """The 文号 printed under the title: in the header, the line it fills most."""
    if not doc.pages:
        return None
    page = doc.pages[0]
    limit = _header_limit(page)
    best: tuple[float, FieldValue] | None = None
    for i, fv in doc.numbers(0):
        line = page.lines[i]
        if line.y0 >= limit:
            continue
        share = len(squeeze(fv.raw)) / max(len(squeeze(line.text)), 1)
        if best is None or share > best[0]:
            best = (share, fv)
    return best[1] if best else None


_CASE_NUMBER_LABELS = ("立案号", "立案编号", "案件编号", "案号", "编号", "立案文号")
_PLAIN_CASE_NUMBER = re.compile(r"[0-9A-Za-z〔〕()（）\[\]【】\-—_/第号字" + CJK + "]{3,30}")


def case_number(pages: Sequence[PageText]) -> FieldValue | None:
    """立案号 as the form prints it: a 文号 (高环立〔2024〕31号) or free-form (2024-031)."""
    for page in pages:
        for hit in find_labels(page, label_pattern(*_CASE_NUMBER_LABELS)):
            if not hit.value:
                continue
            joined = Joined.of(page.page, [page.lines[k] for k in hit.cells])
            found = numbers_in(joined)
            if found:
                s, e, parts = found[0]
                return joined.value(parts.text, s, e, penalty=confidence_penalty(parts))
            plain = _PLAIN_CASE_NUMBER.search(compact(fold(hit.value))[0])
            if plain and re.search(r"[0-9]{2}", plain.group(0)):
                return hit.field_value(plain.group(0), penalty=0.9)
    return None


# --- dates ---------------------------------------------------------------------------------

_AGENCY = re.compile(r"局|厅|委员会|政府|支队|大队|印章|盖章")


def _date_only(line_text: str, fv: FieldValue) -> bool:
    """Whether a date fills its line, as a signing date does (seal noise or the agency name aside)."""
    line = squeeze(line_text)
    raw = squeeze(fv.raw)
    if raw in line:
        rest = line.replace(raw, "", 1)
    elif raw.startswith(line) or line in raw:
        rest = ""  # the line holds the first part of a date joined with the next box
    else:
        rest = line
    rest = re.sub(r"\d{1,2}[时:：]\d{1,2}分?|\d{1,2}时", "", rest)
    return len(rest) <= 4 or (bool(_AGENCY.search(rest)) and len(rest) <= 20)


def closing_date(doc: _Doc) -> FieldValue | None:
    """The signing date of an outgoing 文书: the lowest date standing alone on the last page that
    has one (bottom right, under the agency name, the seal over it)."""
    for k in range(len(doc.pages) - 1, -1, -1):
        page = doc.pages[k]
        alone = [(fv.bbox[1] if fv.bbox else 0.0, fv) for i, fv in doc.dates(k) if _date_only(page.lines[i].text, fv)]
        if alone:
            return max(alone, key=lambda t: t[0])[1]
    return _cut_year_closing(doc)


def _cut_year_closing(doc: _Doc) -> FieldValue | None:
    """A closing date in Chinese numerals whose year the seal cut short (二〇二四年 → 二四年), its
    year restored from the document's own dates: only when exactly one year among them ends in
    the figure that is left. Trusted less (a repair), never guessed."""
    page = doc.pages[-1]
    for line in reversed(page.lines):
        if line.center[0] < 0.45 * page.width or len(squeeze(line.text)) > 16:
            continue
        cut = cut_year_date(line.text)
        if cut is None:
            continue
        last, month, day = cut
        years = {int(fv.value[:4]) for k in range(len(doc.pages)) for _, fv in doc.dates(k)}
        matching = {y for y in years if y % 10 == last}
        if len(matching) != 1:
            return None
        year = matching.pop()
        try:
            value = dt.date(year, month, day)
        except ValueError:
            return None
        return FieldValue(value=value.isoformat(), page=page.page, bbox=line.bbox, raw=line.text,
                          confidence=round(min(line.confidence, 0.7), 3))
    return None


def labelled_date(doc: _Doc, labels: Sequence[str], *, pages: int = 1, row: bool = True) -> FieldValue | None:
    """The first date on the line (or row) of a label: 检查时间：2024年5月11日9时30分至…"""
    pattern = label_pattern(*labels)
    for k in range(min(pages, len(doc.pages))):
        page = doc.pages[k]
        for hit in find_labels(page, pattern, reject=re.compile(r"\s*(?:为|是|的|已|内)")):
            cells = {hit.index, *hit.cells}
            if row:
                cells |= {j for j, line in enumerate(page.lines) if j > hit.index and _same_row_right(page, hit.index, j)}
            for i, fv in doc.dates(k):
                if i in cells and (i != hit.index or _after_label(page, hit.index, hit.label_start, fv)):
                    return fv
    return None


def _same_row_right(page: PageText, i: int, j: int) -> bool:
    a, b = page.lines[i], page.lines[j]
    top, bottom = max(a.y0, b.y0), min(a.y1, b.y1)
    return bottom - top >= 0.5 * min(a.height, b.height) and b.x0 >= a.x0


def _after_label(page: PageText, i: int, label_start: int, fv: FieldValue) -> bool:
    line = page.lines[i]
    if fv.bbox is None:
        return True
    x_label = line.x0 + (line.x1 - line.x0) * label_start / max(len(line.text), 1)
    return fv.bbox[0] >= x_label - 1


def band_dates(doc: _Doc, labels: Sequence[str]) -> list[FieldValue]:
    """Dates in the form rows of these labels (a signature cell's handwritten date), top down."""
    pattern = label_pattern(*labels)
    out: list[FieldValue] = []
    for k, page in enumerate(doc.pages):
        column = set(left_labels(page))
        for hit in find_labels(page, pattern):
            if hit.index not in column and not hit.colon:
                continue
            line = page.lines[hit.index]
            # A form row's band; for "label：value" prose, its own line (and a date just under it).
            top, bottom = band(page, hit.index) if hit.index in column else (line.y0 - 0.3 * line.height,
                                                                             line.y1 + 0.6 * line.height)
            for _i, fv in doc.dates(k):
                if fv.bbox and top <= (fv.bbox[1] + fv.bbox[3]) / 2 < bottom and fv not in out:
                    out.append(fv)
    return out


_FIELD_LABEL = re.compile(r"(时间|日期)[:：]?$")


def _field_value(page: PageText, i: int) -> bool:
    """Whether line i is the value of a 时间/日期 field (立案时间 | 2025年4月16日): not a signing date."""
    line = page.lines[i]
    return any(same_row(line, other) and other.x1 <= line.x0 + 2 and _FIELD_LABEL.search(squeeze(other.text))
               for other in page.lines if other is not line)


def last_alone(doc: _Doc) -> FieldValue | None:
    """The latest date among dates that stand alone on their line (signature dates of a form),
    leaving out the values of the form's own date fields (立案时间, 缴款日期)."""
    alone = [fv for k, page in enumerate(doc.pages) for i, fv in doc.dates(k)
             if _date_only(page.lines[i].text, fv) and not _field_value(page, i)]
    return max(alone, key=lambda fv: fv.value) if alone else None


def first_date(doc: _Doc) -> FieldValue | None:
    for k in range(len(doc.pages)):
        if doc.dates(k):
            return doc.dates(k)[0][1]
    return None


_LEADER = ("负责人审批意见", "局领导审批意见", "机关负责人意见", "机关负责人审批意见", "负责人意见", "领导审批意见", "审批意见",
           "局长意见", "负责人审批", "分管领导意见", "主要负责人意见", "审批人")


def header_date(doc: _Doc) -> FieldValue | None:
    """A record with no time label read: the first date in its header, trusted less."""
    if doc.pages:
        page = doc.pages[0]
        top = [fv for i, fv in doc.dates(0) if page.lines[i].y0 < 0.35 * page.height]
        if top:
            return top[0].model_copy(update={"confidence": round(top[0].confidence * 0.8, 3)})
    return None


def leader_date(doc: _Doc) -> FieldValue | None:
    """The 负责人's approval on a form: the latest date in the approval rows."""
    leader = band_dates(doc, _LEADER)
    return max(leader, key=lambda fv: fv.value) if leader else None


def _receipt_date(doc: _Doc) -> FieldValue | None:
    """送达时间 as filled in, else the date the recipient (or 留置 witness) signed (民诉法 art87);
    trusted less when the receipt's other dates (the server's) say otherwise."""
    candidates: list[FieldValue] = []
    found = labelled_date(doc, ("送达时间", "送达日期", "签收时间", "签收日期", "收件日期", "收到日期", "接收时间", "送达时间及地点"))
    if found:
        candidates.append(found)
    for labels in (("收件人签名或盖章", "收件人签名", "收件人", "受送达人签名或盖章", "受送达人签名", "受送达人（签名）",
                    "签收人", "代收人", "代收人签名", "签收"), ("见证人", "见证人签名"), ("送达人", "送达人签名")):
        dates = band_dates(doc, labels)
        if dates:
            candidates.append(dates[-1])
    if not candidates:
        return last_alone(doc)
    chosen = candidates[0]
    if any(c.value != chosen.value for c in candidates[1:]):
        chosen = chosen.model_copy(update={"confidence": round(chosen.confidence * 0.6, 3)})
    return chosen


# How each step of a type's `date_steps` reads (models/doctypes.py).
_DATE_STEPS: dict[DateStep, Callable[[_Doc, Sequence[str]], FieldValue | None]] = {
    "closing": lambda doc, _labels: closing_date(doc),
    "labelled": lambda doc, labels: labelled_date(doc, labels) if labels else None,
    "header": lambda doc, _labels: header_date(doc),
    "leader": lambda doc, _labels: leader_date(doc),
    "last_alone": lambda doc, _labels: last_alone(doc),
    "first": lambda doc, _labels: first_date(doc),
    "receipt": lambda doc, _labels: _receipt_date(doc),
}


def document_date(doc: _Doc) -> FieldValue | None:
    """The document's own date: its type's steps (models/doctypes.py) tried in order."""
    kind = spec(doc.type)
    for step in kind.date_steps:
        found = _DATE_STEPS[step](doc, kind.date_labels)
        if found is not None:
            return found
    return None


# --- the document --------------------------------------------------------------------------


def _set(fields: DocumentFields, name: str, value: FieldValue | None) -> None:
    if value is not None and value.value:
        fields.values[name] = value


def _party(doc: _Doc, letter: bool) -> FieldValue | None:
    """The party: a letter's 当事人 block or salutation, else after its type's labels."""
    own = spec(doc.type).party_labels
    if letter and not own:
        found = V.party_from_labels(doc.pages[:1], V.PARTY_LABELS["outgoing"])
        if found or not doc.pages:
            return found
        page = doc.pages[0]
        number = header_number(doc)
        after = number.bbox[3] if number and number.bbox else 0.0
        return V.party_from_salutation(page, after)
    return V.party_from_labels(doc.pages[:1], own or V.PARTY_LABELS["form"])


def _cause(doc: _Doc, party: str | None) -> FieldValue | None:
    hit = first_value(doc.pages[:1], label_pattern("案由", "违法行为", "案件事由"), continuation=2)
    if hit:
        cause = V.clean_cause(hit.value, party)
        if len(cause) >= 4:
            return hit.field_value(cause)
    return None


def _case_name(doc: _Doc) -> FieldValue | None:
    hit = first_value(doc.pages[:1], label_pattern("案件名称", "讨论案件", "案名"),
                      continuation=2)
    return hit.field_value(squeeze(hit.value)) if hit else None


# The party's label with nothing after it (当事人：＿＿＿): printed, but no name was read.
_BLANK_PARTY = re.compile(r"^(当事人|被检查(单位|人)|受送达人)(名称)?[:：]?[_＿\s]*$")


def _labelled_number(doc: _Doc, labels: Sequence[str]) -> FieldValue | None:
    for page in doc.pages:
        for hit in find_labels(page, label_pattern(*labels)):
            joined = Joined.of(page.page, [page.lines[k] for k in hit.cells])
            found = numbers_in(joined)
            if found:
                s, e, parts = found[0]
                return joined.value(parts.text, s, e, penalty=confidence_penalty(parts))
    return None


def _cited_notice(doc: _Doc) -> FieldValue | None:
    """The notice number a decision cites (以《行政处罚事先告知书》（X环罚告〔2024〕12号）告知…)."""
    for k in range(len(doc.pages)):
        for _i, fv in doc.numbers(k):
            parts = parse_number(fv.value)
            if parts and parts.kind == "notice":
                return fv
    return None


def _unreadable_number(doc: _Doc) -> str | None:
    """Text in the header that looks like a 文号 (a type character or bracket with figures next
    to it) but did not read as one."""
    if not doc.pages:
        return None
    page = doc.pages[0]
    limit = _header_limit(page)
    for line in page.lines:
        if line.y0 >= limit:
            break
        text = squeeze(fold(line.text))
        if re.fullmatch(r"[\[(【]?[0-9]{1,8}[\])】]?", text):
            continue  # a stamped page number (000010, [12]) in the header corner
        if re.search(r"[罚告改立字〔〕\[\]【】()][0-9OoIl]{2,}|[0-9]{1,5}[号弓]$", text):
            return line.text
    return None


_AGENCY_LINE = re.compile(r"(?:局|厅|政府|委员会|分局|支队)$")
_DATE_BITS = re.compile(r"[0-9〇○零一二三四五六七八九十]\s*[年月日]|[年月]\s*[0-9〇○零一二三四五六七八九十]|^\s*[年月日]\s*$")
_PLACEHOLDER = re.compile(r"^[\s_＿/]*年[\s_＿/]*月[\s_＿/]*日[\s_＿/]*$")


def _unreadable_date(doc: _Doc) -> str | None:
    """Why an outgoing 文书 with a closing (agency name bottom right) gave no date: fragments of a
    date, or seal text, where the date belongs. A printed blank 年 月 日, or nothing at all there,
    is an absent date, not an unreadable one."""
    for k in range(len(doc.pages) - 1, -1, -1):
        page = doc.pages[k]
        top = _header_limit(page) if k == 0 else 0.0
        closing = [ln for ln in page.lines if ln.center[0] > 0.5 * page.width and ln.y0 > top
                   and len(squeeze(ln.text)) <= 24 and _AGENCY_LINE.search(squeeze(ln.text))]
        if not closing:
            continue
        unit = sorted(ln.height for ln in page.lines)[len(page.lines) // 2]  # a body line's height
        agency = max(closing, key=lambda ln: ln.y0)
        near = [ln for ln in page.lines if ln is not agency and ln.x1 > 0.4 * page.width
                and len(squeeze(ln.text)) <= 20 and agency.y0 - 3 * unit <= ln.center[1] <= agency.y1 + 4 * unit]
        if any(_PLACEHOLDER.match(fold(ln.text)) for ln in near):
            return None
        bits = [ln.text for ln in near if _DATE_BITS.search(fold(ln.text))]
        if bits:
            return f"落款日期未能识读：{' '.join(bits)}"
        # Seal text (tall, curved, poorly read) or an agency name the seal left in pieces (…局).
        seal = [ln.text for ln in [agency, *near] if ln.height > 2.2 * unit or "章" in ln.text
                or (ln.confidence < 0.8 and re.search(f"[{CJK}]", ln.text))
                or (ln is agency and len(squeeze(ln.text)) < 5)]
        if seal:
            return f"落款日期处有印章遮盖，未能识读（{' '.join(seal)}）"
        return None
    # No agency line read either (the seal over both): date fragments under the last body line.
    page = doc.pages[-1]
    body = [ln.y1 for ln in page.lines if len(squeeze(ln.text)) > 24]
    below = max(body, default=_header_limit(page) if len(doc.pages) == 1 else 0.0)
    bits = [ln.text for ln in page.lines if ln.y0 >= below and ln.center[0] > 0.5 * page.width
            and len(squeeze(ln.text)) <= 20 and _DATE_BITS.search(fold(ln.text))]
    if bits and not any(_PLACEHOLDER.match(fold(b)) for b in bits):
        return f"落款日期未能识读：{' '.join(bits)}"
    return None


def extract_fields(doc_type: str, pages: list[PageText]) -> DocumentFields:
    """The fields of one document of type `doc_type` spread over `pages` (in order): those its
    spec (models/doctypes.py) lists, read where its layout puts them."""
    doc = _Doc(type=doc_type, pages=[p for p in pages if p.lines] or pages)
    fields = DocumentFields()
    if not doc.pages:
        return fields
    kind = spec(doc_type)
    wanted = set(kind.fields)
    letter = kind.layout == "letter"

    # The document's own 文号; a form that prints the 立案号 has that for its number.
    if "number" in wanted:
        own_case_number = case_number(doc.pages[:1]) if "case_number" in wanted else None
        fields.number = own_case_number or header_number(doc)
        if "case_number" in wanted:
            _set(fields, "case_number", fields.number)
    if fields.number is None and kind.numbered and (raw := _unreadable_number(doc)):
        fields.unreadable["number"] = f"文号未能识读：{raw}"

    fields.date = document_date(doc)
    if fields.date is None and letter and (why := _unreadable_date(doc)):
        fields.unreadable["date"] = why
    if kind.date_is is not None:
        _set(fields, kind.date_is, fields.date)

    party = _party(doc, letter) if "party" in wanted else None
    _set(fields, "party", party)
    if "party" in wanted and party is None and any(
            _BLANK_PARTY.match(squeeze(fold(line.text))) for page in doc.pages[:1] for line in page.lines):
        fields.unreadable["party"] = "当事人一栏空白或未能识读"
    party_name = party.value if party else None

    if "cause" in wanted:
        _set(fields, "cause", _cause(doc, party_name))
    if "case_name" in wanted:
        _set(fields, "case_name", _case_name(doc))
    if "case_number" in wanted and "number" not in wanted:
        _set(fields, "case_number", case_number(doc.pages[:1]))
    if "closing_date" in wanted:
        _set(fields, "closing_date", labelled_date(doc, ("结案日期", "结案时间")))
    if "filing_date" in wanted:
        _set(fields, "filing_date", labelled_date(doc, ("立案时间", "立案日期")))
    if "decision_number" in wanted:
        _set(fields, "decision_number", _labelled_number(doc, ("处罚决定书文号", "决定书文号", "处罚决定文号", "处罚文号",
                                                                "决定文号")))
    if "notice_number" in wanted:
        _set(fields, "notice_number", _cited_notice(doc))

    if "penalty" in wanted:
        _set(fields, "penalty", V.penalty(doc.pages))
    if "amount" in wanted:
        _set(fields, "amount", V.amount(doc.pages))

    if "officers" in wanted:
        names, ids = V.officers(doc.pages)
        if names:
            fields.lists["officers"] = names
        if ids:
            fields.lists["officer_ids"] = ids
        if kind.layout == "record" and not names:
            fields.unreadable["officers"] = "未读出执法人员姓名"  # a record names who took it
        if kind.layout == "record":
            rec_names, rec_ids = V.recorders(doc.pages)
            if rec_names:
                fields.lists["recorders"] = rec_names
            if rec_ids:
                fields.lists["recorder_ids"] = rec_ids

    if "officers_in_prose" in wanted and (named := V.officers_in_prose(doc.pages)):
        fields.lists["officers"] = named

    if "served" in wanted:
        _receipt_values(doc, fields)

    if "case_type" in wanted:
        _set(fields, "case_type", V.case_type(doc.pages))
    if "agency" in wanted:
        _set(fields, "agency", V.agency(doc.pages))
    log.debug("%s p%d: number=%s date=%s", doc_type, doc.pages[0].page, fields.number and fields.number.value,
              fields.date and fields.date.value)
    return fields


def _receipt_values(doc: _Doc, fields: DocumentFields) -> None:
    title, number, _hit = V.served_document(doc.pages)
    if number is None:
        # Templates with a row of its own for the 文号, else the one number the receipt carries.
        number = _labelled_number(doc, ("送达文书文号", "文书文号", "文书编号", "文号"))
    if number is None:
        number = next((fv for k in range(len(doc.pages)) for _, fv in doc.numbers(k)), None)
        if number is not None:
            number = number.model_copy(update={"confidence": round(number.confidence * 0.8, 3)})
    _set(fields, "served_title", title)
    _set(fields, "served_number", number)
    parts = parse_number(number.value) if number else None
    kind = V.served_type(title.value if title else None, parts.kind if parts else None)
    if title or number:
        anchor = title or number
        assert anchor is not None
        fields.values["served_type"] = anchor.model_copy(update={"value": kind})
    else:
        fields.unreadable["served_title"] = "未读出送达文书名称"
    if "party" in fields.values:
        fields.values["recipient"] = fields.values["party"]
    _set(fields, "service_method", V.service_method(doc.pages))
    if fields.date is not None:
        fields.values["service_date"] = fields.date
    else:
        fields.unreadable.setdefault("date", "未读出送达（签收）日期")
