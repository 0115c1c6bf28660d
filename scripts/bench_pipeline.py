"""Benchmark the whole pipeline: seconds per scanned page, per born-digital page, peak memory.

    .venv/bin/python scripts/bench_pipeline.py [--scanned 3] [--digital 3] [--runs 2] [--dir DIR]

Generates the set once into DIR (default /tmp/casecheck-bench), then runs `check_pdf` on every
file `--runs` times with the default settings (`casecheck check` as a user runs it) and prints
the median seconds per page of each kind, and the peak resident memory of this process and of
its page-reading worker processes. Not a test: the figures go into README and the issue notes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samples.generate import Options, generate
from service.pipeline import CheckOptions, check_pdf


def ensure_set(folder: Path, count: int, born_digital: bool, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = sorted(folder.glob("*.pdf"))
    if len(pdfs) < count:
        generate(folder, count, seed=seed, options=Options(born_digital_ratio=1.0 if born_digital else 0.0),
                 workers=2)
        pdfs = sorted(folder.glob("*.pdf"))
    return pdfs[:count]


def per_page(pdfs: list[Path], runs: int, workers: int) -> tuple[float, list[float], int]:
    """Median over runs of (total seconds / total pages), the per-run figures, and pages."""
    figures = []
    pages = 0
    for _ in range(runs):
        seconds = 0.0
        pages = 0
        for pdf in pdfs:
            started = time.perf_counter()
            report = check_pdf(pdf, CheckOptions(workers=workers))
            seconds += time.perf_counter() - started
            pages += report.pages
        figures.append(seconds / pages)
    return statistics.median(figures), figures, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scanned", type=int, default=3)
    parser.add_argument("--digital", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0, help="page-reading processes (0: default)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/casecheck-bench"))
    args = parser.parse_args()

    scanned = ensure_set(args.dir / "scanned", args.scanned, False, seed=31)
    digital = ensure_set(args.dir / "digital", args.digital, True, seed=32)
    print(f"set: {len(scanned)} scanned files, {len(digital)} born-digital files in {args.dir}")

    med, runs, pages = per_page(digital, args.runs, args.workers)
    print(f"born-digital: {pages} pages, median {med:.3f} s/page  (runs: {', '.join(f'{r:.3f}' for r in runs)})")
    med, runs, pages = per_page(scanned, args.runs, args.workers)
    print(f"scanned:      {pages} pages, median {med:.3f} s/page  (runs: {', '.join(f'{r:.3f}' for r in runs)})")

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: main process {own:.0f} MiB, largest worker process {children:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
