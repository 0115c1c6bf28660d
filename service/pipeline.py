"""The one pipeline: a case-file PDF in, a typed case model and a report out.

The CLI, the HTTP service, the watched folder and the batch runner are thin adapters over
`check_pdf` (and `read_case` for callers that want the case model itself).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from checkers import RulePack, check_case, load_pack
from extractors.classify import PageClass, PageClassifier, TitleClassifier
from extractors.fields import case_fields, extract_fields
from extractors.ingest import (
    InputError,
    PageReader,
    ReadOptions,
    open_case_pdf,
    sha256_of,
)
from extractors.split import archive_number, page_types, split_documents
from extractors.zones import sign_zones
from models.case import CaseFile, Document, PageAnalysis, PageText
from models.doctypes import types_with
from models.errors import InternalError
from models.report import DocumentRecord, Report, Timing
from service.review import numbered
from service.worker_process import spawn_pool

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (pages done, pages in all)

# Documents that need the agency's seal (outgoing 文书) or a bank's stamp; and those that need
# signatures (records, forms, receipts). Elsewhere `signed`/`sealed` are not applicable (null).
SEALED_TYPES = frozenset(types_with("sealed"))
SIGNED_TYPES = frozenset(types_with("signed"))


@dataclass
class CheckOptions:
    read: ReadOptions = field(default_factory=ReadOptions)
    # Page-reading processes: 0 = one per core (at most 4); 1 = read in this process.
    workers: int = 0
    classifier: PageClassifier = field(default_factory=TitleClassifier)
    rules: RulePack | None = None  # None: the national pack


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def read_case(path: Path, options: CheckOptions | None = None,
              progress: ProgressCallback | None = None) -> CaseFile:
    """Read a case file into the typed case model. Raises `InputError` for unusable input."""
    options = options or CheckOptions()
    started = time.perf_counter()
    path = Path(path)
    doc = open_case_pdf(path)
    count = doc.page_count
    digest = sha256_of(path)
    try:
        workers = options.workers or default_workers()
        reader = PageReader(options.read)
        read: list[PageAnalysis | None] = [None] * count
        done = 0

        def record(index: int, page: PageAnalysis | None) -> None:
            nonlocal done
            read[index] = page
            done += page is not None
            if progress and page is not None:
                progress(done, count)

        # Worker processes pay off only for pages that need OCR (two or more of them): text-layer
        # and empty pages are read here as they come (ms each), with no pass over the file first.
        to_ocr: list[int] = []
        if workers > 1 and options.read.force_ocr:
            to_ocr = list(range(count))
        else:
            for index in range(count):
                record(index, _read_one(reader, doc, index, path, ocr=workers <= 1))
                if read[index] is None:
                    to_ocr.append(index)
        if len(to_ocr) > 1:
            for index, page in _read_parallel(path, to_ocr, options.read, min(workers, len(to_ocr))):
                record(index, page)
        else:
            for index in to_ocr:
                record(index, _read_one(reader, doc, index, path))
    finally:
        doc.close()
    pages = [p for p in read if p is not None]
    return assemble_case(path.name, digest, pages, options.classifier,
                         seconds=time.perf_counter() - started)


class PageReadError(InternalError, RuntimeError):
    """Reading a page failed inside casecheck (the page itself loaded): names file and page."""


def _read_one(reader: PageReader, doc, index: int, path: Path, ocr: bool = True) -> PageAnalysis | None:
    """The page read (None: it needs OCR and `ocr` is false)."""
    try:
        return reader.read(doc, index) if ocr else reader.read_without_ocr(doc, index)
    except InputError:
        raise
    except Exception as exc:
        # open_case_pdf already loaded every page, so this is a fault of ours, not bad input.
        raise PageReadError(f"{path.name}: page {index + 1} could not be read "
                            f"({type(exc).__name__}: {' '.join(str(exc).split())[:160]})") from exc


# -- page reading in worker processes ---------------------------------------------------------
_worker_reader: PageReader | None = None
_worker_docs: dict[str, object] = {}


def _load_page_reader(options: ReadOptions) -> None:
    global _worker_reader
    _worker_reader = PageReader(options)


def _worker_read(path_str: str, index: int) -> PageAnalysis:
    import pymupdf

    doc = _worker_docs.get(path_str)
    if doc is None:
        _worker_docs.clear()
        doc = pymupdf.open(path_str)
        _worker_docs[path_str] = doc
    assert _worker_reader is not None
    page = _read_one(_worker_reader, doc, index, Path(path_str))
    assert page is not None
    return page


def _read_parallel(path: Path, indices: list[int], options: ReadOptions,
                   workers: int) -> Iterator[tuple[int, PageAnalysis]]:
    """(index, page) for the pages `indices`, read in `workers` processes, as they finish."""
    with spawn_pool(workers, then=_load_page_reader, then_args=(options,)) as pool:
        futures = {pool.submit(_worker_read, str(path), i): i for i in indices}
        for future in as_completed(futures):
            yield futures[future], future.result()


# -- from pages to the case model ---------------------------------------------------------------
def assemble_case(name: str, digest: str, pages: list[PageAnalysis], classifier: PageClassifier,
                  seconds: float = 0.0) -> CaseFile:
    """Classify pages, split documents, read fields and marks into the case model."""
    classes: list[PageClass] = []
    for page in pages:
        found = archive_number(page.text)
        if found:
            page.archive_number, page.archive_number_bbox = found
        cls = classifier.classify(page.text)
        classes.append(cls)
        page.title, page.title_bbox = cls.title, cls.title_bbox
        page.type_confidence = cls.confidence
        page.sign_zones = sign_zones(page)
    documents = split_documents(pages, classes)
    for doc_type, page in zip(page_types(documents, len(pages)), pages, strict=True):
        page.type = doc_type  # type: ignore[assignment]
    for doc in documents:
        _fill_document(doc, pages)
    case = case_fields([(d.type, d.fields) for d in documents])
    ocr_pages = sum(1 for p in pages if p.ocr)
    return CaseFile(file=name, sha256=digest, pages=pages, documents=documents, case=case,
                    ocr_pages=ocr_pages, seconds=seconds)


def _fill_document(doc: Document, pages: list[PageAnalysis]) -> None:
    span = pages[doc.first - 1: doc.last]
    doc.fields = extract_fields(doc.type, [p.text for p in span])
    doc.seals = [(p.page, m) for p in span for m in p.seals]
    doc.signatures = [(p.page, m) for p in span for m in p.signatures]
    # Where a seal is not required, one that is there is still reported (a 听证通知书 is sealed).
    doc.sealed = bool(doc.seals) if doc.type in SEALED_TYPES else (True if doc.seals else None)
    doc.signed = bool(doc.signatures) if doc.type in SIGNED_TYPES else None


def build_report(case: CaseFile, rules: RulePack | None = None) -> Report:
    """The CONTRACT report of a case model, its findings from the rules of `rules`."""
    documents = []
    for doc in case.documents:
        f = doc.fields
        fields: dict[str, str | list[str] | None] = {k: v.value for k, v in f.values.items()}
        fields.update({k: [v.value for v in vs] for k, vs in f.lists.items()})
        documents.append(DocumentRecord(
            type=doc.type,
            title=doc.title,
            pages=doc.pages,
            number=f.number.value if f.number else None,
            date=f.date.value if f.date else None,
            signed=doc.signed,
            sealed=doc.sealed,
            fields=fields,
            unreadable=dict(f.unreadable),
        ))
    pack = rules or load_pack()
    checked = check_case(case, pack)
    return Report(
        file=case.file,
        sha256=case.sha256,
        pages=len(case.pages),
        page_types=[p.type for p in case.pages],
        documents=documents,
        case=case.case,
        # Ids at the report-building step: the checkers' order is deterministic, so are the ids.
        findings=numbered(checked.findings, "F"),
        review=numbered(checked.review, "R"),
        rule_errors=checked.rule_errors,
        rule_pack=pack.name,
        page_numbers=[p.archive_number for p in case.pages],
        timing=Timing(seconds=round(case.seconds, 3), ocr_pages=case.ocr_pages),
    )


def _read_case_quietly(path: str, read: ReadOptions) -> CaseFile | str:
    try:
        return read_case(Path(path), CheckOptions(read=read, workers=1))
    except (InputError, PageReadError) as exc:  # one bad file must not stop the others
        return str(exc)


def read_cases(paths: list[Path], workers: int = 0, read: ReadOptions | None = None,
               progress: ProgressCallback | None = None) -> list[CaseFile | str]:
    """Many case files, one process per file at a time; an unusable file gives its error line.

    File-level parallelism keeps every core busy with one single-threaded OCR engine each, which
    is faster over many files than splitting each file's pages across processes.
    """
    read = read or ReadOptions()
    workers = min(workers or default_workers(), max(len(paths), 1))
    results: list[CaseFile | str] = [""] * len(paths)
    if workers <= 1:
        for i, path in enumerate(paths):
            results[i] = _read_case_quietly(str(path), read)
            if progress:
                progress(i + 1, len(paths))
        return results
    with spawn_pool(workers) as pool:
        futures = {pool.submit(_read_case_quietly, str(p), read): i for i, p in enumerate(paths)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, len(paths))
    return results


def check_pdf(path: Path, options: CheckOptions | None = None,
              progress: ProgressCallback | None = None, pages: list[PageText] | None = None) -> Report:
    """The whole job for one case file: read, check, report. The pages as read are added to
    `pages` when given (the annotated PDF's text layer)."""
    started = time.perf_counter()
    options = options or CheckOptions()
    case = read_case(path, options, progress)
    if pages is not None:
        pages.extend(page.text for page in case.pages)
    report = build_report(case, options.rules)
    report.timing = Timing(seconds=round(time.perf_counter() - started, 3), ocr_pages=case.ocr_pages)
    return report
