"""Set b outgoing 文书: 行政处罚事先（听证）告知书, 行政处罚决定书, 责令改正违法行为决定书, 听证通知书.

- outb_redhead: 红头 style: the bureau's name in red over a red rule, the 文号 between the name and
  the rule (left of centre, as 红头文件 print it), the title under the rule, 当事人 referred to in the
  third person (当事人在法定期限内未提出陈述申辩), the date in Chinese numerals (二〇二四年三月五日)
  with the round seal pressed over it.
- outb_formtable: 填充式 form: title first, the 文号 at the right under it, the party in a ruled
  label/value table (当事人名称 / 统一社会信用代码 / 法定代表人 / 地址 / 联系电话), “你公司” in the
  body, numbered sections, Arabic date with the seal over it.
Decisions recite the statement stage in the family's wording: none made, 陈述申辩 made and reviewed
(the 陈述申辩笔录 is in the file), or a hearing held (听证通知书, 听证笔录, 听证报告 in the file).
"""

from __future__ import annotations

import random
from datetime import date

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, amount_upper, cn_number, fmt_date
from samples.families.story_b import StoryB, malformed_b

DATE_STYLE = {"outb_redhead": "chinese", "outb_formtable": "arabic"}
RED = (0.82, 0.05, 0.05)


def _rng(story: StoryB, what: str) -> random.Random:
    return random.Random(f"b:{story.seed}:{story.index}:{what}")


def printed_number(story: StoryB, which: str) -> str:
    canonical = {"notice": story.notice_number, "decision": story.decision_number,
                 "correction_order": story.correction_number}[which]
    if f"number.malformed.{which}" in story.defects:
        return malformed_b(canonical, story.malformed_variant)
    return canonical


def _you(family: str) -> str:
    return "当事人" if family == "outb_redhead" else "你公司"


def _heading(w: DocWriter, story: StoryB, family: str, title: str, number: str) -> None:
    if family == "outb_redhead":
        w.skip(16)
        w.line(story.bureau.name, size=24, font="title", align="center", gap=1.7, colour=RED)
        w.number(number, align="center")
        w.page.draw_line((LEFT, w.y - 6), (RIGHT, w.y - 6), color=RED, width=2.2)
        w.skip(8)
        w.title(title, size=20)
    else:
        w.skip(8)
        w.line(story.bureau.name, size=15, align="center", gap=1.5)
        w.title(title, size=21)
        w.number(number, align="right", size=12)
    w.skip(4)


def _party(w: DocWriter, story: StoryB, family: str) -> None:
    p = story.party
    if family == "outb_redhead":
        w.line(f"当事人：{p.name}")
        w.line(f"统一社会信用代码：{p.credit_code}")
        w.line(f"法定代表人：{p.legal_rep}")
        w.line(f"地址：{p.address}")
    else:
        rows = [("当事人名称", p.name), ("统一社会信用代码", p.credit_code), ("法定代表人（负责人）", p.legal_rep),
                ("地　　址", p.address), ("联系电话", p.phone)]
        y = w.y
        for label, value in rows:
            w.cell(LEFT, y, LEFT + 135, y + 24, label, align="center", size=10.5)
            w.cell(LEFT + 135, y, RIGHT, y + 24, value, size=10.5)
            y += 24
        w.y = y + 8
    w.skip(4)


def _closing(w: DocWriter, story: StoryB, family: str, day: date, *, seal: bool) -> None:
    w.skip(24)
    w.ensure(96)
    right = RIGHT - 24
    w.line(story.bureau.name, align="right", right=right)
    box = w.line(fmt_date(day, DATE_STYLE[family]), align="right", right=right)
    if seal:  # the seal sits over the date, a little up and to the left as pressed by hand
        w.seal((box[0] + box[2]) / 2 - 6, (box[1] + box[3]) / 2 - 14, story.bureau.name)


def _evidence(story: StoryB) -> str:
    items = ["现场检查（勘察）笔录", "调查询问笔录", "现场照片", "营业执照复印件"]
    if story.violation.cause.startswith("超过"):
        items.insert(3, "监测报告")
    return "、".join(items)


def _contact(w: DocWriter, story: StoryB) -> None:
    w.para(f"联系人：{story.officers[0].name}、{story.officers[1].name}　　联系电话：0{story.index % 7 + 736}-"
           f"{6100000 + story.seed % 89989}", indent=2)
    w.para(f"我局地址：{story.bureau.address}", indent=2)


def render_notice(story: StoryB, family: str) -> Rendered:
    w = DocWriter(_rng(story, "notice"))
    title = "行政处罚事先（听证）告知书" if story.hearing else "行政处罚事先告知书"
    number = printed_number(story, "notice")
    _heading(w, story, family, title, number)
    _party(w, story, family)
    you, v = _you(family), story.violation
    days = cn_number(story.stated_days)
    if family == "outb_redhead":
        w.para(f"经查，{fmt_date(story.inspection, 'chinese')}，我局执法人员在现场检查中发现，{v.fact}。上述事实有"
               f"{_evidence(story)}等证据证实。")
        w.para(f"当事人的上述行为违反了{v.violated}的规定。依据{v.basis}的规定，我局拟对当事人作出罚款人民币"
               f"{amount_upper(story.fine)}的行政处罚。")
        w.para(f"根据《中华人民共和国行政处罚法》第四十五条的规定，当事人可在收到本告知书之日起{days}日内向我局提出"
               "陈述、申辩意见" + ("；根据该法第六十三条、第六十四条的规定，当事人有权要求举行听证，如要求听证，应当"
                               "在收到本告知书之日起五日内提出" if story.hearing else "")
               + "。逾期未提出的，视为放弃上述权利。")
    else:
        w.line("一、违法事实和证据", font="title")
        w.para(f"{fmt_date(story.inspection)}，我局对{you}进行现场检查，发现{you}{v.fact}。以上事实有{_evidence(story)}"
               "为证。")
        w.line("二、拟作出的行政处罚", font="title")
        w.para(f"{you}的上述行为违反了{v.violated}的规定，依据{v.basis}的规定，我局拟对{you}处罚款"
               f"{story.fine}元（大写：{amount_upper(story.fine)}）。")
        w.line("三、当事人享有的权利", font="title")
        w.para(f"{you}有权在收到本告知书之日起{days}日内进行陈述和申辩" + ("，并有权在收到本告知书之日起五个工作日"
                                                          "内书面要求举行听证" if story.hearing else "")
               + "。逾期未提出的，视为放弃此权利。")
    _contact(w, story)
    _closing(w, story, family, story.notice, seal=True)
    return Rendered(type="notice", title=title, writer=w, family=family, number=number, day=story.notice,
                    sealed=True, fields={"party": story.party.name})


def _statement_stage(w: DocWriter, story: StoryB, family: str, notice_title: str, notice_number: str) -> None:
    you = _you(family)
    style = DATE_STYLE[family]
    w.para(f"我局于{fmt_date(story.notice, style)}向{you}送达了《{notice_title}》（{notice_number}），告知{you}"
           "拟作出行政处罚的事实、理由、依据及依法享有的权利。")
    if story.hearing_held and story.hearing_day:
        w.para(f"{you}于{fmt_date(story.hearing_request, style)}提出听证申请。我局于{fmt_date(story.hearing_notice, style)}"
               f"向{you}送达《听证通知书》（{story.hearing_number}），并于{fmt_date(story.hearing_day, style)}依法举行听证。"
               f"{you}在听证中提出已完成整改、请求减轻处罚的意见。经复核，{you}的违法事实清楚、证据确凿，整改系法定义务，"
               "申辩理由不能成立，不予采纳。")
    elif story.statement_made and story.statement:
        if family == "outb_redhead":
            w.para(f"当事人于{fmt_date(story.statement, style)}提出陈述申辩，称已对违法行为进行整改，请求从轻处罚。经复核，"
                   "当事人所述整改情况属实，但不属于法定从轻或者减轻处罚的情形，对其陈述申辩意见不予采纳。")
        else:
            w.para(f"你公司于{fmt_date(story.statement, style)}到我局进行了陈述、申辩。我局对你公司提出的事实、理由和证据"
                   "进行了复核，认为你公司的申辩理由不成立，不予采纳。")
    elif family == "outb_redhead":
        w.para("当事人在法定期限内未提出陈述申辩" + ("，也未申请听证。" if story.hearing else "。"))
    else:
        w.para("你公司在告知书规定的期限内未进行陈述、申辩" + ("，未要求举行听证，" if story.hearing else "，")
               + "视为放弃上述权利。")


def render_decision(story: StoryB, family: str) -> Rendered:
    w = DocWriter(_rng(story, "decision"))
    title = "行政处罚决定书"
    number = printed_number(story, "decision")
    notice_number = printed_number(story, "notice")
    notice_title = "行政处罚事先（听证）告知书" if story.hearing else "行政处罚事先告知书"
    _heading(w, story, family, title, number)
    _party(w, story, family)
    you, v = _you(family), story.violation
    style = DATE_STYLE[family]
    if family == "outb_redhead":
        w.para(f"当事人{v.cause}一案，我局依法进行了调查，现已调查终结。经查明：")
        w.line("一、违法事实和证据", font="title")
    else:
        w.line("一、环境违法事实、证据和陈述申辩（听证）及采纳情况", font="title")
    w.para(f"{fmt_date(story.inspection, style)}，我局执法人员对{you}进行现场检查，发现{v.fact}。")
    w.para(f"以上事实，有{_evidence(story)}等证据证明。{you}的上述行为违反了{v.violated}的规定。")
    _statement_stage(w, story, family, notice_title, notice_number)
    w.line("二、行政处罚的依据和种类", font="title")
    w.para(f"依据{v.basis}的规定，我局决定对{you}处以罚款人民币{amount_upper(story.fine)}（¥{story.fine}元）。")
    w.line("三、履行方式和期限", font="title")
    w.para(f"{you}应自收到本决定书之日起十五日内将罚款缴至{story.bank_line()}。逾期不缴纳罚款的，我局将每日按罚款数额的"
           "百分之三加处罚款，并依法申请人民法院强制执行。")
    w.line("四、申请复议或者提起诉讼的途径和期限", font="title")
    w.para(f"{you}如不服本决定，可以在收到本决定书之日起六十日内向{story.bureau.city_government}申请行政复议，或者在六个月"
           f"内直接向{story.bureau.court}提起行政诉讼。")
    sealed = "seal.missing.decision" not in story.defects
    _closing(w, story, family, story.decision, seal=sealed)
    return Rendered(type="decision", title=title, writer=w, family=family, number=number, day=story.decision,
                    sealed=sealed, fields={"party": story.party.name})


def render_correction(story: StoryB, family: str) -> Rendered:
    w = DocWriter(_rng(story, "correction"))
    title = "责令改正违法行为决定书"
    number = printed_number(story, "correction_order")
    _heading(w, story, family, title, number)
    _party(w, story, family)
    you, v = _you(family), story.violation
    style = DATE_STYLE[family]
    w.line("一、环境违法事实和证据", font="title")
    w.para(f"{fmt_date(story.inspection, style)}，我局执法人员现场检查发现，{v.fact}。以上事实有现场检查（勘察）笔录、"
           "现场照片等证据证明。")
    w.line("二、责令改正的依据和内容", font="title")
    w.para(f"{you}的上述行为违反了{v.violated}的规定。依据《中华人民共和国行政处罚法》第二十八条第一款及{v.basis}的规定，"
           f"我局责令{you}{v.correction}。")
    w.line("三、申请复议或者提起诉讼的途径和期限", font="title")
    w.para(f"如不服本决定，可在收到本决定书之日起六十日内向{story.bureau.city_government}申请行政复议，也可在六个月内向"
           f"{story.bureau.court}提起行政诉讼。")
    _closing(w, story, family, story.correction, seal=True)
    return Rendered(type="correction_order", title=title, writer=w, family=family, number=number,
                    day=story.correction, sealed=True, fields={"party": story.party.name})


def render_hearing_notice(story: StoryB, family: str) -> Rendered:
    """听证通知书 (a statement_record by CONTRACT), sealed, served with its own 送达回证."""
    w = DocWriter(_rng(story, "hearing_notice"))
    title = "听证通知书"
    day = story.hearing_notice or story.notice
    hearing = story.hearing_day or day
    _heading(w, story, family, title, story.hearing_number)
    w.line(f"{story.party.name}：")
    w.para(f"根据你单位于{fmt_date(story.hearing_request or day, DATE_STYLE[family])}提出的听证申请，我局决定于"
           f"{fmt_date(hearing, DATE_STYLE[family])}上午9时30分在{story.bureau.address}{story.bureau.name}听证室，"
           f"就你单位{story.violation.cause}一案举行听证。")
    w.para(f"本次听证由{story.hearing_host}担任主持人，{story.hearing_clerk}担任记录员。你单位如申请主持人回避，应当在听证"
           "举行前向我局提出并说明理由。")
    w.para("请你单位法定代表人或者委托代理人（一至二人）持身份证明及授权委托书准时参加。无正当理由不到场的，视为放弃听证权利。")
    _contact(w, story)
    _closing(w, story, family, day, seal=True)
    return Rendered(type="statement_record", title=title, writer=w, family=family, number=story.hearing_number,
                    day=day, sealed=True, fields={"party": story.party.name})
