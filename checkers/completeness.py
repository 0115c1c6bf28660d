"""Completeness: the documents a case needs, by procedure, and a receipt for each served one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checkers.base import DOUBTFUL, LIKELY, SURE, Hit, rule
from checkers.context import CaseView
from lexicon.sentences import first_of, key_phrase
from lexicon.text import squeeze
from models.doctypes import spec


def _maybe_present(view: CaseView, doc_type: str) -> bool:
    # Words by which an unclassified document (type `other`) may still be the one a rule misses:
    # then the finding is a question for a person, not a certainty.
    words = spec(doc_type).title_words
    for doc in view.docs("other"):
        head = squeeze(doc.title or "") + view.text(doc)[:60]
        if any(w in head for w in words):
            return True
    return False


def _toc_evidence(view: CaseView) -> list:
    toc = view.first("toc")
    return [view.doc_evidence(toc)] if toc else []


@rule("missing.<type>", title="应有文书缺失",
      basis=(
          "《中华人民共和国行政处罚法》第四十四条",
          "《中华人民共和国行政处罚法》第四十七条",
          "《中华人民共和国行政处罚法》第五十四条第二款",
          "《中华人民共和国行政处罚法》第五十五条第二款",
          "《中华人民共和国行政处罚法》第五十七条",
          "《中华人民共和国行政处罚法》第五十八条",
          "《中华人民共和国行政处罚法》第五十九条",
          "《环境行政处罚办法》（环境保护部令第8号）第六十八条",
      ))
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
        name = spec(doc_type).name
        level = DOUBTFUL if _maybe_present(view, doc_type) else SURE
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
            suggestion=spec(doc_type).missing_advice or f"补充{name}",
            evidence=evidence,
            level=level,
            kind=kind,
        )


@rule("missing.service_receipt.<type>", title="送达回证缺失",
      basis=(
          "《中华人民共和国行政处罚法》第六十一条",
          "《中华人民共和国民事诉讼法》第八十七条",
          "《环境行政处罚办法》（环境保护部令第8号）第五十七条",
      ))
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
        level = DOUBTFUL if view.unknown_receipts else SURE
        name = view.name(doc)
        yield Hit(
            code=f"missing.service_receipt.{doc.type}",
            message=f"卷内未见{name}的送达回证",
            suggestion=f"补充{view.title(doc)}的送达回证，或在卷内说明送达方式及依据",
            evidence=[view.doc_evidence(doc)],
            level=level,
        )



@rule("missing.statement_record", title="陈述申辩或听证记录缺失",
      basis=(
          "《中华人民共和国行政处罚法》第四十五条",
          "《中华人民共和国行政处罚法》第六十四条",
      ))
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
            level=SURE,
        )


# Any order (责令…) in the decision other than its naming a separate 责令改正违法行为决定书.
_ORDERS_CORRECTION = re.compile(r"责令(?!改正违法行为决定书)|限期改正|立即改正")


@rule("missing.correction_order", title="未责令改正违法行为",
      basis=(
          "《中华人民共和国行政处罚法》第二十八条第一款",
      ))
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
        level=LIKELY,
    )


_FINE = re.compile(r"罚款")
_ENFORCED = re.compile(r"催告|强制执行|分期|延期缴纳|暂缓缴纳")


@rule("missing.payment_receipt", title="罚款缴纳或执行材料缺失",
      basis=(
          "《中华人民共和国行政处罚法》第四十七条",
          "《中华人民共和国行政处罚法》第六十七条",
          "《中华人民共和国行政处罚法》第七十二条",
      ))
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
        level=DOUBTFUL if _maybe_present(view, "payment_receipt") else LIKELY,
    )
