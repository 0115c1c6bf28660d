"""Score the checkers' findings against generated truth, per finding code.

    .venv/bin/python scripts/eval_checkers.py DIR [--cases CASES_DIR] [--rules FILE] [--misses]

DIR holds NAME.pdf + NAME.truth.json pairs. With --cases, case models saved by
`scripts/eval_pipeline.py --save` are checked without reading the PDFs again (fast, for tuning
rules); otherwise every PDF is read first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkers import load_pack
from models.case import CaseFile
from models.truth import Truth
from samples.score import FindingScore
from service.pipeline import build_report, read_cases


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
        cases: list[CaseFile | str] = [
            CaseFile.model_validate_json((args.cases / t.name.replace(".truth.json", ".case.json")).read_text("utf-8"))
            for t in truths]
    else:
        cases = read_cases([t.with_name(t.name.replace(".truth.json", ".pdf")) for t in truths], workers=args.workers)
    score = FindingScore()
    for truth_path, case in zip(truths, cases, strict=True):
        if isinstance(case, str):
            print("unusable:", case)
            continue
        score.add(build_report(case, pack), Truth.model_validate_json(truth_path.read_text("utf-8")))
    print(score.table())
    for line in score.clean_with_findings:
        print("  clean file with findings:", line)
    if args.misses:
        for miss in score.misses:
            print("  ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
