"""Score the pipeline against generated truth over a folder of case files.

    .venv/bin/python scripts/eval_pipeline.py DIR [--workers 2] [--misses]

DIR holds NAME.pdf + NAME.truth.json pairs (`python -m samples.generate --out DIR ...`). Prints
page-type accuracy, document-span F1, notice/decision 文号 and date exactness, seal and signature
presence, and seconds per page.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.truth import Truth
from samples.score import Score
from service.pipeline import build_report, read_cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--save", type=Path, help="write each case model here as NAME.case.json")
    args = parser.parse_args()
    truths = sorted(args.folder.glob("*.truth.json"))
    pdfs = [t.with_name(t.name.replace(".truth.json", ".pdf")) for t in truths]
    started = time.perf_counter()
    cases = read_cases(pdfs, workers=args.workers)
    wall = time.perf_counter() - started
    score = Score()
    pages = 0
    for truth_path, case in zip(truths, cases, strict=True):
        if isinstance(case, str):
            print("unusable:", case)
            continue
        score.add(build_report(case), Truth.model_validate_json(truth_path.read_text("utf-8")))
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / case.file.replace(".pdf", ".case.json")).write_text(case.model_dump_json(), "utf-8")
        pages += len(case.pages)
    print(f"{len(pdfs)} files, {pages} pages, {wall:.0f} s wall with {args.workers} workers "
          f"({wall / max(pages, 1):.2f} s/page)")
    print(score.summary())
    if args.misses:
        for miss in score.misses:
            print("  ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
