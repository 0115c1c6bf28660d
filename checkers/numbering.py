"""Numbering: each outgoing document's 文号 — present, well formed, of its year, consistent across
the case, not shared by two documents, and cited rightly by the receipts and the decision."""

from __future__ import annotations

from collections.abc import Iterator

from checkers.base import DOUBTFUL, Hit, level_if, rule
from checkers.context import CaseView, Dated
from lexicon.numbers import NumberParts, parse_number
from models.case import Document, FieldValue
from models.doctypes import types_with

NUMBERED = types_with("numbered")

# Below this reading confidence a 文号 is too uncertain to call wrong.
SURE_READING = 0.85

_MALFORMED = {
    "no_brackets": "年份未用六角括号〔〕括入",
    "brackets": "年份括号应为六角括号〔〕",
    "short_year": "年份应写全四位",
    "di": "序号前不应加“第”字",
    "zero_padded": "序号不应编虚位（如 001）",
    "missing_hao": "序号后缺“号”字",
    "empty_year": "年份空缺",
    "empty_seq": "序号空缺",
    "digits": "年份、序号应使用阿拉伯数字",
}
# Read by OCR with at least this confidence, a number without 号 was seen clearly: 号 is missing.
CLEAR_READING = 0.95


def _parts(fv: FieldValue | None) -> NumberParts | None:
    return parse_number(fv.value) if fv else None


def _numbered(view: CaseView) -> list[tuple[Document, FieldValue, NumberParts]]:
    out = []
    for doc in view.docs(*NUMBERED):
        fv = doc.fields.number
        parts = _parts(fv)
        if fv is not None and parts is not None:
            out.append((doc, fv, parts))
    return out


@rule("number.missing.<type>", title="文书未编文号",
      basis=(
          "《党政机关公文格式》（GB/T 9704-2012）7.2.5",
      ))
def number_missing(view: CaseView) -> Iterator[Hit]:
    """An outgoing 文书 (告知书, 决定书, 责令改正决定书) carries no 文号.

    GB/T 9704-2012 §7.2.5 (发文字号); 评查指南 文书规范: 文书应当编号. A number that was printed but
    could not be read is a question for review, not a defect.
    """
    for doc in view.docs(*NUMBERED):
        if doc.fields.number is not None:
            continue
        unreadable = doc.fields.unreadable.get("number")
        yield Hit(
            code=f"number.missing.{doc.type}",
            message=f"{view.name(doc)}未编文号" + (f"（{unreadable}）" if unreadable else ""),
            suggestion=f"按“机关代字〔年份〕序号号”为{view.title(doc)}编制文号",
            evidence=[view.doc_evidence(doc)],
            level=level_if(not unreadable),
        )


@rule("number.malformed.<type>", title="文号格式不规范",
      basis=(
          "《党政机关公文格式》（GB/T 9704-2012）7.2.5",
      ))
def number_malformed(view: CaseView) -> Iterator[Hit]:
    """The 文号 does not read as 机关代字〔年份〕序号号.

    GB/T 9704-2012 §7.2.5: 年份、发文顺序号用阿拉伯数字标注；年份应标全称，用六角括号“〔〕”括入；
    发文顺序号不加“第”字，不编虚位（即 1 不编为 01）. 字 before 〔 is tolerated practice.
    """
    for doc, fv, parts in _numbered(view):
        printed = view.page(fv.page).text.source == "text_layer"
        as_read = parse_number(fv.raw, exact=printed) if fv.raw else None
        if printed:
            # A text layer holds exactly what was printed: judged as printed, nothing repaired.
            parts = as_read or parts
            doubtful = False
        else:
            doubtful = fv.confidence < SURE_READING or (
                parts.doubtful and not (parts.malformed == "missing_hao" and fv.confidence >= CLEAR_READING))
            if parts.well_formed and as_read is not None and {"bracket", "one_bracket"} & set(as_read.repairs):
                # OCR read other brackets round the year: the print may be wrong or the reading.
                yield Hit(
                    code=f"number.malformed.{doc.type}",
                    message=f"{view.name(doc)}文号识读为“{fv.raw}”，年份括号是否为六角括号〔〕无法确认",
                    suggestion="核对原件：文号年份应用六角括号“〔〕”括入",
                    evidence=[view.value_evidence(fv)],
                    level=DOUBTFUL,
                )
                continue
        if parts.well_formed:
            continue
        why = _MALFORMED.get(parts.malformed or "", "格式不符合“机关代字〔年份〕序号号”")
        yield Hit(
            code=f"number.malformed.{doc.type}",
            message=f"{view.name(doc)}文号“{fv.raw or fv.value}”格式不规范：{why}",
            suggestion=f"文号应写作“{parts.code}〔{parts.year or '年份'}〕{parts.seq or '序号'}号”的形式",
            evidence=[view.value_evidence(fv)],
            level=level_if(not doubtful),
        )


@rule("number.year_mismatch.<type>", title="文号年份与成文日期不符",
      basis=(
          "《党政机关公文格式》（GB/T 9704-2012）7.2.5",
      ))
def number_year(view: CaseView) -> Iterator[Hit]:
    """The year in the 文号 is not the year the document was made.

    GB/T 9704-2012 §7.2.5: the 年份 of a 发文字号 is the year of issue (成文日期).
    """
    for doc, fv, parts in _numbered(view):
        if parts.year is None:
            continue
        dated = view.dated(doc)
        bounds = _year_bounds(view, doc)
        # The date read (its year sure enough), else the steps before and after it, which may
        # fix its year though the date itself was not read (or read only in part).
        lower, upper = bounds if bounds else (None, None)
        bounded = (lower is not None and upper is not None and lower.day.year == upper.day.year
                   and min(lower.year_confidence, upper.year_confidence) >= SURE_READING)
        if dated is not None and (dated.year_confidence >= SURE_READING or not bounded):
            if parts.year == dated.day.year:
                continue
            level = level_if(min(fv.confidence, dated.year_confidence) >= SURE_READING)
            evidence = [view.value_evidence(fv), view.value_evidence(dated.value)]
            made = f"成文日期为{dated.day.isoformat()}"
        elif lower is not None and upper is not None and lower.day.year == upper.day.year:
            if parts.year == lower.day.year:
                continue
            level = level_if(min(fv.confidence, lower.year_confidence, upper.year_confidence) >= SURE_READING)
            evidence = [view.value_evidence(fv), view.value_evidence(lower.value), view.value_evidence(upper.value)]
            made = (f"成文日期{'未能识读' if dated is None else '识读存疑'}，但其前后程序"
                    f"（{lower.day.isoformat()}、{upper.day.isoformat()}）均在{lower.day.year}年")
        else:
            continue
        yield Hit(
            code=f"number.year_mismatch.{doc.type}",
            message=f"{view.name(doc)}文号年份为{parts.year}年，而{made}",
            suggestion="核实成文日期与文号年份，文号年份应与发文年份一致",
            evidence=evidence,
            level=level,
        )


def _year_bounds(view: CaseView, doc: Document) -> tuple[Dated, Dated] | None:
    """The latest step that must precede an undated document and its own service, which must
    follow it: its date lies between them."""
    upper = view.service_date(doc)
    if upper is None:
        return None
    before = {"decision": ("notice",), "notice": ("legal_review", "internal_approval", "investigation_report"),
              "correction_order": ("inspection_record",)}[doc.type]
    steps = [d for other in view.docs(*before) for d in (view.dated(other),) if d and d.day <= upper.day]
    if doc.type == "decision":
        steps += [d for n in view.docs("notice") if (d := view.service_date(n)) and d.day <= upper.day]
    lower = max(steps, key=lambda d: d.day, default=None)
    return (lower, upper) if lower is not None else None


def _same_agency(a: str, b: str) -> bool:
    # A 分局's code extends its city's (宜环 → 宜环高): both belong to one bureau (DOMAIN §3).
    return a.startswith(b) or b.startswith(a)


@rule("number.inconsistent", title="文号前后不一致",
      basis=(
          "《中华人民共和国民事诉讼法》第八十七条",
          "《党政机关公文格式》（GB/T 9704-2012）7.2.5",
      ))
def number_inconsistent(view: CaseView) -> Iterator[Hit]:
    """The documents of one case disagree on their numbers: another agency's code on one of them,
    a receipt citing a number its served document does not carry, or a decision citing a notice
    number the file's notice does not carry.

    DOMAIN §3 (agency prefix shared across a case); 民事诉讼法 art87 (the receipt identifies the
    document served); 评查指南 文书规范.
    """
    numbered = [(d, fv, p) for d, fv, p in _numbered(view) if p.agency]
    # (a) agency codes: the code most documents share is the case's.
    if len(numbered) >= 2:
        for doc, fv, parts in numbered:
            others = [(d, f, p) for d, f, p in numbered if d is not doc]
            if any(_same_agency(parts.agency, p.agency) for _, _, p in others):
                continue
            agreeing = sum(_same_agency(others[0][2].agency, p.agency) for _, _, p in others)
            if len(others) > 1 and agreeing < len(others):
                continue  # no majority to measure against
            other_doc, other_fv, other = others[0]
            sure = min(fv.confidence, other_fv.confidence) >= SURE_READING and len(parts.agency) >= 2
            yield Hit(
                code="number.inconsistent",
                message=(f"{view.name(doc)}文号“{fv.value}”的机关代字“{parts.agency}”与"
                         f"{view.name(other_doc)}文号“{other_fv.value}”的“{other.agency}”不一致"),
                suggestion="核实文书的制作机关，同一案件各文书应使用本机关的机关代字",
                evidence=[view.value_evidence(fv), view.value_evidence(other_fv)],
                level=level_if(sure),
            )
    # (b) a receipt citing a number the served document does not carry.
    for doc, fv, parts in _numbered(view):
        receipt = view.receipt_for(doc)
        cited = receipt.fields.values.get("served_number") if receipt else None
        cited_parts = _parts(cited)
        if receipt is None or cited is None or cited_parts is None or cited_parts.key == parts.key:
            continue
        if cited_parts.year is None or cited_parts.seq is None:
            continue  # not a full number: nothing to compare
        # A cited number that is itself malformed or differs in its code was more likely misread.
        sure = (min(fv.confidence, cited.confidence) >= SURE_READING and cited_parts.code == parts.code
                and cited_parts.well_formed)
        yield Hit(
            code="number.inconsistent",
            message=(f"{view.name(receipt)}所载送达文书文号“{cited.value}”与{view.name(doc)}"
                     f"的文号“{fv.value}”不一致"),
            suggestion="核实送达的文书，送达回证应准确载明所送达文书的名称和文号",
            evidence=[view.value_evidence(cited), view.value_evidence(fv)],
            level=level_if(sure),
        )
    # (c) the decision citing a notice number the file's notice does not carry.
    notices = [(d, fv, p) for d, fv, p in _numbered(view) if d.type == "notice"]
    for decision in view.docs("decision"):
        cited = decision.fields.values.get("notice_number")
        cited_parts = _parts(cited)
        if cited is None or cited_parts is None or not notices or cited_parts.seq is None:
            continue
        if any(cited_parts.key == p.key for _, _, p in notices):
            continue
        notice, nfv, nparts = notices[0]
        if decision.fields.number and _parts(decision.fields.number) and cited_parts.key == _parts(
                decision.fields.number).key:  # type: ignore[union-attr]
            continue  # the decision's own number read as the citation
        sure = min(cited.confidence, nfv.confidence) >= SURE_READING and cited_parts.code == nparts.code
        yield Hit(
            code="number.inconsistent",
            message=(f"{view.name(decision)}引用的告知书文号“{cited.value}”与{view.name(notice)}"
                     f"的文号“{nfv.value}”不一致"),
            suggestion="核实告知书文号，决定书引用的告知书文号应与卷内告知书一致",
            evidence=[view.value_evidence(cited), view.value_evidence(nfv)],
            level=level_if(sure),
        )


@rule("number.duplicate", title="不同文书使用同一文号",
      basis=(
          "《党政机关公文格式》（GB/T 9704-2012）7.2.5",
      ))
def number_duplicate(view: CaseView) -> Iterator[Hit]:
    """Two different documents carry the same 文号.

    GB/T 9704-2012 §7.2.5: 发文字号 identifies one document; 评查指南 文书规范. A receipt citing a
    number does not carry it; only documents' own numbers count.
    """
    numbered = _numbered(view)
    for i, (doc, fv, parts) in enumerate(numbered):
        for other, ofv, oparts in numbered[i + 1:]:
            if parts.key != oparts.key or parts.seq is None:
                continue
            # Two pieces of one document (a split the reader got wrong) are not two documents.
            level = level_if(other.type != doc.type)
            yield Hit(
                code="number.duplicate",
                message=f"{view.name(doc)}与{view.name(other)}使用同一文号“{fv.value}”",
                suggestion="核实两份文书的文号，不同文书应分别编号",
                evidence=[view.value_evidence(fv), view.value_evidence(ofv)],
                level=level,
            )
