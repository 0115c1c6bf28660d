"""Set b records: 现场检查（勘察）笔录, 调查询问笔录, and the hearing's 听证笔录 / 听证报告.

Inspection:
- recb_checkbox: a 检查单-style record: a ruled header, officers on one line
  “执法人员：张三（执法证号：…）、李四（执法证号：…）”, an item table with printed boxes ticked by
  hand (环评手续 □有 □无 …), a short 检查情况 narrative; every page ends with one printed line
  “被检查人（签名）：…　检查人（签名）：…　第1页 共2页”, signed on that line.
- recb_officer_table: the header as a ruled table with the officers in a two-row 姓名 / 执法证号
  table; every page signed at its foot by the party (签名 + date); on the last page the party writes
  “以上笔录已阅，属实” by hand, the officers and the recorder sign in a closing table.
Inquiry:
- recb_qa_hand: 问：/答： running over two or more pages, each page's foot “被询问人（签名）：…
  第n页 共m页”; at the end the party writes “以上笔录我看过，与我说的相符” by hand, signs and writes
  the date (handwriting), then 询问人 and 记录人 sign.
- recb_officer_table: as for inspection, 询问人 and 记录人 in the two-row officer table.
A refusal (inspection only) is noted on every page's party zone with a 见证人's signature; the
signature defect leaves every party zone empty with no note.
"""

from __future__ import annotations

import random

import pymupdf

from samples.families import ink
from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, fmt_date
from samples.families.story import Officer
from samples.families.story_b import StoryB

FOOT = 792.0


def hand(w: DocWriter, x: float, baseline: float, text: str, role: str, height: float = 16.0) -> float:
    """Handwriting that is not a signature (a date, a confirmation): ink, marked as handwriting."""
    png, width, h = ink.signature(text, w.rng, height)
    box = (x, baseline - h * 0.8, x + width, baseline + h * 0.2)
    w.page.insert_image(pymupdf.Rect(*box), stream=png, overlay=True)
    w._mark("handwriting", box, role, text)
    return box[2]


def tick(w: DocWriter, x: float, baseline: float) -> None:
    """A ballpoint tick drawn into a printed box whose left edge is at x."""
    page = w.page
    points = [(x + 1.5, baseline - 5.5), (x + 4.5, baseline - 1.5), (x + 11, baseline - 12)]
    page.draw_polyline(points, color=(0.1, 0.15, 0.5), width=1.4)


def _one_line(officers: list[Officer]) -> str:
    return "、".join(f"{o.name}（执法证号：{o.cert}）" for o in officers)


class _Rec:
    def __init__(self, story: StoryB, kind: str) -> None:
        self.story = story
        self.kind = kind
        self.officers = story.record_officers
        self.asker = self.officers[0]
        self.recorder = self.officers[-1]
        if kind == "inspection":
            self.title, self.day = "现场检查（勘察）笔录", story.inspection
            self.party_label, self.officer_label = "被检查人（签名）", "检查人（签名）"
            self.confirm = "以上笔录已阅，属实"
            self.refused = story.inspection_refused
            self.missing = "signature.missing.inspection_record" in story.defects
        else:
            self.title, self.day = "调查询问笔录", story.inquiry
            self.party_label, self.officer_label = "被询问人（签名）", "询问人（签名）"
            self.confirm = "以上笔录我看过，与我说的相符"
            self.refused = False
            self.missing = "signature.missing.inquiry_record" in story.defects

    def party_zone(self, w: DocWriter, x: float, base: float, *, dated: bool = False) -> float:
        if self.missing:
            return x
        if self.refused:
            end = w.text_at(x, base, "拒绝签字（见证人：", 9.5)[2]
            end = w.sign(end + 1, base, self.story.witness, "witness", height=17)
            return w.text_at(end + 1, base, "）", 9.5)[2]
        end = w.sign(x, base, self.story.party.contact, "party", height=19)
        if dated:
            end = hand(w, end + 6, base, self._hand_date(), "party", height=14)
        return end

    def _hand_date(self) -> str:
        d = self.day
        return f"{d.year}.{d.month}.{d.day}"


def _span(rng: random.Random, rec: _Rec) -> str:
    h, m = rng.randint(8, 14), rng.choice((0, 5, 15, 30, 40))
    return f"{fmt_date(rec.day)}{h}时{m}分至{h + 1}时{rng.choice((10, 20, 35, 50))}分"


def _checkbox_items(story: StoryB) -> list[tuple[str, tuple[str, ...], int]]:
    cause = story.violation.cause
    return [
        ("环境影响评价手续", ("有", "无"), 1 if "环境影响评价" in cause else 0),
        ("竣工环境保护验收", ("已验收", "未验收", "不涉及"), 1 if "环境影响评价" in cause else 0),
        ("排污许可", ("已申领", "已登记", "未办理"), 0),
        ("污染防治设施运行", ("正常运行", "未运行", "不正常运行"), 1 if "防治设施" in cause else 0),
        ("危险废物贮存场所", ("规范", "不规范", "不涉及"), 1 if "危险废物" in cause else 0),
        ("物料堆场防尘措施", ("有效覆盖", "未覆盖", "不涉及"), 1 if "扬尘" in cause else 2),
        ("废水排放", ("达标", "超标", "未排放"), 1 if "水污染物" in cause else 2),
    ]


def _inspection_header_table(w: DocWriter, rec: _Rec, rng: random.Random) -> None:
    s, p = rec.story, rec.story.party
    rows = [("检查时间", _span(rng, rec)), ("检查地点", p.address), ("被检查单位", p.name),
            ("统一社会信用代码", p.credit_code), ("法定代表人", p.legal_rep),
            ("现场负责人", f"{p.contact}（{p.contact_role}）　电话：{p.phone}")]
    if rec.kind == "inquiry":
        rows = [("询问时间", _span(rng, rec)), ("询问地点", f"{s.bureau.name}询问室"),
                ("被询问人", f"{p.contact}　性别：{rng.choice('男女')}　年龄：{rng.randint(27, 59)}"),
                ("工作单位及职务", f"{p.name}　{p.contact_role}"), ("联系电话", p.phone),
                ("与本案关系", "当事人单位工作人员" if p.contact_role != "法定代表人" else "当事人法定代表人")]
    y = w.y
    for label, value in rows:
        w.cell(LEFT, y, LEFT + 110, y + 24, label, align="center", size=10.5)
        w.cell(LEFT + 110, y, RIGHT, y + 24, value, size=10.5)
        y += 24
    # The officers in a two-row table: role, name, 执法证号.
    w.cell(LEFT, y, LEFT + 110, y + 24, "执法人员", align="center", size=10.5)
    w.cell(LEFT + 110, y, LEFT + 240, y + 24, "姓名", align="center", size=10.5)
    w.cell(LEFT + 240, y, RIGHT, y + 24, "执法证号", align="center", size=10.5)
    y += 24
    if rec.kind == "inspection":
        people = [("检查人", o) for o in rec.officers] + [("记录人", rec.recorder)]
    else:
        people = [("询问人", rec.asker), ("记录人", rec.recorder)]
    for role, o in people:
        w.cell(LEFT, y, LEFT + 110, y + 22, role, align="center", size=10.5)
        w.cell(LEFT + 110, y, LEFT + 240, y + 22, o.name, align="center", size=10.5)
        w.cell(LEFT + 240, y, RIGHT, y + 22, o.cert, align="center", size=10.5)
        y += 22
    w.y = y + 8


def _inspection_text(w: DocWriter, s: StoryB) -> None:
    w.line("检查情况：", font="title")
    w.para(f"执法人员到达现场后，向现场负责人{s.party.contact}出示了执法证件，表明了身份，告知其有申请回避的权利，"
           "对方表示不申请回避。")
    w.para(f"经现场检查：{s.violation.fact}。执法人员使用执法记录仪全程记录，并对现场进行了拍照。")
    w.para("执法人员要求该单位立即改正上述行为，并按要求提供营业执照、环评批复等相关资料。")
    w.para("（以下空白）", indent=0)


def _qa(s: StoryB, rec: _Rec) -> list[tuple[str, str]]:
    v = s.violation
    names = "、".join(o.name for o in rec.officers)
    return [
        (f"我们是{s.bureau.name}执法人员{names}，这是我们的执法证件（出示）。现依法向你进行调查询问，你有如实回答的义务，"
         "也有申请回避的权利。你是否申请回避？", "看清楚了，不申请回避。"),
        ("请讲一下你的基本情况。", f"我叫{s.party.contact}，是{s.party.name}的{s.party.contact_role}。"),
        ("你是否能代表单位接受询问？", "能，单位安排我来处理这件事。"),
        ("你单位的主要产品和生产规模是什么？", "主要做加工生产，年产量不大，职工三十人左右。"),
        ("你单位的环保手续办理情况如何？", "营业执照有，其他的手续正在补办。"),
        (f"{fmt_date(s.inspection)}我局执法人员到你单位检查时，发现的情况你是否清楚？", f"清楚，当时{v.fact}。"),
        ("这种情况是从什么时候开始的？", "有一段时间了，具体日期记不清。"),
        ("你单位知道这样做违反环保法律法规吗？", "以前不太清楚，现在知道了。"),
        ("检查后你单位采取了什么措施？", "已经开始整改，正在落实。"),
        ("你还有什么要补充的吗？", "没有了。"),
        ("请你核对笔录，如记录无误请签名。", "好的。"),
    ]


def _render(story: StoryB, family: str, kind: str) -> Rendered:
    rng = random.Random(f"b:{story.seed}:{story.index}:{kind}")
    rec = _Rec(story, kind)
    foot_pages: list[int] = []

    def foot(w: DocWriter, index: int) -> None:
        foot_pages.append(index)
        w.page.draw_line((LEFT, FOOT - 20), (RIGHT, FOOT - 20), color=(0, 0, 0), width=0.5)
        x = w.text_at(LEFT, FOOT, f"{rec.party_label}：", 10)[2]
        rec.party_zone(w, x + 2, FOOT, dated=family == "recb_officer_table")
        if family in ("recb_checkbox", "recb_qa_hand"):
            x = w.text_at(LEFT + 215, FOOT, f"{rec.officer_label}：", 10)[2]
            signers = rec.officers if kind == "inspection" else [rec.asker]
            for o in signers:
                x = w.sign(x + 2, FOOT, o.name, "officer", height=17)

    w = DocWriter(rng, on_page_end=foot)
    w.bottom = 735
    w.skip(4)
    if family == "recb_checkbox":
        w.line(story.bureau.name, size=14, align="center", gap=1.5)
        w.title(rec.title, size=19)
        p = story.party
        w.line(f"检查时间：{_span(rng, rec)}", size=11)
        w.line(f"被检查单位：{p.name}　　法定代表人：{p.legal_rep}", size=11)
        w.line(f"地址：{p.address}　　现场负责人：{p.contact}（{p.contact_role}）", size=11)
        w.para(f"执法人员：{_one_line(rec.officers)}", indent=0, size=11)
        w.line(f"记录人：{rec.recorder.name}", size=11)
        w.para("执法人员已出示执法证件，告知被检查人享有陈述、申辩和申请回避的权利。被检查人：不申请回避。", indent=0, size=11)
        y = w.y + 2
        w.cell(LEFT, y, LEFT + 150, y + 22, "检查项目", align="center", size=10.5)
        w.cell(LEFT + 150, y, RIGHT, y + 22, "检查情况（在□内打√）", align="center", size=10.5)
        y += 22
        for item, options, chosen in _checkbox_items(story):
            w.cell(LEFT, y, LEFT + 150, y + 24, item, size=10.5)
            w.cell(LEFT + 150, y, RIGHT, y + 24)
            x = LEFT + 160
            for k, option in enumerate(options):
                box = w.text_at(x, y + 16, f"□{option}", 10.5)
                if k == chosen:
                    tick(w, x, y + 16)
                x = box[2] + 16
            y += 24
        w.y = y + 8
        _inspection_text(w, story)
    else:
        w.line(story.bureau.name, size=14, align="center", gap=1.5)
        w.title(rec.title, size=19)
        _inspection_header_table(w, rec, rng)
        if kind == "inspection":
            _inspection_text(w, story)
        else:
            for q, a in _qa(story, rec):
                w.para(f"问：{q}", indent=0)
                w.para(f"答：{a}", indent=0)
            w.para("（以下空白）", indent=0)
    # Closing block.
    w.skip(10)
    w.ensure(110)
    base = w.y + 16
    if family == "recb_checkbox":
        w.text_at(LEFT, base, "被检查人意见：", 11)
        if not rec.missing and not rec.refused:
            hand(w, LEFT + 90, base, rec.confirm, "party_note")
        w.y = base + 16
    else:
        w.text_at(LEFT, base, "被检查人意见：" if kind == "inspection" else "被询问人意见：", 11)
        if not rec.missing and not rec.refused:
            end = hand(w, LEFT + 90, base, rec.confirm, "party_note")
            end = w.sign(end + 8, base, story.party.contact, "party", height=20)
            hand(w, end + 8, base, rec._hand_date(), "party", height=14)
        elif rec.refused:
            rec.party_zone(w, LEFT + 90, base)
        base += 34
        x = w.text_at(LEFT, base, f"{'检查人' if kind == 'inspection' else '询问人'}（签名）：", 11)[2]
        for o in (rec.officers if kind == "inspection" else [rec.asker]):
            x = w.sign(x + 4, base, o.name, "officer")
        x = w.text_at(LEFT + 270, base, "记录人（签名）：", 11)[2]
        w.sign(x + 4, base, rec.recorder.name, "recorder")
        w.text_at(RIGHT - 80, base + 22, fmt_date(rec.day), 10.5)
        w.y = base + 30
    pdf = w.finish()
    total = len(w.page_indices)
    for i, index in enumerate(w.page_indices):
        text = f"第{i + 1}页　共{total}页"
        if family == "recb_officer_table":
            pdf[index].insert_text(((LEFT + RIGHT) / 2 - DocWriter.width(text, 9) / 2, 815), text,
                                   fontname="body", fontsize=9)
        else:  # right under the signature line
            pdf[index].insert_text((RIGHT - DocWriter.width(text, 10), FOOT + 15), text, fontname="body", fontsize=10)
    return Rendered(type=f"{kind}_record", title=rec.title, writer=w, family=family, day=rec.day,
                    signed=not rec.missing, fields={"officers": [o.name for o in rec.officers]})


def _render_qa_hand(story: StoryB) -> Rendered:
    """recb_qa_hand: a plain-text header, Q/A over pages, the handwritten confirmation at the end."""
    family, kind = "recb_qa_hand", "inquiry"
    rng = random.Random(f"b:{story.seed}:{story.index}:{kind}")
    rec = _Rec(story, kind)

    def foot(w: DocWriter, index: int) -> None:
        x = w.text_at(LEFT, FOOT, f"{rec.party_label}：", 10)[2]
        rec.party_zone(w, x + 2, FOOT)

    w = DocWriter(rng, on_page_end=foot)
    w.bottom = 740
    p = story.party
    w.skip(4)
    w.title("询 问 笔 录", size=20)
    w.line(f"时间：{_span(rng, rec)}", size=11.5)
    w.line(f"地点：{story.bureau.name}{rng.choice(('执法支队', '案件审理室', '二楼询问室'))}", size=11.5)
    w.para(f"执法人员：{_one_line(rec.officers)}", indent=0, size=11.5)
    w.line(f"询问人：{rec.asker.name}　　记录人：{rec.recorder.name}", size=11.5)
    w.line(f"被询问人：{p.contact}　性别：{rng.choice('男女')}　年龄：{rng.randint(27, 59)}　职务：{p.contact_role}",
           size=11.5)
    w.line(f"工作单位：{p.name}　　电话：{p.phone}", size=11.5)
    w.skip(4)
    for q, a in _qa(story, rec):
        w.para(f"问：{q}", indent=0)
        w.para(f"答：{a}", indent=0)
    w.skip(6)
    w.ensure(120)
    base = w.y + 14
    if not rec.missing:
        # The party writes the confirmation, signs and dates it by hand, all on two lines.
        hand(w, LEFT + 20, base, rec.confirm, "party_note", height=17)
        base += 28
        end = w.sign(LEFT + 60, base, p.contact, "party")
        hand(w, end + 12, base, fmt_date(rec.day, "chinese") if rng.random() < 0.5 else rec._hand_date(), "party")
    else:
        base += 28
    base += 36
    x = w.text_at(LEFT, base, "询问人（签名）：", 11)[2]
    w.sign(x + 4, base, rec.asker.name, "officer")
    x = w.text_at(LEFT + 250, base, "记录人（签名）：", 11)[2]
    w.sign(x + 4, base, rec.recorder.name, "recorder")
    w.y = base + 24
    pdf = w.finish()
    total = len(w.page_indices)
    for i, index in enumerate(w.page_indices):
        text = f"第{i + 1}页　共{total}页"
        pdf[index].insert_text((RIGHT - DocWriter.width(text, 10), FOOT), text, fontname="body", fontsize=10)
    return Rendered(type="inquiry_record", title="询问笔录", writer=w, family=family, day=rec.day,
                    signed=not rec.missing, fields={"officers": [o.name for o in rec.officers]})


def render_inspection(story: StoryB, family: str) -> Rendered:
    return _render(story, family, "inspection")


def render_inquiry(story: StoryB, family: str) -> Rendered:
    if family == "recb_qa_hand":
        return _render_qa_hand(story)
    return _render(story, family, "inquiry")


def render_hearing_record(story: StoryB) -> Rendered:
    """听证笔录: 主持人 (not an investigator), 记录员, 调查人员, the party; all sign at the end."""
    rng = random.Random(f"b:{story.seed}:{story.index}:hearing_record")
    w = DocWriter(rng)
    day = story.hearing_day or story.decision
    p = story.party
    o1, o2 = story.officers[0], story.officers[1]
    w.skip(8)
    w.title("听证笔录", size=20)
    w.line(f"案由：{story.violation.cause}", size=11.5)
    w.line(f"听证时间：{fmt_date(day)}9时30分至11时10分", size=11.5)
    w.line(f"听证地点：{story.bureau.name}听证室", size=11.5)
    w.line(f"听证主持人：{story.hearing_host}　　记录员：{story.hearing_clerk}", size=11.5)
    w.para(f"案件调查人员：{o1.name}（执法证号：{o1.cert}）、{o2.name}（执法证号：{o2.cert}）", indent=0, size=11.5)
    w.line(f"当事人：{p.name}　　法定代表人：{p.legal_rep}", size=11.5)
    w.line(f"委托代理人：{p.contact}（{p.contact_role}）", size=11.5)
    w.skip(4)
    turns = [
        ("主持人", "现在开始听证。宣布听证纪律，告知当事人的权利和义务。当事人是否申请主持人、记录员回避？"),
        ("代理人", "不申请回避。"),
        ("调查人员", f"经调查，{story.violation.fact}。违反了{story.violation.violated}的规定，建议依据"
                   f"{story.violation.basis}的规定罚款人民币{story.fine}元。出示现场检查笔录、调查询问笔录、现场照片。"),
        ("代理人", "对事实没有异议。我单位已经完成整改，希望减轻处罚。"),
        ("主持人", "双方还有无补充意见？"),
        ("调查人员", "没有。"),
        ("代理人", "没有，请求从轻处理。"),
        ("主持人", "听证结束。请当事人核对笔录。"),
    ]
    for who, said in turns:
        w.para(f"{who}：{said}", indent=0)
    w.skip(10)
    w.ensure(120)
    base = w.y + 14
    x = w.text_at(LEFT, base, "当事人或委托代理人（签名）：", 11)[2]
    w.sign(x + 4, base, p.contact, "party")
    w.text_at(RIGHT - 90, base, fmt_date(day), 11)
    base += 34
    x = w.text_at(LEFT, base, "调查人员（签名）：", 11)[2]
    for o in (o1, o2):
        x = w.sign(x + 4, base, o.name, "officer")
    base += 34
    x = w.text_at(LEFT, base, "主持人（签名）：", 11)[2]
    x = w.sign(x + 4, base, story.hearing_host, "leader")
    x = w.text_at(x + 30, base, "记录员（签名）：", 11)[2]
    w.sign(x + 4, base, story.hearing_clerk, "recorder")
    w.y = base + 20
    return Rendered(type="statement_record", title="听证笔录", writer=w, family="recb_hearing", day=day, signed=True)


def render_hearing_report(story: StoryB) -> Rendered:
    """听证报告: the 主持人's report to the bureau's head after the hearing (a statement_record per DOMAIN.md §1)."""
    rng = random.Random(f"b:{story.seed}:{story.index}:hearing_report")
    w = DocWriter(rng)
    day = story.hearing_report or story.decision
    w.skip(10)
    w.line(story.bureau.name, size=14, align="center", gap=1.5)
    w.title("听证报告", size=20)
    w.para(f"{story.party.name}{story.violation.cause}一案，我局于{fmt_date(story.hearing_day or day)}依法举行了听证。"
           f"现将听证情况报告如下：", indent=2)
    w.para(f"一、听证基本情况。主持人{story.hearing_host}，记录员{story.hearing_clerk}，案件调查人员"
           f"{story.officers[0].name}、{story.officers[1].name}，当事人委托代理人{story.party.contact}到场参加听证。")
    w.para("二、当事人的主要意见。当事人对违法事实无异议，称已完成整改，请求减轻处罚。")
    w.para("三、主持人意见。本案事实清楚，证据确凿，程序合法，当事人提出的整改情况不属于法定减轻处罚情形，建议维持拟处罚意见，"
           "报局负责人审查决定。")
    w.skip(24)
    base = w.y
    x = w.text_at(LEFT + 200, base, "听证主持人（签名）：", 12)[2]
    w.sign(x + 4, base, story.hearing_host, "leader")
    w.text_at(RIGHT - 100, base + 26, fmt_date(day), 12)
    w.y = base + 40
    return Rendered(type="statement_record", title="听证报告", writer=w, family="recb_hearing", day=day, signed=True)
