"""案卷自查情况统计表 (附件2 of seed 000) as an Excel workbook, one row per case file.

The form: a title naming the month, two header rows (自查情况 over 是否已自查 and 是否合格), a row
per case file, and the form's three footnotes. A file that could not be checked is still a row:
是否已自查 否, its reason in 备注, as the form's first footnote asks.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from extractors.fields.values import county_of
from lexicon.places import full_county_name
from models.report import Report

if TYPE_CHECKING:
    from service.review import ReviewedCase

TITLE_TEMPLATE = "各执法中队 {month} 月案卷自查情况统计表"
COLUMNS = ("序号", "县市区", "决定书文号", "当事人名称", "案卷类型", "案由", "自查情况", "", "备注")
WIDTHS = (6, 10, 24, 26, 10, 30, 10, 10, 48)
FOOTNOTES = (
    "备注：1、各执法中队应结合实际情况，填写当月辖区案卷自查情况。如未自查，需备注原因，如未填报、下月自查等。",
    "2、案卷自查情况应与辖区执法案件数情况相一致，逐一逐项填写；",
    "3、各执法中队每月 27 号前将本月辖区案卷自查情况进行统计，报送执法大队。",
)
FONT = "宋体"
LINE_HEIGHT = 14.5  # points per line of 11-point text


def county_of_agency(agency: str | None) -> str:
    """The 县市区 of a bureau, named in full: 株洲市生态环境局醴陵分局 -> 醴陵市 (not 醴陵),
    宿迁市生态环境局泗洪分局 -> 泗洪县; the bureau's city settles a name two cities share."""
    if not agency:
        return ""
    city = re.match(r"^(?:.+?(?:省|自治区))?(.+?(?:自治州|市|盟|地区|州))", agency)
    return full_county_name(county_of(agency), city.group(1) if city else None)


def _display_width(text: str) -> int:
    """Width in Excel's column units (one digit): a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


@dataclass
class StatisticsRow:
    """One case file's line in the table."""

    file: str
    county: str = ""
    decision_number: str = ""
    party: str = ""
    case_type: str = ""
    cause: str = ""
    checked: bool = True  # 是否已自查
    passed: bool | None = None  # 是否合格; None when not checked
    remark: str = ""
    pending: bool = False  # checked by the machine, not yet reviewed by a person: 是否合格 待复核

    @classmethod
    def from_report(cls, report: Report, county: str | None = None,
                    reviewed: ReviewedCase | None = None) -> StatisticsRow:
        """The row from the report plus its review (None: no person yet, 是否合格 待复核)."""
        from service.review import apply_review

        reviewed = reviewed or apply_review(report)
        report = reviewed.report  # corrected fields, findings as the person decided
        case = report.case
        legality = sum(1 for f in report.findings if f.kind == "合法性")
        standard = len(report.findings) - legality
        who = reviewed.self_checker
        remarks = [reviewed.pending_reason() or (f"已复核（{who}）" if who else "已复核")]
        if legality:
            remarks.append(f"合法性问题{legality}项")
        if standard:
            remarks.append(f"规范性问题{standard}项")
        if report.findings:
            remarks.append("涉及" + "、".join(dict.fromkeys(f.category for f in report.findings)))
        if report.review:
            remarks.append(f"{len(report.review)}项待人工核实")
        remarks.append(f"文件：{report.file}")
        return cls(
            file=report.file,
            county=full_county_name(county) if county else county_of_agency(case.agency),
            decision_number=case.decision_number or "",
            party=case.party or "",
            case_type=case.case_type or "",
            cause=case.cause or "",
            checked=True,
            passed=reviewed.passed,
            pending=not reviewed.reviewed,
            remark="；".join(remarks),
        )

    @classmethod
    def failed(cls, file: str, reason: str, county: str | None = None) -> StatisticsRow:
        """A file that could not be checked: the row says so and why."""
        return cls(file=file, county=full_county_name(county or ""), checked=False, passed=None,
                   remark=f"未自查：{reason}；文件：{file}")


def render_statistics(rows: Sequence[StatisticsRow], month: int | str | None = None) -> bytes:
    """The table as .xlsx bytes; `month` fills the title's blank (left as ____ when None)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "案卷自查情况统计表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    body = Font(name=FONT, size=11)
    ncols = len(COLUMNS)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(1, 1, TITLE_TEMPLATE.format(month=month if month not in (None, "") else "____"))
    ws.cell(1, 1).font = Font(name=FONT, size=16, bold=True)
    ws.cell(1, 1).alignment = center
    ws.row_dimensions[1].height = 32

    # Two header rows: every column but 自查情况 spans both; 自查情况 heads its two sub-columns.
    for col, name in enumerate(COLUMNS, start=1):
        if name == "":
            continue
        ws.cell(2, col, name)
        if name == "自查情况":
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
            ws.cell(3, col, "是否已自查")
            ws.cell(3, col + 1, "是否合格")
        else:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for r in (2, 3):
        for col in range(1, ncols + 1):
            cell = ws.cell(r, col)
            cell.font = Font(name=FONT, size=11, bold=True)
            cell.alignment = center
            cell.border = border

    for i, row in enumerate(rows, start=1):
        r = 3 + i
        values = (i, row.county, row.decision_number, row.party, row.case_type, row.cause,
                  "是" if row.checked else "否",
                  "待复核" if row.pending else "" if row.passed is None else ("是" if row.passed else "否"),
                  row.remark)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value)
            cell.font = body
            cell.border = border
            cell.alignment = left if col in (4, 6, 9) else center
        # Neither openpyxl nor LibreOffice grows a row to its wrapped text: give it the lines it needs.
        lines = max(math.ceil(_display_width(str(v)) / (w - 1)) for v, w in zip(values, WIDTHS, strict=True))
        ws.row_dimensions[r].height = max(1, lines) * LINE_HEIGHT + 4

    r = 3 + len(rows) + 2
    for note in FOOTNOTES:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.cell(r, 1, note).font = Font(name=FONT, size=10)
        ws.cell(r, 1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=False)
        r += 1

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "2:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
