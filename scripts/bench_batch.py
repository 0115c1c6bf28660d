"""Benchmark `casecheck batch`: pages per minute with 1 and 2 local workers and on a Dask LocalCluster.

    .venv/bin/python scripts/bench_batch.py [--archive DIR | --cases 6 --digital] [--runs 2]

Generates the archive once (scanned files by default, into /tmp/casecheck-bench-batch-SEED-N)
unless one is given, then runs the whole batch (`run_batch`: hashing, checking, 统计表, summary)
into a fresh output folder per run, the modes interleaved so load from elsewhere falls on all of
them alike. The cluster (2 workers x 1 thread, processes, loopback) is started afresh for each of
its runs and its start-up is not timed (the command is given an existing cluster); its workers
load the OCR models within the run, as local worker processes do. Prints each run and the
median pages per minute per mode. Not a test: the figures go into README.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samples.generate import Options, generate
from service.batch import BatchOptions, BatchResult, run_batch

MODES = ("workers=1", "workers=2", "cluster")


def ensure_archive(args: argparse.Namespace) -> Path:
    """The archive given, or a generated one (made once, reused by later runs of the script)."""
    if args.archive:
        return args.archive
    kind = "digital" if args.digital else "scanned"
    folder = Path(tempfile.gettempdir()) / f"casecheck-bench-batch-{kind}-{args.seed}-{args.cases}"
    if len(list(folder.glob("*.pdf"))) < args.cases:
        generate(folder, args.cases, seed=args.seed,
                 options=Options(born_digital_ratio=1.0 if args.digital else 0.0), workers=2)
    return folder


def run_mode(mode: str, archive: Path) -> tuple[BatchResult, float]:
    """One whole batch in `mode` into a fresh output folder: its result and wall seconds."""
    with tempfile.TemporaryDirectory(prefix="casecheck-bench-out-") as out:
        if mode != "cluster":
            started = time.perf_counter()
            result = run_batch(archive, Path(out), BatchOptions(workers=int(mode.split("=")[1])))
            return result, time.perf_counter() - started
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster:
            started = time.perf_counter()
            result = run_batch(archive, Path(out), BatchOptions(scheduler=cluster.scheduler_address))
            return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=None, help="an archive folder (default: generate one)")
    parser.add_argument("--cases", type=int, default=6, help="files to generate (default 6)")
    parser.add_argument("--digital", action="store_true", help="generate born-digital files (default: scanned)")
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    args = parser.parse_args()
    import distributed  # noqa: F401  (its import sets its loggers' levels: quieten them after)

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("distributed").setLevel(logging.ERROR)

    archive = ensure_archive(args)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    print(f"archive {archive}; {os.cpu_count()} cores; modes {', '.join(modes)}; {args.runs} runs each", flush=True)
    figures: dict[str, list[float]] = {m: [] for m in modes}
    pages = 0
    for run in range(1, args.runs + 1):
        for mode in modes:
            load = os.getloadavg()[0]
            result, seconds = run_mode(mode, archive)
            pages = result.pages
            rate = 60.0 * result.pages / seconds
            figures[mode].append(rate)
            print(f"run {run} {mode:10} {result.checked} files, {result.pages} pages, {result.failed} failed, "
                  f"{seconds:7.1f} s, {rate:6.1f} pages/min (load before {load:.2f})", flush=True)
    print(f"\n{pages} pages per run; median pages/min:")
    for mode, rates in figures.items():
        print(f"  {mode:10} {statistics.median(rates):6.1f}  (runs {', '.join(f'{r:.1f}' for r in rates)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
