"""The document-type registry (models/doctypes.py): one complete spec per CONTRACT type, and the
stages that consult it (classification, fields, rules, outputs) take a type from it alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checkers import load_pack
from checkers.context import CaseView
from extractors.classify import TitleClassifier, match_title
from extractors.fields.documents import _DATE_STEPS
from models.case import CaseFile, Document, PageText, TextLine
from models.doctypes import (
    DOC_TYPES,
    OTHER,
    DocTypeSpec,
    by_title_rank,
    spec,
    type_name,
    type_names,
    types_with,
)
from models.report import CATEGORIES, DOCUMENT_TYPES, CaseFields, DocumentRecord, Report
from service.outputs.common import unread_items

_CJK = re.compile(r"^[\u4e00-\u9fff（）]+$")
_FIELDS = {"number", "party", "cause", "case_name", "case_number", "closing_date", "filing_date",
           "decision_number", "notice_number", "penalty", "amount", "officers", "officers_in_prose", "served",
           "case_type", "agency"}


def test_registry_lists_exactly_the_contract_types_in_order() -> None:
    assert tuple(DOC_TYPES) == DOCUMENT_TYPES
    assert all(code == s.code for code, s in DOC_TYPES.items())


@pytest.mark.parametrize("code", DOCUMENT_TYPES)
def test_every_type_has_a_complete_spec(code: str) -> None:
    s = DOC_TYPES[code]
    assert _CJK.match(s.name) and _CJK.match(s.short), (s.name, s.short)
    assert len(s.short) <= len(s.name)
    if code != "other":
        assert s.titles, f"{code}: no title pattern"
        assert s.title_words or not s.missing_advice, f"{code}: advice without words to look for"
    for pattern in s.titles:
        re.compile(pattern)
    assert s.sheet_row in CATEGORIES
    assert s.fields and set(s.fields) <= _FIELDS
    assert set(s.date_steps) <= set(_DATE_STEPS), "every date step has a reader"
    assert (s.date == "none") == (not s.date_steps)
    assert bool(s.date_labels) == ("labelled" in s.date_steps), "labels exactly where a labelled step reads them"
    if s.missing_advice is not None:
        assert _CJK.match(s.missing_advice[:2])


@pytest.mark.parametrize("code", DOCUMENT_TYPES)
def test_traits_are_consistent(code: str) -> None:
    s = DOC_TYPES[code]
    if s.served:
        assert s.outgoing, "only what the agency issues is served"
    if s.outgoing:
        assert s.numbered and s.dated and s.sealed and s.served, "an outgoing 文书 is numbered, dated, sealed, served"
        assert s.layout == "letter" and s.date == "signing" and "number" in s.fields
    if s.numbered:
        assert "number" in s.fields, "a type that must carry a 文号 has it read"
    if not s.paginated:
        assert s.layout == "archive" and not s.step, "only archive pages go without a 卷内页码"
    assert not (s.signed and s.outgoing), "outgoing 文书 are sealed, not signed"


def test_title_ranks_are_unique_and_each_full_name_classifies_as_its_type() -> None:
    ranks = [s.title_rank for s in DOC_TYPES.values()]
    assert len(set(ranks)) == len(ranks)
    assert [s.code for s in by_title_rank()][:2] == ["toc", "archive_note"]
    for code, s in DOC_TYPES.items():
        if code != "other":  # 其他材料 is a name, not a title
            assert match_title(s.name) == code, s.name


@pytest.mark.parametrize(("title", "code"), [
    # CONTRACT.md's usual titles.
    ("卷宗封面", "cover"), ("案卷封面", "cover"), ("卷内目录", "toc"), ("立案登记表", "filing_approval"),
    ("勘察笔录", "inspection_record"), ("询问笔录", "inquiry_record"), ("调查终结报告", "investigation_report"),
    ("法制审核意见书", "legal_review"), ("案件审查表", "internal_approval"), ("集体讨论记录", "internal_approval"),
    ("行政处罚事先（听证）告知书", "notice"), ("听证笔录", "statement_record"), ("罚没款缴款凭证", "payment_receipt"),
    ("缴款书", "payment_receipt"), ("结案报告", "closing_approval"), ("备考表", "archive_note"),
])
def test_contract_titles(title: str, code: str) -> None:
    assert match_title(title) == code


def test_traits_agree_with_what_the_rules_and_reader_used() -> None:
    assert types_with("served") == ("correction_order", "notice", "decision")
    assert set(types_with("sealed")) == {"notice", "decision", "correction_order", "payment_receipt"}
    assert {c for c, s in DOC_TYPES.items() if not s.paginated} == {"cover", "toc", "archive_note"}
    assert "evidence" not in types_with("step") and "cover" not in types_with("step")


def test_default_sheet_row_is_the_national_packs_row_for_a_missing_document() -> None:
    pack = load_pack()
    compared = 0
    for code, s in DOC_TYPES.items():
        if f"missing.{code}" in pack.codes:
            assert pack.classify(f"missing.{code}")[0] == s.sheet_row, code
            compared += 1
    assert compared >= 15


def test_an_unknown_type_falls_back_to_other_and_never_raises() -> None:
    assert spec("no_such_type") is OTHER
    assert type_name("no_such_type") == "其他材料"
    assert type_names()["decision"] == "行政处罚决定书"
    # A report from a newer version (a type this one does not list) is still named in Chinese.
    record = DocumentRecord.model_construct(type="no_such_type", title=None, pages=(3, 3),
                                            unreadable={"date": "落款日期未能识读"})
    report = Report(file="a.pdf", sha256="0" * 64, pages=3, page_types=["other"] * 3, documents=[],
                    case=CaseFields()).model_copy(update={"documents": [record]})
    assert unread_items(report) == ["《其他材料》（第3页）：落款日期未能识读"]
    doc = Document.model_construct(type="no_such_type", title=None, title_bbox=None, first=3, last=3)
    assert CaseView.title(doc) == "其他材料"
    view = CaseView(CaseFile.model_construct(pages=[], documents=[doc]), load_pack())
    assert view.doc_evidence(doc).text == "其他材料"


def _title_page(title: str) -> PageText:
    size, width = 18.0, 18.0 * len(title)
    heading = TextLine(text=title, bbox=((595 - width) / 2, 80, (595 + width) / 2, 80 + size * 1.2), confidence=0.95)
    body = [TextLine(text="当事人应当在收到本决定书之日起十五日内向指定银行缴纳罚款。", bbox=(72, 160 + 18 * i, 522, 172.6 + 18 * i),
                     confidence=0.95) for i in range(6)]
    return PageText(page=1, width=595, height=842, source="ocr", lines=[heading, *body])


def test_a_type_added_to_the_registry_alone_is_classified_by_its_title() -> None:
    title = "查封（扣押）决定书"
    page = _title_page(title)
    assert match_title(title) == "other"
    assert TitleClassifier().classify(page).doc_type == "other"

    seizure = DocTypeSpec(
        code="seizure_decision", name="查封（扣押）决定书", short="查封扣押决定书",
        titles=("查封.{0,4}扣押.{0,2}决定书", "查封决定书", "扣押决定书"), title_rank=85, layout="letter",
        outgoing=True, numbered=True, dated=True, sealed=True, served=True, step=True,
        date="signing", date_steps=("closing",), fields=("number", "party", "agency"), sheet_row="执法程序",
    )
    registry = {**DOC_TYPES, seizure.code: seizure}
    assert match_title(title, registry) == "seizure_decision"
    found = TitleClassifier(registry).classify(page)
    assert found.doc_type == "seizure_decision" and found.starts
    assert "seizure_decision" in types_with("served", registry)
    assert spec("seizure_decision", registry).name == title
    # The registry itself is left as it was.
    assert "seizure_decision" not in DOC_TYPES and TitleClassifier().classify(page).doc_type == "other"


def test_the_web_page_gets_every_types_name_from_the_registry(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from service.web.app import create_app
    from service.web.settings import ServeSettings

    settings = ServeSettings(data_dir=tmp_path / "data", workers=1)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        meta = client.get("/api/meta").json()
    assert meta["type_names"] == type_names() and len(meta["type_names"]) == len(DOCUMENT_TYPES)
