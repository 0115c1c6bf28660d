"""文号 (document numbers): 机关代字〔年份〕序号号, as printed and as OCR reads it.

GB/T 9704-2012 §7.2.5: agency code, the full year in 六角括号 〔〕, the serial in Arabic digits
without zero padding and without 第, then 号. OCR turns 〔〕 into [] () 【】 「」 and the like,
reads 0 as O/〇 and 1 as l/I, drops or garbles 号 (弓, 귀). Those are repaired silently (with a
lower confidence); what only a printer could have done (two-digit year, 第, zero padding, the
year written 2024年 without brackets) is reported as `malformed`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from lexicon.text import CJK, Joined, compact, fold, scan_lines
from models.case import FieldValue, TextLine

log = logging.getLogger(__name__)

_D = "0-9Oo〇○lI|!"  # a digit, or what OCR makes of one
_LB = r"\[({<【〈《「『〖〘〔﹝⦅C"
_RB = r"\])}>】〉》」』〗〙〕﹞⦆"
_HAO = "号號弓귀亏呺"
_CODE = rf"[{CJK}A-Za-z0-9()]"
# Type suffixes that end a 机关代字 (DOMAIN §3); a bracket-less number needs one to be trusted.
_SUFFIX_END = "罚告改立案字听决封扣"

_YEAR4 = rf"[12lI|][{_D}]{{3}}"
_TAIL = rf"(?P<di>第)?(?P<seq>[{_D}]{{1,6}})(?![{_D}])(?P<hao>[{_HAO}])?"
_BRACKETED = re.compile(
    rf"(?P<code>{_CODE}{{1,24}}?)(?P<zi>字)?"
    rf"(?:(?P<lb>[{_LB}])(?P<year>{_YEAR4}|[0-9]{{2}})(?P<rb>[{_RB}])?|(?P<year2>{_YEAR4})(?P<rb2>[{_RB}]))"
    + _TAIL
)
_YEAR_WORD = re.compile(
    rf"(?P<code>{_CODE}{{0,24}}?[{_SUFFIX_END}])(?P<zi>字)?(?P<year>{_YEAR4})(?P<sep>年|[-—.])"
    rf"(?P<di>第)?(?P<seq>[{_D}]{{1,6}})(?P<hao>[{_HAO}])"
)
_BARE = re.compile(
    rf"(?P<code>{_CODE}{{0,24}}?[{_SUFFIX_END}])(?P<zi>字)?(?P<year>(?:19|20)[0-9]{{2}})"
    rf"(?P<di>第)?(?P<seq>[0-9]{{1,5}})(?P<hao>[{_HAO}])"
)
# A 文号 printed with a blank where the year or the 序号 belongs (澧环罚〔　　〕12号, 澧环罚〔2024〕　号):
# malformed, not unreadable. Only after a code ending in a type suffix, to stay clear of prose.
_EMPTY_YEAR = re.compile(
    rf"(?P<code>{_CODE}{{0,24}}?[{_SUFFIX_END}])(?P<zi>字)?(?P<lb>[{_LB}])(?P<rb>[{_RB}])"
    rf"(?P<di>第)?(?P<seq>[{_D}]{{1,6}})(?![{_D}])(?P<hao>[{_HAO}])"
)
_EMPTY_SEQ = re.compile(
    rf"(?P<code>{_CODE}{{0,24}}?[{_SUFFIX_END}])(?P<zi>字)?(?P<lb>[{_LB}])(?P<year>{_YEAR4})(?P<rb>[{_RB}])"
    rf"(?P<di>第)?(?P<hao>[号號])"
)
# Where prose ends and the 机关代字 begins: punctuation, and characters no agency code contains.
_STOP = set("：:，,。；;、！？!?》《“”\"'\n书表证号的以为据经按照对在见即将了及与或")
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "〇": "0", "○": "0", "l": "1", "I": "1", "|": "1", "!": "1"})

# 机关代字 endings and the document they number (DOMAIN §3), longest first.
_KINDS: tuple[tuple[str, str], ...] = (
    ("罚先告", "notice"), ("罚告", "notice"), ("先告", "notice"), ("听告", "hearing"), ("告", "notice"),
    ("责令改", "correction_order"), ("责改", "correction_order"), ("违改", "correction_order"),
    ("改", "correction_order"),
    ("罚决", "decision"), ("罚", "decision"),
    ("立案", "case"), ("立", "case"), ("案", "case"),
    ("听", "hearing"), ("查封", "seizure"), ("扣押", "seizure"), ("封", "seizure"), ("扣", "seizure"),
)


class NumberParts(BaseModel):
    """A 文号 taken apart. `text` is the canonical form; `key` compares numbers across documents."""

    model_config = ConfigDict(frozen=True)

    text: str  # canonical: 〔〕, ASCII digits, no spaces; malformed parts kept as printed
    code: str  # 机关代字 without 字, e.g. 宿环泗罚
    agency: str  # the code without its type suffix, e.g. 宿环泗
    suffix: str  # 罚, 罚告, 责改…; "" when none is recognised
    kind: str | None  # decision, notice, correction_order, case, hearing, seizure
    zi: bool  # 字 before the year (宜环罚字〔2024〕37号): tolerated practice
    year: int | None
    seq: int | None
    seq_text: str
    well_formed: bool
    # no_brackets, brackets, short_year, empty_year, empty_seq, di, zero_padded, missing_hao, digits
    malformed: str | None = None
    doubtful: bool = False  # the malformation could be OCR dropping a character
    repairs: tuple[str, ...] = ()  # OCR repairs: bracket, one_bracket, ambiguous_bracket, digit, hao

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (self.code, self.year, self.seq)


def _clean_code(code: str) -> tuple[str, int]:
    """Cut prose off the front of a matched code (…告知书（玉环罚告 → 玉环罚告); also how much was cut."""
    cut = 0
    for i, ch in enumerate(code):
        if ch in _STOP:
            cut = i + 1
    # An opening bracket never closed inside the code is the bracket around the whole number.
    for i in range(len(code) - 1, cut - 1, -1):
        if code[i] == "(" and ")" not in code[i:]:
            cut = i + 1
            break
    for i in range(cut, len(code)):
        if code[i] == ")" and "(" not in code[cut:i]:
            cut = i + 1
    lead = re.match(rf"[^{CJK}]*", code[cut:])
    cut += len(lead.group(0)) if lead else 0
    # The issuing agency's full name before its 代字 (遂宁市生态环境局 over 遂环罚字〔2023〕43号, read
    # as one run): a 代字 is a few characters, never a place name ending in 局 or 厅.
    if agency := _AGENCY_NAME.match(code[cut:]):
        cut += agency.end()
    return code[cut:], cut


_AGENCY_NAME = re.compile(rf"[{CJK}]*[省市县区州旗盟][{CJK}]*[局厅](?=[{CJK}]{{2}})")


def _split_kind(code: str) -> tuple[str, str, str | None]:
    for suffix, kind in _KINDS:
        if code.endswith(suffix) and len(code) > len(suffix):
            return code[: -len(suffix)], suffix, kind
    return code, "", None


def _empty_parts(m: re.Match[str], form: str) -> NumberParts | None:
    """A number with its year or 序号 left blank: malformed as printed."""
    g = m.groupdict()
    code, _ = _clean_code(g["code"] or "")
    if not re.search(f"[{CJK}]", code):
        return None
    zi = bool(g.get("zi"))
    if code.endswith("字") and not zi:
        code, zi = code[:-1], True
    display_code = code.replace("(", "（").replace(")", "）")
    zi_txt = "字" if zi else ""
    agency, suffix, kind = _split_kind(code)
    agency = agency.replace("(", "（").replace(")", "）")
    if form == "empty_year":
        seq_txt = g["seq"].translate(_DIGIT_FIX)
        if int(seq_txt) == 0:
            return None
        return NumberParts(text=f"{display_code}{zi_txt}〔　〕{seq_txt}号", code=display_code, agency=agency,
                           suffix=suffix, kind=kind, zi=zi, year=None, seq=int(seq_txt), seq_text=seq_txt,
                           well_formed=False, malformed="empty_year")
    year_txt = g["year"].translate(_DIGIT_FIX)
    if not 1949 <= int(year_txt) <= 2099:
        return None
    return NumberParts(text=f"{display_code}{zi_txt}〔{year_txt}〕　号", code=display_code, agency=agency,
                       suffix=suffix, kind=kind, zi=zi, year=int(year_txt), seq=None, seq_text="",
                       well_formed=False, malformed="empty_seq")


def _parts(m: re.Match[str], form: str) -> NumberParts | None:
    g = m.groupdict()
    if form in ("empty_year", "empty_seq"):
        return _empty_parts(m, form)
    code, _ = _clean_code(g["code"] or "")
    if not re.search(f"[{CJK}]", code):
        return None
    zi = bool(g.get("zi"))
    if code.endswith("字") and not zi:  # 字 caught by the lazy code group
        code, zi = code[:-1], True
    repairs: list[str] = []
    year_raw = g.get("year") or g.get("year2") or ""
    seq_raw = g["seq"]
    year_txt, seq_txt = year_raw.translate(_DIGIT_FIX), seq_raw.translate(_DIGIT_FIX)
    if year_txt != year_raw or seq_txt != seq_raw:
        repairs.append("digit")
    hao = g.get("hao")
    if hao and hao not in "号號":
        repairs.append("hao")
    malformed: str | None = None
    doubtful = False
    if form == "bracketed":
        lb, rb = g.get("lb"), g.get("rb") or g.get("rb2")
        if not (lb and rb):
            repairs.append("one_bracket")
        elif lb != "〔" or rb != "〕":
            repairs.append("bracket")
        if not lb and code[-1] in "1lI|":
            code = code[:-1]  # 〔 read as 1 or l (X环罚12024〕12号)
        if not rb and seq_raw[0] in "1lI|" and len(seq_raw) > 1:
            repairs.append("ambiguous_bracket")  # 〕 read as 1? 〔2024112号 may be 112 or 12
        if len(year_txt) == 2:
            malformed = "short_year"
    else:
        malformed = "no_brackets"
        doubtful = form == "bare"  # both brackets dropped by OCR is unlikely but possible
    if len(year_txt) == 4 and not 1949 <= int(year_txt) <= 2099:
        return None
    if malformed is None and g.get("di"):
        malformed = "di"
    if malformed is None and len(seq_txt) > 1 and seq_txt.startswith("0"):
        malformed = "zero_padded"
    if malformed is None and not hao:
        malformed, doubtful = "missing_hao", True
    if int(seq_txt) == 0:
        return None
    display_code = code.replace("(", "（").replace(")", "）")
    zi_txt = "字" if zi else ""
    di_txt = "第" if g.get("di") else ""
    hao_txt = "号" if hao else ""
    if form == "bracketed":
        text = f"{display_code}{zi_txt}〔{year_txt}〕{di_txt}{seq_txt}{hao_txt}"
    else:
        sep = g.get("sep") or ""
        text = f"{display_code}{zi_txt}{year_txt}{sep}{di_txt}{seq_txt}{hao_txt}"
    agency, suffix, kind = _split_kind(code)
    year = int(year_txt)
    if len(year_txt) == 2:
        year += 2000
    return NumberParts(text=text, code=display_code, agency=agency.replace("(", "（").replace(")", "）"),
                       suffix=suffix, kind=kind, zi=zi, year=year, seq=int(seq_txt), seq_text=seq_txt,
                       well_formed=malformed is None, malformed=malformed, doubtful=doubtful,
                       repairs=tuple(repairs))


def _scan(compact_text: str) -> list[tuple[int, int, NumberParts]]:
    """Every number in a whitespace-free folded text: (start, end, parts), left to right."""
    found: list[tuple[int, int, NumberParts]] = []
    taken: list[tuple[int, int]] = []
    # The blank forms first: 〔2024〕号 must not read as 〔20 followed by 序号 24.
    for form, pattern in (("empty_seq", _EMPTY_SEQ), ("empty_year", _EMPTY_YEAR), ("bracketed", _BRACKETED),
                          ("year_word", _YEAR_WORD), ("bare", _BARE)):
        for m in pattern.finditer(compact_text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            parts = _parts(m, form)
            if parts is None:
                continue
            # The span starts where the cleaned code starts, not where prose began.
            start = m.start("code") + _clean_code(m.group("code"))[1]
            found.append((start, m.end(), parts))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda t: t[0])


def parse_number(text: str, exact: bool = False) -> NumberParts | None:
    """The first 文号 in `text`, taken apart; None when nothing in it reads as one.

    `exact`: the text is what was printed (a text layer), not what OCR made of it: nothing is
    repaired, so a number printed with other brackets, a letter for a digit or another 号 is
    malformed as printed, and no malformation is put down to OCR.
    """
    squeezed, _ = compact(fold(text))
    found = _scan(squeezed)
    if not found:
        return None
    parts = found[0][2]
    return as_printed(parts) if exact else parts


# What a repair means when the text is exactly what was printed.
_REPAIR_AS_PRINTED = {"bracket": "brackets", "one_bracket": "brackets", "ambiguous_bracket": "brackets",
                      "digit": "digits", "hao": "missing_hao"}


def as_printed(parts: NumberParts) -> NumberParts:
    """A number read from OCR-tolerant parsing, judged as printed: repairs become malformations."""
    malformed = parts.malformed
    if malformed is None:
        malformed = next((_REPAIR_AS_PRINTED[r] for r in parts.repairs if r in _REPAIR_AS_PRINTED), None)
    return parts.model_copy(update={"malformed": malformed, "well_formed": malformed is None, "doubtful": False})


def normalize_number(text: str) -> str | None:
    """The canonical form of the first 文号 in `text` (X环罚〔2024〕12号), or None."""
    parts = parse_number(text)
    return parts.text if parts else None


def confidence_penalty(parts: NumberParts) -> float:
    """How much less to trust a reading that needed repairs."""
    penalty = 1.0
    if "one_bracket" in parts.repairs:
        penalty *= 0.8
    if "ambiguous_bracket" in parts.repairs:
        penalty *= 0.75
    if "digit" in parts.repairs or "hao" in parts.repairs:
        penalty *= 0.85
    if "bracket" in parts.repairs:
        penalty *= 0.95
    if parts.doubtful:
        penalty *= 0.8
    return penalty


def numbers_in(joined: Joined) -> list[tuple[int, int, NumberParts]]:
    """Numbers in joined text as (start, end, parts) with positions in `joined.text`."""
    squeezed, index = compact(joined.folded)
    return [(index[s], index[e - 1] + 1, p) for s, e, p in _scan(squeezed)]


def number_hits(joined: Joined) -> list[tuple[int, int, str, float]]:
    """Numbers in joined text as (start, end, canonical text, confidence factor)."""
    return list(_number_hits_in(joined.folded))


@lru_cache(maxsize=8192)
def _number_hits_in(folded: str) -> tuple[tuple[int, int, str, float], ...]:
    # Memoised by text, like dates' hits: they depend on the folded text alone.
    squeezed, index = compact(folded)
    return tuple((index[s], index[e - 1] + 1, p.text, confidence_penalty(p)) for s, e, p in _scan(squeezed))


def find_numbers(lines: Sequence[TextLine], page: int = 1) -> list[FieldValue]:
    """Every 文号 on the lines of one page, including one broken across two lines or cells."""
    found = [fv for _, fv in scan_lines(lines, page, number_hits)]
    log.debug("page %d: %d numbers", page, len(found))
    return found
