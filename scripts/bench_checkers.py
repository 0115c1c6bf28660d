"""Time the rules alone over saved case models (no OCR): median milliseconds per case file.

    .venv/bin/python scripts/bench_checkers.py CASES_DIR [--runs 3]

CASES_DIR holds NAME.case.json files written by `scripts/eval_pipeline.py --save`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkers import check_case, load_pack
from models.case import CaseFile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cases = [CaseFile.model_validate_json(p.read_text("utf-8")) for p in sorted(args.cases.glob("*.case.json"))]
    pack = load_pack()
    runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for case in cases:
            check_case(case, pack)
        runs.append((time.perf_counter() - started) / len(cases) * 1000)
    print(f"{len(cases)} case files, {sum(len(c.pages) for c in cases)} pages: rules take "
          f"median {statistics.median(runs):.1f} ms per file (runs: {', '.join(f'{r:.1f}' for r in runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
