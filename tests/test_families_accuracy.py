"""Findings on the independent template families (samples/families): forms written from real
published templates by someone who had not read the reader or the rules.

The corpus here is drawn with a seed the rules were never looked at under (the first-sight and
after-work figures in samples/families/FIRST_SIGHT.md and README use seed 16), born-digital so that
it runs in CI without OCR. Scored by scripts/eval_families.py's own scorer.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.pipeline import CheckOptions, check_pdf

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED = 2026  # never used while the rules were changed
CASES = 12


def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_families", ROOT / "scripts" / "eval_families.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# Set a: the first independent families; set b: a second set written later by another hand
# (two-column receipts, 电子送达, checkbox and officer-table records, horizontal and OA approvals).
@pytest.fixture(scope="module", params=["a", "b"])
def figures(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    family_set = request.param
    out = tmp_path_factory.mktemp(f"families-accuracy-{family_set}")
    corpus, reports = out / "corpus", out / "reports"
    subprocess.run([sys.executable, "-m", "samples.families", str(corpus), "--cases", str(CASES), "--seed", str(SEED),
                    "--set", family_set], cwd=ROOT, check=True, capture_output=True)
    reports.mkdir()
    for pdf in sorted(corpus.glob("*.pdf")):
        report = check_pdf(pdf, CheckOptions(workers=1))
        (reports / f"{pdf.stem}.report.json").write_text(report.to_json(), encoding="utf-8")
    figures = _eval_module().score(corpus, reports)
    print("families, set", family_set, "seed", SEED, json.dumps(figures["overall"], ensure_ascii=False))
    return figures


def test_no_finding_on_any_clean_file(figures: dict) -> None:
    overall = figures["overall"]
    assert overall["clean_files"] >= 3
    assert overall["clean_files_with_findings"] == 0, overall["clean_false_codes"]


def test_findings_precision_and_recall(figures: dict) -> None:
    overall = figures["overall"]
    assert overall["precision"] >= 0.98, figures["misses"]
    # Recall below the 95%: records signed in the margin without a printed zone and an
    # unsigned party whose row carries a date go to review, not findings (see README).
    assert overall["recall"] >= 0.75, figures["misses"]


def test_page_types_and_spans(figures: dict) -> None:
    overall = figures["overall"]
    assert overall["page_type_accuracy"] >= 0.99, figures["misses"]
    assert overall["span_f1"] >= 0.97, figures["misses"]
