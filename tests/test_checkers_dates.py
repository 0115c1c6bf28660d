"""The date rules (checkers/dates.py) and the way periods are counted (checkers/calendar.py).

The clean case (tests/case_builder.py): inspection 2024-04-02, filing 04-03, correction order
04-03 (served 04-03), legal review 05-09, notice 05-10 (Friday; served Monday 05-13, "收到本告知书
之日起五日内" → five working days, to 05-20), decision 05-28 (served 05-30), payment 06-05, closing
06-12.
"""

from __future__ import annotations

import datetime as dt

import pytest
from case_builder import (
    DocSpec,
    L,
    beside,
    build_case,
    centre,
    check,
    clean_specs,
    codes,
    doc_of,
    page_of,
    pages_of,
    receipt_of,
    reword,
    right,
    spec,
    the,
)

from checkers import CaseView, load_pack
from checkers.calendar import add_days, add_workdays, is_workday, period_end
from checkers.dates import stated_period

D = dt.date


# -- calendar ------------------------------------------------------------------------------------

def test_add_workdays_skips_the_national_day_holiday() -> None:
    end = add_workdays(D(2024, 9, 27), 5)  # DOMAIN §7: find_workday(5, 2024-09-27) == 2024-10-10
    assert end.day == D(2024, 10, 10)
    assert end.exact


def test_add_workdays_counts_a_tiaoxiu_weekend_day() -> None:
    assert is_workday(D(2024, 10, 12)) == (True, True)  # Saturday worked for the National Day
    assert add_workdays(D(2024, 10, 11), 1).day == D(2024, 10, 12)
    assert add_workdays(D(2024, 9, 28), 1).day == D(2024, 9, 29)  # Sunday worked
    assert add_workdays(D(2024, 5, 10), 1).day == D(2024, 5, 11)  # Saturday worked for 劳动节
    assert add_workdays(D(2024, 5, 17), 1).day == D(2024, 5, 20)  # an ordinary weekend is skipped


def test_add_workdays_start_day_not_counted() -> None:
    assert add_workdays(D(2024, 5, 13), 5).day == D(2024, 5, 20)
    assert add_workdays(D(2024, 5, 28), 7).day == D(2024, 6, 6)


def test_add_days_ending_on_a_holiday_rolls_to_the_next_working_day() -> None:
    assert add_days(D(2024, 9, 1), 30).day == D(2024, 10, 8)  # 10-01 is National Day
    assert add_days(D(2024, 4, 3), 45).day == D(2024, 5, 20)  # Saturday 05-18 → Monday
    assert add_days(D(2024, 4, 3), 90).day == D(2024, 7, 2)  # a working day stays


def test_period_end_working_days_up_to_seven_natural_beyond() -> None:
    assert period_end(D(2024, 9, 27), 5).day == D(2024, 10, 10)
    assert period_end(D(2024, 9, 27), 7).day == D(2024, 10, 12)
    assert period_end(D(2024, 9, 1), 30).day == D(2024, 10, 8)
    assert period_end(D(2024, 5, 13), 10).day == D(2024, 5, 23)  # natural days


@pytest.mark.parametrize("start", [D(2030, 3, 1), D(2003, 5, 1)])
def test_calendar_outside_chinesecalendar_range_is_not_exact(start: dt.date) -> None:
    work = add_workdays(start, 5)
    assert not work.exact
    assert work.day.weekday() < 5
    assert not add_days(start, 3).exact
    assert is_workday(D(2030, 1, 5)) == (False, False)  # a Saturday, Mon–Fri standing in


# -- stated_period -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "period"), [
    ("你单位可在收到本告知书之日起五日内向我局提出陈述、申辩，逾期视为放弃。", (5, False)),
    ("可自收到本告知书之日起七个工作日内提出陈述和申辩", (7, True)),
    ("你单位可在收到本告知书之日起3日内进行陈述申辩", (3, False)),
    ("如有异议，可于送达之日起十日内提出书面陈述、申辩意见", (10, False)),
    ("你单位应自收到本决定书之日起十五日内缴纳罚款。", None),  # not the statement period
    ("逾期视为放弃陈述申辩权利。", None),
])
def test_stated_period(text: str, period: tuple[int, bool] | None) -> None:
    assert stated_period(text) == period


# -- date.missing --------------------------------------------------------------------------------

def test_date_missing_decision_with_a_blank_printed_date() -> None:
    specs = clean_specs()
    decision = spec(specs, "decision")
    decision.date, decision.date_raw = None, "年    月    日"
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.missing.decision"}
    finding = the(result.findings, "date.missing.decision")
    assert (finding.category, finding.kind) == ("执法文书", "规范性")
    assert pages_of(finding) == [page_of(case, "decision", last=True)]
    assert finding.evidence[0].bbox is not None


def test_date_missing_decision_with_nothing_read_on_a_colour_scan() -> None:
    specs = clean_specs()
    spec(specs, "decision").date = None  # the date line is not there at all
    finding = the(check(build_case(specs)).findings, "date.missing.decision")
    assert finding.confidence == 0.8  # likely: a finding under the national pack


def test_date_missing_decision_whose_closing_shows_date_fragments_is_for_review() -> None:
    specs = clean_specs()
    decision = spec(specs, "decision")
    decision.date, decision.date_raw = None, "二〇二四年五"  # the rest under the seal
    case = build_case(specs)
    result = check(case)
    assert "date.missing.decision" not in codes(result.findings)
    finding = the(result.review, "date.missing.decision")
    assert finding.confidence == 0.5
    assert finding.evidence[0].text == "二〇二四年五"
    assert pages_of(finding) == [page_of(case, "decision", last=True)]


def test_a_blank_date_under_a_grey_seal_read_with_one_stray_character_is_a_finding() -> None:
    """年 月 日 printed blank under a grey seal, read 無月 (the 年 lost in the seal's ink): no figure
    anywhere, so the date is absent, not unreadable (case-20241125-024 of the scanned corpus)."""
    specs = clean_specs()
    decision = spec(specs, "decision")
    decision.date, decision.date_raw, decision.grayscale = None, "無月", True
    decision.unreadable = {"date": "落款日期处有印章遮盖，未能识读（無月）"}
    finding = the(check(build_case(specs)).findings, "date.missing.decision")
    assert finding.evidence[0].text == "無月"
    # A stray character that may be a figure (工 for 二) leaves the date open: a person looks.
    decision.date_raw = "工月"
    decision.unreadable = {"date": "落款日期未能识读：工月"}
    result = check(build_case(specs))
    assert "date.missing.decision" not in codes(result.findings)
    assert "date.missing.decision" in codes(result.review)


def test_date_missing_notice_under_a_seal_on_a_grey_scan_is_for_review() -> None:
    specs = clean_specs()
    notice = spec(specs, "notice")
    notice.date, notice.grayscale = None, True
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "date.missing.notice").confidence == 0.5


def test_date_missing_reported_unreadable_by_the_reader_is_for_review() -> None:
    specs = clean_specs()
    correction = spec(specs, "correction_order")
    correction.date, correction.unreadable = None, {"date": "落款日期未能识读"}
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "date.missing.correction_order").confidence == 0.5


def test_date_missing_receipt_with_a_blank_date_in_the_recipients_row() -> None:
    specs = clean_specs()
    unsigned = receipt_of(specs, "decision")
    unsigned.date, unsigned.date_raw = None, "年    月    日"
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.missing.service_receipt"}
    finding = the(result.findings, "date.missing.service_receipt")
    assert (finding.category, finding.kind) == ("送达回证", "规范性")
    assert pages_of(finding) == [page_of(case, "service_receipt", 2)]
    assert finding.evidence[0].text == "年    月    日"


def test_date_missing_receipt_with_nothing_read_is_for_review() -> None:
    specs = clean_specs()
    receipt_of(specs, "notice").date = None
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "date.missing.service_receipt").confidence == 0.5


def test_date_missing_receipt_blank_only_in_the_servers_row_is_for_review() -> None:
    specs = clean_specs()
    served = receipt_of(specs, "notice")
    served.date = None
    reword(served, "送达人签名：", None)
    served.pages[0][-1:-1] = [L("送达人签名："), beside("年    月    日")]
    served.signed = ["收件人签名或盖章："]
    result = check(build_case(specs))
    assert result.findings == []
    assert the(result.review, "date.missing.service_receipt").confidence == 0.5


# -- date.order ----------------------------------------------------------------------------------

def test_date_order_service_before_issue() -> None:
    specs = clean_specs()
    receipt_of(specs, "notice").move("2024-05-09")  # the notice is dated 05-10
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.order"}
    finding = the(result.findings, "date.order")
    assert (finding.category, finding.kind) == ("执法程序", "合法性")
    assert pages_of(finding) == [page_of(case, "notice"), page_of(case, "service_receipt", 1)]


def test_date_order_closing_before_payment() -> None:
    specs = clean_specs()
    spec(specs, "closing_approval").move("2024-06-03")  # after the decision, before the payment 06-05
    case = build_case(specs)
    finding = the(check(case).findings, "date.order")
    assert pages_of(finding) == [page_of(case, "payment_receipt"), page_of(case, "closing_approval")]


def test_date_order_legal_review_after_the_decision() -> None:
    specs = clean_specs()
    spec(specs, "legal_review").move("2024-05-29")
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.order"}
    assert pages_of(the(result.findings, "date.order")) == [page_of(case, "legal_review"),
                                                            page_of(case, "decision", last=True)]


def test_date_order_decision_before_notice() -> None:
    specs = clean_specs()
    spec(specs, "decision").move("2024-05-08")
    case = build_case(specs)
    findings = [f for f in check(case).findings if f.code == "date.order"]
    assert [page_of(case, "notice"), page_of(case, "decision", last=True)] in [pages_of(f) for f in findings]


def test_date_order_grey_scan_date_under_a_seal_in_chinese_numerals_is_for_review() -> None:
    """The same decision date as above, read in Chinese numerals through a grey seal: 五月十八日
    may have lost its 十. Nothing sure comes of it."""
    specs = clean_specs()
    decision = spec(specs, "decision")
    decision.date, decision.date_raw, decision.grayscale = "2024-05-08", "二〇二四年五月八日", True
    case = build_case(specs)
    dec = CaseView(case, load_pack()).dated(doc_of(case, "decision"))
    assert dec is not None and dec.confidence == 0.6
    result = check(case)
    assert result.findings == []
    assert "date.order" in codes(result.review)


def test_date_order_grey_scan_without_seal_over_the_date_keeps_its_confidence() -> None:
    specs = clean_specs()
    decision = spec(specs, "decision")
    decision.date_raw, decision.grayscale = "二〇二四年五月二十八日", True
    decision.sealed = None  # not looked for: no seal over the date
    case = build_case(specs)
    dec = CaseView(case, load_pack()).dated(doc_of(case, "decision"))
    assert dec is not None and dec.confidence == 0.97


def test_date_order_inspection_before_filing_is_normal() -> None:
    specs = clean_specs()
    spec(specs, "inspection_record").move("2024-03-20")
    assert check(build_case(specs)).findings == []


# -- date.statement_period -----------------------------------------------------------------------

def _decide(specs: list[DocSpec], made: str, served: str) -> None:
    spec(specs, "decision").move(made)
    receipt_of(specs, "decision").move(served)


def test_statement_period_decision_before_the_period_ran_out() -> None:
    specs = clean_specs()
    _decide(specs, "2024-05-17", "2024-05-17")  # five working days from 05-13 run to 05-20
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.statement_period"}
    finding = the(result.findings, "date.statement_period")
    assert (finding.category, finding.kind) == ("执法程序", "合法性")
    assert pages_of(finding) == [page_of(case, "service_receipt", 1), page_of(case, "decision", last=True)]
    assert "2024年5月20日" in finding.message


@pytest.mark.parametrize(("made", "early"), [("2024-05-20", True), ("2024-05-21", False)])
def test_statement_period_last_day(made: str, early: bool) -> None:
    specs = clean_specs()
    _decide(specs, made, "2024-05-22")
    assert ("date.statement_period" in codes(check(build_case(specs)).findings)) is early


def test_statement_period_waived_in_writing() -> None:
    specs = clean_specs()
    _decide(specs, "2024-05-14", "2024-05-15")
    waiver = DocSpec("statement_record", "放弃陈述申辩权利声明书", [[
        centre("放弃陈述申辩权利声明书"), L("我单位自愿放弃陈述、申辩的权利。"), L("当事人签名："), beside("{date}")]],
        date="2024-05-14", signed=["当事人签名："])
    specs.insert(specs.index(spec(specs, "decision")), waiver)
    assert check(build_case(specs)).findings == []


def test_statement_period_in_working_days_as_stated() -> None:
    specs = clean_specs()
    notice = spec(specs, "notice")
    reword(notice, "根据《中华人民共和国行政处罚法》第四十五条的规定，你单位可在收到本告知书之日起五日内",
           "根据《中华人民共和国行政处罚法》第四十五条的规定，你单位可在收到本告知书之日起七个工作日内")
    _decide(specs, "2024-05-21", "2024-05-22")  # lawful after five days, early after seven (05-22)
    assert codes(check(build_case(specs)).findings) == {"date.statement_period"}


@pytest.mark.parametrize(("hearing", "early"), [(False, False), (True, True)])
def test_statement_period_hearing_request_runs_five_working_days(hearing: bool, early: bool) -> None:
    specs = clean_specs()
    notice = spec(specs, "notice")
    reword(notice, "根据《中华人民共和国行政处罚法》第四十五条的规定，你单位可在收到本告知书之日起五日内",
           "根据《中华人民共和国行政处罚法》第四十五条的规定，你单位可在收到本告知书之日起三日内")
    if hearing:
        reword(notice, "联系人：刘明  联系电话：0795-3251234",
               "你单位有权要求听证，可在收到本告知书之日起五日内提出听证申请。")
    _decide(specs, "2024-05-17", "2024-05-20")  # three working days end 05-16, five 05-20
    assert ("date.statement_period" in codes(check(build_case(specs)).findings)) is early


# -- date.service_late ---------------------------------------------------------------------------

def test_service_late_decision_served_after_seven_working_days() -> None:
    specs = clean_specs()
    receipt_of(specs, "decision").move("2024-06-14")  # seven working days from 05-28 end 06-06
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.service_late"}
    finding = the(result.findings, "date.service_late")
    assert (finding.category, finding.kind) == ("送达回证", "合法性")
    assert pages_of(finding) == [page_of(case, "decision", last=True), page_of(case, "service_receipt", 2)]


def test_service_late_on_the_last_day_is_on_time() -> None:
    specs = clean_specs()
    receipt_of(specs, "decision").move("2024-06-06")
    assert check(build_case(specs)).findings == []


@pytest.mark.parametrize(("arrived", "late"), [("2024-06-07", False), ("2024-06-12", False), ("2024-06-13", True)])
def test_service_late_by_post(arrived: str, late: bool) -> None:
    """By post the posting date counts (在途时间不计): a receipt within the pack's transit allowance
    (seven working days plus three, to 06-12: 06-10 is 端午节) is a question, later is late."""
    specs = clean_specs()
    posted = receipt_of(specs, "decision")
    posted.move(arrived)
    reword(posted, "送达方式：直接送达", "送达方式：邮寄送达")
    posted.values["service_method"] = "邮寄送达"
    result = check(build_case(specs))
    if late:
        assert the(result.findings, "date.service_late").kind == "合法性"
    else:
        assert result.findings == []
        assert the(result.review, "date.service_late").confidence == 0.5


def test_service_late_not_for_service_by_public_announcement() -> None:
    specs = clean_specs()
    announced = receipt_of(specs, "decision")
    announced.move("2024-07-30")
    reword(announced, "送达方式：直接送达", "送达方式：公告送达")
    announced.values["service_method"] = "公告送达"
    announced.signed = ["送达人签名："]
    result = check(build_case(specs))
    assert "date.service_late" not in codes(result.findings) | codes(result.review)


# -- date.case_overdue ---------------------------------------------------------------------------

def test_case_overdue_decision_more_than_ninety_days_after_filing() -> None:
    specs = clean_specs()
    spec(specs, "filing_approval").move("2024-02-20")  # 90 days end 05-20; decided 05-28
    case = build_case(specs)
    result = check(case)
    assert codes(result.findings) == {"date.case_overdue"}
    finding = the(result.findings, "date.case_overdue")
    assert (finding.category, finding.kind) == ("执法程序", "合法性")
    assert pages_of(finding) == [page_of(case, "filing_approval"), page_of(case, "decision", last=True)]


def test_case_overdue_filing_date_from_the_cover_when_the_approval_is_undated() -> None:
    specs = clean_specs()
    spec(specs, "filing_approval").date = None  # its handwritten date not read
    cover = spec(specs, "cover")
    reword(cover, "立案日期：2024年4月3日  结案日期：2024年6月12日", "立案日期：2024年2月20日  结案日期：2024年6月12日")
    cover.move("2024-02-20")
    cover.values["filing_date"] = ("2024-02-20", "2024年2月20日")
    case = build_case(specs)
    finding = the(check(case).findings, "date.case_overdue")
    assert pages_of(finding) == [page_of(case, "cover"), page_of(case, "decision", last=True)]


def test_case_overdue_not_with_an_approved_extension() -> None:
    specs = clean_specs()
    spec(specs, "filing_approval").move("2024-02-20")
    extension = DocSpec("internal_approval", "案件延期审批表", [[
        centre("案件延期审批表"), L("申请事项：延长办案期限三十日"),
        L("负责人审批意见"), beside("同意延期三十日。", x=200), right("{date}")]],
        date="2024-05-15", signed=["负责人审批意见"])
    specs.insert(specs.index(spec(specs, "notice")), extension)
    assert check(build_case(specs)).findings == []


def test_case_overdue_with_a_hearing_is_for_review() -> None:
    specs = clean_specs()
    spec(specs, "filing_approval").move("2024-02-20")
    hearing = DocSpec("statement_record", "听证笔录", [[
        centre("听证笔录"), L("听证时间：2024年5月20日9时00分"), L("当事人签名："), beside("{date}")]],
        date="2024-05-20", signed=["当事人签名："])
    specs.insert(specs.index(spec(specs, "decision")), hearing)
    result = check(build_case(specs))
    assert "date.case_overdue" not in codes(result.findings)
    assert the(result.review, "date.case_overdue").confidence == 0.5


def test_case_overdue_not_when_the_case_was_suspended() -> None:
    specs = clean_specs()
    spec(specs, "filing_approval").move("2024-02-20")
    suspension = DocSpec("other", "中止调查决定书", [[centre("中止调查决定书"), right("{date}")]], date="2024-03-01")
    specs.insert(specs.index(spec(specs, "inquiry_record")), suspension)
    assert check(build_case(specs)).findings == []
