"""Set b: the numbered documents of a case drawn in the set-b families, in the file's order.

Same archive orders and missing-document defects as set a (build.content_documents); the
hearing, when held, adds 听证通知书 (with its 送达回证), 听证笔录 and 听证报告 after the notice.
Cover, 卷内目录, 备考表, evidence, 调查报告, 法制审核 and 缴款书 keep set a's families.
"""

from __future__ import annotations

import random

from samples.families import (
    forms_approval,
    forms_b_approval,
    forms_b_outgoing,
    forms_b_receipt,
    forms_b_records,
    forms_misc,
    forms_records,
)
from samples.families.canvas import Rendered
from samples.families.forms_receipt import Served, Service
from samples.families.order import in_archive_order
from samples.families.story_b import StoryB


def _receipts(story: StoryB, notice: Rendered | None, decision: Rendered | None, correction: Rendered | None,
              hearing_notice: Rendered | None) -> dict[str, Rendered]:
    rng = random.Random(f"b:{story.seed}:{story.index}:receipts")
    family = story.families.receipt
    out: dict[str, Rendered] = {}
    consent = [True]  # the 送达地址确认书 goes with the first e-served receipt

    def render(served: list[Served], service: Service) -> Rendered:
        first_electronic = service.method == "电子送达" and consent[0]
        if first_electronic:
            consent[0] = False
        return forms_b_receipt.render_receipt(story, family, served, service, rng, consent_page=first_electronic)

    if correction is not None and not story.correction_with_notice:
        out["correction_order"] = render(
            [Served("correction_order", correction.title, correction.number or "", story.correction)],
            Service(story.correction_method, story.correction_service, None, False))
    if notice is not None and "missing.service_receipt.notice" not in story.defects:
        served = [Served("notice", notice.title, notice.number or "", story.notice)]
        if story.correction_with_notice and correction is not None:
            served.append(Served("correction_order", correction.title, correction.number or "", story.correction))
        posted = story.notice if story.notice_method == "邮寄送达" else None
        out["notice"] = render(served, Service(story.notice_method, story.notice_service, posted, False))
    if hearing_notice is not None and story.hearing_notice:
        out["hearing"] = render(
            [Served("statement_record", hearing_notice.title, hearing_notice.number or "", story.hearing_notice)],
            Service("直接送达", story.hearing_notice, None, False))
    if decision is not None and "missing.service_receipt.decision" not in story.defects:
        unsigned = "signature.missing.service_receipt" in story.defects
        out["decision"] = render(
            [Served("decision", decision.title, decision.number or "", story.decision)],
            Service(story.decision_method, story.decision_service, story.decision_posted, unsigned))
    return out


def content_documents(story: StoryB) -> list[Rendered]:
    f = story.families
    missing = {code.removeprefix("missing.") for code in story.defects
               if code.startswith("missing.") and not code.startswith("missing.service_receipt")}
    correction = forms_b_outgoing.render_correction(story, f.outgoing)
    notice = forms_b_outgoing.render_notice(story, f.outgoing)
    decision = forms_b_outgoing.render_decision(story, f.outgoing)
    hearing_notice = forms_b_outgoing.render_hearing_notice(story, f.outgoing) if story.hearing_held else None
    receipts = _receipts(story, notice, decision, correction, hearing_notice)
    filing = forms_b_approval.render_approval(story, "filing_approval", f.approval)
    inspection = forms_b_records.render_inspection(story, f.inspection)
    inquiry = forms_b_records.render_inquiry(story, f.inquiry)
    evidence = forms_misc.render_evidence(story, f.evidence)
    investigation = forms_misc.render_investigation(story, f.misc)
    legal = forms_approval.render_legal_review(story, f.legal_review)
    internal = forms_b_approval.render_approval(story, "internal_approval", f.approval)
    statement: list[Rendered | None] = []
    if story.statement_made:
        statement.append(forms_records.render_statement(story, f.misc))
    if story.hearing_held:
        statement += [hearing_notice, receipts.get("hearing"), forms_b_records.render_hearing_record(story),
                      forms_b_records.render_hearing_report(story)]
    payment = forms_misc.render_payment(story, f.misc)
    closing = forms_b_approval.render_approval(story, "closing_approval", f.closing_family())
    return in_archive_order(
        f.order, story.correction_with_notice, receipts, missing,
        investigation=[filing, inspection, inquiry, *evidence], correction=correction, notice=notice,
        before_notice=[investigation, legal, internal], after_notice=statement, decision=decision,
        closing=[payment, closing])
