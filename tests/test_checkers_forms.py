"""The rules on the form of the file: 文号 (checkers/numbering.py), signatures and seals
(checkers/signatures.py), officers (checkers/officers.py) and page numbers (checkers/pages.py).

The clean case (tests/case_builder.py) numbers its documents 宜环责改〔2024〕3号, 宜环罚告〔2024〕12号
and 宜环罚〔2024〕15号; its receipts cite them; the decision cites the notice's number.
"""

from __future__ import annotations

import pytest
from case_builder import (
    OFFICERS,
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
    page_of,
    pages_of,
    receipt_of,
    renumber,
    reword,
    spec,
    the,
)

from models.case import CaseFile

_CITATION = "我局于2024年5月10日以《行政处罚事先告知书》（宜环罚告〔2024〕12号）告知你单位拟作出的处罚，"


# -- number.missing ------------------------------------------------------------------------------

def test_number_missing_decision() -> None:
    specs = clean_specs()
    spec(specs, "decision").number = None  # no 文号 line under the title
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.missing.decision"}
    finding = the(result.findings, "number.missing.decision")
    assert (finding.category, finding.kind) == ("执法文书", "规范性")
    assert pages_of(finding) == [page_of(case, "decision")]


def test_number_missing_but_printed_unreadably_is_for_review() -> None:
    specs = clean_specs()
    notice = spec(specs, "notice")
    notice.number, notice.number_raw = None, "宜环罚告〔20"
    notice.unreadable = {"number": "文号未能识读：宜环罚告〔20"}
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "number.missing.notice").confidence == 0.5


# -- number.malformed ----------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    "宜环罚告〔2024〕012号",  # zero padded
    "宜环罚告〔2024〕第12号",  # 第
    "宜环罚告2024年12号",  # no brackets
    "宜环罚告〔24〕12号",  # two-digit year
])
def test_number_malformed_notice(number: str) -> None:
    specs = clean_specs()
    spec(specs, "notice").number = number  # its receipt cites it as printed
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.malformed.notice"}
    finding = the(result.findings, "number.malformed.notice")
    assert (finding.category, finding.kind) == ("执法文书", "规范性")
    assert pages_of(finding) == [page_of(case, "notice")]
    assert finding.evidence[0].text == number


@pytest.mark.parametrize("number", ["宜环罚〔2024〕15号", "宜环罚字〔2024〕15号", "宜环罚[2024]15号"])
def test_number_malformed_not_for_a_sound_or_tolerated_number(number: str) -> None:
    """字 before 〔 is tolerated practice; [] is how OCR reads 〔〕."""
    specs = clean_specs()
    spec(specs, "decision").number = number
    assert check(build_case(specs)).findings == []


def test_number_malformed_read_unsurely_is_for_review() -> None:
    specs = clean_specs()
    notice = spec(specs, "notice")
    notice.number, notice.confidence = "宜环罚告〔2024〕012号", 0.7
    result = check(build_case(specs))
    assert "number.malformed.notice" not in codes(result.findings)
    assert the(result.review, "number.malformed.notice").confidence == 0.5


# -- number.year_mismatch ------------------------------------------------------------------------

def test_number_year_mismatch_decision() -> None:
    specs = clean_specs()
    spec(specs, "decision").number = "宜环罚〔2023〕15号"  # dated 2024-05-28
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.year_mismatch.decision"}
    finding = the(result.findings, "number.year_mismatch.decision")
    assert (finding.category, finding.kind) == ("执法文书", "规范性")
    assert pages_of(finding) == [page_of(case, "decision"), page_of(case, "decision", last=True)]


def test_number_year_mismatch_not_for_a_notice_of_the_year_before() -> None:
    """A decision in January citing a December notice: each number has its own year."""
    specs = clean_specs()
    notice, decision = spec(specs, "notice"), spec(specs, "decision")
    notice.number = "宜环罚告〔2023〕12号"
    notice.move("2023-12-28")
    receipt_of(specs, "notice").move("2023-12-29")
    decision.number = "宜环罚〔2024〕2号"
    decision.values["notice_number"] = "宜环罚告〔2023〕12号"
    reword(decision, _CITATION, _CITATION.replace("2024年5月10日", "2023年12月28日").replace("〔2024〕", "〔2023〕"))
    spec(specs, "filing_approval").move("2023-12-01")
    spec(specs, "correction_order").move("2023-12-01")
    receipt_of(specs, "correction_order").move("2023-12-01")
    spec(specs, "correction_order").number = "宜环责改〔2023〕3号"
    for doc_type, day in (("investigation_report", "2023-12-20"), ("internal_approval", "2023-12-22"),
                          ("legal_review", "2023-12-25"), ("decision", "2024-01-10")):
        spec(specs, doc_type).move(day)
    receipt_of(specs, "decision").move("2024-01-11")
    result = check(build_case(specs))
    assert not any(f.code.startswith("number.") for f in result.findings + result.review)


# -- number.inconsistent -------------------------------------------------------------------------

def test_number_inconsistent_agency_code() -> None:
    specs = clean_specs()
    spec(specs, "correction_order").number = "宜丰环责改〔2024〕3号"  # another county's bureau
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.inconsistent"}
    finding = the(result.findings, "number.inconsistent")
    assert (finding.category, finding.kind) == ("执法文书", "规范性")
    assert pages_of(finding)[0] == page_of(case, "correction_order")


def test_number_inconsistent_receipt_cites_another_number() -> None:
    specs = clean_specs()
    receipt_of(specs, "decision").cites = "宜环罚〔2024〕16号"
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.inconsistent"}
    finding = the(result.findings, "number.inconsistent")
    assert pages_of(finding) == [page_of(case, "service_receipt", 2), page_of(case, "decision")]


def test_number_inconsistent_decision_cites_another_notice() -> None:
    specs = clean_specs()
    decision = spec(specs, "decision")
    reword(decision, _CITATION, _CITATION.replace("12号", "11号"))
    decision.values["notice_number"] = "宜环罚告〔2024〕11号"
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.inconsistent"}
    assert pages_of(the(result.findings, "number.inconsistent")) == [page_of(case, "decision"),
                                                                     page_of(case, "notice")]


def test_number_inconsistent_not_for_a_branch_bureaus_code() -> None:
    specs = clean_specs()
    spec(specs, "decision").number = "宜环高罚〔2024〕15号"  # DOMAIN §3: a 分局 extends the city's code
    assert check(build_case(specs)).findings == []


def test_number_inconsistent_receipt_citing_a_misread_code_is_for_review() -> None:
    specs = clean_specs()
    receipt_of(specs, "decision").cites = "宣环罚〔2024〕16号"
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "number.inconsistent").confidence == 0.5


# -- number.duplicate ----------------------------------------------------------------------------

def test_number_duplicate_two_documents_one_number() -> None:
    specs = clean_specs()
    spec(specs, "correction_order").number = "宜环罚〔2024〕15号"  # the decision's number
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"number.duplicate"}
    finding = the(result.findings, "number.duplicate")
    assert (finding.category, finding.kind) == ("执法文书", "规范性")
    assert pages_of(finding) == [page_of(case, "correction_order"), page_of(case, "decision")]


def test_number_duplicate_two_pieces_of_one_document_is_for_review() -> None:
    """A notice the reader split in two carries its number twice: a question, not a defect."""
    specs = clean_specs()
    notice = spec(specs, "notice")
    piece = DocSpec("notice", notice.title, [[centre(notice.title), centre("{number}"), L("（续页）")]],
                    number=notice.number, date=None, sealed=None)
    specs.insert(specs.index(notice) + 1, piece)
    result = check(build_case(specs))
    assert "number.duplicate" not in codes(result.findings)
    assert the(result.review, "number.duplicate").confidence == 0.5


# -- signature.missing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("doc_type", "label", "category", "kind"), [
    ("inspection_record", "被检查人签名：", "现场笔录", "规范性"),
    ("inquiry_record", "被询问人签名：", "现场笔录", "规范性"),
    ("filing_approval", "负责人审批意见", "内部审批表", "合法性"),
    ("internal_approval", "负责人审批意见", "内部审批表", "合法性"),
    ("closing_approval", "负责人审批意见", "内部审批表", "规范性"),
])
def test_signatures_missing(doc_type: str, label: str, category: str, kind: str) -> None:
    specs = clean_specs()
    unsigned = spec(specs, doc_type)
    unsigned.signed.remove(label)
    if doc_type.endswith("_record"):
        reword(unsigned, "{date}", "年    月    日")  # the party's row left blank, date and all
    case = build_case(specs)
    result = check(case)
    code = f"signature.missing.{doc_type}"
    assert codes(result.findings) == {code}
    finding = the(result.findings, code)
    assert (finding.category, finding.kind) == (category, kind)
    assert pages_of(finding) == [page_of(case, doc_type)]
    assert finding.evidence[0].text is not None and label in finding.evidence[0].text


def test_signatures_party_unseen_but_the_row_dated_is_for_review() -> None:
    """The party's date written beside the label: a signature may be there unseen."""
    specs = clean_specs()
    spec(specs, "inspection_record").signed.remove("被检查人签名：")
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "signature.missing.inspection_record").confidence == 0.5


def test_signatures_missing_party_on_one_page_of_a_record() -> None:
    """The party signs every page of a record (DOMAIN §5)."""
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    record.pages.append([L("检查情况（续）：危险废物贮存间地面未作防渗处理。"), L("被检查人签名："), beside("年    月    日")])
    case = build_case(specs)
    finding = the(check(case).findings, "signature.missing.inspection_record")
    assert pages_of(finding) == [page_of(case, "inspection_record", last=True)]


def test_signatures_missing_recipient_with_the_row_left_blank() -> None:
    specs = clean_specs()
    unsigned = receipt_of(specs, "decision")
    unsigned.signed.remove("收件人签名或盖章：")
    unsigned.date, unsigned.date_raw = None, "年    月    日"
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"signature.missing.service_receipt", "date.missing.service_receipt"}
    finding = the(result.findings, "signature.missing.service_receipt")
    assert (finding.category, finding.kind) == ("送达回证", "规范性")
    assert pages_of(finding) == [page_of(case, "service_receipt", 2)]


def test_signatures_recipient_unseen_but_the_date_written_is_for_review() -> None:
    """A date in the recipient's row means someone filled it in: the signature may be there unseen."""
    specs = clean_specs()
    receipt_of(specs, "notice").signed.remove("收件人签名或盖章：")
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "signature.missing.service_receipt").confidence == 0.5


@pytest.mark.parametrize(("old", "printed"), [
    ("送达方式：直接送达", "送达方式：☑直接送达 □留置送达 □邮寄送达"),
    ("备注：", "备注：受送达人拒绝签收的，送达人应注明拒收事由和日期。"),
])
def test_signatures_missing_recipient_on_a_receipt_that_prints_the_other_methods(old: str, printed: str) -> None:
    specs = clean_specs()
    unsigned = receipt_of(specs, "decision")
    reword(unsigned, old, printed)
    unsigned.signed.remove("收件人签名或盖章：")
    unsigned.date, unsigned.date_raw = None, "年    月    日"
    case = build_case(specs)
    assert doc_of(case, "service_receipt", 2).fields.values["service_method"].value == "直接送达"
    assert "signature.missing.service_receipt" in codes(check(case).findings)


def test_signatures_refusal_noted_needs_no_signature() -> None:
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    record.signed.remove("被检查人签名：")
    reword(record, "被检查人意见：以上笔录已阅，情况属实。", "（当事人拒绝签名，已全程录像。见证人：周某某）")
    left = receipt_of(specs, "decision")
    left.signed.remove("收件人签名或盖章：")
    reword(left, "送达方式：直接送达", "送达方式：留置送达")
    left.values["service_method"] = "留置送达"
    assert check(build_case(specs)).findings == []


def _second_page(note: str | None) -> list[DocSpec]:
    """The inspection record on two pages, the party's signature on the first only."""
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    page2 = [L("检查情况（续）：贮存场所地面无防渗措施。")]
    page2 += [L(note)] if note else []
    page2 += [L("被检查人签名："), L("执法人员签名："), L("记录人签名：")]
    record.pages.append(page2)
    return specs


def test_signatures_the_party_signs_every_page_of_a_record() -> None:
    case = build_case(_second_page(None))
    result = check(case)
    assert codes(result.findings) == {"signature.missing.inspection_record"}
    assert pages_of(the(result.findings, "signature.missing.inspection_record")) == [
        page_of(case, "inspection_record", last=True)]


def test_signatures_a_refusal_noted_on_a_page_stands_for_that_page_only() -> None:
    assert check(build_case(_second_page("（当事人拒绝签名，已全程录像。见证人：周某某）"))).findings == []


def test_signatures_a_refusal_noted_at_the_end_stands_for_the_whole_record() -> None:
    """Real records note the refusal once, at the end: the first page's empty party zone is no defect."""
    specs = _second_page("（当事人拒绝签名，已全程录像。见证人：周某某）")
    record = spec(specs, "inspection_record")
    record.signed = [label for label in record.signed if label != "被检查人签名："]
    assert check(build_case(specs)).findings == []


def test_signatures_a_signature_found_after_a_bare_label_answers_the_nearest_role() -> None:
    case = clean_case()
    page = case.pages[page_of(case, "inspection_record") - 1]
    page.signatures = [m.model_copy(update={"label": "签名："}) if m.label == "被检查人签名：" else m
                       for m in page.signatures]
    assert check(case).findings == []


# -- seal.missing --------------------------------------------------------------------------------

@pytest.mark.parametrize(("doc_type", "kind"), [
    ("decision", "合法性"),  # LAP art59 ¶2
    ("notice", "规范性"),
    ("correction_order", "合法性"),
])
def test_seals_missing(doc_type: str, kind: str) -> None:
    specs = clean_specs()
    spec(specs, doc_type).sealed = False
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {f"seal.missing.{doc_type}"}
    finding = the(result.findings, f"seal.missing.{doc_type}")
    assert (finding.category, finding.kind) == ("执法文书", kind)
    assert pages_of(finding) == [page_of(case, doc_type, last=True)]
    assert finding.evidence[0].text == spec(specs, doc_type).shown_date  # the closing date


def test_seals_not_looked_for_is_not_missing() -> None:
    specs = clean_specs()
    spec(specs, "decision").sealed = None
    assert check(build_case(specs)).findings == []


# -- officers.insufficient -----------------------------------------------------------------------

def _one_officer(s: DocSpec, confidence: float = 0.97) -> None:
    (name, no), (other, other_no) = OFFICERS
    reword(s, f"执法人员：{name} 执法证号：{no}  {other} 执法证号：{other_no}", f"执法人员：{name} 执法证号：{no}")
    s.lists = {"officers": [name], "officer_ids": [no]}
    s.confidence = confidence


def test_officers_insufficient_on_an_inspection_record() -> None:
    specs = clean_specs()
    _one_officer(spec(specs, "inspection_record"))
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"officers.insufficient"}
    finding = the(result.findings, "officers.insufficient")
    assert (finding.category, finding.kind) == ("现场笔录", "合法性")
    assert pages_of(finding) == [page_of(case, "inspection_record")]


def test_officers_insufficient_read_unsurely_is_for_review() -> None:
    specs = clean_specs()
    _one_officer(spec(specs, "inspection_record"), confidence=0.7)
    result = check(build_case(specs))
    assert "officers.insufficient" not in codes(result.findings)
    assert the(result.review, "officers.insufficient").confidence == 0.5


def test_officers_two_names_run_together_are_a_question() -> None:
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    (name, no), (other, other_no) = OFFICERS
    reword(record, f"执法人员：{name} 执法证号：{no}  {other} 执法证号：{other_no}", f"执法人员：{name}{other} 执法证号：{no}")
    record.lists = {"officers": [name + other], "officer_ids": [no]}  # OCR lost the separator and a 证号
    result = check(build_case(specs))
    assert "officers.insufficient" not in codes(result.findings)
    assert the(result.review, "officers.insufficient")


def test_officers_two_certificates_are_two_officers_and_none_read_is_unknown() -> None:
    specs = clean_specs()
    spec(specs, "inspection_record").lists["officers"] = ["刘明"]  # the second name not read, both 证号 read
    record = spec(specs, "inquiry_record")
    record.lists = {}
    record.unreadable = {"officers": "未读出执法人员姓名"}
    assert check(build_case(specs)).findings == []


# -- pages.numbering -----------------------------------------------------------------------------

def _shift(case_pages: list[int], start: int, by: int) -> dict[int, int | None]:
    """Page numbers from page `start` on, moved by `by`."""
    return {p: n + by for p, n in enumerate(case_pages, 1) if p >= start and n is not None}


def _numbers(case: CaseFile) -> list[int | None]:
    return [p.archive_number for p in case.pages]


def test_page_numbering_skips() -> None:
    case = clean_case()
    notice = page_of(case, "notice")
    renumber(case, _shift(_numbers(case), notice, +1))
    result = check(case)
    assert codes(result.findings) == {"pages.numbering"}
    finding = the(result.findings, "pages.numbering")
    assert (finding.category, finding.kind) == ("案卷归档", "规范性")
    assert pages_of(finding) == [notice]


def test_page_numbering_repeats() -> None:
    case = clean_case()
    notice = page_of(case, "notice")
    renumber(case, _shift(_numbers(case), notice + 1, -1))
    finding = the(check(case).findings, "pages.numbering")
    assert pages_of(finding) == [notice, notice + 1]
    assert "重复" in finding.message


def test_page_numbering_runs_backwards() -> None:
    case = clean_case()
    notice = page_of(case, "notice")
    renumber(case, _shift(_numbers(case), notice, -5))
    finding = the(check(case).findings, "pages.numbering")
    assert pages_of(finding) == [notice]
    assert "倒退" in finding.message


def test_page_numbering_a_page_with_content_left_unnumbered() -> None:
    case = clean_case()
    notice = page_of(case, "notice")
    renumber(case, {notice: None, **_shift(_numbers(case), notice + 1, -1)})
    finding = the(check(case).findings, "pages.numbering")
    assert pages_of(finding) == [notice]
    assert "未编页码" in finding.message


def test_page_numbering_a_nearly_empty_page_may_go_unnumbered() -> None:
    specs = clean_specs()
    specs.insert(specs.index(spec(specs, "notice")), DocSpec("other", "", [[L("（空白）")]]))
    case = build_case(specs)
    blank = page_of(case, "other")
    renumber(case, {blank: None, **_shift(_numbers(case), blank + 1, -1)})
    assert check(case).findings == []


def test_page_numbering_one_number_out_of_line_is_for_review() -> None:
    case = clean_case()
    notice = page_of(case, "notice")
    renumber(case, {notice: 19})  # its neighbours read 9 and 11: a misread 10
    result = check(case)
    assert result.findings == []
    finding = the(result.review, "pages.numbering")
    assert (pages_of(finding), finding.confidence) == ([notice], 0.5)


def test_page_numbering_none_read_at_all_is_for_review() -> None:
    case = clean_case()
    renumber(case, {p.page: None for p in case.pages})
    result = check(case)
    assert result.findings == []
    assert the(result.review, "pages.numbering").confidence == 0.5


def test_page_numbering_unnumbered_cover_toc_and_archive_note_are_right() -> None:
    case = clean_case()
    assert [case.pages[i].archive_number for i in (0, 1, -1)] == [None, None, None]
    assert "pages.numbering" not in codes(check(case).findings)
    assert doc_of(case, "archive_note").last == len(case.pages)


def test_officers_one_asking_one_recording_is_two_officers() -> None:
    """一人询问，一人记录: the recorder with an 执法证号 is the second officer (DOMAIN §5)."""
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    _one_officer(record)
    (_, _), (other, other_no) = OFFICERS
    reword(record, f"记录人：{other}", f"记录人：{other} 执法证号：{other_no}")
    record.lists |= {"recorders": [other], "recorder_ids": [other_no]}
    result = check(build_case(specs))
    assert "officers.insufficient" not in codes(result.findings + result.review)


def test_officers_a_recorder_without_a_number_is_not_the_second_officer() -> None:
    """DOMAIN §5: two distinct officer names *with* 执法证号; a recorder named without one is not."""
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    _one_officer(record)
    reword(record, f"记录人：{OFFICERS[1][0]}", "记录人：周某")
    record.lists |= {"recorders": ["周某"]}
    assert "officers.insufficient" in codes(check(build_case(specs)).findings)


def test_one_receipt_serving_two_documents_with_a_title_wrapped_in_its_cell() -> None:
    """送达文书：《行政处罚事先告知书》（…）一份、《责 / 令改正违法行为决定书》（…）一份 — the cell wraps the
    second title across lines; the receipt still serves both."""
    specs = clean_specs()
    correction = spec(specs, "correction_order")
    notice_receipt = receipt_of(specs, "notice")
    specs.remove(receipt_of(specs, "correction_order"))
    reword(notice_receipt, "送达文书名称及文号：{served}", "送达文书名称及文号：{served}、《责")
    page = notice_receipt.pages[0]
    at = next(i for i, line in enumerate(page) if line.text.endswith("、《责"))
    # The label of the cell beside (名称和件数) is read between the two halves.
    page.insert(at + 1, L("名称和件数"))
    page.insert(at + 2, L(f"令改正违法行为决定书》（{correction.number}）"))
    result = check(build_case(specs))
    assert "missing.service_receipt.correction_order" not in codes(result.findings + result.review)
