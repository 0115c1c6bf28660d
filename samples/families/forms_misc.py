"""The rest of a case: evidence, 调查报告, 缴款书, 封面, 卷内目录, 备考表.

Evidence families decide how the 卷内目录 groups the evidence pages, which is what the truth's
evidence documents follow:
- ev_photo_sheets: one entry 现场照片及说明 spanning every photo page (2-4 pages), one entry per copy;
- ev_grouped: photos as one entry, licence and ID copies as one 当事人主体资格证明材料 entry;
- ev_itemised: every photo page its own entry 现场照片（一）, 现场照片（二）…
Misc families (misc_a/b/c) vary the report's title and sections, the payment slip's form
(非税收入一般缴款书 / 罚没款缴款凭证 / 银行电子回单) and the 备考表's wording.
"""

from __future__ import annotations

import random
from datetime import date

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, amount_upper, fmt_date
from samples.families.story import Story

CN_ORD = "一二三四五六七八九十"


def _rng(story: Story, what: str) -> random.Random:
    return random.Random(f"{story.seed}:{story.index}:{what}")


def _photo_page(w: DocWriter, story: Story, n: int, subjects: list[str], sign: bool) -> None:
    w.skip(4)
    w.title("现场照片（图片、影像资料）证据", size=16)
    w.line(f"当事人：{story.party.name}", size=11)
    for k in range(2):
        top = w.y + 4
        w.photo(LEFT + 30, top, RIGHT - 30, top + 220)
        w.y = top + 228
        w.line(f"照片{2 * n + k + 1}：拍摄时间：{fmt_date(story.inspection)}　拍摄地点：{story.party.address}", size=10)
        w.line(f"拍摄人：{story.officers[0].name}　见证人：{story.party.contact}　证明对象：{subjects[k % len(subjects)]}",
               size=10)
    if sign:
        base = w.y + 16
        x = w.text_at(LEFT + 250, base, "当事人确认（签名）：", 10)[2]
        w.sign(x + 2, base, story.party.contact, "party", height=18)
        w.y = base + 10


def _copy_page(w: DocWriter, story: Story, what: str) -> None:
    w.skip(30)
    w.title(what, size=16)
    top = w.y + 10
    w.page.draw_rect((LEFT + 40, top, RIGHT - 40, top + 300), color=(0.3, 0.3, 0.3), width=1.2)
    lines = ([f"名称：{story.party.name}", f"统一社会信用代码：{story.party.credit_code}", "类型：有限责任公司",
              f"法定代表人：{story.party.legal_rep}", f"住所：{story.party.address}"]
             if "营业执照" in what else
             [f"姓名：{story.party.legal_rep}", "民族：汉", f"住址：{story.party.address[:6]}某村", "公民身份号码：（略）"])
    y = top + 40
    for line in lines:
        w.text_at(LEFT + 70, y, line, 11, colour=(0.25, 0.25, 0.25))
        y += 30
    w.y = top + 320
    base = w.y + 20
    x = w.text_at(LEFT + 200, base, "此复印件与原件核对无误。提供人：", 11)[2]
    w.sign(x + 2, base, story.party.contact, "provider", height=18)
    w.text_at(RIGHT - 100, base + 22, fmt_date(story.inspection), 11)
    w.y = base + 30


def _monitoring(w: DocWriter, story: Story) -> None:
    w.skip(10)
    w.line("CMA", size=16, font="title", colour=(0.1, 0.2, 0.6))
    w.title("监 测 报 告", size=22)
    lab = f"{story.bureau.name[:3]}生态环境监测中心"
    w.line(f"报告编号：JC{story.year}-{story.index + 100:03d}", align="center", size=11)
    w.skip(10)
    w.line(f"委托单位：{story.bureau.name}")
    w.line(f"受检单位：{story.party.name}")
    w.line(f"采样日期：{fmt_date(story.inspection)}　　报告日期：{fmt_date(story.monitoring)}")
    cols = [LEFT, LEFT + 120, LEFT + 230, LEFT + 340, RIGHT]
    y = w.y + 8
    for i, head in enumerate(("监测点位", "监测项目", "监测结果(mg/L)", "标准限值(mg/L)")):
        w.cell(cols[i], y, cols[i + 1], y + 26, head, align="center", size=10)
    y += 26
    for row in (("废水总排口", "化学需氧量", "168", "100"), ("废水总排口", "氨氮", "9.6", "15"),
                ("废水总排口", "悬浮物", "52", "70")):
        for i, value in enumerate(row):
            w.cell(cols[i], y, cols[i + 1], y + 24, value, align="center", size=10)
        y += 24
    w.y = y + 20
    w.line("编制：　　　　审核：　　　　签发：", x=LEFT + 60)
    box = w.line(lab, align="right", right=RIGHT - 30)
    w.line(fmt_date(story.monitoring), align="right", right=RIGHT - 30)
    w.seal((box[0] + box[2]) / 2, box[3] + 4, lab, diameter=100)


def render_evidence(story: Story, family: str) -> list[Rendered]:
    """The evidence documents, as the 卷内目录 lists them."""
    rng = _rng(story, "evidence")
    photo_pages = rng.randint(2, 4) if family != "ev_itemised" else rng.randint(2, 3)
    subjects = ["生产车间现状", "污染防治设施运行情况", "现场负责人在场", "违法行为现状"]
    sign = rng.random() < 0.5
    out: list[Rendered] = []
    if family == "ev_itemised":
        for n in range(photo_pages):
            w = DocWriter(rng)
            _photo_page(w, story, n, subjects, sign)
            out.append(Rendered(type="evidence", title="现场照片（图片、影像资料）证据", writer=w, family=family,
                                toc_title=f"现场照片（{CN_ORD[n]}）", day=story.inspection))
    else:
        w = DocWriter(rng)
        for n in range(photo_pages):
            if n:
                w.new_page()
            _photo_page(w, story, n, subjects, sign)
        out.append(Rendered(type="evidence", title="现场照片（图片、影像资料）证据", writer=w, family=family,
                            toc_title="现场照片及说明", day=story.inspection))
    if story.violation.cause.startswith("超过") or rng.random() < 0.3:
        w = DocWriter(rng)
        _monitoring(w, story)
        out.append(Rendered(type="evidence", title="监测报告", writer=w, family=family, toc_title="监测报告",
                            day=story.monitoring))
    if family == "ev_grouped":
        w = DocWriter(rng)
        _copy_page(w, story, "营业执照（副本）复印件")
        w.new_page()
        _copy_page(w, story, "法定代表人身份证复印件")
        out.append(Rendered(type="evidence", title="营业执照（副本）复印件", writer=w, family=family,
                            toc_title="当事人主体资格证明材料", day=story.inspection))
    else:
        for what in ("营业执照（副本）复印件", "法定代表人身份证复印件"):
            w = DocWriter(rng)
            _copy_page(w, story, what)
            out.append(Rendered(type="evidence", title=what, writer=w, family=family, toc_title=what.replace("（副本）", ""),
                                day=story.inspection))
    return out


def render_investigation(story: Story, family: str) -> Rendered:
    rng = _rng(story, "investigation")
    title = {"misc_a": "行政处罚案件调查报告", "misc_b": "案件调查报告", "misc_c": "调查终结报告"}[family]
    w = DocWriter(rng)
    v = story.violation
    w.skip(10)
    w.title(title, size=20)
    w.skip(6)
    heads = ("一、案件来源", "二、当事人基本情况", "三、违法事实和证据", "四、处罚依据及裁量", "五、处理意见")
    w.line(heads[0], font="title")
    w.para(f"{fmt_date(story.inspection)}，执法人员在日常监督检查中发现{story.party.name}涉嫌{v.cause}，"
           f"于{fmt_date(story.filing)}立案调查（{story.case_number}）。")
    w.line(heads[1], font="title")
    w.para(f"{story.party.name}，统一社会信用代码{story.party.credit_code}，法定代表人{story.party.legal_rep}，"
           f"地址{story.party.address}。")
    w.line(heads[2], font="title")
    w.para(f"经调查，{v.fact}。上述事实有现场检查（勘察）笔录、调查询问笔录、现场照片等证据证明。当事人上述行为违反了"
           f"{v.violated}的规定。")
    w.line(heads[3], font="title")
    w.para(f"依据{v.basis}的规定，结合违法情节，建议罚款人民币{amount_upper(story.fine)}。")
    w.line(heads[4], font="title")
    w.para("建议按上述意见作出行政处罚，并责令当事人改正违法行为。")
    w.skip(20)
    base = w.y
    x = w.text_at(LEFT + 200, base, "承办人：", 12)[2]
    for o in story.officers[:2]:
        x = w.sign(x + 4, base, o.name, "officer")
    w.text_at(RIGHT - 100, base + 26, fmt_date(story.investigation), 12)
    w.y = base + 40
    return Rendered(type="investigation_report", title=title, writer=w, family=family, day=story.investigation,
                    signed=True)


def render_payment(story: Story, family: str) -> Rendered:
    rng = _rng(story, "payment")
    w = DocWriter(rng)
    title = {"misc_a": "非税收入一般缴款书", "misc_b": "罚没款缴款凭证", "misc_c": "罚没款缴款书"}[family]
    w.skip(20)
    w.title(title, size=18)
    w.line(f"填制日期：{fmt_date(story.payment)}　　　票据号码：{rng.randint(10**9, 10**10 - 1)}", size=10, align="center")
    rows = [("缴款人全称", story.party.name), ("执收单位", story.bureau.name), ("收款人", f"{story.bureau.name[:3]}财政局"),
            ("项目名称", "环保罚没收入"), ("金额（大写）", amount_upper(story.fine)), ("金额（小写）", f"¥{story.fine:,}.00"),
            ("备注", f"{story.decision_number}")]
    y = w.y + 6
    for label, value in rows:
        w.cell(LEFT, y, LEFT + 130, y + 30, label, align="center", size=11)
        w.cell(LEFT + 130, y, RIGHT, y + 30, value, size=11)
        y += 30
    w.y = y + 30
    w.bank_stamp(RIGHT - 110, w.y + 40, story.bureau.bank[:10], story.payment.isoformat())
    w.y += 100
    return Rendered(type="payment_receipt", title=title, writer=w, family=family, day=story.payment, sealed=True)


def render_archive_note(story: Story, family: str, documents: int, pages: int) -> Rendered:
    rng = _rng(story, "archive_note")
    w = DocWriter(rng)
    w.skip(20)
    w.title("卷内备考表" if family != "misc_b" else "备考表", size=20)
    w.skip(20)
    w.para(f"本卷情况说明：本卷共有文件材料{documents}件，共{pages}页（不含封面、卷内目录和备考表）。"
           + ("卷内文件材料齐全完整，无缺损、涂改现象。" if family != "misc_c" else "照片及音像资料另行保存。"))
    w.skip(60)
    for label, name, role in (("立卷人", story.officers[0].name, "filer"), ("检查人", story.leader_unit, "checker")):
        base = w.y
        x = w.text_at(LEFT + 200, base, f"{label}：", 12)[2]
        w.sign(x + 4, base, name, role)
        w.y = base + 36
    w.line(f"立卷时间：{fmt_date(story.archived)}", x=LEFT + 200)
    return Rendered(type="archive_note", title="卷内备考表", writer=w, family=family, day=story.archived, signed=True)


def render_cover(story: Story, family: str, documents: int, pages: int) -> Rendered:
    rng = _rng(story, "cover")
    w = DocWriter(rng)
    name = f"{story.party.name}{story.violation.cause}案"
    if family == "cover_grid":
        w.skip(40)
        w.line(story.bureau.name, size=18, align="center", gap=2)
        w.title("行政处罚案卷", size=30)
        w.skip(30)
        rows = [("案件名称", name), ("当事人", story.party.name), ("案由", story.violation.cause),
                ("立案日期", fmt_date(story.filing)), ("结案日期", fmt_date(story.closing)),
                ("处罚决定书文号", story.decision_number), ("卷内件数", f"{documents}件"), ("卷内页数", f"{pages}页"),
                ("保管期限", "永久"), ("归档号", f"{story.year}{story.index + 1:04d}")]
        y = w.y
        for label, value in rows:
            h = max(34.0, w.text_height(value, 12, RIGHT - LEFT - 130))
            w.cell(LEFT, y, LEFT + 130, y + h, label, align="center", size=12)
            w.cell(LEFT + 130, y, RIGHT, y + h, value, size=12)
            y += h
        title = "行政处罚案卷"
    elif family == "cover_plain":
        w.skip(120)
        w.title("卷  宗", size=40, font="title")
        w.skip(60)
        for line in (f"题名：{name}", f"单位：{story.bureau.name}", f"起止日期：{fmt_date(story.inspection)}至"
                     f"{fmt_date(story.closing)}", f"本卷共{documents}件{pages}页", "保管期限：永久"):
            w.line(line, size=14, x=LEFT + 30, gap=2.4)
        title = "卷  宗"
    else:
        w.skip(30)
        y = w.y
        for i, label in enumerate(("全宗号", "目录号", "案卷号")):
            w.cell(RIGHT - 240 + 80 * i, y, RIGHT - 160 + 80 * i, y + 24, label, align="center", size=10)
            w.cell(RIGHT - 240 + 80 * i, y + 24, RIGHT - 160 + 80 * i, y + 48,
                   ("", "", f"{story.index + 1}")[i], align="center", size=10)
        w.y = y + 90
        w.title("案 卷 封 面", size=30)
        w.skip(40)
        w.para(f"{story.bureau.name}", size=16, indent=0)
        w.para(f"关于{name}", size=16, indent=0)
        w.skip(40)
        w.line(f"处罚决定书文号：{story.decision_number}", size=13)
        w.line(f"自{fmt_date(story.filing)}至{fmt_date(story.archived)}", size=13)
        w.line(f"本卷共{pages}页　　保管期限：长期", size=13)
        title = "案卷封面"
    return Rendered(type="cover", title=title, writer=w, family=family)


def render_toc(story: Story, family: str, entries: list[tuple[str, str, date | None, str]]) -> Rendered:
    """entries: (题名, 文号, 日期, 页号 text) in file order."""
    rng = _rng(story, "toc")
    w = DocWriter(rng)
    w.skip(10)
    title = "卷内目录" if family != "toc_compact" else "卷内文件目录"
    w.title(title, size=20)
    w.skip(6)
    if family == "toc_national":
        cols = [LEFT - 20, LEFT + 8, LEFT + 128, LEFT + 188, LEFT + 368, LEFT + 428, LEFT + 470, RIGHT + 20]
        heads = ("序号", "文号", "责任者", "题名", "日期", "页号", "备注")
    elif family == "toc_numbered":
        cols = [LEFT, LEFT + 40, LEFT + 340, LEFT + 400, RIGHT]
        heads = ("序号", "文件材料题名", "页码", "备注")
    else:
        cols = [LEFT - 10, LEFT + 20, LEFT + 230, LEFT + 380, RIGHT + 10]
        heads = ("序号", "文件题名", "文号", "起止页")
    y = w.y
    for i, head in enumerate(heads):
        w.cell(cols[i], y, cols[i + 1], y + 24, head, align="center", size=10)
    y += 24
    h = min(26.0, (800 - y) / max(1, len(entries)))
    size = 9.0 if h >= 22 else 8.0
    for n, (name, number, day, span) in enumerate(entries, 1):
        day_text = f"{day.year}.{day.month}.{day.day}" if day else ""
        if family == "toc_national":
            values = (str(n), number, story.bureau.name[-5:] if number else "", name, day_text, span, "")
        elif family == "toc_numbered":
            values = (str(n), name, span, "")
        else:
            values = (str(n), name, number, span)
        for i, value in enumerate(values):
            w.cell(cols[i], y, cols[i + 1], y + h, value, align="center" if i != 1 + (family == "toc_national") * 2
                   else "left", size=size, pad=3)
        y += h
    w.y = y
    return Rendered(type="toc", title=title, writer=w, family=family)
