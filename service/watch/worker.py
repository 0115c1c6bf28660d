"""What runs for one file, in a worker process (spawned) or in the watcher's own process.

The worker only checks the file and writes its outputs (`process_case`) and its page progress;
every other database write and every move is the watcher's, in one thread, so the ledger never
sees two writers and a worker that dies leaves nothing half-recorded.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkers import RulePack
from extractors.ingest import ReadOptions
from lexicon.safe_text import printable
from models.errors import one_line
from service.jobs import JobStore
from service.outputs import OUTPUT_KINDS
from service.outputs.sheet import SheetOptions
from service.pipeline import CheckOptions
from service.process import process_case

log = logging.getLogger(__name__)


def _end_stuck_worker(message: str) -> None:
    """A worker process stuck in native code past the time limit ends itself: the watcher sees
    its pool broken, retries the file alone and gives it up after MAX_ATTEMPTS."""
    log.error("%s; ending this worker process", message)
    os._exit(3)

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
    time_limit: float | None = None  # seconds (None: CASECHECK_TIME_LIMIT)
    in_process: bool = False  # run in the watcher's own process (a thread): never end the process


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
            progress=JobStore(Path(spec.db)).progress_reporter(spec.job_id, PROGRESS_EVERY), kinds=spec.kinds,
            seconds=spec.time_limit, on_stuck=None if spec.in_process else _end_stuck_worker)
    except Exception as exc:  # process_case does not raise for a file; this is a fault of ours
        log.exception("%s: check failed", printable(spec.name))
        return JobResult(spec.job_id, ok=False,
                         error=one_line(f"{spec.name}: internal error ({type(exc).__name__}: {exc})"),
                         failure="internal", seconds=round(time.perf_counter() - started, 3))
    if not outcome.ok or outcome.report is None:
        return JobResult(spec.job_id, ok=False, error=outcome.error, failure=outcome.failure,
                         seconds=outcome.seconds)
    return JobResult(spec.job_id, ok=True, outputs=outcome.outputs, summary=outcome.summary(),
                     sha256=outcome.report.sha256, seconds=outcome.seconds)
