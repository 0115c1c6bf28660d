"""The generator: deterministic, truthful, varied, and its injected defects are really on the pages."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pymupdf
import pytest

from models.truth import Truth
from samples.defects import ALL_CODES
from samples.generate import Options, generate, main
from samples.timeline import add_workdays
from tests.conftest import generated_corpus, load_truths

STRICT_NUMBER = re.compile(r"^[\u4e00-\u9fff0-9A-Za-z（）()]{1,20}?字?〔(19|20)\d{2}〕[1-9]\d{0,4}号$")


def test_same_seed_gives_same_files(tmp_path: Path) -> None:
    for run in ("a", "b"):
        generate(tmp_path / run, 2, seed=99, options=Options(born_digital_ratio=0.5))
    for name in sorted(p.name for p in (tmp_path / "a").iterdir()):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    generate(tmp_path / "c", 1, seed=100)
    assert (tmp_path / "c" / "case-100-000.pdf").read_bytes() != (tmp_path / "a" / "case-99-000.pdf").read_bytes()


def _check_truth(pdf_path: Path, truth: Truth) -> None:
    with pymupdf.open(pdf_path) as pdf:
        assert pdf.page_count == truth.pages == len(truth.page_types) == len(truth.page_info)
        for info, page in zip(truth.page_info, pdf, strict=True):
            landscape = page.rect.width > page.rect.height
            assert landscape == (info.rotation in (90, 270)), f"{pdf_path.name} p{info.page}"
            if not truth.born_digital:
                assert not page.get_text().strip(), "scanned pages carry no text layer"
    assert 8 <= truth.pages <= 40, f"{pdf_path.name}: {truth.pages} pages"
    # Spans tile the file: every page in exactly one document, in order.
    expected = 1
    for doc in truth.documents:
        first, last = doc.pages
        assert first == expected and last >= first
        assert all(t == doc.type for t in truth.page_types[first - 1:last])
        expected = last + 1
    assert expected == truth.pages + 1
    numbers = [p.archive_number for p in truth.page_info if p.archive_number is not None]
    if "pages.numbering" not in truth.defects:
        assert numbers == list(range(1, len(numbers) + 1))
        content = [p for p in truth.page_info if not p.blank and p.type not in ("cover", "toc", "archive_note")]
        assert all(p.archive_number is not None for p in content)
    for doc in truth.documents:
        info = truth.page_info[doc.pages[0] - 1]
        if doc.type not in ("cover",) and not info.blank:
            assert info.title_bbox is not None, f"{pdf_path.name}: {doc.type} has no title box"


def test_scanned_truth_is_consistent(scanned_corpus: list[tuple[Path, Truth]]) -> None:
    for pdf_path, truth in scanned_corpus:
        _check_truth(pdf_path, truth)


def test_born_digital_truth_and_toc(born_digital_corpus: list[tuple[Path, Truth]]) -> None:
    for pdf_path, truth in born_digital_corpus:
        _check_truth(pdf_path, truth)
        with pymupdf.open(pdf_path) as pdf:
            toc_text = "".join(pdf[i].get_text() for i, t in enumerate(truth.page_types) if t == "toc")
            for doc in truth.documents:
                nums = [p.archive_number for p in truth.page_info[doc.pages[0] - 1:doc.pages[1]]
                        if p.archive_number is not None]
                if not nums or not toc_text:
                    continue
                span = str(nums[0]) if nums[0] == nums[-1] else f"{nums[0]}-{nums[-1]}"
                assert span in toc_text, f"{pdf_path.name}: ToC lacks {span} for {doc.title}"
            for doc in truth.documents:
                if doc.number and doc.type in ("notice", "decision", "correction_order"):
                    first = pdf[doc.pages[0] - 1].get_text().replace(" ", "")
                    assert doc.number in first


def test_corpus_has_variety(scanned_corpus: list[tuple[Path, Truth]],
                            born_digital_corpus: list[tuple[Path, Truth]]) -> None:
    truths = [t for _, t in scanned_corpus + born_digital_corpus]
    assert len({t.case.party for t in truths}) == len(truths)
    agencies = {re.sub(r"罚.*", "", t.case.decision_number or "") for t in truths}
    assert len(agencies) >= 6
    titles: dict[str, set[str]] = {}
    for t in truths:
        for d in t.documents:
            titles.setdefault(d.type, set()).add(d.title or "")
    varied = [k for k, v in titles.items() if len(v) >= 2]
    assert len(varied) >= 6, titles
    assert len({t.pages for t in truths}) >= 5
    assert any(t.defects == [] for t in truths) and any(t.defects for t in truths)
    scanned = [p for _, t in scanned_corpus for p in t.page_info]
    assert any(p.rotation for p in scanned) or len(scanned) < 150
    assert any(p.blank for p in scanned) or len(scanned) < 150


# -- injected defects are on the pages -------------------------------------------------------------

def _doc(truth: Truth, type_: str) -> list:
    return [d for d in truth.documents if d.type == type_]


def _text(pdf: pymupdf.Document, doc, *, top: float | None = None) -> str:  # type: ignore[no-untyped-def]
    out = []
    for i in range(doc.pages[0] - 1, doc.pages[1]):
        page = pdf[i]
        clip = pymupdf.Rect(0, 0, page.rect.width, top) if top else None
        out.append(page.get_text(clip=clip))
    return re.sub(r"\s+", "", "".join(out))


def _marks(truth: Truth, doc, kind: str) -> list:  # type: ignore[no-untyped-def]
    return [m for p in truth.page_info[doc.pages[0] - 1:doc.pages[1]] for m in p.marks if m.kind == kind]


def _red_pixels(pdf: pymupdf.Document, doc) -> int:  # type: ignore[no-untyped-def]
    import numpy as np

    total = 0
    for i in range(doc.pages[0] - 1, doc.pages[1]):
        pix = pdf[i].get_pixmap(dpi=40)
        a = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[..., :3].astype(int)
        total += int(((a[..., 0] > 150) & (a[..., 1] < 110) & (a[..., 2] < 110)).sum())
    return total


TYPES = {"notice": "notice", "decision": "decision", "correction_order": "correction_order"}


def _assert_rendered(code: str, pdf: pymupdf.Document, truth: Truth) -> None:
    parts = code.split(".")
    if parts[0] == "missing" and parts[1] == "service_receipt":
        assert not [d for d in _doc(truth, "service_receipt") if d.fields.get("served_type") == parts[2]]
        assert _doc(truth, parts[2]), "the served document itself is there"
    elif code == "missing.statement_record":
        assert not _doc(truth, "statement_record")
        assert "提出了陈述申辩意见" in _text(pdf, _doc(truth, "decision")[0])
    elif code == "missing.correction_order":
        assert not _doc(truth, "correction_order")
        assert "责令你单位" not in _text(pdf, _doc(truth, "decision")[0])
    elif code == "missing.inspection_record":
        assert not _doc(truth, "inspection_record") and not _doc(truth, "inquiry_record")
    elif parts[0] == "missing":
        assert parts[1] not in truth.page_types
    elif parts[:2] == ["number", "missing"]:
        doc = _doc(truth, parts[2])[0]
        assert doc.number is None and "〕" not in _text(pdf, doc, top=200)
    elif parts[:2] == ["number", "malformed"]:
        doc = _doc(truth, parts[2])[0]
        assert doc.number and doc.number in _text(pdf, doc, top=260) and not STRICT_NUMBER.match(doc.number)
    elif parts[:2] == ["number", "year_mismatch"]:
        doc = _doc(truth, parts[2])[0]
        assert doc.number and doc.number in _text(pdf, doc, top=260)
        assert doc.date and f"〔{doc.date[:4]}〕" not in doc.number
    elif code == "number.inconsistent":
        numbers = {d.number for d in truth.documents if d.number and d.type != "filing_approval"}
        cited = [d for d in _doc(truth, "service_receipt") if d.fields.get("cited_number")
                 and d.fields["cited_number"] not in numbers]
        codes = {re.sub(r"(罚|责改|违改|罚告|罚先告|罚决).*", "", n) for n in numbers}
        assert cited or len(codes) > 1, (numbers, codes)
        for d in cited:
            assert str(d.fields["cited_number"]) in _text(pdf, d)
    elif code == "number.duplicate":
        counts = Counter(d.number for d in truth.documents if d.number)
        number, n = counts.most_common(1)[0]
        assert n >= 2
        for d in truth.documents:
            if d.number == number:
                assert number in _text(pdf, d, top=260)
    elif code == "pages.numbering":
        numbers = [p.archive_number for p in truth.page_info
                   if not p.blank and p.type not in ("cover", "toc", "archive_note")]
        assert numbers != list(range(1, len(numbers) + 1))
    elif parts[:2] == ["date", "missing"]:
        doc = _doc(truth, parts[2])[0] if parts[2] != "service_receipt" else \
            [d for d in _doc(truth, "service_receipt") if d.fields.get("served_type") == "decision"][0]
        assert doc.date is None
    elif code == "date.order":
        _assert_impossible_order(truth)
    elif code == "date.statement_period":
        notice_receipt = [d for d in _doc(truth, "service_receipt") if d.fields.get("served_type") == "notice"][0]
        served = dt.date.fromisoformat(notice_receipt.date)
        decision = dt.date.fromisoformat(_doc(truth, "decision")[0].date)
        assert served <= decision <= add_workdays(served, 7)
        assert not _doc(truth, "statement_record")
    elif code == "date.service_late":
        receipt = [d for d in _doc(truth, "service_receipt") if d.fields.get("served_type") == "decision"][0]
        decision = dt.date.fromisoformat(_doc(truth, "decision")[0].date)
        assert dt.date.fromisoformat(receipt.date) > add_workdays(decision, 7)
        assert any(receipt.date.replace("-0", "-")[5:].replace("-", ".") in m.text or m.text.endswith("日")
                   for m in _marks(truth, receipt, "handwriting"))
    elif code == "date.case_overdue":
        decision = dt.date.fromisoformat(_doc(truth, "decision")[0].date)
        assert (decision - dt.date.fromisoformat(truth.case.filing_date)).days > 90
        assert "延期" not in "".join(d.title or "" for d in truth.documents)
    elif parts[:2] == ["signature", "missing"]:
        docs = [d for d in _doc(truth, parts[2]) if d.signed is False]
        assert docs
        role = {"service_receipt": "recipient", "inspection_record": "party", "inquiry_record": "party"}.get(
            parts[2], "leader")
        last = truth.page_info[docs[0].pages[1] - 1]
        assert not [m for m in last.marks if m.kind == "signature" and m.role == role]
    elif parts[:2] == ["seal", "missing"]:
        doc = _doc(truth, parts[2])[0]
        assert doc.sealed is False and not _marks(truth, doc, "seal")
        assert _red_pixels(pdf, doc) < 5
    elif code == "officers.insufficient":
        records = _doc(truth, "inspection_record") + _doc(truth, "inquiry_record")
        assert any(len(d.fields.get("officers") or []) == 1 for d in records)
        short = [d for d in records if len(d.fields.get("officers") or []) == 1][0]
        text = _text(pdf, short)
        assert sum(1 for name in truth.case.officers if name in text) == 1
    else:  # pragma: no cover - every code needs a check here
        raise AssertionError(f"no check for {code}")


def _assert_impossible_order(truth: Truth) -> None:
    def date_of(type_: str, served: str | None = None) -> dt.date | None:
        for d in truth.documents:
            if d.type == type_ and (served is None or d.fields.get("served_type") == served) and d.date:
                return dt.date.fromisoformat(d.date)
        return None

    pairs = [(date_of("notice"), date_of("service_receipt", "notice")),
             (date_of("legal_review"), date_of("decision"), ),
             (date_of("filing_approval"), date_of("investigation_report")),
             (date_of("decision"), date_of("payment_receipt")),
             (date_of("decision"), date_of("service_receipt", "decision"))]
    assert any(a and b and b < a for a, b in [pairs[0], pairs[2], pairs[3], pairs[4]]) or \
        (pairs[1][0] and pairs[1][1] and pairs[1][0] > pairs[1][1])


@pytest.fixture(scope="session")
def one_file_per_code(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Truth]]:
    """A born-digital file for every finding code, so the check can read the text layer."""
    out = generated_corpus(tmp_path_factory, "per_code", len(ALL_CODES), seed=1234,
                           options=Options(born_digital_ratio=1.0), plans=[[code] for code in ALL_CODES])
    truths = load_truths(out)
    return {code: truths[i] for i, code in enumerate(ALL_CODES)}


@pytest.mark.parametrize("code", ALL_CODES)
def test_injected_defect_is_on_the_pages(code: str, one_file_per_code: dict[str, tuple[Path, Truth]]) -> None:
    pdf_path, truth = one_file_per_code[code]
    assert truth.defects == [code]
    _check_truth(pdf_path, truth)
    with pymupdf.open(pdf_path) as pdf:
        _assert_rendered(code, pdf, truth)


def test_clean_file_is_clean(tmp_path: Path) -> None:
    generate(tmp_path, 3, seed=5, options=Options(born_digital_ratio=1.0, defects=()))
    for pdf_path, truth in load_truths(tmp_path):
        assert truth.defects == []
        types = set(truth.page_types)
        for needed in ("cover", "toc", "filing_approval", "notice", "decision", "legal_review",
                       "investigation_report", "internal_approval", "closing_approval", "archive_note"):
            assert needed in types, (pdf_path.name, needed)
        for doc in truth.documents:
            assert doc.signed is not False and doc.sealed is not False, (pdf_path.name, doc.type)
        served = {d.fields.get("served_type") for d in truth.documents if d.type == "service_receipt"}
        assert {"notice", "decision"} <= served
        decision = dt.date.fromisoformat(_doc(truth, "decision")[0].date)
        assert (decision - dt.date.fromisoformat(truth.case.filing_date)).days <= 90 or \
            any("延" in (d.title or "") for d in truth.documents)


def test_cli_writes_pdf_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path), "--cases", "1", "--seed", "3", "--born-digital", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case-3-000.pdf", "case-3-000.truth.json"]
    assert "case-3-000.pdf" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path), "--cases", "1", "--seed", "3", "--defects", "no.such.code"])
