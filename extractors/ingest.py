"""PDF ingest: open a case file safely, then read each page from its text layer or by OCR.

A page with a real text layer is read, not OCR'd (fast and exact); an image page is rendered and
handed to the configured OCR engine. Unusable input raises `InputError` with a one-line reason
before anything is written.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pymupdf

from extractors.ocr.base import OcrEngine, upright
from extractors.raster import raster_dpi, render
from lexicon.dates import blank_date, cut_year_date, parse_date
from lexicon.safe_text import xml_safe
from models.case import Mark, PageAnalysis, PageText, TextLine
from models.errors import CasecheckError, InputError, NotPdfError, TooLargeError, one_line

if TYPE_CHECKING:  # the module itself loads OpenCV: only when a page is read
    from extractors.marks import ImageVerdicts

log = logging.getLogger(__name__)

# A text layer counts as "real" when it carries this many CJK characters or letters/digits:
# a scan with a stray page-number text object is still an image page.
MIN_TEXT_LAYER_CHARS = 12
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


__all__ = ["InputError", "PageReader", "ReadOptions", "is_input_fault", "open_case_pdf", "page_limit",
           "sha256_of"]

DEFAULT_MAX_PAGES = 800  # CASECHECK_MAX_PAGES: a case file longer than this is refused before reading
MIN_DPI, MAX_DPI = 50, 600  # what --dpi accepts


@dataclass(frozen=True)
class ReadOptions:
    """How pages are read. `engine` names an OCR engine (see `extractors.ocr.get_engine`)."""

    engine: str | None = None
    dpi: int = 150  # raster resolution for OCR and ink analysis: enough for 10.5pt CJK text
    force_ocr: bool = False  # OCR even pages that have a text layer


def page_limit() -> int:
    """The most pages a case file may have (CASECHECK_MAX_PAGES, default 800)."""
    raw = os.environ.get("CASECHECK_MAX_PAGES", "").strip()
    try:
        return max(1, int(raw)) if raw else DEFAULT_MAX_PAGES
    except ValueError:
        return DEFAULT_MAX_PAGES


def open_regular(path: Path):
    """Open `path` for reading only if it is a regular file (through a symlink is fine): a FIFO, a
    device or a socket named *.pdf is refused without blocking (O_NONBLOCK, then fstat)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.ENODEV):  # a FIFO with no writer, a device
            raise NotPdfError(f"{path.name}: 不是普通文件（not a regular file）") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotPdfError(f"{path.name}: 不是普通文件，而是管道、设备或套接字（not a regular file）")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: Path) -> str:
    """The file's SHA-256; `NotPdfError` (never a hang) for a FIFO, a device or a socket."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def declared_page_count(doc: pymupdf.Document) -> int | None:
    """The /Count of the page tree's root, read without loading any page (None if unreadable)."""
    try:
        kind, ref = doc.xref_get_key(doc.pdf_catalog(), "Pages")
        if kind != "xref":
            return None
        kind, value = doc.xref_get_key(int(ref.split()[0]), "Count")
        return int(float(value)) if kind == "int" or kind == "float" else None
    except Exception:  # a damaged catalogue: page_count below says so
        return None


def open_case_pdf(path: Path, max_pages: int | None = None) -> pymupdf.Document:
    """Open `path` as a PDF or raise `InputError` saying, in one line, why it cannot be used.

    The page budget (`max_pages`, default `page_limit()`) is read from the page tree before any
    page is loaded: a file claiming two billion pages is refused at once.
    """
    name = path.name
    max_pages = max_pages or page_limit()
    if not os.path.lexists(path):
        raise InputError(f"{name}: 文件不存在（no such file）")
    try:
        with open_regular(path) as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(f"{name}: 文件无法读取（cannot be read: {exc.strerror or exc}）") from None
    if not head:
        raise NotPdfError(f"{name}: 文件为空（the file is empty）")
    if b"%PDF-" not in head:
        raise NotPdfError(f"{name}: 不是 PDF 文件（not a PDF file）")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for damaged files
        raise InputError(f"{name}: PDF 文件已损坏，无法打开（damaged PDF that cannot be opened: {one_line(exc, 160)}）") from exc
    try:
        _check_document(doc, path, name, max_pages)
    except BaseException:
        doc.close()
        raise
    return doc


def _check_document(doc: pymupdf.Document, path: Path, name: str, max_pages: int) -> None:
    if doc.needs_pass or doc.is_encrypted:
        raise InputError(f"{name}: PDF 文件已加密（设有密码），请先解密（the PDF is encrypted, password protected）")
    if getattr(doc, "is_repaired", False) and not _has_eof_marker(path):
        # PyMuPDF can rebuild a cut-off file, but pages after the cut are silently gone.
        raise InputError(f"{name}: PDF 文件不完整（已截断），请从原处重新复制（the PDF is truncated）")
    declared = declared_page_count(doc)
    if declared is not None and declared > max_pages:
        raise TooLargeError(f"{name}: 共 {declared} 页，超过单个案卷 {max_pages} 页的上限（{declared} pages, more than the {max_pages} a case file may have）")
    try:
        count = doc.page_count
    except Exception as exc:  # e.g. a /Count MuPDF cannot believe
        raise InputError(f"{name}: PDF 文件已损坏，无法统计页数（damaged PDF whose pages cannot be counted: {one_line(exc, 160)}）") from exc
    if count == 0:
        raise InputError(f"{name}: PDF 文件没有页面（the PDF has no pages）")
    if count > max_pages:
        raise TooLargeError(f"{name}: 共 {count} 页，超过单个案卷 {max_pages} 页的上限（{count} pages, more than the {max_pages} a case file may have）")
    # A truncated file often opens after PyMuPDF's repair yet its pages cannot be loaded: find
    # out now, before any output is written, and name the page.
    for index in range(count):
        try:
            page = doc.load_page(index)
            _ = page.rect
        except Exception as exc:
            raise InputError(f"{name}: 第 {index + 1} 页已损坏（page {index + 1} is damaged: {one_line(exc, 160)}）") from exc


def _has_eof_marker(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 4096))
        return b"%%EOF" in fh.read()


# MuPDF errors that come from the file (a limit it hit, bad syntax, an unsupported feature), not
# from us or the machine: a page that raises them makes the file unusable (exit 2), not an internal error.
_INPUT_FAULTS = (*(getattr(pymupdf.mupdf, n) for n in ("FzErrorLimit", "FzErrorFormat", "FzErrorSyntax",
                                                     "FzErrorUnsupported", "FzErrorRepaired")
                    if hasattr(pymupdf.mupdf, n)), pymupdf.FileDataError)


# PyMuPDF's own functions re-raise MuPDF's errors as RuntimeError("code=N: ..."), N being MuPDF's
# error code: 5 limit, 6 unsupported, 7 format, 8 syntax, 11 repaired.
_INPUT_FAULT_CODE = re.compile(r"^code=(5|6|7|8|11):")


def is_input_fault(exc: BaseException) -> bool:
    """Whether MuPDF raised `exc` because of the file (a limit, bad syntax, unsupported content)."""
    return isinstance(exc, _INPUT_FAULTS) or (isinstance(exc, RuntimeError) and not isinstance(exc, CasecheckError)
                                              and _INPUT_FAULT_CODE.match(str(exc)) is not None)


def text_page(page: pymupdf.Page) -> pymupdf.TextPage:
    """The page's text, extracted once for `has_text_layer` and `text_layer_lines` (each
    extraction interprets the whole page again)."""
    return page.get_textpage(flags=pymupdf.TEXTFLAGS_TEXT)


def text_layer_lines(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> list[TextLine]:
    """Lines of a page's text layer, in points of the page as displayed, in reading order."""
    lines: list[TextLine] = []
    matrix = page.rotation_matrix  # text coordinates are unrotated; show them as displayed
    upright = tuple(matrix) == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    data = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT, textpage=textpage or text_page(page))
    for block in data.get("blocks", []):
        for line in block.get("lines", []):
            # A broken ToUnicode map yields control characters no output format may hold.
            text = xml_safe("".join(span["text"] for span in line["spans"])).strip()
            if not text:
                continue
            bbox = line["bbox"]
            if upright and array("f", bbox).tolist() == list(bbox):
                # What MuPDF's identity transform returns, without its Python Rect round trip:
                # x * 1 + y * 0 + 0 in float is x for a float-exact x, except -0.0 becomes 0.0.
                x0, y0, x1, y1 = (v + 0.0 for v in bbox)
            else:
                x0, y0, x1, y1 = pymupdf.Rect(bbox) * matrix
            lines.append(TextLine(text=text, bbox=(x0, y0, x1, y1)))
    return _merge_same_row(lines)


def _merge_same_row(lines: list[TextLine]) -> list[TextLine]:
    """Reading order: rows top to bottom, left to right within a row."""

    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.center[1], ln.x0)):
        if rows:
            last = rows[-1][-1]
            overlap = min(last.y1, line.y1) - max(last.y0, line.y0)
            if overlap > 0.5 * min(last.height, line.height):
                rows[-1].append(line)
                continue
        rows.append([line])
    ordered: list[TextLine] = []
    for row in rows:
        ordered.extend(sorted(row, key=lambda ln: ln.x0))
    return ordered


def has_text_layer(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> bool:
    text = page.get_text("text", textpage=textpage or text_page(page))
    return len(_CJK_OR_WORD.findall(text)) >= MIN_TEXT_LAYER_CHARS


def nothing_drawn(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> bool:
    return (not page.get_images() and not page.get_drawings()
            and not page.get_text("text", textpage=textpage or text_page(page)).strip())


class PageReader:
    """Reads one page into a `PageAnalysis` (text, blank, seals, signatures); no classification.

    One reader per process: it holds the OCR engine, whose models load slowly.
    """

    def __init__(self, options: ReadOptions | None = None, engine: OcrEngine | None = None) -> None:
        self.options = options or ReadOptions()
        self._engine: OcrEngine | None = engine  # None: `options.engine`, loaded when first needed
        # Embedded images judged on born-digital pages, by xref, for the document being read
        # (a seal or signature image placed on many pages is decoded once).
        self._images: ImageVerdicts = {}
        self._images_of: pymupdf.Document | None = None

    @property
    def engine(self) -> OcrEngine:
        """The OCR engine, loaded on the first image page only (text-layer files never load it)."""
        if self._engine is None:
            from extractors.ocr import get_engine

            self._engine = get_engine(self.options.engine)
        return self._engine

    def read(self, doc: pymupdf.Document, index: int) -> PageAnalysis:
        page = self._guarded_read(doc, index, ocr=True)
        assert page is not None
        return page

    def read_without_ocr(self, doc: pymupdf.Document, index: int) -> PageAnalysis | None:
        """The page read from its text layer (or found empty); None if it needs OCR (the caller
        has it read elsewhere: by a page worker)."""
        return self._guarded_read(doc, index, ocr=False)

    def _guarded_read(self, doc: pymupdf.Document, index: int, ocr: bool) -> PageAnalysis | None:
        try:
            return self._read(doc, index, ocr)
        except Exception as exc:
            if not is_input_fault(exc):
                raise
            # The page itself: MuPDF refused to draw or parse it.
            name = Path(doc.name or "").name or "the file"
            raise InputError(f"{name}: 第 {index + 1} 页无法读取（page {index + 1} cannot be read: {one_line(exc, 160)}）") from exc

    def _read(self, doc: pymupdf.Document, index: int, ocr: bool = True) -> PageAnalysis | None:
        from extractors import marks  # heavy imports only when pages are read

        page = doc.load_page(index)
        width, height = page.rect.width, page.rect.height
        textpage = None if self.options.force_ocr else text_page(page)
        if textpage is not None and has_text_layer(page, textpage):
            lines = text_layer_lines(page, textpage)
            text = PageText(page=index + 1, width=width, height=height, source="text_layer", lines=lines)
            if self._images_of is not doc:
                self._images, self._images_of = {}, doc
            found = marks.find_marks_in_pdf_page(page, lines, self._images)
            return _analysis(text, found)

        if nothing_drawn(page, textpage):
            # An empty page needs no rendering or OCR (a scan of a blank back still has an image).
            text = PageText(page=index + 1, width=width, height=height, source="empty")
            return _analysis(text, [])
        if not ocr:
            return None
        dpi = raster_dpi(width, height, self.options.dpi)  # within the raster budget
        image = render(page, dpi)
        if min(image.shape[:2]) < 8:  # a sliver of a page: nothing to read on it
            return _analysis(PageText(page=index + 1, width=width, height=height, source="empty"), [])
        reading = self.engine.read(image)
        ppp = 72.0 / dpi  # points per pixel
        rotation = reading.rotation % 360
        if rotation in (90, 270):
            width, height = height, width
        lines = [
            TextLine(text=ln.text, bbox=tuple(v * ppp for v in ln.bbox), confidence=ln.confidence)  # type: ignore[arg-type]
            for ln in reading.lines
        ]
        text = PageText(page=index + 1, width=width, height=height, rotation=rotation,
                        source="ocr" if lines else "empty", lines=lines)
        image_up = upright(image, rotation) if rotation else image
        grey = marks.is_grayscale(image_up)
        seals = marks.find_seals(image_up, ppp, grey=grey)
        if seals:
            lines = self._reread_under_seals(image_up, seals, lines, ppp, grey=grey)
            text = text.model_copy(update={"lines": lines, "source": "ocr"})
        found = seals + marks.find_signatures(image_up, lines, ppp, grey=grey)
        analysis = _analysis(text, found)
        analysis.ocr = True
        analysis.grayscale = grey
        return analysis

    def _reread_under_seals(self, image: np.ndarray, seals: list[Mark], lines: list[TextLine],
                            ppp: float, grey: bool) -> list[TextLine]:
        """Read again what a seal covers, with the seal taken out.

        The seal is pressed over the signing date. In the red channel red ink is as light as the
        paper while black print stays dark; on a grey scan the seal is mid-grey, lighter than
        print, so keeping only the darkest pixels leaves the date.
        """
        h, w = image.shape[:2]
        for seal in seals:
            x0, y0, x1, y1 = (v / ppp for v in seal.bbox)
            # A date in Chinese numerals runs wider than the seal: take in its ends.
            mx, my = (x1 - x0) * 0.6, (y1 - y0) * 0.1
            cx0, cy0 = max(int(x0 - mx), 0), max(int(y0 - my), 0)
            cx1, cy1 = min(int(x1 + mx), w), min(int(y1 + my), h)
            if cx1 - cx0 < 16 or cy1 - cy0 < 16:
                continue
            region = (cx0 * ppp, cy0 * ppp, cx1 * ppp, cy1 * ppp)
            crop = image[cy0:cy1, cx0:cx1]
            if grey:
                # Thresholding also thins good print: use it only for a date not read whole before
                # (三月二 without its 日 may be 三月二十日 with the rest under the seal).
                if any(_inside(ln.center, region) and parse_date(ln.text) and _WHOLE_DATE.search(ln.text)
                       for ln in lines):
                    continue
                found = self._grey_date(crop)
            else:
                found = self._read_plane(crop[:, :, 0])
            if not found:
                continue
            found = [
                TextLine(text=ln.text, confidence=ln.confidence,
                         bbox=((ln.bbox[0] + cx0) * ppp, (ln.bbox[1] + cy0) * ppp,
                               (ln.bbox[2] + cx0) * ppp, (ln.bbox[3] + cy0) * ppp))
                for ln in found
            ]
            # Lines read the first time inside the re-read region are replaced where a new line
            # covers them; lines outside it are untouched.
            kept = [ln for ln in lines if not (_inside(ln.center, region) and any(_overlap_y(ln, f) for f in found))]
            lines = _merge_same_row(kept + found)
        return lines

    def _read_plane(self, plane: np.ndarray) -> list[TextLine]:
        """Lines (crop pixels) of one grey plane; none when the crop reads as turned."""
        reading = self.engine.read(np.ascontiguousarray(np.dstack([plane, plane, plane])))
        return [] if reading.rotation else reading.lines

    def _grey_date(self, crop: np.ndarray) -> list[TextLine]:
        """The date lines of a grey crop with only its darkest ink kept.

        How much darker print is than the grey seal varies with the scan, so a few cut-offs are
        tried, from the strictest, until one reads as a date. Failing that, a Chinese date whose
        year lost characters (二一年三月二十九日) is kept for the field reader to complete, or else a
        printed date left blank (年 月 日), which shows there is no date rather than an unread one.
        """
        lum = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(np.float32)
        darkest = float(np.percentile(lum, 1))
        partial: list[TextLine] = []
        blank: list[TextLine] = []
        for margin in (15, 25, 35, 50, 65, 80):
            plane = np.where(lum < darkest + margin, lum, 255).astype(np.uint8)
            lines = self._read_plane(plane)
            dated = [ln for ln in lines if parse_date(ln.text)]
            if dated:
                return dated
            partial = partial or [ln for ln in lines if cut_year_date(ln.text)]
            # Only a whole blank (年 and 月 both there) is kept: a lone 日 may be a date's remnant.
            blank = blank or [ln for ln in lines if blank_date(ln.text) and "年" in ln.text and "月" in ln.text]
        return partial or blank


_WHOLE_DATE = re.compile(r"[日曰]|[0-9][./\-][0-9]{1,2}[./\-][0-9]")


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _overlap_y(a: TextLine, b: TextLine) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.4 * min(a.height, b.height)


def _analysis(text: PageText, found: list[Mark]) -> PageAnalysis:
    seals = [m for m in found if m.kind == "seal"]
    signatures = [m for m in found if m.kind == "signature"]
    blank = not text.lines and not seals and not signatures
    return PageAnalysis(text=text, blank=blank, seals=seals, signatures=signatures)
