"""What runs for one file, in a worker process (spawned) or in the watcher's own process.

The worker only checks the file and writes its outputs (`process_case`) and its page progress;
every other database write and every move is the watcher's, in one thread, so the ledger never
sees two writers and a worker that dies leaves nothing half-recorded.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkers import RulePack
from extractors.ingest import ReadOptions
from service.jobs import JobStore, outcome_summary
from service.outputs import OUTPUT_KINDS
from service.outputs.sheet import SheetOptions
from service.pipeline import CheckOptions, _init_file_worker
from service.process import process_case
from service.worker_process import die_with_parent

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1.0  # seconds between page-progress writes to the database


@dataclass(frozen=True)
class JobSpec:
    """One file to check: picklable, so it crosses into a worker process."""

    job_id: str
    source: str  # the original, in the inbox
    outdir: str
    name: str  # the file as the archivist named it (the report's `file`)
    output_name: str  # the outputs' name (differs from `name` only to avoid another file's outputs)
    db: str
    read: ReadOptions = field(default_factory=ReadOptions)
    rules: RulePack | None = None
    sheet: SheetOptions | None = None
    kinds: tuple[str, ...] = OUTPUT_KINDS


@dataclass(frozen=True)
class JobResult:
    """What came of one file: small, so the report itself stays on disk."""

    job_id: str
    ok: bool
    error: str | None = None
    failure: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None  # of the bytes that were read: the file may have changed since hashing
    seconds: float = 0.0


def run_job(spec: JobSpec) -> JobResult:
    """Check one file and write its outputs; never raises for a bad file."""
    started = time.perf_counter()
    try:
        outcome = process_case(
            Path(spec.source), Path(spec.outdir),
            options=CheckOptions(read=spec.read, workers=1, rules=spec.rules),
            sheet=spec.sheet, name=spec.name, output_name=spec.output_name,
            progress=_progress_writer(spec), kinds=spec.kinds)
    except Exception as exc:  # process_case does not raise for a file; this is a fault of ours
        log.exception("%s: check failed", spec.name)
        return JobResult(spec.job_id, ok=False, error=f"{spec.name}: internal error ({type(exc).__name__}: {exc})",
                         failure="internal", seconds=round(time.perf_counter() - started, 3))
    if not outcome.ok or outcome.report is None:
        return JobResult(spec.job_id, ok=False, error=outcome.error, failure=outcome.failure,
                         seconds=outcome.seconds)
    report = outcome.report
    return JobResult(spec.job_id, ok=True, outputs=outcome.outputs,
                     summary=outcome_summary(report.pages, report.findings, len(report.review)),
                     sha256=report.sha256, seconds=outcome.seconds)


def _progress_writer(spec: JobSpec) -> Callable[[int, int], None]:
    """Page progress into the job's row (for --status), at most once a second and on the last page."""
    store: JobStore | None = None
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal store, last
        now = time.monotonic()
        if done < total and now - last < PROGRESS_EVERY:
            return
        last = now
        try:
            store = store or JobStore(Path(spec.db))
            store.progress(spec.job_id, done, total)
        except Exception:  # progress is for display; a busy database must not fail the file
            log.debug("progress of %s not recorded", spec.name, exc_info=True)

    return progress


def init_worker_process(threads: int, watcher_pid: int) -> None:
    """A spawned worker: one OCR thread, signals left to the watcher, dies with the watcher."""
    _init_file_worker(threads)
    # Ctrl-C reaches the whole process group: the watcher decides whether the file in hand is
    # finished (first signal) or abandoned (second), so the workers ignore both.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent(watcher_pid)
