"""Score casecheck on the independent template families (issue 16): the first-sight figures.

    .venv/bin/python scripts/eval_families.py [--cases 24] [--seed 16] [--out DIR] [--scanned-ratio 0] [--set a|b]
                                              [--json FIGURES.json] [--misses]

Generates a corpus with `python -m samples.families` into DIR (or reuses the files already
there), checks every file with the real pipeline (`service.pipeline.check_pdf`, one page reader)
in a fresh python process, and prints, per family and overall: findings precision/recall by code
(a finding code matches a truth defect code; a file counts once per code), false findings on clean
files, page-type accuracy and strict document-span F1 (same type, same first and last page).
A finding belongs to a family through the document type its code names (signature.missing.
inquiry_record → the inquiry family of that file); a found code naming no type (date.order) or
several (officers.insufficient) goes by the true type of the page its first evidence points at;
a missed one naming no type counts overall only (officers.insufficient: the inspection family).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.report import Report  # noqa: E402
from models.truth import Truth  # noqa: E402
from samples.score import CodeTally, FindingScore, Score  # noqa: E402

# Which family choice draws each document type (keys of samples.families.story.Families).
TYPE_FAMILY = {
    "cover": "cover", "toc": "toc", "filing_approval": "approval", "internal_approval": "approval",
    "closing_approval": "approval", "legal_review": "legal_review", "inspection_record": "inspection",
    "inquiry_record": "inquiry", "notice": "outgoing", "decision": "outgoing", "correction_order": "outgoing",
    "service_receipt": "receipt", "evidence": "evidence", "investigation_report": "misc",
    "payment_receipt": "misc", "archive_note": "misc", "statement_record": "misc",
}
CODE_TYPE_OVERRIDES = {"officers.insufficient": "inspection_record"}


def code_type(code: str) -> str | None:
    """The document type a finding code names: missing.service_receipt.notice → service_receipt."""
    if code in CODE_TYPE_OVERRIDES:
        return CODE_TYPE_OVERRIDES[code]
    if code.startswith("missing.service_receipt"):
        return "service_receipt"
    last = code.rsplit(".", 1)[-1]
    return last if last in TYPE_FAMILY else None


def _evidence_type(report: Report, truth: Truth, code: str) -> str | None:
    for finding in report.findings:
        if finding.code == code and finding.evidence:
            page = finding.evidence[0].page
            if 1 <= page <= len(truth.page_types) and truth.page_types[page - 1] in TYPE_FAMILY:
                return truth.page_types[page - 1]
    return None


@dataclass
class FamilyFigures:
    files: int = 0
    codes: CodeTally = field(default_factory=CodeTally)
    clean_false: int = 0  # findings of this family's types on clean files
    clean_false_codes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pages_right: int = 0
    pages: int = 0
    spans_tp: int = 0
    spans_pred: int = 0
    spans_true: int = 0

    @property
    def f1(self) -> float:
        if not self.spans_pred or not self.spans_true:
            return 1.0 if self.spans_pred == self.spans_true else 0.0
        p, r = self.spans_tp / self.spans_pred, self.spans_tp / self.spans_true
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"files": self.files, "tp": self.codes.tp, "fp": self.codes.fp, "fn": self.codes.fn,
                "precision": round(self.codes.precision, 4), "recall": round(self.codes.recall, 4),
                "clean_false_findings": self.clean_false, "clean_false_codes": dict(self.clean_false_codes),
                "page_type_accuracy": round(self.pages_right / self.pages, 4) if self.pages else None,
                "span_f1": round(self.f1, 4)}


def generate(out: Path, cases: int, seed: int, scanned_ratio: float, family_set: str = "a") -> None:
    have = len(list(out.glob("*.truth.json"))) if out.exists() else 0
    if have >= cases:
        print(f"reusing {have} generated files in {out}")
        return
    cmd = [sys.executable, "-m", "samples.families", str(out), "--cases", str(cases - have), "--start", str(have),
           "--seed", str(seed), "--scanned-ratio", str(scanned_ratio), "--set", family_set]
    print("generating:", " ".join(cmd[1:]))
    subprocess.run(cmd, cwd=ROOT, check=True)


def check_all(folder: Path, reports: Path) -> None:
    """Runs in a fresh process: every PDF of `folder` through the pipeline, one page reader."""
    from service.pipeline import CheckOptions, check_pdf

    reports.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(folder.glob("*.pdf")):
        target = reports / f"{pdf.stem}.report.json"
        if target.exists():
            continue
        started = time.perf_counter()
        try:
            report = check_pdf(pdf, CheckOptions(workers=1))
        except Exception as exc:  # a crash is a result too: record it and go on
            (reports / f"{pdf.stem}.error.txt").write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            print(f"{pdf.name}: FAILED {type(exc).__name__}: {exc}", flush=True)
            continue
        target.write_text(report.to_json(), encoding="utf-8")
        print(f"{pdf.name}: {len(report.findings)} findings, {len(report.review)} review, "
              f"{time.perf_counter() - started:.1f}s", flush=True)


def score(folder: Path, reports: Path) -> dict:
    families: dict[tuple[str, str], FamilyFigures] = defaultdict(FamilyFigures)
    overall_findings = FindingScore()
    overall_read = Score()
    failures: list[str] = []
    clean_false: dict[str, int] = defaultdict(int)
    clean_files = clean_with = 0
    for truth_path in sorted(folder.glob("*.truth.json")):
        stem = truth_path.name.removesuffix(".truth.json")
        truth = Truth.model_validate_json(truth_path.read_text(encoding="utf-8"))
        chosen = json.loads((folder / f"{stem}.families.json").read_text(encoding="utf-8"))
        report_path = reports / f"{stem}.report.json"
        if not report_path.exists():
            failures.append(stem)
            continue
        report = Report.model_validate_json(report_path.read_text(encoding="utf-8"))
        overall_findings.add(report, truth)
        overall_read.add(report, truth)
        found = {f.code for f in report.findings}
        want = set(truth.defects)
        if not want:
            clean_files += 1
            clean_with += bool(found)
            for code in found:
                clean_false[code] += 1
        present_keys = {TYPE_FAMILY[t] for t in truth.page_types if t in TYPE_FAMILY} | {"order"}
        for key in present_keys | {"inspection", "inquiry"}:
            families[(key, chosen[key])].files += 1
        for code in found | want:
            doc_type = code_type(code)
            if code in found and (doc_type is None or code in CODE_TYPE_OVERRIDES):
                # A code naming no type (or several): the type of the page its evidence points at.
                doc_type = _evidence_type(report, truth, code) or doc_type
            if doc_type is None:
                continue
            fam = families[(TYPE_FAMILY[doc_type], chosen[TYPE_FAMILY[doc_type]])]
            if code in found and code in want:
                fam.codes.tp += 1
            elif code in found:
                fam.codes.fp += 1
                if not want:
                    fam.clean_false += 1
                    fam.clean_false_codes[code] += 1
            else:
                fam.codes.fn += 1
        for got, true_type in zip(report.page_types, truth.page_types, strict=False):
            if true_type in TYPE_FAMILY:
                fam = families[(TYPE_FAMILY[true_type], chosen[TYPE_FAMILY[true_type]])]
                fam.pages += 1
                fam.pages_right += got == true_type
        predicted = {(d.type, tuple(d.pages)) for d in report.documents}
        true = {(d.type, tuple(d.pages)) for d in truth.documents}
        for doc_type, span in true:
            if doc_type in TYPE_FAMILY:
                fam = families[(TYPE_FAMILY[doc_type], chosen[TYPE_FAMILY[doc_type]])]
                fam.spans_true += 1
                fam.spans_tp += (doc_type, span) in predicted
        for doc_type, _span in predicted:
            if doc_type in TYPE_FAMILY:
                families[(TYPE_FAMILY[doc_type], chosen[TYPE_FAMILY[doc_type]])].spans_pred += 1
        # The archive order is a family too (of the whole file).
        order = families[("order", chosen["order"])]
        order.pages += len(truth.page_types)
        order.pages_right += sum(g == t for g, t in zip(report.page_types, truth.page_types, strict=False))
        order.spans_tp += len(predicted & true)
        order.spans_pred += len(predicted)
        order.spans_true += len(true)
    tallies = overall_findings.codes.values()
    overall = CodeTally(sum(t.tp for t in tallies), sum(t.fp for t in tallies), sum(t.fn for t in tallies))
    return {
        "files": len(list(folder.glob("*.truth.json"))),
        "failed": failures,
        "overall": {"tp": overall.tp, "fp": overall.fp, "fn": overall.fn,
                    "precision": round(overall.precision, 4), "recall": round(overall.recall, 4),
                    "page_type_accuracy": round(overall_read.page_types.rate, 4),
                    "span_f1": round(overall_read.span_f1, 4),
                    "clean_files": clean_files, "clean_files_with_findings": clean_with,
                    "clean_false_codes": dict(sorted(clean_false.items())),
                    "review_items": overall_findings.review_items},
        "by_code": {code: {"tp": t.tp, "fp": t.fp, "fn": t.fn, "precision": round(t.precision, 4),
                           "recall": round(t.recall, 4)} for code, t in sorted(overall_findings.codes.items())},
        "by_family": {f"{key}:{name}": fam.as_dict() for (key, name), fam in sorted(families.items())},
        "misses": overall_findings.misses + overall_read.misses,
    }


def print_figures(fig: dict, misses: bool) -> None:
    o = fig["overall"]
    print(f"\nfiles: {fig['files']}  (no report: {len(fig['failed'])})")
    print(f"overall findings: precision {o['precision']:.1%}  recall {o['recall']:.1%}  "
          f"(TP {o['tp']}, FP {o['fp']}, FN {o['fn']}); review items {o['review_items']}")
    print(f"clean files: {o['clean_files']}, with findings: {o['clean_files_with_findings']}; "
          f"false codes on clean files: {o['clean_false_codes']}")
    print(f"page types: {o['page_type_accuracy']:.1%}; document spans F1 (strict): {o['span_f1']:.3f}")
    print(f"\n{'code':44} {'TP':>3} {'FP':>3} {'FN':>3} {'prec':>6} {'recall':>6}")
    for code, t in fig["by_code"].items():
        print(f"{code:44} {t['tp']:3d} {t['fp']:3d} {t['fn']:3d} {t['precision']:6.0%} {t['recall']:6.0%}")
    print(f"\n{'family':34} {'files':>5} {'TP':>3} {'FP':>3} {'FN':>3} {'prec':>6} {'recall':>6} "
          f"{'clean FP':>8} {'pages':>6} {'spanF1':>6}")
    for name, f in fig["by_family"].items():
        pages = f"{f['page_type_accuracy']:.1%}" if f["page_type_accuracy"] is not None else "-"
        print(f"{name:34} {f['files']:5d} {f['tp']:3d} {f['fp']:3d} {f['fn']:3d} {f['precision']:6.0%} "
              f"{f['recall']:6.0%} {f['clean_false_findings']:8d} {pages:>6} {f['span_f1']:6.3f}")
    if misses:
        print("\nmisses:")
        for line in fig["misses"]:
            print(" ", line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=24)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=Path("/tmp/casecheck-families"))
    parser.add_argument("--scanned-ratio", type=float, default=0.0)
    parser.add_argument("--set", dest="family_set", choices=("a", "b"), default="a",
                        help="template family set to generate (samples.families --set); use a fresh --out per set")
    parser.add_argument("--json", type=Path, help="write the figures here (default OUT/figures.json)")
    parser.add_argument("--misses", action="store_true", help="list every missed or false finding")
    parser.add_argument("--check-only", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    corpus, reports = args.out / "corpus", args.out / "reports"
    if args.check_only:
        check_all(corpus, reports)
        return 0
    generate(corpus, args.cases, args.seed, args.scanned_ratio, args.family_set)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--out", str(args.out), "--check-only"],
                   cwd=ROOT, check=True)
    print(f"checked in {time.perf_counter() - started:.0f}s")
    figures = score(corpus, reports)
    print_figures(figures, args.misses)
    target = args.json or args.out / "figures.json"
    target.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nfigures written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
