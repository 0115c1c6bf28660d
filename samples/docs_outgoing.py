"""Outgoing 文书 that carry a 文号 and the agency's seal: notice, decision, correction order.

Layout follows DOMAIN.md §1: agency line, title, 文号, party block, body, then the agency name
and date bottom-right with the round seal pressed over the date.
"""

from __future__ import annotations

import random

from samples.docs_records import fine_text
from samples.layout import PageLayout
from samples.plan import (
    MARGIN_L,
    MARGIN_R,
    DocPlan,
    Flow,
    fmt_date,
    period_words,
)
from samples.spec import CaseSpec

SEAL_D = 118.0  # 42 mm, the usual diameter of an agency seal


def _header(flow: Flow, spec: CaseSpec, doc: DocPlan, rng: random.Random) -> None:
    """Agency, title and 文号 in one of the arrangements real files show."""
    page = flow.page
    tface, bface = spec.style.title_face, spec.style.body_face
    number = doc.number
    variant = rng.choice(("stacked", "stacked", "inline", "right_number"))
    y = rng.uniform(64, 84)
    if variant == "inline":
        title = page.centered(y, spec.agency.name + doc.title, rng.choice((17, 18, 19)), tface)
        y += 40
    else:
        page.centered(y, spec.agency.name, rng.choice((18, 20, 22)), tface)
        y += rng.uniform(34, 42)
        spaced = " ".join(doc.title) if len(doc.title) <= 7 and rng.random() < 0.5 else doc.title
        title = page.centered(y, spaced, rng.choice((20, 22)), tface)
        y += 40
    page.title_bbox = title.bbox
    if number:
        if variant == "right_number":
            op = page.right(MARGIN_R, y, number, 12, bface)
        else:
            op = page.centered(y, number, rng.choice((12, 13)), bface)
        page.number_bbox = op.bbox
        y += 22
        if rng.random() < 0.4:  # GB/T 9704 separator rule under the 文号
            page.line(MARGIN_L, y, MARGIN_R, y, 1.2)
            y += 8
    flow.y = y + 14


def _party_block(flow: Flow, spec: CaseSpec, rng: random.Random, *, salutation: bool) -> None:
    p = spec.party
    size = 12.0
    if salutation:
        flow.para(f"{p.name}：", size, indent=0)
        if rng.random() < 0.4 and p.credit_code:
            flow.para(f"（统一社会信用代码：{p.credit_code}）", size, indent=0)
        return
    label = rng.choice(("当事人", "被处罚单位", "当事人名称")) if p.kind == "company" else "当事人"
    flow.para(f"{label}：{p.name}", size, indent=0, leading=1.6)
    if p.credit_code:
        flow.para(f"统一社会信用代码：{p.credit_code}", size, indent=0, leading=1.6)
    flow.para(f"{p.rep_label}：{p.legal_rep}", size, indent=0, leading=1.6)
    flow.para(f"{rng.choice(('地址', '住所', '经营场所'))}：{p.address}", size, indent=0, leading=1.6)
    flow.space(6)


def _closing(flow: Flow, spec: CaseSpec, doc: DocPlan, rng: random.Random) -> None:
    """Agency name and date bottom-right, the seal centred over the date unless the defect removes it."""
    flow.ensure(150)
    flow.space(rng.uniform(24, 48))
    page = flow.page
    size = 12.5
    face = spec.style.body_face
    date_text = fmt_date(spec, doc.date)
    right = MARGIN_R - rng.uniform(10, 40)
    agency = page.right(right, flow.y, spec.agency.name, size, face)
    flow.y += 26
    date_op = page.right(right, flow.y, date_text, size, face)
    if doc.sealed:
        cx = (date_op.bbox[0] + date_op.bbox[2]) / 2 + rng.uniform(-18, 18)
        cy = (agency.bbox[1] + date_op.bbox[3]) / 2 + rng.uniform(-10, 10)
        page.seal(cx, cy, SEAL_D * rng.uniform(0.96, 1.04), spec.agency.seal_name)
    flow.y += 40


def _served(spec: CaseSpec, key: str) -> str:
    return fmt_date(spec, spec.dates.get(f"{key}_service"))


def _rights_sentence(spec: CaseSpec, rng: random.Random) -> str:
    proc = spec.procedure
    days = period_words(proc.stated_days)
    unit = rng.choice(("日", "个工作日")) if proc.stated_days != 3 else "日"
    text = (f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条{'、第六十三条、第六十四条' if proc.hearing_offered else ''}"
            f"的规定，你单位可在收到本告知书之日起{days}{unit}内向我局进行陈述和申辩")
    if proc.hearing_offered:
        text += "；如你单位要求听证，可在收到本告知书之日起五日内向我局提出书面听证申请"
    return text + "。逾期未提出的，视为放弃上述权利。"


def build_notice(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    flow = Flow(doc, face=spec.style.body_face, footer="dash" if rng.random() < 0.5 else None)
    _header(flow, spec, doc, rng)
    _party_block(flow, spec, rng, salutation=rng.random() < 0.7)
    v = spec.violation
    size = 12.0
    flow.para(f"我局于{fmt_date(spec, spec.dates['inspection'])}对你单位进行了现场检查，发现：" + "；".join(spec.facts) + "。", size)
    flow.para("以上事实，有" + "、".join(spec.evidence_items) + "等证据为证。", size)
    flow.para(f"你单位的上述行为违反了{v.violated}的规定。依据{v.basis}的规定，"
              f"我局拟对你单位作出如下行政处罚：{fine_text(spec.fine)}。", size)
    flow.para(_rights_sentence(spec, rng), size)
    officer = spec.officers[0]
    flow.para(f"联系人：{officer.name}　联系电话：{spec.agency.phone}", size)
    flow.para(f"联系地址：{spec.agency.address}", size)
    _closing(flow, spec, doc, rng)
    return flow.finish()


def _statement_sentence(spec: CaseSpec) -> str:
    proc, d = spec.procedure, spec.dates
    notice = spec.number("notice")
    cited = f"（{notice}）" if notice else ""
    name = "行政处罚事先（听证）告知书" if proc.hearing_offered else "行政处罚事先告知书"
    text = f"我局于{fmt_date(spec, d['notice'])}以《{name}》{cited}告知你单位拟作出行政处罚决定的事实、理由、依据及你单位依法享有的权利"
    if d.get("notice_service"):
        text += f"，你单位于{fmt_date(spec, d['notice_service'])}签收"
    text += "。"
    if proc.hearing_held:
        text += (f"你单位于{fmt_date(spec, d['hearing_request'])}提出听证申请，我局于{fmt_date(spec, d['hearing'])}"
                 "依法举行了听证。经复核，你单位提出的意见不足以改变拟处罚内容，我局不予采纳。")
    elif proc.statement_made or spec.defects.claims_statement:
        text += "你单位在规定期限内提出了陈述申辩意见。经复核，你单位所提意见不能否定违法事实，我局不予采纳。"
    elif proc.waiver:
        text += f"你单位于{fmt_date(spec, d['waiver'])}书面声明放弃陈述、申辩和听证的权利。"
    else:
        text += "你单位在规定期限内未提出陈述、申辩意见" + ("，也未申请听证。" if proc.hearing_offered else "。")
    return text


def build_decision(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    flow = Flow(doc, face=spec.style.body_face, footer="dash" if rng.random() < 0.6 else None)
    _header(flow, spec, doc, rng)
    _party_block(flow, spec, rng, salutation=False)
    v, d = spec.violation, spec.dates
    size = 12.0
    hface = "hei" if spec.style.body_face != "hei" and not spec.style.born_digital else spec.style.body_face
    flow.para(f"我局于{fmt_date(spec, d['inspection'])}对你单位进行了调查，发现你单位实施了以下环境违法行为：", size)
    flow.para("一、环境违法事实和证据", size, hface)
    flow.para("；".join(spec.facts) + "。", size)
    flow.para("以上事实，有" + "、".join(spec.evidence_items) + "等证据为凭。", size)
    flow.para(f"你单位上述行为违反了{v.violated}的规定。", size)
    flow.para(_statement_sentence(spec), size)
    flow.para("二、行政处罚的依据、种类", size, hface)
    flow.para(f"依据{v.basis}的规定，并参照{spec.agency.province}生态环境行政处罚自由裁量基准，"
              f"我局决定对你单位作出如下行政处罚：", size)
    flow.para(f"{fine_text(spec.fine)}。", size)
    if spec.procedure.correction_clause:
        flow.para(f"同时责令你单位{v.correction}。", size)
    flow.para("三、履行方式和期限", size, hface)
    flow.para("根据《中华人民共和国行政处罚法》第六十七条的规定，你单位应当自收到本决定书之日起十五日内，"
              f"将罚款缴至指定银行（开户行：{spec.agency.bank}，账号：{spec.agency.account}）。"
              "到期不缴纳罚款的，我局可以根据《中华人民共和国行政处罚法》第七十二条第一款第一项的规定，"
              "每日按罚款数额的百分之三加处罚款。", size)
    flow.para("四、申请行政复议或者提起行政诉讼的途径和期限", size, hface)
    court = spec.agency.county or spec.agency.city.rstrip("市州")
    flow.para(f"你单位如不服本处罚决定，可在收到本决定书之日起六十日内向{spec.agency.city}人民政府申请行政复议，"
              f"也可以在六个月内向{court}人民法院提起行政诉讼。申请行政复议或者提起行政诉讼的，"
              "不停止行政处罚决定的执行。", size)
    _closing(flow, spec, doc, rng)
    return flow.finish()


def build_correction(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    flow = Flow(doc, face=spec.style.body_face)
    _header(flow, spec, doc, rng)
    _party_block(flow, spec, rng, salutation=rng.random() < 0.5)
    v = spec.violation
    size = 12.0
    flow.para(f"我局于{fmt_date(spec, spec.dates['inspection'])}对你单位进行了现场检查，发现你单位存在以下环境违法行为：", size)
    flow.para("；".join(spec.facts) + "。", size)
    flow.para(f"以上事实有现场检查（勘察）笔录、现场照片等证据为证。你单位上述行为违反了{v.violated}的规定。", size)
    flow.para(f"依据{v.basis}及《中华人民共和国行政处罚法》第二十八条第一款的规定，现责令你单位{v.correction}，"
              f"并于{rng.choice(('十五', '三十', '十'))}日内将改正情况书面报告我局。", size)
    flow.para(f"你单位如不服本决定，可在收到本决定书之日起六十日内向{spec.agency.city}人民政府申请行政复议，"
              "也可以在六个月内依法提起行政诉讼。", size)
    _closing(flow, spec, doc, rng)
    return flow.finish()


def notice_title(spec: CaseSpec, rng: random.Random) -> str:
    if spec.procedure.hearing_offered:
        return rng.choice(("行政处罚事先（听证）告知书", "行政处罚听证告知书", "行政处罚事先（听证）告知书"))
    return rng.choice(("行政处罚事先告知书", "行政处罚事先（听证）告知书")) if rng.random() < 0.2 \
        else "行政处罚事先告知书"
