"""What a sentence of a decision or notice says about the procedure: that the party made
statements, asked for or had a hearing, gave those rights up, was told of them, was ordered to
correct, or was given a period.

Real decisions put these side by side: 告知你公司有权进行陈述和申辩。你公司在规定期限内未进行陈述申辩
也未申请听证 announces a right and then records that it was not used; neither says statements were
made. A sentence is classed by what it asserts happened, not by the words it shares with other
classes: announcement and condition markers (有权, 可以, 如…的, 逾期视为放弃) make a right
announced; a negation or 放弃 in the clause before the verb makes a waiver; only what is left is a
claim.
"""

from __future__ import annotations

import re
from typing import Literal

SentenceClass = Literal["statement_claimed", "hearing_requested", "hearing_held", "waived", "right_announced",
                        "correction_ordered", "period_stated", "other"]

_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])")
# Clauses: what one assertion spans. A colon or comma ends one; so does the 并/且 that joins a
# second act to the first (我局…告知你单位…，并告知你单位有权…).
_CLAUSE_END = re.compile(r"[，,：:]|并(?=告知|明确|依法|要求)")

_STATEMENT = r"(陈述|申辩|陈述申辩|陈述、申辩|陈述和申辩|陈述与申辩|陈述及申辩)"
_HEARING = r"听证"
# A clause that states a right, a condition or what would follow, not what happened:
# 有权进行陈述和申辩; 可在…内提出; 如要求听证的，…; 逾期…视为放弃; 告知你单位…权利.
_HEDGE = re.compile(
    r"有权|享有|可以|可在|可于|可向|可自|可对|如(你|您|贵|对|需|要|不服|有|在|未)|若|如果|假如|是否|"
    r"告知(?!书)|权$|应当|应在|应于|须在|须于|视为|拟|特此|有无|要求举行听证的|的$")
_NEGATION = re.compile(r"未|没有|不(?!服|予)|无(?!误)|放弃|拒绝|逾期")
_WAIVED = re.compile(
    rf"(未|没有|不(?!服|予)|无|逾期未?)[^，,。；;]{{0,16}}(提出|进行|提交|递交|作出|要求|申请|行使|陈述|申辩)"
    rf"[^，,。；;]{{0,8}}({_STATEMENT}|{_HEARING}|权利)|"
    rf"放弃[^，,。；;]{{0,12}}({_STATEMENT}|{_HEARING}|权利)|({_STATEMENT}|{_HEARING})[^，,。；;]{{0,6}}(权利)?[^，,。；;]{{0,4}}放弃|"
    rf"无异议")
_CLAIM = re.compile(
    rf"(提出|进行|提交|递交|作出|发表|送达)了?[^，,。；;]{{0,12}}(书面)?的?{_STATEMENT}|"
    rf"{_STATEMENT}(意见|材料|书)?[^，,。；;]{{0,4}}(称|如下|认为|中称|理由)|辩称|申辩称|陈述称|"
    rf"(驳回|采纳|不予采纳)[^，,。；;]{{0,10}}{_STATEMENT}|{_STATEMENT}[^，,。；;]{{0,10}}(不予采纳|予以采纳|不能成立|不成立)|"
    rf"递交[^，,。；;]{{0,10}}(材料|请示|意见)[^，,。；;]{{0,10}}(要求|请求)")
_HEARING_REQUESTED = re.compile(r"(提出|申请|要求|请求|提交)了?[^，,。；;]{0,4}(举行)?听证|听证申请书")
_HEARING_HELD = re.compile(r"(?<!申请)(?<!要求)(?<!请求)(举行|召开|组织|主持)了?[^，,。；;]{0,16}听证(会)?|听证会[^，,。；;]{0,12}(举行|召开)|听证会上|经听证|"
                           r"听证(结束|笔录|报告)(后|载明|显示)")
_CORRECTION = re.compile(r"责令(?!改正违法行为决定书|限期改正通知书)|限期改正|立即改正")
_PERIOD = re.compile(r"(\d+|[一二三四五六七八九十百]+)(个)?(工作)?(日|天|月)(以)?(内|之内)|之日起")
_RIGHTS_WORDS = re.compile(rf"{_STATEMENT}|{_HEARING}")


def sentences(text: str) -> list[str]:
    """The sentences of a text, whitespace removed (OCR breaks lines inside sentences)."""
    flat = re.sub(r"\s+", "", text)
    return [s for s in _SENTENCE_END.split(flat) if s]


def _clause(sentence: str, start: int, end: int) -> tuple[str, str]:
    """The clause holding sentence[start:end]: the words before the match, and the whole clause."""
    head = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    tail = next((m.start() for m in _CLAUSE_END.finditer(sentence, end)), len(sentence))
    return sentence[head:start], sentence[head:tail].rstrip("。；;！!？?")


def _asserted(sentence: str, pattern: re.Pattern[str], *, negative: bool = False) -> re.Match[str] | None:
    """The first match of `pattern` that its clause asserts as done: not hedged as a right or a
    condition, and (unless it is itself a negative finding) not negated before it."""
    for m in pattern.finditer(sentence):
        before, whole = _clause(sentence, m.start(), m.end())
        if _HEDGE.search(whole):
            continue
        if not negative and _NEGATION.search(before):
            continue
        return m
    return None


def classify(sentence: str) -> set[SentenceClass]:
    """Every class a sentence belongs to (a sentence may order correction and state its period).

    Statements, hearings and waivers are judged clause by clause: a clause that announces a right
    or states a condition asserts nothing about what the party did, whatever words it shares
    with a claim; a negation before the verb makes a claim a waiver.
    """
    s = re.sub(r"\s+", "", sentence)
    out: set[SentenceClass] = set()
    if (_asserted(s, _WAIVED, negative=True) and _RIGHTS_WORDS.search(s)) or re.search(r"(书面|明确|自愿|声明)放弃", s):
        out.add("waived")
    if _asserted(s, _HEARING_HELD):
        out.add("hearing_held")
    if _asserted(s, _HEARING_REQUESTED):
        out.add("hearing_requested")
    if _asserted(s, _CLAIM):
        out.add("statement_claimed")
    if not out and _RIGHTS_WORDS.search(s) and _HEDGE.search(s):
        out.add("right_announced")
    if _CORRECTION.search(s) and not re.search(r"^(如|若)", s):
        out.add("correction_ordered")
    if _PERIOD.search(s) and not out & {"right_announced", "waived"}:
        out.add("period_stated")
    return out or {"other"}


def first_of(text: str, wanted: SentenceClass) -> str | None:
    """The first sentence of `text` of the class `wanted`, or None."""
    return next((s for s in sentences(text) if wanted in classify(s)), None)


_KEY = {"statement_claimed": _CLAIM, "hearing_held": _HEARING_HELD, "hearing_requested": _HEARING_REQUESTED,
        "waived": _WAIVED, "correction_ordered": _CORRECTION, "period_stated": _PERIOD}


def key_phrase(sentence: str, cls: SentenceClass) -> str:
    """The words of a sentence that make it of class `cls` (提出了陈述申辩), for evidence."""
    pattern = _KEY.get(cls)
    m = pattern.search(re.sub(r"\s+", "", sentence)) if pattern else None
    return m.group(0) if m else sentence[:12]
