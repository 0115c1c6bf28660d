"""Score the checkers' findings against generated truth, per finding code.

    .venv/bin/python scripts/eval_checkers.py DIR [--cases CASES_DIR] [--rules FILE] [--misses]

DIR holds NAME.pdf + NAME.truth.json pairs. With --cases, the pages of case models saved
by `scripts/eval_pipeline.py --save` are assembled again (classification, splitting, fields) and
checked without OCR (fast, for tuning); otherwise every PDF is read first. Also prints the
pipeline's own accuracy (page types, spans, numbers, dates, seals, signatures).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkers import load_pack
from extractors.classify import TitleClassifier
from models.case import CaseFile
from models.truth import Truth
from samples.score import FindingScore, Score
from service.pipeline import assemble_case, build_report, read_cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cases", type=Path, help="saved NAME.case.json models to check instead of reading")
    parser.add_argument("--rules", type=Path, help="a rule pack laid over the national one")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--misses", action="store_true", help="list every false and missed finding")
    args = parser.parse_args()
    pack = load_pack(args.rules)
    truths = sorted(args.folder.glob("*.truth.json"))
    if args.cases:
        cases: list[CaseFile | str] = []
        for t in truths:
            saved = CaseFile.model_validate_json(
                (args.cases / t.name.replace(".truth.json", ".case.json")).read_text("utf-8"))
            cases.append(assemble_case(saved.file, saved.sha256, saved.pages, TitleClassifier(), saved.seconds))
    else:
        cases = read_cases([t.with_name(t.name.replace(".truth.json", ".pdf")) for t in truths], workers=args.workers)
    score = FindingScore()
    reading = Score()
    for truth_path, case in zip(truths, cases, strict=True):
        if isinstance(case, str):
            print("unusable:", case)
            continue
        truth = Truth.model_validate_json(truth_path.read_text("utf-8"))
        report = build_report(case, pack)
        score.add(report, truth)
        reading.add(report, truth)
    print("reading:", reading.summary())
    print(score.table())
    for line in score.clean_with_findings:
        print("  clean file with findings:", line)
    if args.misses:
        for miss in reading.misses + score.misses:
            print("  ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
