"""Dates: every served document dated, events in a possible order, and the legal periods kept —
the statement/hearing period after the notice was served, service of the decision within 7
working days, the decision within 90 days of filing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from checkers.base import DOUBTFUL, LIKELY, SURE, Hit, Level, level_if, rule
from checkers.calendar import Deadline, add_days, add_workdays, period_end
from checkers.context import CaseView, Dated
from checkers.pack import Limits
from lexicon.dates import blank_date, cn_small
from lexicon.text import fold, squeeze
from models.case import Document
from models.doctypes import types_with

DATED = types_with("dated")
# Below this reading confidence a date is too uncertain to call an order or a period wrong.
SURE_READING = 0.85
# A printed 年 月 日 left blank, alone or after a name (张三 年 月 日): no figure before it.
_PLACEHOLDER = re.compile(r"(?:^|[^0-9〇○零一二三四五六七八九十_＿/])[_＿/]*年?[_＿/]*月[_＿/]*日[_＿/]*$")


def _sure_of(*confidences: float) -> Level:
    return level_if(min(confidences) >= SURE_READING)


def _cn(d: Dated | dt.date) -> str:
    day = d.day if isinstance(d, Dated) else d
    return f"{day.year}年{day.month}月{day.day}日"


@rule("date.missing.<type>", title="文书未注明日期",
      basis=(
          "《中华人民共和国行政处罚法》第五十九条第一款第六项",
          "《中华人民共和国民事诉讼法》第八十七条",
          "《党政机关公文格式》（GB/T 9704-2012）7.3.5",
      ))
def date_missing(view: CaseView) -> Iterator[Hit]:
    """A served document or its receipt carries no date.

    GB/T 9704-2012 §7.3.5 (成文日期); 民事诉讼法 art87 (受送达人在送达回证上记明收到日期 — the
    签收日期 is the service date). A date under a seal that could not be read is for review.
    """
    for doc in view.docs(*DATED):
        if doc.fields.date is None:
            yield _undated(view, doc)
    for receipt in view.docs("service_receipt"):
        if receipt.fields.date is None:
            yield _receipt_undated(view, receipt)


_RECEIPT_DATE_ROW = re.compile(r"收件人|签收人|受送达人(签名|签字|签章|盖章|\(|（)|送达时间|签收时间|收到日期")


def _receipt_undated(view: CaseView, receipt: Document) -> Hit:
    """A receipt's date is the recipient's (民事诉讼法 art87). A printed blank 年 月 日 in the
    recipient's row or the 送达时间 row shows it was never written; a blank in the server's row
    says nothing about it, and nothing read at all may be a date the scan lost."""
    blank: tuple[int, object] | None = None
    for page in view.doc_pages(receipt):
        rows = [ln for ln in page.text.lines if _RECEIPT_DATE_ROW.search(squeeze(fold(ln.text))[:10])]
        for line in page.text.lines:
            if not _PLACEHOLDER.search(squeeze(fold(line.text))):
                continue
            if any(abs(line.center[1] - row.center[1]) <= 22 for row in rows):
                blank = (page.page, line)
                break
        if blank:
            break
    if blank is not None:
        page_no, line = blank
        evidence = view.evidence(page_no, line.bbox, line.text)  # type: ignore[attr-defined]
    else:
        evidence = view.doc_evidence(receipt)
    return Hit(
        code="date.missing.service_receipt",
        message=f"{view.name(receipt)}未填写送达（签收）日期",
        suggestion="送达回证应由受送达人记明收到日期并签名；无法补正的，应说明情况",
        evidence=[evidence],
        level=level_if(bool(blank)),
    )


def _undated(view: CaseView, doc: Document) -> Hit:
    """How sure an undated outgoing document is undated: a printed blank 年 月 日 says so; figures
    of a date, or a seal pressed where the date belongs on a grey scan, may hide one."""
    last = next((p for p in reversed(view.doc_pages(doc)) if p.text.lines), view.page(doc.last))
    closing = [ln for ln in last.text.lines
               if ln.center[0] > 0.4 * last.text.width and len(squeeze(ln.text)) <= 14]
    # Figures written before 年 or 月 (二三年十, 2024年): a date is there, not read whole. A blank
    # 年 月 日 says no date was written. Other figures beside 年月日 leave it open.
    written = next((ln for ln in closing if _DATE_WRITTEN.search(squeeze(fold(ln.text)))), None)
    blank = next((ln for ln in closing if blank_date(ln.text)), None)
    fragment = written or (None if blank else next((ln for ln in closing if _DATE_FRAGMENT.search(fold(ln.text))),
                                                   None))
    why = doc.fields.unreadable.get("date")
    if fragment is not None:
        why = f"落款日期未能识读：{fragment.text}"
        level, evidence = DOUBTFUL, view.evidence(last.page, fragment.bbox, fragment.text)
    elif blank is not None:
        why = None
        level, evidence = SURE, view.evidence(last.page, blank.bbox, blank.text)
    elif why:
        level, evidence = DOUBTFUL, view.evidence(last.page, None, why)
    elif last.seals and last.grayscale is not False:
        why = "落款处有印章遮盖，未能识读日期"
        level, evidence = DOUBTFUL, view.evidence(last.page, last.seals[-1].bbox, why)
    else:
        level, evidence = LIKELY, view.doc_evidence(doc)
    return Hit(
        code=f"date.missing.{doc.type}",
        message=f"{view.name(doc)}未见成文日期" + (f"（{why}）" if why else ""),
        suggestion=f"{view.title(doc)}应在落款处注明成文日期并加盖印章",
        evidence=[evidence],
        level=level,
    )


_DATE_WRITTEN = re.compile(r"[0-9〇○零一二三四五六七八九十][年月]")
# Figures of a date next to 年/月/日 (二三年十, 2024年): a date was written, not read whole.
_DATE_FRAGMENT = re.compile(r"[0-9〇○零一二三四五六七八九十]\s*[年月日]|[年月]\s*[0-9〇○零一二三四五六七八九十]")


def _order(view: CaseView) -> Iterator[tuple[Dated, Dated, str]]:
    """(earlier, later, why) for every pair of dates the law puts in an order."""
    notices = [d for doc in view.docs("notice") if (d := view.dated(doc))]
    for doc in view.docs("decision"):
        dec = view.decision_day(doc)
        if dec is None:
            continue
        for notice in notices:
            yield notice, dec, "处罚决定应在事先告知之后作出（行政处罚法第四十四条）"
            served = view.service_date(notice.doc)
            if served:
                yield served, dec, "处罚决定应在告知书送达之后作出（行政处罚法第四十四、四十五条）"
        for before in view.docs("legal_review"):
            if (d := view.dated(before)):
                yield d, dec, "法制审核应在作出决定之前（行政处罚法第五十八条）"
        for before in view.docs("statement_record"):
            title = squeeze(before.title or "")
            if "听证" in title and "通知" not in title and (d := view.dated(before)):
                yield d, dec, "听证应在作出决定之前（行政处罚法第六十四条）"
        for before in view.docs("internal_approval"):
            if re.search(r"集体讨论|审议", squeeze(before.title or "")) and (d := view.dated(before)):
                yield d, dec, "集体讨论应在作出决定之前（行政处罚法第五十七条）"
        if dec.note:
            continue  # a stand-in date bounds the decision from above only
        for after in view.docs("payment_receipt"):
            if (d := view.dated(after)):
                yield dec, d, "缴纳罚款应在处罚决定之后（行政处罚法第六十七条）"
        for after in view.docs("closing_approval"):
            if (d := view.dated(after)):
                yield dec, d, "结案应在处罚决定之后"
    for doc in view.docs(*DATED):
        issued = view.dated(doc)
        served = view.service_date(doc)
        if issued and served:
            yield issued, served, "送达日期不应早于文书的成文日期（民事诉讼法第八十七条）"
    filing = view.filing_day()
    if filing:
        for notice in notices:
            yield filing, notice, "事先告知应在立案之后（行政处罚法第五十四条）"
        for doc in view.docs("investigation_report"):
            if (d := view.dated(doc)):
                yield filing, d, "调查终结报告应在立案之后"
    for pay in (d for doc in view.docs("payment_receipt") if (d := view.dated(doc))):
        for doc in view.docs("closing_approval"):
            if (d := view.dated(doc)):
                yield pay, d, "结案应在罚款缴纳之后"


@rule("date.order", title="文书日期先后顺序不当",
      basis=(
          "《中华人民共和国行政处罚法》第四十四条",
          "《中华人民共和国行政处罚法》第四十五条",
          "《中华人民共和国行政处罚法》第五十七条",
          "《中华人民共和国行政处罚法》第五十八条",
          "《中华人民共和国行政处罚法》第六十四条",
          "《中华人民共和国行政处罚法》第六十七条",
          "《中华人民共和国民事诉讼法》第八十七条",
      ))
def date_order(view: CaseView) -> Iterator[Hit]:
    """Two dates of the case in an impossible order: a decision before its notice or the notice's
    service, a service before the document's issue, a legal review, hearing or collective
    discussion after the decision, a payment or closing before the decision, a notice or
    investigation report before filing.

    行政处罚法 art44–45 (告知 before decision), art57–58 (审查、法制审核 "作出决定之前"), art64,
    art67; 民事诉讼法 art87 (签收日期 = 送达日期); DOMAIN §4 (normal order of events).
    """
    for earlier, later, why in _order(view):
        if earlier.day <= later.day:
            continue
        yield Hit(
            code="date.order",
            message=(f"{view.name(earlier.doc)}日期{_cn(earlier)}{earlier.note}晚于{view.name(later.doc)}日期"
                     f"{_cn(later)}{later.note}：{why}"),
            suggestion="核实两份文书的日期；确属程序倒置的，应依法纠正",
            evidence=[view.value_evidence(earlier.value), view.value_evidence(later.value)],
            # Were the first date truly later still (a seal erased a figure), the order is worse.
            level=_sure_of(earlier.or_later, later.confidence),
        )


_PERIOD = re.compile(r"(?:收到|送达|签收)[^。；]{0,12}?之日起([0-9]{1,2}|[一二三四五六七八九十]{1,3})(个工作日|个?日|天)")


def _earliest_decision(view: CaseView) -> Dated | None:
    """Where the decision's date was not read: the latest step that must come before it (the
    notice and its service), the earliest the decision can have been made."""
    steps = [d for doc in view.docs("notice") for d in (view.dated(doc), view.service_date(doc)) if d]
    latest = max(steps, key=lambda d: d.day, default=None)
    if latest is None:
        return None
    return Dated(latest.day, latest.confidence, latest.value, latest.doc,
                 note=f"（成文日期未能识读，以{view.title(latest.doc)}{'送达' if latest.doc.type == 'service_receipt' else ''}日期为下限）")


def stated_period(text: str) -> tuple[int, bool] | None:
    """The 陈述申辩 period a notice states: (days, counted in working days)."""
    for m in _PERIOD.finditer(text):
        around = text[max(0, m.start() - 40):m.end() + 30]
        if "陈述" not in around and "申辩" not in around:
            continue
        raw = m.group(1)
        days = int(raw) if raw.isdigit() else cn_small(raw)
        if days:
            return days, m.group(2) == "个工作日"
    return None


def _statement_end(start: Dated, days: int, working: bool, hearing: bool, limits: Limits) -> Deadline:
    """The last day of the statement period, and of the hearing-request period if one is offered."""
    end = add_workdays(start.day, days) if working else period_end(start.day, days, limits.working_day_max)
    if hearing:
        end_h = add_workdays(start.day, limits.hearing_request_workdays)
        end = end_h if end_h.day > end.day else end
    return end


@rule("date.statement_period", title="陈述申辩期限未满即作出决定",
      basis=(
          "《中华人民共和国行政处罚法》第四十五条",
          "《中华人民共和国行政处罚法》第六十二条",
          "《中华人民共和国行政处罚法》第六十四条第一款第一项",
          "《中华人民共和国行政处罚法》第八十五条",
          "《中华人民共和国民事诉讼法》第八十五条",
      ))
def statement_period(view: CaseView) -> Iterator[Hit]:
    """The decision came before the statement (and hearing-request) period after the notice was
    served had run out, and the party had not waived it in writing.

    行政处罚法 art45 (陈述、申辩), art62 (no decision before hearing them unless 当事人明确放弃),
    art64(1) (听证 asked for within 5 days of notice), art85 (二三五七日 are working days);
    the period runs from service (民事诉讼法 art85: start day not counted).
    """
    if view.waiver is not None or view.waiver_claimed:
        return
    limits = view.pack.limits
    for notice in view.docs("notice"):
        issued = view.dated(notice)
        served = view.service_date(notice)
        if served and issued and served.day < issued.day:
            continue  # an impossible service date is date.order's
        stated = stated_period(view.text(notice))
        days, working = stated if stated else (limits.statement_workdays, True)
        hearing = "听证" in view.text(notice)

        for decision in view.docs("decision"):
            dec = view.dated(decision)
            if dec is None:
                continue
            # Counted from the service date; from the issue date where that alone already shows
            # the decision too early (service is never before issue), which needs no receipt read.
            best: tuple[Level, Dated, Deadline] | None = None
            # (On a tie the service date is named: it is where the law counts from.)
            for start in (s for s in (served, issued) if s is not None):
                end = _statement_end(start, days, working, hearing, limits)
                if start.day <= dec.day <= end.day:
                    level = _sure_of(start.or_later, dec.confidence) if end.exact else DOUBTFUL
                    if best is None or (level == SURE and best[0] != SURE):
                        best = (level, start, end)
            if best is None:
                continue
            level, start, end = best
            basis = "送达" if start is served else "成文"
            yield Hit(
                code="date.statement_period",
                message=(f"{view.name(notice)}于{_cn(start)}{basis}，告知的陈述申辩"
                         f"{'及听证申请' if hearing else ''}期限至{_cn(end.day)}"
                         f"方届满，而{view.name(decision)}于{_cn(dec)}作出"),
                suggestion="陈述、申辩（听证申请）期限届满或当事人书面放弃后方可作出处罚决定；核实日期，确属提前作出的应依法纠正",
                evidence=[view.value_evidence(start.value), view.value_evidence(dec.value)],
                level=level,
            )


@rule("date.service_late", title="处罚决定书送达超过期限",
      basis=(
          "《中华人民共和国行政处罚法》第六十一条第一款",
          "《中华人民共和国行政处罚法》第八十五条",
      ))
def service_late(view: CaseView) -> Iterator[Hit]:
    """The decision was served more than 7 working days after it was made.

    行政处罚法 art61 ¶1: 当事人不在场的，行政机关应当在七日内依照民事诉讼法的有关规定送达;
    art85: 七日 are working days. By post the date of posting counts (在途时间不计), so a receipt
    of a posted decision is only a question.
    """
    limits = view.pack.limits
    for decision in view.docs("decision"):
        made = view.dated(decision)
        served = view.service_date(decision)
        if made is None or served is None or served.day < made.day:
            continue
        end = add_workdays(made.day, limits.service_workdays)
        if served.day <= end.day:
            continue
        receipt = view.receipt_for(decision)
        method = receipt.fields.values.get("service_method") if receipt else None
        if method is not None and "公告" in method.value:
            continue
        level = _sure_of(made.confidence, served.or_later) if end.exact else DOUBTFUL
        if method is not None and "邮寄" in method.value:
            # The posting date counts (在途时间不计); the receipt's date is the post's arrival.
            posted_by = add_workdays(made.day, limits.service_workdays + limits.postal_transit_workdays)
            if served.day <= posted_by.day:
                level = DOUBTFUL
        yield Hit(
            code="date.service_late",
            message=(f"{view.name(decision)}于{_cn(made)}作出，{_cn(served)}方送达"
                     f"（超过{limits.service_workdays}个工作日，应于{_cn(end.day)}前送达）"),
            suggestion="处罚决定书应在宣告后当场交付，当事人不在场的应在七个工作日内送达",
            evidence=[view.value_evidence(made.value), view.value_evidence(served.value)],
            level=level,
        )


@rule("date.case_overdue", title="案件办理超过期限",
      basis=(
          "《中华人民共和国行政处罚法》第六十条",
          "《生态环境行政处罚办法》（生态环境部令第30号）第五十七条",
      ))
def case_overdue(view: CaseView) -> Iterator[Hit]:
    """The decision came later than 90 days after filing, with no extension approved in the file.

    行政处罚法 art60: 自行政处罚案件立案之日起九十日内作出行政处罚决定; 办法2023 art57: extended by
    30 days with the 负责人's approval; periods of 听证、公告、监测、鉴定 and 中止 are not counted, so
    a file with a hearing or a suspension gives only a question.
    """
    if view.suspended:
        return
    filing = view.filing_day()
    if filing is None:
        return
    limits = view.pack.limits
    days = limits.case_days + (limits.extension_days if view.extension else 0)
    end = add_days(filing.day, days)
    for decision in view.docs("decision"):
        made = view.dated(decision) or _earliest_decision(view)
        if made is None or made.day <= end.day:
            continue
        level = _sure_of(filing.confidence, made.or_later) if end.exact else DOUBTFUL
        if view.hearing_held:
            level = DOUBTFUL
        taken = (made.day - filing.day).days
        yield Hit(
            code="date.case_overdue",
            message=(f"本案于{_cn(filing)}立案，{view.name(decision)}于{_cn(made)}{made.note}作出，历时{taken}日，"
                     f"超过{days}日办案期限" + ("（已计入延期）" if view.extension else "，卷内未见延期审批")),
            suggestion="案件应自立案之日起九十日内作出决定；确需延期的，应经负责人批准并将延期审批表归卷",
            evidence=[view.value_evidence(filing.value), view.value_evidence(made.value)],
            level=level,
        )
