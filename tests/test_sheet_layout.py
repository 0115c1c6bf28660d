"""The 自查单 as it prints: one A4 page with up to six findings, in LibreOffice's rendering.

The sheet is rendered from reports with 0, 3 and 6 findings worded as the rules word them (the
bureau's full name in every document title, 卷内页码 beside the PDF pages), converted to PDF by
LibreOffice headless, and its pages counted. Without soffice the layout tests are skipped and say
why; the checks on the document's XML (fonts, footer) run everywhere.

Run as a script to look at the pages: `.venv/bin/python tests/test_sheet_layout.py OUTDIR`
writes OUTDIR/sheet-N.docx, .pdf and .png for N = 0, 3, 6.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pymupdf
import pytest

from models.report import CaseFields, DocumentRecord, Evidence, Finding, Report
from service.outputs.sheet import render_sheet

AGENCY = "常德市生态环境局澧县分局"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# (category, kind, message, suggestion, page): as the rules word them.
FINDINGS = (
    ("执法程序", "合法性", f"《{AGENCY}行政处罚事先告知书》（第14–15页）未告知当事人陈述、申辩的权利",
     "重新履行告知程序，告知当事人陈述、申辩的权利", 14),
    ("送达回证", "合法性", "卷内未见行政处罚决定书的送达回证", "补充决定书送达回证，或说明送达方式及依据", 16),
    ("执法文书", "规范性", f"《{AGENCY}行政处罚决定书》（第16–18页）文号“澧环罚〔2024〕第12号”格式不规范：序号前不应有“第”字",
     "按“机关代字〔年份〕序号”格式编写文号，序号前不加“第”", 16),
    ("内部审批表", "合法性", f"《{AGENCY}立案审批表》（第3页）“负责人意见”处未见负责人签名",
     "由负责人补签，或说明未签名的原因", 3),
    ("现场笔录", "规范性", f"《{AGENCY}现场检查（勘察）笔录》（第5–6页）仅载明执法人员张三一人",
     "现场检查应由两名以上执法人员进行，补充另一名执法人员或说明情况", 5),
    ("执法程序", "合法性", f"《{AGENCY}行政处罚决定书》（第16–18页）成文日期2024年6月11日早于"
     f"《{AGENCY}行政处罚事先告知书》（第14–15页）陈述申辩期限届满日2024年6月13日",
     "待陈述申辩期限届满后再作出处罚决定，并说明理由", 16),
)


REVIEW_ITEM = f"《{AGENCY}送达回证》（第19页）受送达人签名处字迹无法确认是否为本人签名"


def sample_report(findings: int, review: int = 0) -> Report:
    """A 20-page case file whose pages 3–20 carry the stamped numbers 1–18, with `findings` findings
    and `review` items to review."""
    made = [Finding(code=f"sample.{n}", category=category, kind=kind, message=message, suggestion=suggestion,
                    evidence=[Evidence(page=page, bbox=(100, 100, 300, 130))], confidence=0.9)
            for n, (category, kind, message, suggestion, page) in enumerate(FINDINGS[:findings])]
    return Report(
        file="2024-012 澧县某某化工有限公司未按规定设置危险废物识别标志案.pdf", sha256="0" * 64, pages=20,
        page_types=["cover", "toc"] + ["other"] * 18,
        documents=[DocumentRecord(type="filing_approval", title=f"{AGENCY}立案审批表", pages=(3, 3)),
                   DocumentRecord(type="notice", title=f"{AGENCY}行政处罚事先告知书", pages=(14, 15)),
                   DocumentRecord(type="decision", title=f"{AGENCY}行政处罚决定书", pages=(16, 18))],
        case=CaseFields(case_number="澧环立〔2024〕31号", filing_date="2024-04-02",
                        notice_number="澧环罚告〔2024〕12号", notice_date="2024-05-20",
                        decision_number="澧环罚〔2024〕第12号", decision_date="2024-06-11",
                        party="澧县某某化工有限公司", case_type="一般程序",
                        cause="未按规定设置危险废物识别标志", officers=["张三", "李四"], agency=AGENCY),
        findings=made, rule_pack="national",
        review=[Finding(code=f"review.{n}", category="送达回证", kind="规范性", message=REVIEW_ITEM,
                        suggestion="核实签名", evidence=[Evidence(page=19)], confidence=0.5) for n in range(review)],
        page_numbers=[None, None, *range(1, 19)],
    )


def to_pdf(docx_bytes: bytes, workdir: Path) -> Path:
    """The document as LibreOffice prints it (a private profile, so no other soffice blocks it)."""
    source = workdir / "sheet.docx"
    source.write_bytes(docx_bytes)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{workdir}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    return workdir / "sheet.pdf"


needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                                   "apt-get install libreoffice-writer-nogui (scripts/setup.sh installs it)")


@needs_soffice
@pytest.mark.parametrize("findings", [0, 2, 3, 6])
def test_sheet_prints_on_one_a4_page(findings: int, tmp_path: Path) -> None:
    pdf = to_pdf(render_sheet(sample_report(findings)), tmp_path)
    with pymupdf.open(pdf) as printed:
        assert printed.page_count == 1
        page = printed[0]
        assert round(page.rect.width) == 595 and round(page.rect.height) == 842  # A4 portrait
        # Extraction puts a space between Chinese and Latin runs: compare without spaces.
        text = page.get_text().replace("\n", "").replace(" ", "")
    for category, *_ in FINDINGS[:findings]:
        assert category in text
    if findings:
        # Short document names: the bureau's name is not repeated in every finding.
        assert text.count(AGENCY) <= 1
        assert "《行政处罚事先告知书》" in text
        assert "卷内第12–13页（PDF第14–15页）" in text
    assert "备注" in text and "案件自查" in text


@needs_soffice
@pytest.mark.parametrize(("findings", "review"), [(6, 3), (6, 8), (3, 9), (0, 14)])
def test_items_to_review_never_push_the_sheet_onto_a_second_page(findings: int, review: int, tmp_path: Path) -> None:
    from service.outputs.sheet import remark_budget

    pdf = to_pdf(render_sheet(sample_report(findings, review)), tmp_path)
    with pymupdf.open(pdf) as printed:
        assert printed.page_count == 1
        text = printed[0].get_text().replace("\n", "").replace(" ", "")
    budget = remark_budget(findings)
    listed = review if review <= budget else budget - 1  # the line counting the rest takes one item's room
    assert text.count("受送达人签名处字迹无法确认") == listed
    # What is not listed is counted and pointed to, never dropped silently.
    assert (f"另有{review - listed}项" in text) == (review > listed)


def test_finding_cells_in_small_five_and_east_asian_fonts_set() -> None:
    data = render_sheet(sample_report(6))
    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]
    finding_cell = table.cell(7, 2)  # 主体资格 … the twelve rows start under the heading row
    runs = [run for row in table.rows[7:19] for cell in row.cells[2:4] for p in cell.paragraphs for run in p.runs]
    assert runs and all(run.font.size is not None and run.font.size.pt == 9.0 for run in runs)
    assert finding_cell is not None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
    # Word and WPS read explicit fonts, not theme fonts that name no Chinese face.
    assert 'w:eastAsia="宋体"' in styles and "eastAsiaTheme" not in styles
    assert body.count('w:eastAsia="') >= body.count("<w:r>") + body.count("<w:r ")


def test_provenance_is_a_chinese_footer_not_a_remark() -> None:
    document = docx.Document(io.BytesIO(render_sheet(sample_report(3))))
    footer = "".join(p.text for p in document.sections[0].footer.paragraphs)
    assert "自动填写" in footer and "全国通用" in footer
    assert "national" not in footer and "casecheck" not in footer.lower()
    remarks = document.tables[0].rows[-1].cells[-1].text
    assert "自动填写" not in remarks and "national" not in remarks


def test_page_references_give_the_stamped_number_and_the_pdf_page() -> None:
    from service.outputs.common import archive_numbers, localize, page_list, page_ref, page_span

    report = sample_report(6)
    numbers = archive_numbers(report)
    assert numbers[:4] == [None, None, 1, 2] and numbers[-1] == 18
    assert page_ref(6, numbers) == "卷内第4页（PDF第6页）"
    assert page_ref(2, numbers) == "PDF第2页"  # no stamped number on the table of contents
    assert page_ref(6, []) == "第6页"  # a file whose numbers are its PDF order, or none read
    assert page_list([3, 5, 6, 7, 1], numbers) == "卷内第1、3–5页（PDF第3、5–7页）、PDF第1页"
    assert page_span(14, 15, numbers) == "卷内第12–13页（PDF第14–15页）"
    assert localize("《告知书》（第14–15页）与第16页", numbers) == "《告知书》（卷内第12–13页（PDF第14–15页））与卷内第14页（PDF第16页）"
    assert localize("卷内第4页", numbers) == "卷内第4页"  # already a stamped number
    # On the sheet: every finding's pages so given, the bureau's name off the titles.
    document = docx.Document(io.BytesIO(render_sheet(report)))
    cells = "".join(row.cells[2].text for row in document.tables[0].rows[7:19])
    assert "《行政处罚事先告知书》（卷内第12–13页（PDF第14–15页））未告知" in cells
    assert "（卷内第14页（PDF第16页））" in cells  # pages the message did not name, added
    assert AGENCY not in cells and "（第" not in cells


def test_batch_summary_gives_pages_as_the_other_outputs() -> None:
    from service.outputs.summary import CaseEntry

    entry = CaseEntry.from_report("a.pdf", sample_report(3), {})
    messages = [f.message for f in entry.findings]
    assert "卷内未见行政处罚决定书的送达回证（卷内第14页（PDF第16页））" in messages
    assert all("（第" not in message for message in messages)


if __name__ == "__main__":  # pictures of the sheet with 0, 3 and 6 findings
    outdir = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sheet-layout")
    outdir.mkdir(parents=True, exist_ok=True)
    for count in (0, 3, 6):
        data = render_sheet(sample_report(count))
        (outdir / f"sheet-{count}.docx").write_bytes(data)
        with tempfile.TemporaryDirectory() as work:
            pdf = to_pdf(data, Path(work))
            shutil.copy(pdf, outdir / f"sheet-{count}.pdf")
            with pymupdf.open(pdf) as printed:
                print(f"{count} findings: {printed.page_count} page(s)")
                for n, page in enumerate(printed, 1):
                    page.get_pixmap(dpi=80).save(outdir / f"sheet-{count}-p{n}.png")
