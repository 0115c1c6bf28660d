"""Outgoing 文书: 行政处罚事先（听证）告知书, 行政处罚决定书, 责令改正违法行为决定书.

Three families, after published bureau documents (SOURCES.md):
- out_gongwen: GB/T 9704 style: the bureau's name as a red heading, the title, the 文号 centred,
  the party as 主送 (“某某有限公司：”), numbered sections, bureau + Arabic date, seal over the date.
- out_titleline: bureau and title on one spaced heading (湘西/遂宁 style), 文号 right-aligned,
  party block with labels (当事人：…), dates in Chinese numerals (二〇二四年五月十一日).
- out_numberfirst: the 文号 printed above the title at the top right (older provincial sets),
  no bureau heading, 被处罚人：/单位名称： labels, dates with spaces (2024年 5月 11日).
"""

from __future__ import annotations

import random
from datetime import date

from samples.families.canvas import RIGHT, DocWriter, Rendered, amount_upper, cn_number, fmt_date
from samples.families.story import Story, malformed


def story_rng(story: Story, what: str) -> random.Random:
    return random.Random(f"{story.seed}:{story.index}:{what}")


DATE_STYLE = {"out_gongwen": "arabic", "out_titleline": "chinese", "out_numberfirst": "spaced"}
SECTION_DECISION = {
    "out_gongwen": ("一、环境违法事实和证据", "二、行政处罚的依据、种类", "三、行政处罚决定的履行方式和期限",
                    "四、申请行政复议或者提起行政诉讼的途径和期限"),
    "out_titleline": ("一、违法事实、证据和陈述申辩（听证）及采纳情况", "二、行政处罚的依据、种类及其履行方式、期限",
                      "", "三、申请复议或者提起诉讼的途径和期限"),
    "out_numberfirst": ("一、违法事实和证据", "二、处罚依据和处罚种类", "三、履行方式和期限", "四、救济途径和期限"),
}


def printed_number(story: Story, which: str) -> str:
    canonical = {"notice": story.notice_number, "decision": story.decision_number,
                 "correction_order": story.correction_number}[which]
    if f"number.malformed.{which}" in story.defects:
        return malformed(canonical, story.malformed_variant)
    return canonical


def _days(n: int) -> str:
    return cn_number(n) + "日"


def _heading(w: DocWriter, story: Story, family: str, title: str, number: str) -> None:
    bureau = story.bureau.name
    if family == "out_gongwen":
        w.skip(20)
        w.line(bureau, size=22, font="title", align="center", gap=1.8, colour=(0.8, 0.05, 0.05))
        w.title(title, size=20)
        w.number(number)
    elif family == "out_titleline":
        w.skip(10)
        w.line(bureau, size=18, font="title", align="center", gap=1.6)
        w.title(title, size=22, spaced=True)
        w.number(number, align="right")
    else:
        w.number(number, align="right")
        w.skip(6)
        w.title(title, size=20)
    w.skip(6)


def _party_block(w: DocWriter, story: Story, family: str) -> None:
    p = story.party
    if family == "out_gongwen":
        w.line(f"{p.name}：")
        w.line(f"统一社会信用代码：{p.credit_code}")
        w.line(f"法定代表人：{p.legal_rep}")
        w.line(f"地址：{p.address}")
    elif family == "out_titleline":
        w.line(f"当事人：{p.name}")
        w.line(f"统一社会信用代码：{p.credit_code}")
        w.line(f"法定代表人（负责人）：{p.legal_rep}")
        w.line(f"住所：{p.address}")
    else:
        w.line(f"被处罚人（单位名称）：{p.name}")
        w.line(f"法定代表人：{p.legal_rep}        统一社会信用代码：{p.credit_code}")
        w.line(f"详细地址：{p.address}")
    w.skip(4)


def _closing(w: DocWriter, story: Story, family: str, day: date, *, seal: bool) -> None:
    w.skip(26)
    w.ensure(90)
    bureau = story.bureau.name
    right = RIGHT - 20
    w.line(bureau, align="right", right=right)
    box = w.line(fmt_date(day, DATE_STYLE[family]), align="right", right=right)
    if seal:
        cx = (box[0] + box[2]) / 2
        w.seal(cx, (box[1] + box[3]) / 2 - 10, bureau)


def _evidence_list(story: Story) -> str:
    items = ["《现场检查（勘察）笔录》", "《调查询问笔录》", "现场照片"]
    if story.violation.cause.startswith("超过"):
        items.append("监测报告")
    items.append("营业执照复印件")
    return "、".join(items)


def _sentence_you(family: str) -> str:
    return {"out_gongwen": "你单位", "out_titleline": "你公司", "out_numberfirst": "你单位"}[family]


def render_notice(story: Story, family: str) -> Rendered:
    w = DocWriter(story_rng(story, "notice"))
    title = "行政处罚事先（听证）告知书" if story.hearing else "行政处罚事先告知书"
    number = printed_number(story, "notice")
    _heading(w, story, family, title, number)
    _party_block(w, story, family)
    you = _sentence_you(family)
    v = story.violation
    w.para(f"{fmt_date(story.inspection)}，我局执法人员对{you}进行现场检查，发现{you}{v.fact}。")
    w.para(f"以上事实，有{_evidence_list(story)}等证据为凭。")
    w.para(f"{you}上述行为违反了{v.violated}的规定。")
    w.para(f"依据{v.basis}的规定，我局拟对{you}作出如下行政处罚：罚款人民币{amount_upper(story.fine)}"
           f"（¥{story.fine:,}.00元）。")
    days = _days(story.stated_days)
    if family == "out_gongwen":
        law = "第四十四条、第四十五条、第六十三条、第六十四条" if story.hearing else "第四十四条、第四十五条"
        right = "有权进行陈述和申辩，并有权要求举行听证" if story.hearing else "有权进行陈述和申辩"
        ask = "陈述、申辩或者要求听证" if story.hearing else "陈述、申辩"
        w.para(f"根据《中华人民共和国行政处罚法》{law}的规定，{you}{right}。{you}如需{ask}，"
               f"应当在收到本告知书之日起{days}内向我局提出，逾期未提出的，视为放弃上述权利。")
    elif family == "out_titleline":
        w.para(f"{you}如对上述拟处罚内容有异议，可在收到本告知书后{days}内向我局提出陈述、申辩。")
        if story.hearing:
            w.para(f"对上述拟作出的罚款处罚，{you}有要求举行听证的权利。如要求听证，应当在收到本告知书之日起"
                   f"五个工作日内向我局提出书面申请。")
        w.para("逾期未提出的，视为放弃陈述、申辩" + ("和听证的权利。" if story.hearing else "的权利。"))
    else:
        w.para(f"现将拟作出的行政处罚告知{you}。{you}可在收到本告知书之日起{days}内向我局提出陈述和申辩意见"
               + ("，也可以在五个工作日内书面要求举行听证" if story.hearing else "")
               + "。逾期不陈述、申辩" + ("、不要求听证" if story.hearing else "") + "的，视为放弃权利。")
    w.para(f"联系人：{story.officers[0].name}　　联系电话：0{story.index % 9 + 731}-{8200000 + story.seed % 99991}",
           indent=2)
    w.para(f"联系地址：{story.bureau.address}", indent=2)
    _closing(w, story, family, story.notice, seal=True)
    return Rendered(type="notice", title=title, writer=w, family=family, number=number, day=story.notice,
                    sealed=True, fields={"party": story.party.name})


def render_decision(story: Story, family: str) -> Rendered:
    w = DocWriter(story_rng(story, "decision"))
    title = "行政处罚决定书"
    number = printed_number(story, "decision")
    notice_number = printed_number(story, "notice")
    _heading(w, story, family, title, number)
    _party_block(w, story, family)
    you = _sentence_you(family)
    v = story.violation
    sections = SECTION_DECISION[family]
    if family == "out_gongwen":
        w.para(f"{story.party.name}{v.cause}一案，经我局调查，现已审查终结。")
    w.line(sections[0], font="title")
    w.para(f"{fmt_date(story.inspection)}，我局执法人员对{you}进行现场检查，发现{you}{v.fact}。")
    w.para(f"以上事实，有{_evidence_list(story)}等证据为凭。{you}上述行为违反了{v.violated}的规定。")
    notice_title = "行政处罚事先（听证）告知书" if story.hearing else "行政处罚事先告知书"
    rights = "有权进行陈述和申辩" + ("和要求听证" if story.hearing else "")
    w.para(f"我局于{fmt_date(story.notice)}以《{notice_title}》（{notice_number}）告知{you}违法事实、处罚依据和"
           f"拟作出的处罚决定，并告知{you}{rights}。")
    if story.statement_made and story.statement:
        w.para(f"{you}于{fmt_date(story.statement)}提出陈述申辩意见，称已积极整改，请求免予处罚。经复核，我局认为"
               f"{you}的违法事实清楚，整改系法定义务，陈述申辩理由不能成立，不予采纳。")
    else:
        variants = {
            "out_gongwen": (f"{you}在规定期限内未提出陈述申辩，也未要求听证。" if story.hearing
                            else f"{you}在规定期限内未提出陈述申辩。"),
            "out_titleline": (f"{you}在法定期间内未提出陈述和申辩，也未申请听证。" if story.hearing
                              else f"{you}在法定期间内未提出陈述和申辩。"),
            "out_numberfirst": (f"{you}逾期未陈述申辩，也未要求听证。我局认为，{you}放弃了上述权利。" if story.hearing
                                else f"{you}逾期未陈述申辩。我局认为，{you}放弃了陈述申辩的权利。"),
        }
        w.para(variants[family])
    w.line(sections[1], font="title")
    w.para(f"依据{v.basis}的规定，我局决定对{you}作出如下行政处罚：")
    w.para(f"罚款人民币{amount_upper(story.fine)}（¥{story.fine:,}.00元）。")
    if sections[2]:
        w.line(sections[2], font="title")
    w.para(f"{you}应当自收到本决定书之日起十五日内，将罚款缴至{story.bank_line()}。到期不缴纳罚款的，我局可以每日按罚款"
           "数额的百分之三加处罚款。")
    w.line(sections[3], font="title")
    w.para(f"{you}如不服本处罚决定，可在收到本决定书之日起六十日内向{story.bureau.city_government}申请行政复议，"
           f"也可以在收到本决定书之日起六个月内向{story.bureau.court}提起行政诉讼。申请行政复议或者提起行政诉讼，"
           "不停止行政处罚决定的执行。")
    w.para("逾期不申请行政复议，不提起行政诉讼，又不履行本处罚决定的，我局将依法申请人民法院强制执行。")
    sealed = "seal.missing.decision" not in story.defects
    _closing(w, story, family, story.decision, seal=sealed)
    return Rendered(type="decision", title=title, writer=w, family=family, number=number, day=story.decision,
                    sealed=sealed, fields={"party": story.party.name})


def render_correction(story: Story, family: str) -> Rendered:
    w = DocWriter(story_rng(story, "correction"))
    title = "责令改正违法行为决定书"
    number = printed_number(story, "correction_order")
    _heading(w, story, family, title, number)
    _party_block(w, story, family)
    you = _sentence_you(family)
    v = story.violation
    w.para(f"我局于{fmt_date(story.inspection)}对{you}进行了调查，发现{you}实施了以下环境违法行为：{v.fact}。")
    w.para("以上事实，有《现场检查（勘察）笔录》、现场照片等证据为凭。")
    w.para(f"{you}上述行为违反了{v.violated}的规定。依据《中华人民共和国行政处罚法》第二十八条第一款和{v.basis}"
           f"的规定，现责令{you}{v.correction}。")
    w.para(f"{you}如对本决定不服，可在收到本决定书之日起六十日内向{story.bureau.city_government}申请行政复议，也可以在"
           f"收到本决定书之日起六个月内向{story.bureau.court}提起行政诉讼。")
    w.para(f"我局将对{you}改正违法行为的情况进行监督。")
    _closing(w, story, family, story.correction, seal=True)
    return Rendered(type="correction_order", title=title, writer=w, family=family, number=number,
                    day=story.correction, sealed=True, fields={"party": story.party.name})
