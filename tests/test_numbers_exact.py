"""文号 exactness: a text layer is judged as printed; OCR bracket confusions stay doubtful; a blank
year or 序号 is malformed, not unreadable; a missing 号 seen clearly is a finding."""

from __future__ import annotations

import pytest

from lexicon.numbers import parse_number
from tests.case_builder import build_case, check, clean_specs, codes, spec, the


def _case(number: str, *, text_layer: bool, confidence: float = 0.97):
    specs = clean_specs()
    decision = spec(specs, "decision")
    decision.number, decision.confidence = number, confidence
    case = build_case(specs)
    if text_layer:
        for page in case.pages:
            page.text.source = "text_layer"
    return case


def test_parse_blank_year_and_seq_as_malformed() -> None:
    assert parse_number("澧环罚〔　　〕12号").malformed == "empty_year"
    assert parse_number("澧环罚〔2024〕　号").malformed == "empty_seq"
    assert parse_number("盘环罚决(2021)138号", exact=True).malformed == "brackets"
    assert parse_number("盘环罚决(2021)138号").well_formed  # as OCR may have read 〔〕


def test_half_width_parentheses_printed_in_a_text_layer_are_a_finding() -> None:
    result = check(_case("宜环罚(2024)15号", text_layer=True))
    finding = the(result.findings, "number.malformed.decision")
    assert "六角括号" in finding.message


def test_the_same_read_by_ocr_is_only_for_review() -> None:
    result = check(_case("宜环罚(2024)15号", text_layer=False))
    assert "number.malformed.decision" not in codes(result.findings)
    assert the(result.review, "number.malformed.decision").confidence == 0.5


@pytest.mark.parametrize("text_layer", [True, False])
def test_blank_year_is_malformed(text_layer: bool) -> None:
    result = check(_case("宜环罚〔　　〕15号", text_layer=text_layer))
    finding = the(result.findings, "number.malformed.decision")
    assert "年份空缺" in finding.message


@pytest.mark.parametrize(("text_layer", "confidence", "sure"), [(True, 1.0, True), (False, 0.97, True),
                                                                (False, 0.9, False)])
def test_missing_hao(text_layer: bool, confidence: float, sure: bool) -> None:
    result = check(_case("宜环罚〔2024〕15", text_layer=text_layer, confidence=confidence))
    where = result.findings if sure else result.review
    assert "number.malformed.decision" in codes(where)


@pytest.mark.parametrize(("text", "number"), [
    ("遂宁市生态环境局遂环罚字〔2023〕43号", "遂环罚字〔2023〕43号"),  # red head over the 文号, read as one run
    ("岳阳市生态环境局汨罗分局岳汨环罚告字〔2025〕225号", "岳汨环罚告字〔2025〕225号"),
    ("湘西土家族苗族自治州生态环境局州环罚告字〔2021〕44号", "州环罚告字〔2021〕44号"),
    ("市环保局罚〔2020〕5号", "市环保局罚〔2020〕5号"),  # a 代字 with 局 in it, no full name before
    ("衡环罚字〔2022〕15号", "衡环罚字〔2022〕15号"),
])
def test_the_agency_name_over_a_number_is_not_its_code(text: str, number: str) -> None:
    assert parse_number(text, exact=True).text == number
