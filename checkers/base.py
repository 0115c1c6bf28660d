"""The rule registry: each rule is a function over a `CaseView` that yields `Hit`s.

A rule declares the finding codes it emits (a trailing `<type>` stands for a document type) and
its family (the module it lives in). Its docstring gives the legal basis (DOMAIN.md). The rule
pack gives each code its row on the self-check sheet and its kind; `run_checks` turns hits into
CONTRACT findings and keeps the uncertain ones apart for review.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

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

    @property
    def basis(self) -> str:
        """The legal basis, from the rule's docstring."""
        return (self.check.__doc__ or "").strip()


RULES: list[Rule] = []


def rule(*codes: str) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register a rule emitting `codes`; its family is the module it is defined in."""

    def register(fn: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if not (fn.__doc__ or "").strip():
            raise TypeError(f"rule {fn.__name__} needs a docstring with its legal basis")
        family = fn.__module__.rsplit(".", 1)[-1]
        RULES.append(Rule(fn.__name__, family, codes, fn))
        return fn

    return register


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
