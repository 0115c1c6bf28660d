"""Completeness: the documents a case needs, by procedure, and a receipt for each served one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checkers.base import Hit, rule
from checkers.context import TYPE_NAMES, CaseView
from lexicon.sentences import first_of, key_phrase
from lexicon.text import squeeze

# Words by which an unclassified document (type `other`) may still be the one a rule misses:
# then the finding is a question for a person, not a certainty.
_TITLE_WORDS = {
    "cover": ("封面", "案卷", "卷宗"),
    "toc": ("目录",),
    "archive_note": ("备考",),
    "filing_approval": ("立案",),
    "inspection_record": ("检查", "勘察", "勘验", "笔录"),
    "evidence": ("照片", "证据", "监测", "检测", "执照", "身份证"),
    "investigation_report": ("调查报告", "终结报告", "调查终结"),
    "legal_review": ("法制审核", "法制审查"),
    "internal_approval": ("审批表", "审查表", "集体讨论", "审议"),
    "notice": ("告知书",),
    "decision": ("决定书",),
    "statement_record": ("陈述", "申辩", "听证"),
    "correction_order": ("责令", "改正"),
    "payment_receipt": ("缴款", "罚没", "回单"),
    "closing_approval": ("结案",),
}

_SUGGEST = {
    "cover": "补制卷宗封面，写明案件名称、文号、立案和结案日期、保管期限及卷内件数页数",
    "toc": "补制卷内目录，逐件登记序号、文号、责任者、题名、日期和页号",
    "archive_note": "补制备考表，写明本卷件数、页数及立卷人、检查人和立卷时间",
    "filing_approval": "补充立案审批表，并由负责人审批；未经立案即调查处罚的，应核查程序合法性",
    "inspection_record": "补充现场检查（勘察）笔录或调查询问笔录，笔录应由两名以上执法人员制作并经当事人签名",
    "evidence": "补充证明违法事实的证据材料（现场照片、监测报告、主体资格证明等）并附说明",
    "investigation_report": "补充案件调查报告，写明违法事实、证据、处罚依据和裁量理由，由承办人签名",
    "legal_review": "补充法制审核意见书；依法须经法制审核的案件，未经审核不得作出决定",
    "internal_approval": "补充行政处罚审批表（或集体讨论记录），由负责人审批签名并注明日期",
    "notice": "补充行政处罚事先告知书及其送达回证；未告知即作出处罚决定的，应依法纠正",
    "decision": "补充行政处罚决定书及其送达回证",
    "closing_approval": "补充结案审批表，写明执行情况并由负责人审批",
}


def _maybe_present(view: CaseView, doc_type: str) -> bool:
    words = _TITLE_WORDS.get(doc_type, ())
    for doc in view.docs("other"):
        head = squeeze(doc.title or "") + view.text(doc)[:60]
        if any(w in head for w in words):
            return True
    return False


def _toc_evidence(view: CaseView) -> list:
    toc = view.first("toc")
    return [view.doc_evidence(toc)] if toc else []


@rule("missing.<type>")
def required_documents(view: CaseView) -> Iterator[Hit]:
    """A document the procedure requires is absent.

    行政处罚法 art54 (立案), art55 (检查/询问笔录), art57 (负责人审查决定), art58 (法制审核),
    art44–45 (告知), art59 (决定书), art47 (全过程记录归档); 办法2010 art67–69 (一案一卷, 封面、目录、
    备考表); 评查指南 (环办〔2012〕98号) on 调查报告 and 结案审批. The pack lists what each procedure needs.
    """
    procedure = view.pack.procedure(view.procedure)
    for doc_type in procedure.required:
        present = view.docs(doc_type)
        if doc_type == "inspection_record":
            present = present or view.docs("inquiry_record")  # either kind of 笔录 records the facts
        if present:
            continue
        name = TYPE_NAMES.get(doc_type, doc_type)
        confidence = 0.6 if _maybe_present(view, doc_type) else 0.9
        kind = None
        if doc_type == "legal_review" and view.hearing_held:
            kind = "合法性"  # LAP art58(2): cases that went through a hearing must be reviewed
        evidence = _toc_evidence(view)
        if doc_type == "notice":
            decision = view.first("decision")
            cited = decision.fields.values.get("notice_number") if decision else None
            if cited is not None:
                evidence = [view.value_evidence(cited)]
        yield Hit(
            code=f"missing.{doc_type}",
            message=f"卷内未见{name}（{view.procedure}案件应有）",
            suggestion=_SUGGEST.get(doc_type, f"补充{name}"),
            evidence=evidence,
            confidence=confidence,
            kind=kind,
        )


@rule("missing.service_receipt.<type>")
def service_receipts(view: CaseView) -> Iterator[Hit]:
    """A served document has no 送达回证 of its own.

    行政处罚法 art61 (决定书 served, 民事诉讼法 rules); 民事诉讼法 art87 (送达回证, 签收日期 = 送达日期);
    告知书 and 责令改正决定书 are served the same way. A receipt is matched by the 文号 it cites,
    else by the 送达文书名称 it names.
    """
    served = view.pack.procedure(view.procedure).served
    for doc in view.docs(*served):
        if view.receipt_for(doc) is not None:
            continue
        # A receipt whose served document could not be read may be this one's.
        confidence = 0.5 if view.unknown_receipts else 0.9
        name = view.name(doc)
        yield Hit(
            code=f"missing.service_receipt.{doc.type}",
            message=f"卷内未见{name}的送达回证",
            suggestion=f"补充{view.title(doc)}的送达回证，或在卷内说明送达方式及依据",
            evidence=[view.doc_evidence(doc)],
            confidence=confidence,
        )



@rule("missing.statement_record")
def statement_record(view: CaseView) -> Iterator[Hit]:
    """The decision says the party made statements (陈述申辩) or a hearing was held, but the file
    holds no record of them.

    行政处罚法 art45 (当事人有权陈述、申辩, the agency must hear and record them), art64 (听证笔录);
    办法2010 art47 (复核) — 评查 tables count the 陈述申辩笔录/复核意见 as 相关记录.
    """
    records = [d for d in view.docs("statement_record") if d is not view.waiver]
    for decision in view.docs("decision"):
        text = view.text(decision)
        # What the decision asserts happened, not a right it recalls or a waiver it records.
        claim = first_of(text, "statement_claimed")
        hearing = first_of(text, "hearing_held")
        if hearing and not any("听证" in squeeze(d.title or "") for d in records):
            what, found = "听证笔录", key_phrase(hearing, "hearing_held")
        elif claim and not records:
            what, found = "陈述申辩笔录（或书面陈述申辩材料及复核意见）", key_phrase(claim, "statement_claimed")
        else:
            continue
        hit = view.find_line(decision, re.compile(re.escape(found[:4])))
        evidence = [view.evidence(hit[0], hit[1].bbox, hit[1].text)] if hit else [view.doc_evidence(decision)]
        yield Hit(
            code="missing.statement_record",
            message=f"{view.name(decision)}载明“{found}”，卷内未见{what}",
            suggestion=f"补充{what}；未听取陈述申辩的，应核查程序",
            evidence=evidence,
            confidence=0.9,
        )


# Any order (责令…) in the decision other than its naming a separate 责令改正违法行为决定书.
_ORDERS_CORRECTION = re.compile(r"责令(?!改正违法行为决定书)|限期改正|立即改正")


@rule("missing.correction_order")
def correction_order(view: CaseView) -> Iterator[Hit]:
    """No correction order: neither a 责令改正违法行为决定书 nor a 责令改正 clause in the decision.

    行政处罚法 art28 ¶1: 行政机关实施行政处罚时，应当责令当事人改正或者限期改正违法行为.
    DOMAIN §2: flag only if neither a separate order nor a clause inside the decision exists.
    """
    if view.docs("correction_order") or view.procedure == "简易程序":
        return
    decisions = view.docs("decision")
    if not decisions:
        return  # without the decision there is no telling; missing.decision says what matters
    if any(_ORDERS_CORRECTION.search(view.text(d)) for d in decisions):
        return
    if any(_ORDERS_CORRECTION.search(squeeze(d.title or "") + view.text(d)[:80]) for d in view.docs("other")):
        return
    yield Hit(
        code="missing.correction_order",
        message=f"卷内未见责令改正违法行为决定书，{view.name(decisions[0])}亦未责令当事人改正违法行为",
        suggestion="依法责令当事人改正或限期改正违法行为，补充责令改正违法行为决定书及送达回证",
        evidence=[view.doc_evidence(decisions[0])],
        confidence=0.85,
    )


_FINE = re.compile(r"罚款")
_ENFORCED = re.compile(r"催告|强制执行|分期|延期缴纳|暂缓缴纳")


@rule("missing.payment_receipt")
def payment_receipt(view: CaseView) -> Iterator[Hit]:
    """A fine was imposed but the file shows neither its payment nor the steps taken instead.

    行政处罚法 art67 (缴纳罚款, 15日), art72 (逾期不缴: 加处罚款, 申请强制执行); 评查指南 on 执行到位:
    a closed file shows how the decision was carried out.
    """
    if view.docs("payment_receipt"):
        return
    decisions = [d for d in view.docs("decision") if _FINE.search(view.text(d))]
    if not decisions:
        return
    if any(_ENFORCED.search(squeeze(d.title or "") + view.text(d)[:200]) for d in view.case.documents
           if d.type not in ("decision", "notice")):
        return
    yield Hit(
        code="missing.payment_receipt",
        message=f"{view.name(decisions[0])}处以罚款，卷内未见罚没款缴款凭证或催告、强制执行材料",
        suggestion="补充罚没款缴款凭证；当事人逾期未缴纳的，补充催告书及申请强制执行材料",
        evidence=[view.doc_evidence(decisions[0])],
        confidence=0.85 if not _maybe_present(view, "payment_receipt") else 0.6,
    )
