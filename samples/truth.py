"""The truth file of a generated case: what a perfect reader of the PDF would report."""

from __future__ import annotations

import hashlib

from models.report import CaseFields, DocumentRecord
from models.truth import Mark, PageTruth, Truth
from samples.assemble import Assembly
from samples.render import RenderedPage


def _iso(day: object) -> str | None:
    return day.isoformat() if day is not None else None  # type: ignore[attr-defined]


def build_truth(assembly: Assembly, rendered: list[RenderedPage], *, file: str, pdf: bytes) -> Truth:
    spec = assembly.spec
    documents: list[DocumentRecord] = []
    page_info: list[PageTruth] = []
    for index, placed in enumerate(assembly.docs):
        plan = placed.plan
        fields = {k: v for k, v in plan.fields.items() if k not in ("served_title",)}
        if plan.type == "service_receipt":
            fields["service_date"] = _iso(plan.date)
        if plan.type in ("inspection_record", "inquiry_record", "statement_record"):
            fields.setdefault("officers", [o.name for o in spec.officers])
        documents.append(DocumentRecord(
            type=plan.type,  # type: ignore[arg-type]
            title=plan.title,
            pages=(placed.first + 1, placed.last + 1),
            number=plan.number,
            date=_iso(plan.date),
            signed=plan.signed,
            sealed=plan.sealed,
            fields=fields,
        ))
        for i in range(placed.first, placed.last + 1):
            layout, info = assembly.pages[i], rendered[i]
            page_info.append(PageTruth(
                page=i + 1,
                type=plan.type,  # type: ignore[arg-type]
                document=index,
                archive_number=assembly.archive_numbers[i],
                blank=layout.blank,
                born_digital=spec.style.born_digital,
                rotation=info.rotation,
                dpi=info.dpi,
                skew_deg=info.skew_deg,
                grayscale=info.grayscale,
                title_bbox=layout.title_bbox,
                number_bbox=layout.number_bbox,
                marks=[Mark(kind=m.kind, bbox=m.bbox, role=m.role, text=m.text) for m in info.marks],
            ))
    return Truth(
        file=file,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pages=len(assembly.pages),
        page_types=[p.type for p in page_info],
        documents=documents,
        case=case_fields(assembly, documents),
        defects=sorted(spec.defects.codes),
        born_digital=spec.style.born_digital,
        seed=spec.seed,
        page_info=page_info,
    )


def case_fields(assembly: Assembly, documents: list[DocumentRecord]) -> CaseFields:
    """The case as the file itself states it: a field whose only source is absent stays null."""
    spec = assembly.spec
    by_type = {d.type: d for d in documents}
    present = {p.plan.key for p in assembly.docs}
    notice, decision = by_type.get("notice"), by_type.get("decision")
    has_filing = "filing" in present or "cover" in present
    decision_number = decision.number if decision else (
        spec.numbers.get("decision") if present & {"cover", "closing", "payment"} else None)
    return CaseFields(
        case_number=spec.numbers.get("case") if has_filing else None,
        filing_date=_iso(spec.dates["filing"]) if has_filing else None,
        notice_number=notice.number if notice else None,
        notice_date=notice.date if notice else None,
        decision_number=decision_number,
        decision_date=decision.date if decision else None,
        party=spec.party.name,
        case_type=spec.case_type,
        cause=spec.violation.cause,
        officers=[o.name for o in spec.officers],
        agency=spec.agency.name,
    )
