"""The independent template families (samples/families): deterministic, valid, complete, honest.

A small corpus of three cases draws every family of every document type once (the generator
rotates the first three cases through them). Clean files are checked against DOMAIN.md's rules
on their truth, and every planted defect is checked to be really there.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pymupdf
import pytest
from chinese_calendar import find_workday

from models.truth import Truth
from samples.families.build import build_case
from samples.families.story import DEFECT_KINDS, FAMILY_CHOICES, make_story
from samples.families.story_b import FAMILY_CHOICES_B, ROTATION, make_story_b

SEED = 4242
SERVED = ("notice", "decision", "correction_order")
# The three files of the small corpus: one clean, two with defects touching several families.
PLANTED = ([], ["missing.service_receipt.decision", "seal.missing.decision"],
           ["signature.missing.inquiry_record", "number.malformed.notice"])
CASES = len(PLANTED)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("families")
    for index, defects in enumerate(PLANTED):
        build_case(SEED, index, out, defects=defects)
    return out


def _truths(corpus: Path) -> list[Truth]:
    return [Truth.model_validate_json(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.truth.json"))]


def test_every_family_of_every_type_appears(corpus: Path) -> None:
    seen: dict[str, set[str]] = {key: set() for key in FAMILY_CHOICES}
    for path in corpus.glob("*.families.json"):
        for key, name in json.loads(path.read_text(encoding="utf-8")).items():
            seen[key].add(name)
    for key, names in FAMILY_CHOICES.items():
        assert seen[key] == set(names), key


def test_truth_is_valid_and_matches_the_pdf(corpus: Path) -> None:
    truths = _truths(corpus)
    assert len(truths) == CASES
    for truth in truths:
        pdf = pymupdf.open(corpus / truth.file)
        assert pdf.page_count == truth.pages == len(truth.page_types) == len(truth.page_info)
        covered = [p for d in truth.documents for p in range(d.pages[0], d.pages[1] + 1)]
        assert covered == list(range(1, truth.pages + 1))  # documents tile the file in order
        for doc in truth.documents:
            assert all(truth.page_types[p - 1] == doc.type for p in range(doc.pages[0], doc.pages[1] + 1))
        # Born-digital: the text layer carries the 文号 exactly as the truth has it.
        for doc in truth.documents:
            if doc.number and doc.type in ("notice", "decision"):
                text = pdf[doc.pages[0] - 1].get_text().replace("\n", "")
                assert doc.number in text, (truth.file, doc.number)
        numbers = [p.archive_number for p in truth.page_info if p.archive_number is not None]
        assert numbers == list(range(1, len(numbers) + 1))
        unnumbered = {p.type for p in truth.page_info if p.archive_number is None}
        assert unnumbered <= {"cover", "toc", "archive_note"}
        assert set(truth.defects) <= set(DEFECT_KINDS)


def test_generator_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    again = build_case(SEED, 1, tmp_path, defects=PLANTED[1])
    first = Truth.model_validate_json((corpus / again.file.replace(".pdf", ".truth.json")).read_text(encoding="utf-8"))
    assert again.model_dump() == first.model_dump()
    assert make_story(SEED, 7) == make_story(SEED, 7)
    assert make_story(SEED, 7) != make_story(SEED + 1, 7)


def _doc(truth: Truth, doc_type: str) -> list:
    return [d for d in truth.documents if d.type == doc_type]


def _served_dates(truth: Truth, served: str) -> list[date]:
    out = []
    for receipt in _doc(truth, "service_receipt"):
        types = receipt.fields.get("served_types") or [receipt.fields.get("served_type")]
        if served in types:
            out.append(date.fromisoformat(receipt.date))
    return out


def test_clean_stories_are_clean_by_the_rulebook() -> None:
    """Many clean stories (no PDFs, fast): the timeline keeps every DOMAIN.md §4 rule."""
    checked = 0
    for index in range(200):
        story = make_story(SEED, index)
        if story.defects:
            continue
        checked += 1
        assert story.inspection <= story.filing < story.notice <= story.notice_service < story.decision
        period = max(story.stated_days, 5 if story.hearing else 0)
        assert story.decision > find_workday(period, story.notice_service)
        assert story.decision <= story.decision_service <= find_workday(7, story.decision)
        assert story.legal_review < story.decision and story.approval < story.notice
        assert story.decision <= story.payment <= story.closing
        assert (story.decision - story.filing).days <= 90
        assert len({o.name for o in story.record_officers}) >= 2
        assert len({story.inspection.year, story.closing.year}) == 1
    assert checked > 60


def test_clean_files_carry_everything_the_rules_need(corpus: Path) -> None:
    clean = [t for t in _truths(corpus) if not t.defects]
    assert clean
    for truth in clean:
        assert truth.defects == []
        for served in SERVED:
            assert _doc(truth, served), (truth.file, served)
            assert _served_dates(truth, served), (truth.file, served)
        for doc in truth.documents:
            assert doc.signed in (None, True) and doc.sealed in (None, True), (truth.file, doc.type)
            if doc.number:
                assert "〔" in doc.number and doc.number.endswith("号")
        notice = _doc(truth, "notice")[0]
        decision = _doc(truth, "decision")[0]
        assert date.fromisoformat(decision.date) > max(_served_dates(truth, "notice"))
        assert min(_served_dates(truth, "decision")) >= date.fromisoformat(decision.date)
        pdf = pymupdf.open(corpus / truth.file)
        decision_text = "".join(pdf[p - 1].get_text() for p in range(decision.pages[0], decision.pages[1] + 1))
        assert notice.number in decision_text.replace("\n", "")  # the decision cites the notice served


@pytest.mark.parametrize("code", DEFECT_KINDS)
def test_each_planted_defect_is_really_in_the_story(code: str) -> None:
    story = make_story(SEED, 0, defects=[code])
    assert story.defects == [code]
    if code == "date.statement_period":
        period = max(story.stated_days, 5 if story.hearing else 0)
        assert story.notice_service < story.decision <= find_workday(period, story.notice_service)
    if code == "officers.insufficient":
        assert len(story.record_officers) == 1
    if code == "date.order":
        assert (story.decision_service < story.decision or story.legal_review > story.decision
                or story.closing < story.payment)


def test_planted_defects_show_in_the_files(corpus: Path) -> None:
    first, second = (t for t in _truths(corpus) if t.defects)
    assert first.defects == sorted(PLANTED[1]) and second.defects == sorted(PLANTED[2])
    assert not _served_dates(first, "decision")
    assert _doc(first, "decision")[0].sealed is False
    assert _doc(second, "inquiry_record")[0].signed is False
    number = _doc(second, "notice")[0].number
    assert number and (not number.endswith("号") or "(" in number or "〔　　〕" in number)


def test_eval_maps_codes_to_the_family_of_the_type_they_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "scripts" / "eval_families.py"
    spec = importlib.util.spec_from_file_location("eval_families", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "eval_families", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert module.code_type("missing.service_receipt.notice") == "service_receipt"
    assert module.code_type("signature.missing.inquiry_record") == "inquiry_record"
    assert module.code_type("number.malformed.decision") == "decision"
    assert module.code_type("officers.insufficient") == "inspection_record"
    assert module.code_type("date.order") is None
    assert {module.TYPE_FAMILY[t] for t in module.TYPE_FAMILY} <= set(FAMILY_CHOICES)


# -- set b (`--set b`): a second set of real layouts, same truth conventions ------------------------

# One clean file, two with defects that touch the set-b receipt, outgoing and record families.
PLANTED_B = ([], ["signature.missing.service_receipt", "number.malformed.decision"],
             ["signature.missing.inspection_record", "missing.closing_approval"])
# sha256 of set a's first file for seed 2026 before set b existed: set a must not move.
SET_A_2026_0 = "e12af9fab505f83c8b07f168ec9a4be40faf52b3281dc8d8583021bd95709f78"
NUMBER_OK = re.compile(r"^[\u4e00-\u9fff0-9]{1,20}〔(19|20)\d{2}〕[1-9]\d{0,4}号$")  # DOMAIN.md §3, no 第, no 0-pad


@pytest.fixture(scope="module")
def corpus_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("families_b")
    assert len(PLANTED_B) == ROTATION
    for index, defects in enumerate(PLANTED_B):
        build_case(SEED, index, out, defects=defects, family_set="b")
    return out


def test_set_b_draws_every_family_in_the_first_cases(corpus_b: Path) -> None:
    seen: dict[str, set[str]] = {key: set() for key in FAMILY_CHOICES_B}
    for path in corpus_b.glob("famb-*.families.json"):
        chosen = json.loads(path.read_text(encoding="utf-8"))
        for key in FAMILY_CHOICES_B:
            seen[key].add(chosen[key])
    for key, names in FAMILY_CHOICES_B.items():
        assert seen[key] == set(names), key
    for index in range(ROTATION, ROTATION + 40):  # later cases draw only set-b families of these types
        story = make_story_b(SEED, index)
        assert all(getattr(story.families, key) in names for key, names in FAMILY_CHOICES_B.items())


def test_set_b_truth_is_valid_and_matches_the_pdf(corpus_b: Path) -> None:
    truths = _truths(corpus_b)
    assert [t.file for t in truths] == [f"famb-{SEED}-{i:03d}.pdf" for i in range(len(PLANTED_B))]
    for truth, planted in zip(truths, PLANTED_B, strict=True):
        assert truth.defects == sorted(planted)
        pdf = pymupdf.open(corpus_b / truth.file)
        assert pdf.page_count == truth.pages == len(truth.page_types) == len(truth.page_info)
        covered = [p for d in truth.documents for p in range(d.pages[0], d.pages[1] + 1)]
        assert covered == list(range(1, truth.pages + 1))
        numbers = [p.archive_number for p in truth.page_info if p.archive_number is not None]
        assert numbers == list(range(1, len(numbers) + 1))
        for doc in truth.documents:
            if doc.number and doc.type in ("notice", "decision", "correction_order"):
                text = pdf[doc.pages[0] - 1].get_text().replace("\n", "")
                assert doc.number in text, (truth.file, doc.number)
        for served in SERVED:
            if f"missing.service_receipt.{served}" not in truth.defects:
                assert _served_dates(truth, served), (truth.file, served)


def test_set_b_clean_file_and_planted_defects(corpus_b: Path) -> None:
    clean, receipt_case, record_case = _truths(corpus_b)
    for doc in clean.documents:
        assert doc.signed in (None, True) and doc.sealed in (None, True), doc.type
        if doc.number and doc.type in SERVED:
            assert NUMBER_OK.match(doc.number), doc.number
    decision = _doc(clean, "decision")[0]
    assert date.fromisoformat(decision.date) > max(_served_dates(clean, "notice"))
    pdf = pymupdf.open(corpus_b / clean.file)
    text = "".join(pdf[p - 1].get_text() for p in range(decision.pages[0], decision.pages[1] + 1)).replace("\n", "")
    assert _doc(clean, "notice")[0].number in text
    # The unsigned receipt is the decision's; the malformed 文号 is one DOMAIN.md §3 calls malformed.
    receipts = [r for r in _doc(receipt_case, "service_receipt") if r.fields.get("served_type") == "decision"]
    assert [r.signed for r in receipts] == [False]
    bad = _doc(receipt_case, "decision")[0].number
    assert bad and not NUMBER_OK.match(bad) and ("第" in bad or "[" in bad or re.search(r"〔\d{2}〕", bad))
    assert _doc(record_case, "inspection_record")[0].signed is False
    assert not _doc(record_case, "closing_approval")


def test_set_b_is_deterministic_and_set_a_unchanged(corpus_b: Path, tmp_path: Path) -> None:
    again = build_case(SEED, 1, tmp_path, defects=PLANTED_B[1], family_set="b")
    assert (tmp_path / again.file).read_bytes() == (corpus_b / again.file).read_bytes()
    assert make_story_b(SEED, 9) == make_story_b(SEED, 9)
    assert build_case(2026, 0, tmp_path / "a").sha256 == SET_A_2026_0


def test_set_b_clean_stories_are_clean_by_the_rulebook() -> None:
    """Many set-b stories (no PDFs): hearings, 电子送达 and moved decisions keep DOMAIN.md §4."""
    checked = held = electronic = 0
    for index in range(200):
        s = make_story_b(SEED, index)
        if s.families.receipt == "rcptb_electronic":
            electronic += 1
            assert s.notice_method == "电子送达" and s.consent and s.consent < s.notice
        if s.defects:
            continue
        checked += 1
        assert s.inspection <= s.filing < s.notice <= s.notice_service < s.decision
        period = max(s.stated_days, 5 if s.hearing else 0)
        assert s.decision > find_workday(period, s.notice_service)
        assert s.decision <= s.decision_service <= find_workday(7, s.decision)
        assert s.legal_review < s.decision and s.approval < s.notice
        assert s.decision <= s.payment <= s.closing and (s.decision - s.filing).days <= 90
        assert len({o.name for o in s.record_officers}) >= 2
        assert len({s.inspection.year, s.closing.year, s.archived.year}) == 1
        if s.hearing_held:
            held += 1
            assert s.hearing and not s.statement_made
            assert s.notice_service < s.hearing_request <= find_workday(5, s.notice_service)
            assert s.hearing_request <= s.hearing_notice and s.hearing_day >= find_workday(7, s.hearing_notice)
            assert s.hearing_day < s.hearing_report < s.decision
            assert s.hearing_host not in {o.name for o in s.officers}
    assert checked > 60 and held > 5 and electronic > 30
