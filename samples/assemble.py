"""Put a case file together: which documents, in what order, their pages and archive numbers.

The result (`Assembly`) holds every page layout plus what the truth file needs to know.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from samples import docs_forms, docs_outgoing, docs_records
from samples.docs_forms import TocEntry
from samples.layout import PageLayout
from samples.plan import DocPlan
from samples.spec import CaseSpec

Builder = Callable[[CaseSpec, DocPlan, random.Random], list[PageLayout]]


@dataclass
class PlacedDoc:
    plan: DocPlan
    first: int  # 0-based index of its first page in the file
    last: int


@dataclass
class Assembly:
    spec: CaseSpec
    pages: list[PageLayout] = field(default_factory=list)
    docs: list[PlacedDoc] = field(default_factory=list)
    archive_numbers: list[int | None] = field(default_factory=list)


SERVED_TITLES = {"notice": "", "decision": "行政处罚决定书", "correction": "责令改正违法行为决定书",
                 "hearing_notice": "听证通知书"}
SERVED_TYPES = {"notice": "notice", "decision": "decision", "correction": "correction_order",
                "hearing_notice": "statement_record"}


def plan_documents(spec: CaseSpec, rng: random.Random) -> list[DocPlan]:
    """Every document the file holds, in binding order, with truth-level attributes."""
    proc, dfx = spec.procedure, spec.defects
    notice_title = docs_outgoing.notice_title(spec, rng)
    served_titles = {**SERVED_TITLES, "notice": notice_title}

    def doc(key: str, type_: str, title: str, date_key: str | None = None, **kw: object) -> DocPlan:
        plan = DocPlan(key=key, type=type_, title=title, date=spec.date(date_key or key), **kw)  # type: ignore[arg-type]
        plan.toc_title = plan.toc_title or title
        return plan

    def outgoing(key: str, type_: str, title: str) -> DocPlan:
        return doc(key, type_, title, number=spec.number(key), sealed=key not in dfx.unsealed,
                   fields={"party": spec.party.name})

    def receipt(served: str) -> DocPlan:
        cited = dfx.receipt_cites.get(served, spec.number(served))
        method = {"notice": proc.notice_method, "decision": proc.decision_method,
                  "correction": proc.correction_method}.get(served, "直接送达")
        return doc(f"receipt.{served}", "service_receipt", rng.choice(("送达回证", "送达回证", "送达回执")),
                   date_key=f"{served}_service", signed=f"receipt.{served}" not in dfx.unsigned,
                   fields={"served_type": SERVED_TYPES[served], "served_title": served_titles[served],
                           "cited_number": cited, "method": method,
                           "recipient": spec.party.name},
                   toc_title=f"{served_titles[served]}送达回证")

    def signed(key: str, type_: str, title: str, date_key: str | None = None, **kw: object) -> DocPlan:
        return doc(key, type_, title, date_key, signed=key not in dfx.unsigned, **kw)

    front = [
        doc("cover", "cover", rng.choice(("行政处罚案卷", "生态环境行政处罚案卷", "卷  宗")), "filing"),
        doc("toc", "toc", rng.choice(("卷内目录", "卷内目录", "卷内文件目录")), "archive"),
    ]
    opening = [signed("filing", "filing_approval",
                      rng.choice(("立案审批表", "立案审批表", "环境违法行为立案审批表", "立案登记表")),
                      number=spec.numbers.get("case"))]
    inspection_title = rng.choice(("现场检查（勘察）笔录", "现场检查（勘察）笔录", "现场检查笔录", "现场勘察笔录"))
    investigation = [signed("inspection", "inspection_record", inspection_title,
                            fields={"officers": [o.name for o in spec.officers[:1 if 'inspection' in dfx.one_officer else 3]]})]
    if proc.inquiry:
        investigation.append(signed("inquiry", "inquiry_record", rng.choice(("调查询问笔录", "询问笔录")),
                                    fields={"officers": [o.name for o in spec.officers[:1 if 'inquiry' in dfx.one_officer else 3]]}))
    for i, item in enumerate(spec.evidence_items):
        date_key = "monitoring" if "监测" in item or "检测" in item else "photos"
        investigation.append(doc(f"evidence.{i}", "evidence", item, date_key))
    if proc.separate_correction:
        investigation += [outgoing("correction", "correction_order", "责令改正违法行为决定书"), receipt("correction")]
    investigation.append(signed("report", "investigation_report",
                                rng.choice(("案件调查报告", "行政处罚案件调查报告", "调查终结报告"))))
    if proc.extension:
        investigation.append(signed("extension", "internal_approval", rng.choice(("案件延期审批表", "延长办案期限审批表"))))
    review = [signed("legal_review", "legal_review", rng.choice(("法制审核意见书", "重大执法决定法制审核表", "法制审核意见表"))),
              signed("approval", "internal_approval", rng.choice(("行政处罚审批表", "案件处理内部审批表", "案件审查表")))]
    if rng.random() < 0.5:
        review.reverse()  # some agencies approve before the legal review is filed
    hearing = [outgoing("notice", "notice", notice_title), receipt("notice")]
    if proc.statement_made:
        hearing.append(signed("statement", "statement_record", "陈述申辩笔录", fields={"variant": "statement"}))
    if proc.waiver:
        hearing.append(signed("waiver", "statement_record", rng.choice(("放弃陈述申辩和听证权利声明", "放弃陈述申辩声明书")),
                              fields={"variant": "waiver"}))
    if proc.hearing_held:
        hearing += [outgoing("hearing_notice", "statement_record", "听证通知书"), receipt("hearing_notice"),
                    signed("hearing_record", "statement_record", "听证笔录", "hearing", fields={"variant": "hearing_record"})]
        hearing[-3].fields["variant"] = "hearing_notice"
    if proc.collective:
        hearing.append(signed("collective", "internal_approval", rng.choice(("案件集体讨论记录", "重大案件集体审议记录"))))
    deciding = [outgoing("decision", "decision", "行政处罚决定书"), receipt("decision")]
    closing = [doc("payment", "payment_receipt", "缴款书", sealed=True),
               signed("closing", "closing_approval", rng.choice(("结案审批表", "行政处罚案件结案审批表")))]
    back = [doc("archive_note", "archive_note", rng.choice(("备考表", "卷内备考表")), "archive", signed=True)]

    if spec.style.order == "decision_first":  # 办法2010 art69: decision and its receipt bound first
        body = deciding + opening + investigation + review + hearing + closing
    else:
        body = opening + investigation + review + hearing + deciding + closing
    plans = [p for p in front + body + back if p.key not in dfx.omit]
    for p in plans:
        if p.type in ("notice", "decision", "correction_order"):
            p.signed = None
    return plans


BUILDERS: dict[str, Builder] = {
    "filing_approval": docs_forms.build_filing,
    "inspection_record": docs_records.build_inspection,
    "inquiry_record": docs_records.build_inquiry,
    "evidence": docs_records.build_evidence,
    "correction_order": docs_outgoing.build_correction,
    "investigation_report": docs_records.build_investigation_report,
    "legal_review": docs_forms.build_legal_review,
    "notice": docs_outgoing.build_notice,
    "decision": docs_outgoing.build_decision,
    "service_receipt": docs_forms.build_receipt,
    "statement_record": docs_records.build_statement,
    "payment_receipt": docs_forms.build_payment,
    "closing_approval": docs_forms.build_closing,
}


def _build(spec: CaseSpec, plan: DocPlan, rng: random.Random) -> list[PageLayout]:
    if plan.key == "extension":
        return docs_forms.build_extension(spec, plan, rng)
    if plan.key == "collective":
        return docs_records.build_collective(spec, plan, rng)
    if plan.type == "internal_approval":
        return docs_forms.build_approval(spec, plan, rng)
    return BUILDERS[plan.type](spec, plan, rng)


def _record_printed_title(spec: CaseSpec, plan: DocPlan, pages: list[PageLayout]) -> None:
    """The truth keeps the title as printed (templates vary the wording), without letter-spacing."""
    from samples.layout import Text

    first = pages[0] if pages else None
    if first is None or first.title_bbox is None:
        return
    for op in first.ops:
        if isinstance(op, Text) and op.bbox == first.title_bbox:
            printed = op.text.replace(" ", "").replace("\u3000", "")
            plan.title = printed.removeprefix(spec.agency.name) or plan.title
            return


def _responsible(spec: CaseSpec, plan: DocPlan) -> str:
    if plan.type == "evidence":
        return "监测机构" if "监测" in plan.title else spec.party.name if "复印件" in plan.title else spec.agency.name
    if plan.type == "payment_receipt":
        return spec.party.name
    return spec.agency.name


def _number_pages(pages: list[PageLayout], fault: str | None, rng: random.Random) -> list[int | None]:
    """Archive page numbers: content pages 1..n; the defect makes them skip, repeat or go missing."""
    numbers: list[int | None] = []
    n = 0
    numbered = [i for i, p in enumerate(pages) if p.numbered and not p.blank]
    fault_at = numbered[rng.randrange(2, max(3, len(numbered) - 1))] if fault and len(numbered) > 4 else -1
    for i, page in enumerate(pages):
        if not page.numbered or page.blank:
            numbers.append(None)
            continue
        if i == fault_at and fault == "unnumbered":
            numbers.append(None)
            continue
        if i == fault_at and fault == "skip":
            n += rng.choice((2, 3))
        elif i == fault_at and fault == "repeat":
            pass
        else:
            n += 1
        numbers.append(n)
    return numbers


def assemble(spec: CaseSpec, rng: random.Random, *, blank_backs: bool) -> Assembly:
    plans = plan_documents(spec, rng)
    built: dict[str, list[PageLayout]] = {}
    for plan in plans:
        if plan.type in ("cover", "toc", "archive_note"):
            continue
        pages = _build(spec, plan, rng)
        _record_printed_title(spec, plan, pages)
        # A single-sided sheet scanned duplex leaves its blank back in the file.
        if blank_backs and len(pages) % 2 == 1 and rng.random() < 0.1:
            pages.append(PageLayout(doc_key=plan.key, blank=True, numbered=False))
        built[plan.key] = pages
    content = [p for plan in plans for p in built.get(plan.key, [])]
    n_docs = len(built)
    n_pages = sum(1 for p in content if not p.blank)

    # Number the content pages first: the 卷内目录 cites those numbers.
    numbers = _number_pages(content, spec.defects.numbering_fault, rng)
    number_of = dict(zip(map(id, content), numbers, strict=True))
    entries: list[TocEntry] = []
    for plan in plans:
        nums = [number_of[id(p)] for p in built.get(plan.key, []) if number_of[id(p)] is not None]
        if not nums:
            continue
        span = str(nums[0]) if nums[0] == nums[-1] else f"{nums[0]}-{nums[-1]}"
        entries.append(TocEntry(plan.number or "", _responsible(spec, plan), plan.toc_title, plan.date, span))
    for plan in plans:
        if plan.type == "cover":
            built[plan.key] = docs_forms.build_cover(spec, plan, rng, n_docs=n_docs, n_pages=n_pages)
        elif plan.type == "toc":
            built[plan.key] = docs_forms.build_toc(spec, plan, rng, entries)
        elif plan.type == "archive_note":
            built[plan.key] = docs_forms.build_archive_note(spec, plan, rng, n_docs=n_docs, n_pages=n_pages)

    assembly = Assembly(spec)
    for plan in plans:
        first = len(assembly.pages)
        for page in built[plan.key]:
            assembly.pages.append(page)
            assembly.archive_numbers.append(number_of.get(id(page)))
        assembly.docs.append(PlacedDoc(plan, first, len(assembly.pages) - 1))
    return assembly
