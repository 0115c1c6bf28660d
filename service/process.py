"""One case file from PDF to outputs on disk: what every adapter runs for each file.

`process_case` is the only orchestrator the adapters call (the CLI's `check`, the HTTP service's
workers, the watched folder, the batch runner): read and check the PDF (`service.pipeline`),
render the outputs in memory (`service.outputs`), write them atomically. It never raises for a
bad file: the outcome says what failed and why in one line, so one file cannot stop the others,
and the result pickles (it crosses process and Dask boundaries). Failures are classified by the
error's class (`models.errors`), never by its words.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from lexicon.safe_text import clean_json, safe_file_name
from models.case import PageText
from models.errors import CasecheckError, FailureKind, InputError, OutputWriteError, one_line
from models.report import Report
from service.outputs import OUTPUT_KINDS, output_paths, render_outputs, write_outputs
from service.outputs.sheet import SheetOptions
from service.pipeline import CheckOptions, ProgressCallback, check_pdf
from service.worker_process import TIME_LIMIT_ERRORS, TIME_LIMIT_MESSAGE, default_time_limit, time_limit

log = logging.getLogger(__name__)

__all__ = ["CaseOutcome", "FailureKind", "process_case", "xml_safe_report"]


class CaseOutcome(BaseModel):
    """What became of one case file."""

    file: str  # the PDF's name (display only; never used to build a path)
    source: str  # where it was read from
    ok: bool
    error: str | None = None  # one line, naming the file (and the page where known)
    failure: FailureKind | None = None
    outputs: dict[str, str] = {}  # kind -> path written
    report: Report | None = None
    seconds: float = 0.0

    def summary(self) -> dict[str, float | int]:
        """Counts kept beside a finished job, for lists that should not load every report."""
        if self.report is None:
            return {"seconds": self.seconds}
        legality = sum(1 for f in self.report.findings if f.kind == "合法性")
        return {"pages": self.report.pages, "findings": len(self.report.findings), "legality": legality,
                "standard": len(self.report.findings) - legality, "review": len(self.report.review),
                "seconds": self.seconds}


def process_case(pdf: Path, outdir: Path, *, options: CheckOptions | None = None,
                 sheet: SheetOptions | None = None, name: str | None = None,
                 output_name: str | None = None, progress: ProgressCallback | None = None,
                 kinds: tuple[str, ...] = OUTPUT_KINDS, seconds: float | None = None,
                 on_stuck: Callable[[str], None] | None = None) -> CaseOutcome:
    """Check `pdf` and write its outputs into `outdir`.

    `name` is the file as its owner knows it (the report's `file`; default the PDF's own name);
    the outputs are named after `output_name` (default `name`): the HTTP service stores every
    case under a fixed name so that an uploaded filename never becomes a path.

    `seconds` is the per-file time limit (default CASECHECK_TIME_LIMIT, 1800 s; 0: none): past it
    the file fails with the reason and nothing is written (`on_stuck`: see `time_limit`).

    The outputs are all rendered before the first is written and the report is written last, so
    a report on disk means a complete set; on any failure nothing new is left in `outdir`.
    """
    started = time.perf_counter()
    pdf = Path(pdf)
    name = name or pdf.name
    limit = default_time_limit() if seconds is None else seconds

    def failed(kind: FailureKind, message: str) -> CaseOutcome:
        return CaseOutcome(file=name, source=str(pdf), ok=False, error=one_line(message), failure=kind,
                           seconds=round(time.perf_counter() - started, 3))

    try:
        with time_limit(limit, on_stuck=on_stuck):
            made = _check_and_render(pdf, options or CheckOptions(), sheet, name, progress, kinds, failed)
    except TIME_LIMIT_ERRORS:
        log.warning("%s: over the time limit of %g s", pdf, limit)
        return failed("input", f"{name}: " + TIME_LIMIT_MESSAGE.format(seconds=limit))
    if isinstance(made, CaseOutcome):
        return made
    # Written outside the time limit: a deadline must not fall between two outputs of one set.
    report, outputs = made
    paths = output_paths(safe_file_name(output_name or name), Path(outdir))
    try:
        write_outputs(outputs, paths)
    except OSError as exc:
        error = OutputWriteError(f"{name}: outputs could not be written ({exc.strerror or exc}: {exc.filename or ''})")
        return failed(error.failure, error.message)
    return CaseOutcome(file=name, source=str(pdf), ok=True, report=report,
                       outputs={kind: str(paths[kind]) for kind in outputs},
                       seconds=round(time.perf_counter() - started, 3))


def _check_and_render(pdf: Path, options: CheckOptions, sheet: SheetOptions | None, name: str,
                      progress: ProgressCallback | None, kinds: tuple[str, ...],
                      failed: Callable[[FailureKind, str], CaseOutcome]) -> CaseOutcome | tuple[Report, dict[str, bytes]]:
    """The report and its outputs in memory, or the failed outcome."""
    from extractors.ingest import is_input_fault

    try:
        read_pages: list[PageText] = []  # the annotated PDF's text layer over scanned pages
        report = check_pdf(pdf, options, progress=progress, pages=read_pages)
    except CasecheckError as exc:
        if not isinstance(exc, InputError):
            log.info("check of %s failed", pdf, exc_info=True)
        return failed(exc.failure, _named(exc.message, pdf, name))
    except Exception as exc:  # a fault of ours: one line here, the trace in the log
        if is_input_fault(exc):  # MuPDF refused the file somewhere outside the page reader
            return failed("input", f"{name}: damaged PDF ({type(exc).__name__}: {one_line(exc, 160)})")
        log.info("check of %s failed", pdf, exc_info=True)
        return failed("internal", f"{name}: internal error ({type(exc).__name__}: {one_line(exc, 200)})")
    if name != pdf.name:
        report.file = name  # the report names the file as its owner knows it, not a stored copy
    report = xml_safe_report(report)
    try:
        outputs = render_outputs(report, pdf, sheet, options.rules, kinds=kinds, page_texts=read_pages)
    except Exception as exc:
        log.info("outputs of %s failed", pdf, exc_info=True)
        return failed("internal", f"{name}: outputs could not be made ({type(exc).__name__}: {one_line(exc, 200)})")
    return report, outputs


def xml_safe_report(report: Report) -> Report:
    """The report without characters XML forbids (a broken text layer, a file name with ESC):
    every output is XML or holds XML, and the report is what they are rendered from."""
    dump = report.model_dump(mode="json", by_alias=True)
    cleaned = clean_json(dump)
    return report if cleaned == dump else Report.model_validate(cleaned)


def _named(message: str, pdf: Path, name: str) -> str:
    """Errors from the readers name the path they read; the user knows the file by `name`."""
    message = message.replace(str(pdf), name).replace(pdf.name, name)
    shown = one_line(name)  # as it reads in a one-line message
    return message if message.startswith((name, shown)) else f"{name}: {message}"
