"""Case-level fields (the report's `case`) from the fields of the case's documents."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from extractors.fields.values import clean_cause
from lexicon.numbers import parse_number
from models.case import DocumentFields, FieldValue
from models.report import CaseFields

log = logging.getLogger(__name__)

Docs = Sequence[tuple[str, DocumentFields]]


def _of(docs: Docs, *types: str) -> list[DocumentFields]:
    return [f for t, f in docs if t in types]


def _first(candidates: Sequence[FieldValue | None]) -> str | None:
    for fv in candidates:
        if fv is not None and fv.value:
            return fv.value
    return None


def _value(fields: DocumentFields, name: str) -> FieldValue | None:
    return fields.values.get(name)


def _served(docs: Docs, served: str, name: str) -> list[FieldValue | None]:
    return [_value(f, name) for f in _of(docs, "service_receipt")
            if (st := _value(f, "served_type")) is not None and st.value == served]


def _party(docs: Docs) -> str | None:
    """The name most documents agree on, the decision's and notice's counting first."""
    order = ("decision", "notice", "filing_approval", "correction_order", "inspection_record", "service_receipt",
             "statement_record", "internal_approval", "closing_approval", "payment_receipt", "cover")
    votes: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for t, f in docs:
        fv = _value(f, "party")
        if fv is None or t not in order:
            continue
        weight = 2 if t in ("decision", "notice", "filing_approval") else 1
        votes[fv.value] += weight
        first_seen.setdefault(fv.value, order.index(t))
    if not votes:
        return None
    return max(votes, key=lambda v: (votes[v], -first_seen[v]))


def _cause(docs: Docs, party: str | None) -> str | None:
    found = _first([_value(f, "cause") for f in _of(docs, "filing_approval")])
    if found:
        return found
    # A case name is 当事人 + 违法行为 + 案: without the party it is the cause.
    for t in ("cover", "internal_approval", "closing_approval", "legal_review"):
        for f in _of(docs, t):
            name = _value(f, "case_name")
            if name and party and name.value.startswith(party):
                cause = clean_cause(name.value, party)
                if len(cause) >= 4:
                    return cause
    return _first([_value(f, "cause") for f in _of(docs, "statement_record", "cover", "internal_approval",
                                                     "investigation_report")])


def _case_type(docs: Docs) -> str | None:
    stated = _first([_value(f, "case_type") for _, f in docs])
    if stated:
        return stated
    # 简易程序 (当场处罚) has neither a written prior notice nor a 立案: a file holding a 事先告知书
    # with a 决定书 or a 立案审批表 followed, by its documents, 一般程序 (LAP arts 44, 51-57; DOMAIN §2).
    # Likewise a 立案审批表, an investigation report, a legal review, a collective discussion or
    # a statement record: two of them are steps of the general procedure (LAP ch. V §2), not of
    # a 当场 decision.
    types = {t for t, _ in docs}
    if "notice" in types and types & {"decision", "filing_approval"}:
        return "一般程序"
    general = {"filing_approval", "investigation_report", "legal_review", "internal_approval", "statement_record"}
    if len(types & general) >= 2:
        return "一般程序"
    return None


def _officers(docs: Docs) -> list[str]:
    """The case's officers (承办人员) from its records, in order of first appearance.

    A record's officer field can pick up a misread signature or a footer (页第, 龚秀建共); the same
    two officers, though, are printed on most records of a case. Where two or more names are
    printed on more than one record, only those are kept. Without records, the investigation
    report's account (执法人员甲、乙对当事人进行了现场检查) names them."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for t, f in docs:
        if t not in ("inspection_record", "inquiry_record", "statement_record"):
            continue
        for name in dict.fromkeys(fv.value for fv in f.lists.get("officers", [])):
            seen[name] = seen.get(name, 0) + 1
            if name not in names:
                names.append(name)
    names = [n for n in names if not _spliced(n, names)]
    confirmed = [n for n in names if seen[n] >= 2]
    if not names:  # no record read (or none in the file): the investigation report's account
        names = list(dict.fromkeys(fv.value for f in _of(docs, "investigation_report")
                                   for fv in f.lists.get("officers", [])))
    return confirmed if len(confirmed) >= 2 else names


def _spliced(name: str, names: list[str]) -> bool:
    """Two officers' names read as one (吕浩 郭远宏 -> 吕浩郭远): a name of four or more characters
    whose head is part of one other name and whose tail is part of another. Chinese names have
    two or three characters; a four-character one is rare and is kept unless it splits so."""
    if len(name) < 4:
        return False
    others = [n for n in names if n != name and len(n) >= 2]
    return any(name[:k] in a and name[k:] in b
               for k in range(1, len(name)) for a in others for b in others if a != b)


def _number_of_kind(docs: Docs, kind: str) -> str | None:
    """A number of this kind cited anywhere (cover, receipts, closing form) as the last resort."""
    for _, f in docs:
        for name in ("decision_number", "notice_number", "served_number", "case_number"):
            fv = _value(f, name)
            if fv and (parts := parse_number(fv.value)) and parts.kind == kind:
                return fv.value
    return None


def case_fields(documents: Docs) -> CaseFields:
    """The case's own fields, each from the document that states it, else from one that cites it."""
    docs = list(documents)
    filing = _of(docs, "filing_approval")
    cover = _of(docs, "cover")
    notices = _of(docs, "notice")
    decisions = _of(docs, "decision")
    party = _party(docs)

    case_number = _first([f.number for f in filing] + [_value(f, "case_number") for f in cover]
                         + [_value(f, "case_number") for f in _of(docs, "internal_approval", "closing_approval")])
    filing_date = _first([f.date for f in filing] + [_value(f, "filing_date") for f in cover]
                         + [_value(f, "filing_date") for f in _of(docs, "closing_approval")])
    notice_number = _first([f.number for f in notices])
    if notice_number is None and not any(f.number for f in notices):
        cited = _served(docs, "notice", "served_number") + [_value(f, "notice_number") for f in decisions]
        notice_number = _first(cited) if not notices else None
    decision_number = _first([f.number for f in decisions])
    if decision_number is None and not decisions:
        # No decision in the file: what the cover, the receipt or the closing form cite.
        decision_number = _first([_value(f, "decision_number") for f in _of(docs, "cover", "closing_approval",
                                                                               "payment_receipt", "toc")]
                                 + _served(docs, "decision", "served_number")) or _number_of_kind(docs, "decision")
    fields = CaseFields(
        case_number=case_number,
        filing_date=filing_date,
        notice_number=notice_number,
        notice_date=_first([f.date for f in notices]),
        decision_number=decision_number,
        decision_date=_first([f.date for f in decisions]),
        party=party,
        case_type=_case_type(docs),
        cause=_cause(docs, party),
        officers=_officers(docs),
        agency=_first([_value(f, "agency") for f in decisions + notices]
                      + [_value(f, "agency") for f in _of(docs, "correction_order", "filing_approval", "cover",
                                                          "internal_approval", "closing_approval", "legal_review",
                                                          "investigation_report")]),
    )
    log.debug("case fields: %s", fields)
    return fields
