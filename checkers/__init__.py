"""The rules of a sound case file, run over the typed case model.

    from checkers import check_case, load_pack
    result = check_case(case, load_pack())     # result.findings, result.review

Each family is a module (completeness, numbering, dates, signatures, officers, pages); importing
this package registers every rule.
"""

from checkers import completeness, dates, numbering, officers, pages, signatures  # noqa: F401  (register)
from checkers.base import RULES, CheckResult, Hit, Rule, run_rules
from checkers.context import CaseView
from checkers.pack import RulePack, RulePackError, load_pack
from models.case import CaseFile


def check_case(case: CaseFile, pack: RulePack | None = None) -> CheckResult:
    """Every rule over one case: sure findings and candidates for review."""
    return run_rules(CaseView(case, pack or load_pack()))


__all__ = ["RULES", "CaseView", "CheckResult", "Hit", "Rule", "RulePack", "RulePackError", "check_case",
           "load_pack", "run_rules"]
