"""Named values of a document: party, officers and their 执法证号, fine, service method, the
document a receipt serves, case type. Each reader takes pages and returns FieldValues."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from extractors.fields.labels import LabelHit, find_labels, first_value, label_pattern, region_joined
from lexicon.dates import scan_dates
from lexicon.numbers import numbers_in
from lexicon.text import CJK, Joined, compact, fold, squeeze
from models.case import FieldValue, PageText

log = logging.getLogger(__name__)

# Signature, opinion and relation cells share their first words with value labels.
# After a label, what makes it no field of names: a signing row (检查人（签名）：, 询问人签字), an
# opinion or a relation, or the label word inside a sentence.
_REJECT = re.compile(r"\s*(?:[(（]\s*(?:签|盖章)|(?:[(（][^()（）]{0,8}[)）])?\s*"
                     r"(?:签|盖章|意见|关系|陈述|申辩|的|在|对|于|已|未|拒))")

# --- party -----------------------------------------------------------------------------------

# The party's labels on a letter (发文) and on a form; a type printing it under labels of its own
# names them in its spec (models/doctypes.py: party_labels).
PARTY_LABELS: dict[str, tuple[str, ...]] = {
    "outgoing": ("当事人", "当事人名称", "当事人姓名", "被处罚人", "被处罚单位", "被处罚单位名称", "单位名称",
                 "被责令改正单位", "被责令改正人", "受处罚单位"),
    "form": ("当事人", "当事人名称", "单位名称", "被处罚单位", "被处罚人", "违法单位", "被检查单位"),
}
# Answers and remarks that sit where a name goes (被检查人：不申请回避。); not 无锡…, 现代…
_NOT_PARTY = re.compile(r"^(?:不申请|不同意|我|你|是|以上|同意|对于|对你|经查|现场|拒绝|无$|无。|本人|详见|略|/)")
_PARTY_TAIL = re.compile(r"[(（](?:统一社会信用代码|社会信用代码|信用代码|组织机构代码|身份证|公民身份|注册号|营业执照|以下简称).*$")


def clean_party(text: str) -> str:
    text = _PARTY_TAIL.sub("", text.strip())
    text = re.sub(r"[：:，,。；;、\s]+$", "", text)
    text = re.sub(r"^[：:\s]+", "", text)
    return text.strip("（(")


# A label's own word where the name was left blank (当事人：＿＿): no name, never the party.
_LABEL_WORD = re.compile(r"^(?:当事人|被检查(?:单位|人)|被询问人|被调查人|受送达人|单位名称|名称|企业名称|"
                         r"姓名|法定代表人|负责人|经营者)(?:名称|姓名)?$")


def _party_ok(text: str) -> bool:
    return (len(re.findall(f"[{CJK}]", text)) >= 2 and len(text) <= 60 and not _NOT_PARTY.match(text)
            and not _LABEL_WORD.match(text.strip()))


def party_from_labels(pages: Sequence[PageText], labels: Sequence[str]) -> FieldValue | None:
    pattern = label_pattern(*labels)
    for page in pages:
        for hit in find_labels(page, pattern, reject=_REJECT, need_colon=True):
            name = clean_party(hit.value)
            if hit.value and _party_ok(name):
                return hit.field_value(name)
    return None


def party_from_salutation(page: PageText, after_y: float) -> FieldValue | None:
    """The party as an outgoing 文书 addresses it: 某某有限公司： alone on a line under the 文号."""
    for line in page.lines:
        if line.y0 < after_y:
            continue
        text = line.text.strip()
        folded = fold(text)
        if folded.endswith(":") and ":" not in folded[:-1] and _party_ok(text[:-1]):
            name = clean_party(text[:-1])
            if _party_ok(name) and not re.search("签名|签字|意见|如下|事项", name):
                return FieldValue(value=name, page=page.page, bbox=line.bbox, raw=text, confidence=line.confidence)
        if len(squeeze(text)) > 30:
            break  # the body has begun
    return None


# --- officers ------------------------------------------------------------------------------

_OFFICER_LABELS = ("执法人员", "检查人员", "检查人", "调查人员", "调查人", "询问人", "承办人", "办案人员", "执法人员姓名",
                   "承办人员", "勘察人", "勘验人")
_OFFICER_STOP = re.compile(
    r"记录人|记录员|检查地点|勘察地点|询问地点|地点|被检查|被询问|被调查|现场负责人|法定代表人|联系电话|电话|职务|"
    r"检查情况|现场检查情况|勘察记录|主持人|当事人|性别|年龄|身份证|工作单位|单位|时间|问\s*[:：]|答\s*[:：]|"
    r"告知|出示|表明|我们|请"
)
_ID_WORDS = re.compile(r"执法证件号码|执法证编号|执法证号|执法证件号|证件号码|证件号|执法证|证号|编号")
_NAME = re.compile(rf"^[{CJK}·]{{2,4}}$")
_NOT_NAME = {"执法人员", "检查人", "调查人", "询问人", "承办人", "签名", "签字", "记录", "出示", "证件", "人员", "以上", "分别",
             "执法", "同志", "等人", "本人", *_OFFICER_LABELS,
             # a table's column headers (执法人员 | 姓名 | 执法证号)
             "姓名", "职务", "单位", "执法证号", "证件号码", "执法证件",
             # a transcript's short answers, should a speaker's turn get through
             "没有", "是的", "好的", "清楚", "知道", "明白", "同意", "不是"}
_OFFICER_ID = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{0,3}[0-9]{5,20}(?![0-9])")


def officers(pages: Sequence[PageText]) -> tuple[list[FieldValue], list[FieldValue]]:
    """Officer names and 执法证号 from the header of a record (执法人员：甲、乙（执法证号：…、…）,
    or one table row per officer). Only the first page: later pages repeat signatures only."""
    return _people(pages, _OFFICER_LABELS)


_RECORDER_LABELS = ("记录人", "记录员")


def recorders(pages: Sequence[PageText]) -> tuple[list[FieldValue], list[FieldValue]]:
    """The recorder named in a record's header (记录人：乙（执法证号：…）): often the second officer
    (一人询问，一人记录)."""
    return _people(pages, _RECORDER_LABELS)


def _people(pages: Sequence[PageText], labels: Sequence[str]) -> tuple[list[FieldValue], list[FieldValue]]:
    names: list[FieldValue] = []
    ids: list[FieldValue] = []
    if not pages:
        return names, ids
    pattern = label_pattern(*labels)
    for hit in find_labels(pages[0], pattern, reject=_REJECT, need_colon=True):
        if not hit.value and not hit.colon:
            continue
        joined = region_joined(hit, extra_lines=2)
        text = joined.folded
        if re.match(r"\s*(?:我|你|请|现|经)", text) or re.match(rf"\s*[{CJK}]{{1,6}}[。？！?!]", text):
            continue  # a speaker's turn (执法人员：我们是…; 调查人员：没有。), not the officer list
        stop = _OFFICER_STOP.search(text)
        end = stop.start() if stop else len(text)
        region = text[:end]
        if any(len(run) > 8 for run in re.findall(f"[{CJK}]+", _ID_WORDS.sub(" ", region))):
            continue  # prose after a speaker's tag (调查人员（汪某）：2024年…我局执法人员…), not a list
        _names_in(joined, region, names)
        _ids_in(joined, region, ids)
    for fv in _id_column(pages[0]):
        if all(o.value != fv.value for o in ids):
            ids.append(fv)
    return names, ids


_ID_HEADER = re.compile(r"^(?:执法证号|执法证件号码?|执法证编号|证件号码?|证号)$")


def _id_column(page: PageText) -> list[FieldValue]:
    """执法证号 printed in a table column under its header (执法人员 | 姓名 | 执法证号, one officer a
    row): the numbers standing in the header's column, in the rows just below it."""
    out: list[FieldValue] = []
    for header in (ln for ln in page.lines if _ID_HEADER.match(squeeze(fold(ln.text)))):
        step = max(header.height, 8.0) * 3
        bottom = header.y1
        for line in sorted((ln for ln in page.lines if ln.y0 > header.y1 - 1), key=lambda ln: ln.y0):
            if line.y0 > bottom + step:
                break  # past the table's rows
            if line.x0 < header.x1 and header.x0 < line.x1:
                m = _OFFICER_ID.fullmatch(squeeze(fold(line.text)))
                if not m:
                    break  # the column holds something else from here on
                out.append(FieldValue(value=m.group(0), page=page.page, bbox=line.bbox, raw=line.text,
                                      confidence=line.confidence))
                bottom = line.y1
    return out


# 执法人员汪明德、段龙春对当事人进行了现场检查: the officers named in an investigation report's
# account of the investigation, a list of names ended by the verb or preposition that follows.
_PROSE_OFFICERS = re.compile(
    rf"(?:执法人员|调查人员|检查人员|办案人员)((?:[{CJK}]{{2,3}}[、和及])+[{CJK}]{{2,3}}?)"
    r"(?=对|于|在|到|前往|依法|进行|向|赴|会同|共同|[，,。；;（(]|等)")


def officers_in_prose(pages: Sequence[PageText]) -> list[FieldValue]:
    """Officer names from prose (执法人员甲、乙对当事人…), for a case whose records are missing."""
    names: list[FieldValue] = []
    for page in pages:
        for line in page.lines:
            for m in _PROSE_OFFICERS.finditer(squeeze(line.text)):
                for name in re.split(r"[、和及]", m.group(1)):
                    if _NAME.match(name) and name not in _NOT_NAME and all(n.value != name for n in names):
                        names.append(FieldValue(value=name, page=page.page, bbox=line.bbox, raw=line.text,
                                                confidence=line.confidence))
        if names:
            return names
    return names


def _glue(region: str) -> tuple[str, list[int]]:
    """The region without the breaks that cut a value in two: a line break inside a number
    (4509819 / 20) or a name (韩志 / 娜（执法证号…), padding inside a two-character name (苏　琳);
    with, for each kept character, its index in `region`."""
    drop = set()
    for m in re.finditer(r"(?<=[0-9])\n(?=[0-9])", region):
        drop.add(m.start())
    for m in re.finditer(rf"(?:^|(?<=[^{CJK}]))[{CJK}]{{1,3}}(\n)[{CJK}]{{1,2}}(?=[^{CJK}]|$)", region):
        head, tail = m.group(0).split("\n")
        if 2 <= len(head) + len(tail) <= 4:
            drop.add(m.start(1))
    # A two-character name padded to three with a space (苏　琳) reads as one name.
    for m in re.finditer(rf"(?:^|(?<=[^{CJK}]))[{CJK}](\s{{1,3}})[{CJK}](?=[^{CJK}]|$)", region):
        if "\n" not in m.group(1):
            drop.update(range(m.start(1), m.end(1)))
    keep = [i for i in range(len(region)) if i not in drop]
    return "".join(region[i] for i in keep), keep


def _names_in(joined: Joined, region: str, out: list[FieldValue]) -> None:
    glued, keep = _glue(region)
    blanked = _ID_WORDS.sub(lambda m: " " * len(m.group(0)), glued)
    for m in re.finditer(rf"[{CJK}·]+", blanked):
        token = m.group(0)
        if _NAME.match(token) and token not in _NOT_NAME and all(o.value != token for o in out):
            s, e = keep[m.start()], keep[m.end() - 1] + 1
            out.append(joined.value(token, s, e))


def _ids_in(joined: Joined, region: str, out: list[FieldValue]) -> None:
    if not _ID_WORDS.search(region):
        return
    glued, keep = _glue(region)
    for m in _OFFICER_ID.finditer(glued):
        s, e = keep[m.start()], keep[m.end() - 1] + 1
        value = m.group(0)
        if all(o.value != value for o in out):
            out.append(joined.value(value, s, e))


# --- money ---------------------------------------------------------------------------------

_UPPER = {"零": 0, "〇": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
          "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_ARABIC_AMOUNT = re.compile(r"[¥￥Y]?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<wan>万)?\s*元")
_UPPER_AMOUNT = re.compile(r"(?P<up>[零〇壹贰叁肆伍陆柒捌玖拾佰仟万亿一二两三四五六七八九十百千]+)(?:元|圆)")
_FINE_WORD = re.compile(r"罚款|罚金|处罚金额|罚没款")
_DECIDED = re.compile(r"如下行政处罚|如下处罚|决定对你|决定给予|拟对你|拟给予|处以|作出如下")


def chinese_amount(text: str) -> int | None:
    """壹拾玖万柒仟 → 197000, 五万 → 50000; None when the numerals do not add up."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _UPPER:
            digit = _UPPER[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif ch == "亿":
            total = (total + section + (digit or 0)) * 100_000_000
            section, digit = 0, None
        else:
            return None
    value = total + section + (digit or 0)
    return value or None


def _amount_at(text: str, start: int) -> tuple[int, int, str, float] | None:
    """The fine stated right after a 罚款 word: (start, end, 元 as a string, confidence factor)."""
    window = text[start:start + 48]
    stop = re.search(r"[。；;]|,(?![0-9])", window)
    window = window[:stop.start()] if stop else window
    arabic = _ARABIC_AMOUNT.search(window)
    upper = _UPPER_AMOUNT.search(window)
    value_a = value_u = None
    if arabic:
        num = float(arabic.group("num").replace(",", ""))
        value_a = round(num * (10_000 if arabic.group("wan") else 1), 2)
    if upper:
        value_u = chinese_amount(upper.group("up"))
    if value_a is None and value_u is None:
        return None
    value = value_a if value_a is not None else value_u
    factor = 1.0
    if value_a is not None and value_u is not None and abs(value_a - value_u) > 0.5:
        factor = 0.5  # 大写 and 小写 disagree: the Arabic figure is kept, with little trust
        log.info("fine in words %s and figures %s disagree", value_u, value_a)
    spans = [m.span() for m in (arabic, upper) if m]
    s, e = min(a for a, _ in spans), max(b for _, b in spans)
    text_value = f"{value:.2f}".rstrip("0").rstrip(".") if value is not None else ""
    return start + s, start + e, text_value, factor


def penalty(pages: Sequence[PageText]) -> FieldValue | None:
    """罚款 in 元 as the document states it; the decided amount is preferred to other mentions."""
    for page in pages:
        joined = Joined.of(page.page, page.lines)
        squeezed, index = compact(joined.folded)
        decided = _DECIDED.search(squeezed)
        candidates = []
        for m in _FINE_WORD.finditer(squeezed):
            found = _amount_at(squeezed, m.end())
            if found:
                candidates.append((0 if decided and m.start() >= decided.start() else 1, m.start(), found))
        if candidates:
            _, _, (s, e, value, factor) = min(candidates)
            return joined.value(value, index[s], index[e - 1] + 1, penalty=factor)
    return None


def amount(pages: Sequence[PageText]) -> FieldValue | None:
    """The amount on a payment receipt: 金额（小写）¥197000.00, else 金额（大写）."""
    for labels in (("金额(小写)", "小写金额", "小写", "金额（小写）"), ("金额(大写)", "大写金额", "大写", "金额（大写）", "金额")):
        hit = first_value(pages, label_pattern(*labels))
        if not hit:
            continue
        text = fold(hit.value).replace(" ", "")
        m = re.search(r"[0-9][0-9,]*(?:\.[0-9]+)?", text)
        if m:
            value = float(m.group(0).replace(",", ""))
            return hit.field_value(f"{value:.2f}".rstrip("0").rstrip("."))
        up = re.search(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+", text)
        if up and (v := chinese_amount(up.group(0))):
            return hit.field_value(str(v))
    return None


# --- service -------------------------------------------------------------------------------

METHODS = ("直接送达", "留置送达", "邮寄送达", "委托送达", "公告送达", "电子送达", "转交送达")
_CHECKED = "☑✓√■▇●✔☒"


def _method_words(text: str) -> list[tuple[int, str]]:
    squeezed = squeeze(text)
    return [(m.start(), m.group(0)) for m in re.finditer("|".join(METHODS), squeezed)]


def service_method(pages: Sequence[PageText]) -> FieldValue | None:
    """送达方式: the value of its cell; of a printed list of methods, the one ticked."""
    hit = first_value(pages, label_pattern("送达方式", "送达方法"))
    if hit:
        row = squeeze(hit.value + "".join(hit.page.lines[j].text for j in hit.cells[1:]))
        words = _method_words(row)
        if len(words) == 1:
            return hit.field_value(words[0][1])
        for pos, word in words:
            around = row[max(0, pos - 1):pos] + row[pos + len(word):pos + len(word) + 1]
            if any(c in _CHECKED for c in around):
                return hit.field_value(word, penalty=0.9)
    # No cell: the wording of the receipt (受送达人拒绝签收…留置) names one method only.
    seen: dict[str, FieldValue] = {}
    for page in pages:
        for line in page.lines:
            for _, word in _method_words(line.text):
                seen.setdefault(word, FieldValue(value=word, page=page.page, bbox=line.bbox, raw=line.text,
                                                 confidence=round(line.confidence * 0.9, 3)))
    if len(seen) == 1:
        return next(iter(seen.values()))
    return None


_SERVED_LABELS = ("送达文书名称及文号", "送达文书名称、文号", "送达文书名称", "送达文书及文号", "送达文书", "文书名称及文号",
                  "文书名称", "送达文件名称", "送达文件", "被送达文书")


def served_document(pages: Sequence[PageText]) -> tuple[FieldValue | None, FieldValue | None, LabelHit | None]:
    """(送达文书名称, the 文号 it cites, the label hit) of a service receipt."""
    hit = first_value(pages, label_pattern(*_SERVED_LABELS), continuation=2)
    if hit is None:
        return None, None, None
    joined = Joined.of(hit.page.page, [hit.page.lines[k] for k in hit.cells])
    number = None
    found = numbers_in(joined)
    if found:
        s, e, parts = found[0]
        number = joined.value(parts.text, s, e)
    title_m = re.search(r"《([^《》]{2,40})》", joined.text)
    if title_m:
        title_text = title_m.group(1)
    else:
        title_text = joined.text
        if found:
            title_text = title_text[:found[0][0]] + title_text[found[0][1]:]
        # What held the number is left as an empty bracket pair, or a bracket cut open.
        title_text = re.sub(r"[（(\[【〔]\s*[)）\]】〕]|\s+", "", title_text)
        title_text = re.sub(r"[（(\[【〔]$", "", title_text).strip("，,。：:、")
    title = hit.field_value(title_text.strip()) if title_text.strip() else None
    return title, number, hit


def served_type(title: str | None, number_kind: str | None) -> str:
    """The document type a receipt serves, from its title, else from the 文号's type suffix."""
    t = squeeze(title or "")
    if "责令" in t and "改" in t:
        return "correction_order"
    if "听证通知" in t:
        return "statement_record"
    if "告知" in t:
        return "notice"
    if "查封" in t or "扣押" in t:
        return "other"
    if "决定书" in t and "处罚" in t:
        return "decision"
    by_kind = {"notice": "notice", "decision": "decision", "correction_order": "correction_order",
               "hearing": "statement_record"}
    if number_kind in by_kind:
        return by_kind[number_kind]
    return "decision" if "决定书" in t else "other"


# --- case ----------------------------------------------------------------------------------

_CASE_TYPE_LABELS = ("案件类型", "案卷类型", "程序类型", "适用程序", "办理程序", "案件程序")


def case_type(pages: Sequence[PageText]) -> FieldValue | None:
    """一般程序 / 简易程序 only where the file says so."""
    hit = first_value(pages, label_pattern(*_CASE_TYPE_LABELS))
    if hit:
        value = squeeze(hit.value)
        kinds = [k for k in ("简易程序", "一般程序", "普通程序") if k in value]
        if len(kinds) == 1:
            return hit.field_value("简易程序" if kinds[0] == "简易程序" else "一般程序")
        for k in kinds:
            pos = value.find(k)
            if any(c in _CHECKED for c in value[max(0, pos - 1):pos] + value[pos + 4:pos + 5]):
                return hit.field_value("简易程序" if k == "简易程序" else "一般程序", penalty=0.9)
    for page in pages:
        for line in page.lines:
            m = re.search(r"适用(简易|一般|普通)程序|当场行政处罚决定书", squeeze(line.text))
            if m:
                value = "简易程序" if (m.group(1) == "简易" or m.group(1) is None) else "一般程序"
                return FieldValue(value=value, page=page.page, bbox=line.bbox, raw=line.text,
                                  confidence=line.confidence)
    return None


def clean_cause(text: str, party: str | None = None) -> str:
    """案由 as a bare act: without the party's name, 涉嫌, a trailing 案 / 一案, or what follows
    a whole date (the narrative of the next row, read on into)."""
    text = squeeze(text)
    # A 案由 names an act and holds no date: where a value read on into the next row of a form (a
    # scan's wrapped cell joined to the 简要案情 below: 超过…排放水污染物2025年4月14日现场检查发现…),
    # the date begins the narrative. (fold keeps positions: same length.)
    dated = scan_dates(fold(text))
    if dated and dated[0].start >= 4:
        text = text[:dated[0].start]
    if party and text.startswith(squeeze(party)):
        text = text[len(squeeze(party)):]
    text = re.sub(r"^(?:涉嫌|因)", "", text)
    text = re.sub(r"(?:一案|案件|案)$", "", text)
    return text.strip("：:，,。")


# --- issuing agency --------------------------------------------------------------------------

# 长治市生态环境局襄垣分局, 宜春市高安生态环境局, 江西省生态环境厅, 某县环境保护局. Not 生态环境部 (the
# ministry issues no penalty files of a bureau), not a company (…环境保护科技有限公司 has no 局).
_AGENCY_NAME = re.compile(f"[{CJK}]{{2,14}}?(?:生态环境|环境保护)(?:局|厅)(?:[{CJK}]{{1,8}}?分局)?")
_AGENCY_NOT = re.compile(r"^(?:关于|根据|依据|经|本|我|你|由|向|对|报|致|送|抄送|交)")


def agency(pages: Sequence[PageText]) -> FieldValue | None:
    """The bureau that issues or keeps the document: its name heading the first page (alone or on
    the title's line) or closing the last (the signing agency above the date)."""
    if not pages:
        return None
    first, last = pages[0], pages[-1]
    candidates = [ln for ln in first.lines if ln.y1 <= 0.3 * first.height]
    candidates += [ln for ln in reversed(last.lines) if ln.y0 >= 0.5 * last.height]
    for line in candidates:
        text = squeeze(line.text)
        m = _AGENCY_NAME.match(text)
        if m and not _AGENCY_NOT.match(text):
            page = first.page if line in first.lines else last.page
            return FieldValue(value=m.group(0), page=page, bbox=line.bbox, raw=line.text,
                              confidence=line.confidence)
    return None


def county_of(agency_name: str) -> str:
    """The 县市区 a bureau serves, as the monthly statistics table names it: 常德市生态环境局澧县分局
    -> 澧县, 宜春市高安生态环境局 -> 高安, 高安市生态环境局 -> 高安市, 常德市生态环境局 -> 常德市."""
    name = re.sub(r"(?:生态环境|环境保护)(?:局|厅)", "|", agency_name, count=1)
    head, _, tail = name.partition("|")
    if tail.endswith("分局") and len(tail) > 2:
        return tail[:-2]
    # A county bureau named after its city: the part after the city's 市/州/盟.
    m = re.match(r"^(.+?(?:省|自治区))?(.+?(?:自治州|市|盟|地区|州(?!市)))(.+)$", head)
    if m and m.group(3):
        return m.group(3)
    return head
