"""CPU seconds per scanned page of the page reader (render, OCR, seals, signatures, re-reads), in
one process on one inference thread: the steadiest figure for comparing reader settings on a
shared machine (wall-clock figures of the whole pipeline are `bench_pipeline.py`'s).

    .venv/bin/python scripts/bench_reader.py [--dir /tmp/casecheck-bench/scanned] [--pages 24]
                                             [--runs 2] [--set det_skip_blank=false ...]

Reads every third page of the scanned files in --dir (made by `bench_pipeline.py`), `--runs`
times, and prints the mean and median CPU s/page of each run. `--set` overrides a field of
`extractors.ocr.rapid.RapidSettings` (true/false, numbers), to compare one setting at a time.
Not a test: the figures go into README and the issue notes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _value(text: str) -> object:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        return float(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/casecheck-bench/scanned"))
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    args = parser.parse_args()
    os.environ["CASECHECK_OCR_THREADS"] = "1"
    os.environ.pop("CASECHECK_OCR_REPLAY", None)

    import pymupdf

    from extractors.ingest import PageReader, ReadOptions
    from extractors.ocr import get_engine

    overrides = {k: _value(v) for k, _, v in (s.partition("=") for s in args.set)}
    files = sorted(args.dir.glob("*.pdf"))
    if not files:
        print(f"no PDF in {args.dir}: run scripts/bench_pipeline.py first (it makes the set)", file=sys.stderr)
        return 2
    docs = {f: pymupdf.open(f) for f in files}
    pages = [(f, i) for f in files for i in range(0, docs[f].page_count, 3)][: args.pages]
    reader = PageReader(ReadOptions(), engine=get_engine("rapidocr", threads=1, **overrides))
    reader.read(docs[files[0]], 0)  # warm-up
    print(f"{len(pages)} pages, settings {overrides or 'default'}, load average "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for run in range(args.runs):
        cpu = []
        for f, i in pages:
            started = time.process_time()
            reader.read(docs[f], i)
            cpu.append(time.process_time() - started)
        print(f"  run {run + 1}: mean {statistics.mean(cpu):.3f}, median {statistics.median(cpu):.3f} CPU s/page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
