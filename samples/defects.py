"""The defect injector: turn a clean case into one that carries given finding codes.

Each injector changes the case spec (dates, numbers, the knobs in `Defects`) so that the
rendered pages really show the defect, and nothing else the checkers look for. Injectors
declare the parts of the case they touch; two injectors that touch the same part are never
combined, which keeps every file's truth exact.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from samples import catalog
from samples.spec import CaseSpec
from samples.timeline import add_days_to_workday, add_workdays

Injector = Callable[[CaseSpec, random.Random], bool]

# The served-document key in the spec for each CONTRACT type a code names.
KEY_OF = {"notice": "notice", "decision": "decision", "correction_order": "correction"}


@dataclass(frozen=True)
class Defect:
    code: str
    touches: frozenset[str]
    inject: Injector


def _set_year(number: str | None, year: int) -> str | None:
    return re.sub(r"〔\d{4}〕", f"〔{year}〕", number) if number else number


def _retime_from_decision(spec: CaseSpec, rng: random.Random, decision: dt.date, service_wd: int | None = None) -> None:
    """Move the decision and every later step, keeping them lawful among themselves."""
    d = spec.dates
    d["decision"] = decision
    d["decision_service"] = add_workdays(decision, rng.choice((0, 1, 2)) if service_wd is None else service_wd)
    d["payment"] = add_days_to_workday(d["decision_service"], rng.randint(1, 14))
    d["closing"] = add_days_to_workday(d["payment"], rng.randint(3, 20))
    d["archive"] = add_days_to_workday(d["closing"], rng.randint(1, 10))
    spec.numbers["decision"] = _set_year(spec.numbers["decision"], decision.year)


def _omit(*keys: str, require: Callable[[CaseSpec], bool] = lambda s: True) -> Injector:
    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if not require(spec):
            return False
        spec.defects.omit.update(keys)
        return True

    return inject


def _omit_notice(spec: CaseSpec, rng: random.Random) -> bool:
    if spec.procedure.hearing_held:
        return False
    spec.defects.omit.update({"notice", "receipt.notice", "statement", "waiver"})
    spec.procedure.statement_made = spec.procedure.waiver = False
    return True


def _omit_approvals(spec: CaseSpec, rng: random.Random) -> bool:
    if spec.procedure.extension or spec.procedure.hearing_held:
        return False  # an extension approval or hearing discussion is itself an internal approval
    spec.procedure.collective = False
    spec.defects.omit.add("approval")
    return True


def _omit_evidence(spec: CaseSpec, rng: random.Random) -> bool:
    spec.defects.omit.update(f"evidence.{i}" for i in range(len(spec.evidence_items)))
    return True


def _claim_statement(spec: CaseSpec, rng: random.Random) -> bool:
    proc = spec.procedure
    if proc.hearing_held:
        return False
    proc.statement_made = proc.waiver = False
    spec.defects.claims_statement = True
    return True


def _no_correction(spec: CaseSpec, rng: random.Random) -> bool:
    spec.procedure.separate_correction = False
    spec.procedure.correction_clause = False
    return True


def _needs_correction(spec: CaseSpec) -> bool:
    """Give the case a separate correction order (decided before anything is drawn)."""
    spec.procedure.separate_correction = True
    spec.procedure.correction_clause = False
    return True


def _number_missing(kind: str) -> Injector:
    key = KEY_OF[kind]

    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if key == "correction":
            _needs_correction(spec)
        spec.defects.no_number.add(key)
        return True

    return inject


def _number_malformed(kind: str) -> Injector:
    key = KEY_OF[kind]

    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if key == "correction":
            _needs_correction(spec)
        number = spec.numbers.get(key)
        if not number:
            return False
        m = re.match(r"^(.*)〔(\d{4})〕(\d+)号$", number)
        assert m, number
        code, year, seq = m.groups()
        spec.numbers[key] = rng.choice((
            f"{code}〔{year}〕第{seq}号",  # 第 is not part of a 文号 (GB/T 9704 §7.2.5)
            f"{code}〔{year[2:]}〕{seq}号",  # two-digit year
            f"{code}〔{year}〕{int(seq):03d}号",  # 虚位 zero padding
            f"{code}{year}年{seq}号",  # no brackets at all
        ))
        return True

    return inject


def _number_year(kind: str) -> Injector:
    key = KEY_OF[kind]

    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if key == "correction":
            _needs_correction(spec)
        day = spec.dates.get(key)
        if not day:
            return False
        spec.numbers[key] = _set_year(spec.numbers[key], day.year + rng.choice((-1, 1)))
        return True

    return inject


def _number_inconsistent(spec: CaseSpec, rng: random.Random) -> bool:
    if rng.random() < 0.5:
        # A receipt naming a number the served document does not carry.
        served = "decision" if rng.random() < 0.6 else "notice"
        number = spec.numbers[served]
        assert number
        seq = int(re.search(r"〕(\d+)号", number).group(1))  # type: ignore[union-attr]
        spec.defects.receipt_cites[served] = re.sub(r"〕\d+号", f"〕{seq + rng.randint(1, 9)}号", number)
    else:
        # One document carrying another agency's code.
        key = "notice" if rng.random() < 0.5 or not spec.procedure.separate_correction else "correction"
        other = rng.choice([c for c in catalog.OTHER_CODES if not spec.agency.code.startswith(c)])
        spec.numbers[key] = spec.numbers[key].replace(spec.agency.code, other, 1)  # type: ignore[union-attr]
    return True


def _number_duplicate(spec: CaseSpec, rng: random.Random) -> bool:
    target = "correction" if spec.procedure.separate_correction and rng.random() < 0.5 else "notice"
    if spec.dates[target].year != spec.dates["decision"].year:
        return False
    spec.numbers[target] = spec.numbers["decision"]
    return True


def _date_missing(kind: str) -> Injector:
    key = {"service_receipt": "decision_service", **KEY_OF}[kind]

    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if key == "correction":
            _needs_correction(spec)
        spec.defects.no_date.add(key)
        return True

    return inject


def _date_order(spec: CaseSpec, rng: random.Random) -> bool:
    d = spec.dates
    variant = rng.choice(("notice_receipt", "review_after", "report_before_filing", "payment_before",
                          "decision_receipt"))
    if variant == "notice_receipt":
        d["notice_service"] = d["notice"] - dt.timedelta(days=rng.randint(2, 5))
    elif variant == "review_after":
        d["legal_review"] = add_days_to_workday(d["decision"], rng.randint(2, 6))
    elif variant == "report_before_filing":
        d["report"] = d["filing"] - dt.timedelta(days=rng.randint(2, 6))
        d["inquiry"] = min(d["inquiry"], d["report"])
        d["monitoring"] = min(d["monitoring"], d["report"])
        if d["inquiry"] < d["inspection"] or d["monitoring"] < d["inspection"]:
            return False
    elif variant == "payment_before":
        d["payment"] = d["decision"] - dt.timedelta(days=rng.randint(2, 6))
    else:
        d["decision_service"] = d["decision"] - dt.timedelta(days=rng.randint(2, 5))
    return True


def _statement_period(spec: CaseSpec, rng: random.Random) -> bool:
    proc, d = spec.procedure, spec.dates
    if proc.hearing_held:
        return False
    proc.statement_made = proc.waiver = False  # neither statements nor a waiver end the period early
    allowed = proc.stated_days if not proc.hearing_offered else max(proc.stated_days, 5)
    decision = add_workdays(d["notice_service"], rng.randint(1, allowed - 1))
    if decision < max(d["approval"], d["legal_review"]):
        return False
    if proc.collective:
        d["collective"] = decision
    _retime_from_decision(spec, rng, decision)
    return True


def _service_late(spec: CaseSpec, rng: random.Random) -> bool:
    _retime_from_decision(spec, rng, spec.dates["decision"], service_wd=rng.randint(10, 25))
    return True


def _case_overdue(spec: CaseSpec, rng: random.Random) -> bool:
    if spec.procedure.extension:
        return False
    d = spec.dates
    shift = dt.timedelta(days=(d["decision"] - d["filing"]).days - rng.randint(100, 150))
    for key in ("inspection", "filing", "inquiry", "photos", "monitoring", "correction", "correction_service"):
        d[key] = add_days_to_workday(d[key] + shift, 0)
    d["correction_service"] = max(d["correction_service"], d["correction"])
    spec.numbers["correction"] = _set_year(spec.numbers["correction"], d["correction"].year)
    if spec.numbers["case"] and "〔" in spec.numbers["case"]:
        spec.numbers["case"] = _set_year(spec.numbers["case"], d["filing"].year)
    return (d["decision"] - d["filing"]).days > 95


def _needs_inquiry(spec: CaseSpec) -> bool:
    spec.procedure.inquiry = True
    return True


def _unsign(key: str, role: str, require: Callable[[CaseSpec], bool] = lambda s: True) -> Injector:
    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if not require(spec):
            return False
        spec.defects.unsigned[key] = role
        return True

    return inject


def _unsign_receipt(spec: CaseSpec, rng: random.Random) -> bool:
    served = rng.choice(("decision", "notice"))
    # 留置送达 lawfully has no recipient signature; the defect needs a receipt that should have one.
    setattr(spec.procedure, f"{served}_method", "直接送达")
    spec.defects.unsigned[f"receipt.{served}"] = "recipient"
    return True


def _unseal(kind: str) -> Injector:
    key = KEY_OF[kind]

    def inject(spec: CaseSpec, rng: random.Random) -> bool:
        if key == "correction":
            _needs_correction(spec)
        spec.defects.unsealed.add(key)
        return True

    return inject


def _one_officer(spec: CaseSpec, rng: random.Random) -> bool:
    key = "inquiry" if spec.procedure.inquiry and rng.random() < 0.4 else "inspection"
    spec.defects.one_officer.add(key)
    return True


def _numbering(spec: CaseSpec, rng: random.Random) -> bool:
    spec.defects.numbering_fault = rng.choice(("skip", "repeat", "unnumbered"))
    return True


def _d(code: str, touches: str, inject: Injector) -> Defect:
    return Defect(code, frozenset(touches.split()), inject)


DEFECTS: list[Defect] = [
    _d("missing.cover", "cover", _omit("cover")),
    _d("missing.toc", "toc pages", _omit("toc")),
    _d("missing.archive_note", "archive_note", _omit("archive_note")),
    _d("missing.filing_approval", "filing timeline", _omit("filing")),
    _d("missing.inspection_record", "inspection inquiry officers sign",
       _omit("inspection", "inquiry")),
    _d("missing.evidence", "evidence", _omit_evidence),
    _d("missing.investigation_report", "report timeline", _omit("report")),
    _d("missing.legal_review", "legal_review timeline", _omit("legal_review")),
    _d("missing.internal_approval", "approval timeline sign", _omit_approvals),
    _d("missing.notice", "notice timeline number statement seal", _omit_notice),
    _d("missing.decision", "decision timeline number seal", _omit("decision")),
    # The claim is written into the decision, so the decision must be there to carry it.
    _d("missing.statement_record", "statement decision", _claim_statement),
    _d("missing.correction_order", "correction number", _no_correction),
    _d("missing.payment_receipt", "payment timeline", _omit("payment")),
    _d("missing.closing_approval", "closing timeline sign", _omit("closing")),
    _d("missing.service_receipt.notice", "notice receipt timeline", _omit("receipt.notice")),
    _d("missing.service_receipt.decision", "decision receipt timeline", _omit("receipt.decision")),
    _d("missing.service_receipt.correction_order", "correction receipt",
       _omit("receipt.correction", require=_needs_correction)),
    *(_d(f"number.missing.{t}", f"number {KEY_OF[t]} receipt", _number_missing(t)) for t in KEY_OF),
    *(_d(f"number.malformed.{t}", f"number {KEY_OF[t]}", _number_malformed(t)) for t in KEY_OF),
    *(_d(f"number.year_mismatch.{t}", f"number timeline {KEY_OF[t]}", _number_year(t)) for t in KEY_OF),
    _d("number.inconsistent", "number receipt", _number_inconsistent),
    _d("number.duplicate", "number timeline", _number_duplicate),
    _d("pages.numbering", "pages", _numbering),
    *(_d(f"date.missing.{t}", f"timeline number {KEY_OF[t]}", _date_missing(t)) for t in KEY_OF),
    _d("date.missing.service_receipt", "timeline receipt", _date_missing("service_receipt")),
    _d("date.order", "timeline", _date_order),
    _d("date.statement_period", "timeline statement number", _statement_period),
    _d("date.service_late", "timeline number", _service_late),
    _d("date.case_overdue", "timeline number", _case_overdue),
    _d("signature.missing.inspection_record", "inspection sign", _unsign("inspection", "party")),
    _d("signature.missing.inquiry_record", "inquiry sign", _unsign("inquiry", "party", _needs_inquiry)),
    # The unsigned receipt serves the notice or the decision: neither may be left out.
    _d("signature.missing.service_receipt", "receipt sign notice decision", _unsign_receipt),
    _d("signature.missing.filing_approval", "filing sign", _unsign("filing", "leader")),
    _d("signature.missing.internal_approval", "approval sign", _unsign("approval", "leader")),
    _d("signature.missing.closing_approval", "closing sign", _unsign("closing", "leader")),
    *(_d(f"seal.missing.{t}", f"seal {KEY_OF[t]}", _unseal(t)) for t in KEY_OF),
    _d("officers.insufficient", "officers", _one_officer),
]
BY_CODE = {d.code: d for d in DEFECTS}
ALL_CODES = tuple(BY_CODE)


def compatible(code: str, others: list[str]) -> bool:
    touched = frozenset().union(*(BY_CODE[o].touches for o in others))
    return not (BY_CODE[code].touches & touched)


def inject(spec: CaseSpec, codes: list[str], rng: random.Random) -> list[str]:
    """Apply the codes that fit this case and each other; returns the codes applied."""
    touched: set[str] = set()
    applied: list[str] = []
    for code in codes:
        defect = BY_CODE[code]
        if defect.touches & touched:
            continue
        if defect.inject(spec, rng):
            touched |= defect.touches
            applied.append(code)
    spec.defects.codes = applied
    return applied
