"""The `casecheck` command line: a thin adapter over `service.pipeline`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from checkers import RulePackError, load_pack
from extractors.ingest import InputError, ReadOptions
from service.pipeline import CheckOptions, check_pdf

log = logging.getLogger("casecheck")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_paths(pdf: Path, outdir: Path) -> dict[str, Path]:
    stem = pdf.stem
    return {"report": outdir / f"{stem}.report.json"}


def _progress_bar(name: str, enabled: bool):
    if not enabled:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="页", desc=name, leave=False, file=sys.stderr)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    return update, bar


def cmd_check(args: argparse.Namespace) -> int:
    pdf = Path(args.file)
    outdir = Path(args.output)
    try:
        rules = load_pack(args.rules)
    except RulePackError as exc:
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    options = CheckOptions(
        read=ReadOptions(engine=args.engine, dpi=args.dpi, force_ocr=args.force_ocr),
        workers=args.workers,
        rules=rules,
    )
    update, bar = _progress_bar(pdf.name, sys.stderr.isatty() and not args.quiet)
    try:
        report = check_pdf(pdf, options, progress=update)
    except InputError as exc:
        if bar:
            bar.close()
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a fault of ours, not of the input: say so, keep the trace in the log
        if bar:
            bar.close()
        log.info("check of %s failed", pdf, exc_info=True)
        print(f"casecheck: {pdf.name}: internal error ({type(exc).__name__}: {exc}); rerun with -v for details",
              file=sys.stderr)
        return 1
    if bar:
        bar.close()
    paths = output_paths(pdf, outdir)
    write_atomic(paths["report"], report.to_json().encode("utf-8"))
    if not args.quiet:
        docs = len(report.documents)
        print(f"{pdf.name}: {report.pages} pages, {docs} documents, {len(report.findings)} findings, "
              f"{len(report.review)} to review, in {report.timing.seconds if report.timing else 0:.1f} s")
        for finding in report.findings:
            pages = ",".join(str(p) for p in sorted({e.page for e in finding.evidence}))
            print(f"  [{finding.kind}] {finding.category}: {finding.message}" + (f" (p.{pages})" if pages else ""))
        for kind, path in paths.items():
            print(f"  {kind}: {path}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """Print every rule: its codes, the sheet row and kind the pack gives them, its legal basis."""
    from checkers import RULES
    from models.report import DOCUMENT_TYPES

    try:
        pack = load_pack(args.rules)
    except RulePackError as exc:
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    print(f"rule pack: {pack.name} — {pack.title}")
    for rule in RULES:
        print(f"\n[{rule.family}] {rule.name}")
        for code in rule.codes:
            if "<type>" in code:
                family = code.replace(".<type>", "")
                depth = family.count(".") + 1
                rows = sorted((c, v) for c, v in pack.codes.items()
                              if c.startswith(family + ".") and c.count(".") == depth
                              and c.rsplit(".", 1)[1] in DOCUMENT_TYPES)
                if family in pack.codes:  # the family's row, then the types that differ from it
                    rows.insert(0, (code, pack.codes[family]))
                for c, (category, kind) in rows:
                    print(f"  {c:42} {category} / {kind}")
            else:
                category, kind = pack.classify(code)
                print(f"  {code:42} {category} / {kind}")
        for line in rule.basis.splitlines():
            print(f"    {line.strip()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casecheck", description="行政处罚案卷自动自查")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check one case file (PDF) and write its report")
    check.add_argument("file", help="the case file, a PDF")
    check.add_argument("-o", "--output", default=".", help="output folder (default: current folder)")
    check.add_argument("--engine", default=None,
                       help="OCR engine: rapidocr (default), tesseract or paddleocr; env CASECHECK_OCR_ENGINE")
    check.add_argument("--dpi", type=int, default=150, help="resolution pages are read at (default 150)")
    check.add_argument("--workers", type=int, default=0,
                       help="page-reading processes (default: one per core, at most 4)")
    check.add_argument("--rules", default=None, metavar="FILE",
                       help="a rule pack (TOML) laid over the national one, e.g. a province's standard")
    check.add_argument("--force-ocr", action="store_true", help="OCR pages even when they have a text layer")
    check.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="list the rules, their finding codes, sheet rows, kinds and legal basis")
    rules.add_argument("--rules", default=None, metavar="FILE", help="a rule pack (TOML) laid over the national one")
    rules.set_defaults(func=cmd_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
