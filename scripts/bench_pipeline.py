"""Benchmark the whole pipeline per OCR runtime: s/page scanned, pages/s born-digital, a cold
`casecheck check` of a ~50-page scan, peak memory per page worker.

    .venv/bin/python scripts/bench_pipeline.py [--runtime openvino,onnxruntime] [--scanned 3] [--digital 3]
                                               [--runs 2] [--cold 50] [--dir DIR]

Generates the set once into DIR (default /tmp/casecheck-bench): scanned files, born-digital files,
and one scan of about `--cold` pages (scanned files joined). Then, for each runtime in turn, in a
process of its own (so peak memory is that runtime's): `check_pdf` on every file `--runs` times
with the default settings (`casecheck check` as a user runs it), and `--runs` cold runs of
`casecheck check` on the long scan (a new process each: imports, model loading, page workers).
Medians over runs are printed, with the load average (other users of the cores slow it down).
Not a test: the figures go into README and the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_set(folder: Path, count: int, born_digital: bool, seed: int) -> list[Path]:
    from samples.generate import Options, generate

    folder.mkdir(parents=True, exist_ok=True)
    pdfs = sorted(folder.glob("*.pdf"))
    if len(pdfs) < count:
        generate(folder, count, seed=seed, options=Options(born_digital_ratio=1.0 if born_digital else 0.0),
                 workers=2)
        pdfs = sorted(folder.glob("*.pdf"))
    return pdfs[:count]


def ensure_long_scan(folder: Path, pages: int, seed: int) -> Path:
    """One scanned PDF of about `pages` pages: generated scanned case files joined end to end."""
    import pymupdf

    target = folder / f"scan-{pages}.pdf"
    if target.exists():
        return target
    parts = ensure_set(folder / "parts", max(2, pages // 20), False, seed)
    with pymupdf.open() as joined:
        for part in parts:
            with pymupdf.open(part) as doc:
                take = min(doc.page_count, pages - joined.page_count)
                if take > 0:
                    joined.insert_pdf(doc, to_page=take - 1)
        joined.save(target)
    return target


def per_page(pdfs: list[Path], runs: int, workers: int) -> tuple[list[float], int]:
    """Seconds per page of each run (total seconds / total pages), and the pages."""
    from service.pipeline import CheckOptions, check_pdf

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
    return figures, pages


def cold_checks(pdf: Path, runs: int, runtime: str) -> list[float]:
    """Wall seconds of `casecheck check` in a new process, `runs` times."""
    figures = []
    env = dict(os.environ, CASECHECK_OCR_RUNTIME=runtime)
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "service.cli", "check", str(pdf), "-o", out, "-q"],
                           cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
            figures.append(time.perf_counter() - started)
    return figures


def measure_one(runtime: str, args: argparse.Namespace) -> dict[str, object]:
    """Everything for one runtime, in this process (run as `--one RUNTIME`)."""
    os.environ["CASECHECK_OCR_RUNTIME"] = runtime
    scanned = ensure_set(args.dir / "scanned", args.scanned, False, seed=31)
    digital = ensure_set(args.dir / "digital", args.digital, True, seed=32)
    long_scan = ensure_long_scan(args.dir / "long", args.cold, seed=33)
    load = [os.getloadavg()[0]]
    digital_runs, digital_pages = per_page(digital, args.runs, args.workers)
    scanned_runs, scanned_pages = per_page(scanned, args.runs, args.workers)
    load.append(os.getloadavg()[0])
    # The page workers are this process's children; taken before the cold runs, whose own main
    # processes would count too.
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cold_runs = cold_checks(long_scan, args.runs, runtime) if args.cold else []
    load.append(os.getloadavg()[0])
    import pymupdf

    with pymupdf.open(long_scan) as doc:
        cold_pages = doc.page_count
    from extractors.ocr import get_engine

    return {
        "runtime": runtime,
        "engine": getattr(get_engine(), "runtime_label", lambda: "?")(),
        "digital_pages": digital_pages, "digital_s_per_page": digital_runs,
        "scanned_pages": scanned_pages, "scanned_s_per_page": scanned_runs,
        "cold_pages": cold_pages, "cold_s": cold_runs,
        "worker_peak_mib": worker_peak, "main_peak_mib": main_peak,
        "load": load,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", default="openvino,onnxruntime", help="runtimes to measure, comma-separated")
    parser.add_argument("--scanned", type=int, default=3)
    parser.add_argument("--digital", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cold", type=int, default=50, help="pages of the cold `casecheck check` scan (0: skip)")
    parser.add_argument("--workers", type=int, default=0, help="page-reading processes (0: default)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/casecheck-bench"))
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: one runtime, JSON out
    args = parser.parse_args()

    if args.one:
        print(json.dumps(measure_one(args.one, args)))
        return 0

    rows = []
    for runtime in [r.strip() for r in args.runtime.split(",") if r.strip()]:
        command = [sys.executable, __file__, "--one", runtime, "--scanned", str(args.scanned),
                   "--digital", str(args.digital), "--runs", str(args.runs), "--cold", str(args.cold),
                   "--workers", str(args.workers), "--dir", str(args.dir)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{runtime}: failed\n{done.stderr[-2000:]}")
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{runtime}: done", flush=True)

    def fmt(values: list[float], digits: int = 3) -> str:
        if not values:
            return "-"
        return f"{statistics.median(values):.{digits}f} ({', '.join(f'{v:.{digits}f}' for v in values)})"

    print(f"\n{args.runs} run(s) each, medians (runs in brackets); {os.cpu_count()} cores")
    for r in rows:
        digital_rate = [1 / s for s in r["digital_s_per_page"]]
        print(f"- {r['runtime']} ({r['engine']}), load average {', '.join(f'{v:.1f}' for v in r['load'])}:\n"
              f"    scanned      {r['scanned_pages']} pages: {fmt(r['scanned_s_per_page'])} s/page\n"
              f"    born-digital {r['digital_pages']} pages: {fmt(digital_rate, 1)} pages/s\n"
              f"    cold check   {r['cold_pages']} pages: {fmt(r['cold_s'], 1)} s\n"
              f"    peak memory: page worker {r['worker_peak_mib']:.0f} MiB, main process {r['main_peak_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
