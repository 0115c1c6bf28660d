"""Assemble one case file from the families: documents in archive order, 卷内页码, 卷内目录, truth.

The file order follows one of two real practices (chronological, or 办法2010 art69 with the
决定书 and its 送达回证 first); missing-document defects drop a document, and the 卷内目录 then
simply does not list it. Every content page carries its stamped 卷内页码 at the bottom right;
cover, 卷内目录 and 备考表 carry none (DOMAIN.md §3).
"""

from __future__ import annotations

import hashlib
import logging
import random
from pathlib import Path

import pymupdf

from models.report import CaseFields, DocumentRecord
from models.truth import Mark, PageTruth, Truth
from samples.families import build_b, forms_approval, forms_misc, forms_outgoing, forms_receipt, forms_records
from samples.families.canvas import DocWriter, Rendered, drawing_into
from samples.families.forms_receipt import Served, Service
from samples.families.order import in_archive_order
from samples.families.story import Story, make_story
from samples.families.story_b import make_story_b
from samples.scan import degrade, encode_jpeg, random_profile

log = logging.getLogger(__name__)

UNNUMBERED = {"cover", "toc", "archive_note"}


def _receipts(story: Story, notice: Rendered | None, decision: Rendered | None,
              correction: Rendered | None) -> dict[str, Rendered]:
    """The 送达回证 of each served document (a shared one for 告知书 + 责令改正 when so served)."""
    rng = random.Random(f"{story.seed}:{story.index}:receipts")
    family = story.families.receipt
    out: dict[str, Rendered] = {}
    if correction is not None and not story.correction_with_notice:
        served = [Served("correction_order", correction.title, correction.number or "", story.correction)]
        out["correction_order"] = forms_receipt.render_receipt(
            story, family, served, Service(story.correction_method, story.correction_service, None, False), rng)
    if notice is not None and "missing.service_receipt.notice" not in story.defects:
        served = [Served("notice", notice.title, notice.number or "", story.notice)]
        if story.correction_with_notice and correction is not None:
            served.append(Served("correction_order", correction.title, correction.number or "", story.correction))
        posted = story.notice if story.notice_method == "邮寄送达" else None
        out["notice"] = forms_receipt.render_receipt(
            story, family, served, Service(story.notice_method, story.notice_service, posted, False), rng)
    if decision is not None and "missing.service_receipt.decision" not in story.defects:
        served = [Served("decision", decision.title, decision.number or "", story.decision)]
        unsigned = "signature.missing.service_receipt" in story.defects
        out["decision"] = forms_receipt.render_receipt(
            story, family, served,
            Service(story.decision_method, story.decision_service, story.decision_posted, unsigned), rng)
    return out


def content_documents(story: Story) -> list[Rendered]:
    """The numbered documents of the case, in the file's order."""
    f = story.families
    missing = {code.removeprefix("missing.") for code in story.defects
               if code.startswith("missing.") and not code.startswith("missing.service_receipt")}
    correction = forms_outgoing.render_correction(story, f.outgoing)
    notice = forms_outgoing.render_notice(story, f.outgoing)
    decision = forms_outgoing.render_decision(story, f.outgoing)
    receipts = _receipts(story, notice, decision, correction)
    filing = forms_approval.render_approval(story, "filing_approval", f.approval)
    inspection = forms_records.render_inspection(story, f.inspection)
    inquiry = forms_records.render_inquiry(story, f.inquiry)
    evidence = forms_misc.render_evidence(story, f.evidence)
    investigation = forms_misc.render_investigation(story, f.misc)
    legal = forms_approval.render_legal_review(story, f.legal_review)
    internal = forms_approval.render_approval(story, "internal_approval", f.approval)
    statement = forms_records.render_statement(story, f.misc) if story.statement_made else None
    payment = forms_misc.render_payment(story, f.misc)
    closing = forms_approval.render_approval(story, "closing_approval", f.closing_family())
    return in_archive_order(
        f.order, story.correction_with_notice, receipts, missing,
        investigation=[filing, inspection, inquiry, *evidence], correction=correction, notice=notice,
        before_notice=[investigation, legal, internal], after_notice=[statement], decision=decision,
        closing=[payment, closing])


def _span(first: int, last: int, dash: str) -> str:
    return str(first) if first == last else f"{first}{dash}{last}"


def build_case(seed: int, index: int, out_dir: Path, *, scanned: bool = False, name: str | None = None,
               defects: list[str] | None = None, family_set: str = "a") -> Truth:
    """One case file and its truth; `defects` overrides the seed's own pick (tests).

    `family_set` "b" draws the second set of layouts (story_b, build_b, forms_b_*), files famb-*.
    """
    if family_set == "b":
        story: Story = make_story_b(seed, index, defects=defects)
        name = name or f"famb-{seed}-{index:03d}"
        documents_of = build_b.content_documents
    else:
        story = make_story(seed, index, defects=defects)
        documents_of = content_documents
    name = name or f"fam-{seed}-{index:03d}"
    pdf = pymupdf.open()
    with drawing_into(pdf):
        docs = documents_of(story)
    # 卷内页码 of every content document.
    numbered: list[tuple[Rendered, int, int]] = []
    page_no = 1
    for doc in docs:
        numbered.append((doc, page_no, page_no + doc.pages - 1))
        page_no += doc.pages
    total = page_no - 1
    dash = "—" if story.families.toc == "toc_compact" else "-"
    entries = [(d.toc_title, d.toc_number or "", d.day, _span(a, b, dash)) for d, a, b in numbered]
    with drawing_into(pdf):
        cover = forms_misc.render_cover(story, story.families.cover, len(docs), total)
        toc = forms_misc.render_toc(story, story.families.toc, entries)
        note = forms_misc.render_archive_note(story, story.families.misc, len(docs), total)
    ordered: list[tuple[Rendered, int | None]] = [(cover, None), (toc, None)]
    ordered += [(d, a) for d, a, _ in numbered]
    ordered.append((note, None))

    rng = random.Random(f"{seed}:{index}:assemble")
    documents: list[DocumentRecord] = []
    page_info: list[PageTruth] = []
    page_types: list[str] = []
    order: list[int] = []  # page indices of the drawing PDF, in the file's order
    for doc_index, (doc, first_number) in enumerate(ordered):
        first_page = len(order) + 1
        for k, source_index in enumerate(doc.page_indices):
            page = pdf[source_index]
            record = doc.records[k]
            marks = list(record.marks)
            archive_number = None if first_number is None else first_number + k
            if archive_number is not None:
                # The 卷内页码 stamp, bottom right, a little off each time like a hand stamp.
                x = 548 + rng.uniform(-8, 4)
                y = 826 + rng.uniform(-6, 3)
                box = (x, y - 11, x + DocWriter.width(str(archive_number), 13, "title"), y + 2)
                page.insert_text((x, y), str(archive_number), fontname="title", fontsize=13)
                marks.append(Mark(kind="page_number", bbox=box, text=str(archive_number)))
            order.append(source_index)
            page_types.append(doc.type)
            page_info.append(PageTruth(
                page=first_page + k, type=doc.type, document=doc_index, archive_number=archive_number,
                born_digital=not scanned, title_bbox=record.title_bbox if k == 0 else None,
                number_bbox=record.number_bbox, marks=marks))
        documents.append(DocumentRecord(
            type=doc.type, title=doc.title, pages=(first_page, first_page + doc.pages - 1), number=doc.number,
            date=doc.day.isoformat() if doc.day else None, signed=doc.signed, sealed=doc.sealed,
            fields=doc.fields))
    pdf.select(order)
    # MuPDF names each font subset with a tag from Python's global random: seed it for the call,
    # so the same seed gives the same bytes, and leave everyone else's random state as it was.
    state = random.getstate()
    random.seed(f"{seed}:{index}:subset")
    try:
        pdf.subset_fonts()
    finally:
        random.setstate(state)
    out = _scan(pdf, page_info, rng) if scanned else pdf
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / f"{name}.pdf"
    out.save(pdf_path, garbage=3, deflate=True, no_new_id=True)  # no random /ID: same seed, same bytes
    digest = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    present = {d.type for d in documents}
    notice_doc = next((d for d in documents if d.type == "notice"), None)
    decision_doc = next((d for d in documents if d.type == "decision"), None)
    case = CaseFields(
        case_number=story.case_number if "filing_approval" in present else None,
        filing_date=story.filing.isoformat() if "filing_approval" in present else None,
        notice_number=notice_doc.number if notice_doc else None,
        notice_date=notice_doc.date if notice_doc else None,
        decision_number=decision_doc.number if decision_doc else None,
        decision_date=decision_doc.date if decision_doc else None,
        party=story.party.name, case_type="一般程序", cause=story.violation.cause,
        officers=[o.name for o in story.record_officers], agency=story.bureau.name)
    truth = Truth(file=pdf_path.name, sha256=digest, pages=len(page_types), page_types=page_types,
                  documents=documents, case=case, defects=sorted(story.defects), born_digital=not scanned,
                  seed=seed, page_info=page_info)
    (out_dir / f"{name}.truth.json").write_text(truth.to_json(), encoding="utf-8")
    (out_dir / f"{name}.families.json").write_text(story.families.model_dump_json(indent=2), encoding="utf-8")
    return truth


def _scan(pdf: pymupdf.Document, page_info: list[PageTruth], rng: random.Random) -> pymupdf.Document:
    """Every page printed and scanned: a mild office scan, JPEG pages, no text layer."""
    from PIL import Image

    scanned = pymupdf.open()
    for i, page in enumerate(pdf):
        profile = random_profile(rng, severity=rng.uniform(0.1, 0.35))
        pix = page.get_pixmap(dpi=profile.dpi)
        image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
        img = degrade(image, profile, rng)
        new = scanned.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=encode_jpeg(img, profile.jpeg_quality))
        info = page_info[i]
        info.dpi, info.skew_deg, info.grayscale = profile.dpi, profile.skew_deg, profile.grayscale
    return scanned
