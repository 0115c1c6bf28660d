"""The rules over typed case models (no PDF, no OCR): the clean case, the registry, rule packs and
the completeness rules. Each rule has a failing case (its finding, with code, category, kind and
evidence page) and a passing one; where a value could not be read, the rule asks for review
instead of being sure.

The date rules are in test_checkers_dates.py; numbering, signatures, seals, officers and page
numbers in test_checkers_forms.py. The case builder is tests/case_builder.py.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import pytest
from case_builder import (
    DocSpec,
    L,
    beside,
    build_case,
    centre,
    check,
    clean_case,
    clean_specs,
    codes,
    doc_of,
    drop,
    page_of,
    pages_of,
    receipt_of,
    reword,
    right,
    spec,
    the,
)

from checkers import RULES, CaseView, RulePackError, load_pack
from checkers.base import code_matches
from extractors.fields import extract_fields
from models.report import CATEGORIES, DOCUMENT_TYPES

TESTS = Path(__file__).parent

# The finding codes of CONTRACT.md ("Finding codes"); a trailing <type> is a document type.
CONTRACT_CODES = (
    "missing.<type>", "missing.service_receipt.<type>", "number.missing.<type>", "number.malformed.<type>",
    "number.year_mismatch.<type>", "number.inconsistent", "number.duplicate", "pages.numbering",
    "date.missing.<type>", "date.order", "date.statement_period", "date.service_late", "date.case_overdue",
    "signature.missing.<type>", "seal.missing.<type>", "officers.insufficient",
)


# -- the clean case ------------------------------------------------------------------------------

def test_clean_case_gives_no_finding_and_nothing_to_review() -> None:
    result = check(clean_case())
    assert result.findings == [], [f.message for f in result.findings]
    assert result.review == [], [f.message for f in result.review]


def test_clean_case_reads_as_the_field_extractor_would_read_it() -> None:
    """The builder's fields are what extractors.fields makes of the same lines."""
    case = clean_case()
    pages = {p.page: p.text for p in case.pages}
    for doc in case.documents:
        read = extract_fields(doc.type, [pages[n] for n in range(doc.first, doc.last + 1)])
        for name in ("number", "date"):
            built, got = getattr(doc.fields, name), getattr(read, name)
            assert (built and (built.value, built.page)) == (got and (got.value, got.page)), (doc.type, name)
        for name in ("served_number", "served_type", "notice_number", "service_method"):
            if name in doc.fields.values:
                assert read.values[name].value == doc.fields.values[name].value, (doc.type, name)
        for name, items in doc.fields.lists.items():
            assert [v.value for v in read.lists[name]] == [v.value for v in items], (doc.type, name)


def test_clean_case_is_an_ordinary_procedure_with_every_document() -> None:
    case = clean_case()
    types = {d.type for d in case.documents}
    assert set(load_pack().procedure("一般程序").required) <= types
    numbered = [p.archive_number for p in case.pages if p.archive_number is not None]
    assert numbered == list(range(1, len(numbered) + 1))


# -- the registry --------------------------------------------------------------------------------

def test_registry_has_nineteen_rules_with_unique_names_and_a_legal_basis() -> None:
    assert len(RULES) == 19
    assert len({r.name for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.basis, f"rule {r.name} has no docstring"
        assert r.family in {"completeness", "numbering", "dates", "signatures", "officers", "pages"}


def _concrete(declared: str, pack_required: set[str]) -> list[str]:
    """The codes a declared code can stand for."""
    if "<type>" not in declared:
        return [declared]
    types = pack_required if declared == "missing.<type>" else DOCUMENT_TYPES
    return [declared.replace("<type>", t) for t in types]


def test_registry_every_code_has_a_sheet_row_and_a_kind_in_the_pack() -> None:
    pack = load_pack()
    required = {t for p in pack.procedures.values() for t in p.required} | {"inquiry_record"}
    for r in RULES:
        for declared in r.codes:
            for code in _concrete(declared, required):
                category, kind = pack.classify(code)
                assert category in CATEGORIES, code
                assert kind in ("合法性", "规范性"), code


def test_registry_every_code_is_of_a_contract_family() -> None:
    for r in RULES:
        for declared in r.codes:
            concrete = declared.replace("<type>", "decision")
            assert any(code_matches(concrete, c) for c in CONTRACT_CODES), (r.name, declared)


def test_registry_contract_code_list_matches_contract_md() -> None:
    found = [p for p in (TESTS.parent / "CONTRACT.md", TESTS.parent.parent / "shared" / "CONTRACT.md") if p.exists()]
    if not found:
        pytest.skip("CONTRACT.md is not beside this checkout")
    text = found[0].read_text("utf-8").split("## Finding codes", 1)[1]
    assert set(re.findall(r"^\| `([a-z_.<>]+)` \|", text, re.M)) == set(CONTRACT_CODES)


def test_registry_every_rule_has_its_tests() -> None:
    """Each rule has tests named after it, in this file or its two siblings."""
    names = set()
    for module in ("test_checkers", "test_checkers_dates", "test_checkers_forms"):
        __import__(module)
        names |= {n for n, _ in inspect.getmembers(sys.modules[module], inspect.isfunction)}
    for r in RULES:
        assert any(n.startswith(f"test_{r.name}_") for n in names), f"no test for rule {r.name}"


# -- rule packs ----------------------------------------------------------------------------------

def test_load_pack_national() -> None:
    pack = load_pack()
    assert pack.name == "national"
    assert pack.finding_levels == ["sure", "likely"]
    assert (pack.limits.case_days, pack.limits.service_workdays, pack.limits.working_day_max) == (90, 7, 7)
    assert "decision" in pack.procedure("一般程序").required
    assert pack.procedure("不存在的程序") is pack.procedure("一般程序")
    assert pack.classify("seal.missing.decision") == ("执法文书", "合法性")  # the family
    assert pack.classify("seal.missing.notice") == ("执法文书", "规范性")  # the full code wins
    with pytest.raises(KeyError):
        pack.classify("nonsense.code")


def test_load_pack_province_limit_laid_over_national(tmp_path: Path) -> None:
    province = tmp_path / "jiangxi.toml"
    province.write_text('name = "jiangxi"\n[limits]\ncase_days = 45\n', "utf-8")
    pack = load_pack(province)
    assert pack.name == "jiangxi"
    assert pack.limits.case_days == 45
    assert pack.limits.service_workdays == 7  # the rest of the table is kept
    assert "decision" in pack.procedure("一般程序").required
    # Filed 2024-04-03: 45 days end on Saturday 2024-05-18, moved to Monday 2024-05-20; decided 05-28.
    assert check(clean_case(), load_pack()).findings == []
    finding = the(check(clean_case(), pack).findings, "date.case_overdue")
    assert "超过45日" in finding.message


def test_load_pack_province_changes_a_codes_kind(tmp_path: Path) -> None:
    province = tmp_path / "province.toml"
    province.write_text('name = "province"\n[codes]\n"seal.missing.notice" = ["执法文书", "合法性"]\n', "utf-8")
    specs = clean_specs()
    spec(specs, "notice").sealed = False
    case = build_case(specs)
    assert the(check(case).findings, "seal.missing.notice").kind == "规范性"
    assert the(check(case, load_pack(province)).findings, "seal.missing.notice").kind == "合法性"


def test_load_pack_finding_levels_move_findings_to_review(tmp_path: Path) -> None:
    """A pack that wants every hit looked at first: no level is a finding but... it must name one;
    here only `likely` is, so a `sure` seal finding goes to review."""
    province = tmp_path / "strict.toml"
    province.write_text('finding_levels = ["likely"]\n', "utf-8")
    specs = clean_specs()
    spec(specs, "decision").sealed = False  # a sure finding
    result = check(build_case(specs), load_pack(province))
    assert result.findings == []
    assert codes(result.review) == {"seal.missing.decision"}


@pytest.mark.parametrize(("content", "where"), [
    ("name = \n", ""),  # not TOML
    ("[limits]\ncase_days = -1\n", "limits.case_days"),
    ("[codes]\n\"pages.numbering\" = [\"不存在的栏目\", \"规范性\"]\n", "codes"),
    ("[procedures]\n\"一般程序\" = \"all\"\n", "procedures"),
])
def test_load_pack_malformed_raises_with_the_file_name(tmp_path: Path, content: str, where: str) -> None:
    bad = tmp_path / "bad_pack.toml"
    bad.write_text(content, "utf-8")
    with pytest.raises(RulePackError) as err:
        load_pack(bad)
    assert "bad_pack.toml" in str(err.value)
    assert where in str(err.value)


def test_load_pack_unknown_document_type_is_malformed(tmp_path: Path) -> None:
    typo = tmp_path / "typo_pack.toml"
    typo.write_text('[procedures."一般程序"]\nrequired = ["decision", "legal_reveiw"]\n', "utf-8")
    with pytest.raises(RulePackError, match=r"typo_pack\.toml"):
        load_pack(typo)


def test_load_pack_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match=r"no_such\.toml"):
        load_pack(tmp_path / "no_such.toml")


# -- completeness: required documents ------------------------------------------------------------

@pytest.mark.parametrize(("doc_type", "category", "kind"), [
    ("cover", "案卷归档", "规范性"),
    ("archive_note", "案卷归档", "规范性"),
    ("closing_approval", "案卷归档", "规范性"),
    ("filing_approval", "执法程序", "合法性"),
    ("evidence", "事实证据", "合法性"),
    ("investigation_report", "调查报告", "规范性"),
    ("legal_review", "执法程序", "规范性"),
    ("internal_approval", "内部审批表", "合法性"),
    ("decision", "执法文书", "合法性"),
])
def test_required_documents_missing(doc_type: str, category: str, kind: str) -> None:
    specs = drop(clean_specs(), doc_type)
    if doc_type == "decision":
        specs = drop(specs, "payment_receipt")  # no decision, no fine to pay
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {f"missing.{doc_type}"}
    finding = the(result.findings, f"missing.{doc_type}")
    assert (finding.category, finding.kind) == (category, kind)
    assert pages_of(finding) == [page_of(case, "toc")]  # pointed at the 卷内目录
    assert result.review == []


def test_required_documents_missing_toc_has_no_evidence_page() -> None:
    finding = the(check(build_case(drop(clean_specs(), "toc"))).findings, "missing.toc")
    assert (finding.category, finding.kind, finding.evidence) == ("案卷归档", "规范性", [])


def test_required_documents_missing_notice_points_at_the_decisions_citation() -> None:
    case = build_case(drop(clean_specs(), "notice"))
    result = check(case)
    assert codes(result.findings) == {"missing.notice"}
    finding = the(result.findings, "missing.notice")
    assert (finding.category, finding.kind) == ("执法程序", "合法性")
    assert pages_of(finding) == [page_of(case, "decision")]
    assert finding.evidence[0].text == "宜环罚告〔2024〕12号"


def test_required_documents_either_record_kind_is_enough() -> None:
    assert check(build_case(drop(clean_specs(), "inspection_record"))).findings == []
    assert check(build_case(drop(clean_specs(), "inquiry_record"))).findings == []
    result = check(build_case(drop(clean_specs(), "inspection_record", "inquiry_record")))
    finding = the(result.findings, "missing.inspection_record")
    assert (finding.category, finding.kind) == ("现场笔录", "合法性")


def test_required_documents_an_unclassified_document_with_the_title_is_for_review() -> None:
    specs = clean_specs()
    spec(specs, "investigation_report").type = "other"  # the classifier missed it; its title says what it is
    result = check(build_case(specs))
    assert result.findings == []
    finding = the(result.review, "missing.investigation_report")
    assert finding.confidence == 0.5


def test_required_documents_legal_review_is_a_legality_defect_after_a_hearing() -> None:
    specs = drop(clean_specs(), "legal_review")
    hearing = DocSpec("statement_record", "听证笔录", [[
        centre("听证笔录"), L("听证时间：2024年5月20日9时00分"), L("主持人：周某  记录员：吴某"),
        L("当事人签名："), beside("{date}")]], date="2024-05-20", signed=["当事人签名："])
    specs.insert(specs.index(spec(specs, "decision")), hearing)
    result = check(build_case(specs))
    assert codes(result.findings) == {"missing.legal_review"}
    finding = the(result.findings, "missing.legal_review")
    assert (finding.category, finding.kind) == ("执法程序", "合法性")  # LAP art58(2)


def test_required_documents_simple_procedure_needs_only_the_decision() -> None:
    specs = clean_specs()
    simple = [spec(specs, "decision"), receipt_of(specs, "decision"), spec(specs, "payment_receipt")]
    result = check(build_case(simple, case_type="简易程序"))
    assert result.findings == [] and result.review == []
    assert "missing.cover" in codes(check(build_case(simple)).findings)  # as an ordinary case it would lack much


# -- completeness: service receipts --------------------------------------------------------------

@pytest.mark.parametrize("served", ["notice", "decision", "correction_order"])
def test_service_receipts_missing(served: str) -> None:
    specs = clean_specs()
    specs.remove(receipt_of(specs, served))
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {f"missing.service_receipt.{served}"}
    finding = the(result.findings, f"missing.service_receipt.{served}")
    assert (finding.category, finding.kind) == ("送达回证", "合法性")
    assert pages_of(finding) == [page_of(case, served)]


def test_service_receipts_matched_by_the_served_title_when_no_number_is_cited() -> None:
    specs = clean_specs()
    receipt_of(specs, "decision").cites = ""  # 送达文书名称：行政处罚决定书, no 文号
    case = build_case(specs)
    assert "served_number" not in doc_of(case, "service_receipt", 2).fields.values
    assert check(case).findings == []


def test_service_receipts_one_receipt_may_serve_two_documents_handed_over_together() -> None:
    specs = clean_specs()
    specs.remove(receipt_of(specs, "correction_order"))
    both = receipt_of(specs, "decision")
    reword(both, "送达文书名称及文号：{served}",
           "送达文书名称及文号：《行政处罚决定书》（宜环罚〔2024〕15号）、《责令改正违法行为决定书》（宜环责改〔2024〕3号）")
    assert check(build_case(specs)).findings == []


def test_service_receipts_a_receipt_whose_served_document_is_unreadable_makes_it_a_question() -> None:
    specs = clean_specs()
    unread = receipt_of(specs, "decision")
    unread.serves = None  # the 送达文书 row was not read
    unread.unreadable = {"served_title": "未读出送达文书名称"}
    result = check(build_case(specs))
    assert result.findings == []
    finding = the(result.review, "missing.service_receipt.decision")
    assert finding.confidence == 0.5


# -- completeness: statement record, correction order, payment -----------------------------------

_NO_STATEMENT = "你单位在规定期限内未提出陈述、申辩意见。"


def test_statement_record_missing_when_the_decision_says_statements_were_made() -> None:
    specs = clean_specs()
    reword(spec(specs, "decision"), _NO_STATEMENT, "你单位在规定期限内提出了陈述、申辩意见，经复核，我局不予采纳。")
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"missing.statement_record"}
    finding = the(result.findings, "missing.statement_record")
    assert (finding.category, finding.kind) == ("相关记录", "规范性")
    assert pages_of(finding) == [page_of(case, "decision")]
    assert "提出了陈述" in (finding.evidence[0].text or "")


def test_statement_record_present() -> None:
    specs = clean_specs()
    reword(spec(specs, "decision"), _NO_STATEMENT, "你单位在规定期限内提出了陈述、申辩意见，经复核，我局不予采纳。")
    record = DocSpec("statement_record", "陈述申辩笔录", [[
        centre("陈述申辩笔录"), L("时间：2024年5月15日10时00分"), L("当事人签名："), beside("{date}")]],
        date="2024-05-15", signed=["当事人签名："])
    specs.insert(specs.index(spec(specs, "decision")), record)
    assert check(build_case(specs)).findings == []


def test_statement_record_missing_hearing_record_when_a_hearing_was_held() -> None:
    specs = clean_specs()
    reword(spec(specs, "decision"), _NO_STATEMENT, "你单位申请听证，我局于2024年5月20日依法举行了听证。")
    record = DocSpec("statement_record", "陈述申辩笔录", [[
        centre("陈述申辩笔录"), L("当事人签名："), beside("{date}")]], date="2024-05-15")
    specs.insert(specs.index(spec(specs, "decision")), record)
    finding = the(check(build_case(specs)).findings, "missing.statement_record")
    assert "听证笔录" in finding.message


def test_statement_record_not_needed_when_the_party_made_none() -> None:
    assert "missing.statement_record" not in codes(check(clean_case()).findings)


@pytest.mark.parametrize("wording", ["你单位未在规定期限内提出陈述、申辩意见。", "你单位在规定期限内未向我局提出陈述、申辩意见。"])
def test_statement_record_not_needed_when_the_decision_says_none_were_made_in_other_words(wording: str) -> None:
    specs = clean_specs()
    reword(spec(specs, "decision"), _NO_STATEMENT, wording)
    assert check(build_case(specs)).findings == []


_NO_HEARING = ["你单位在规定期限内未提出陈述、申辩意见，也未要求举行听证。",
               "你单位在规定期限内未提出陈述、申辩意见，亦未申请召开听证会。"]


@pytest.mark.parametrize("wording", _NO_HEARING)
def test_statement_record_not_needed_when_the_decision_says_no_hearing_was_asked_for(wording: str) -> None:
    specs = clean_specs()
    reword(spec(specs, "decision"), _NO_STATEMENT, wording)
    assert check(build_case(specs)).findings == []


@pytest.mark.parametrize("wording", _NO_HEARING)
def test_required_documents_no_hearing_held_when_the_decision_says_none_was_asked_for(wording: str) -> None:
    specs = clean_specs()
    reword(spec(specs, "decision"), _NO_STATEMENT, wording)
    assert not CaseView(build_case(specs), load_pack()).hearing_held


def test_correction_order_missing() -> None:
    case = build_case(drop(clean_specs(), "correction_order"))
    result = check(case)
    assert codes(result.findings) == {"missing.correction_order"}
    finding = the(result.findings, "missing.correction_order")
    assert (finding.category, finding.kind) == ("执法程序", "合法性")
    assert pages_of(finding) == [page_of(case, "decision")]


def test_correction_order_clause_in_the_decision_is_enough() -> None:
    specs = drop(clean_specs(), "correction_order")
    reword(spec(specs, "decision"), "我局决定对你单位处以罚款人民币伍万元整。",
           "我局决定对你单位处以罚款人民币伍万元整，并责令你单位立即改正违法行为。")
    assert check(build_case(specs)).findings == []


def test_payment_receipt_missing() -> None:
    case = build_case(drop(clean_specs(), "payment_receipt"))
    result = check(case)
    assert codes(result.findings) == {"missing.payment_receipt"}
    finding = the(result.findings, "missing.payment_receipt")
    assert (finding.category, finding.kind) == ("相关记录", "规范性")
    assert pages_of(finding) == [page_of(case, "decision")]


def test_payment_receipt_not_needed_when_enforcement_is_on_file() -> None:
    specs = drop(clean_specs(), "payment_receipt")
    reminder = DocSpec("other", "催告书", [[centre("催告书"),
                                          L("你单位逾期未缴纳罚款，现依法催告，请于十日内缴纳。"), right("{date}")]],
                       date="2024-06-25")
    specs.insert(specs.index(spec(specs, "closing_approval")), reminder)
    assert check(build_case(specs)).findings == []
