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
_CLAUSE_END = re.compile(r"[，,、：:]")

_STATEMENT = r"(陈述|申辩|陈述申辩|陈述、申辩|陈述和申辩|陈述与申辩|陈述及申辩)"
_HEARING = r"听证"
# Words that make a sentence a statement of rights or of what would happen, not of what happened.
_ANNOUNCE = re.compile(
    r"有权|享有|依法(可以|可)|可以|可在|可于|可向|可自|如(你|您|贵|对|需|要|不服)|若|如果|的[，,]|应当在|须在|"
    r"逾期.{0,12}视为|视为(放弃|无异议)|告知(你|您|贵|当事人|其).{0,12}(权利|有权|可以)|权利告知|"
    r"拟(作出|对你|给予)|特此告知|如有异议")
# A past act, even inside a sentence that also reminds of the right: 在规定期限内未…, 于…日提出.
_PAST = re.compile(r"期限内[^，,。；;]{0,4}(未|没有|均未|既未)|期满[^，,。；;]{0,6}(未|没有)|已于|于\d{4}|于[二〇○一]{4}|截至|至今|"
                   r"收到.{0,12}后[，,]?.{0,6}(未|没有)|(提出|提交|递交|进行|举行|召开|组织|申请|要求)了")
_NEGATION = re.compile(r"未|没有|不(?!服)|无(?!误)|放弃|拒绝")
_WAIVED = re.compile(
    rf"(未|没有|不|无)[^，,。；;]{{0,16}}(提出|进行|提交|递交|作出|要求|申请|行使)[^，,。；;]{{0,8}}({_STATEMENT}|{_HEARING})|"
    rf"放弃[^，,。；;]{{0,10}}({_STATEMENT}|{_HEARING})|({_STATEMENT}|{_HEARING})[^，,。；;]{{0,6}}(权利)?[^，,。；;]{{0,4}}放弃|"
    rf"(未|没有)[^，,。；;]{{0,6}}(陈述|申辩)|无异议")
_CLAIM = re.compile(
    rf"(提出|进行|提交|递交|作出|发表)了?[^，,。；;]{{0,10}}(书面)?的?{_STATEMENT}|"
    rf"{_STATEMENT}(意见|材料|书)?[^，,。；;]{{0,4}}(称|如下|认为|提出|中称|理由)|辩称|申辩称|陈述称")
_HEARING_REQUESTED = re.compile(r"(提出|申请|要求|请求)了?(举行)?听证")
_HEARING_HELD = re.compile(r"(举行|召开|组织|主持)了?(公开)?听证(会)?|听证会上|经听证|听证(笔录|报告)(载明|显示)")
_CORRECTION = re.compile(r"责令(?!改正违法行为决定书)|限期改正|立即改正|停止(违法|生产|排放|建设|使用)")
_PERIOD = re.compile(r"(\d+|[一二三四五六七八九十百]+)(个)?(工作)?(日|天|月)(以)?内|之日起|期限为")


def sentences(text: str) -> list[str]:
    """The sentences of a text, whitespace removed (OCR breaks lines inside sentences)."""
    flat = re.sub(r"\s+", "", text)
    return [s for s in _SENTENCE_END.split(flat) if s]


def _negated_before(sentence: str, start: int) -> bool:
    """A negation in the clause before `start`: 你单位未在规定期限内提出陈述申辩."""
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    return bool(_NEGATION.search(sentence[clause_start:start]))


def _affirmed(sentence: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    for m in pattern.finditer(sentence):
        if not _negated_before(sentence, m.start()):
            return m
    return None


def classify(sentence: str) -> set[SentenceClass]:
    """Every class a sentence belongs to (a sentence may order correction and state its period)."""
    s = re.sub(r"\s+", "", sentence)
    out: set[SentenceClass] = set()
    announced = bool(_ANNOUNCE.search(s))
    past = bool(_PAST.search(s))
    if _WAIVED.search(s) and (past or not announced or re.search(r"(书面|明确|自愿|声明)放弃|放弃了", s)):
        out.add("waived")
    elif announced and not past and (_CLAIM.search(s) or _HEARING_REQUESTED.search(s)
                                     or re.search(_STATEMENT + "|听证", s)):
        out.add("right_announced")
    if not out & {"waived", "right_announced"} or past:
        if _affirmed(s, _HEARING_HELD) and not (announced and not past):
            out.add("hearing_held")
        if _affirmed(s, _HEARING_REQUESTED) and "waived" not in out and not (announced and not past):
            out.add("hearing_requested")
        if _affirmed(s, _CLAIM) and "waived" not in out and not (announced and not past):
            out.add("statement_claimed")
    if _CORRECTION.search(s) and not re.search(r"^(如|若)", s):
        out.add("correction_ordered")
    if _PERIOD.search(s):
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
