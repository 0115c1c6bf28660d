"""送达回证 in three layouts, and the EMS 妥投 page that proves a postal service.

- rcpt_national2016: the national 2016 guide's label/value table: 送达文书名称及文号, 受送达人,
  送达时间, 送达地点, 送达方式, 受送达人（收件人）签名或盖章, 代收人签名或盖章及代收理由 (empty on a
  normal service: an optional row), 见证人签名或盖章 (留置 only), 送达人签名或盖章, 备注.
- rcpt_courtstyle: the court-style vertical form (案由, 案号, 送达文书名称和件数, 送达地址,
  受送达人签名或盖章, 收件人及代收理由, 备考; 填发人 and 送达人 signing under the table).
- rcpt_multirow: one row per served document (a receipt serving 告知书 and 责令改正决定书 together),
  columns 文书名称 / 文号 / 份数 / 收件人签名 / 签收时间, the other roles as lines below.

Service methods vary independently of the layout: 直接送达 (the party signs), 代收 (a 收发室
clerk signs with a reason, the recipient row stays empty), 留置送达 (recipient row empty, a
witness signs, a 留置 note), 邮寄送达 (no hand on the 回证; an EMS receipt page follows).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, fmt_date
from samples.families.story import Story


@dataclass
class Served:
    type: str  # notice / decision / correction_order
    title: str
    number: str
    issued: date


@dataclass
class Service:
    method: str  # 直接送达 / 代收 / 留置送达 / 邮寄送达
    day: date  # the service date (签收 / 留置 / 妥投)
    posted: date | None
    unsigned: bool  # the defect: nobody signed for the recipient, no note


def _time(rng: random.Random, day: date) -> str:
    return f"{fmt_date(day)}{rng.randint(9, 16)}时{rng.choice((5, 10, 20, 30, 40, 50))}分"


def _docs_line(served: list[Served]) -> str:
    return "；".join(f"《{s.title}》（{s.number}）" for s in served)


def _method_label(method: str) -> str:
    return "直接送达" if method == "代收" else method


def _note(story: Story, service: Service, mail_no: str) -> str:
    if service.method == "留置送达":
        return (f"受送达人拒绝签收。送达人邀请{story.witness_unit}工作人员{story.witness}到场见证，说明情况，"
                "已将文书留置于受送达人经营场所，并拍照、录像记录送达过程。")
    if service.method == "邮寄送达":
        return f"采用EMS特快专递邮寄送达，邮件号{mail_no}，妥投日期以所附邮件回执为准。"
    return ""


def _sign_row_recipient(w: DocWriter, story: Story, service: Service, x: float, baseline: float) -> None:
    """The recipient's own hand (直接送达) with the date; nothing otherwise."""
    if service.method == "直接送达" and not service.unsigned:
        right = w.sign(x, baseline, story.party.contact, "recipient")
        w.text_at(max(right + 10, x + 120), baseline, fmt_date(service.day), 11)


def _sign_agent(w: DocWriter, story: Story, service: Service, x: float, baseline: float, clerk: str) -> None:
    if service.method == "代收":
        right = w.sign(x, baseline, clerk, "agent")
        w.text_at(right + 8, baseline, f"（系该单位收发室工作人员，代为签收）{fmt_date(service.day)}", 10)


def _sign_witness(w: DocWriter, story: Story, service: Service, x: float, baseline: float) -> None:
    if service.method == "留置送达":
        right = w.sign(x, baseline, story.witness, "witness")
        w.text_at(right + 8, baseline, f"（{story.witness_unit}）", 10)


def _sign_servers(w: DocWriter, story: Story, service: Service, x: float, baseline: float) -> None:
    for officer in story.officers[:2]:
        x = w.sign(x, baseline, officer.name, "server") + 8
    w.text_at(x + 6, baseline, fmt_date(service.day if service.method != "邮寄送达" else service.posted or service.day),
              11)


def render_receipt(story: Story, family: str, served: list[Served], service: Service, rng: random.Random) -> Rendered:
    w = DocWriter(rng)
    clerk = f"{story.party.contact[0]}{'晓丽' if rng.random() < 0.5 else '春梅'}"
    mail_no = f"E{rng.choice('ABCL')}{rng.randint(100000000, 999999999)}CN"
    note = _note(story, service, mail_no)
    if family == "rcpt_national2016":
        w.skip(10)
        w.line(story.bureau.name, size=16, font="title", align="center", gap=1.6)
        w.title("送达回证", size=22, spaced=True)
        w.skip(8)
        label_w = 150
        rows = [
            ("送达文书名称及文号", _docs_line(served), 54),
            ("受送达人", story.party.name, 34),
            ("送达时间", _time(rng, service.day) if service.method != "邮寄送达" else "见邮件回执", 34),
            ("送达地点", story.party.address, 34),
            ("送达方式", _method_label(service.method), 34),
            ("受送达人（收件人）\n签名或盖章", "", 62),
            ("代收人签名或盖章\n及代收理由", "", 62),
            ("见证人签名或盖章", "", 50),
            ("送达人签名或盖章", "", 50),
            ("备注", note, 80),
        ]
        y = w.y
        for label, value, h in rows:
            w.cell(LEFT, y, LEFT + label_w, y + h, label, align="center")
            w.cell(LEFT + label_w, y, RIGHT, y + h, value)
            base = y + h * 0.62
            x = LEFT + label_w + 14
            if label.startswith("受送达人（"):
                _sign_row_recipient(w, story, service, x, base)
            elif label.startswith("代收人"):
                _sign_agent(w, story, service, x, base, clerk)
            elif label.startswith("见证人"):
                _sign_witness(w, story, service, x, base)
            elif label.startswith("送达人"):
                _sign_servers(w, story, service, x, base)
            y += h
        w.y = y + 10
        w.line("注：受送达人拒绝签收的，送达人可以邀请有关基层组织或者所在单位的代表到场见证。", size=9)
    elif family == "rcpt_courtstyle":
        w.skip(10)
        w.line(story.bureau.name, size=15, align="center", gap=1.5)
        w.title("送 达 回 证", size=22)
        w.line(f"（{story.year}）第{rng.randint(10, 300)}号", size=11, align="right")
        rows = [
            ("案　　由", story.violation.cause, 36),
            ("案　　号", story.case_number, 32),
            ("送达文书\n名称和件数", "、".join(f"《{s.title}》（{s.number}）一份" for s in served), 60),
            ("受送达人", story.party.name, 32),
            ("送达地址", story.party.address, 32),
            ("受送达人\n签名或盖章", "", 70),
            ("收件人及\n代收理由", "", 70),
            ("备　　考", note + (f"\n送达方式：{_method_label(service.method)}" if service.method != "直接送达" else ""), 90),
        ]
        y = w.y + 4
        for label, value, h in rows:
            w.cell(LEFT, y, LEFT + 110, y + h, label, align="center")
            w.cell(LEFT + 110, y, RIGHT, y + h, value, valign="top" if label.startswith("备") else "center")
            base = y + h * 0.6
            if label.startswith("受送达人\n"):
                _sign_row_recipient(w, story, service, LEFT + 130, base)
            elif label.startswith("收件人"):
                _sign_agent(w, story, service, LEFT + 130, base, clerk)
            elif label.startswith("备"):
                _sign_witness(w, story, service, LEFT + 300, y + h - 12)
            y += h
        w.y = y + 30
        base = w.y
        w.text_at(LEFT, base, "填发人：", 12)
        w.sign(LEFT + 50, base, story.officers[-1].name, "issuer")
        w.text_at(LEFT + 200, base, "送达人：", 12)
        _sign_servers(w, story, service, LEFT + 250, base)
        w.y = base + 30
    else:  # rcpt_multirow
        w.skip(14)
        w.title("送达回证", size=22)
        w.line(f"（{story.bureau.name}）", align="center", size=12)
        w.skip(6)
        w.line(f"受送达人：{story.party.name}")
        w.line(f"送达地点：{story.party.address}")
        w.line(f"送达方式：{_method_label(service.method)}")
        cols = [LEFT, LEFT + 30, LEFT + 175, LEFT + 300, LEFT + 330, LEFT + 410, RIGHT]
        heads = ["序号", "送达文书名称", "文号", "份数", "收件人签名", "签收时间"]
        y = w.y + 4
        for i, head in enumerate(heads):
            w.cell(cols[i], y, cols[i + 1], y + 30, head, align="center", size=10)
        y += 30
        for n, s in enumerate(served, 1):
            h = 46
            values = [str(n), s.title, s.number, "1", "", ""]
            for i, value in enumerate(values):
                w.cell(cols[i], y, cols[i + 1], y + h, value, align="center", size=9.5)
            if service.method == "直接送达" and not service.unsigned:
                w.sign(cols[4] + 6, y + h * 0.65, story.party.contact, "recipient", height=18)
                w.text_at(cols[5] + 4, y + h * 0.6, f"{service.day.year}.{service.day.month}.{service.day.day}", 10)
            y += h
        w.y = y + 20
        base = w.y + 12
        w.text_at(LEFT, base, "代收人签名或盖章及代收理由：", 11)
        _sign_agent(w, story, service, LEFT + 160, base, clerk)
        base += 36
        w.text_at(LEFT, base, "见证人签名或盖章：", 11)
        _sign_witness(w, story, service, LEFT + 110, base)
        base += 36
        w.text_at(LEFT, base, "送达人签名：", 11)
        _sign_servers(w, story, service, LEFT + 80, base)
        w.y = base + 24
        w.line("备注：" + (note or "无"), size=11)
    if service.method == "邮寄送达":
        _ems_page(w, story, served, service, mail_no, rng)
    signed = not service.unsigned
    first = served[0]
    fields: dict = {"served_type": first.type, "cited_number": first.number,
                    "method": _method_label(service.method), "recipient": story.party.name,
                    "service_date": service.day.isoformat()}
    if len(served) > 1:
        fields["served_types"] = [s.type for s in served]
        fields["cited_numbers"] = [s.number for s in served]
    return Rendered(type="service_receipt", title="送达回证", writer=w, family=family, day=service.day,
                    signed=signed, fields=fields,
                    toc_title="送达回证（" + "、".join(s.title for s in served) + "）",
                    toc_number="")


def _ems_page(w: DocWriter, story: Story, served: list[Served], service: Service, mail_no: str,
              rng: random.Random) -> None:
    """The postal proof: EMS 邮件详情单 / 妥投 record, printed from the carrier's system."""
    w.new_page()
    w.skip(10)
    w.line("中国邮政速递物流", size=14, font="title", align="center", gap=1.5, colour=(0.05, 0.35, 0.2))
    w.title("EMS邮件详情单（妥投证明）", size=18)
    w.skip(10)
    posted = service.posted or service.day
    rows = [
        ("邮件号", mail_no), ("寄件人", story.bureau.name), ("寄件地址", story.bureau.address),
        ("收件人", f"{story.party.name}（{story.party.contact}）"), ("收件地址", story.party.address),
        ("内件品名", "、".join(f"{s.title}（{s.number}）" for s in served)),
        ("收寄时间", f"{posted.year}-{posted.month:02d}-{posted.day:02d} {rng.randint(9, 17):02d}:{rng.randint(0, 59):02d}"),
        ("投递状态", "已妥投"),
        ("妥投时间", f"{service.day.year}-{service.day.month:02d}-{service.day.day:02d} "
                     f"{rng.randint(9, 17):02d}:{rng.randint(0, 59):02d}"),
        ("签收人", "单位收发章" if rng.random() < 0.4 else "本人签收"),
    ]
    y = w.y
    for label, value in rows:
        w.cell(LEFT + 20, y, LEFT + 130, y + 30, label, align="center")
        w.cell(LEFT + 130, y, RIGHT - 20, y + 30, value, size=10.5)
        y += 30
    w.y = y + 20
    w.line("邮件轨迹：", size=11)
    track = [(posted, f"【{story.bureau.address[:2]}揽投部】已收寄"), (posted, "离开处理中心，发往目的地"),
             (service.day, f"【{story.party.address[:2]}投递部】安排投递"), (service.day, "已妥投")]
    for day, event in track:
        w.line(f"{day.isoformat()}　{event}", size=10, x=LEFT + 20)
