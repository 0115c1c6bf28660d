"""The filled 案卷自查单 (附件1 of seed 000) as a Word document.

The form's grid is five columns: a label, its value over two columns, a second label and its
value for the six header rows; the 案卷审查 block under them (问题类型, 问题描述, 整改建议,
整改情况) uses the same five, its first column merged down the twelve rows. The tool fills what
it read and found; 整改情况, 是否完成整改 and the self-checker's signature are the person's.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from checkers import RulePack, load_pack
from models.report import CATEGORIES, Report
from service.outputs.common import (
    UNREAD,
    archive_numbers,
    by_category,
    cn_date,
    describe,
    header_value,
    page_number_note,
    review_items,
    unread_items,
)

if TYPE_CHECKING:
    from service.review import ReviewedCase

BODY_FONT = "宋体"  # SimSun: what the bureaus' forms are set in; viewers substitute a 宋体-like face
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(10.5)  # 五号
TITLE_SIZE = Pt(18)  # 小二
# Column widths (cm) of the five-column grid, 17 cm in all inside A4's 2 cm side margins: the
# findings column widest, the last wide enough for a date written out (2025年12月31日).
WIDTHS = (2.1, 2.1, 6.2, 3.4, 3.2)

ROW_HEIGHT = Cm(0.65)
FINDING_SIZE = Pt(9)  # 小五: the findings, suggestions and remarks, so six findings fit one page
CATEGORY_ROW_HEIGHT = Cm(0.6)  # at least: one line of 小五 and its cell's padding
FINDING_LINE = Pt(11.5)
BODY_LINE = Pt(14)
FOOTER_SIZE = Pt(7.5)  # 六号
CELL_MARGIN = Cm(0.1)  # left and right inside each cell (Word's default 0.19 cm)
NO_PROBLEM = "未发现问题"
NOT_CHECKED = "本项未自动审查，请人工审查"


@dataclass
class SheetOptions:
    """What the person may give beforehand; left blank on the form otherwise."""

    self_checker: str | None = None  # 自查人员
    reported_on: str | None = None  # 系统填报时间, ISO date or free text


def checked_categories(pack: RulePack) -> set[str]:
    """The sheet rows some rule of the pack reports into; the others the tool does not judge."""
    return {category for category, _kind in pack.codes.values()}


def render_sheet(report: Report, options: SheetOptions | None = None, pack: RulePack | None = None,
                 reviewed: ReviewedCase | None = None) -> bytes:
    """The 案卷自查单 of one case file, as .docx bytes, from the report plus its review (None: no
    person yet: the answers read 待复核)."""
    from service.review import apply_review

    options = options or SheetOptions()
    pack = pack or load_pack()
    reviewed = reviewed or apply_review(report, None, checked_categories(pack))
    report = reviewed.report  # corrected fields, findings as the person decided
    options = SheetOptions(self_checker=reviewed.self_checker or options.self_checker,
                           reported_on=reviewed.review.reported_on or options.reported_on)
    doc = new_document()
    _page_setup(doc)
    doc.core_properties.title = f"案卷自查单 - {report.file}"
    doc.core_properties.author = options.self_checker or "casecheck"
    doc.core_properties.comments = f"casecheck, rule pack {report.rule_pack or 'national'}, sha256 {report.sha256}"
    _footer(doc, provenance(report, pack))

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(8)
    title.paragraph_format.line_spacing = 1.0  # not the body's fixed line: 小二 would be clipped
    _run(title, "案卷自查单", font=TITLE_FONT, size=TITLE_SIZE)

    rows = 6 + 1 + len(CATEGORIES) + 4
    table = doc.add_table(rows=rows, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        row.height = ROW_HEIGHT  # at least: rows with findings grow to fit
        # A row is read whole: it moves to the next page rather than break (one taller than a page
        # still breaks).
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for i, unmerged in enumerate(table._cells):
        unmerged.width = Cm(WIDTHS[i % len(WIDTHS)])

    case = report.case
    header = [
        ("立案号", header_value(report, case.case_number, "filing_approval"),
         "立案时间", header_value(report, cn_date(case.filing_date), "filing_approval")),
        ("告知书文号", header_value(report, case.notice_number, "notice"),
         "下达时间", header_value(report, cn_date(case.notice_date), "notice")),
        ("决定书文号", header_value(report, case.decision_number, "decision"),
         "下达时间", header_value(report, cn_date(case.decision_date), "decision")),
        ("当事人名称", case.party or UNREAD, "案卷类型", case.case_type or UNREAD),
        ("案由", case.cause or UNREAD, "系统填报时间", cn_date(options.reported_on) or ""),
        ("承办人员", "、".join(case.officers) or UNREAD, "自查人员", options.self_checker or ""),
    ]
    top = len(header)  # the 案卷审查 heading row
    after = top + 1 + len(CATEGORIES)  # the two 是否存在…问题 rows, the opinion, 备注
    answers = [
        ("是否存在合法性问题", reviewed.answer("合法性"), "是否完成整改", reviewed.remedy_answer("合法性")),
        ("是否存在规范性问题", reviewed.answer("规范性"), "是否完成整改", reviewed.remedy_answer("规范性")),
    ]

    # Merge first, then take the grid once: python-docx rebuilds it on every table.cell() call.
    for r in [*range(top), after, after + 1]:
        table.cell(r, 1).merge(table.cell(r, 2))
    table.cell(top, 0).merge(table.cell(top + len(CATEGORIES), 0))
    for r in (after + 2, after + 3):
        table.cell(r, 1).merge(table.cell(r, 4))
    grid = table._cells
    columns = len(WIDTHS)

    def cell(r: int, c: int) -> _Cell:
        return grid[r * columns + c]

    for r, (label, value, label2, value2) in zip([*range(top), after, after + 1], header + answers, strict=True):
        _fill(cell(r, 0), label, center=True)
        _fill(cell(r, 1), value)
        _fill(cell(r, 3), label2, center=True)
        _fill(cell(r, 4), value2)

    _fill(cell(top, 0), "案卷审查", center=True)
    for col, text in enumerate(("问题类型", "问题描述", "整改建议", "整改情况"), start=1):
        _fill(cell(top, col), text, center=True)
    checked = set(reviewed.checked_rows)  # less the rows of a rule that failed on this case
    findings = by_category(report.findings)
    reviews = by_category(report.review)
    numbers = archive_numbers(report)
    for r, category in enumerate(CATEGORIES, start=top + 1):
        # Few findings: rows with room to write the 整改情况 by hand; many: as tight as one page needs.
        table.rows[r].height = ROW_HEIGHT if len(report.findings) <= 2 else CATEGORY_ROW_HEIGHT
        _fill(cell(r, 1), category, center=True)
        found = findings[category]
        lines = [f"{n}. [{f.kind}] {short_names(describe(f, numbers))}" for n, f in enumerate(found, 1)]
        if not found:
            lines = [NO_PROBLEM if category in checked else NOT_CHECKED]
        if reviews[category]:
            lines.append(f"（另有{len(reviews[category])}项待人工核实，见备注）")
        _fill_lines(cell(r, 2), lines, size=FINDING_SIZE)
        _fill_lines(cell(r, 3), [f"{n}. {short_names(f.suggestion)}" for n, f in enumerate(found, 1)],
                    size=FINDING_SIZE)
        remedy = reviewed.review.remedy.get(category)
        _fill(cell(r, 4), (remedy.done + ("（已完成）" if remedy.complete else "")) if remedy and remedy.done else "")

    _fill(cell(after + 2, 0), "案件自查\n人员意见", center=True)
    opinion = cell(after + 2, 1)
    _fill(opinion, "")
    opinion.add_paragraph()
    sign = opinion.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(sign, "签名: _____        年    月    日")
    table.rows[after + 2].height = Cm(1.6)

    _fill(cell(after + 3, 0), "备注", center=True)
    pending = reviewed.pending_reason() or reviewed.review_note()
    _fill_lines(cell(after + 3, 1), ([pending] if pending else []) + _remarks(report), size=FINDING_SIZE)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# How many unread and to-review items 备注 lists before it refers to the annotated PDF for the
# rest: the sheet is one A4 page. Measured in LibreOffice's rendering (tests/test_sheet_layout.py):
# 6 findings leave room for 3 items, each finding fewer for about one more.
REMARK_ITEMS_WITH_SIX_FINDINGS = 3


def remark_budget(findings: int) -> int:
    return REMARK_ITEMS_WITH_SIX_FINDINGS + max(0, 6 - findings)


def _remarks(report: Report) -> list[str]:
    lines: list[str] = []
    unread = unread_items(report)
    review = review_items(report)
    budget = remark_budget(len(report.findings))
    if len(unread) + len(review) > budget:
        budget -= 1  # the line that counts the rest takes an item's room
    listed_unread = unread[:budget]
    listed_review = review[:max(0, budget - len(listed_unread))]
    if unread:
        lines.append("未能识读：")
        lines += [f"{n}. {text}" for n, text in enumerate(listed_unread, 1)]
    if review:
        lines.append("以下情况未能确认，请人工核实（未计入上述问题）：")
        lines += [f"{n}. {text}" for n, text in enumerate(listed_review, 1)]
    left = len(unread) - len(listed_unread) + len(review) - len(listed_review)
    if left:
        lines.append(f"另有{left}项未能识读或待人工核实，详见标注PDF卷首“案卷自查结果”页。")
    if report.rule_errors:
        rows = "、".join(dict.fromkeys(row for err in report.rule_errors for row in err.categories))
        lines.append(f"注意：{len(report.rule_errors)}条审查规则运行出错，{rows or '相关'}项目仅部分审查，"
                     "请人工审查（不得视为未发现问题）。")
    if note := page_number_note(report):
        lines.append(note)
    return [short_names(line) for line in lines]


def provenance(report: Report, pack: RulePack) -> str:
    """Who filled the sheet from what, for the footer: the rule pack by its Chinese title."""
    name = report.rule_pack or pack.name
    title = pack.title if pack.name == name else load_pack().title if name == "national" else ""
    rules = f"“{title}”规则" if title else "自定规则包"
    pages = "“卷内第N页（PDF第M页）”前为卷内页码、后为PDF页序" if archive_numbers(report) else "页码为PDF页序"
    return (f"本单由案卷自查工具依{rules}据案卷《{report.file}》（共{report.pages}页）自动填写，{pages}；"
            "整改情况、是否完成整改及签名由自查人员填写。")


# A document's title as the rules quote it begins with the issuing bureau's full name
# (《常德市生态环境局澧县分局行政处罚决定书》): on the sheet, whose header names the case, the
# document's own name is enough (《行政处罚决定书》).
_BUREAU_PREFIX = re.compile(
    r"《[^《》]{2,40}?(?:生态环境局|环境保护局|环保局)(?:[^《》]{0,20}?(?:分局|大队|支队|中队))?"
    r"(?=[^《》]{3,}》)")


def short_names(text: str) -> str:
    """`text` with the bureau's name taken off the document titles it quotes."""
    return _BUREAU_PREFIX.sub("《", text)


# -- layout helpers ----------------------------------------------------------------------------
def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.9)
    section.left_margin = section.right_margin = Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(0.8)
    _explicit_default_fonts(doc)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    # Fixed line heights: a CJK font's own line gap differs between faces (Noto's is half again
    # SimSun's), and the page count must not depend on which 宋体 the viewer finds.
    normal.paragraph_format.line_spacing = BODY_LINE
    # No automatic space between Chinese and Latin letters or digits: the form is set solid
    # (2024年5月20日, not 2024 年 5 月 20 日), and a date keeps to one line of its cell.
    ppr = normal.element.get_or_add_pPr()
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "0")
        ppr.append(flag)


def _explicit_default_fonts(doc) -> None:
    """The document defaults name the fonts outright: python-docx's template points them at the
    theme (asciiTheme, eastAsiaTheme…), which a theme attribute wins over an explicit name in Word,
    and WPS resolves to no Chinese face."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # the template's other styles too
        if any(qn(f"w:{a}") in fonts.attrib for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")):
            for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{attribute}"), None)
            fonts.set(qn("w:ascii"), LATIN_FONT)
            fonts.set(qn("w:hAnsi"), LATIN_FONT)
            fonts.set(qn("w:eastAsia"), TITLE_FONT)  # headings: 黑体
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is None:
        return
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute, font in (("ascii", LATIN_FONT), ("hAnsi", LATIN_FONT), ("eastAsia", BODY_FONT), ("cs", LATIN_FONT)):
        fonts.set(qn(f"w:{attribute}"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _footer(doc, text: str) -> None:
    """The sheet's provenance at the foot of the page, small, centred."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(9.5)
    _run(paragraph, text, size=FOOTER_SIZE)


def _cell_margins(table) -> None:
    """Narrow left and right cell margins for the whole table (more text per line)."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(CELL_MARGIN.twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)


def _east_asian(rpr, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


def _run(paragraph, text: str, font: str = BODY_FONT, size: Pt = BODY_SIZE, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    run.font.name = LATIN_FONT
    _east_asian(run._element.get_or_add_rPr(), font)


def _fill(cell: _Cell, text: str, center: bool = False, size: Pt = BODY_SIZE) -> None:
    """One paragraph of text in a cell (replacing what was there), vertically centred."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._element.getparent().remove(run._element)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        _run(paragraph, text, size=size)


def _fill_lines(cell: _Cell, lines: list[str], size: Pt = BODY_SIZE) -> None:
    """A paragraph per line: numbered findings read one under another."""
    _fill(cell, lines[0] if lines else "", size=size)
    for line in lines[1:]:
        _run(cell.add_paragraph(), line, size=size)
    if size != BODY_SIZE:  # small print on lines to its size
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.line_spacing = FINDING_LINE
