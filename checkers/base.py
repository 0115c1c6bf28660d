"""The rule registry: each rule is a function over a `CaseView` that yields `Hit`s.

A rule declares the finding codes it emits (a trailing `<type>` stands for a document type), its
Chinese title and its legal basis as official citations (《中华人民共和国行政处罚法》第五十四条,
DOMAIN.md); its family is the module it lives in, its docstring the developer's explanation. The
rule pack gives each code its row on the self-check sheet and its kind; `run_checks` turns hits
into CONTRACT findings and keeps the uncertain ones apart for review. `code_title` names a finding
code in Chinese for a reader (the code itself is secondary: a tooltip, a column).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from models.doctypes import DOC_TYPES, type_name
from models.errors import one_line
from models.report import DOCUMENT_TYPES, Evidence, Finding, FindingKind, RuleError

log = logging.getLogger(__name__)

# How sure a rule is of a hit, in three named levels instead of bare numbers. A rule says `sure`
# when nothing about the reading casts doubt on it, `likely` where the evidence is indirect but
# strong (a clause of the decision), `doubtful` where the reading is weak (a date read at low
# confidence, a grey scan, an unmatched receipt, a zone whose role is unknown). The rule pack
# decides which levels are findings and which go to review (`finding_levels`).
Level = Literal["sure", "likely", "doubtful"]
SURE: Level = "sure"
LIKELY: Level = "likely"
DOUBTFUL: Level = "doubtful"
LEVELS: tuple[Level, ...] = (SURE, LIKELY, DOUBTFUL)
# The confidence a finding of each level reports (CONTRACT: `confidence` 0–1).
LEVEL_CONFIDENCE: dict[str, float] = {SURE: 0.9, LIKELY: 0.8, DOUBTFUL: 0.5}


def level_if(sure: bool) -> Level:
    """`sure` when the reading behind a hit is sure, else `doubtful`."""
    return SURE if sure else DOUBTFUL


@dataclass(frozen=True)
class Hit:
    """One defect a rule saw: what, where, how sure."""

    code: str
    message: str  # Chinese, names the document and the page
    suggestion: str  # Chinese 整改建议
    evidence: list[Evidence] = field(default_factory=list)
    level: Level = SURE
    kind: FindingKind | None = None  # only where the law makes this instance weightier than the pack says


@dataclass(frozen=True)
class Rule:
    name: str
    family: str  # completeness, numbering, dates, marks, officers, pages
    codes: tuple[str, ...]
    check: Callable[..., Iterable[Hit]]
    title: str = ""  # Chinese, what a reader calls the defect: 送达回证缺失
    basis: tuple[str, ...] = ()  # Chinese official citations: 《中华人民共和国行政处罚法》第六十一条

    @property
    def explanation(self) -> str:
        """The developer's explanation, from the rule's docstring (English)."""
        return (self.check.__doc__ or "").strip()


RULES: list[Rule] = []


def rule(*codes: str, title: str, basis: tuple[str, ...]
         ) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register a rule emitting `codes` under a Chinese `title` and `basis` (official citations);
    its family is the module it is defined in."""

    def register(fn: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if not (fn.__doc__ or "").strip():
            raise TypeError(f"rule {fn.__name__} needs a docstring explaining it")
        if not title.strip() or not basis or not all(b.strip() for b in basis):
            raise TypeError(f"rule {fn.__name__} needs a Chinese title and its legal basis")
        family = fn.__module__.rsplit(".", 1)[-1]
        RULES.append(Rule(fn.__name__, family, codes, fn, title, tuple(basis)))
        return fn

    return register


# -- what a finding code is called ----------------------------------------------------------------
# A reader sees what is wrong (卷内缺少行政处罚决定书); the code is the rules' own name, shown
# beside it as secondary text. Codes of one document type read the type's Chinese name.
CODE_TITLES: dict[str, str] = {
    "missing.correction_order": "未责令改正违法行为",
    "missing.payment_receipt": "未见罚款缴纳或执行材料",
    "missing.statement_record": "卷内缺少陈述申辩或听证记录",
    "date.order": "文书日期先后顺序不当",
    "date.statement_period": "陈述申辩期限未满即作出决定",
    "date.service_late": "处罚决定书送达超过期限",
    "date.case_overdue": "案件办理超过期限",
    "number.inconsistent": "文号前后不一致",
    "number.duplicate": "不同文书使用同一文号",
    "officers.insufficient": "执法人员少于两人",
    "pages.numbering": "卷内页码不连续",
}
# family -> the wording around a document type's Chinese name ("{}" is the name).
TYPED_CODE_TITLES: dict[str, str] = {
    "missing.service_receipt": "缺少{}的送达回证",
    "missing": "卷内缺少{}",
    "date.missing": "{}未注明日期",
    "number.missing": "{}未编文号",
    "number.malformed": "{}文号格式不规范",
    "number.year_mismatch": "{}文号年份与成文日期不符",
    "seal.missing": "{}未加盖印章",
    "signature.missing": "{}缺少签名",
}
# What `<type>` reads as in a family's own title (missing.<type> -> 卷内缺少应有文书); 文书 else.
_ANY_TYPE = {"missing": "应有文书", "number.malformed": "", "number.year_mismatch": ""}


def code_title(code: str) -> str:
    """A finding code in Chinese: missing.service_receipt.decision -> 缺少行政处罚决定书的送达回证.
    A declared family (`number.malformed.<type>`) reads with 文书 for the type; a code no rule
    declares is returned as it is (never a made-up name)."""
    if code in CODE_TITLES:
        return CODE_TITLES[code]
    for family in sorted(TYPED_CODE_TITLES, key=len, reverse=True):  # the longest family first
        rest = code[len(family) + 1:] if code.startswith(family + ".") else ""
        if rest == "<type>":
            return TYPED_CODE_TITLES[family].format(_ANY_TYPE.get(family, "文书"))
        if rest in DOC_TYPES:
            return TYPED_CODE_TITLES[family].format(type_name(rest))
    return code


def concrete_codes(declared: str) -> list[str]:
    """The codes a declared code stands for (`<type>` over every CONTRACT document type)."""
    if "<type>" not in declared:
        return [declared]
    return [declared.replace("<type>", t) for t in DOCUMENT_TYPES if t != "other"]


def code_titles(rules: Iterable[Rule] | None = None) -> dict[str, str]:
    """Every code the rules can emit, and each declared family, with its Chinese title."""
    titles: dict[str, str] = {}
    for r in rules if rules is not None else RULES:
        for declared in r.codes:
            for code in [declared, *concrete_codes(declared)]:
                titles[code] = code_title(code)
    return titles


def code_matches(code: str, declared: str) -> bool:
    """Whether `code` is one of a rule's declared codes (`<type>` matches one dotted part)."""
    want, got = declared.split("."), code.split(".")
    return len(want) == len(got) and all(w == g or w == "<type>" for w, g in zip(want, got, strict=True))


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    review: list[Finding] = field(default_factory=list)
    rule_errors: list[RuleError] = field(default_factory=list)  # rules that raised: rows partly checked


def rule_categories(rule: Rule, pack) -> list[str]:  # pack: RulePack
    """The sheet rows a rule's findings go to under a pack."""
    rows: set[str] = set()
    for declared in rule.codes:
        concrete = [declared.replace("<type>", t) for t in DOCUMENT_TYPES] if "<type>" in declared else [declared]
        for code in concrete:
            try:
                rows.add(pack.classify(code)[0])
            except KeyError:
                continue
    return sorted(rows)


def run_rules(view, rules: Iterable[Rule] | None = None) -> CheckResult:  # view: CaseView
    """Every registered rule over one case: sure findings and review candidates, in sheet order."""
    from models.report import CATEGORIES

    pack = view.pack
    result = CheckResult()
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for r in rules if rules is not None else RULES:
        try:
            hits = list(r.check(view))
        except Exception as exc:
            # One faulty rule must not cost the report, nor pass for a clean row: it is recorded,
            # and its rows count as partly checked.
            log.exception("%s: rule %s failed", view.case.file, r.name)
            result.rule_errors.append(RuleError(rule=r.name, codes=list(r.codes), categories=rule_categories(r, pack),
                                                error=one_line(f"{type(exc).__name__}: {exc}")))
            continue
        for hit in hits:
            if not any(code_matches(hit.code, c) for c in r.codes):
                raise ValueError(f"rule {r.name} emitted {hit.code!r}, not among its codes {r.codes}")
            key = (hit.code, tuple(sorted({e.page for e in hit.evidence})))
            if key in seen:
                continue
            seen.add(key)
            category, kind = pack.classify(hit.code)
            finding = Finding(code=hit.code, category=category, kind=hit.kind or kind, message=hit.message,
                              suggestion=hit.suggestion, evidence=hit.evidence,
                              confidence=LEVEL_CONFIDENCE[hit.level])
            (result.findings if hit.level in pack.finding_levels else result.review).append(finding)
    order = {c: i for i, c in enumerate(CATEGORIES)}

    def by_sheet(f: Finding) -> tuple[int, int]:
        return order[f.category], min((e.page for e in f.evidence), default=0)

    result.findings.sort(key=by_sheet)
    result.review.sort(key=by_sheet)
    return result
