"""Page classification and document splitting on hand-made pages (no OCR)."""

from __future__ import annotations

import pytest

from extractors.classify import TitleClassifier, match_title, page_of
from extractors.split import archive_number, page_types, parse_toc, split_documents
from models.case import PageAnalysis, PageText, TextLine

W, H = 595.0, 842.0


def line(text: str, x0: float, y0: float, size: float = 10.5, width: float | None = None) -> TextLine:
    width = width if width is not None else size * len(text)
    return TextLine(text=text, bbox=(x0, y0, x0 + width, y0 + size * 1.2), confidence=0.95)


def centred(text: str, y0: float, size: float = 18.0) -> TextLine:
    width = size * len(text)
    return line(text, (W - width) / 2, y0, size, width)


def body(y0: float, n: int = 6) -> list[TextLine]:
    return [line("当事人应当在收到本决定书之日起十五日内缴纳罚款，逾期不缴纳的每日按罚款数额的百分之三加处罚款。",
                 72, y0 + 18 * i, 10.5, 450) for i in range(n)]


def page(n: int, lines: list[TextLine], archive: int | None = None) -> PageAnalysis:
    if archive is not None:
        lines = [line(str(archive), 520, 30, 12, 14), *lines]
    return PageAnalysis(text=PageText(page=n, width=W, height=H, source="ocr", lines=lines))


def run(pages: list[PageAnalysis]):
    classifier = TitleClassifier()
    for p in pages:
        found = archive_number(p.text)
        if found:
            p.archive_number, p.archive_number_bbox = found
    classes = [classifier.classify(p.text) for p in pages]
    docs = split_documents(pages, classes)
    return docs, page_types(docs, len(pages))


@pytest.mark.parametrize(("title", "doc_type"), [
    ("行政处罚决定书", "decision"),
    ("行政处罚事先（听证）告知书", "notice"),
    ("行政处罚事先(听证)告知书", "notice"),
    ("责令改正违法行为决定书", "correction_order"),
    ("送达回证", "service_receipt"),
    ("现场检查（勘察）笔录", "inspection_record"),
    ("现场检查照片", "evidence"),
    ("调查询问笔录", "inquiry_record"),
    ("案件调查报告", "investigation_report"),
    ("立案审批表", "filing_approval"),
    ("行政处罚审批表", "internal_approval"),
    ("案件集体讨论记录", "internal_approval"),
    ("重大执法决定法制审核表", "legal_review"),
    ("结案审批表", "closing_approval"),
    ("卷内目录", "toc"),
    ("备考表", "archive_note"),
    ("陈述申辩笔录", "statement_record"),
    ("听证通知书", "statement_record"),
    ("非税收入一般缴款书", "payment_receipt"),
    ("查封（扣押）决定书", "other"),
    ("某某市生态环境局", None),
])
def test_title_lexicon(title: str, doc_type: str | None) -> None:
    assert match_title(title) == doc_type


def test_title_must_be_title_like() -> None:
    classifier = TitleClassifier()
    p = PageText(page=1, width=W, height=H, source="ocr", lines=[
        centred("某某市生态环境局", 60), centred("行政处罚决定书", 90),
        line("某环罚〔2024〕12号", 380, 120), *body(160)])
    cls = classifier.classify(p)
    assert cls.doc_type == "decision" and cls.starts
    # A field naming a document is not a title.
    p2 = PageText(page=2, width=W, height=H, source="ocr", lines=[
        line("送达文书名称：行政处罚决定书", 72, 300), *body(340)])
    assert classifier.classify(p2).doc_type is None


def test_continuation_and_blank_pages_join_the_document_before() -> None:
    pages = [
        page(1, [centred("行政处罚决定书", 80), *body(140)], 1),
        page(2, body(80), 2),
        page(3, []),  # blank back
        page(4, [centred("送达回证", 80), *body(140)], 3),
    ]
    docs, types = run(pages)
    assert [(d.type, d.pages) for d in docs] == [("decision", (1, 3)), ("service_receipt", (4, 4))]
    assert types == ["decision", "decision", "decision", "service_receipt"]


def test_repeated_title_on_later_page_of_a_record_does_not_split() -> None:
    pages = [
        page(1, [centred("调查询问笔录", 60), *body(120), line("第1页 共2页", 260, 800)]),
        page(2, [centred("调查询问笔录", 60), *body(120), line("第2页 共2页", 260, 800)]),
    ]
    assert page_of(pages[1].text) == (2, 2)
    docs, _ = run(pages)
    assert [(d.type, d.pages) for d in docs] == [("inquiry_record", (1, 2))]


def test_documents_sharing_a_page() -> None:
    pages = [
        page(1, [centred("行政处罚事先告知书", 60), *body(120, 12)]),
        page(2, [*body(60, 8), centred("送达回证", 450), *body(500, 4)]),
        page(3, [centred("陈述申辩笔录", 60), *body(120)]),
    ]
    docs, types = run(pages)
    assert [(d.type, d.pages) for d in docs] == [
        ("notice", (1, 2)), ("service_receipt", (2, 2)), ("statement_record", (3, 3))]
    assert types[1] == "notice"  # the page's top belongs to the notice


def test_toc_places_untitled_documents() -> None:
    toc_lines = [centred("卷内目录", 50)]
    rows = [("1", "行政处罚决定书", "1-2"), ("2", "现场照片", "3-4"), ("3", "送达回证", "5")]
    for i, (seq, title, span) in enumerate(rows):
        y = 120 + 30 * i
        toc_lines += [line(seq, 60, y), line(title, 200, y, 10.5, 120), line(span, 500, y, 10.5, 30)]
    toc = PageText(page=1, width=W, height=H, source="ocr", lines=toc_lines)
    entries = parse_toc(toc)
    assert [(e.doc_type, e.first, e.last) for e in entries] == [
        ("decision", 1, 2), ("evidence", 3, 4), ("service_receipt", 5, 5)]
    pages = [
        PageAnalysis(text=toc),
        page(2, [centred("行政处罚决定书", 80), *body(140)], 1),
        page(3, body(80), 2),
        page(4, [line("拍摄时间：2024年5月11日", 72, 700)], 3),  # photo page: no title
        page(5, [line("拍摄时间：2024年5月11日", 72, 700)], 4),
        page(6, [centred("送达回证", 80), *body(140)], 5),
    ]
    docs, _ = run(pages)
    assert [(d.type, d.pages) for d in docs] == [
        ("toc", (1, 1)), ("decision", (2, 3)), ("evidence", (4, 5)), ("service_receipt", (6, 6))]


def test_archive_number_is_a_corner_number_not_a_footer() -> None:
    p = PageText(page=1, width=W, height=H, source="ocr", lines=[
        line("12", 520, 30, 12, 14), *body(100), line("-2-", 290, 800, 10, 20)])
    assert archive_number(p) == (12, (520, 30, 534, 30 + 14.4))
    p2 = PageText(page=1, width=W, height=H, source="ocr", lines=[*body(100), line("-2-", 290, 800, 10, 20)])
    assert archive_number(p2) is None


def _toc_page(rows: list[tuple[str, str, str]]) -> PageAnalysis:
    toc_lines = [centred("卷内目录", 50)]
    for i, (seq, title, span) in enumerate(rows):
        y = 120 + 30 * i
        toc_lines += [line(seq, 60, y), line(title, 200, y, 10.5, 120), line(span, 500, y, 10.5, 30)]
    return PageAnalysis(text=PageText(page=1, width=W, height=H, source="ocr", lines=toc_lines))


def test_titled_photo_pages_inside_one_toc_entry_are_one_piece_of_evidence() -> None:
    """现场照片及说明 5-7 in the 卷内目录: each photo page has its own heading, yet it is one entry."""
    pages = [
        _toc_page([("1", "行政处罚决定书", "1-2"), ("2", "现场照片及说明", "3-5"), ("3", "送达回证", "6")]),
        page(2, [centred("行政处罚决定书", 80), *body(140)], 1),
        page(3, body(80), 2),
        page(4, [centred("现场检查照片", 60), line("拍摄时间：2024年5月11日", 72, 700)], 3),
        page(5, [centred("现场检查照片", 60), line("拍摄时间：2024年5月11日", 72, 700)], 4),
        page(6, [centred("现场检查照片", 60), line("拍摄时间：2024年5月11日", 72, 700)], 5),
        page(7, [centred("送达回证", 80), *body(140)], 6),
    ]
    docs, _ = run(pages)
    assert [(d.type, d.pages) for d in docs] == [
        ("toc", (1, 1)), ("decision", (2, 3)), ("evidence", (4, 6)), ("service_receipt", (7, 7))]


def test_toc_spans_followed_across_an_unread_stamp() -> None:
    """Two pieces of evidence listed 3-4 and 5-6; the stamp on the page starting the second was not read,
    but the numbers on both sides agree: the second still starts there."""
    pages = [
        _toc_page([("1", "行政处罚决定书", "1-2"), ("2", "现场照片", "3-4"), ("3", "监测报告", "5-6"),
                   ("4", "送达回证", "7")]),
        page(2, [centred("行政处罚决定书", 80), *body(140)], 1),
        page(3, body(80), 2),
        page(4, [line("拍摄时间：2024年5月11日", 72, 700)], 3),
        page(5, [line("拍摄时间：2024年5月11日", 72, 700)], 4),
        page(6, [line("监测数据见下表", 72, 300)]),  # stamp 5 not read
        page(7, [line("监测数据见下表", 72, 300)], 6),
        page(8, [centred("送达回证", 80), *body(140)], 7),
    ]
    docs, _ = run(pages)
    assert [(d.type, d.pages) for d in docs] == [
        ("toc", (1, 1)), ("decision", (2, 3)), ("evidence", (4, 5)), ("evidence", (6, 7)),
        ("service_receipt", (8, 8))]


def test_a_postal_proof_behind_its_receipt_is_part_of_it() -> None:
    """邮寄送达: the carrier's 妥投 record filed after the 回证 belongs to the service record."""
    pages = [
        page(1, [centred("行政处罚决定书", 80), *body(140)], 1),
        page(2, [centred("送达回证", 80), line("送达方式：邮寄送达（EMS 邮件号 1187654321098）", 72, 140)], 2),
        page(3, [centred("EMS邮件详情单（妥投证明）", 60), line("邮件号：1187654321098", 72, 120),
                 line("投递状态：已妥投", 72, 140)], 3),
        page(4, [centred("现场检查照片", 60), line("拍摄时间：2024年5月11日", 72, 700)], 4),
    ]
    docs, _ = run(pages)
    assert [(d.type, d.pages) for d in docs] == [
        ("decision", (1, 1)), ("service_receipt", (2, 3)), ("evidence", (4, 4))]
