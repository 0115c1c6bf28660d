"""The annotated PDF: summary pages first, then the original pages with each finding's evidence boxed."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pymupdf
import pytest

from models.report import CaseFields, DocumentRecord, Evidence, Finding, Report
from service.outputs.annotate import render_annotated
from service.outputs.common import archive_numbers, localize

FIXED = Path(__file__).resolve().parent.parent / "samples" / "fixed"
BORN_DIGITAL = FIXED / "demo-503-000.pdf"

RED, ORANGE, BLUE = (1.0, 0.0, 0.0), (1.0, 0.5, 0.0), (0.0, 0.4, 1.0)
PAD = 3.0
BOX = (100.0, 200.0, 300.0, 220.0)
# The words on the rotated page 2, written where the page *displays* them.
ROTATED_TEXT = "ROTATED EVIDENCE"
ROTATED_AT = pymupdf.Point(420, 120)  # displayed coordinates of the text's baseline start


def _close(a: pymupdf.Rect, b: pymupdf.Rect, tolerance: float = 1.6) -> bool:
    """Rects equal but for the border MuPDF may add around a frame."""
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _padded(box: tuple[float, float, float, float]) -> pymupdf.Rect:
    return pymupdf.Rect(box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD)


def _color(annot: pymupdf.Annot) -> tuple[float, ...]:
    return tuple(round(v, 2) for v in annot.colors["stroke"])


def _summary_count(out: pymupdf.Document, original_pages: int) -> int:
    return out.page_count - original_pages


@pytest.fixture
def small_pdf(tmp_path: Path) -> Path:
    """Three A4 pages with some text; page 2 is displayed turned by /Rotate 90."""
    doc = pymupdf.open()
    for n in range(1, 4):
        page = doc.new_page(width=595, height=842)
        page.insert_text((100, 215), f"Page {n}: some evidence text", fontsize=12)
    page = doc[1]
    page.set_rotation(90)
    # insert_text takes unrotated coordinates; turned with the page it reads upright when displayed.
    page.insert_text(ROTATED_AT * page.derotation_matrix, ROTATED_TEXT, fontsize=14, rotate=90)
    path = tmp_path / "small.pdf"
    doc.save(path)
    return path


def _displayed_box(path: Path, page_number: int, text: str) -> tuple[float, float, float, float]:
    """Where `text` is on the page as displayed (text extraction is unrotated: turn it as the reader does)."""
    with pymupdf.open(path) as doc:
        page = doc[page_number - 1]
        hit = page.search_for(text)[0] * page.rotation_matrix
        return (hit.x0, hit.y0, hit.x1, hit.y1)


def _finding(code: str, kind: str, message: str, evidence: list[Evidence], category: str = "执法程序") -> Finding:
    return Finding(code=code, category=category, kind=kind, message=message, suggestion=f"{message}的整改建议",
                   evidence=evidence, confidence=0.9)


def _report(findings: list[Finding], review: list[Finding] | None = None, pages: int = 3) -> Report:
    return Report(
        file="small.pdf", sha256="0" * 64, pages=pages, page_types=["decision", "decision", "notice"][:pages],
        documents=[DocumentRecord(type="decision", title="行政处罚决定书", pages=(1, 2)),
                   DocumentRecord(type="notice", pages=(3, 3))],
        case=CaseFields(case_number="某环立〔2025〕1号", decision_number="某环罚〔2025〕2号", party="某某石材加工厂",
                        officers=["张三", "李四"]),
        findings=findings, review=review or [])


@pytest.fixture
def small_report(small_pdf: Path) -> Report:
    rotated = _displayed_box(small_pdf, 2, ROTATED_TEXT)
    return _report(
        [
            _finding("a.legal", "合法性", "立案审批表未见负责人签名", [Evidence(page=1, bbox=BOX, text="x")]),
            _finding("b.norm", "规范性", "决定书文号格式不规范", [Evidence(page=2, bbox=rotated, text=ROTATED_TEXT)],
                     category="执法文书"),
            _finding("c.nobox", "合法性", "告知书缺少陈述申辩权利告知", [Evidence(page=3)]),
            _finding("d.outside", "规范性", "页码越界的证据", [Evidence(page=9, bbox=BOX)], category="其他"),
        ],
        review=[_finding("e.review", "合法性", "印章是否清晰需人工核实", [Evidence(page=1, bbox=(400, 500, 480, 560))])],
    )


def test_summary_page_comes_first_with_case_fields_and_findings(small_pdf: Path, small_report: Report) -> None:
    out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    summary = _summary_count(out, 3)
    assert summary >= 1
    assert out[0].rect == pymupdf.paper_rect("a4")
    text = "".join(out[i].get_text(sort=True) for i in range(summary)).replace("\n", "")
    assert "案卷自查结果" in text and "small.pdf" in text
    for value in ("某环立〔2025〕1号", "某环罚〔2025〕2号", "某某石材加工厂", "张三、李四"):
        assert value in text
    for label, finding in zip(("F1", "F2", "F3", "F4"), small_report.findings, strict=True):
        assert f"{label} [{finding.kind}] {finding.message}" in text
        assert finding.suggestion in text
    assert "R1 [待人工核实·合法性] 印章是否清晰需人工核实" in text
    assert "问题 4 项（合法性 2 项，规范性 2 项）" in text and "待人工核实 1 项" in text
    # Grouped in the order of the self-check sheet's rows: 执法程序 before 执法文书 before 其他.
    assert text.index("执法程序（2 项）") < text.index("执法文书（1 项）") < text.index("其他（1 项）")
    assert text.index("F1 ") < text.index("F3 ") < text.index("F2 ") < text.index("F4 ")
    # The original pages follow unchanged (same content stream, same rotation); findings are annotations.
    with pymupdf.open(small_pdf) as original:
        for n, page in enumerate(original):
            assert out[summary + n].read_contents() == page.read_contents()
            assert out[summary + n].rotation == page.rotation


def _item_links(out: pymupdf.Document, summary: int) -> list[dict]:
    """Links of the findings and review items: those before the closing list of documents."""
    links = []
    for i in range(summary):
        heading = out[i].search_for("卷内文书")
        for link in out[i].get_links():
            if heading and link["from"].y0 > heading[0].y0:
                return links
            links.append(link)
        if heading:
            break
    return links


def test_page_references_link_to_the_original_pages(small_pdf: Path, small_report: Report) -> None:
    out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    summary = _summary_count(out, 3)
    targets = sorted(link["page"] for link in _item_links(out, summary) if link["kind"] == pymupdf.LINK_GOTO)
    # F1 → 1, F2 → 2, F3 → 3, R1 → 1; F4's page 9 does not exist and gets no link.
    assert targets == sorted(summary + p - 1 for p in (1, 2, 3, 1))
    for i in range(summary):
        for link in out[i].get_links():
            # The link covers the words "第N页" (a document's "第a–b页") that name its target.
            words = out[i].get_textbox(link["from"]).strip()
            assert re.fullmatch(f"第{link['page'] - summary + 1}(–[0-9]+)?页", words), words


def test_evidence_boxed_in_kind_colours_with_comments(small_pdf: Path, small_report: Report,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="service.outputs.annotate"):
        out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    summary = _summary_count(out, 3)
    assert all(not list(out[i].annots()) for i in range(summary))

    first = out[summary]
    rects = [a for a in first.annots() if a.type[1] == "Square"]
    assert len(rects) == 2
    legal = next(a for a in rects if a.info["subject"] == "a.legal")
    assert _close(legal.rect, _padded(BOX))
    assert _color(legal) == RED and legal.border["width"] == pytest.approx(1.5)
    assert legal.info["title"] == "casecheck"
    assert legal.info["content"].startswith("F1 [合法性] 执法程序\n立案审批表未见负责人签名\n整改建议：")
    review = next(a for a in rects if a.info["subject"] == "e.review")
    assert _color(review) == BLUE and review.info["content"].startswith("R1 [待人工核实·合法性] 执法程序\n")
    labels = {a.info["content"]: a.rect for a in first.annots() if a.type[1] == "FreeText"}
    assert set(labels) == {"F1", "R1"}
    # The label sits just above the box's top-left corner.
    assert labels["F1"].y1 == pytest.approx(_padded(BOX).y0, abs=0.5)
    assert labels["F1"].x0 == pytest.approx(_padded(BOX).x0, abs=1.5)

    # Evidence without a box: a sticky note in the top-left margin, with the same comment.
    third = out[summary + 2]  # held: an annotation must not outlive its page object
    notes = [a for a in third.annots() if a.type[1] == "Text"]
    assert len(notes) == 1 and notes[0].info["content"].startswith("F3 [合法性] 执法程序\n告知书缺少")
    assert notes[0].rect.x1 < 100 and notes[0].rect.y1 < 100

    # Evidence on a page the file does not have: skipped with a warning, not a crash.
    assert any("page 9" in r.getMessage() and "d.outside" in r.getMessage() for r in caplog.records)
    assert not any(a.info["subject"] == "d.outside" for page in out for a in page.annots())


def test_box_on_rotated_page_lands_on_the_displayed_evidence(small_pdf: Path, small_report: Report) -> None:
    out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    page = out[_summary_count(out, 3) + 1]
    assert page.rotation == 90
    evidence = small_report.findings[1].evidence[0].bbox
    assert evidence is not None
    frame = next(a for a in page.annots() if a.type[1] == "Square")
    assert _color(frame) == ORANGE
    # Annotations are stored unrotated; turned as displayed, the frame is the padded evidence box ...
    assert _close(frame.rect * page.rotation_matrix, _padded(evidence))
    # ... which holds the words it points at, found afresh on the output page (unrotated coordinates).
    assert frame.rect.contains(page.search_for(ROTATED_TEXT)[0])
    label = next(a for a in page.annots() if a.type[1] == "FreeText")
    shown = label.rect * page.rotation_matrix
    assert shown.y1 == pytest.approx(_padded(evidence).y0, abs=0.5)


def test_outline_lists_documents_and_their_findings(small_pdf: Path, small_report: Report) -> None:
    out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    summary = _summary_count(out, 3)
    toc = out.get_toc()
    assert toc[0] == [1, "案卷自查结果", 1]
    titles = [(level, title.split(" ")[0], page) for level, title, page in toc[1:]]
    assert titles == [
        (1, "行政处罚决定书（第1–2页）", summary + 1),
        (2, "F1", summary + 1),
        (2, "F2", summary + 2),
        (2, "R1", summary + 1),
        (1, "行政处罚事先告知书（第3页）", summary + 3),
        (2, "F3", summary + 3),
    ]


def test_long_report_flows_onto_further_summary_pages(small_pdf: Path) -> None:
    message = "《某某局行政处罚决定书》（第1页）所载违法事实与调查终结报告认定的事实不一致，" * 3
    findings = [_finding(f"code.{n}", "合法性" if n % 2 else "规范性", f"{message}（第{n}项）",
                         [Evidence(page=1 + n % 3, bbox=BOX)], category="事实证据" if n % 3 else "执法程序")
                for n in range(36)]
    out = pymupdf.open(stream=render_annotated(_report(findings), small_pdf))
    summary = _summary_count(out, 3)
    assert summary >= 3
    text = "".join(out[i].get_text(sort=True) for i in range(summary)).replace("\n", "")
    for n in range(36):
        assert f"（第{n}项）" in text
    for i in range(summary):
        page = out[i]
        for block in page.get_text("blocks"):
            # Wrapped inside the margins: nothing runs off the page's right or bottom edge.
            assert block[2] <= page.rect.width - 50 and block[3] <= page.rect.height - 20
        assert f"第 {i + 1} / {summary} 页" in page.get_text()
    assert len(_item_links(out, summary)) == 36
    assert sum(1 for page in out for a in page.annots() if a.type[1] == "Square") == 36


def test_clean_report_says_no_problems_and_adds_no_annotations(small_pdf: Path) -> None:
    before = hashlib.sha256(small_pdf.read_bytes()).hexdigest()
    out = pymupdf.open(stream=render_annotated(_report([]), small_pdf))
    assert hashlib.sha256(small_pdf.read_bytes()).hexdigest() == before
    assert out.page_count == 4
    text = out[0].get_text(sort=True).replace("\n", "")
    assert "自查结论：未发现问题" in text and "问题 0 项" in text
    assert all(not list(page.annots()) for page in out)
    assert not _item_links(out, 1)
    assert out.get_toc()[0] == [1, "案卷自查结果", 1]


def test_agency_shown_or_said_unread(small_pdf: Path) -> None:
    report = _report([])
    text = pymupdf.open(stream=render_annotated(report, small_pdf))[0].get_text(sort=True)
    assert "执法机关：未识别" in text
    report.case = report.case.model_copy(update={"agency": "某市生态环境局某县分局"})
    text = pymupdf.open(stream=render_annotated(report, small_pdf))[0].get_text(sort=True)
    assert "执法机关：某市生态环境局某县分局" in text


@pytest.fixture(scope="module")
def sample_report() -> Report:
    from service.pipeline import check_pdf

    return check_pdf(BORN_DIGITAL)


def test_born_digital_sample(sample_report: Report) -> None:
    report = sample_report
    assert len(report.findings) >= 1
    before = hashlib.sha256(BORN_DIGITAL.read_bytes()).hexdigest()
    data = render_annotated(report, BORN_DIGITAL)
    assert hashlib.sha256(BORN_DIGITAL.read_bytes()).hexdigest() == before
    # The original pages are copied, not re-rendered: the file stays about the original's size.
    assert len(data) < BORN_DIGITAL.stat().st_size * 1.2
    out = pymupdf.open(stream=data)
    summary = out.page_count - report.pages
    assert summary >= 1

    text = "".join(out[i].get_text(sort=True) for i in range(summary)).replace("\n", "")
    assert report.case.party and report.case.party in text
    assert report.case.decision_number and report.case.decision_number in text
    for finding in report.findings:
        assert finding.message[:20] in text

    # Messages name pages as 卷内第N页（PDF第M页） where the stamped numbers were read.
    numbers = archive_numbers(report)
    assert numbers, "the sample's stamped 卷内页码 differ from its PDF order"
    for finding in report.findings:
        message = finding.message if finding.code.startswith("pages.") else localize(finding.message, numbers)
        for evidence in finding.evidence:
            page = out[summary + evidence.page - 1]
            frames = [a for a in page.annots() if a.type[1] == "Square"]
            assert any(message in a.info["content"] for a in frames)
            if evidence.bbox is not None:
                frame = next(a for a in frames if message in a.info["content"])
                assert _close(frame.rect * page.rotation_matrix, _padded(evidence.bbox))

    evidence_pages = {e.page for f in report.findings + report.review for e in f.evidence}
    links = {link["page"] for link in _item_links(out, summary)}
    assert links == {summary + p - 1 for p in evidence_pages}
    annotated = {n + 1 for n in range(report.pages) if list(out[summary + n].annots())}
    assert annotated == evidence_pages

    toc = out.get_toc()
    assert toc[0] == [1, "案卷自查结果", 1]
    assert sum(1 for level, _, _ in toc if level == 1) == 1 + len(report.documents)
    for number, finding in enumerate(report.findings, 1):
        entry = next(e for e in toc if e[0] == 2 and e[1].startswith(f"F{number} "))
        assert entry[2] == summary + min(e.page for e in finding.evidence)


def test_summary_lists_the_documents_read_with_links(small_pdf: Path, small_report: Report) -> None:
    out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    summary = _summary_count(out, 3)
    text = "".join(out[i].get_text(sort=True) for i in range(summary))
    tail = text[text.index("卷内文书"):]
    for record in small_report.documents:
        first, last = record.pages
        span = f"第{first}页" if first == last else f"第{first}–{last}页"
        assert span in tail and (record.title or "") in tail
    # The links after the findings' are the documents': one to each document's first page.
    every = [link for i in range(summary) for link in out[i].get_links()]
    documents = every[len(_item_links(out, summary)):]
    assert [link["page"] for link in documents] == [summary + r.pages[0] - 1 for r in small_report.documents]


# -- 卷内页码: page labels and page references ------------------------------------------------
@pytest.fixture
def stamped_pdf(tmp_path: Path) -> Path:
    """Six pages: a cover and a table of contents unnumbered, then pages stamped 1–4."""
    doc = pymupdf.open()
    for n in range(1, 7):
        doc.new_page(width=595, height=842).insert_text((100, 215), f"Page {n}", fontsize=12)
    path = tmp_path / "stamped.pdf"
    doc.save(path)
    return path


def _stamped_report(findings: list[Finding]) -> Report:
    report = _report(findings, pages=6)
    return report.model_copy(update={
        "page_types": ["cover", "toc", "decision", "decision", "notice", "notice"],
        "documents": [DocumentRecord(type="decision", title="行政处罚决定书", pages=(3, 4)),
                      DocumentRecord(type="notice", pages=(5, 6))],
        "page_numbers": [None, None, 1, 2, 3, 4]})


def _label(page: pymupdf.Page) -> str:
    """The page's label as PyMuPDF reads it; its reader leaves a Unicode prefix (a PDF text string
    in UTF-16BE, as the standard has it and viewers read it) in hex: decode that."""
    label = page.get_label()
    match = re.fullmatch(r"<FEFF([0-9A-F]*)>(.*)", label)
    return bytes.fromhex(match.group(1)).decode("utf-16-be") + match.group(2) if match else label


def test_page_labels_give_the_summary_then_the_stamped_numbers(stamped_pdf: Path) -> None:
    report = _stamped_report([_finding("a.legal", "合法性", "第4页决定书未见印章", [Evidence(page=4, bbox=BOX)])])
    out = pymupdf.open(stream=render_annotated(report, stamped_pdf))
    summary = _summary_count(out, 6)
    labels = [_label(page) for page in out]
    assert labels[:summary] == [f"结-{n}" for n in range(1, summary + 1)]
    # The unstamped cover and table of contents keep their PDF numbers, marked as such.
    assert labels[summary:] == ["PDF-1", "PDF-2", "1", "2", "3", "4"]


def test_page_labels_of_a_file_without_stamped_numbers_are_its_pdf_pages(small_pdf: Path, small_report: Report) -> None:
    out = pymupdf.open(stream=render_annotated(small_report, small_pdf))
    summary = _summary_count(out, 3)
    assert [page.get_label() for page in out][summary:] == ["1", "2", "3"]


def test_page_references_name_the_stamped_number_and_link_past_the_summary(stamped_pdf: Path) -> None:
    report = _stamped_report([
        _finding("a.legal", "合法性", "第4页决定书未见印章", [Evidence(page=4, bbox=BOX)]),
        _finding("b.norm", "规范性", "封面填写不全", [Evidence(page=1)], category="其他"),
    ])
    out = pymupdf.open(stream=render_annotated(report, stamped_pdf))
    summary = _summary_count(out, 6)
    text = "".join(out[i].get_text() for i in range(summary)).replace("\n", "")
    assert "卷内第2页（PDF第4页）决定书未见印章" in text  # the message's own reference
    assert "卷内第1–2页（PDF第3–4页）" in text  # the documents' list
    assert "PDF第1页" in text  # a page without a stamped number
    assert "第4页决定书" not in text.replace("PDF第4页）决定书", "")
    # Each reference links to its page after the summary pages.
    for i in range(summary):
        for link in out[i].get_links():
            words = out[i].get_textbox(link["from"]).strip()
            target = link["page"] - summary + 1
            assert f"PDF第{target}" in words, (words, target)
    frame = next(a for a in out[summary + 3].annots() if a.type[1] == "Square")
    assert "卷内第2页（PDF第4页）" in frame.info["content"]
    toc = out.get_toc()
    assert [1, "行政处罚决定书（卷内第1–2页（PDF第3–4页））", summary + 3] in toc


# -- the text layer over scanned pages --------------------------------------------------------
def _scanned_pdf(path: Path) -> Path:
    """One page that is only a picture of 行政处罚决定书 (no text of its own), like a scan."""
    source = pymupdf.open()
    page = source.new_page(width=595, height=842)
    page.insert_text((100, 200), "行政处罚决定书", fontname="china-s", fontsize=24)
    pixmap = page.get_pixmap(dpi=100)
    scan = pymupdf.open()
    scan.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), stream=pixmap.tobytes("jpeg"))
    scan.save(path, deflate=True)
    return path


def _image_streams(doc: pymupdf.Document, pages: range) -> list[bytes]:
    return [doc.xref_stream_raw(xref) for n in pages for xref, *_ in doc[n].get_images(full=True)]


def test_scanned_page_gets_an_invisible_searchable_text_layer_over_the_unchanged_image(tmp_path: Path) -> None:
    from models.case import PageText, TextLine

    pdf = _scanned_pdf(tmp_path / "scan.pdf")
    with pymupdf.open(pdf) as original:
        assert original[0].search_for("决定书") == []  # a picture only
        before = _image_streams(original, range(1))
    read = [PageText(page=1, width=595, height=842, source="ocr",
                     lines=[TextLine(text="行政处罚决定书", bbox=(100, 178, 268, 206), confidence=0.98)])]
    report = _report([], pages=1)
    out = pymupdf.open(stream=render_annotated(report, pdf, page_texts=read))
    summary = _summary_count(out, 1)
    page = out[summary]
    hits = page.search_for("决定书")
    assert hits, "the OCR text is searchable"
    # Where the image shows the words (the last three of seven glyphs of the read box).
    assert 100 + 168 * 4 / 7 - 4 <= hits[0].x0 <= 100 + 168 * 4 / 7 + 4 and hits[0].y0 >= 170 and hits[0].y1 <= 212
    # Invisible: rendered, the page looks as the image alone does.
    bare = pymupdf.open(pdf)[0].get_pixmap(dpi=50).samples
    assert page.get_pixmap(dpi=50, annots=False).samples == bare
    assert _image_streams(out, range(summary, summary + 1)) == before  # the image byte for byte


def test_text_layer_only_over_scanned_pages_and_not_when_rendering_from_a_report(small_pdf: Path) -> None:
    from models.case import PageText, TextLine

    report = _report([], pages=3)
    # The born-digital page has its own text: nothing is added over it.
    read = [PageText(page=1, width=595, height=842, source="text_layer",
                     lines=[TextLine(text="行政处罚决定书", bbox=(100, 178, 268, 206))])]
    out = pymupdf.open(stream=render_annotated(report, small_pdf, page_texts=read))
    assert out[_summary_count(out, 3)].search_for("决定书") == []
    out = pymupdf.open(stream=render_annotated(report, small_pdf))
    assert out[_summary_count(out, 3)].search_for("决定书") == []
