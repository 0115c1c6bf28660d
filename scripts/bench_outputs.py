"""Time the outputs rendered from reports (no OCR): the 自查单, the annotated PDF, the 统计表.

    .venv/bin/python scripts/bench_outputs.py [PDF ...] [--runs 3]
    .venv/bin/python scripts/bench_outputs.py --cases SAVED DIR     # saved case models, no OCR

Each PDF (default: the bundled samples/fixed/*.pdf) is checked once, untimed (with --cases, the
NAME.case.json models `scripts/eval_pipeline.py --save` wrote for DIR's PDFs are re-assembled
instead); then every run renders all outputs of every file and one 统计表 over them. Prints
median milliseconds per file, the sizes made against the original, and the peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors.classify import TitleClassifier
from models.case import CaseFile
from service.outputs.annotate import render_annotated
from service.outputs.sheet import render_sheet
from service.outputs.statistics import StatisticsRow, render_statistics
from service.pipeline import assemble_case, build_report, check_pdf

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", type=Path, help="saved NAME.case.json models of the PDFs in the folder given")
    args = parser.parse_args()
    if args.cases:
        folder = args.pdfs[0]
        reports = []
        for saved_path in sorted(args.cases.glob("*.case.json")):
            saved = CaseFile.model_validate_json(saved_path.read_text("utf-8"))
            case = assemble_case(saved.file, saved.sha256, saved.pages, TitleClassifier(), saved.seconds)
            reports.append((folder / saved.file, build_report(case)))
    else:
        pdfs = args.pdfs or sorted((ROOT / "samples" / "fixed").glob("*.pdf"))
        reports = [(pdf, check_pdf(pdf)) for pdf in pdfs]
    timings: dict[str, list[float]] = {"sheet": [], "annotated": [], "statistics": []}
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        for kind, render in (("sheet", lambda pdf, r: render_sheet(r)),
                             ("annotated", lambda pdf, r: render_annotated(r, pdf))):
            started = time.perf_counter()
            for pdf, report in reports:
                sizes[f"{kind}:{pdf.name}"] = len(render(pdf, report))
            timings[kind].append((time.perf_counter() - started) / len(reports) * 1000)
        started = time.perf_counter()
        render_statistics([StatisticsRow.from_report(r) for _, r in reports])
        timings["statistics"].append((time.perf_counter() - started) * 1000)
    pages = sum(r.pages for _, r in reports)
    findings = sum(len(r.findings) + len(r.review) for _, r in reports)
    print(f"{len(reports)} case files, {pages} pages, {findings} findings and review items, {args.runs} runs")
    for kind, runs in timings.items():
        unit = "ms per file" if kind != "statistics" else f"ms for the table of {len(reports)} files"
        print(f"  {kind:10} median {statistics.median(runs):7.1f} {unit} (runs: {', '.join(f'{r:.1f}' for r in runs)})")
    grown = [sizes[f"annotated:{pdf.name}"] / pdf.stat().st_size - 1 for pdf, _ in reports]
    print(f"  annotated PDF larger than the original by median {statistics.median(grown):.1%} "
          f"(max {max(grown):.1%}); peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    for pdf, _ in reports[:5]:
        original = pdf.stat().st_size
        print(f"  {pdf.name}: original {original / 1024:.0f} KiB, annotated "
              f"{sizes[f'annotated:{pdf.name}'] / 1024:.0f} KiB, sheet {sizes[f'sheet:{pdf.name}'] / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
