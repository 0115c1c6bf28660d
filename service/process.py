"""One case file from PDF to outputs on disk: what every adapter runs for each file.

`process_case` is the only orchestrator the adapters call (the CLI's `check`, the HTTP service's
workers, the watched folder, the batch runner): read and check the PDF (`service.pipeline`),
render the outputs in memory (`service.outputs`), write them atomically. It never raises for a
bad file: the outcome says what failed and why in one line, so one file cannot stop the others,
and the result pickles (it crosses process and Dask boundaries).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from extractors.ingest import InputError
from models.report import Report
from service.outputs import OUTPUT_KINDS, output_paths, render_outputs, write_outputs
from service.outputs.sheet import SheetOptions
from service.pipeline import CheckOptions, PageReadError, ProgressCallback, check_pdf
from service.review import load_review, review_path

log = logging.getLogger(__name__)

# input: the file is unusable (not a PDF, encrypted, corrupt...): recorded, never retried.
# internal: a fault of ours reading or rendering it; write: the outputs could not be written.
FailureKind = Literal["input", "internal", "write"]


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
                 kinds: tuple[str, ...] = OUTPUT_KINDS) -> CaseOutcome:
    """Check `pdf` and write its outputs into `outdir`.

    `name` is the file as its owner knows it (the report's `file`; default the PDF's own name);
    the outputs are named after `output_name` (default `name`): the HTTP service stores every
    case under a fixed name so that an uploaded filename never becomes a path.

    The outputs are all rendered before the first is written and the report is written last, so
    a report on disk means a complete set; on any failure nothing new is left in `outdir`.
    """
    started = time.perf_counter()
    pdf = Path(pdf)
    name = name or pdf.name
    options = options or CheckOptions()

    def failed(kind: FailureKind, message: str) -> CaseOutcome:
        return CaseOutcome(file=name, source=str(pdf), ok=False, error=message, failure=kind,
                           seconds=round(time.perf_counter() - started, 3))

    try:
        report = check_pdf(pdf, options, progress=progress)
    except InputError as exc:
        return failed("input", _named(str(exc), pdf, name))
    except PageReadError as exc:
        return failed("internal", _named(str(exc), pdf, name))
    except Exception as exc:  # a fault of ours: one line here, the trace in the log
        log.info("check of %s failed", pdf, exc_info=True)
        return failed("internal", f"{name}: internal error ({type(exc).__name__}: {_one_line(exc)})")
    if name != pdf.name:
        report.file = name  # the report names the file as its owner knows it, not a stored copy
    paths = output_paths(output_name or name, Path(outdir))
    try:
        # A person's review already beside the report (same bytes) still holds for the new outputs.
        review = load_review(review_path(paths["report"]), report)
        outputs = render_outputs(report, pdf, sheet, options.rules, kinds=kinds, review=review)
    except Exception as exc:
        log.info("outputs of %s failed", pdf, exc_info=True)
        return failed("internal", f"{name}: outputs could not be made ({type(exc).__name__}: {_one_line(exc)})")
    try:
        write_outputs(outputs, paths)
    except OSError as exc:
        return failed("write", f"{name}: outputs could not be written ({exc.strerror or exc}: {exc.filename or ''})")
    return CaseOutcome(file=name, source=str(pdf), ok=True, report=report,
                       outputs={kind: str(paths[kind]) for kind in outputs},
                       seconds=round(time.perf_counter() - started, 3))


def _named(message: str, pdf: Path, name: str) -> str:
    """Errors from the readers name the path they read; the user knows the file by `name`."""
    message = message.replace(str(pdf), name).replace(pdf.name, name)
    return message if message.startswith(name) else f"{name}: {message}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]

