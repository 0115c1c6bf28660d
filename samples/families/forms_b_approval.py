"""Set b approval forms (立案审批表, 行政处罚审批表, 结案审批表).

- apprb_horizontal: the case facts as label/value rows, then the opinions side by side in one
  horizontal table, a column per level (承办人意见 | 审核意见 | [法制审核意见 |] 审批意见), each column
  holding the opinion, the signature and the date written by hand under it.
- apprb_oa: an electronic approval printout (OA 协同办公 流程打印件): the form's fields, then the
  flow log, a row per node (节点, 处理人, 处理时间, 处理意见). Approval is shown by the log, not by
  ink: no signature on the page, and the signing requirement is met (`signed` true).
"""

from __future__ import annotations

import random
from datetime import date

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, fmt_date
from samples.families.forms_b_records import hand
from samples.families.story_b import StoryB

TITLES = {"filing_approval": "立案审批表", "internal_approval": "行政处罚审批表", "closing_approval": "结案审批表"}


def _facts(story: StoryB, kind: str) -> list[tuple[str, str]]:
    p, v = story.party, story.violation
    rows = [("当事人", p.name), ("统一社会信用代码", p.credit_code), ("法定代表人", p.legal_rep), ("地址", p.address),
            ("案由", v.cause)]
    if kind == "filing_approval":
        rows = [("立案号", story.case_number), ("案件来源", "现场检查发现"), *rows]
        rows.append(("简要案情及立案理由", f"{fmt_date(story.inspection)}检查发现，{v.fact}。涉嫌违反{v.violated}的规定，"
                                   "符合立案条件，建议立案调查。"))
    elif kind == "internal_approval":
        rows.append(("违法事实及证据", f"{v.fact}。有现场检查笔录、询问笔录、现场照片等为证。"))
        rows.append(("处罚依据及建议", f"依据{v.basis}，建议罚款人民币{story.fine}元。"))
    else:
        rows = [("处罚决定书文号", story.decision_number), *rows]
        rows.append(("执行情况", f"罚款{story.fine}元已于{fmt_date(story.payment)}缴清。"))
    return rows


def _chain(story: StoryB, kind: str) -> list[tuple[str, str, list[str], str]]:
    """(column heading, opinion, signers, role) from 承办人 up to the approving head."""
    o1, o2 = story.officers[0].name, story.officers[1].name
    first = {"filing_approval": "建议立案调查。", "internal_approval": "建议按上述意见给予行政处罚。",
             "closing_approval": "已执行完毕，建议结案。"}[kind]
    agree = {"filing_approval": "同意立案。", "internal_approval": "同意。", "closing_approval": "同意结案。"}[kind]
    chain = [("承办人意见", first, [o1, o2], "officer"), ("审核意见", "同意承办人意见。", [story.leader_unit], "unit_head")]
    if kind == "internal_approval":
        chain.append(("法制审核意见", "事实清楚，程序合法，同意。", [story.leader_legal], "legal"))
    chain.append(("审批意见", agree, [story.leader_chief], "leader"))
    return chain


def _facts_table(w: DocWriter, rows: list[tuple[str, str]]) -> None:
    y = w.y
    for label, value in rows:
        h = max(26.0, w.text_height(value, 10.5, RIGHT - LEFT - 120))
        w.cell(LEFT, y, LEFT + 120, y + h, label, align="center", size=10.5)
        w.cell(LEFT + 120, y, RIGHT, y + h, value, size=10.5)
        y += h
    w.y = y


def _horizontal(w: DocWriter, story: StoryB, kind: str, day: date) -> None:
    chain = _chain(story, kind)
    width = (RIGHT - LEFT) / len(chain)
    y = w.y + 8
    for i, (head, _, _, _) in enumerate(chain):
        w.cell(LEFT + i * width, y, LEFT + (i + 1) * width, y + 26, head, align="center", size=10.5)
    y += 26
    h = 150.0
    for i, (_, opinion, signers, role) in enumerate(chain):
        x0 = LEFT + i * width
        w.cell(x0, y, x0 + width, y + h, opinion, valign="top", size=10.5)
        base = y + 72
        w.text_at(x0 + 6, base - 18, "签名：", 10)
        for name in signers:
            w.sign(x0 + 10, base, name, role, height=20)
            base += 24
        hand(w, x0 + 8, y + h - 10, f"{day.year}.{day.month}.{day.day}", role, height=13)
    w.y = y + h + 8


def _oa(w: DocWriter, story: StoryB, kind: str, day: date, rng: random.Random) -> None:
    chain = _chain(story, kind)
    nodes: list[tuple[str, str, str]] = [("发起（承办人）", story.officers[0].name, "提请审批。")]
    nodes.append(("承办人会签", story.officers[1].name, chain[0][1]))
    labels = {"unit_head": "承办科室负责人审核", "legal": "法制审核", "leader": "局负责人审批"}
    for _, opinion, signers, role in chain[1:]:
        nodes.append((labels[role], signers[0], opinion))
    nodes.append(("办结归档", story.officers[0].name, "流程结束。"))
    minute = rng.randint(0, 20)
    w.skip(10)
    w.line("流转记录", font="title", size=12)
    y = w.y
    cols = [LEFT, LEFT + 34, LEFT + 150, LEFT + 222, LEFT + 340, RIGHT]
    for i, head in enumerate(("序号", "节点", "处理人", "处理时间", "处理意见")):
        w.cell(cols[i], y, cols[i + 1], y + 24, head, align="center", size=10)
    y += 24
    hour = 8
    for n, (node, who, opinion) in enumerate(nodes, 1):
        minute += rng.randint(12, 50)
        hour += minute // 60
        minute %= 60
        stamp = f"{day.isoformat()} {min(hour, 17):02d}:{minute:02d}"
        for i, value in enumerate((str(n), node, who, stamp, opinion)):
            w.cell(cols[i], y, cols[i + 1], y + 30, value, align="left" if i in (1, 4) else "center", size=9.5)
        y += 30
    w.y = y + 10
    w.line(f"打印人：{story.officers[0].name}　　打印时间：{day.isoformat()} 17:{rng.randint(20, 58):02d}", size=9.5,
           align="right")


def render_approval(story: StoryB, kind: str, family: str) -> Rendered:
    rng = random.Random(f"b:{story.seed}:{story.index}:{kind}")
    day: date = {"filing_approval": story.filing, "internal_approval": story.approval,
                 "closing_approval": story.closing}[kind]
    title = TITLES[kind]
    w = DocWriter(rng)
    if family == "apprb_oa":
        w.skip(2)
        w.line(f"{story.bureau.name}协同办公平台 · 流程打印", size=10, colour=(0.3, 0.3, 0.3))
        w.page.draw_line((LEFT, w.y - 4), (RIGHT, w.y - 4), color=(0.5, 0.5, 0.5), width=0.6)
        w.skip(6)
        w.title(title, size=19)
        w.line(f"流程编号：{day.year}{rng.randint(100000, 999999)}　　发起部门：执法支队　　紧急程度：普通", size=10)
        _facts_table(w, _facts(story, kind))
        _oa(w, story, kind, day, rng)
    else:
        w.skip(6)
        w.line(story.bureau.name, size=14, align="center", gap=1.5)
        w.title(title, size=20)
        _facts_table(w, _facts(story, kind))
        _horizontal(w, story, kind, day)
    number = story.case_number if kind == "filing_approval" else None
    return Rendered(type=kind, title=title, writer=w, family=family, number=number, day=day, signed=True,
                    toc_number=number or "")
