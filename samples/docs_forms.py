"""Ruled forms and archive pages: cover, 卷内目录, approvals, 送达回证, 缴款书, 结案, 备考表."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samples.casegen import arabic_date
from samples.docs_records import fine_text, rmb_upper
from samples.layout import A4_W, PageLayout
from samples.plan import (
    MARGIN_L,
    MARGIN_R,
    DocPlan,
    Row,
    fmt_date,
    form_table,
    ink,
    new_page,
    short_date,
)
from samples.spec import CaseSpec


@dataclass
class TocEntry:
    number: str
    responsible: str
    title: str
    date: dt.date | None
    pages: str  # "3-5" or "3"


def _title(page: PageLayout, spec: CaseSpec, y: float, title: str, rng: random.Random, *, agency: bool) -> float:
    face = spec.style.title_face
    if agency and rng.random() < 0.6:
        page.centered(y, spec.agency.name, 15, face)
        y += 28
    spaced = " ".join(title) if len(title) <= 5 and rng.random() < 0.5 else title
    op = page.centered(y, spaced, rng.choice((18, 20, 22)), face)
    page.title_bbox = op.bbox
    return y + 40


def build_cover(spec: CaseSpec, doc: DocPlan, rng: random.Random, *, n_docs: int, n_pages: int) -> list[PageLayout]:
    page = new_page(doc, numbered=False)
    face, tface = spec.style.body_face, spec.style.title_face
    d = spec.dates
    page.rect(50, 50, A4_W - 50, 792, 1.6)
    page.centered(95, spec.agency.name, 20, tface)
    title = page.centered(170, doc.title, rng.choice((28, 32, 36)), tface)
    page.title_bbox = title.bbox
    case_name = f"{spec.party.name}{spec.violation.cause}案"
    rows = [
        ("案件名称", case_name),
        ("案    号", spec.numbers.get("case") or ""),
        ("处罚决定书文号", spec.numbers.get("decision") or ""),
        ("办案机构", rng.choice(("执法大队", "环境监察支队", "综合行政执法队", "执法一中队"))),
        ("立案日期", arabic_date(d["filing"])),
        ("结案日期", arabic_date(d["closing"])),
        ("保管期限", rng.choice(("永久", "30年", "长期"))),
        ("卷内件数", f"{n_docs}件"),
        ("卷内页数", f"{n_pages}页"),
        ("归  档  号", f"{d['archive'].year}{rng.randint(1, 400):04d}"),
    ]
    if rng.random() < 0.5:
        rows.pop(3)
    y = 270.0
    for label, value in rows:
        page.text(110, y, f"{label}：", 13, face)
        lx = 110 + 13 * (len(label) + 1.2)
        page.line(lx, y + 17, 500, y + 17, 0.6)
        if len(value) > 22:
            page.text(lx + 4, y - 1, value[:22], 12, face)
            page.text(lx + 4, y + 19, value[22:], 12, face)
            y += 20
        else:
            page.text(lx + 4, y, value, 12.5, face)
        y += 38
    return [page]


def build_toc(spec: CaseSpec, doc: DocPlan, rng: random.Random, entries: list[TocEntry]) -> list[PageLayout]:
    face = spec.style.body_face
    cols = [("序号", 30), ("文号", 118), ("责任者", 70), ("题名", 150), ("日期", 64), ("页号", 42), ("备注", 0)]
    x0, x1 = MARGIN_L - 20, MARGIN_R + 16
    fixed = sum(w for _, w in cols)
    widths = [w or (x1 - x0 - fixed) for _, w in cols]
    date_fmt = rng.choice(("compact", "dotted"))
    pages: list[PageLayout] = []
    row_h = rng.choice((27.0, 30.0))
    per_page = int((780 - 140) // row_h)
    for start in range(0, max(1, len(entries)), per_page):
        page = new_page(doc, numbered=False)
        y = _title(page, spec, 70, doc.title, rng, agency=False)
        top = y
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        page.line(x0, y, x1, y, 1.0)
        for (label, _), cx0, cx1 in zip(cols, xs, xs[1:], strict=False):
            page.text(cx0 + (cx1 - cx0 - len(label) * 10.5) / 2, y + 8, label, 10.5, face)
        y += 28
        page.line(x0, y, x1, y, 0.8)
        for i, entry in enumerate(entries[start:start + per_page], start + 1):
            date = ""
            if entry.date:
                date = entry.date.strftime("%Y%m%d") if date_fmt == "compact" else short_date(entry.date)
            cells = [str(i), entry.number, entry.responsible, entry.title, date, entry.pages, ""]
            for cell, cx0, cx1 in zip(cells, xs, xs[1:], strict=False):
                size = 9.5 if len(cell) * 9.5 < cx1 - cx0 - 4 else max(6.5, (cx1 - cx0 - 4) / max(1, len(cell)))
                page.text(cx0 + 3, y + (row_h - size) / 2 - 1, cell, size, face)
            y += row_h
            page.line(x0, y, x1, y, 0.6)
        for x in xs:
            page.line(x, top, x, y, 0.8)
        pages.append(page)
    return pages


def _case_rows(spec: CaseSpec, rng: random.Random) -> list[Row]:
    p = spec.party
    rows = [Row("当事人", p.name)]
    if p.credit_code:
        rows.append(Row(rng.choice(("统一社会信用代码", "社会信用代码")), p.credit_code))
    rows.append(Row(p.rep_label, p.legal_rep))
    rows.append(Row(rng.choice(("地址", "住所", "详细地址")), p.address))
    return rows


def build_filing(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    page = new_page(doc)
    face = spec.style.body_face
    y = _title(page, spec, 62, doc.title, rng, agency=True)
    if doc.number:
        op = page.right(MARGIN_R, y - 12, f"{rng.choice(('立案号', '编号', '案号'))}：{doc.number}", 11, face)
        page.number_bbox = op.bbox
        y += 12
    d, v = spec.dates, spec.violation
    source = rng.choice(("日常检查", "现场检查", "群众举报", "上级交办", "双随机抽查"))
    rows = [Row("案件来源", source), Row("案由", v.cause), *_case_rows(spec, rng)]
    rows.append(Row("案情简介及立案理由",
                    f"{fmt_date(spec, d['inspection'], 'arabic')}，执法人员对{spec.party.name}进行现场检查，发现"
                    + "；".join(spec.facts) + f"。涉嫌违反{v.violated}的规定，依据《中华人民共和国行政处罚法》"
                    "第五十四条的规定，建议立案调查。", height=120))
    officers = [(o.name, "officer") for o in spec.officers[:2]]
    rows.append(Row("承办人意见", hand=rng.choice(("建议立案", "建议立案调查", "拟立案")), sign=officers,
                    sign_date=d["filing"] - dt.timedelta(days=rng.choice((0, 0, 1))), height=70))
    rows.append(Row(rng.choice(("承办机构意见", "承办机构负责人审核意见")), hand=rng.choice(("同意", "同意立案", "拟同意")),
                    sign=[(spec.unit_head.name, "unit_head")], sign_date=d["filing"], height=66))
    rows.append(Row(rng.choice(("负责人审批意见", "局领导审批意见", "机关负责人意见")),
                    hand=rng.choice(("同意立案", "同意", "同意立案调查")),
                    sign=[(spec.chief.name, "leader")], sign_date=d["filing"], height=66))
    unsigned = {spec.defects.unsigned[doc.key]} if doc.key in spec.defects.unsigned else set()
    form_table(page, y, rows, rng=rng, face=face, unsigned=unsigned)
    return [page]


def build_approval(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """行政处罚审批表 / 案件审查表: the chain from 承办人 to 负责人 (LAP art57)."""
    page = new_page(doc)
    face = spec.style.body_face
    y = _title(page, spec, 62, doc.title, rng, agency=True)
    if rng.random() < 0.6 and spec.numbers.get("case"):
        page.right(MARGIN_R, y - 12, f"案号：{spec.numbers['case']}", 11, face)
        y += 12
    d, v = spec.dates, spec.violation
    rows = [Row("案件名称", f"{spec.party.name}{v.cause}案"), *_case_rows(spec, rng)[:2]]
    rows.append(Row("主要违法事实", "；".join(spec.facts) + "。", height=70))
    rows.append(Row("处罚依据", f"违反{v.violated}，依据{v.basis}。", height=44))
    rows.append(Row("拟处罚意见", f"{fine_text(spec.fine)}。"))
    rows.append(Row("承办人意见", hand="建议按拟处罚意见处理", sign=[(o.name, "officer") for o in spec.officers[:2]],
                    sign_date=d["approval"] - dt.timedelta(days=rng.choice((1, 2))), height=64))
    rows.append(Row("承办机构意见", hand=rng.choice(("同意", "同意承办人意见")), sign=[(spec.unit_head.name, "unit_head")],
                    sign_date=d["approval"] - dt.timedelta(days=rng.choice((0, 1))), height=60))
    rows.append(Row("负责人审批意见", hand=rng.choice(("同意", "同意按拟处罚意见处理")), sign=[(spec.chief.name, "leader")],
                    sign_date=d["approval"], height=60))
    unsigned = {spec.defects.unsigned[doc.key]} if doc.key in spec.defects.unsigned else set()
    form_table(page, y, rows, rng=rng, face=face, unsigned=unsigned)
    return [page]


def build_extension(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    page = new_page(doc)
    face = spec.style.body_face
    y = _title(page, spec, 62, doc.title, rng, agency=True)
    d = spec.dates
    rows = [Row("案件名称", f"{spec.party.name}{spec.violation.cause}案"),
            Row("立案时间", arabic_date(d["filing"])),
            Row("延期理由", "本案需委托监测机构开展检测，案情复杂，不能在规定期限内作出处理决定，"
                "根据《生态环境行政处罚办法》第五十七条的规定，申请延长办案期限三十日。", height=80),
            Row("承办人意见", hand="申请延期", sign=[(o.name, "officer") for o in spec.officers[:2]],
                sign_date=d["extension"], height=60),
            Row("负责人审批意见", hand="同意延期三十日", sign=[(spec.chief.name, "leader")], sign_date=d["extension"],
                height=60)]
    form_table(page, y, rows, rng=rng, face=face)
    return [page]


def build_legal_review(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    page = new_page(doc)
    face = spec.style.body_face
    y = _title(page, spec, 62, doc.title, rng, agency=True)
    d = spec.dates
    opinion = ("经审核，本案执法主体合法，违法事实清楚，证据确凿，程序合法，适用法律正确，"
               "处罚裁量适当，文书制作规范，同意承办机构的处理意见。")
    rows = [Row("案件名称", f"{spec.party.name}{spec.violation.cause}案"),
            Row("承办机构", rng.choice(("执法大队", "执法一中队", "环境监察支队"))),
            Row("审核事项", "执法主体、管辖权限、执法程序、事实证据、法律适用、裁量基准、文书制作", height=44),
            Row("审核意见", opinion, height=90),
            Row("审核人", sign=[(spec.legal_reviewer.name, "reviewer")], sign_date=d["legal_review"], height=56)]
    if rng.random() < 0.5:
        rows.append(Row("法制机构负责人意见", hand="同意", sign=[(spec.unit_head.name, "unit_head")],
                        sign_date=d["legal_review"], height=56))
    form_table(page, y, rows, rng=rng, face=face)
    return [page]


def build_receipt(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """送达回证 for the served document named in doc.fields (民诉法 art87: 签收日期 = 送达日期)."""
    page = new_page(doc)
    face = spec.style.body_face
    y = _title(page, spec, 66, doc.title, rng, agency=True)
    served_title = str(doc.fields["served_title"])
    cited = doc.fields.get("cited_number")
    method = str(doc.fields["method"])
    day = doc.date
    recipient = spec.party.site_manager if rng.random() < 0.5 else spec.party.legal_rep
    name_cell = f"《{served_title}》" + (f"（{cited}）" if cited else "")
    servers = [(o.name, "server") for o in spec.officers[:2]]
    rows = [Row(rng.choice(("送达文书名称及文号", "送达文书及文号", "送达文书")), name_cell, height=40),
            Row("受送达人", spec.party.name),
            Row("送达地点", spec.party.address)]
    unsigned = doc.key in spec.defects.unsigned
    time_text = ""
    if day is not None:
        time_text = f"{arabic_date(day)}{rng.randint(9, 17)}时{rng.randint(0, 59)}分"
    rows.insert(2, Row("送达时间", time_text if rng.random() < 0.5 else ""))
    rows.append(Row("送达方式", method))
    if method == "留置送达":
        witness = rng.choice(("村委会", "社区居委会", "园区管委会"))
        rows.append(Row("收件人签名或盖章", "受送达人拒绝签收，已将文书留置于受送达人住所，并拍照、录像记录。", height=56))
        rows.append(Row("见证人", sign=[("周" + spec.party.legal_rep[1:], "witness")], sign_date=day, height=52,
                        text=f"（{witness}）"))
    else:
        recipient_row = Row("收件人签名或盖章", sign=[(recipient, "recipient")], sign_date=day, height=60)
        if method == "邮寄送达":
            recipient_row.text = f"邮件号：{rng.choice(('EMS', 'KS', '1'))}{rng.randrange(10 ** 11):011d}"
        rows.append(recipient_row)
        if rng.random() < 0.5:
            rows.append(Row("与受送达人关系", rng.choice(("本人", "法定代表人", "员工", "办公室主任"))))
    rows.append(Row("送达人", sign=servers, sign_date=day if rng.random() < 0.4 else None, height=52))
    rows.append(Row("备注", "", height=40))
    # A missing recipient signature (defect) also leaves its date blank: nothing shows receipt.
    form_table(page, y, rows, rng=rng, face=face, unsigned={"recipient"} if unsigned else set(), label_w=118)
    return [page]


def build_payment(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    page = new_page(doc)
    face = spec.style.body_face
    title = rng.choice(("非税收入一般缴款书", "罚没款缴款凭证", "政府非税收入缴款书"))
    doc.title = doc.toc_title = title  # the truth records the title as printed
    op = page.centered(90, f"{spec.agency.province}{title}" if rng.random() < 0.5 else title, 18, spec.style.title_face)
    page.title_bbox = op.bbox
    y = 140.0
    page.text(MARGIN_L, y - 20, f"填制日期：{arabic_date(doc.date or spec.dates['payment'])}", 10.5, face)
    page.right(MARGIN_R, y - 20, f"票号：{rng.randrange(10 ** 9):09d}", 10.5, face)
    rows = [Row("缴款人全称", spec.party.name), Row("缴款人账号", "".join(str(rng.randrange(10)) for _ in range(16))),
            Row("收款人全称", f"{spec.agency.city}财政局非税收入汇缴结算户"),
            Row("执收单位", spec.agency.name), Row("项目名称", "罚没收入（环保罚没收入）"),
            Row("金额（大写）", f"人民币{rmb_upper(spec.fine)}"), Row("金额（小写）", f"¥{spec.fine:.2f}"),
            Row("决定书文号", spec.numbers.get("decision") or "")]
    y = form_table(page, y, rows, rng=rng, face=face, label_w=110)
    if doc.sealed:
        day = doc.date or spec.dates["payment"]
        page.seal(MARGIN_R - 90, y + 70, 110, f"{spec.agency.bank} {short_date(day)} 转讫", kind="bank")
    return [page]


def build_closing(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    page = new_page(doc)
    face = spec.style.body_face
    y = _title(page, spec, 62, doc.title, rng, agency=True)
    d = spec.dates
    rows = [Row("案件名称", f"{spec.party.name}{spec.violation.cause}案"), Row("当事人", spec.party.name),
            Row("立案时间", arabic_date(d["filing"])),
            Row("处罚决定书文号", spec.numbers.get("decision") or ""),
            Row("处罚内容", fine_text(spec.fine)),
            Row("执行情况", f"当事人已于{arabic_date(d['payment'])}全额缴纳罚款，" +
                rng.choice(("违法行为已改正。", "并已完成整改。", "经复查已整改到位。")), height=44),
            Row("承办人意见", hand="建议结案", sign=[(o.name, "officer") for o in spec.officers[:2]],
                sign_date=d["closing"] - dt.timedelta(days=rng.choice((0, 1, 2))), height=60),
            Row("负责人审批意见", hand=rng.choice(("同意结案", "同意")), sign=[(spec.chief.name, "leader")],
                sign_date=d["closing"], height=60)]
    form_table(page, y, rows, rng=rng, face=face, unsigned={spec.defects.unsigned[doc.key]}
               if doc.key in spec.defects.unsigned else set())
    return [page]


def build_archive_note(spec: CaseSpec, doc: DocPlan, rng: random.Random, *, n_docs: int, n_pages: int) -> list[PageLayout]:
    page = new_page(doc, numbered=False)
    face = spec.style.body_face
    y = _title(page, spec, 80, doc.title, rng, agency=False)
    page.rect(MARGIN_L - 6, y, MARGIN_R + 6, 770, 1.0)
    page.text(MARGIN_L + 6, y + 14, "本卷情况说明：", 12, face)
    page.paragraph(MARGIN_L + 6, y + 44, MARGIN_R - MARGIN_L - 12,
                   f"本卷共{n_docs}件，共{n_pages}页（不含封面、卷内目录和备考表），文件材料完整，无缺损、涂改。", 12, face)
    pen = ink(rng)
    page.text(MARGIN_L + 190, 640, "立卷人：", 12, face)
    page.hand(MARGIN_L + 250, 634, spec.archivist.name, 20, kind="sign", color=pen, role="archivist")
    page.text(MARGIN_L + 190, 680, "检查人：", 12, face)
    page.hand(MARGIN_L + 250, 674, spec.unit_head.name, 20, kind="sign", color=ink(rng), role="checker")
    page.text(MARGIN_L + 190, 720, "立卷时间：", 12, face)
    page.hand(MARGIN_L + 262, 715, arabic_date(spec.dates["archive"]), 16, color=pen, role="archivist")
    return [page]
