"""The outputs rendered from a report: the filled 自查单, the annotated PDF, the 统计表.

The report JSON is the source of truth; every other output is rendered from it (and, for the
annotated PDF, from the original pages). `render_outputs` makes all of one case's outputs in
memory and `write_outputs` writes them whole or not at all, so an adapter (CLI, service, watched
folder, batch) never leaves half a set behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from checkers import RulePack, load_pack
from lexicon.safe_text import fit_name_bytes
from models.case import PageText
from models.report import Report
from models.review import Review
from service.outputs.sheet import SheetOptions, render_sheet

OUTPUT_KINDS = ("report", "sheet", "annotated")
STATISTICS_NAME = "案卷自查情况统计表.xlsx"


def output_paths(pdf_name: str, outdir: Path) -> dict[str, Path]:
    """Where one case file's outputs go (CONTRACT.md): NAME.report.json, NAME.自查单.docx, NAME.annotated.pdf."""
    # A name near the file system's 255 bytes is cut so that the longest output name still fits.
    stem = fit_name_bytes(Path(pdf_name).stem, 255 - len(".自查单.docx".encode()))
    return {
        "report": outdir / f"{stem}.report.json",
        "sheet": outdir / f"{stem}.自查单.docx",
        "annotated": outdir / f"{stem}.annotated.pdf",
    }


def render_outputs(report: Report, pdf: Path, sheet: SheetOptions | None = None,
                   pack: RulePack | None = None, kinds: tuple[str, ...] = OUTPUT_KINDS,
                   review: Review | None = None, page_texts: list[PageText] | None = None) -> dict[str, bytes]:
    """The outputs of one case file named in `kinds`, in memory: kind -> bytes. The sheet and
    the annotated PDF render from the report plus its review (None: no person yet, 机器初查).
    `page_texts`, the pages as read (when the file was just read, not for a report alone), give
    the annotated PDF of a scan its searchable text layer."""
    from service.outputs.annotate import render_annotated
    from service.outputs.sheet import checked_categories
    from service.review import apply_review

    reviewed = apply_review(report, review, checked_categories(pack or load_pack()))
    makers = {
        "report": lambda: report.to_json().encode("utf-8"),
        "sheet": lambda: render_sheet(report, sheet, pack, reviewed=reviewed),
        "annotated": lambda: render_annotated(report, pdf, reviewed=reviewed, page_texts=page_texts),
    }
    return {kind: makers[kind]() for kind in kinds}


def _umask() -> int:
    """The process's umask: from /proc on Linux (os.umask can only read it by setting it, which
    races with other threads creating files), else set and straight back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name is cut, not the output's: ".NAME.xxxxxxxx.part" must fit in 255 bytes too.
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_name_bytes(path.name, 200)}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            # mkstemp's file is 0600 and would stay so after the rename: colleagues on a shared
            # folder could not open the output. It takes the umask's mode only once complete.
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(outputs: dict[str, bytes], paths: dict[str, Path]) -> list[Path]:
    """Write rendered outputs, each atomically; the report last, so a report on disk means a
    complete set (a crash in between leaves older outputs or none, never a report without them)."""
    order = [k for k in outputs if k != "report"] + (["report"] if "report" in outputs else [])
    written = []
    for kind in order:
        write_atomic(paths[kind], outputs[kind])
        written.append(paths[kind])
    return written
