"""A rule that fails is recorded in the report, shown on the sheet, and its rows are not called
clean: the case counts as partly checked."""

from __future__ import annotations

import io

import docx

from checkers import CaseView, load_pack
from checkers.base import RULES, Rule, run_rules
from service.outputs.sheet import render_sheet
from service.pipeline import build_report
from tests.case_builder import clean_case


def _broken(view: CaseView):
    """A rule that raises, standing in for a bug."""
    raise ZeroDivisionError("division by zero")
    yield  # pragma: no cover


def test_a_failing_rule_is_recorded_with_its_rows(monkeypatch) -> None:
    signatures = next(r for r in RULES if r.name == "signatures")
    broken = Rule(signatures.name, signatures.family, signatures.codes, _broken)
    monkeypatch.setattr("checkers.base.RULES", [broken if r is signatures else r for r in RULES])
    case = clean_case()
    result = run_rules(CaseView(case, load_pack()))
    [err] = result.rule_errors
    assert err.rule == "signatures" and "ZeroDivisionError" in err.error
    assert set(err.categories) >= {"现场笔录", "送达回证"}

    report = build_report(case)
    assert [e.rule for e in report.rule_errors] == ["signatures"]
    sheet = docx.Document(io.BytesIO(render_sheet(report)))
    text = "\n".join(c.text for t in sheet.tables for row in t.rows for c in row.cells)
    assert "审查规则运行出错" in text
    rows = {row.cells[1].text: row.cells[2].text for row in sheet.tables[0].rows if len(row.cells) > 2}
    assert rows.get("送达回证") and "未发现问题" not in rows["送达回证"]


def test_no_rule_errors_on_a_sound_case() -> None:
    assert build_report(clean_case()).rule_errors == []
