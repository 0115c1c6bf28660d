"""Field extraction: 文号 and date normalisers on strings (every OCR confusion we expect), the
per-type document rules on small hand-made pages, and accuracy over born-digital generated case
files read with PyMuPDF, clean and with OCR-like noise added to their text.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from pathlib import Path

import pymupdf
import pytest

from extractors.fields import case_fields, extract_fields
from extractors.ingest import text_layer_lines
from lexicon.dates import find_dates, parse_date
from lexicon.numbers import find_numbers, normalize_number, parse_number
from models.case import DocumentFields, PageText, TextLine
from models.truth import Truth
from tests.conftest import load_truths

# --- 文号 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "宿环泗罚〔2024〕12号",
    "宿环泗罚[2024]12号",
    "宿环泗罚［2024］12号",
    "宿环泗罚(2024)12号",
    "宿环泗罚（2024）12号",
    "宿环泗罚【2024】12号",
    "宿环泗罚〈2024〉12号",
    "宿环泗罚｛2024｝12号",
    "宿环泗罚{2024}12号",
    "宿环泗罚「2024」12号",
    "宿环泗罚〔２０２４〕１２号",
    "宿环泗罚 〔 2 0 2 4 〕 1 2 号",
    "宿环泗罚〔2O24〕12号",
    "宿环泗罚〔2〇24〕12号",
    "宿环泗罚〔2024〕l2号",
    "宿环泗罚〔2024〕I2号",
    "宿环泗罚〔2024〕12弓",
    "宿环泗罚〔2024〕12귀",
    "宿环泗罚2024〕12号",  # left bracket lost
    "宿环泗罚〔2024 12号",  # right bracket lost
    "文号：宿环泗罚〔2024〕12号",
    "《行政处罚决定书》（宿环泗罚〔2024〕12号）",
])
def test_number_ocr_confusions_read_well_formed(text: str) -> None:
    parts = parse_number(text)
    assert parts is not None
    assert parts.text == "宿环泗罚〔2024〕12号"
    assert (parts.code, parts.agency, parts.suffix, parts.kind) == ("宿环泗罚", "宿环泗", "罚", "decision")
    assert (parts.year, parts.seq) == (2024, 12)
    assert parts.well_formed and parts.malformed is None
    assert normalize_number(text) == "宿环泗罚〔2024〕12号"


@pytest.mark.parametrize(("text", "canonical", "kind", "zi"), [
    ("衡环罚决〔2023〕502号", "衡环罚决〔2023〕502号", "decision", False),
    ("西环罚字〔2023〕48号", "西环罚字〔2023〕48号", "decision", True),
    ("铜环高罚字〔2022〕3号", "铜环高罚字〔2022〕3号", "decision", True),
    ("豫0923环罚决字〔2024〕7号", "豫0923环罚决字〔2024〕7号", "decision", True),
    ("州环责改〔2025〕12号", "州环责改〔2025〕12号", "correction_order", False),
    ("肇环高违改字〔2022〕31号", "肇环高违改字〔2022〕31号", "correction_order", True),
    ("清环英罚告〔2021〕26号", "清环英罚告〔2021〕26号", "notice", False),
    ("吕环孝罚先告字〔2022〕132号", "吕环孝罚先告字〔2022〕132号", "notice", True),
    ("惠市环(龙门)罚[2021]5号", "惠市环（龙门）罚〔2021〕5号", "decision", False),
    ("盘环罚决(2021)138号", "盘环罚决〔2021〕138号", "decision", False),
    ("高环立〔2024〕31号", "高环立〔2024〕31号", "case", False),
    ("玉环听〔2022〕20号", "玉环听〔2022〕20号", "hearing", False),
    ("中环罚〔2024〕5号", "中环罚〔2024〕5号", "decision", False),  # 中山: a code char that is also prose
])
def test_number_real_shapes(text: str, canonical: str, kind: str, zi: bool) -> None:
    parts = parse_number(text)
    assert parts is not None
    assert parts.text == canonical
    assert parts.kind == kind
    assert parts.zi is zi
    assert parts.well_formed


@pytest.mark.parametrize(("text", "reason", "doubtful"), [
    ("X环罚〔2024〕第12号", "di", False),
    ("宜环立字〔2024〕第31号", "di", False),
    ("宿环泗罚〔24〕12号", "short_year", False),
    ("岳汨环罚决字〔2023〕020号", "zero_padded", False),
    ("尔王庄镇街(镇)罚先告〔2025〕001号", "zero_padded", False),
    ("吕环孝罚先告字2022年132号", "no_brackets", False),
    ("宿环泗罚2024-12号", "no_brackets", False),
    ("宿环泗罚202412号", "no_brackets", True),
    ("宿环泗罚〔2024〕12", "missing_hao", True),
])
def test_number_malformed(text: str, reason: str, doubtful: bool) -> None:
    parts = parse_number(text)
    assert parts is not None
    assert not parts.well_formed
    assert parts.malformed == reason
    assert parts.doubtful is doubtful


def test_number_bracket_read_as_one() -> None:
    left = parse_number("宿环泗罚12024〕12号")
    assert left is not None and left.text == "宿环泗罚〔2024〕12号" and left.kind == "decision"
    right = parse_number("宿环泗罚〔2024112号")  # 112, or 12 with 〕 read as 1: flagged, not guessed
    assert right is not None and "ambiguous_bracket" in right.repairs


def test_number_malformed_keeps_what_was_printed() -> None:
    assert normalize_number("宿环泗罚（2024）第１２号") == "宿环泗罚〔2024〕第12号"
    assert normalize_number("吕环孝罚先告字 2022 年 132 号") == "吕环孝罚先告字2022年132号"
    assert normalize_number("岳汨环罚决字〔2023〕020号") == "岳汨环罚决字〔2023〕020号"


@pytest.mark.parametrize("text", [
    "",
    "2024-031",
    "我局于2022年3月28日对你单位进行了检查",
    "联系电话：0924-3895231",
    "身份证号：450900199206247724",
    "第二十三条第一款",
    "环境保护部令第8号",
    "宿环泗罚〔2024〕0号",
    "宿环泗罚〔1850〕12号",
])
def test_not_a_number(text: str) -> None:
    assert normalize_number(text) is None


def test_number_code_cut_from_prose() -> None:
    text = "我局于2022年3月28日以《行政处罚事先（听证）告知书》（玉环罚告〔2022〕77号）告知你单位"
    assert normalize_number(text) == "玉环罚告〔2022〕77号"
    assert normalize_number("处罚决定书文号玉环罚决〔2022〕77号") == "玉环罚决〔2022〕77号"
    assert normalize_number("11 玉环罚告〔2022〕77号") == "玉环罚告〔2022〕77号"


def _line(text: str, bbox: tuple[float, float, float, float], conf: float = 1.0) -> TextLine:
    return TextLine(text=text, bbox=bbox, confidence=conf)


def test_find_numbers_joins_a_wrapped_number() -> None:
    lines = [_line("我局于2022年3月28日以《行政处罚事先告知书》（玉环罚告〔2022〕77", (96, 434, 522, 446)),
             _line("号）告知你单位拟作出行政处罚决定的事实、理由、依据", (72, 455, 516, 468))]
    found = find_numbers(lines, page=3)
    assert [f.value for f in found] == ["玉环罚告〔2022〕77号"]
    assert found[0].page == 3
    assert found[0].bbox is not None and found[0].bbox[1] == 434 and found[0].bbox[3] == 468


def test_find_numbers_confidence_drops_with_repairs() -> None:
    clean, noisy = find_numbers([_line("宿环泗罚〔2024〕12号", (200, 100, 360, 114), 0.98),
                                 _line("宿环泗罚[2O24]l2弓", (200, 130, 360, 144), 0.98)])
    assert clean.value == noisy.value == "宿环泗罚〔2024〕12号"
    assert clean.confidence == 0.98
    assert noisy.confidence < clean.confidence
    assert noisy.raw == "宿环泗罚[2O24]l2弓"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2024年5月11日", dt.date(2024, 5, 11)),
    ("2024年05月11日", dt.date(2024, 5, 11)),
    ("2024 年 5 月 11 日", dt.date(2024, 5, 11)),
    ("2 0 2 4年5月1 1日", dt.date(2024, 5, 11)),
    ("２０２４年５月１１日", dt.date(2024, 5, 11)),
    ("2024.5.11", dt.date(2024, 5, 11)),
    ("2024.05.11", dt.date(2024, 5, 11)),
    ("2024-05-11", dt.date(2024, 5, 11)),
    ("2024/5/11", dt.date(2024, 5, 11)),
    ("2024,5,11", dt.date(2024, 5, 11)),  # handwritten dots read as commas
    ("2O24年5月1l日", dt.date(2024, 5, 11)),
    ("2024年5月11曰", dt.date(2024, 5, 11)),
    ("2024年5月11", dt.date(2024, 5, 11)),  # 日 under the seal
    ("二〇二四年五月十一日", dt.date(2024, 5, 11)),
    ("二○二四年五月十一日", dt.date(2024, 5, 11)),
    ("二O二四年五月十一日", dt.date(2024, 5, 11)),
    ("二0二四年五月十一日", dt.date(2024, 5, 11)),
    ("二零二四年五月十一日", dt.date(2024, 5, 11)),
    ("二〇二四年十二月三十一日", dt.date(2024, 12, 31)),
    ("二〇二四年十月十日", dt.date(2024, 10, 10)),
    ("二〇二四年二月二十九日", dt.date(2024, 2, 29)),
    ("二〇二四年元月五日", dt.date(2024, 1, 5)),
    ("二〇二四年五月廿一日", dt.date(2024, 5, 21)),
    ("2024年五月十一日", dt.date(2024, 5, 11)),
    ("检查时间：2024年5月11日9时30分至10时25分", dt.date(2024, 5, 11)),
    ("送达时间 2022年3月30日9时7分", dt.date(2022, 3, 30)),
    ("有效期限 2009.05.26-2029.05.26", dt.date(2009, 5, 26)),
])
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "2024年2月30日", "2023年2月29日", "2024年13月1日", "2024.4.31", "二〇二三年二月二十九日",
    "2025725",  # OCR dropped 年 and 月: not guessed
    "2024年5月", "年 月 日", "    年    月    日", "身份证号：450900199206247724", "0924-3895231", "",
])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_joins_boxes_of_a_row_and_wrapped_lines() -> None:
    lines = [_line("玉林市生态环境局", (391, 188, 491, 202)),
             _line("2022年4月", (410, 214, 458, 228), 0.9),
             _line("28日", (462, 214, 491, 228), 0.8)]
    (found,) = find_dates(lines, page=7)
    assert (found.value, found.page, found.raw) == ("2022-04-28", 7, "2022年4月28日")
    assert found.bbox == (410, 214, 491, 228)
    assert found.confidence <= 0.8

    wrapped = [_line("我局于2022年3月28日送达，你单位于2024年4", (72, 477, 522, 490)),
               _line("月21日依法举行了听证。", (72, 499, 516, 511))]
    assert [f.value for f in find_dates(wrapped)] == ["2022-03-28", "2024-04-21"]


def test_find_dates_partial_reading_gives_way_to_the_joined_one() -> None:
    lines = [_line("2024年5月1", (400, 500, 470, 514)), _line("1日", (472, 500, 490, 514))]
    assert [f.value for f in find_dates(lines)] == ["2024-05-11"]


# --- documents on hand-made pages --------------------------------------------------------------


Row = tuple[str, tuple[float, float, float, float]] | tuple[str, tuple[float, float, float, float], float]


def _page(page: int, rows: list[Row], conf: float = 0.95) -> PageText:
    """A page of OCR lines; a row may carry its own confidence (handwriting reads less surely)."""
    return PageText(page=page, width=595, height=842, source="ocr",
                    lines=[_line(r[0], r[1], r[2] if len(r) > 2 else conf) for r in rows])  # type: ignore[misc]


DECISION_P1 = _page(5, [
    ("宿迁市生态环境局", (226, 68, 370, 87)),
    ("行政处罚决定书", (188, 103, 408, 126)),
    ("宿环泗罚[2024]12号", (233, 142, 363, 156)),
    ("当事人：宿迁某某化工有限公司", (72, 178, 264, 191)),
    ("统一社会信用代码：91321300MA1XXXXX0K", (72, 197, 300, 210)),
    ("我局于2024年3月2日对你单位进行了调查，发现你单位实施了以下环境违法行为：", (96, 261, 534, 274)),
    ("我局于2024年4月2日以《行政处罚事先告知书》（宿环泗罚告〔2024〕9号）告知你单位", (96, 283, 534, 296)),
    ("我局决定对你单位作出如下行政处罚：", (96, 305, 400, 318)),
    ("罚款人民币伍万贰仟壹佰贰拾元整（¥52120元）。", (96, 327, 420, 340)),
])
DECISION_P2 = _page(6, [
    ("申请行政复议或者提起行政诉讼的，不停止行政处罚决定的执行。", (72, 137, 324, 150)),
    ("宿迁市生态环境局", (391, 188, 491, 202)),
    ("二〇二四年五月十一日", (400, 214, 500, 228), 0.7),
])


def test_decision_fields() -> None:
    fields = extract_fields("decision", [DECISION_P1, DECISION_P2])
    assert fields.number is not None and fields.number.value == "宿环泗罚〔2024〕12号"
    assert fields.number.page == 5 and fields.number.confidence < 0.95
    assert fields.date is not None and (fields.date.value, fields.date.page) == ("2024-05-11", 6)
    assert fields.date.confidence == 0.7
    assert fields.values["party"].value == "宿迁某某化工有限公司"
    assert fields.values["penalty"].value == "52120"
    assert fields.values["notice_number"].value == "宿环泗罚告〔2024〕9号"
    assert not fields.unreadable


def test_outgoing_without_number_or_date_does_not_borrow_from_the_body() -> None:
    p1 = DECISION_P1.model_copy(update={"lines": [ln for ln in DECISION_P1.lines if "12号" not in ln.text]})
    p2 = DECISION_P2.model_copy(update={"lines": [*DECISION_P2.lines[:2], _line("    年    月    日", (400, 214, 500, 228))]})
    fields = extract_fields("decision", [p1, p2])
    assert fields.number is None
    assert fields.date is None


def test_unreadable_date_is_reported() -> None:
    p2 = DECISION_P2.model_copy(update={"lines": [*DECISION_P2.lines[:2], _line("2024年※月3日", (400, 214, 500, 228))]})
    fields = extract_fields("decision", [DECISION_P1, p2])
    assert fields.date is None
    assert "date" in fields.unreadable


def test_seal_over_the_date_is_unreadable_not_missing() -> None:
    closing = [("宿迁市生态环境局", (391, 188, 491, 202)), ("二〇年九月二", (367, 214, 472, 230), 0.7)]
    fields = extract_fields("decision", [DECISION_P1, _page(6, closing)])
    assert fields.date is None
    assert "二〇年九月二" in fields.unreadable["date"]
    seal_only = [("华态环境局演", (416, 150, 526, 216), 0.69), ("宿迁市生态环境局", (391, 188, 491, 202))]
    fields = extract_fields("decision", [DECISION_P1, _page(6, seal_only)])
    assert fields.date is None and "印章" in fields.unreadable["date"]
    blank = [("宿迁市生态环境局", (391, 188, 491, 202)), ("年  月  日", (400, 214, 500, 228))]
    fields = extract_fields("decision", [DECISION_P1, _page(6, blank)])
    assert fields.date is None and "date" not in fields.unreadable


def test_unreadable_number_is_reported() -> None:
    lines = [ln if "12号" not in ln.text else _line("宿环泗罚〔2O", ln.bbox, 0.6) for ln in DECISION_P1.lines]
    fields = extract_fields("decision", [DECISION_P1.model_copy(update={"lines": lines}), DECISION_P2])
    assert fields.number is None
    assert "number" in fields.unreadable


def test_notice_salutation_party() -> None:
    page = _page(3, [
        ("宿迁市生态环境局行政处罚事先告知书", (119, 70, 476, 88)),
        ("宿环泗罚告〔2024〕9号", (216, 110, 379, 124)),
        ("宿迁某某化工有限公司：", (72, 146, 228, 159)),
        ("我局于2024年3月2日对你单位进行了现场检查，发现：你单位未按规定设置危险废物识别标志。", (96, 189, 516, 202)),
        ("宿迁市生态环境局", (347, 468, 497, 481)),
        ("2024年4月2日", (416, 494, 497, 507)),
    ])
    fields = extract_fields("notice", [page])
    assert fields.number is not None and fields.number.value == "宿环泗罚告〔2024〕9号"
    assert fields.date is not None and fields.date.value == "2024-04-02"
    assert fields.values["party"].value == "宿迁某某化工有限公司"


RECEIPT = _page(9, [
    ("送达回证", (254, 95, 342, 118)),
    ("送达文书名称及文号", (76, 147, 174, 159)),
    ("《行政处罚决定书》（宿环泗罚〔2024〕12号）", (190, 140, 487, 152)),
    ("受送达人", (103, 181, 147, 192)),
    ("宿迁某某化工有限公司", (190, 180, 322, 192)),
    ("送达时间", (103, 208, 147, 219)),
    ("送达地点", (103, 235, 147, 246)),
    ("宿迁市某某路8号", (190, 234, 322, 246)),
    ("送达方式", (103, 262, 147, 273)),
    ("直接送达", (190, 261, 234, 273)),
    ("收件人签名或盖章", (81, 305, 169, 317)),
    ("签名：", (321, 320, 354, 332)),
    ("王某某", (360, 318, 420, 334)),
    ("2024.5.13", (430, 320, 500, 334)),
    ("送达人", (108, 361, 142, 373)),
    ("签名：", (321, 372, 354, 384)),
    ("年 月 日", (433, 372, 510, 384)),
])


def test_service_receipt_fields() -> None:
    fields = extract_fields("service_receipt", [RECEIPT])
    assert fields.number is None
    assert fields.date is not None and fields.date.value == "2024-05-13"
    v = {k: f.value for k, f in fields.values.items()}
    assert v["served_title"] == "行政处罚决定书"
    assert v["served_number"] == "宿环泗罚〔2024〕12号"
    assert v["served_type"] == "decision"
    assert v["party"] == v["recipient"] == "宿迁某某化工有限公司"
    assert v["service_method"] == "直接送达"


def test_service_receipt_time_cell_wins_and_ticked_method() -> None:
    lines = list(RECEIPT.lines)
    lines.insert(6, _line("2024年5月12日10时5分", (190, 207, 300, 219)))
    lines[10] = _line("直接送达□ 留置送达☑ 邮寄送达□", (190, 261, 400, 273))
    fields = extract_fields("service_receipt", [RECEIPT.model_copy(update={"lines": lines})])
    assert fields.date is not None and fields.date.value == "2024-05-12"
    assert fields.values["service_method"].value == "留置送达"


def test_inspection_record_fields() -> None:
    page = _page(4, [
        ("现场检查（勘察）笔录", (198, 91, 398, 112)),
        ("检查时间：2024年5月11日9时30分至10时25分", (72, 129, 310, 142)),
        ("被检查单位：宿迁某某化工有限公司", (72, 177, 280, 190)),
        ("执法人员：刘某某、李　琳（执法证号：32130415012、3213041", (72, 249, 514, 262)),
        ("5027）", (136, 273, 160, 286)),
        ("记录人：李某某", (72, 297, 160, 310)),
        ("执法人员：我们是宿迁市生态环境局的执法人员张某某（出示执法证件）", (72, 323, 516, 336)),
        ("被检查人签名：", (72, 712, 149, 724)),
        ("2024年5月11日", (160, 712, 260, 724)),
    ])
    fields = extract_fields("inspection_record", [page])
    assert fields.date is not None and fields.date.value == "2024-05-11"
    assert fields.values["party"].value == "宿迁某某化工有限公司"
    assert [o.value for o in fields.lists["officers"]] == ["刘某某", "李琳"]
    assert [o.value for o in fields.lists["officer_ids"]] == ["32130415012", "32130415027"]


def test_names_that_look_like_prose() -> None:
    """Surnames 于/向 and a party from 无锡 are names, not the words they resemble."""
    page = _page(4, [
        ("检查时间：2024年5月11日9时30分至10时25分", (72, 129, 310, 142)),
        ("被检查单位：无锡某某科技有限公司", (72, 177, 280, 190)),
        ("执法人员：于海洋、向东（执法证号：32020415012、32020415027）", (72, 249, 514, 262)),
    ])
    fields = extract_fields("inspection_record", [page])
    assert fields.values["party"].value == "无锡某某科技有限公司"
    assert [o.value for o in fields.lists["officers"]] == ["于海洋", "向东"]


def test_filing_approval_fields() -> None:
    page = _page(3, [
        ("立案审批表", (243, 91, 353, 114)),
        ("立案号：2024-031", (390, 118, 527, 130)),
        ("案由", (103, 176, 125, 187)),
        ("未按规定设置危险废物识别标志", (168, 175, 399, 187)),
        ("当事人", (98, 203, 130, 214)),
        ("宿迁某某化工有限公司", (168, 202, 300, 214)),
        ("2024年3月2日，执法人员对宿迁某某化工有限公司进行现场检查，发现……", (168, 311, 526, 322)),
        ("承办人意见", (86, 452, 142, 464)),
        ("2024.3.4", (449, 468, 517, 486)),
        ("负责人审批意见", (76, 586, 152, 598)),
        ("同意立案", (191, 567, 256, 588)),
        ("2024年3月5日", (415, 600, 483, 617)),
    ])
    fields = extract_fields("filing_approval", [page])
    assert fields.number is not None and fields.number.value == "2024-031"
    assert fields.date is not None and fields.date.value == "2024-03-05"
    assert fields.values["cause"].value == "未按规定设置危险废物识别标志"
    assert fields.values["case_number"].value == "2024-031"


def test_published_decision_layout() -> None:
    """Shapes seen in published decisions: 文号 above the title, 被处罚人, 经营者, a cited notice
    and correction order, the fine in words only, a closing in Chinese numerals."""
    p1 = _page(1, [
        ("岳汨环罚决字〔2023〕020号", (72, 60, 250, 74)),
        ("行政处罚决定书", (220, 90, 380, 112)),
        ("被处罚人：汨罗市某某模具开发有限公司", (72, 130, 330, 143)),
        ("经营者：陶某某", (72, 150, 200, 163)),
        ("地    址：湖南省岳阳市汨罗市某某路1号", (72, 170, 360, 183)),
        ("我局于2023年11月9日告知你公司违法事实、处罚依据和拟作出的处罚决定，以上事实，有《行", (96, 200, 530, 213)),
        ("政处罚事先（听证）告知书》（岳汨环罚告字〔2023〕020号）及《送达回证》为证。我局已下达《责", (72, 220, 530, 233)),
        ("令改正违法行为决定书》（岳汨环责改字〔2023〕14号）。", (72, 240, 400, 253)),
        ("责令你公司立即改正环境违法行为，并作出如下行政处罚：罚款人民币伍万贰仟壹佰贰拾元整。", (96, 260, 530, 273)),
    ])
    p2 = _page(2, [
        ("岳阳市生态环境局", (380, 300, 500, 314)),
        ("二〇二三年十二月一日", (370, 326, 510, 340), 0.6),
        ("（此页无正文）", (250, 120, 350, 134)),
    ])
    fields = extract_fields("decision", [p1, p2])
    assert fields.number is not None
    assert fields.number.value == "岳汨环罚决字〔2023〕020号"
    parts = parse_number(fields.number.value)
    assert parts is not None and parts.malformed == "zero_padded"
    assert fields.date is not None and fields.date.value == "2023-12-01"
    assert fields.values["party"].value == "汨罗市某某模具开发有限公司"
    assert fields.values["notice_number"].value == "岳汨环罚告字〔2023〕020号"
    assert fields.values["penalty"].value == "52120"


def test_receipt_with_a_row_for_the_number_and_dates_beside_signatures() -> None:
    page = _page(8, [
        ("送 达 回 证", (250, 70, 345, 92)),
        ("送达文书名称", (80, 120, 160, 133)),
        ("行政处罚事先（听证）告知书", (190, 120, 400, 133)),
        ("送达文书文号", (80, 150, 160, 163)),
        ("宿环泗罚告[2024]9号", (190, 150, 330, 163)),
        ("受送达人", (80, 180, 140, 193)),
        ("宿迁某某化工有限公司", (190, 180, 330, 193)),
        ("送达方式", (80, 210, 140, 223)),
        ("邮寄送达", (190, 210, 250, 223)),
        ("收件人签名（盖章）", (80, 250, 170, 263)),
        ("王某某  2024年4月7日", (300, 250, 480, 266), 0.7),
        ("送达人签名", (80, 300, 150, 313)),
        ("刘某某 李某某 2024年4月3日", (300, 300, 500, 316), 0.7),
    ])
    fields = extract_fields("service_receipt", [page])
    v = {k: f.value for k, f in fields.values.items()}
    assert v["served_title"] == "行政处罚事先（听证）告知书"
    assert v["served_number"] == "宿环泗罚告〔2024〕9号"
    assert v["served_type"] == "notice"
    assert v["service_method"] == "邮寄送达"
    # The recipient's date is the service date; the server's (posting) date differs, so it is
    # trusted less.
    assert fields.date is not None and fields.date.value == "2024-04-07"
    assert fields.date.confidence < 0.7


def test_case_fields_prefers_each_fields_own_document() -> None:
    def fv(value: str) -> dict[str, object]:
        return {"value": value, "page": 1}

    docs = [
        ("filing_approval", DocumentFields.model_validate({
            "number": fv("宿环泗立〔2024〕3号"), "date": fv("2024-03-05"),
            "values": {"party": fv("宿迁某某化工有限公司"), "cause": fv("未按规定设置危险废物识别标志")}})),
        ("inspection_record", DocumentFields.model_validate({
            "date": fv("2024-03-02"), "lists": {"officers": [fv("刘某某"), fv("李某某")]}})),
        ("inquiry_record", DocumentFields.model_validate({"lists": {"officers": [fv("李某某"), fv("王某")]}})),
        ("notice", DocumentFields.model_validate({"number": fv("宿环泗罚告〔2024〕9号"), "date": fv("2024-04-02"),
                                                  "values": {"party": fv("宿迁某某化工有限公司")}})),
        ("decision", DocumentFields.model_validate({"date": fv("2024-05-11"),
                                                    "values": {"party": fv("宿迁某某化工有限公司")}})),
        ("service_receipt", DocumentFields.model_validate({
            "values": {"served_type": fv("decision"), "served_number": fv("宿环泗罚〔2024〕12号")}})),
    ]
    case = case_fields(docs)
    assert case.case_number == "宿环泗立〔2024〕3号"
    assert case.filing_date == "2024-03-05"
    assert (case.notice_number, case.notice_date) == ("宿环泗罚告〔2024〕9号", "2024-04-02")
    # The decision is in the file but carries no number: the case has none (not the receipt's).
    assert (case.decision_number, case.decision_date) == (None, "2024-05-11")
    assert case.party == "宿迁某某化工有限公司"
    assert case.cause == "未按规定设置危险废物识别标志"
    assert case.officers == ["刘某某", "李某某", "王某"]
    assert case.case_type == "一般程序"  # inferred from notice + decision
    only_decision = case_fields([d for d in docs if d[0] in ("decision", "inspection_record")])
    assert only_decision.case_type is None
    no_decision = case_fields([d for d in docs if d[0] != "decision"])
    assert no_decision.decision_number == "宿环泗罚〔2024〕12号"


# --- accuracy over generated born-digital files --------------------------------------------------


def read_pages(pdf_path: Path, truth: Truth) -> list[PageText]:
    """PageText per page from the text layer (spans grouped by line), plus the handwriting the
    truth records (what OCR reads of handwritten dates on forms and receipts)."""
    pages: list[PageText] = []
    with pymupdf.open(pdf_path) as pdf:
        for i, page in enumerate(pdf):
            lines: list[TextLine] = text_layer_lines(page)
            for mark in truth.page_info[i].marks:
                if mark.kind == "handwriting" and mark.text:
                    lines.append(TextLine(text=mark.text, bbox=mark.bbox, confidence=0.8))
            lines.sort(key=lambda ln: (round(ln.center[1] / 6), ln.x0))
            pages.append(PageText(page=i + 1, width=page.rect.width, height=page.rect.height,
                                  source="text_layer", lines=lines))
    return pages


_BRACKETS = [("[", "]"), ("(", ")"), ("【", "】"), ("（", "）"), ("「", "」"), ("{", "}"), ("［", "］")]
_CN = "〇一二三四五六七八九"


def _cn_date(m: re.Match[str], rng: random.Random) -> str:
    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (_CN[n] if n < 10 else ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else ""))
    year = "".join(_CN[int(c)] for c in m.group(1)).replace("〇", rng.choice("〇○O0零"))
    return f"{year}年{small(int(m.group(2)))}月{small(int(m.group(3)))}日"


def ocr_noise(pages: list[PageText], seed: int) -> list[PageText]:
    """The confusions RapidOCR makes on scans, applied to clean lines: odd brackets, full-width
    digits, spaces, O/l for 0/1, 号 read as 弓, Chinese-numeral dates, a date split in two boxes."""
    rng = random.Random(seed)
    out = []
    for page in pages:
        lines: list[TextLine] = []
        for line in page.lines:
            text = line.text
            if "〔" in text and rng.random() < 0.8:
                lb, rb = rng.choice(_BRACKETS)
                text = text.replace("〔", lb).replace("〕", rb)
            if rng.random() < 0.15:
                text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            if rng.random() < 0.15:
                text = re.sub(r"(?<=[0-9])(?=[0-9年月日号])", " ", text)
            if re.search(r"[〕\]）)」}】］][0-9]", text) and rng.random() < 0.3:
                text = re.sub(r"([〕\]）)」}】］][0-9]*)0", r"\1O", text).replace("号", rng.choice("号弓"))
            if rng.random() < 0.3:
                text = re.sub(r"(?<![0-9])((?:19|20)[0-9]{2})年([0-9]{1,2})月([0-9]{1,2})日", lambda m: _cn_date(m, rng), text)
            conf = round(line.confidence * rng.uniform(0.85, 1.0), 3)
            dated = re.fullmatch(r"\s*((?:19|20)\d{2}年\d{1,2}月)(\d{1,2}日)\s*", text)
            if dated and rng.random() < 0.5:
                x0, y0, x1, y1 = line.bbox
                cut = x0 + (x1 - x0) * 0.62
                lines.append(TextLine(text=dated.group(1), bbox=(x0, y0, cut - 2, y1), confidence=conf))
                lines.append(TextLine(text=dated.group(2), bbox=(cut + 2, y0, x1, y1), confidence=conf))
                continue
            lines.append(TextLine(text=text, bbox=line.bbox, confidence=conf))
        out.append(page.model_copy(update={"lines": lines}))
    return out


@pytest.fixture(scope="module")
def digital_files(born_digital_corpus: list[tuple[Path, Truth]]) -> list[tuple[Path, Truth]]:
    """The session's born-digital corpus (shared with the generator's tests) and the committed
    born-digital demo files."""
    fixed = Path(__file__).resolve().parent.parent / "samples" / "fixed"
    return born_digital_corpus + [(p, t) for p, t in load_truths(fixed) if t.born_digital]


KEY_TYPES = ("notice", "decision", "service_receipt")


def _score(files: list[tuple[Path, Truth]], noise_seed: int | None) -> dict[str, list[int]]:
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []

    def tally(key: str, got: object, want: object, where: str) -> None:
        stats[key][1] += 1
        if got == want:
            stats[key][0] += 1
        else:
            misses.append(f"{where} {key}: got {got!r}, want {want!r}")

    for n, (pdf_path, truth) in enumerate(files):
        pages = read_pages(pdf_path, truth)
        if noise_seed is not None:
            pages = ocr_noise(pages, noise_seed + n)
        docs: list[tuple[str, DocumentFields]] = []
        for doc in truth.documents:
            fields = extract_fields(doc.type, pages[doc.pages[0] - 1:doc.pages[1]])
            docs.append((doc.type, fields))
            where = f"{pdf_path.name} p{doc.pages[0]}"
            if doc.type != "toc":
                tally(f"{doc.type}.number", fields.number and fields.number.value, doc.number, where)
                tally(f"{doc.type}.date", fields.date and fields.date.value, doc.date, where)
            if "party" in doc.fields:
                tally(f"{doc.type}.party", (p := fields.values.get("party")) and p.value, doc.fields["party"], where)
            if doc.type == "service_receipt":
                for name, key in (("served_number", "cited_number"), ("served_type", "served_type"),
                                  ("service_method", "method")):
                    tally(f"receipt.{name}", (v := fields.values.get(name)) and v.value, doc.fields.get(key), where)
            if doc.type in ("inspection_record", "inquiry_record"):
                tally(f"{doc.type}.officers", [o.value for o in fields.lists.get("officers", [])],
                      doc.fields.get("officers"), where)
        case = case_fields(docs)
        for key, want in truth.case.model_dump().items():
            tally(f"case.{key}", getattr(case, key), want, pdf_path.name)
    label = "clean text" if noise_seed is None else "OCR-like noise"
    print(f"\nfield accuracy over {len(files)} born-digital files ({label}):")
    for key in sorted(stats):
        ok, total = stats[key]
        print(f"  {key:32s} {ok:4d}/{total:<4d} {ok / total:6.1%}")
    for miss in misses[:40]:
        print("  miss:", miss)
    return stats


def _rate(stats: dict[str, list[int]], types: tuple[str, ...], field: str) -> float:
    ok = sum(stats[f"{t}.{field}"][0] for t in types)
    total = sum(stats[f"{t}.{field}"][1] for t in types)
    assert total > 0
    return ok / total


def test_accuracy_on_born_digital_files(digital_files: list[tuple[Path, Truth]]) -> None:
    stats = _score(digital_files, None)
    assert _rate(stats, KEY_TYPES, "number") >= 0.97
    assert _rate(stats, KEY_TYPES, "date") >= 0.97
    assert _rate(stats, ("receipt",), "served_number") >= 0.95
    for key in ("case_number", "decision_number", "notice_number", "decision_date", "notice_date", "party"):
        assert _rate(stats, ("case",), key) >= 0.9, key


def test_accuracy_with_ocr_like_noise(digital_files: list[tuple[Path, Truth]]) -> None:
    stats = _score(digital_files, noise_seed=2024)
    assert _rate(stats, KEY_TYPES, "number") >= 0.95
    assert _rate(stats, KEY_TYPES, "date") >= 0.95


def test_officers_read_run_together_are_not_a_third_officer() -> None:
    from extractors.fields.case import _spliced

    names = ["吕浩", "郭远宏", "吕浩郭远"]
    assert _spliced("吕浩郭远", names)
    assert not _spliced("欧阳明华", ["欧阳明华", "张三"])  # a four-character name of its own
    assert not _spliced("张立", ["张国", "肖立", "张立"])  # two characters: a name, whatever it shares


def test_agency_and_the_county_the_table_names() -> None:
    from extractors.fields.values import agency, county_of
    from models.case import PageText, TextLine

    page = PageText(page=1, width=595, height=842, source="ocr", lines=[
        TextLine(text="常德市生态环境局澧县分局", bbox=(200, 60, 400, 80)),
        TextLine(text="行政处罚决定书", bbox=(220, 90, 380, 110)),
        TextLine(text="根据宜春市生态环境局的意见", bbox=(60, 300, 500, 320)),
    ])
    found = agency([page])
    assert found is not None and found.value == "常德市生态环境局澧县分局"
    assert county_of("常德市生态环境局澧县分局") == "澧县"
    assert county_of("宜春市高安生态环境局") == "高安"
    assert county_of("杭州市余杭区环境保护局") == "余杭区"
    assert county_of("常德市生态环境局") == "常德市"
    company = PageText(page=1, width=595, height=842, source="ocr", lines=[
        TextLine(text="湖南某某环境保护科技有限公司", bbox=(200, 60, 400, 80))])
    assert agency([company]) is None


def _officer_docs(*records: list[str]) -> list:
    from models.case import DocumentFields, FieldValue

    return [("inspection_record" if i == 0 else "inquiry_record",
             DocumentFields(lists={"officers": [FieldValue(value=n, page=i + 1) for n in names]}))
            for i, names in enumerate(records)]


def test_case_officers_printed_on_several_records_win_over_stray_reads() -> None:
    from extractors.fields.case import case_fields

    docs = _officer_docs(["黎冬", "龚秀建", "记录大"], ["黎冬", "龚秀建", "页第"], ["黎冬", "龚秀建"])
    assert case_fields(docs).officers == ["黎冬", "龚秀建"]
    # One record only: nothing to confirm against, every name read is kept.
    assert case_fields(_officer_docs(["张三", "李四", "王五"])).officers == ["张三", "李四", "王五"]


def test_case_type_from_general_procedure_steps() -> None:
    from extractors.fields.case import case_fields
    from models.case import DocumentFields

    general = [("filing_approval", DocumentFields()), ("investigation_report", DocumentFields()),
               ("decision", DocumentFields())]
    assert case_fields(general).case_type == "一般程序"
    assert case_fields([("decision", DocumentFields())]).case_type is None  # a lone decision: unknown


def test_officers_from_an_investigation_reports_account() -> None:
    from extractors.fields.case import case_fields
    from extractors.fields.documents import extract_fields
    from models.case import PageText, TextLine

    page = PageText(page=14, width=595, height=842, source="ocr", lines=[
        TextLine(text="三、调查经过", bbox=(60, 100, 200, 115)),
        TextLine(text="2025年3月4日，执法人员汪明德、段龙春对当事人进行了现场检查，制作了笔录。", bbox=(60, 120, 540, 135)),
        TextLine(text="执法人员卢世和罗文琳于2025年3月5日调取了营业执照。", bbox=(60, 140, 540, 155)),
    ])
    report = extract_fields("investigation_report", [page.model_copy(update={"lines": page.lines[:2]})])
    assert [fv.value for fv in report.lists["officers"]] == ["汪明德", "段龙春"]
    assert case_fields([("investigation_report", report)]).officers == ["汪明德", "段龙春"]
    two_char = page.model_copy(update={"lines": page.lines[2:]})
    assert [fv.value for fv in extract_fields("investigation_report", [two_char]).lists["officers"]] == ["卢世", "罗文琳"]


def test_recorder_read_from_a_record_header() -> None:
    from extractors.fields.values import recorders

    lines = [TextLine(text="询问人：张明 执法证号：36090415012", bbox=(72, 100, 400, 114)),
             TextLine(text="记录人：李华 执法证号：36090415027", bbox=(72, 126, 400, 140))]
    names, ids = recorders([PageText(page=1, width=595, height=842, source="text_layer", lines=lines)])
    assert [n.value for n in names] == ["李华"] and [i.value for i in ids] == ["36090415027"]


def test_a_blank_party_is_not_read_as_the_label_word() -> None:
    """当事人：（空白）: the label's own word is no name; the party is unread, never "当事人"."""
    lines = [TextLine(text=t, bbox=(72, 100 + 20 * i, 400, 114 + 20 * i))
             for i, t in enumerate(["行政处罚决定书", "澧环罚〔2024〕12号", "当事人：", "统一社会信用代码：123"])]
    fields = extract_fields("decision", [PageText(page=1, width=595, height=842, source="text_layer", lines=lines)])
    assert "party" not in fields.values
    assert "未能识读" in fields.unreadable["party"]  # the sheet then says （未能识读）


def test_a_cause_read_on_into_the_next_row_stops_at_its_date() -> None:
    """A scan's wrapped 案由 cell joined to the 简要案情 under it: the whole date begins the narrative."""
    from extractors.fields.values import clean_cause

    assert clean_cause("超过水污染物排放标准排放水污染物2025年4月14日现场检查发现，废水总排口正在排放") \
        == "超过水污染物排放标准排放水污染物"
    assert clean_cause("未按规定报送2023年度排污许可执行报告") == "未按规定报送2023年度排污许可执行报告"  # a year alone stays
    assert clean_cause("某公司涉嫌超标排放案", "某公司") == "超标排放"


def test_officers_in_a_table_with_an_id_column_and_a_signing_foot() -> None:
    """执法人员 | 姓名 | 执法证号 as a table head, one officer a row; 检查人（签名）： at the page's foot
    over 第1页 共2页. The column heads are no names, the numbers under 执法证号 are the 执法证号,
    and a signing row is no list of officers (it read 页共 as a name)."""
    from extractors.fields.values import officers

    page = _page(8, [
        ("现场检查（勘察）笔录", (202, 96, 392, 120)),
        ("执法人员", (106, 281, 148, 292)), ("姓名", (236, 281, 258, 292)), ("执法证号", (396, 281, 438, 292)),
        ("检查人", (111, 305, 143, 316)), ("丁明", (236, 305, 258, 316)), ("5372207322", (391, 305, 444, 316)),
        ("检查人", (111, 327, 143, 338)), ("朱强文", (231, 327, 263, 338)), ("3135403117", (391, 327, 444, 338)),
        ("检查情况：", (72, 374, 132, 389)),
        ("被检查人（签名）：", (72, 783, 162, 794)), ("检查人（签名）：", (287, 783, 367, 794)),
        ("第1页　共2页", (463, 798, 523, 809)),
    ])
    names, ids = officers([page])
    assert [n.value for n in names] == ["丁明", "朱强文"]
    assert [i.value for i in ids] == ["5372207322", "3135403117"]


def test_a_hearing_transcripts_speaker_turn_is_no_officer() -> None:
    """听证笔录: 调查人员：没有。 is the investigators answering, not a list naming 没有."""
    from extractors.fields.values import officers

    page = _page(28, [
        ("听证笔录", (258, 79, 338, 104)),
        ("案件调查人员：梁宁敏（执法证号：2357419247）、曾琳（执法证号：4032051817）", (72, 195, 498, 207)),
        ("主持人：双方还有无补充意见？", (72, 448, 240, 460)),
        ("调查人员：没有。", (72, 469, 168, 481)),
        ("代理人：没有，请求从轻处理。", (72, 490, 240, 502)),
    ])
    names, _ids = officers([page])
    assert "没有" not in [n.value for n in names]


@pytest.mark.parametrize("read", ["024年5月11日", "24年5月11日", "二四年五月十一日"])
def test_a_closing_date_whose_year_lost_figures_under_the_seal_is_restored(read: str) -> None:
    """The seal took the year's first figures (fam-16-004: 024年7月15日): the one year of the
    document's own dates ending in the figure left gives it back, trusted less."""
    p2 = DECISION_P2.model_copy(update={"lines": [*DECISION_P2.lines[:2], _line(read, (400, 214, 500, 228), 0.9)]})
    fields = extract_fields("decision", [DECISION_P1, p2])
    assert fields.date is not None and fields.date.value == "2024-05-11"
    assert fields.date.confidence <= 0.7
