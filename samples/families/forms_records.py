"""现场检查（勘察）笔录 and 调查询问笔录, three ways of placing the signatures.

- rec_foot: every page ends with one printed line 被检查单位（人）签字：… 检查人签字：… 记录人签字：…
  (询问: 被询问人签字 / 询问人签字 / 记录人签字), each signed on that line.
- rec_margin: every page carries, at its foot, the party's 以上笔录已阅，情况属实 (询问: 以上笔录我已看过，
  与我说的相符) in the party's hand with the signature; the officers sign once, after the text.
- rec_body: a one-page record, the party's opinion and all signatures inside the body at the end.

A party who refuses to sign is noted by the officers (当事人拒绝签字) with a 见证人 signing; that
stands for the party's hand (DOMAIN.md §5). The defect leaves the party's zones empty, no note.
"""

from __future__ import annotations

import random

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, fmt_date
from samples.families.story import Officer, Story


def _officer_line(officers: list[Officer]) -> str:
    return "　".join(f"{o.name}（执法证号：{o.cert}）" for o in officers)


class _Record:
    """What differs between an inspection and an inquiry record."""

    def __init__(self, story: Story, kind: str) -> None:
        self.story = story
        self.kind = kind
        self.officers = story.record_officers
        self.recorder = self.officers[-1]
        self.party_signer = story.party.contact
        if kind == "inspection":
            self.title = "现场检查（勘察）笔录"
            self.day = story.inspection
            self.party_label, self.officer_label = "被检查单位（人）签字", "检查人签字"
            self.confirm = "以上笔录已阅，情况属实"
            self.refused = story.inspection_refused
            self.missing = "signature.missing.inspection_record" in story.defects
        else:
            self.title = "调查询问笔录"
            self.day = story.inquiry
            self.party_label, self.officer_label = "被询问人签字", "询问人签字"
            self.confirm = "以上笔录我已看过，与我说的相符"
            self.refused = False
            self.missing = "signature.missing.inquiry_record" in story.defects


def _party_zone(w: DocWriter, rec: _Record, x: float, baseline: float, *, with_confirm: bool = False) -> float:
    """Whatever stands in the party's zone: a signature, a refusal note with a witness, or nothing."""
    if rec.missing:
        return x
    if rec.refused:
        end = w.text_at(x, baseline, "当事人拒绝签字　见证人：", 10)[2]
        return w.sign(end + 2, baseline, rec.story.witness, "witness", height=18)
    if with_confirm:
        # The party writes the confirmation in their own hand, then signs.
        x = w.sign(x, baseline, rec.confirm, "party_note", height=15) + 4
    return w.sign(x, baseline, rec.party_signer, "party", height=20)


def _header(w: DocWriter, rec: _Record, rng: random.Random) -> None:
    s = rec.story
    w.skip(6)
    if rng.random() < 0.5:
        w.line(s.bureau.name, size=15, align="center", gap=1.5)
        w.title(rec.title, size=20)
    else:
        w.title(f"{s.bureau.name}{rec.title}", size=17)
    start_h, start_m = rng.randint(8, 10), rng.choice((0, 10, 20, 30, 40))
    end_h, end_m = start_h + 1, rng.choice((5, 15, 25, 45))
    span = f"{fmt_date(rec.day)}{start_h}时{start_m}分至{end_h}时{end_m}分"
    p = s.party
    if rec.kind == "inspection":
        w.line(f"检查时间：{span}")
        w.line(f"检查地点：{p.address}")
        w.line(f"被检查单位：{p.name}")
        w.line(f"法定代表人：{p.legal_rep}　　统一社会信用代码：{p.credit_code}")
        w.line(f"现场负责人：{p.contact}　　职务：{p.contact_role}　　联系电话：{p.phone}")
        w.para(f"检查人：{_officer_line(rec.officers)}", indent=0)
        w.line(f"记录人：{rec.recorder.name}")
        w.para(f"我们是{s.bureau.name}的执法人员，已向你出示执法证件，现依法进行现场检查，请予以配合。你有权申请"
               "回避，是否申请回避？回答：不申请。", indent=0)
    else:
        w.line(f"询问时间：{span}")
        w.line(f"询问地点：{s.bureau.name}{rng.choice(('执法队', '询问室', '办公室'))}")
        w.line(f"被询问人：{p.contact}　　性别：{rng.choice('男女')}　　年龄：{rng.randint(28, 58)}")
        w.line(f"工作单位：{p.name}　　职务：{p.contact_role}")
        w.line(f"联系电话：{p.phone}　　与本案关系：当事人{p.contact_role}")
        w.para(f"询问人：{_officer_line(rec.officers[:1])}", indent=0)
        w.para(f"记录人：{rec.recorder.name}（执法证号：{rec.recorder.cert}）", indent=0)


def _inspection_body(w: DocWriter, s: Story, long: bool) -> None:
    v = s.violation
    w.line("现场检查情况：")
    w.para(f"执法人员到达现场时，该单位正在生产，现场负责人{s.party.contact}陪同检查。经检查，{v.fact}。")
    if long:
        w.para("执法人员对现场情况进行了拍照、录像，现场照片共若干张，由现场负责人确认。")
        w.para("执法人员查阅了该单位的营业执照、环境影响评价文件及批复、排污许可登记等资料，该单位提供了营业执照"
               "复印件一份。")
        w.para("执法人员当场告知该单位上述行为涉嫌违反环境保护法律法规的规定，要求其立即改正，并配合后续调查。")
        w.para("现场检查过程中，执法人员全程使用执法记录仪记录。")
    w.para("（以下空白）", indent=0)


def _inquiry_body(w: DocWriter, s: Story, long: bool) -> None:
    v = s.violation
    qa = [
        (f"我们是{s.bureau.name}的执法人员（出示执法证件），现就你单位涉嫌环境违法一案向你进行调查询问，你应当如实"
         "回答，你有申请回避的权利，是否申请回避？", "清楚，不申请回避。"),
        ("请介绍一下你的身份及你单位的基本情况。", f"我是{s.party.name}的{s.party.contact_role}，单位主要从事生产加工。"),
        (f"{fmt_date(s.inspection)}我局执法人员现场检查时发现的情况是否属实？", f"属实，{v.fact}。"),
        ("你单位为什么这样做？", "对环保要求理解不到位，管理上存在疏漏。"),
    ]
    if long:
        qa += [
            ("该情况持续了多长时间？", "大概一个多月。"),
            ("你单位目前采取了哪些整改措施？", "已经安排人员整改，会尽快完成。"),
            ("你还有什么需要补充的吗？", "没有了，我们会积极配合整改。"),
        ]
    qa.append(("以上笔录请你核对，是否与你所说的一致？", "一致。"))
    for q, a in qa:
        w.para(f"问：{q}", indent=0)
        w.para(f"答：{a}", indent=0)
    w.para("（以下空白）", indent=0)


def _render(story: Story, family: str, kind: str) -> Rendered:
    rng = random.Random(f"{story.seed}:{story.index}:{kind}")
    rec = _Record(story, kind)
    total_box: list[int] = []

    def foot(w: DocWriter, index: int) -> None:
        # Page footer: 第 n 页 共 m 页 is written at the end, once m is known.
        total_box.append(index)
        if family == "rec_foot":
            base = 790
            w.page.draw_line((LEFT, base - 24), (RIGHT, base - 24), color=(0, 0, 0), width=0.5)
            x = w.text_at(LEFT, base, f"{rec.party_label}：", 10)[2]
            _party_zone(w, rec, x, base)
            x = w.text_at(LEFT + 200, base, f"{rec.officer_label}：", 10)[2]
            for o in rec.officers[: (2 if kind == "inspection" else 1)]:
                x = w.sign(x, base, o.name, "officer", height=18) + 2
            x = w.text_at(LEFT + 350, base, "记录人签字：", 10)[2]
            w.sign(x, base, rec.recorder.name, "recorder", height=18)
        elif family == "rec_margin":
            base = 792
            if not rec.missing and not rec.refused:
                _party_zone(w, rec, LEFT + 190, base, with_confirm=True)
                w.text_at(RIGHT - 80, base, fmt_date(rec.day), 9)
            elif rec.refused:
                _party_zone(w, rec, LEFT + 190, base)

    long = family != "rec_body" and rng.random() < 0.6
    w = DocWriter(rng, on_page_end=foot)
    w.bottom = 740
    _header(w, rec, rng)
    if kind == "inspection":
        _inspection_body(w, story, long)
    else:
        _inquiry_body(w, story, long)
    w.skip(8)
    if family == "rec_body":
        label = "被检查人意见" if kind == "inspection" else "被询问人意见"
        w.ensure(150)
        if rec.missing or rec.refused:
            w.line(f"{label}：")
        else:
            w.line(f"{label}：{rec.confirm}。")
        base = w.y + 14
        x = w.text_at(LEFT, base, f"{'被检查人' if kind == 'inspection' else '被询问人'}（签名）：", 12)[2]
        _party_zone(w, rec, x + 4, base)
        w.text_at(RIGHT - 110, base, fmt_date(rec.day), 12)
        base += 34
        x = w.text_at(LEFT, base, f"{'检查人' if kind == 'inspection' else '询问人'}（签名）：", 12)[2]
        for o in rec.officers[: (2 if kind == "inspection" else 1)]:
            x = w.sign(x + 4, base, o.name, "officer")
        w.text_at(RIGHT - 110, base, fmt_date(rec.day), 12)
        base += 34
        x = w.text_at(LEFT, base, "记录人（签名）：", 12)[2]
        w.sign(x + 4, base, rec.recorder.name, "recorder")
        w.y = base + 20
    elif family == "rec_margin":
        w.ensure(60)
        base = w.y + 14
        x = w.text_at(LEFT, base, f"{'检查人' if kind == 'inspection' else '询问人'}：", 12)[2]
        for o in rec.officers[: (2 if kind == "inspection" else 1)]:
            x = w.sign(x + 4, base, o.name, "officer")
        x = w.text_at(x + 30, base, "记录人：", 12)[2]
        w.sign(x + 4, base, rec.recorder.name, "recorder")
        w.y = base + 20
    pdf = w.finish()
    for i, index in enumerate(w.page_indices):
        text = f"第{i + 1}页　共{len(w.page_indices)}页"
        pdf[index].insert_text((RIGHT - DocWriter.width(text, 9), 815), text, fontname="body", fontsize=9)
    signed = not rec.missing
    return Rendered(type=f"{kind}_record", title=rec.title, writer=w, family=family, day=rec.day, signed=signed,
                    fields={"officers": [o.name for o in rec.officers]})


def render_inspection(story: Story, family: str) -> Rendered:
    return _render(story, family, "inspection")


def render_inquiry(story: Story, family: str) -> Rendered:
    return _render(story, family, "inquiry")


def render_statement(story: Story, family: str) -> Rendered:
    """陈述申辩笔录: the party's statement, heard by two officers, signed by all."""
    rng = random.Random(f"{story.seed}:{story.index}:statement")
    w = DocWriter(rng)
    day = story.statement or story.notice_service
    w.skip(10)
    w.title("陈述申辩笔录", size=20)
    w.line(f"时间：{fmt_date(day)}{rng.randint(9, 15)}时{rng.choice((0, 30))}分")
    w.line(f"地点：{story.bureau.name}")
    w.line(f"陈述申辩人：{story.party.contact}（{story.party.name}{story.party.contact_role}）")
    w.line(f"承办人：{story.officers[0].name}、{story.officers[1].name}　　记录人：{story.officers[1].name}")
    w.para("陈述申辩内容：我单位已认识到错误，已经积极整改，请求从轻或者免予处罚。")
    w.para("承办人：你单位的陈述申辩意见我们已记录，将依法进行复核。")
    w.skip(20)
    base = w.y + 14
    x = w.text_at(LEFT, base, "陈述申辩人（签名）：", 12)[2]
    w.sign(x + 4, base, story.party.contact, "party")
    w.text_at(RIGHT - 110, base, fmt_date(day), 12)
    base += 36
    x = w.text_at(LEFT, base, "承办人（签名）：", 12)[2]
    for o in story.officers[:2]:
        x = w.sign(x + 4, base, o.name, "officer")
    base += 36
    x = w.text_at(LEFT, base, "记录人（签名）：", 12)[2]
    w.sign(x + 4, base, story.officers[1].name, "recorder")
    w.y = base + 20
    return Rendered(type="statement_record", title="陈述申辩笔录", writer=w, family=family, day=day, signed=True)
