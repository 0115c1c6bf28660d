"""Hostile files, names and requests (issue 17), each kept fixed by a test.

Every case file here is a tiny born-digital PDF made on the spot (a text layer, no OCR), so the
whole module runs in about a minute. The fuzz suite (tests/test_fuzz.py) mutates the same kind.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import ClassVar

import pymupdf
import pytest

from lexicon.safe_text import clean_json, fit_name_bytes, printable, safe_file_name, xml_safe
from models.errors import (
    CasecheckError,
    InputError,
    InternalError,
    NotPdfError,
    OutputWriteError,
    TimeLimitError,
    TooLargeError,
    UsageError,
    exit_code_of,
    http_status_of,
    one_line,
)
from tests.raw_pdf import raw_pdf

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = "\x00\x01\x08\x0b\x0c\x0e\x1b\x1f\ufffe\uffff"


# -- tiny case files ----------------------------------------------------------------------------
def tiny_pdf(lines: list[str] | None = None, *, size: tuple[float, float] = (595, 842), pages: int = 1) -> bytes:
    """A born-digital PDF whose pages carry a real text layer (read, never OCR'd)."""
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=size[0], height=size[1])
        y = 72.0
        for line in lines or ["行政处罚决定书", "当事人：某某化工有限公司", "高环罚〔2024〕12号 2024年6月11日"]:
            page.insert_text((min(72, size[0] / 4), y), line, fontname="china-s", fontsize=11)
            y += 20
    return doc.tobytes()


def latin_text_pdf(text: str) -> bytes:
    """A page whose text layer returns `text` as is (Helvetica maps bytes to themselves), as a
    broken ToUnicode map does: control characters come out of get_text()."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "行政处罚决定书 当事人 某某化工有限公司", fontname="china-s")
    page.insert_text((72, 100), text, fontname="helv")
    return doc.tobytes()


def pdf_claiming_pages(count: int) -> bytes:
    """One real page under a page tree whose /Count says `count`."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, cwd=ROOT,
                          env={**os.environ, **(env or {})})


# -- one error hierarchy --------------------------------------------------------------------------
def test_errors_know_their_exit_code_http_status_and_failure_kind() -> None:
    assert [exit_code_of(e("x")) for e in (InputError, NotPdfError, TooLargeError, TimeLimitError, UsageError)] \
        == [2, 2, 2, 2, 2]
    assert [exit_code_of(e("x")) for e in (InternalError, OutputWriteError, CasecheckError)] == [1, 1, 1]
    assert exit_code_of(ValueError("x")) == 1 and http_status_of(KeyError("x")) == 500
    assert [http_status_of(e("x")) for e in (NotPdfError, InputError, TooLargeError)] == [415, 422, 413]
    assert [e.failure for e in (InputError, InternalError, OutputWriteError)] == ["input", "internal", "write"]
    # The rule pack's and the reader's errors are in the same tree: mapped by class, not by words.
    from checkers import RulePackError
    from extractors.ingest import InputError as ReaderInputError
    from extractors.ocr.base import OcrUnavailable
    from service.batch_pool import BatchError
    from service.pipeline import PageReadError
    from service.watch import WatchError

    assert ReaderInputError is InputError
    assert all(issubclass(e, UsageError) for e in (RulePackError, BatchError, WatchError))
    assert issubclass(PageReadError, InternalError) and issubclass(OcrUnavailable, CasecheckError)


def test_one_line_is_one_visible_line_within_its_limit() -> None:
    assert one_line("a\nb\r\n\tc  d") == "a b c d"
    assert one_line("x\x1b[31mred\x00") == "x [31mred"
    assert one_line(ValueError("")) == "ValueError"
    long = one_line("字" * 500, limit=50)
    assert len(long) == 50 and long.endswith("…")
    assert str(InputError("two\nlines")) == "two lines"


# -- one text sanitiser -----------------------------------------------------------------------------
def test_the_sanitiser_drops_what_xml_forbids_and_escapes_what_a_terminal_acts_on() -> None:
    assert xml_safe(f"a{FORBIDDEN}b\t\n\r") == "ab\t\n\r"
    assert printable("a\x1b[31m\nb\u202e") == "a\\x1b[31m\\x0ab\\u202e"
    assert clean_json({"k\x01": ["v\x02", 3, None, {"x": "\ufffe"}]}) == {"k": ["v", 3, None, {"x": ""}]}
    assert safe_file_name("\x1b[1mA\nB") == "[1mAB" and safe_file_name("\x01") == "case"
    cut = fit_name_bytes("案" * 100, 10)
    assert cut == "案案案" and len(cut.encode()) <= 10


def test_a_broken_text_layer_and_a_hostile_name_still_give_every_output(tmp_path: Path) -> None:
    from docx import Document

    name = "案卷\x1b[31m红\x01.pdf"
    pdf = tmp_path / name
    pdf.write_bytes(latin_text_pdf("Party\x01\x02\x1b\x0bName 12345 abcdef"))
    out = tmp_path / "out"
    result = run_cli("check", str(pdf), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    reports = list(out.glob("*.report.json"))
    assert len(reports) == 1 and "\x1b" not in reports[0].name
    text = reports[0].read_text("utf-8")
    assert not any(ch in json.loads(text)["file"] for ch in FORBIDDEN) and "\\u0001" not in text
    Document(str(next(out.glob("*.docx"))))  # opens: well-formed XML
    assert pymupdf.open(next(out.glob("*.annotated.pdf"))).page_count >= 2

    # An older report holding forbidden characters: `stats` and `render` clean it, no traceback.
    data = json.loads(text)
    data["case"]["party"] = "某某\x01公司\x1b"
    data["file"] = name
    dirty = tmp_path / "dirty.report.json"
    dirty.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    stats = run_cli("stats", str(dirty), "-o", str(tmp_path / "t.xlsx"))
    assert stats.returncode == 0 and "Traceback" not in stats.stderr, stats.stderr
    with zipfile.ZipFile(tmp_path / "t.xlsx") as book:
        assert all("\x01" not in book.read(n).decode("utf-8", "replace") for n in book.namelist())
    assert any("某某公司" in " ".join(row) for row in _table_rows(tmp_path / "t.xlsx"))


# -- batch ------------------------------------------------------------------------------------------
def _table_rows(xlsx: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    return [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_batch_names_outputs_per_input_path_and_survives_hostile_names(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.pdf").write_bytes(tiny_pdf(["行政处罚决定书", "当事人：甲公司", "高环罚〔2024〕1号"]))
    (archive / "a.PDF").write_bytes(tiny_pdf(["行政处罚决定书", "当事人：乙公司", "高环罚〔2024〕2号"]))
    (archive / "B.pdf").write_bytes(tiny_pdf(["行政处罚决定书", "当事人：丙公司", "高环罚〔2024〕3号"]))
    (archive / "b.pdf").write_bytes(tiny_pdf(["行政处罚决定书", "当事人：丁公司", "高环罚〔2024〕4号"]))
    (archive / "x\x1b[31m\x01y\nz.pdf").write_bytes(tiny_pdf())
    (archive / "broken\x1b.pdf").write_bytes(b"%PDF-1.4 nothing else")
    out = tmp_path / "out"
    result = run_cli("batch", str(archive), "-o", str(out), "--workers", "1", "--no-progress")
    assert result.returncode == 0, result.stderr
    reports = sorted(out.glob("*.report.json"))
    assert len(reports) == 5  # a.pdf, a.PDF, B.pdf, b.pdf, the hostile name: none lost
    assert len({p.name.casefold() for p in reports}) == 5  # unique even on a case-insensitive share
    shas = {json.loads(p.read_text("utf-8"))["sha256"] for p in reports}
    assert len(shas) == 5  # each report is its own file's
    rows = _table_rows(out / "案卷自查情况统计表.xlsx")
    remarks = [r[-1] for r in rows if r[0].isdigit()]
    assert len(remarks) == 6  # one row per file, the unreadable one too
    for name in ("a.pdf", "a.PDF", "B.pdf", "b.pdf"):  # each row names its own file
        assert sum(remark.endswith(f"文件：{name}") for remark in remarks) == 1, name
    assert (out / "summary.html").is_file()
    html = (out / "summary.html").read_text("utf-8")
    assert "\x1b" not in html and "\x01" not in html


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_batch_and_watch_never_block_on_a_fifo_or_a_device(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "good.pdf").write_bytes(tiny_pdf())
    os.mkfifo(archive / "pipe.pdf")
    (archive / "zero.pdf").symlink_to("/dev/zero")
    result = run_cli("batch", str(archive), "-o", str(tmp_path / "out"), "--workers", "1", "--no-progress",
                     timeout=240)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "good.report.json").is_file()
    reasons = " ".join(" ".join(r) for r in _table_rows(tmp_path / "out" / "案卷自查情况统计表.xlsx"))
    assert "pipe.pdf" in reasons and "zero.pdf" in reasons and "not a regular file" in reasons

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.pdf").write_bytes(tiny_pdf())
    os.mkfifo(inbox / "pipe.pdf")
    (inbox / "zero.pdf").symlink_to("/dev/zero")
    (inbox / "名字\x1b[2J\nFORGED 2026 ERROR.pdf").write_bytes(b"not a pdf")
    watch = run_cli("watch", str(inbox), "-o", str(tmp_path / "wout"), "--once", "--settle", "0.1",
                    "--workers", "1", timeout=240)
    assert watch.returncode == 0, watch.stderr
    assert (inbox / "processed" / "good.pdf").is_file()
    assert (inbox / "pipe.pdf").exists() and (inbox / "zero.pdf").is_symlink()  # left alone
    assert "\x1b" not in watch.stderr
    assert not any(line.startswith("FORGED") for line in watch.stderr.splitlines())


# -- page and raster budgets ------------------------------------------------------------------------
def test_a_page_count_read_from_the_page_tree_refuses_huge_files_before_loading_pages(tmp_path: Path) -> None:
    claim = tmp_path / "count.pdf"
    claim.write_bytes(pdf_claiming_pages(2147483647))
    result = run_cli("check", str(claim), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "2147483647" in result.stderr
    assert not list((tmp_path / "out").glob("*"))
    three = tmp_path / "three.pdf"
    three.write_bytes(tiny_pdf(pages=3))
    limited = run_cli("check", str(three), "-o", str(tmp_path / "out"), env={"CASECHECK_MAX_PAGES": "2"})
    assert limited.returncode == 2 and "3 pages" in limited.stderr


def test_the_raster_budget_bounds_page_images_by_area() -> None:
    from extractors.ingest import PageReader, ReadOptions
    from extractors.raster import MAX_RASTER_PIXELS, MAX_RASTER_SIDE, raster_dpi

    assert raster_dpi(595, 842, 150) == pytest.approx(150)  # A4: untouched
    for w, h in ((14400, 5500), (14400, 14400), (3, 14400), (44625000, 63150000)):
        dpi = raster_dpi(w, h, 150)
        assert (w * dpi / 72) * (h * dpi / 72) <= MAX_RASTER_PIXELS * 1.001
        assert max(w, h) * dpi / 72 <= MAX_RASTER_SIDE * 1.001

    class Recorder:  # an OCR engine that reads nothing and records the image it was given
        shapes: ClassVar[list[tuple[int, ...]]] = []

        def read(self, image):
            from extractors.ocr.base import OcrReading

            Recorder.shapes.append(image.shape)
            return OcrReading(lines=[], rotation=0, width=image.shape[1], height=image.shape[0])

    doc = pymupdf.open()
    page = doc.new_page(width=14400, height=5500)
    page.draw_rect(pymupdf.Rect(10, 10, 14000, 5000), color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
    reader = PageReader(ReadOptions())
    reader._engine = Recorder()  # type: ignore[assignment]
    reader.read(doc, 0)
    (h, w, _), = Recorder.shapes
    assert w * h <= MAX_RASTER_PIXELS  # 150 dpi would be 30000 × 11458 px (1 GB as RGB)


def test_a_huge_text_layer_page_that_is_one_image_is_drawn_within_the_budget(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan with a text layer is analysed like a scan: its raster too stays in the budget."""
    from extractors import marks
    from extractors.ingest import PageReader, ReadOptions
    from extractors.raster import MAX_RASTER_PIXELS

    shapes: list[tuple[int, ...]] = []
    drawn = marks.render

    def recording(page, dpi):
        image = drawn(page, dpi)
        shapes.append(image.shape)
        return image

    monkeypatch.setattr(marks, "render", recording)
    doc = pymupdf.open()
    page = doc.new_page(width=14400, height=5500)
    picture = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 32), False)
    picture.set_rect(picture.irect, (230, 230, 230))
    page.insert_image(page.rect, pixmap=picture)
    page.insert_text((100, 200), "行政处罚决定书 当事人：某某有限公司", fontname="china-s", fontsize=60)
    analysis = PageReader(ReadOptions()).read(doc, 0)
    assert analysis.text.source == "text_layer"
    (h, w, _), = shapes  # 150 dpi would be 30000 × 11458 px (1 GB as RGB)
    assert w * h <= MAX_RASTER_PIXELS


def test_a_page_mupdf_refuses_is_unusable_input_not_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import ingest

    def refuse(page, dpi):
        raise pymupdf.mupdf.FzErrorLimit("code=5: Overly large image")

    monkeypatch.setattr(ingest, "render", refuse)
    doc = pymupdf.open()
    doc.new_page().draw_rect(pymupdf.Rect(10, 10, 100, 100), fill=(0, 0, 0))
    with pytest.raises(InputError, match="page 1 cannot be read"):
        ingest.PageReader(ingest.ReadOptions()).read(doc, 0)


@pytest.mark.parametrize("size", [(3, 14400), (14400, 3), (200, 14400)])
def test_page_pictures_are_bounded_by_width_height_and_area(size: tuple[float, float]) -> None:
    from service.web.app import PICTURE_MAX_PIXELS, PICTURE_MAX_SIDE, picture_zoom

    zoom = picture_zoom(*size, 2000)
    w, h = size[0] * zoom, size[1] * zoom
    assert w <= 2000.5 and h <= PICTURE_MAX_SIDE + 0.5 and w * h <= PICTURE_MAX_PIXELS + 1


# -- the time limit ---------------------------------------------------------------------------------
def _endless(*_args, **_kwargs):
    while True:  # a reader gone quadratic: pure Python, never returns
        sum(range(1000))


@pytest.mark.parametrize("where", ["main thread", "worker thread"])
def test_a_file_over_the_time_limit_fails_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         where: str) -> None:
    import service.process as process

    monkeypatch.setattr(process, "check_pdf", _endless)
    pdf = tmp_path / "slow.pdf"
    pdf.write_bytes(tiny_pdf())
    outcomes = []

    def run() -> None:
        outcomes.append(process.process_case(pdf, tmp_path / "out", seconds=0.5))

    if where == "main thread":
        run()
    else:  # watch --workers 1 and serve's thread mode check files in a thread
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(60)
        assert not thread.is_alive()
    (outcome,) = outcomes
    assert not outcome.ok and outcome.failure == "input"
    assert "超过单个文件处理时限" in (outcome.error or "") and outcome.error.startswith("slow.pdf")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    time.sleep(1.5)  # nothing left to fire in this thread afterwards
    assert sum(range(10)) == 45


def test_a_pool_left_by_an_exception_ends_its_workers_instead_of_waiting() -> None:
    from service.worker_process import spawn_pool

    with pytest.raises(RuntimeError), spawn_pool(1) as pool:
        first = pool.submit(time.sleep, 600)
        pool.submit(time.sleep, 600)
        while not first.running():
            time.sleep(0.05)
        workers = list(pool._processes.values())
        raise RuntimeError("deadline")
    # Ended, not waited for: leaving the block did not take 600 s. Asked of the OS, not of the
    # Process objects: the pool's own thread reaps the killed workers, and a second waitpid on a
    # reaped child makes `is_alive()` answer True while the process is long gone.
    pids = [process.pid for process in workers]
    deadline = time.monotonic() + 30
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in pids)


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (not gone, not a zombie awaiting its parent's wait)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def test_every_adapter_takes_the_time_limit() -> None:
    from service.cli import build_parser

    parser = build_parser()
    for argv in (["check", "x.pdf"], ["watch", "in"], ["batch", "arch"], ["serve"]):
        assert parser.parse_args([*argv, "--time-limit", "30"]).time_limit == 30
    from service.batch_pool import check_one
    from service.watch.worker import JobSpec
    from service.web.settings import ServeSettings

    assert "seconds" in check_one.__code__.co_varnames
    assert JobSpec("j", "s", "o", "n", "n", "db", time_limit=5).time_limit == 5
    assert ServeSettings(time_limit=7).time_limit == 7


# -- the command line -------------------------------------------------------------------------------
@pytest.mark.parametrize("dpi", ["0", "-5", "100000", "abc"])
def test_dpi_out_of_range_is_one_line_and_exit_2(tmp_path: Path, dpi: str) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(tiny_pdf())
    result = run_cli("check", str(pdf), "-o", str(tmp_path / "out"), "--dpi", dpi)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "--dpi" in result.stderr and "Traceback" not in result.stderr


def test_options_are_validated_and_workers_capped() -> None:
    from service.cli import MAX_WORKERS, build_parser

    parser = build_parser()
    assert parser.parse_args(["check", "x.pdf", "--workers", "100000"]).workers == MAX_WORKERS
    assert parser.parse_args(["check", "x.pdf", "--reported-on", "2024/5/1"]).reported_on == "2024-05-01"
    assert parser.parse_args(["check", "x.pdf", "--reported-on", "2024年5月1日"]).reported_on == "2024-05-01"
    assert parser.parse_args(["check", "x.pdf", "--reported-on", "20240501"]).reported_on == "2024-05-01"
    assert parser.parse_args(["stats", "r.json", "--month", "05"]).month == "5"
    for bad in (["stats", "r.json", "--month", "13"], ["check", "x.pdf", "--reported-on", "2024/2/30"],
                ["check", "x.pdf", "--workers", "-1"], ["batch", "a", "--month", "0"]):
        with pytest.raises(SystemExit) as stop:
            parser.parse_args(bad)
        assert stop.value.code == 2


def test_version_and_a_closed_pipe() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("casecheck ")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline()
    proc.stdout.close()  # `casecheck rules | head -1`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err, err


def test_a_name_near_255_bytes_gets_its_outputs(tmp_path: Path) -> None:
    name = "案" * 80 + "a" * 6 + ".pdf"  # 250 bytes: the outputs' and temporaries' names would not fit
    assert len(name.encode()) == 250
    pdf = tmp_path / name
    pdf.write_bytes(tiny_pdf())
    result = run_cli("check", str(pdf), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    made = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(made) == 3 and all(len(n.encode()) <= 255 for n in made)
    assert not [n for n in made if n.endswith(".part")]


# -- the annotated PDF ------------------------------------------------------------------------------
def test_the_annotated_pdf_carries_no_javascript_or_attachment(tmp_path: Path) -> None:
    doc = pymupdf.open(stream=tiny_pdf(), filetype="pdf")
    page = doc[0]
    widget = pymupdf.Widget()
    widget.field_type, widget.field_name = pymupdf.PDF_WIDGET_TYPE_TEXT, "f1"
    widget.rect, widget.field_value = pymupdf.Rect(100, 300, 300, 330), "x"
    widget.script = "app.alert('pwned')"
    page.add_widget(widget)
    page.add_file_annot(pymupdf.Point(50, 400), b"MZ payload", "payload.exe")
    doc.embfile_add("other.exe", b"MZ other")
    pdf = tmp_path / "js.pdf"
    doc.save(pdf)
    result = run_cli("check", str(pdf), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    annotated = pymupdf.open(tmp_path / "out" / "js.annotated.pdf")
    assert annotated.embfile_count() == 0
    for xref in range(1, annotated.xref_length()):
        source = annotated.xref_object(xref, compressed=False)
        assert "/JavaScript" not in source and "/JS" not in source and "/EmbeddedFile" not in source
    assert not any(a.type[0] == pymupdf.PDF_ANNOT_FILE_ATTACHMENT for p in annotated for a in p.annots())
    assert pdf.read_bytes() == doc.tobytes() or pdf.is_file()  # the original itself is only read


# -- the HTTP service -------------------------------------------------------------------------------
@pytest.fixture
def open_service(tmp_path: Path):
    from fastapi.testclient import TestClient

    from service.web.app import create_app
    from service.web.settings import ServeSettings

    uploads = tmp_path / "data" / "uploads"
    uploads.mkdir(parents=True)
    (uploads / ".upload-killed.part").write_bytes(b"half")  # left by a killed service
    settings = ServeSettings(data_dir=tmp_path / "data", workers=1, in_process=True)
    with TestClient(create_app(settings), base_url="http://localhost:8000") as client:
        yield client, uploads


def test_serve_without_a_token_answers_only_its_own_hosts_and_origin(open_service) -> None:
    client, _ = open_service
    assert client.get("/api/cases").status_code == 200
    rebound = client.get("/api/cases", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 400 and "host" in rebound.json()["error"]
    files = {"file": ("a.pdf", tiny_pdf(), "application/pdf")}
    cross = client.post("/api/cases", files=files, headers={"Origin": "http://attacker.example"})
    assert cross.status_code == 403 and "error" in cross.json()
    same = client.post("/api/cases", files=files, headers={"Origin": "http://localhost:8000"})
    assert same.status_code == 202


def test_every_answer_carries_the_security_headers(open_service) -> None:
    client, _ = open_service
    answers = [client.get("/"), client.get("/api/cases"), client.get("/api/cases/nothing"),
               client.get("/healthz"), client.get("/api/cases", headers={"Host": "evil.example"}),
               client.post("/api/cases", files={"file": ("a.pdf", b"text", "application/pdf")})]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["referrer-policy"] == "no-referrer"


def test_healthz_tells_no_counts_to_anyone_unauthenticated(open_service, tmp_path: Path) -> None:
    client, _ = open_service
    assert client.get("/healthz").json() == {"status": "ok"}
    from fastapi.testclient import TestClient

    from service.web.app import create_app
    from service.web.settings import ServeSettings

    settings = ServeSettings(data_dir=tmp_path / "tokened", workers=1, in_process=True, token="s3cret")
    with TestClient(create_app(settings)) as guarded:  # with a token, any host: the token guards
        assert guarded.get("/healthz").json() == {"status": "ok"}
        full = guarded.get("/healthz", headers={"Authorization": "Bearer s3cret"}).json()
        assert "jobs" in full


def test_serve_refuses_hostile_uploads_with_4xx_json_and_leaves_no_part(open_service) -> None:
    client, uploads = open_service
    assert not list(uploads.glob(".upload-*.part"))  # swept at start
    for body, expected in ((pdf_claiming_pages(2147483647), 413), (b"%PDF-1.4\n%%EOF", 422), (b"", 415),
                           (b"GIF89a", 415), (pdf_claiming_pages(0), 422)):
        answer = client.post("/api/cases", files={"file": ("h\x1b.pdf", body, "application/pdf")})
        assert answer.status_code == expected, (body[:20], answer.status_code, answer.text)
        assert "error" in answer.json() and "\x1b" not in answer.json()["error"]
    assert not list(uploads.glob(".upload-*.part"))


def test_a_tall_thin_page_picture_is_not_a_500(open_service) -> None:
    client, _ = open_service
    doc = pymupdf.open()
    page = doc.new_page(width=3, height=14400)
    page.insert_text((0, 72), "行政处罚决定书当事人某某化工有限公司高环罚", fontname="china-s", fontsize=1)
    job = client.post("/api/cases", files={"file": ("thin.pdf", doc.tobytes(), "application/pdf")}).json()
    picture = client.get(f"/api/cases/{job['id']}/pages/1.png?width=2000")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    image = pymupdf.Pixmap(io.BytesIO(picture.content).read())
    assert image.height <= 4000 and image.width * image.height <= 4_000_000
