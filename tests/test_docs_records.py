"""Record templates (samples.docs_records): page counts, bounds, titles, signatures and defect knobs."""

from __future__ import annotations

import random

import pytest

from samples import docs_records as R
from samples.casegen import make_case
from samples.layout import A4_H, A4_W, Hand, Line, PageLayout, Photo, Seal, Text
from samples.plan import DocPlan
from samples.spec import CaseSpec

SEEDS = (1, 2, 3, 5, 8, 13)
EVIDENCE = ("现场照片", "监测报告", "营业执照复印件", "法定代表人身份证复印件", "经营者身份证复印件",
            "危险废物管理台账复印件", "设备运行台账复印件", "排污许可信息平台查询截图", "重点排污单位名录截图",
            "采样记录", "现场检测记录", "环评批复复印件", "项目投资备案材料")


def case(seed: int) -> CaseSpec:
    return make_case(random.Random(seed), f"t{seed}", seed)


def plan(spec: CaseSpec, key: str) -> tuple[DocPlan, object]:
    d = spec.dates
    table = {
        "inspection": (DocPlan("inspection", "inspection_record", "现场检查（勘察）笔录", d["inspection"]),
                       R.build_inspection),
        "inquiry": (DocPlan("inquiry", "inquiry_record", "调查询问笔录", d["inquiry"]), R.build_inquiry),
        "report": (DocPlan("report", "investigation_report", "案件调查报告", d["report"]),
                   R.build_investigation_report),
        "statement": (DocPlan("statement", "statement_record", "陈述申辩笔录", d["notice_service"],
                              fields={"variant": "statement"}), R.build_statement),
        "waiver": (DocPlan("waiver", "statement_record", "放弃陈述申辩声明书", d["notice_service"],
                           fields={"variant": "waiver"}), R.build_statement),
        "hearing_notice": (DocPlan("hearing_notice", "statement_record", "听证通知书", d["notice_service"],
                                   number="宜环听告〔2024〕3号", fields={"variant": "hearing_notice"}),
                           R.build_statement),
        "hearing_record": (DocPlan("hearing_record", "statement_record", "听证笔录", d["decision"],
                                   fields={"variant": "hearing_record"}), R.build_statement),
        "collective": (DocPlan("collective", "internal_approval", "案件集体讨论记录", d["decision"]),
                       R.build_collective),
    }
    return table[key]


def build(spec: CaseSpec, key: str, rng_seed: int = 0) -> list[PageLayout]:
    doc, fn = plan(spec, key)
    return fn(spec, doc, random.Random(rng_seed))  # type: ignore[operator]


def evidence(spec: CaseSpec, title: str, rng_seed: int = 0) -> list[PageLayout]:
    doc = DocPlan("evidence.0", "evidence", title, spec.dates["photos"])
    return R.build_evidence(spec, doc, random.Random(rng_seed))


def bbox(op: object) -> tuple[float, float, float, float]:
    if isinstance(op, Line):
        return (min(op.x0, op.x1), min(op.y0, op.y1), max(op.x0, op.x1), max(op.y0, op.y1))
    assert isinstance(op, Text | Hand | Seal | Photo)
    return op.bbox


def check_pages(pages: list[PageLayout]) -> None:
    assert pages
    assert pages[0].title_bbox is not None
    for page in pages:
        for op in page.ops:
            x0, y0, x1, y1 = bbox(op)
            assert x0 >= 0 and x1 <= A4_W - 20, (op, page.doc_key)
            assert y0 >= 20 and y1 <= min(A4_H - 30, 812), (op, page.doc_key)


def officer_signs(page: PageLayout) -> list[Hand]:
    return [h for h in page.signatures() if h.role == "officer"]


def party_signs(page: PageLayout) -> list[Hand]:
    return [h for h in page.signatures() if h.role == "party"]


@pytest.mark.parametrize("seed", SEEDS)
def test_builders_stay_on_the_page(seed: int) -> None:
    spec = case(seed)
    ranges = {"inspection": (2, 4), "inquiry": (2, 3), "report": (1, 3), "statement": (1, 2), "waiver": (1, 1),
              "hearing_notice": (1, 1), "hearing_record": (2, 2), "collective": (1, 2)}
    for key, (lo, hi) in ranges.items():
        pages = build(spec, key, seed)
        assert lo <= len(pages) <= hi, (key, len(pages))
        check_pages(pages)
    for title in EVIDENCE:
        pages = evidence(spec, title, seed)
        assert 1 <= len(pages) <= 3, title
        check_pages(pages)


@pytest.mark.parametrize("seed", SEEDS)
def test_records_signed_on_every_page(seed: int) -> None:
    spec = case(seed)
    for key in ("inspection", "inquiry"):
        pages = build(spec, key, seed)
        for page in pages:
            assert len(officer_signs(page)) == len(spec.officers)
            assert any(h.role == "recorder" for h in page.signatures())
            refused = any(h.role == "witness" for h in page.signatures())
            assert refused or party_signs(page), (key, seed)
        assert party_signs(pages[-1]) or any(h.role == "witness" for h in pages[-1].signatures())


def test_deterministic() -> None:
    spec = case(4)
    a = build(spec, "inspection", 9)
    b = build(case(4), "inspection", 9)
    assert [p.ops for p in a] == [p.ops for p in b]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("key", ["inspection", "inquiry"])
def test_one_officer(seed: int, key: str) -> None:
    spec = case(seed)
    spec.defects.one_officer.add(key)
    lone = spec.officers[0].name
    others = {o.name for o in spec.officers[1:]}
    for page in build(spec, key, seed):
        signs = officer_signs(page)
        assert [h.text for h in signs] == [lone]
        for op in page.ops:  # no second officer anywhere: not as recorder, not in the header
            if isinstance(op, Text | Hand):
                assert not any(n in op.text for n in others), op.text


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("key", ["inspection", "inquiry"])
def test_unsigned_party(seed: int, key: str) -> None:
    spec = case(seed)
    spec.defects.unsigned[key] = "party"
    pages = build(spec, key, seed)
    last = pages[-1]
    assert not [h for h in last.ops if isinstance(h, Hand) and h.role in ("party", "witness")]
    assert not any(isinstance(op, Text) and "拒绝" in op.text for op in last.ops)


def test_party_refusal_happens_sometimes_and_is_witnessed() -> None:
    refusals = 0
    for seed in range(60):
        spec = case(seed % 7)
        pages = build(spec, "inspection", seed)
        for page in pages:
            if any(h.role == "witness" for h in page.signatures()):
                refusals += 1
                assert not party_signs(page)
                assert any("拒绝" in op.text for op in page.ops if isinstance(op, Text | Hand))
    assert 1 <= refusals <= 20


def test_waiver_and_notice() -> None:
    spec = case(3)
    waiver = build(spec, "waiver", 1)
    assert [h.role for h in waiver[0].signatures()] == ["party"]
    notice = build(spec, "hearing_notice", 1)
    assert notice[0].number_bbox is not None
    assert [s.agency for s in notice[0].seals()] == [spec.agency.seal_name]
    spec.defects.unsealed.add("hearing_notice")
    assert not build(spec, "hearing_notice", 1)[0].seals()


def test_hearing_record_roles() -> None:
    spec = case(5)
    for page in build(spec, "hearing_record", 2):
        assert {h.role for h in page.signatures()} >= {"party", "officer", "host", "recorder"}


def test_collective_attendees_sign() -> None:
    spec = case(6)
    pages = build(spec, "collective", 3)
    names = [h.text for h in pages[-1].signatures() if h.role == "attendee"]
    assert 5 <= len(names) <= 7 and spec.chief.name in names


def test_monitoring_report_seal_and_exceedance() -> None:
    for seed in range(30):
        spec = case(seed)
        if spec.violation.key not in ("air_exceed", "noise", "water_bypass"):
            continue
        pages = evidence(spec, "监测报告", seed)
        seals = [s for p in pages for s in p.seals()]
        assert seals and all(s.center_text == "检验检测专用章" for s in seals)
        assert any(isinstance(op, Text) and op.text == "超标" for p in pages for op in p.ops)
        assert any(h.role == "monitor" for p in pages for h in p.signatures())


def test_photos_have_placeholders() -> None:
    for seed in range(8):
        pages = evidence(case(seed), "现场照片", seed)
        assert all(any(isinstance(op, Photo) for op in p.ops) for p in pages)


def test_rmb_upper() -> None:
    assert R.rmb_upper(80000) == "捌万元整"
    assert R.rmb_upper(52120) == "伍万贰仟壹佰贰拾元整"
    assert R.rmb_upper(1005000) == "壹佰万零伍仟元整"
    assert R.rmb_upper(100000) == "壹拾万元整"
    assert R.rmb_upper(3005) == "叁仟零伍元整"
    assert R.rmb_upper(100010000) == "壹亿零壹万元整"
    assert R.rmb_upper(200000000) == "贰亿元整"
    assert R.rmb_upper(1010) == "壹仟零壹拾元整"
    assert R.fine_text(80000) == "罚款人民币捌万元整（¥80000元）"
    with pytest.raises(ValueError):
        R.rmb_upper(-1)
