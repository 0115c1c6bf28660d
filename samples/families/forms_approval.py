"""Internal approval forms: 立案审批表, 行政处罚审批表 (案件审查表), 结案审批表; and 法制审核.

Approval layouts:
- appr_national2016: the 2016 guide's table: case facts as label/value rows, then opinion rows
  承办人意见 / 承办机构负责人审核意见 / 负责人审批意见, each “签名：… 年 月 日”.
- appr_chain5: the five-level chain many provinces print: 承办人 / 承办机构意见 / 法制审核意见 /
  分管领导意见 / 主要负责人意见, the label in a narrow left column, opinion above, signature and date
  at the cell's lower right.
- appr_namestamp: stacked full-width opinion boxes signed with red square 人名章 (name stamps)
  instead of ink, dates in Chinese numerals.
法制审核 layouts: lr_opinion_letter (法制审核意见书, prose), lr_table (重大执法决定法制审核表),
lr_checklist (法制审核意见表 with a 审核项目 / 审核情况 grid).
"""

from __future__ import annotations

import random
from datetime import date

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, fmt_date
from samples.families.story import Story

KINDS = {
    "filing_approval": ("立案审批表", "环境违法行为立案审批表", "立案登记表"),
    "internal_approval": ("行政处罚审批表", "案件处理内部审批表", "案件审查表"),
    "closing_approval": ("结案审批表", "行政处罚案件结案审批表", "结案审批表"),
}
FAMILY_INDEX = {"appr_national2016": 0, "appr_chain5": 1, "appr_namestamp": 2}


def _facts(story: Story, kind: str) -> list[tuple[str, str]]:
    p = story.party
    rows = [("当事人", p.name), ("法定代表人", p.legal_rep), ("统一社会信用代码", p.credit_code), ("地址", p.address),
            ("案由", story.violation.cause)]
    if kind == "filing_approval":
        rows.insert(0, ("立案号", story.case_number))
        rows.insert(0, ("案件来源", "日常监督检查"))
        rows.append(("案情简介及立案理由", f"{fmt_date(story.inspection)}现场检查发现，{story.violation.fact}。涉嫌违反"
                                  f"{story.violation.violated}的规定，建议立案调查。"))
    elif kind == "internal_approval":
        rows.append(("违法事实", story.violation.fact + "。"))
        rows.append(("拟处理意见", f"依据{story.violation.basis}的规定，拟罚款人民币{story.fine}元。"))
    else:
        rows.insert(0, ("处罚决定书文号", story.decision_number))
        rows.append(("处罚内容", f"罚款人民币{story.fine}元"))
        rows.append(("执行情况", f"当事人已于{fmt_date(story.payment)}缴纳全部罚款。"))
    return rows


def _opinions(story: Story, kind: str, family: str) -> list[tuple[str, str, str, str]]:
    """(label, opinion, signer, role) rows of the approval chain."""
    o1, o2 = story.officers[0].name, story.officers[1].name
    first = {"filing_approval": "建议立案调查。", "internal_approval": "建议按拟处理意见作出行政处罚。",
             "closing_approval": "处罚决定已执行完毕，建议结案。"}[kind]
    agree = {"filing_approval": "同意立案。", "internal_approval": "同意。", "closing_approval": "同意结案。"}[kind]
    if family == "appr_national2016":
        return [("承办人意见", first, f"{o1}、{o2}", "officer"),
                ("承办机构负责人审核意见", agree, story.leader_unit, "unit_head"),
                ("负责人审批意见", agree, story.leader_chief, "leader")]
    rows = [("承办人意见", first, f"{o1}、{o2}", "officer"),
            ("承办机构意见", agree, story.leader_unit, "unit_head")]
    if kind == "internal_approval":
        rows.append(("法制审核意见", "经审核，事实清楚，证据确凿，程序合法，同意。", story.leader_legal, "legal"))
    rows += [("分管领导意见", agree, story.leader_deputy, "deputy"),
             ("主要负责人意见", agree, story.leader_chief, "leader")]
    return rows


def _sign_names(w: DocWriter, names: str, role: str, x: float, base: float, stamp: bool) -> float:
    for name in names.split("、"):
        x = (w.name_stamp(x, base, name, role) if stamp else w.sign(x, base, name, role)) + 6
    return x


def render_approval(story: Story, kind: str, family: str) -> Rendered:
    rng = random.Random(f"{story.seed}:{story.index}:{kind}")
    day: date = {"filing_approval": story.filing, "internal_approval": story.approval,
                 "closing_approval": story.closing}[kind]
    title = KINDS[kind][FAMILY_INDEX[family]]
    w = DocWriter(rng)
    stamp = family == "appr_namestamp"
    style = "chinese" if stamp else "arabic"
    missing_sign = f"signature.missing.{kind}" in story.defects  # not planted today; kept for completeness
    w.skip(6)
    w.line(story.bureau.name, size=14, align="center", gap=1.5)
    w.title(title, size=20)
    number = story.case_number if kind == "filing_approval" else None
    if kind == "filing_approval" and family != "appr_national2016":
        w.line(f"立案号：{story.case_number}", align="right", size=11)
    w.skip(4)
    facts = _facts(story, kind)
    if family == "appr_namestamp":
        facts = [f for f in facts if f[0] != "立案号"]  # printed above the table instead
    y = w.y
    label_w = 110
    for label, value in facts:
        h = max(28.0, w.text_height(value, 10.5, RIGHT - LEFT - label_w))
        w.cell(LEFT, y, LEFT + label_w, y + h, label, align="center", size=10.5)
        w.cell(LEFT + label_w, y, RIGHT, y + h, value, size=10.5)
        y += h
    for label, opinion, signer, role in _opinions(story, kind, family):
        h = 74.0 if family != "appr_chain5" else 66.0
        if family == "appr_namestamp":
            w.cell(LEFT, y, RIGHT, y + h, f"{label}：{opinion}", valign="top", size=10.5)
            base = y + h - 12
            x = w.text_at(LEFT + 170, base, "签章：", 10.5)[2]
        else:
            w.cell(LEFT, y, LEFT + label_w, y + h, label, align="center", size=10.5)
            w.cell(LEFT + label_w, y, RIGHT, y + h, opinion, valign="top", size=10.5)
            base = y + h - 12
            x = w.text_at(LEFT + label_w + 150, base, "签名：", 10.5)[2]
        if not missing_sign:
            _sign_names(w, signer, role, x + 2, base, stamp)
        w.text_at(RIGHT - (130 if stamp else 90), base, fmt_date(day, style), 10.5)
        y += h
    w.y = y + 10
    return Rendered(type=kind, title=title, writer=w, family=family, number=number, day=day,
                    signed=not missing_sign, toc_number=number or "")


def render_legal_review(story: Story, family: str) -> Rendered:
    rng = random.Random(f"{story.seed}:{story.index}:legal")
    w = DocWriter(rng)
    day = story.legal_review
    p = story.party
    opinion = ("经审核，本案执法主体合法，程序合法，事实清楚，证据确凿，适用法律正确，裁量适当，文书规范，"
               "同意承办机构的处理意见。")
    if family == "lr_opinion_letter":
        title = "法制审核意见书"
        w.skip(10)
        w.line(story.bureau.name, size=14, align="center", gap=1.5)
        w.title(title, size=20)
        w.skip(6)
        w.line(f"承办机构：{story.bureau.name}执法队")
        w.para(f"送审事项：{p.name}{story.violation.cause}一案拟作出行政处罚决定，于{fmt_date(story.investigation)}"
               "送交法制审核。", indent=0)
        w.para("审核内容：执法主体、管辖权限、执法程序、事实证据、法律适用、裁量基准、执法文书。", indent=0)
        w.para(f"审核意见：{opinion}", indent=0)
        w.skip(24)
        base = w.y
        x = w.text_at(LEFT + 220, base, "审核人：", 12)[2]
        x = w.sign(x + 4, base, story.leader_legal, "legal")
        w.text_at(RIGHT - 100, base, fmt_date(day), 12)
        w.y = base + 20
    elif family == "lr_table":
        title = "重大执法决定法制审核表"
        w.skip(8)
        w.title(title, size=19)
        w.line(f"（{story.bureau.name}）", align="center", size=11)
        rows = [("案件名称", f"{p.name}{story.violation.cause}案"), ("当事人", p.name),
                ("承办机构", "执法队"), ("送审时间", fmt_date(story.investigation)),
                ("拟处理意见", f"罚款人民币{story.fine}元"), ("审核意见", opinion)]
        y = w.y + 4
        for label, value in rows:
            h = max(30.0, w.text_height(value, 10.5, RIGHT - LEFT - 110))
            w.cell(LEFT, y, LEFT + 110, y + h, label, align="center", size=10.5)
            w.cell(LEFT + 110, y, RIGHT, y + h, value, size=10.5)
            y += h
        for label, name, role in (("审核人", story.leader_legal, "legal"), ("法制机构负责人", story.leader_deputy, "deputy")):
            w.cell(LEFT, y, LEFT + 110, y + 50, label, align="center", size=10.5)
            w.cell(LEFT + 110, y, RIGHT, y + 50)
            w.sign(LEFT + 130, y + 34, name, role)
            w.text_at(RIGHT - 100, y + 34, fmt_date(day), 10.5)
            y += 50
        w.y = y + 10
    else:
        title = "法制审核意见表"
        w.skip(8)
        w.line(story.bureau.name, size=14, align="center", gap=1.5)
        w.title(title, size=19)
        w.line(f"案件名称：{p.name}{story.violation.cause}案", size=11)
        items = ["执法主体是否合法", "是否超越法定权限", "案件事实是否清楚", "证据是否确实充分", "适用法律是否准确",
                 "程序是否合法", "裁量是否适当", "执法文书是否规范"]
        y = w.y + 4
        w.cell(LEFT, y, LEFT + 40, y + 26, "序号", align="center", size=10)
        w.cell(LEFT + 40, y, LEFT + 300, y + 26, "审核项目", align="center", size=10)
        w.cell(LEFT + 300, y, RIGHT, y + 26, "审核情况", align="center", size=10)
        y += 26
        for i, item in enumerate(items, 1):
            w.cell(LEFT, y, LEFT + 40, y + 24, str(i), align="center", size=10)
            w.cell(LEFT + 40, y, LEFT + 300, y + 24, item, size=10)
            w.cell(LEFT + 300, y, RIGHT, y + 24, "否" if item.startswith("是否超越") else "是", align="center", size=10)
            y += 24
        h = 90
        w.cell(LEFT, y, RIGHT, y + h, f"审核结论：{opinion}", valign="top", size=10.5)
        base = y + h - 12
        x = w.text_at(LEFT + 220, base, "审核人：", 10.5)[2]
        w.sign(x + 2, base, story.leader_legal, "legal")
        w.text_at(RIGHT - 90, base, fmt_date(day), 10.5)
        w.y = y + h + 10
    return Rendered(type="legal_review", title=title, writer=w, family=family, day=day, signed=True)
