"""The outputs over the forty scanned files of the pipeline corpus, against the generator's truth:
the sheet's 是/否 answers and rows, the table's 是否合格, the annotated PDF's boxes.

The answers are only as right as the findings (95 of 96 found in this corpus, issue 4), so the
bar here is agreement on at least 95% of files; the figures are printed (`pytest -s`).
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pymupdf
import pytest

from checkers import load_pack
from models.case import CaseFile
from models.report import CATEGORIES, Report
from models.truth import Truth
from service.outputs.annotate import render_annotated
from service.outputs.common import archive_numbers, localize
from service.outputs.sheet import render_sheet
from service.outputs.statistics import StatisticsRow, render_statistics
from service.pipeline import build_report
from service.review import apply_review, signed_off

pytestmark = pytest.mark.slow
ANSWER_ROWS = {"合法性": 19, "规范性": 20}


@pytest.fixture(scope="module")
def reports(pipeline_corpus: list[tuple[Path, Truth, CaseFile]]) -> list[tuple[Path, Truth, Report]]:
    pack = load_pack()
    return [(pdf, truth, build_report(case, pack)) for pdf, truth, case in pipeline_corpus]


def test_sheet_answers_and_rows_agree_with_the_truth(reports: list[tuple[Path, Truth, Report]]) -> None:
    pack = load_pack()
    agree = rows_right = rows = 0
    for _, truth, report in reports:
        # Signed off with nothing changed: the machine's findings stand (before, the answers read 待复核).
        reviewed = apply_review(report, signed_off(report))
        table = docx.Document(io.BytesIO(render_sheet(report, pack=pack, reviewed=reviewed))).tables[0]
        kinds = {pack.classify(code)[1] for code in truth.defects}
        answers = {kind: table.cell(row, 1).text for kind, row in ANSWER_ROWS.items()}
        # The sheet says what the report found, always.
        assert answers == {k: "是" if any(f.kind == k for f in report.findings) else "否" for k in ANSWER_ROWS}
        agree += answers == {k: "是" if k in kinds else "否" for k in ANSWER_ROWS}
        for category in {pack.classify(code)[0] for code in truth.defects}:
            rows += 1
            rows_right += table.cell(7 + CATEGORIES.index(category), 2).text.startswith("1. [")
    print(f"\nsheet answers agree with the truth on {agree} of {len(reports)} files; "
          f"{rows_right} of {rows} defective rows filled")
    assert agree >= 0.95 * len(reports)
    assert rows_right >= 0.95 * rows


def test_statistics_rows_pass_exactly_the_clean_files(reports: list[tuple[Path, Truth, Report]]) -> None:
    rows = [StatisticsRow.from_report(report, reviewed=apply_review(report, signed_off(report)))
            for _, _, report in reports]
    ws = openpyxl.load_workbook(io.BytesIO(render_statistics(rows, month=11))).active
    agree = 0
    for i, (_, truth, report) in enumerate(reports):
        values = [ws.cell(4 + i, c).value for c in range(1, 10)]
        assert values[0] == i + 1 and values[6] == "是"
        assert values[2] == (report.case.decision_number or None) and report.file in values[8]
        agree += values[7] == ("否" if truth.defects else "是")
    print(f"\n是否合格 agrees with the truth on {agree} of {len(reports)} files")
    assert agree >= 0.95 * len(reports)


def test_every_boxed_finding_is_annotated_on_its_page(reports: list[tuple[Path, Truth, Report]]) -> None:
    for pdf, _, report in reports[:12]:  # a dozen files keep this quick; the code path is the same
        annotated = pymupdf.open(stream=render_annotated(report, pdf))
        summary = annotated.page_count - report.pages
        assert summary >= 1
        numbers = archive_numbers(report)  # messages name pages as 卷内第N页（PDF第M页）
        for number, finding in enumerate(report.findings, 1):
            message = finding.message if finding.code.startswith("pages.") else localize(finding.message, numbers)
            for evidence in finding.evidence:
                if evidence.bbox is None:
                    continue
                page = annotated[summary + evidence.page - 1]
                contents = [a.info["content"] for a in page.annots() if a.type[1] == "Square"]
                assert any(c.startswith(f"F{number} ") and message in c for c in contents), \
                    (report.file, evidence.page, finding.code)
