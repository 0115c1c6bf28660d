"""The `casecheck` command line: a thin adapter over `service.pipeline`."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path

from checkers import RulePack, load_pack
from extractors.ingest import MAX_DPI, MIN_DPI, InputError, ReadOptions, sha256_of
from lexicon.safe_text import printable
from models.errors import CasecheckError, OutputWriteError, UsageError, exit_code_of, one_line
from models.report import Report
from service.outputs import (
    STATISTICS_NAME,
    output_paths,
    render_outputs,
    write_atomic,
    write_outputs,
)
from service.outputs.common import archive_numbers, page_list, shown_message
from service.outputs.sheet import SheetOptions
from service.outputs.summary import OUTPUT_LABELS
from service.pipeline import CheckOptions
from service.process import process_case, xml_safe_report

log = logging.getLogger("casecheck")

MAX_WORKERS = 64  # --workers above this (or above the cores, for page readers) is capped


# -- option types: a value out of range is one line and exit 2 ----------------------------------
def dpi_value(text: str) -> int:
    try:
        dpi = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--dpi {text!r}: a whole number of dots per inch is needed") from None
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"--dpi {dpi}: must be between {MIN_DPI} and {MAX_DPI}")
    return dpi


def precision_value(text: str) -> str:
    """auto, f32, bf16, f16, or per model (det=bf16,rec=f32): checked here, passed on as written."""
    from extractors.ocr.runtime import parse_precision

    if text.strip().lower() != "auto":
        try:
            parse_precision(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"--precision {text!r}: {exc}") from None
    return text


def workers_value(text: str) -> int:
    """0 (the default: one per core) up to MAX_WORKERS; more is capped, negative refused."""
    try:
        workers = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--workers {text!r}: a whole number is needed") from None
    if workers < 0:
        raise argparse.ArgumentTypeError(f"--workers {workers}: must be 0 (automatic) or more")
    if workers > MAX_WORKERS:
        log.warning("--workers %d is capped at %d", workers, MAX_WORKERS)
    return min(workers, MAX_WORKERS)


def seconds_value(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of seconds is needed") from None
    if not 0 <= seconds < 10**7:
        raise argparse.ArgumentTypeError(f"{text}: must be 0 (no limit) or a positive number of seconds")
    return seconds


def date_value(text: str) -> str:
    """A date in any common form (2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日, 20240501) as ISO."""
    from lexicon.dates import parse_date

    raw = text.strip()
    day: dt.date | None = None
    if re.fullmatch(r"\d{8}", raw):
        try:
            day = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            day = None
    elif re.fullmatch(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?", raw):
        day = parse_date(raw)
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r}: not a date (e.g. 2024-05-01, 2024/5/1 or 2024年5月1日)")
    return day.isoformat()


def month_value(text: str) -> str:
    match = re.fullmatch(r"\s*(\d{1,2})\s*月?\s*", text)
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise argparse.ArgumentTypeError(f"--month {text!r}: a month from 1 to 12 is needed")
    return str(int(match.group(1)))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("casecheck")
    except PackageNotFoundError:
        return "unknown"


class OneLineFormatter(logging.Formatter):
    """Each log record's message as one visible line (`lexicon.safe_text.printable`): a file name
    holding a newline or ESC can neither forge a log line nor colour the terminal. A traceback
    attached to the record keeps its lines (it is ours)."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.msg, safe.args = printable(record.getMessage()), None
        return super().format(safe)


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr (exit 2), like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {one_line(message)} (see {self.prog} -h)\n")


def usable_folder(outdir: Path) -> None:
    """Raise `UsageError` if `outdir` cannot take the outputs (checked before a long OCR run)."""
    if why := _usable_folder(outdir):
        raise UsageError(why)


def _usable_folder(outdir: Path) -> str | None:
    """Why `outdir` cannot take the outputs (checked before a long OCR run), or None."""
    if outdir.exists() and not outdir.is_dir():
        return f"{outdir}: the output folder is a file"
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{outdir}: the output folder cannot be made ({exc.strerror or exc})"
    if not os.access(outdir, os.W_OK | os.X_OK):
        return f"{outdir}: the output folder is not writable"
    return None


def _render(report: Report, pdf: Path, args: argparse.Namespace, rules: RulePack,
            kinds: tuple[str, ...], review=None) -> dict[str, bytes] | None:
    """The outputs in memory, or None after one line saying why (nothing is then written)."""
    try:
        return render_outputs(report, pdf, _sheet_options(args), rules, kinds=kinds, review=review)
    except Exception as exc:  # a fault of ours: one line here, the trace in the log
        log.info("outputs of %s failed", pdf, exc_info=True)
        print(f"casecheck: {pdf.name}: outputs could not be made ({type(exc).__name__}: {one_line(exc)}); "
              "rerun with -v for details", file=sys.stderr)
        return None


def _write(outputs: dict[str, bytes], paths: dict[str, Path], name: str) -> bool:
    """Write the outputs; a failure (disk full, permissions) is one line, not a traceback."""
    try:
        write_outputs(outputs, paths)
    except OSError as exc:
        error = OutputWriteError(f"{name}: outputs could not be written ({exc.strerror or exc}: {exc.filename or ''})")
        print(f"casecheck: {printable(error.message)}", file=sys.stderr)
        return False
    return True


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


# What a failed file's kind means for `check`'s exit status (CONTRACT.md: 2 unusable input).
_EXIT_BY_FAILURE = {"input": 2, "internal": 1, "write": 1}


def _stuck(message: str) -> None:
    """The check is stuck in native code past its time limit: say so and leave (nothing was written)."""
    print(f"casecheck: {printable(message)}", file=sys.stderr, flush=True)
    os._exit(2)


def _ocr_runtime(args: argparse.Namespace) -> None:
    """--runtime/--device/--precision as CASECHECK_OCR_RUNTIME/_DEVICE/_PRECISION, which the page
    workers inherit."""
    for value, name in ((args.runtime, "CASECHECK_OCR_RUNTIME"), (args.device, "CASECHECK_OCR_DEVICE"),
                        (getattr(args, "precision", None), "CASECHECK_OCR_PRECISION")):
        if value:
            os.environ[name] = value


def cmd_check(args: argparse.Namespace) -> int:
    pdf = Path(args.file)
    outdir = Path(args.output)
    rules = load_pack(args.rules)  # RulePackError: a UsageError, exit 2
    usable_folder(outdir)
    if os.path.lexists(pdf) and not pdf.is_file():  # a FIFO or a device would block the reader
        raise InputError(f"{pdf.name}: not a regular file")
    _ocr_runtime(args)
    options = CheckOptions(
        read=ReadOptions(engine=args.engine, dpi=args.dpi, force_ocr=args.force_ocr),
        workers=min(args.workers, os.cpu_count() or 1),
        rules=rules,
    )
    update, bar = _progress_bar(printable(pdf.name, 60), sys.stderr.isatty() and not args.quiet)
    try:
        outcome = process_case(pdf, outdir, options=options, sheet=_sheet_options(args), progress=update,
                               seconds=args.time_limit, on_stuck=_stuck)
    finally:
        if bar:
            bar.close()
    if not outcome.ok or outcome.report is None:
        hint = "; rerun with -v for details" if outcome.failure == "internal" else ""
        print(f"casecheck: {printable(outcome.error or pdf.name)}{hint}", file=sys.stderr)
        return _EXIT_BY_FAILURE.get(outcome.failure or "internal", 1)
    report = outcome.report
    if not args.quiet:
        _print_summary(pdf, report, outcome.outputs)
    return 0


def _print_summary(pdf: Path, report: Report, outputs: dict[str, str]) -> None:
    """The check in a few Chinese lines; pages as a reader of the paper file finds them
    (卷内第4页（PDF第6页）), as in the 自查单."""
    numbers = archive_numbers(report)
    seconds = report.timing.seconds if report.timing else 0.0
    print(f"{printable(pdf.name)}：共{report.pages}页、{len(report.documents)}份文书；发现问题{len(report.findings)}项，"
          f"待人工核实{len(report.review)}项；用时{seconds:.1f}秒")
    for finding in report.findings:
        pages = sorted({e.page for e in finding.evidence})
        where = f"（{page_list(pages, numbers)}）" if pages else ""
        print(f"  [{finding.kind}] {finding.category}：{printable(shown_message(finding, numbers))}{where}")
    for kind, path in outputs.items():
        print(f"  {OUTPUT_LABELS.get(kind, kind)}：{path}")


def _sheet_options(args: argparse.Namespace) -> SheetOptions:
    return SheetOptions(self_checker=args.self_checker, reported_on=args.reported_on)


def _load_report(path: Path) -> Report:
    """A report from disk, its text made XML-safe (an older report may carry control characters)."""
    try:
        return xml_safe_report(Report.model_validate_json(path.read_bytes()))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(f"{path}: not a casecheck report ({one_line(exc, 120)})") from None


def cmd_render(args: argparse.Namespace) -> int:
    """Make the 自查单 and the annotated PDF again from a report (e.g. one a person corrected)."""
    report_path = Path(args.report)
    report = _load_report(report_path)
    rules = load_pack(args.rules)
    pdf = Path(args.pdf) if args.pdf else report_path.with_name(report.file)
    if not pdf.is_file():
        raise UsageError(f"{pdf}: the original case file was not found; name it with --pdf")
    if sha256_of(pdf) != report.sha256:  # boxes drawn on another file's pages would mislead
        raise UsageError(f"{pdf.name}: not the file {report_path.name} was made from (sha256 differs)")
    if report.rule_pack and report.rule_pack != rules.name:
        log.warning("%s was made under rule pack %r, the sheet is filled under %r (give it with --rules)",
                    report_path.name, report.rule_pack, rules.name)
    usable_folder(Path(args.output))
    paths = output_paths(report.file, Path(args.output))
    from service.review import read_review_option

    # --review NAME.review.json, else the one beside the report if any (InputError: exit 2)
    review = read_review_option(args.review, report_path, report)
    # The report is the input here: never rewritten.
    outputs = _render(report, pdf, args, rules, ("sheet", "annotated"), review)
    if outputs is None or not _write(outputs, paths, pdf.name):
        return 1
    if not args.quiet:
        for kind in outputs:
            print(f"  {paths[kind]}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """案卷自查情况统计表 over reports already made (one row per report, in the order given)."""
    from service.outputs.statistics import StatisticsRow, render_statistics

    rows = []
    from service.review import reviewed_beside

    for name in args.reports:
        report = _load_report(Path(name))  # InputError: exit 2
        rows.append(StatisticsRow.from_report(report, county=args.county,
                                              reviewed=reviewed_beside(Path(name), report)))
    target = Path(args.output)
    if target.is_dir() or not target.suffix:
        target = target / STATISTICS_NAME
    try:
        write_atomic(target, render_statistics(rows, args.month))
    except OSError as exc:
        raise OutputWriteError(f"{target}: cannot be written ({exc.strerror or exc})") from None
    if not args.quiet:
        print(f"{len(rows)} case files: {target}")
    return 0


def _rule_codes(rule, pack: RulePack) -> list[tuple[str, str, str]]:
    """(code, sheet row, kind) for each code of a rule under a pack: a `<type>` family's own row
    (where the pack gives one), then each type the pack lists."""
    from models.report import DOCUMENT_TYPES

    rows: list[tuple[str, str, str]] = []
    for code in rule.codes:
        if "<type>" in code:
            family = code.replace(".<type>", "")
            depth = family.count(".") + 1
            typed = sorted((c, v) for c, v in pack.codes.items()
                           if c.startswith(family + ".") and c.count(".") == depth
                           and c.rsplit(".", 1)[1] in DOCUMENT_TYPES)
            if family in pack.codes:  # the family's row, then the types that differ from it
                typed.insert(0, (code, pack.codes[family]))
            rows += [(c, category, kind) for c, (category, kind) in typed]
        else:
            rows.append((code, *pack.classify(code)))
    return rows


def _cell(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def cmd_rules(args: argparse.Namespace) -> int:
    """Print every rule, one block each, in Chinese: its title, its codes with the sheet row and
    kind the pack gives them, its legal basis; `--json`: the same, machine-readable."""
    import json

    from checkers import RULES
    from checkers.base import code_title

    if args.stats:
        from service.review import cmd_rule_stats

        return cmd_rule_stats(args)
    pack = load_pack(args.rules)
    rules = [{"name": r.name, "family": r.family, "title": r.title, "basis": list(r.basis),
              "codes": [{"code": c, "title": code_title(c), "category": category, "kind": kind}
                        for c, category, kind in _rule_codes(r, pack)]} for r in RULES]
    if args.json:
        print(json.dumps({"rule_pack": pack.name, "rule_pack_title": pack.title, "rules": rules},
                         ensure_ascii=False, indent=2))
        return 0
    codes = [c for r in rules for c in r["codes"]]
    widths = [max(len(c["code"]) for c in codes) + 2, 2 * max(len(c["title"]) for c in codes) + 2,
              2 * max(len(c["category"]) for c in codes) + 2]
    print(f"审查标准：{pack.title}")
    for r in rules:
        print(f"\n规则：{r['title']}")
        print("  " + "".join(_cell(h, w) for h, w in zip(("问题代码", "问题名称", "自查单栏目"), widths, strict=True))
              + "问题类型")
        for c in r["codes"]:
            print("  " + "".join(_cell(c[k], w) for k, w in zip(("code", "title", "category"), widths, strict=True))
                  + c["kind"])
        for i, citation in enumerate(r["basis"]):
            print(("  法律依据：" if i == 0 else "            ") + citation)
    return 0


def _sheet_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--self-checker", default=None, metavar="NAME", help="自查人员 on the 自查单 (default: blank)")
    parser.add_argument("--reported-on", default=None, metavar="DATE", type=date_value,
                        help="系统填报时间 on the 自查单: 2024-05-01, 2024/5/1, 2024年5月1日… (default: blank)")


def _time_limit_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=seconds_value, default=None, metavar="SECONDS",
                        help="seconds one file may take before it is failed (default 1800; 0: none; "
                             "env CASECHECK_TIME_LIMIT)")


def _lazy(module: str, function: str):
    """A command function imported when the command runs, not when the parser is built."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), function)(args))

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="casecheck", description="行政处罚案卷自动自查")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"casecheck {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check one case file (PDF) and write its report")
    check.add_argument("file", help="the case file, a PDF")
    check.add_argument("-o", "--output", default=".", help="output folder (default: current folder)")
    check.add_argument("--engine", default=None,
                       help="OCR engine: rapidocr (default), tesseract or paddleocr; env CASECHECK_OCR_ENGINE")
    check.add_argument("--runtime", default=None, choices=("auto", "openvino", "onnxruntime"),
                       help="inference runtime of the rapidocr models (default: OpenVINO on AVX-512 CPUs, else ONNX Runtime); "
                            "env CASECHECK_OCR_RUNTIME")
    check.add_argument("--device", default=None, choices=("auto", "cpu", "cuda"),
                       help="run OCR on the CPU or an NVIDIA GPU (default auto); env CASECHECK_OCR_DEVICE")
    check.add_argument("--precision", default=None, type=precision_value, metavar="P",
                       help="arithmetic of the OCR models: auto (default: bf16 on OpenVINO where this machine "
                            "has shown it reads as f32 does, else f32), f32, bf16, or per model (det=bf16,rec=f32); "
                            "env CASECHECK_OCR_PRECISION")
    check.add_argument("--dpi", type=dpi_value, default=150, help="resolution pages are read at (default 150)")
    check.add_argument("--workers", type=workers_value, default=0,
                       help="page-reading processes (default: one per core, at most 4)")
    check.add_argument("--rules", default=None, metavar="FILE",
                       help="a rule pack (TOML) laid over the national one, e.g. a province's standard")
    check.add_argument("--force-ocr", action="store_true", help="OCR pages even when they have a text layer")
    check.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    _sheet_arguments(check)
    _time_limit_argument(check)
    check.set_defaults(func=cmd_check)

    render = sub.add_parser("render", help="make the 自查单 and annotated PDF again from a report JSON")
    render.add_argument("report", help="NAME.report.json")
    render.add_argument("--pdf", default=None, help="the original case file (default: beside the report, by name)")
    render.add_argument("-o", "--output", default=".", help="output folder (default: current folder)")
    render.add_argument("--rules", default=None, metavar="FILE", help="the rule pack the report was made under")
    render.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    render.add_argument("--review", default=None, metavar="FILE",
                        help="NAME.review.json, a person's review (default: the one beside the report, if any)")
    _sheet_arguments(render)
    render.set_defaults(func=cmd_render)

    stats = sub.add_parser("stats", help="案卷自查情况统计表 (xlsx) over report JSONs")
    stats.add_argument("reports", nargs="+", help="NAME.report.json files")
    stats.add_argument("-o", "--output", default=".", help=f"the .xlsx, or a folder for {STATISTICS_NAME}")
    stats.add_argument("--month", default=None, type=month_value, help="the month the title names (各执法中队 _ 月…)")
    stats.add_argument("--county", default=None, help="县市区 for every row (default: from each case's agency)")
    stats.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    stats.set_defaults(func=cmd_stats)

    # serve, watch and batch: their modules are imported only when the command runs (FastAPI,
    # watchdog and Dask are slow to import and `check` needs none of them).
    serve = sub.add_parser("serve", help="the HTTP service and its web page")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1; env CASECHECK_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000; env CASECHECK_PORT)")
    serve.add_argument("--data", default=None, metavar="DIR",
                       help="where uploads, outputs and the job database live (default ./casecheck-data; "
                            "env CASECHECK_DATA_DIR)")
    serve.add_argument("--db", default=None, metavar="FILE", help="the job database (default DATA/jobs.sqlite3; env CASECHECK_DB)")
    serve.add_argument("--workers", type=workers_value, default=None, help="case files checked at once (default: half the cores, at most 4; env CASECHECK_WORKERS)")
    serve.add_argument("--page-workers", type=workers_value, default=None,
                       help="page-reading processes per case file (default 2; env CASECHECK_PAGE_WORKERS)")
    serve.add_argument("--rules", default=None, metavar="FILE", help="a rule pack (TOML) laid over the national one")
    _time_limit_argument(serve)
    serve.set_defaults(func=_lazy("service.web.app", "cmd_serve"))

    # -- watch (service/watch.py) --
    watch = sub.add_parser("watch", help="a watched folder: each PDF dropped in is checked once")
    watch.add_argument("inbox", nargs="?", default=None, help="the folder to watch")
    watch.add_argument("-o", "--output", default=None, help="output folder (default: INBOX/out)")
    watch.add_argument("--processed", default=None, metavar="DIR",
                       help="where originals go once checked (default: INBOX/processed)")
    watch.add_argument("--failed", default=None, metavar="DIR",
                       help="where files that cannot be checked go, with NAME.reason.txt (default: INBOX/failed)")
    watch.add_argument("--db", default=None, metavar="FILE",
                       help="the watcher's database (default: OUT/.casecheck-watch/jobs.sqlite3); "
                            "keep it on a local disk when OUT is a network share")
    watch.add_argument("--workers", type=workers_value, default=0,
                       help="files checked at once (default: one per core, at most 4; 1: in the watcher's process)")
    watch.add_argument("--settle", type=float, default=2.0, metavar="SECONDS",
                       help="a file is read once its size and time stay unchanged this long (default 2)")
    watch.add_argument("--poll", action="store_true",
                       help="rescan the folder instead of waiting for file-system events "
                            "(automatic on network shares and where events are not available)")
    watch.add_argument("--poll-interval", type=float, default=5.0, metavar="SECONDS",
                       help="seconds between rescans when polling (default 5)")
    watch.add_argument("--rescan", type=float, default=60.0, metavar="SECONDS",
                       help="seconds between full rescans beside events, for events missed (default 60)")
    watch.add_argument("--once", action="store_true", help="check what is in INBOX now, then exit (cron)")
    watch.add_argument("--status", action="store_true",
                       help="print counts, recent failures and files waiting, then exit (no watcher is started)")
    watch.add_argument("--json", action="store_true", help="with --status: print it as JSON")
    watch.add_argument("--outputs", default=None, metavar="KINDS",
                       help="outputs to write, comma-separated: report,sheet,annotated (default: all)")
    watch.add_argument("--engine", default=None, help="OCR engine (as for check)")
    watch.add_argument("--dpi", type=dpi_value, default=150, help="resolution pages are read at (default 150)")
    watch.add_argument("--force-ocr", action="store_true", help="OCR pages even when they have a text layer")
    watch.add_argument("--rules", default=None, metavar="FILE", help="a rule pack (TOML) laid over the national one")
    watch.add_argument("-q", "--quiet", action="store_true", help="log failures and problems only, not a line per file")
    _sheet_arguments(watch)
    _time_limit_argument(watch)
    watch.set_defaults(func=_lazy("service.watch", "cmd_watch"))
    # -- end watch --

    # -- batch (service/batch.py) --
    batch = sub.add_parser("batch", help="check every PDF below an archive folder; statistics table and summary")
    batch.add_argument("archive", help="the archive folder")
    batch.add_argument("-o", "--output", default=None, help="output folder (default: ARCHIVE/casecheck-out)")
    batch.add_argument("--workers", type=workers_value, default=0, help="worker processes on this machine (default: one per core)")
    batch.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on an existing Dask cluster instead, e.g. tcp://10.0.0.5:8786 (its workers need "
                            "casecheck installed and the archive and OUT at the same paths)")
    batch.add_argument("--force", action="store_true", help="check again files already done (by content hash)")
    batch.add_argument("--month", default=None, type=month_value, help="the month the 统计表's title names")
    batch.add_argument("--county", default=None, help="县市区 for every row of the 统计表 (default: from each agency)")
    batch.add_argument("--rules", default=None, metavar="FILE", help="a rule pack (TOML) laid over the national one")
    batch.add_argument("--engine", default=None, help="OCR engine: rapidocr (default), tesseract or paddleocr")
    batch.add_argument("--dpi", type=dpi_value, default=150, help="resolution pages are read at (default 150)")
    batch.add_argument("--force-ocr", action="store_true", help="OCR pages even when they have a text layer")
    batch.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    batch.add_argument("--review-from", default=None, metavar="DIR",
                       help="the service's data folder: reviews done there (same SHA-256) fill the tables "
                            "(default: env CASECHECK_DATA_DIR)")
    batch.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    _sheet_arguments(batch)
    _time_limit_argument(batch)
    batch.set_defaults(func=_lazy("service.batch", "cmd_batch"))
    # -- end batch --

    rules = sub.add_parser("rules", help="list the rules, their finding codes, sheet rows, kinds and legal basis")
    rules.add_argument("--rules", default=None, metavar="FILE", help="a rule pack (TOML) laid over the national one")
    rules.add_argument("--stats", action="store_true",
                       help="per rule: findings confirmed and dismissed by reviewers (the service's data)")
    rules.add_argument("--data", default=None, metavar="DIR", help="with --stats: the service's data folder "
                       "(default: env CASECHECK_DATA_DIR or casecheck-data)")
    rules.add_argument("--json", action="store_true", help="print JSON (with --stats: the statistics)")
    rules.set_defaults(func=cmd_rules)

    users = sub.add_parser("users", help="the service's named accounts: add, list, remove")
    users.add_argument("action", choices=("add", "list", "remove"))
    users.add_argument("name", nargs="?", default=None, help="the person's name (add, remove)")
    users.add_argument("--role", default="自查员", help="自查员 (default), 法制审核 or 管理员")
    users.add_argument("--data", default=None, metavar="DIR", help="the service's data folder (env CASECHECK_DATA_DIR)")
    users.add_argument("--db", default=None, metavar="FILE", help="the service's database (env CASECHECK_DB)")
    users.set_defaults(func=_lazy("service.users", "cmd_users"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Errors map to exit statuses by class (`models.errors`): one line on
    stderr, 2 for unusable input or bad usage, 1 for ours; 130 on Ctrl-C; quiet on a closed pipe."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # file names in log lines: no forged line, no colour
        if getattr(handler, "stream", None) is sys.stderr and not isinstance(handler.formatter, OneLineFormatter):
            handler.setFormatter(OneLineFormatter(handler.formatter._fmt if handler.formatter else None))
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except CasecheckError as exc:
        log.debug("%s", exc, exc_info=True)
        print(f"casecheck: {printable(exc.message)}", file=sys.stderr)
        return exit_code_of(exc)
    except KeyboardInterrupt:
        print("casecheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_closed_pipe()
        return 0


def _quiet_closed_pipe() -> None:
    """`casecheck rules | head`: the reader left; point stdout at /dev/null so that the
    interpreter's final flush does not fail again, and end without a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
