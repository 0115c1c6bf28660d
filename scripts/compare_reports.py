"""Dump the reports of a folder of case files, and compare two such dumps: the check that a
speed change did not change what casecheck reports.

    .venv/bin/python scripts/compare_reports.py dump DIR OUT [--workers N] [--case]
    .venv/bin/python scripts/compare_reports.py compare OUT_BEFORE OUT_AFTER

`dump` runs `service.pipeline.check_pdf` (default options; `--workers` as in `CheckOptions`) on
every *.pdf under DIR (recursively) and writes OUT/<relative path>.json: the report (CONTRACT.md)
and the text of every page as read (the `pages` of `check_pdf`), with what changes from run to
run taken out (`timing.seconds`; the report holds no timestamps, temp paths or engine labels).
`--case` also writes the case model of `read_case` (marks with their confidences, signing zones,
fields with boxes: stricter than the report) as <relative path>.case.json; it reads each file a
second time. An unusable file is dumped as its error line.

`compare` prints every difference between two dumps (a file only in one, and per file each JSON
path whose value differs) and exits 1 if there is any, 0 if all are identical.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Keys whose values change from run to run, wherever they occur in a dump.
VOLATILE_KEYS = frozenset({"seconds"})


def _without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def dump(folder: Path, out: Path, workers: int, with_case: bool) -> int:
    from extractors.ingest import InputError
    from models.case import PageText
    from service.pipeline import CheckOptions, check_pdf, read_case

    pdfs = sorted(folder.rglob("*.pdf"))
    out.mkdir(parents=True, exist_ok=True)
    pages_read = 0
    started = time.perf_counter()
    for pdf in pdfs:
        target = out / (str(pdf.relative_to(folder)) + ".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        texts: list[PageText] = []
        try:
            report = check_pdf(pdf, CheckOptions(workers=workers), pages=texts)
            data: Any = {"report": json.loads(report.to_json()),
                         "pages": [json.loads(t.model_dump_json()) for t in texts]}
            pages_read += report.pages
        except InputError as exc:
            data = {"error": str(exc)}
        target.write_text(json.dumps(_without_volatile(data), ensure_ascii=False, indent=1, sort_keys=True))
        if with_case and "error" not in data:
            case = read_case(pdf, CheckOptions(workers=workers))
            case_target = target.with_name(target.name[: -len(".json")] + ".case.json")
            case_target.write_text(json.dumps(_without_volatile(json.loads(case.model_dump_json())),
                                              ensure_ascii=False, indent=1, sort_keys=True))
    print(f"{len(pdfs)} files, {pages_read} pages in {time.perf_counter() - started:.1f} s -> {out}")
    return 0


def _differences(a: Any, b: Any, where: str) -> list[str]:
    if type(a) is not type(b):
        return [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{where}.{k}: only before ({a[k]!r})")
            elif k not in a:
                out.append(f"{where}.{k}: only after ({b[k]!r})")
            else:
                out += _differences(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list):
        out = [f"{where}: {len(a)} items before, {len(b)} after"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out += _differences(x, y, f"{where}[{i}]")
        return out
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def compare(before: Path, after: Path) -> int:
    names_a = {str(p.relative_to(before)) for p in before.rglob("*.json")}
    names_b = {str(p.relative_to(after)) for p in after.rglob("*.json")}
    problems = [f"{n}: only in {before}" for n in sorted(names_a - names_b)]
    problems += [f"{n}: only in {after}" for n in sorted(names_b - names_a)]
    same = 0
    for name in sorted(names_a & names_b):
        diffs = _differences(json.loads((before / name).read_text()), json.loads((after / name).read_text()), "")
        problems += [f"{name} {d}" for d in diffs]
        same += not diffs
    for line in problems:
        print(line)
    print(f"{same} of {len(names_a | names_b)} dumps identical, {len(problems)} differences")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write the reports of every PDF under DIR into OUT")
    d.add_argument("folder", type=Path)
    d.add_argument("out", type=Path)
    d.add_argument("--workers", type=int, default=0, help="page-reading processes (0: default)")
    d.add_argument("--case", action="store_true", help="also dump the case model (reads each file twice)")
    c = sub.add_parser("compare", help="print every difference between two dumps")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        return dump(args.folder, args.out, args.workers, args.case)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
