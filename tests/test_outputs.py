"""The outputs read back: the 自查单 (python-docx), the 统计表 (openpyxl), the CLI that writes them.

Over the bundled samples with known truth: demo-503 (born-digital; a decision number written with
第 and an unsigned filing approval), demo-502 (born-digital; a notice's statement period cut short
and a record with one officer) and demo-500 (a clean scan). Values are compared with the
generator's truth, not with the report, so a field misread on the way would show here.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.shared import Cm

from models.report import CATEGORIES, Evidence, Finding, Report
from service.cli import main
from service.outputs import output_paths
from service.outputs.common import cn_date, describe, page_list
from service.outputs.sheet import NO_PROBLEM, NOT_CHECKED, SheetOptions, render_sheet
from service.outputs.statistics import COLUMNS, FOOTNOTES, StatisticsRow, render_statistics
from service.pipeline import CheckOptions, check_pdf
from service.review import apply_review, signed_off

FIXED = Path(__file__).resolve().parent.parent / "samples" / "fixed"
HEADER_LABELS = ["立案号", "告知书文号", "决定书文号", "当事人名称", "案由", "承办人员"]
HEADER_LABELS2 = ["立案时间", "下达时间", "下达时间", "案卷类型", "系统填报时间", "自查人员"]
FIRST_CATEGORY_ROW = 7  # six header rows, then the 案卷审查 heading row


def truth_of(name: str) -> dict:
    return json.loads((FIXED / f"{name}.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """The three bundled samples checked by the pipeline (the scan takes ~20 s)."""
    return {name: check_pdf(FIXED / f"{name}.pdf", CheckOptions(workers=2))
            for name in ("demo-503-000", "demo-502-000", "demo-500-000")}


def sheet_table(data: bytes):
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1
    return document, document.tables[0]


def category_row(table, category: str) -> tuple[str, str, str]:
    """(问题描述, 整改建议, 整改情况) of one of the twelve rows."""
    r = FIRST_CATEGORY_ROW + CATEGORIES.index(category)
    assert table.cell(r, 1).text == category
    return table.cell(r, 2).text, table.cell(r, 3).text, table.cell(r, 4).text


# -- the 自查单 -------------------------------------------------------------------------------
def test_sheet_has_the_forms_grid_labels_and_page(reports: dict[str, Report]) -> None:
    document, table = sheet_table(render_sheet(reports["demo-500-000"]))
    assert document.paragraphs[0].text == "案卷自查单"
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    rpr = document.styles["Normal"].element.rPr
    assert rpr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    assert len(table.rows) == 6 + 1 + 12 + 4 and len(table.columns) == 5
    assert [table.cell(r, 0).text for r in range(6)] == HEADER_LABELS
    assert [table.cell(r, 3).text for r in range(6)] == HEADER_LABELS2
    assert table.cell(6, 0).text == "案卷审查" and table.cell(18, 0).text == "案卷审查"  # merged down the block
    assert [table.cell(6, c).text for c in range(1, 5)] == ["问题类型", "问题描述", "整改建议", "整改情况"]
    assert [table.cell(FIRST_CATEGORY_ROW + i, 1).text for i in range(12)] == list(CATEGORIES)
    assert table.cell(19, 0).text == "是否存在合法性问题" and table.cell(19, 3).text == "是否完成整改"
    assert table.cell(20, 0).text == "是否存在规范性问题" and table.cell(20, 3).text == "是否完成整改"
    assert table.cell(21, 0).text.replace("\n", "") == "案件自查人员意见"
    assert table.cell(22, 0).text == "备注"


def test_sheet_of_a_clean_case_answers_no_and_leaves_the_persons_cells_blank(reports: dict[str, Report]) -> None:
    report = reports["demo-500-000"]
    truth = truth_of("demo-500-000")["case"]
    assert report.findings == []
    _, table = sheet_table(render_sheet(report))
    assert table.cell(0, 1).text == truth["case_number"]
    assert table.cell(0, 4).text == cn_date(truth["filing_date"])
    assert table.cell(1, 1).text == truth["notice_number"] and table.cell(1, 4).text == cn_date(truth["notice_date"])
    assert table.cell(2, 1).text == truth["decision_number"]
    assert table.cell(2, 4).text == cn_date(truth["decision_date"])
    assert table.cell(3, 1).text == truth["party"] and table.cell(3, 4).text == truth["case_type"]
    assert table.cell(4, 1).text == truth["cause"]
    assert table.cell(5, 1).text == "、".join(truth["officers"])
    assert table.cell(4, 4).text == "" and table.cell(5, 4).text == ""  # 系统填报时间, 自查人员: the person's
    for category in CATEGORIES:
        description, suggestion, done = category_row(table, category)
        assert description.startswith((NO_PROBLEM, NOT_CHECKED)) and suggestion == "" and done == ""
    assert category_row(table, "主体资格")[0] == NOT_CHECKED  # no rule judges it: said, not passed
    # Before a person signs off the answers are pending; signed off with nothing changed, 否.
    assert table.cell(19, 1).text == "待复核" and table.cell(20, 1).text == "待复核"
    assert table.cell(22, 1).text.startswith("待复核（机器初查）") and "主体资格" in table.cell(22, 1).text
    _, table = sheet_table(render_sheet(report, reviewed=apply_review(report, signed_off(report))))
    assert table.cell(19, 1).text == "否" and table.cell(20, 1).text == "否"
    assert table.cell(19, 4).text == "" and table.cell(20, 4).text == ""
    assert "签名: _____" in table.cell(21, 1).text and "年    月    日" in table.cell(21, 1).text


def test_sheet_of_a_defective_case_puts_each_finding_in_its_row_with_pages(reports: dict[str, Report]) -> None:
    report = reports["demo-503-000"]
    assert sorted(f.code for f in report.findings) == sorted(truth_of("demo-503-000")["defects"])
    _, table = sheet_table(render_sheet(report, SheetOptions(self_checker="王自查", reported_on="2025-06-10"),
                                        reviewed=apply_review(report, signed_off(report))))
    description, suggestion, done = category_row(table, "执法文书")
    assert "[规范性]" in description and "常环澧罚〔2025〕第121号" in description and "第3–4页" in description
    assert "常环澧罚〔2025〕121号" in suggestion and done == ""
    description, suggestion, done = category_row(table, "内部审批表")
    assert "[合法性]" in description and "负责人" in description and "第6页" in description
    assert "签名" in suggestion and done == ""
    assert category_row(table, "送达回证")[0] == NO_PROBLEM
    assert table.cell(19, 1).text == "是" and table.cell(20, 1).text == "是"
    assert table.cell(5, 4).text == "王自查" and table.cell(4, 4).text == "2025年6月10日"


def test_sheet_remarks_list_unread_values_and_findings_to_review(reports: dict[str, Report]) -> None:
    report = reports["demo-502-000"]
    doubt = Finding(code="date.order", category="执法程序", kind="合法性", confidence=0.5,
                    message="《行政处罚决定书》（第3页）日期早于送达", suggestion="核对日期",
                    evidence=[Evidence(page=9, bbox=(10, 10, 50, 20), text="2023年8月2日")])
    documents = [d.model_copy(update={"unreadable": {"date": "落款日期被印章遮盖"}}) if d.type == "notice" else d
                 for d in report.documents]
    doubted = report.model_copy(update={"review": [doubt], "documents": documents})
    _, table = sheet_table(render_sheet(doubted, reviewed=apply_review(doubted, signed_off(doubted))))
    remarks = table.cell(22, 1).text
    assert "未能识读" in remarks and "落款日期被印章遮盖" in remarks
    # Its page as 卷内第N页（PDF第9页） where the sample's stamped numbers were read, else 第9页.
    assert "请人工核实" in remarks and re.search(r"日期早于送达（(卷内第\d+页（PDF)?第9页）", remarks)
    assert "另有1项待人工核实" in category_row(table, "执法程序")[0]
    # The doubtful finding is not a problem on the form.
    assert table.cell(19, 1).text == ("是" if any(f.kind == "合法性" for f in report.findings) else "否")


def test_header_says_absent_or_unread_not_blank(reports: dict[str, Report]) -> None:
    report = reports["demo-503-000"]
    no_notice = report.model_copy(update={
        "documents": [d for d in report.documents if d.type != "notice"],
        "case": report.case.model_copy(update={"notice_number": None, "notice_date": None, "decision_date": None,
                                               "party": None, "officers": []}),
    })
    _, table = sheet_table(render_sheet(no_notice))
    assert table.cell(1, 1).text == "（卷内未见）" and table.cell(1, 4).text == "（卷内未见）"
    assert table.cell(2, 4).text == "（未能识读）"  # the decision is there, its date was not read
    assert table.cell(3, 1).text == "（未能识读）" and table.cell(5, 1).text == "（未能识读）"


# -- wording ----------------------------------------------------------------------------------
def test_page_list_and_dates() -> None:
    assert page_list([3]) == "第3页"
    assert page_list([7, 5, 6, 3, 3]) == "第3、5–7页"
    assert page_list([1, 2]) == "第1、2页"
    assert page_list([]) == ""
    assert cn_date("2024-05-01") == "2024年5月1日" and cn_date(None) is None and cn_date("五月") == "五月"


def test_describe_names_pages_the_message_does_not() -> None:
    f = Finding(code="x", category="其他", kind="规范性", message="卷内未见备考表", suggestion="补",
                evidence=[Evidence(page=2)])
    assert describe(f) == "卷内未见备考表（第2页）"
    g = f.model_copy(update={"message": "《送达回证》（第16页）未签名", "evidence": [Evidence(page=16)]})
    assert describe(g) == g.message


# -- the 统计表 -------------------------------------------------------------------------------
def test_statistics_table_reads_back(reports: dict[str, Report]) -> None:
    rows = [StatisticsRow.from_report(reports[name], reviewed=apply_review(reports[name], signed_off(reports[name])))
            for name in ("demo-503-000", "demo-500-000")]
    rows.append(StatisticsRow.failed("broken.pdf", "文件已损坏，无法打开"))
    wb = openpyxl.load_workbook(io.BytesIO(render_statistics(rows, month=11)))
    ws = wb.active
    assert ws.cell(1, 1).value == "各执法中队 11 月案卷自查情况统计表"
    assert [ws.cell(2, c).value for c in range(1, 10)] == [*COLUMNS[:7], None, COLUMNS[8]]
    assert ws.cell(3, 7).value == "是否已自查" and ws.cell(3, 8).value == "是否合格"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A1:I1", "G2:H2", "A2:A3", "I2:I3"} <= merged

    truth = truth_of("demo-503-000")["case"]
    defective = [ws.cell(4, c).value for c in range(1, 10)]
    assert defective[:8] == [1, "澧县", truth["decision_number"], truth["party"], truth["case_type"],
                             truth["cause"], "是", "否"]
    assert "合法性问题1项" in defective[8] and "规范性问题1项" in defective[8] and "demo-503-000.pdf" in defective[8]
    clean = [ws.cell(5, c).value for c in range(1, 10)]
    assert clean[0] == 2 and clean[1] == "泗洪县" and clean[6:8] == ["是", "是"]  # the county in full
    failed = [ws.cell(6, c).value for c in range(1, 10)]
    assert failed[0] == 3 and failed[6] == "否" and failed[7] in (None, "") and "文件已损坏" in failed[8]
    # Rows are as tall as their wrapped text: LibreOffice and openpyxl would not grow them.
    assert ws.row_dimensions[4].height > ws.row_dimensions[6].height >= 14.5
    notes = [ws.cell(r, 1).value for r in range(8, 11)]
    assert notes == list(FOOTNOTES)


def test_statistics_title_blank_without_month() -> None:
    ws = openpyxl.load_workbook(io.BytesIO(render_statistics([]))).active
    assert ws.cell(1, 1).value == "各执法中队 ____ 月案卷自查情况统计表"


# -- the command line -------------------------------------------------------------------------
def test_check_writes_every_output_and_render_makes_them_again(tmp_path: Path) -> None:
    pdf = FIXED / "demo-503-000.pdf"
    out = tmp_path / "out"
    assert main(["check", str(pdf), "-o", str(out), "-q", "--self-checker", "王自查"]) == 0
    paths = output_paths(pdf.name, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths.values())
    _, table = sheet_table(paths["sheet"].read_bytes())
    assert table.cell(5, 4).text == "王自查"
    assert paths["annotated"].read_bytes().startswith(b"%PDF")

    again = tmp_path / "again"
    assert main(["render", str(paths["report"]), "--pdf", str(pdf), "-o", str(again), "-q"]) == 0
    assert sorted(p.name for p in again.iterdir()) == sorted([paths["sheet"].name, paths["annotated"].name])
    _, table = sheet_table((again / paths["sheet"].name).read_bytes())
    assert table.cell(5, 4).text == ""

    xlsx = tmp_path / "stats.xlsx"
    assert main(["stats", str(paths["report"]), "-o", str(xlsx), "--month", "5", "-q"]) == 0
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.cell(4, 3).value == truth_of("demo-503-000")["case"]["decision_number"]


def test_render_refuses_another_file_and_a_missing_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["check", str(FIXED / "demo-503-000.pdf"), "-o", str(out), "-q"]) == 0
    report = out / "demo-503-000.report.json"
    capsys.readouterr()
    assert main(["render", str(report), "--pdf", str(FIXED / "demo-502-000.pdf"), "-o", str(tmp_path / "x")]) == 2
    assert "sha256" in capsys.readouterr().err
    assert main(["render", str(report), "-o", str(tmp_path / "x")]) == 2  # not beside the report
    assert "--pdf" in capsys.readouterr().err
    bad = tmp_path / "bad.report.json"
    bad.write_text("{}", encoding="utf-8")
    assert main(["render", str(bad), "-o", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()


# -- the annotated PDF of the bundled samples ---------------------------------------------------
def test_annotated_pdf_of_the_clean_scan_and_a_defective_file(reports: dict[str, Report]) -> None:
    import pymupdf

    from service.outputs.annotate import render_annotated

    clean = pymupdf.open(stream=render_annotated(reports["demo-500-000"], FIXED / "demo-500-000.pdf"))
    summary = clean.page_count - reports["demo-500-000"].pages
    assert summary in (1, 2)  # no findings, then the list of the documents read
    text = clean[0].get_text(sort=True)
    truth = truth_of("demo-500-000")["case"]
    flat = text.replace("\n", "")
    assert "未发现问题" in text and truth["decision_number"] in flat and cn_date(truth["decision_date"]) in flat
    assert not any(list(page.annots()) for page in clean)

    report = reports["demo-502-000"]
    annotated = pymupdf.open(stream=render_annotated(report, FIXED / "demo-502-000.pdf"))
    summary = annotated.page_count - report.pages
    for number, finding in enumerate(report.findings, 1):
        for evidence in finding.evidence:
            page = annotated[summary + evidence.page - 1]
            notes = [a.info["content"] for a in page.annots()]
            assert any(n.startswith(f"F{number} [{finding.kind}]") and finding.suggestion in n for n in notes)


def test_check_writes_nothing_when_an_output_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    import service.outputs.annotate as annotate

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(annotate, "render_annotated", broken)
    out = tmp_path / "out"
    assert main(["check", str(FIXED / "demo-503-000.pdf"), "-o", str(out), "-q"]) == 1
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and "demo-503-000.pdf" in err[0] and "simulated fault" in err[0]
    assert not out.exists() or not any(out.iterdir())


def test_page_number_runs_join_where_the_numbers_agree(reports: dict[str, Report]) -> None:
    from service.outputs.common import page_number_note, page_number_runs

    report = reports["demo-503-000"].model_copy(update={"page_numbers": [
        None, None, 1, 2, 3, None, 5, 6, 7, 8, None, 11, 12, 13, 30, 15, None]})
    # Page 6's number was not read but sits between 3 and 5: one run. Page 11 has no number and the
    # numbering goes on with 11: a new run. 30 is a misread and ends up in no run.
    assert page_number_runs(report) == [(3, 10, 1), (12, 14, 11)]
    assert page_number_note(report) == "页码对照（PDF 页序与卷内页码）：第3–10页即卷内第1–8页；第12–14页即卷内第11–13页"
    same = report.model_copy(update={"page_numbers": [1, 2, 3, 4]})
    assert page_number_note(same) is None  # the numbers are the PDF's order: nothing to say


def test_sheet_and_summary_carry_the_page_number_note(reports: dict[str, Report]) -> None:
    import pymupdf

    from service.outputs.annotate import render_annotated
    from service.outputs.common import page_number_note

    report = reports["demo-500-000"]
    note = page_number_note(report)
    truth = truth_of("demo-500-000")["page_info"]
    assert sum(1 for n in report.page_numbers if n is not None) >= 0.8 * sum(1 for p in truth if p.get("archive_number"))
    assert note is not None  # the cover and the 目录 are not numbered, so the two orders differ
    _, table = sheet_table(render_sheet(report))
    assert note in table.cell(22, 1).text
    summary = pymupdf.open(stream=render_annotated(report, FIXED / "demo-500-000.pdf"))[0]
    assert "".join(note.split()) in "".join(summary.get_text(sort=True).split())


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_take_the_umasks_mode_and_temporaries_stay_private(tmp_path: Path, umask: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import stat

    from service.outputs import write_atomic

    while_written: list[int] = []  # the temporary file's mode once its bytes are in
    at_rename: list[int] = []
    real_fsync, real_replace = os.fsync, os.replace

    def spy_fsync(fd: int) -> None:
        while_written.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    def spy_replace(src, dst) -> None:
        at_rename.append(stat.S_IMODE(os.stat(src).st_mode))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    old = os.umask(umask)
    try:
        target = tmp_path / "case.report.json"
        write_atomic(target, b"{}")
    finally:
        os.umask(old)
    assert while_written == [0o600]  # private while incomplete
    assert at_rename == [0o666 & ~umask]  # the mode is set before the rename, on the complete file
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert target.read_bytes() == b"{}" and not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(("agency", "county"), [
    ("株洲市生态环境局醴陵分局", "醴陵市"), ("宿迁市生态环境局泗洪分局", "泗洪县"), ("常德市生态环境局澧县分局", "澧县"),
    ("宜春市高安生态环境局", "高安市"), ("肇庆市生态环境局高要分局", "高要区"), ("常德市生态环境局津市分局", "津市市"),
    ("常德市生态环境局", "常德市"),
])
def test_statistics_names_the_county_with_its_suffix(agency: str, county: str) -> None:
    from models.report import CaseFields

    report = Report(file="a.pdf", sha256="0" * 64, pages=1, page_types=["decision"], documents=[],
                    case=CaseFields(agency=agency, decision_number="某环罚〔2025〕1号"))
    assert StatisticsRow.from_report(report).county == county
    workbook = openpyxl.load_workbook(io.BytesIO(render_statistics([StatisticsRow.from_report(report)], month=5)))
    assert workbook.active.cell(4, 2).value == county


def test_a_county_given_short_is_named_in_full_and_an_unknown_one_kept() -> None:
    from lexicon.places import full_county_name

    assert StatisticsRow.failed("a.pdf", "文件已加密", county="醴陵").county == "醴陵市"
    assert full_county_name("泗洪") == "泗洪县" and full_county_name("城步") == "城步苗族自治县"
    assert full_county_name("某某") == "某某" and full_county_name("西湖", "杭州市") == "西湖区"


def test_summary_names_problems_in_chinese_with_the_code_secondary(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import re

    from service.outputs import summary

    digest = summary.FindingDigest("missing.service_receipt.decision", "送达回证", "合法性", "卷内未见行政处罚决定书的送达回证")
    entries = [summary.CaseEntry("a.pdf", "done", pages=3, agency="株洲市生态环境局醴陵分局", findings=[digest])]
    meta = summary.SummaryMeta(archive="archive", generated=dt.datetime(2025, 4, 16, 9, 30))
    page = summary.render_summary(entries, meta)
    assert "按问题类型" in page and "按问题代码" not in page
    assert "缺少行政处罚决定书的送达回证" in page and 'class="code">missing.service_receipt.decision' in page
    assert "生成时间：2025年4月16日 09:30" in page
    drawn: dict[str, list[str]] = {}  # chart title -> its labels
    monkeypatch.setattr(summary, "_barh", lambda title, labels, *_a, **_k: drawn.setdefault(title, list(labels)) and b"")
    summary._draw(summary.Figures.of(entries))
    labels = [label for names in drawn.values() for label in names]
    assert "缺少行政处罚决定书的送达回证" in labels
    assert not [label for label in labels if re.search(r"[a-z]{3}", label)], labels  # no code as a label


def test_dates_typed_in_any_common_form_are_written_as_on_the_form() -> None:
    for typed in ("2024-05-01", "2024/5/1", "2024.5.1", "2024年5月1日", " 2024/05/01 "):
        assert cn_date(typed) == "2024年5月1日", typed
    assert cn_date("2024/13/1") == "2024/13/1"  # not a date: shown as typed, not guessed
