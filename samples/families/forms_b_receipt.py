"""Set b 送达回证: a two-column grid, a list-in-one-cell form, and 电子送达 with its proof pages.

- rcptb_twocol: a four-column grid (label, value, label, value: 受送达人 | 送达地点, 送达文书 | 文号,
  送达方式 | 送达时间), then full-width signing rows; a signing row that is not used (代收人 on a
  direct service, 见证人 unless 留置) is struck through with a diagonal slash, as bureaus do to
  show it was left empty on purpose. The recipient writes the date by hand after the signature in
  the story's style: 2024.3.5, 2024-03-05 or 二〇二四年三月五日.
- rcptb_listcell: label/value rows, all served documents listed with their 文号 in one cell
  (1.《…》…号 / 2.《…》…号), unused rows filled with “／”, the 签收日期 in its own cell by hand.
- rcptb_electronic: 电子送达 (LAP art61 ¶2, 民诉法 art90): the 送达回证 marked 电子送达 with the
  confirmed mailbox, signed by the two servers; a print of the mail system's 发送记录 (delivered,
  with the SMS reminder); on the first e-served receipt the party's signed 送达地址确认书 (consent
  to e-mail service). Documents this family serves by hand (the on-site 责令改正, a decision whose
  receipt is planted unsigned) are drawn as rcptb_twocol.
Methods: 直接送达, 代收, 留置送达 (witness + note), 邮寄送达 (set a's EMS page follows), 电子送达.
"""

from __future__ import annotations

import random
from datetime import date

import pymupdf

from samples.families.canvas import LEFT, RIGHT, DocWriter, Rendered, fmt_date
from samples.families.forms_b_records import hand, tick
from samples.families.forms_receipt import Served, Service, _ems_page
from samples.families.story_b import StoryB


def written_date(day: date, style: str) -> str:
    if style == "dash":
        return day.isoformat()
    if style == "chinese":
        return fmt_date(day, "chinese")
    return f"{day.year}.{day.month}.{day.day}"


def _time(rng: random.Random, day: date) -> str:
    return f"{fmt_date(day)}{rng.randint(9, 16)}时{rng.choice((0, 15, 25, 35, 45))}分"


def _label(method: str) -> str:
    return "直接送达" if method == "代收" else method


def _note(story: StoryB, service: Service, mail_no: str) -> str:
    if service.method == "留置送达":
        return (f"受送达人拒绝签收，送达人邀请{story.witness_unit}{story.witness}到场见证，已将文书留置于受送达人住所，"
                "并拍照记录。")
    if service.method == "邮寄送达":
        return f"EMS特快专递邮寄送达，邮件号{mail_no}，送达日期以邮件回执为准。"
    if service.method == "代收":
        return "受送达人法定代表人不在，由单位收发室工作人员代收。"
    return ""


def _strike(w: DocWriter, x0: float, y0: float, x1: float, y1: float) -> None:
    """The slash through an unused signing row."""
    w.page.draw_line((x0 + 4, y1 - 3), (x1 - 4, y0 + 3), color=(0.1, 0.1, 0.3), width=0.9)


def _recipient(w: DocWriter, story: StoryB, service: Service, x: float, base: float) -> None:
    if service.method == "直接送达" and not service.unsigned:
        end = w.sign(x, base, story.party.contact, "recipient")
        hand(w, end + 10, base, written_date(service.day, story.receipt_date_style), "recipient", height=14)
    elif service.method == "邮寄送达":
        w.text_at(x, base, "（邮寄送达，见所附邮件回执）", 10)
    elif service.method == "留置送达":
        w.text_at(x, base, "（拒绝签收）", 10)


def _agent(w: DocWriter, story: StoryB, service: Service, x: float, base: float, clerk: str) -> None:
    end = w.sign(x, base, clerk, "agent")
    end = w.text_at(end + 6, base, "（收发室，代收）", 10)[2]
    hand(w, end + 6, base, written_date(service.day, story.receipt_date_style), "agent", height=14)


def _servers(w: DocWriter, story: StoryB, service: Service, x: float, base: float) -> None:
    for officer in story.officers[:2]:
        x = w.sign(x, base, officer.name, "server") + 6
    day = service.posted if service.method == "邮寄送达" and service.posted else service.day
    w.text_at(x + 8, base, fmt_date(day), 10.5)


def _twocol(w: DocWriter, story: StoryB, served: list[Served], service: Service, rng: random.Random,
            note: str, clerk: str) -> None:
    w.skip(8)
    w.line(story.bureau.name, size=15, align="center", gap=1.5)
    w.title("送 达 回 证", size=22)
    w.skip(6)
    c = [LEFT, LEFT + 88, LEFT + 262, LEFT + 330, RIGHT]
    titles = "\n".join(f"《{s.title}》" for s in served)
    numbers = "\n".join(s.number for s in served)
    when = "见邮件回执" if service.method == "邮寄送达" else _time(rng, service.day)
    grid = [("受送达人", story.party.name, "送达地点", story.party.address),
            ("送达文书", titles, "文　　号", numbers),
            ("送达方式", _label(service.method), "送达时间", when)]
    y = w.y
    for a, b, cc, d in grid:
        h = max(40.0, w.text_height(b, 10.5, c[2] - c[1]), w.text_height(d, 10.5, c[4] - c[3]))
        w.cell(c[0], y, c[1], y + h, a, align="center", size=10.5)
        w.cell(c[1], y, c[2], y + h, b, size=10.5)
        w.cell(c[2], y, c[3], y + h, cc, align="center", size=10.5)
        w.cell(c[3], y, c[4], y + h, d, size=10.5)
        y += h
    rows = [("受送达人\n签名（盖章）", 58), ("代收人签名\n及代收理由", 52), ("见证人签名", 46), ("送达人签名", 46),
            ("备　　注", 70)]
    for label, h in rows:
        w.cell(c[0], y, c[1], y + h, label, align="center", size=10.5)
        w.cell(c[1], y, c[4], y + h, note if label.startswith("备") else "", size=10.5, valign="top")
        base = y + h * 0.62
        x = c[1] + 14
        if label.startswith("受送达人"):
            _recipient(w, story, service, x, base)
        elif label.startswith("代收人"):
            if service.method == "代收":
                _agent(w, story, service, x, base, clerk)
            else:
                _strike(w, c[1], y, c[4], y + h)
        elif label.startswith("见证人"):
            if service.method == "留置送达":
                end = w.sign(x, base, story.witness, "witness")
                w.text_at(end + 6, base, f"（{story.witness_unit}）", 10)
            else:
                _strike(w, c[1], y, c[4], y + h)
        elif label.startswith("送达人"):
            _servers(w, story, service, x, base)
        y += h
    w.y = y + 10
    w.line("说明：受送达人应在本回证上签名或盖章并注明签收日期。", size=9)


def _listcell(w: DocWriter, story: StoryB, served: list[Served], service: Service, rng: random.Random,
              note: str, clerk: str) -> None:
    w.skip(12)
    w.title("送达回证", size=22)
    w.line(f"（{story.bureau.name}）", size=12, align="center")
    w.skip(6)
    listed = "\n".join(f"{n}.《{s.title}》{s.number}" for n, s in enumerate(served, 1))
    label_w = 138
    rows = [("送达文书名称、文号", listed, max(44.0, w.text_height(listed, 10.5, RIGHT - LEFT - label_w))),
            ("受送达人", story.party.name, 32), ("送达地址", story.party.address, 32),
            ("送达方式", _label(service.method), 32),
            ("受送达人签名或盖章", "", 54), ("签收日期", "", 34), ("代收人及代收理由", "", 48),
            ("见证人", "", 40), ("送达人", "", 44), ("备注", note or "／", 64)]
    y = w.y
    for label, value, h in rows:
        w.cell(LEFT, y, LEFT + label_w, y + h, label, align="center", size=10.5)
        w.cell(LEFT + label_w, y, RIGHT, y + h, value, size=10.5, valign="top" if label == "备注" else "center")
        base = y + h * 0.62
        x = LEFT + label_w + 16
        mid = (LEFT + label_w + RIGHT) / 2
        if label == "受送达人签名或盖章":
            if service.method == "直接送达" and not service.unsigned:
                w.sign(x, base, story.party.contact, "recipient")
            elif service.method == "邮寄送达":
                w.text_at(x, base, "见EMS邮件回执", 10.5)
            elif service.method in ("留置送达", "代收"):
                w.text_at(mid, base, "／", 12)
        elif label == "签收日期":
            if service.method == "直接送达" and not service.unsigned:
                hand(w, x, base, written_date(service.day, story.receipt_date_style), "recipient", height=15)
            elif service.method == "代收":
                hand(w, x, base, written_date(service.day, story.receipt_date_style), "agent", height=15)
        elif label == "代收人及代收理由":
            if service.method == "代收":
                end = w.sign(x, base, clerk, "agent")
                w.text_at(end + 6, base, "（单位收发员，法定代表人外出）", 10)
            else:
                w.text_at(mid, base, "／", 12)
        elif label == "见证人":
            if service.method == "留置送达":
                w.sign(x, base, story.witness, "witness")
            else:
                w.text_at(mid, base, "／", 12)
        elif label == "送达人":
            _servers(w, story, service, x, base)
        y += h
    w.y = y + 8


def _electronic(w: DocWriter, story: StoryB, served: list[Served], service: Service, rng: random.Random,
                consent_page: bool) -> None:
    w.skip(8)
    w.line(story.bureau.name, size=15, align="center", gap=1.5)
    w.title("送达回证", size=22)
    w.line("（电子送达）", size=12, align="center")
    sent = f"{fmt_date(service.day)}{rng.randint(9, 16)}时{rng.randint(10, 59)}分"
    docs = "\n".join(f"《{s.title}》（{s.number}）" for s in served)
    label_w = 150
    rows = [("送达文书名称及文号", docs, max(40.0, w.text_height(docs, 10.5, RIGHT - LEFT - label_w))),
            ("受送达人", story.party.name, 32), ("送达方式", "电子送达（电子邮件）", 32),
            ("受送达人确认的\n电子送达地址", story.email, 40), ("发送时间", sent, 32),
            ("送达结果", "系统显示已成功送达受送达人邮箱（送达记录截图附后）", 40),
            ("送达人签名", "", 50),
            ("备注", f"受送达人已于{fmt_date(story.consent or service.day)}签署《送达地址确认书》，同意以电子邮件方式送达"
                   "执法文书。文书到达受送达人邮箱之日为送达之日。", 64)]
    y = w.y
    for label, value, h in rows:
        w.cell(LEFT, y, LEFT + label_w, y + h, label, align="center", size=10.5)
        w.cell(LEFT + label_w, y, RIGHT, y + h, value, size=10.5, valign="top" if label == "备注" else "center")
        if label == "送达人签名":
            _servers(w, story, service, LEFT + label_w + 14, y + h * 0.62)
        y += h
    w.y = y + 8
    # The mail system's record, printed.
    w.new_page()
    w.skip(6)
    w.title("电子送达记录（系统截图打印）", size=16)
    top = w.y + 6
    w.page.draw_rect(pymupdf.Rect(LEFT, top, RIGHT, top + 330), color=(0.45, 0.45, 0.5), width=1.0)
    w.page.draw_rect(pymupdf.Rect(LEFT, top, RIGHT, top + 24), color=None, fill=(0.86, 0.89, 0.94))
    w.text_at(LEFT + 8, top + 16, "政务邮箱 · 已发送邮件详情", 10.5)
    lines = [f"发件人：执法文书送达 <zfws{story.index % 9 + 1}@sthjj.gov.cn>", f"收件人：{story.email}",
             f"主　题：{story.bureau.name}送达：" + "、".join(f"《{s.title}》" for s in served),
             "附　件：" + "、".join(f"{s.title}.pdf" for s in served),
             f"发送时间：{service.day.isoformat()} {rng.randint(9, 16):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
             "投递状态：已投递到对方服务器（投递成功）", "",
             f"短信提醒：已向{story.party.phone[:3]}****{story.party.phone[-4:]}发送送达提醒短信，状态：发送成功"]
    y = top + 48
    for line in lines:
        w.text_at(LEFT + 14, y, line, 10.5)
        y += 26
    w.y = top + 350
    w.line(f"打印人：{story.officers[0].name}　　打印时间：{fmt_date(service.day)}", size=10.5, align="right")
    if consent_page:
        _consent(w, story, rng)


def _consent(w: DocWriter, story: StoryB, rng: random.Random) -> None:
    """送达地址确认书: the party's consent to e-mail service, signed at the inquiry."""
    w.new_page()
    w.skip(8)
    w.line(story.bureau.name, size=14, align="center", gap=1.5)
    w.title("送达地址确认书", size=20)
    w.para("告知事项：为便于当事人及时收到执法文书，保证执法程序顺利进行，当事人应当如实提供确切的送达地址。经当事人同意，"
           "本机关可以采用电子邮件等方式送达执法文书，文书到达受送达人特定系统之日为送达日期。", size=11)
    p = story.party
    rows = [("受送达人", p.name), ("法定代表人", p.legal_rep), ("送达地址", p.address), ("联系电话", p.phone),
            ("电子邮箱", story.email), ("是否同意电子送达", "")]
    y = w.y + 4
    for label, value in rows:
        w.cell(LEFT, y, LEFT + 140, y + 28, label, align="center", size=10.5)
        w.cell(LEFT + 140, y, RIGHT, y + 28, value, size=10.5)
        if label.startswith("是否"):
            w.text_at(LEFT + 150, y + 18, "□同意　　□不同意", 10.5)
            tick(w, LEFT + 150, y + 18)
        y += 28
    w.cell(LEFT, y, RIGHT, y + 70, "受送达人确认：我已阅知上述告知事项，确认以上送达地址和电子邮箱真实有效。", size=10.5,
           valign="top")
    base = y + 54
    x = w.text_at(LEFT + 150, base, "受送达人（签名或盖章）：", 10.5)[2]
    end = w.sign(x + 4, base, p.contact, "party")
    hand(w, end + 10, base, written_date(story.consent or story.inquiry, story.receipt_date_style), "party", height=14)
    w.y = y + 80


def render_receipt(story: StoryB, family: str, served: list[Served], service: Service, rng: random.Random,
                   *, consent_page: bool = False) -> Rendered:
    w = DocWriter(rng)
    clerk = f"{story.party.contact[0]}{rng.choice(('晓红', '丽萍', '春燕', '建国'))}"
    mail_no = f"E{rng.choice('ABLM')}{rng.randint(100000000, 999999999)}CN"
    note = _note(story, service, mail_no)
    if service.method == "电子送达":
        _electronic(w, story, served, service, rng, consent_page)
    elif family == "rcptb_listcell":
        _listcell(w, story, served, service, rng, note, clerk)
    else:  # rcptb_twocol, and rcptb_electronic's documents served by hand
        _twocol(w, story, served, service, rng, note, clerk)
    if service.method == "邮寄送达":
        _ems_page(w, story, served, service, mail_no, rng)
    first = served[0]
    fields: dict = {"served_type": first.type, "cited_number": first.number, "method": _label(service.method),
                    "recipient": story.party.name, "service_date": service.day.isoformat()}
    if len(served) > 1:
        fields["served_types"] = [s.type for s in served]
        fields["cited_numbers"] = [s.number for s in served]
    return Rendered(type="service_receipt", title="送达回证", writer=w, family=family, day=service.day,
                    signed=not service.unsigned, fields=fields,
                    toc_title="送达回证（" + "、".join(s.title for s in served) + "）", toc_number="")
