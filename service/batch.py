"""`casecheck batch`: every PDF below an archive folder, in parallel, resumable, then summarised.

One code path, two executors: worker processes on this machine (a spawn-context
`ProcessPoolExecutor`, the cores shared out as OCR threads) or an existing Dask cluster
(`Client(address).get_executor()`). Either way the `Driver` submits `check_one` (module level, so
Dask workers import it) for a sliding window of files, takes the outcomes as they complete and
records them in the job store OUT/.casecheck/batch.sqlite3 (only the driver writes to it).

Resuming: jobs are keyed by content hash. A file done before is skipped unless `force` (or the
rule pack or reading settings changed, or its outputs were removed); a killed run continues where
it stopped (its running jobs are queued again); a file that failed for its own bytes (`input`) is
not retried, other failures are. Identical bytes at two paths are one case, checked once under the
first path found (names in sorted order); the others are listed as duplicates in the summary and
in the 备注 of the case's row of the 统计表 (one row per case, as the form counts cases).

Per-case outputs mirror the archive: ARCHIVE/2024/a.pdf -> OUT/2024/a.report.json etc. At the end
the 统计表 and the HTML summary are rebuilt from the stored reports of every file in the archive,
not only this run's. Paths handed to workers are absolute: Dask workers must see the same
filesystem (loopback, or a shared mount at the same path).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor as _Threads
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from extractors.ingest import ReadOptions, sha256_of
from lexicon.safe_text import printable, xml_safe
from models.errors import CasecheckError, OutputWriteError, one_line
from models.report import Report
from models.review import Review
from service.batch_pool import BatchError, Driver, dask_pool, local_pool
from service.jobs import Job, JobStore
from service.outputs import STATISTICS_NAME, write_atomic
from service.outputs.sheet import SheetOptions
from service.outputs.statistics import StatisticsRow, render_statistics
from service.outputs.summary import CaseEntry, SummaryMeta, write_summary
from service.pipeline import CheckOptions
from service.process import CaseOutcome, xml_safe_report

log = logging.getLogger(__name__)

STATE_DIR = ".casecheck"
DB_NAME = "batch.sqlite3"
DEFAULT_OUT = "casecheck-out"
RETRIED_FAILURES = frozenset({"internal", "write", "interrupted"})  # `input` fails the same again


@dataclass
class BatchOptions:
    workers: int = 0  # local worker processes; 0: one per core
    scheduler: str | None = None  # a Dask scheduler address: run there instead
    force: bool = False  # check files already done again
    month: str | None = None  # the 统计表's title
    county: str | None = None  # 县市区 on every row of the 统计表
    check: CheckOptions = field(default_factory=lambda: CheckOptions(workers=1))
    sheet: SheetOptions | None = None
    progress: bool = False  # a tqdm bar on stderr
    time_limit: float | None = None  # seconds per file (None: CASECHECK_TIME_LIMIT, default 1800)
    review_from: str | None = None  # the service's data folder: its reviews fill the tables


@dataclass
class ArchiveCase:
    """One distinct content of the archive: where it is checked, and where else it lies."""

    sha256: str
    path: Path  # absolute
    relative: str  # inside the archive, posix
    duplicates: list[str] = field(default_factory=list)
    job: Job | None = None
    output_name: str = ""  # the outputs' name: unique in its folder, even ignoring case (a.pdf, a.PDF)


@dataclass
class Plan:
    files: int  # PDFs found
    cases: list[ArchiveCase]
    work: list[ArchiveCase]  # to check in this run
    skipped: int  # done before, not checked again
    duplicates: int
    failed_before: int = 0  # failed for their own bytes before: not retried without force
    unreadable: dict[str, str] = field(default_factory=dict)  # relative path -> why (not even hashed)

    def describe(self, archive: Path) -> str:
        extra = (f", {self.failed_before} failed before (not retried; --force retries)" if self.failed_before
                 else "") + (f", {len(self.unreadable)} unreadable" if self.unreadable else "")
        return (f"{self.files} PDF files in {archive}: {len(self.work)} to check, {self.skipped} already "
                f"done (skipped), {self.duplicates} duplicates{extra}")


@dataclass
class BatchResult:
    files: int
    checked: int = 0  # checked in this run
    failed: int = 0  # failed in this run
    skipped: int = 0
    duplicates: int = 0
    failed_total: int = 0  # files the summary lists as not checked, this run's and earlier
    pages: int = 0  # pages read in this run
    seconds: float = 0.0  # checking, this run
    statistics: Path | None = None
    summary: Path | None = None

    @property
    def pages_per_minute(self) -> float:
        return 60.0 * self.pages / self.seconds if self.seconds else 0.0


# -- finding and hashing the files --------------------------------------------------------------
def find_pdfs(archive: Path, out: Path) -> list[Path]:
    """Every *.pdf below `archive`, names in sorted order, leaving out hidden names, OUT and any
    other batch's output folder (its annotated PDFs are not case files)."""
    found: list[Path] = []
    out = out.resolve()
    for root, dirs, files in os.walk(archive):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != out
                         and not (here / d / STATE_DIR).is_dir())
        found += [here / f for f in sorted(files) if f.lower().endswith(".pdf") and not f.startswith(".")]
    return found


def assign_output_names(cases: list[ArchiveCase]) -> None:
    """Name each case's outputs uniquely in its folder, case-insensitively (a share may not tell
    a.pdf from A.pdf, and a.pdf and a.PDF share the stem a): in path order the first keeps the
    stem, the next takes its whole name (a.PDF.report.json), then `stem (2)`, `(3)`…"""
    taken: dict[str, set[str]] = {}
    for case in sorted(cases, key=lambda c: c.relative):
        folder, _, file = case.relative.rpartition("/")
        used = taken.setdefault(folder, set())
        stem = Path(file).stem
        candidates = [stem, file] + [f"{stem} ({n})" for n in range(2, len(cases) + 3)]
        name = next(c for c in candidates if c.casefold() not in used)
        used.add(name.casefold())
        case.output_name = name + ".pdf"  # output_paths() takes the stem: `name` itself


class HashCache:
    """SHA-256 of files by (path, size, mtime): a resumed run of a large archive reads no bytes twice."""

    def __init__(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path, timeout=30.0, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS batch_hashes (path TEXT PRIMARY KEY, size INTEGER, "
                        "mtime_ns INTEGER, sha256 TEXT NOT NULL)")

    def hashes(self, paths: list[Path]) -> tuple[dict[Path, str], dict[Path, str]]:
        """Each readable file's hash, and for the others why they cannot be read."""
        known = {r[0]: r[1:] for r in self.db.execute("SELECT path, size, mtime_ns, sha256 FROM batch_hashes")}
        result: dict[Path, str] = {}
        errors: dict[Path, str] = {}
        stale: list[tuple[Path, os.stat_result]] = []
        for path in paths:
            try:
                st = path.stat()
            except OSError as exc:
                errors[path] = f"{path.name}: cannot be read ({exc.strerror or exc})"
                continue
            size, mtime, digest = known.get(str(path), (None, None, ""))
            if (size, mtime) == (st.st_size, st.st_mtime_ns):
                result[path] = digest
            else:
                stale.append((path, st))
        rows = []
        with _Threads(max_workers=4) as pool:  # hashlib releases the GIL: reading is the limit
            for (path, st), value in zip(stale, pool.map(_hash_or_error, [p for p, _ in stale]), strict=True):
                if isinstance(value, CasecheckError):  # a FIFO, a device: refused, not read
                    errors[path] = value.message
                elif isinstance(value, OSError):
                    errors[path] = f"{path.name}: cannot be read ({value.strerror or value})"
                else:
                    result[path] = value
                    rows.append((str(path), st.st_size, st.st_mtime_ns, value))
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO batch_hashes VALUES (?, ?, ?, ?)", rows)
        self.db.execute("COMMIT")
        return result, errors

    def close(self) -> None:
        self.db.close()


def _hash_or_error(path: Path) -> str | OSError | CasecheckError:
    try:
        return sha256_of(path)  # regular files only: a FIFO or /dev/zero named *.pdf never blocks
    except (OSError, CasecheckError) as exc:
        return exc


# -- the batch ----------------------------------------------------------------------------------
class Batch:
    """One batch over ARCHIVE into OUT: holds OUT's lock, its job store and its hash cache."""

    def __init__(self, archive: Path, out: Path | None = None, options: BatchOptions | None = None) -> None:
        self.archive = Path(archive).absolute()
        self.out = Path(out).absolute() if out else self.archive / DEFAULT_OUT
        self.options = options or BatchOptions()
        self.settings = settings_of(self.options.check)
        self._check_folders()
        # The cluster is reached first: a wrong address fails before an archive is hashed.
        self._dask = dask_pool(self.options.scheduler) if self.options.scheduler else None
        try:
            self._lock = _lock(self.out / STATE_DIR / "lock")
            self.store = JobStore(self.out / STATE_DIR / DB_NAME)
            self.hashes = HashCache(self.out / STATE_DIR / DB_NAME)
        except BaseException:
            if self._dask:
                self._dask.close()
            raise
        _sweep_parts(self.out)
        self._result = BatchResult(0)
        self._bar: Any = None

    def _check_folders(self) -> None:
        if not self.archive.is_dir():
            raise BatchError(f"{self.archive}: " + ("not a folder" if self.archive.exists() else "no such folder"))
        if self.out.exists() and not self.out.is_dir():
            raise BatchError(f"{self.out}: the output folder is a file")
        if self.out.resolve() == self.archive.resolve():
            raise BatchError(f"{self.out}: the output folder must not be the archive itself "
                             "(its annotated PDFs would be read as case files)")
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"{self.out}: the output folder cannot be made ({exc.strerror or exc})") from None
        if not os.access(self.out, os.W_OK | os.X_OK):
            raise BatchError(f"{self.out}: the output folder is not writable")

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._dask:
            self._dask.close()
        self.hashes.close()
        self.store.close()
        self._lock.close()  # closing the file releases the lock

    def plan(self) -> Plan:
        """Find, hash and sort the files: which to check now, which are done, which repeat others."""
        self.store.requeue_interrupted()  # a killed run left these running
        paths = find_pdfs(self.archive, self.out)
        digests, errors = self.hashes.hashes(paths)
        cases: dict[str, ArchiveCase] = {}
        for path in (p for p in paths if p not in errors):
            relative = path.relative_to(self.archive).as_posix()
            if (digest := digests[path]) in cases:
                cases[digest].duplicates.append(relative)
            else:
                cases[digest] = ArchiveCase(digest, path, relative)
        work, skipped, failed_before = [], 0, 0
        for case in cases.values():
            job, created = self.store.add(case.sha256, case.path.name, str(case.path), str(self._outdir(case)))
            redo = created or self._redo(job)
            case.job = self.store.requeue(job.id) if redo and not created else job
            if redo:
                work.append(case)
            skipped += not redo and job.status == "done"
            failed_before += not redo and job.status == "failed"
        assign_output_names(list(cases.values()))
        unreadable = {p.relative_to(self.archive).as_posix(): why for p, why in errors.items()}
        return Plan(len(paths), list(cases.values()), work, skipped, len(paths) - len(cases) - len(errors),
                    failed_before, unreadable)

    def _redo(self, job: Job) -> bool:
        if self.options.force or job.status == "queued":
            return True
        if job.status == "failed":
            return job.failure in RETRIED_FAILURES
        # Done, but under another rule pack or reading settings, or its outputs were removed since.
        return job.summary.get("settings") != self.settings or not Path(job.outputs.get("report", "")).is_file()

    def _outdir(self, case: ArchiveCase) -> Path:
        return self.out / Path(case.relative).parent

    def run(self, plan: Plan) -> BatchResult:
        """Check the plan's work, then write the 统计表 and the summary over the whole archive."""
        self._result = result = BatchResult(plan.files, skipped=plan.skipped, duplicates=plan.duplicates)
        started = time.perf_counter()
        if plan.work:
            self._execute(plan.work)
        result.seconds = round(time.perf_counter() - started, 3)
        self._write_tables(plan)
        return result

    def _execute(self, work: list[ArchiveCase]) -> None:
        opts = self.options
        pool = self._dask or local_pool(max(1, min(opts.workers or (os.cpu_count() or 1), len(work))))
        log.info("checking %d files on %s", len(work), pool.name)
        driver = Driver(pool, lambda case: (str(case.path), str(self._outdir(case)), opts.check, opts.sheet,
                                            case.output_name or None, opts.time_limit, self._dask is None),
                        self._record, self._fail, started=lambda case: self.store.claim(case.job.id))
        try:
            with _progress(len(work), opts.progress) as self._bar:
                driver.run(work)
        except BaseException:
            self.store.requeue_interrupted()  # what was in flight is checked again on the next run
            raise

    def _record(self, case: ArchiveCase, outcome: CaseOutcome) -> None:
        assert case.job is not None
        if not outcome.ok or outcome.report is None:
            return self._fail(case, outcome.error or "failed", outcome.failure or "internal")
        self.store.finish(case.job.id, outcome.outputs, {**outcome.summary(), "settings": self.settings})
        self._result.checked += 1
        self._result.pages += outcome.report.pages
        self._advance()

    def _fail(self, case: ArchiveCase, error: str, failure: str = "internal") -> None:
        assert case.job is not None
        self.store.fail(case.job.id, error, failure)
        log.warning("%s", printable(error))
        self._result.failed += 1
        self._advance()

    def _advance(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(f"失败 {self._result.failed}, {self._result.pages} 页", refresh=False)
            self._bar.update(1)

    def _write_tables(self, plan: Plan) -> None:
        """The 统计表 and the summary from every case's stored report (earlier runs' included)."""
        result, county = self._result, self.options.county
        jobs = {job.sha256: job for job in self.store.all()}
        from service.review import service_db, service_reviews

        self._service_reviews = service_reviews(service_db(self.options.review_from)) if self.options.review_from else {}
        rows: list[StatisticsRow] = []
        entries: list[CaseEntry] = []
        for case in sorted(plan.cases, key=lambda c: c.relative):
            row, entry = self._case_row(case, jobs.get(case.sha256))
            if case.duplicates:
                row.remark += "；相同文件（未重复检查）：" + "、".join(xml_safe(d) for d in case.duplicates)
            rows.append(row)
            entries.append(entry)
        for name, why in sorted(plan.unreadable.items()):
            # Names and reasons go into XML (the 统计表) and HTML: no character XML forbids.
            name, why = xml_safe(name), xml_safe(why)
            rows.append(StatisticsRow.failed(name, why, county))
            entries.append(CaseEntry(name, "failed", error=why))
        result.failed_total = sum(1 for e in entries if e.status != "done")
        result.statistics = self.out / STATISTICS_NAME
        write_atomic(result.statistics, render_statistics(rows, self.options.month))
        run = [("找到的 PDF 文件", plan.files), ("本次检查", result.checked), ("本次失败", result.failed),
               ("已完成而跳过", result.skipped), ("本次读取页数", result.pages),
               ("用时（秒）", f"{result.seconds:.1f}"), ("页/分钟", f"{result.pages_per_minute:.1f}")]
        meta = SummaryMeta(archive=str(self.archive), run=[(k, str(v)) for k, v in run], statistics=STATISTICS_NAME)
        result.summary = write_summary(self.out, entries, meta)

    def _render_reviewed(self, case: ArchiveCase, job: Job, report: Report, review: Review, source: Path) -> None:
        """The case's 自查单 and annotated PDF rendered again with a person's review (as `casecheck
        render --review` does), so they say what the tables say; not again while they are newer
        than the review's file. A failure leaves the machine's outputs in place and is logged: the
        tables are still right."""
        from service.outputs import render_outputs

        kinds = tuple(kind for kind in ("sheet", "annotated") if kind in job.outputs)
        try:
            changed = source.stat().st_mtime
            if all(_mtime(Path(job.outputs[kind])) > changed for kind in kinds):
                return
            made = render_outputs(report, case.path, self.options.sheet, self.options.check.rules, kinds=kinds,
                                  review=review)
            for kind, data in made.items():
                write_atomic(Path(job.outputs[kind]), data)
        except Exception as exc:  # the tables must still be written; say which case and why
            log.warning("%s: outputs not rendered with its review (%s)", printable(case.relative), one_line(exc))

    def _case_row(self, case: ArchiveCase, job: Job | None) -> tuple[StatisticsRow, CaseEntry]:
        """The case's row of the 统计表 and its entry in the summary, from its stored report."""
        name, county = xml_safe(case.relative), self.options.county  # shown in XML and HTML
        duplicates = [xml_safe(d) for d in case.duplicates]

        def not_checked(status: Literal["failed", "pending"], why: str) -> tuple[StatisticsRow, CaseEntry]:
            why = xml_safe(why)
            return StatisticsRow.failed(name, why, county), CaseEntry(name, status, error=why,
                                                                      duplicates=duplicates)

        if job is None or job.status not in ("done", "failed"):
            return not_checked("pending", "检查未完成（再次运行以继续）")
        if job.status == "failed":
            return not_checked("failed", job.error or "failed")
        try:
            report = xml_safe_report(Report.model_validate_json(Path(job.outputs["report"]).read_bytes()))
        except (OSError, KeyError, ValueError) as exc:
            return not_checked("failed", f"{Path(name).name}: its stored report cannot be read ({type(exc).__name__})")
        stored = report.model_copy()
        report.file = name  # the row names the file by its place in the archive
        outputs = {kind: os.path.relpath(path, self.out) for kind, path in job.outputs.items()}
        from service.review import apply_review, find_review

        found = find_review(Path(job.outputs["report"]), report, getattr(self, "_service_reviews", None))
        reviewed = apply_review(report, found[0] if found else None)
        if found:
            self._render_reviewed(case, job, stored, *found)
        entry = CaseEntry.from_report(name, reviewed.report, outputs, duplicates)
        entry.review_status = reviewed.status_name  # the summary says whether a person has reviewed it
        return StatisticsRow.from_report(report, county, reviewed=reviewed), entry


def _mtime(path: Path) -> float:
    """When `path` last changed; 0 for a file that is not there (it is to be made)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def run_batch(archive: Path, out: Path | None = None, options: BatchOptions | None = None) -> BatchResult:
    """The whole batch: plan, check, statistics and summary."""
    with Batch(archive, out, options) as batch:
        return batch.run(batch.plan())


# -- helpers ------------------------------------------------------------------------------------
def settings_of(check: CheckOptions) -> str:
    """What findings depend on besides the bytes (the rule pack, how pages are read), as a hash."""
    from checkers import load_pack

    pack = check.rules or load_pack()
    return hashlib.sha256((pack.model_dump_json() + repr(check.read)).encode()).hexdigest()[:16]


def _lock(path: Path):
    """An exclusive lock on OUT (the open file; closing it unlocks): two drivers would clash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a")
    try:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # not POSIX: no lock
        pass
    except OSError:
        fh.close()
        raise BatchError(f"{path.parent.parent}: another casecheck batch is writing there") from None
    return fh


def _sweep_parts(out: Path) -> None:
    """Temporary files a killed run left half written (write_atomic's .NAME.XXXX.part)."""
    for root, _, files in os.walk(out):
        for name in files:
            if name.startswith(".") and name.endswith(".part"):
                Path(root, name).unlink(missing_ok=True)


@contextlib.contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    """A tqdm bar on stderr (None when off), log lines printed above it rather than through it."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    with tqdm(total=total, unit="件", desc="casecheck", file=sys.stderr, dynamic_ncols=True,
              smoothing=0.1) as bar, logging_redirect_tqdm():
        yield bar


# -- the command --------------------------------------------------------------------------------
def options_from_args(args: argparse.Namespace) -> BatchOptions:
    """BatchOptions from the parsed command line (service/cli.py's batch parser)."""
    from checkers import load_pack

    read = ReadOptions(engine=args.engine, dpi=args.dpi, force_ocr=args.force_ocr)
    return BatchOptions(
        workers=args.workers, scheduler=args.scheduler, force=args.force, month=args.month, county=args.county,
        check=CheckOptions(read=read, workers=1, rules=load_pack(args.rules)),
        sheet=SheetOptions(self_checker=args.self_checker, reported_on=args.reported_on),
        progress=sys.stderr.isatty() and not args.quiet and args.progress,
        time_limit=getattr(args, "time_limit", None),
        review_from=getattr(args, "review_from", None) or os.environ.get("CASECHECK_DATA_DIR") or None)


def cmd_batch(args: argparse.Namespace) -> int:
    try:
        options = options_from_args(args)
        if options.scheduler and args.workers:
            log.warning("--workers is ignored with --scheduler: the cluster's workers run the files")
        with Batch(Path(args.archive), Path(args.output) if args.output else None, options) as batch:
            plan = batch.plan()
            if not args.quiet:
                print(plan.describe(batch.archive), flush=True)
            result = batch.run(plan)
    except KeyboardInterrupt:
        print("casecheck: interrupted; run the same command again to continue", file=sys.stderr)
        return 130
    except OSError as exc:  # the job store, the 统计表 or the summary could not be written
        raise OutputWriteError(f"{exc.filename or ''}: cannot be written ({exc.strerror or exc})") from None
    # BatchError and RulePackError are UsageErrors: the CLI prints them and exits 2.
    last = f"{result.files} files: {result.failed_total} could not be checked" + (
        f" (see {result.summary})" if result.failed_total else "")
    if args.quiet:
        if result.failed_total:
            print(f"casecheck: {last}", file=sys.stderr)
        return 0
    print(f"checked {result.checked}, failed {result.failed}, skipped {result.skipped} (already done), "
          f"{result.duplicates} duplicates; {result.pages} pages in {result.seconds:.1f} s "
          f"({result.pages_per_minute:.0f} pages/min)")
    print(f"statistics: {result.statistics}\nsummary: {result.summary}\n{last}")
    return 0
