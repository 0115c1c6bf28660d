"""Dates as case files print them: 2024年5月11日, 2024.5.11, 2024-05-11, 2024/5/11, and in
Chinese numerals 二〇二四年五月十一日 (OCR: 二○二四, 二O二四, 二零二四); spaces anywhere, OCR's
O/l for 0/1, a date split over two boxes of a row or wrapped onto the next line.

A date OCR left without 年 or 月 (2025725) is not guessed (DOMAIN §7): no date.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from lexicon.text import CJK, Joined, compact, fold, scan_lines, squeeze
from models.case import FieldValue, TextLine

log = logging.getLogger(__name__)

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_YC = "〇○零Oo0一二三四五六七八九"
_MC = r"十[一二]?|[元一二三四五六七八九]"
_DC = r"[二三]?十[一二三四五六七八九]?|[廿卅][一二三四五六七八九]?|[一二三四五六七八九]"
_YEAR_MARK = "年"
_DAY_MARK = "日曰"

_CHINESE_FORM = re.compile(
    rf"(?:(?<![0-9])(?P<y>(?:19|20)[0-9]{{2}})|(?P<yc>[一二][{_YC}]{{3}})|(?<![{_YC}])(?P<yc3>二[一二三四五六七八九][{_YC}]))\s*{_YEAR_MARK}"
    rf"(?:(?P<m>[0-9]{{1,2}})|(?P<mc>{_MC}))月"
    rf"(?:(?P<d>[0-9]{{1,2}})(?![0-9])|(?P<dc>{_DC}))(?P<dm>[{_DAY_MARK}])?"
)
# One separator twice (2024.5.11, 2024/5/11); OCR reads a handwritten point as a comma or a
# middle dot now and then (2025,10.11), so those three may mix (the date is then trusted less).
_NUMERIC_FORM = re.compile(
    r"(?<![0-9.,·\-/])(?P<y>(?:19|20)[0-9]{2})(?:(?P<sep>[/\-])(?P<m>[0-9]{1,2})(?P=sep)|"
    r"(?P<dot>[.,·])(?P<m2>[0-9]{1,2})(?P<dot2>[.,·]))(?P<d>[0-9]{1,2})(?![0-9])"
)


# A Chinese-numeral date whose year lost characters under a seal (二〇二四年 read 二四年 or 四年):
# month and day are whole, the year's last figure stands.
_CUT_YEAR_FORM = re.compile(rf"(?<![{_YC}])(?P<yc>[{_YC}]{{1,3}})年(?P<mc>{_MC})月(?P<dc>{_DC})[{_DAY_MARK}]")


def blank_date(text: str) -> bool:
    """A printed date left blank: 年 月 日, or what a seal left of it (年月, 月, 日, 年 月 11 where a
    thinned 日 read as 11): no figure where the year and the month belong."""
    t = squeeze(fold(text))
    if t and len(t) <= 6 and set(t) <= set("年月日_＿/") and any(c in t for c in "年月日"):
        return True
    if re.match(r"^[_＿/]*年[_＿/]*月", t) and len(t) <= 8:
        return True
    # One character of seal ink read where a date mark stood (年 月 日 under a grey seal read
    # 無月): still blank, as long as nothing in it could be a figure or the mark of one.
    others = [c for c in t if c not in "年月日_＿/"]
    return ("月" in t and len(t) <= 4 and len(others) == 1 and re.fullmatch(f"[{CJK}]", others[0]) is not None
            and others[0] not in _FIGURE_LIKE)


# Figures, and characters OCR makes of figures (工 for 二, 土 or 干 for 十, 人 or 入 for 八, 口 for 〇).
_FIGURE_LIKE = set("〇○零一二三四五六七八九十廿卅元两壹贰叁肆伍陆柒捌玖拾工土干士人入口乙")


# The same in Arabic figures (2024年7月15日 read 024年7月15日 with the 2 under the seal).
_CUT_YEAR_ARABIC = re.compile(rf"(?<![0-9])(?P<ya>[0-9]{{1,3}})年(?P<ma>[0-9]{{1,2}})月(?P<da>[0-9]{{1,2}})[{_DAY_MARK}]")


def cut_year_date(text: str) -> tuple[int, int, int] | None:
    """(last figure of the year, month, day) of a date whose year is cut short, or None."""
    folded = squeeze(fold(text))
    try:
        if m := _CUT_YEAR_FORM.search(folded):
            last = _CN_DIGIT[m.group("yc")[-1]]
            month, day = cn_small(m.group("mc")), cn_small(m.group("dc"))
        elif m := _CUT_YEAR_ARABIC.search(folded):
            last, month, day = int(m.group("ya")[-1]), int(m.group("ma")), int(m.group("da"))
        else:
            return None
        dt.date(2000 + last, month, day)  # a day that exists (in some year ending so)
    except (KeyError, ValueError):
        return None
    return last, month, day


@dataclass(frozen=True)
class DateMatch:
    start: int  # in the text given to `scan_dates`
    end: int
    date: dt.date
    repaired: bool  # digits repaired or the day mark missing: trust it a little less


def cn_small(text: str) -> int:
    """十一 → 11, 二十八 → 28, 廿八 → 28, 三十 → 30, 元 → 1."""
    if text == "元":
        return 1
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    return _CN_DIGIT[text]


_CONFUSABLE = re.compile(r"(?<=[0-9])[Oo〇○lI|]|[Oo〇○lI|](?=[0-9])")
_AS_DIGIT = str.maketrans("Oo〇○lI|", "0000111")


def _repair_digits(text: str) -> str:
    """O/o/〇 → 0 and l/I/| → 1 where they touch an Arabic digit (2O24, 1l日); same length."""
    for _ in range(2):  # twice: 2OO4 needs the first repair to reach the second O
        text = _CONFUSABLE.sub(lambda m: m.group(0).translate(_AS_DIGIT), text)
    return text


def scan_dates(text: str) -> list[DateMatch]:
    """Every valid date in `text` (already folded), positions in `text`, left to right."""
    squeezed, index = compact(text)
    fixed = _repair_digits(squeezed)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_CHINESE_FORM, _NUMERIC_FORM):
        for m in pattern.finditer(fixed):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            try:
                if g.get("yc3"):
                    # 二二三年: the small 〇 of 二〇二三 is the character a seal ring or a faint
                    # scan loses first; only that one is put back, and the date trusted less.
                    year = 2000 + int("".join(str(_CN_DIGIT[c]) for c in g["yc3"][1:]))
                else:
                    year = int(g["y"]) if g.get("y") else int("".join(str(_CN_DIGIT[c]) for c in g["yc"]))
                month = int(g["m"]) if g.get("m") else int(g["m2"]) if g.get("m2") else cn_small(g["mc"])
                day = int(g["d"]) if g.get("d") else cn_small(g["dc"])
                value = dt.date(year, month, day)
            except (KeyError, ValueError):
                continue  # 2月30日 and the like: not a date
            if not 1949 <= year <= 2099:
                continue
            repaired = fixed[m.start():m.end()] != squeezed[m.start():m.end()]
            if g.get("yc3") or (g.get("dot") and g["dot"] != g.get("dot2")):
                repaired = True
            if pattern is _CHINESE_FORM and not g.get("dm"):
                repaired = True  # 日 missing (often under the seal)
            taken.append((m.start(), m.end()))
            found.append(DateMatch(index[m.start()], index[m.end() - 1] + 1, value, repaired))
    return sorted(found, key=lambda d: d.start)


def parse_date(text: str) -> dt.date | None:
    """The first valid date in `text`, or None (also for impossible dates like 2月30日)."""
    found = scan_dates(fold(text))
    return found[0].date if found else None


def dates_in(joined: Joined) -> list[DateMatch]:
    return scan_dates(joined.folded)


def date_hits(joined: Joined) -> list[tuple[int, int, str, float]]:
    """Dates in joined text as (start, end, ISO date, confidence factor)."""
    return list(_date_hits_in(joined.folded))


@lru_cache(maxsize=8192)
def _date_hits_in(folded: str) -> tuple[tuple[int, int, str, float], ...]:
    # Memoised by text: a line or run recurs on many pages (headers, footers, form rows), and
    # the hits depend on the folded text alone (immutable tuples, copied into a list per call).
    return tuple((d.start, d.end, d.date.isoformat(), 0.9 if d.repaired else 1.0) for d in scan_dates(folded))


def find_dates(lines: Sequence[TextLine], page: int = 1) -> list[FieldValue]:
    """Every date on the lines of one page as ISO values with boxes, in reading order.

    A date split over adjacent boxes of one row (2024年5月 | 11日) or wrapped onto the next line
    is joined; its confidence is the lowest of the lines used, a little lower when repaired.
    """
    found = [fv for _, fv in scan_lines(lines, page, date_hits)]
    log.debug("page %d: %d dates", page, len(found))
    return found
