"""Fuzz suite: seeded hostile PDFs, names and requests, each with its expected outcome.

The generator (`hostile_corpus`) starts from tiny born-digital case files (a text layer: no OCR)
and the hostile cases of issue 17, then mutates them: truncations, byte flips in the xref table
and in content streams, spliced garbage, random object graphs (cycles in the page tree, lying
/Count and /Length, absurd MediaBoxes, deep nesting). Every file must come out as either checked
(exit 0) or unusable input (exit 2, one printable line, nothing written); every request as an
answer below 500 with a JSON error. The same seed gives the same corpus.

CI runs FUZZ_CASES files in-process and through the HTTP service (a minute or two). The longer
run, through `casecheck check`, `casecheck watch` and a running `casecheck serve`, with peak
memory per process measured, is `scripts/fuzz.sh N` (this file's `main`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pymupdf
import pytest

from tests.raw_pdf import raw_pdf

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261203
FUZZ_CASES = int(os.environ.get("CASECHECK_FUZZ_CASES", "48"))
TIME_LIMIT = 60.0  # seconds per file: a fuzzed file that takes longer fails with the limit's reason
MEMORY_BOUND_MB = 1536  # peak resident memory of any one process checking these files

# What a hostile name may contain (shown and used for output names; never a path of ours).
HOSTILE_NAMES = ["a\nFORGED LINE.pdf", "e\x1b[31mred\x1b[0m.pdf", "ctl\x01\x0b\x1f\ufffe.pdf", "rtl\u202egnp.pdf",
                 "案" * 80 + "abcdef.pdf", "..pdf", " lead and trail .pdf", "CON.pdf", "x.PDF", "%00null.pdf",
                 "../../escape.pdf", "semi;colon'quote\".pdf"]


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    how: str  # what was done to it (for a failing assertion's message)
    must_fail: bool = False  # True: must be refused as unusable input


# -- the generator -------------------------------------------------------------------------------
def _case_pdf(rng: random.Random, pages: int = 1) -> bytes:
    doc = pymupdf.open()
    for index in range(pages):
        page = doc.new_page(width=rng.choice([595, 842, 300]), height=rng.choice([842, 595, 1200]))
        title = rng.choice(["行政处罚决定书", "现场检查（勘察）笔录", "送达回证", "立案审批表", "卷内目录"])
        page.insert_text((40, 60), title, fontname="china-s", fontsize=16)
        page.insert_text((40, 100), f"当事人：某某{rng.randint(1, 99)}有限公司 第{index + 1}页",
                         fontname="china-s", fontsize=11)
        page.insert_text((40, 130), f"高环罚〔20{rng.randint(10, 30)}〕{rng.randint(1, 99)}号",
                         fontname="china-s", fontsize=11)
        if rng.random() < 0.3:
            page.draw_rect(pymupdf.Rect(300, 500, 380, 580), color=(1, 0, 0), width=3)
    return _bytes(doc, deflate=rng.random() < 0.5)


def _bytes(doc: pymupdf.Document, **options) -> bytes:
    """The same bytes for the same document: no creation date, no new file ID."""
    doc.set_metadata({})
    return doc.tobytes(no_new_id=True, **options)


def _random_value(rng: random.Random, size: int, depth: int = 0) -> bytes:
    choice = rng.randrange(9 if depth < 6 else 5)
    if choice == 0:
        return b"%d" % rng.choice([0, -1, 1, 2**31 - 1, 2**63, rng.randint(-10**9, 10**9)])
    if choice == 1:
        return b"%d 0 R" % rng.randint(0, size + 2)  # also dangling and self references
    if choice == 2:
        return rng.choice([b"/Page", b"/Pages", b"/Font", b"/XObject", b"/JavaScript", b"/Name#00x"])
    if choice == 3:
        return b"(" + bytes(rng.randrange(256) for _ in range(rng.randrange(12))).replace(b")", b"]") + b")"
    if choice == 4:
        return rng.choice([b"1e308", b"-0.0", b"nan", b"null", b"true", b"3.4e38"])
    if choice in (5, 6):
        return b"[" + b" ".join(_random_value(rng, size, depth + 1) for _ in range(rng.randrange(5))) + b"]"
    keys = [b"/Type", b"/Kids", b"/Count", b"/Parent", b"/MediaBox", b"/Contents", b"/Resources", b"/UserUnit",
            b"/Rotate", b"/Length", b"/Filter", b"/AA", b"/Annots"]
    return b"<<" + b" ".join(rng.choice(keys) + b" " + _random_value(rng, size, depth + 1)
                             for _ in range(rng.randrange(6))) + b">>"


def _object_graph(rng: random.Random) -> bytes:
    """A catalogue, a page tree that may loop or lie, and random objects around it."""
    size = rng.randint(3, 12)
    count = rng.choice([1, 2, 0, -3, 2**31 - 1, 10**6, size])
    kids = b" ".join(b"%d 0 R" % rng.choice([2, 3, rng.randint(1, size)]) for _ in range(rng.randint(1, 3)))
    box = rng.choice([b"[0 0 595 842]", b"[0 0 0 0]", b"[0 0 14400 5500]", b"[-1e9 -1e9 1e9 1e9]",
                      b"[0 0 3 14400]", b"[595 842 0 0]", b"[0 0 nan 842]", b"[]"])
    content = rng.choice([b"q " * 300 + b"Q " * 300, b"0 0 1 rg 10 10 100 100 re f", b"BT /F1 12 Tf (x) Tj ET",
                          bytes(rng.randrange(256) for _ in range(64)), b"1 0 0 1 0 0 cm " * 500])
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R %s>>" % (
                   box, rng.choice([b"", b"/UserUnit 75000 ", b"/Rotate 45 ", b"/Resources 3 0 R "])),
               b"<< /Length %d >>\nstream\n" % rng.choice([len(content), 0, 2**31, len(content) + 50])
               + content + b"\nendstream"]
    while len(objects) < size:
        objects.append(_random_value(rng, size))
    return raw_pdf(objects)


def _mutate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    kind = rng.choice(["truncate", "flip-xref", "flip-stream", "flip-any", "splice", "drop-eof", "dup-xref"])
    buf = bytearray(data)
    if kind == "truncate":
        cut = rng.randint(8, max(9, len(buf) - 1))
        return bytes(buf[:cut]), f"truncated at {cut}"
    if kind == "flip-xref":
        start = data.rfind(b"xref")
        start = start if start > 0 else int(len(buf) * 0.8)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(start, len(buf))] = rng.randrange(256)
        return bytes(buf), "bytes flipped in the xref"
    if kind == "flip-stream":
        start = data.find(b"stream")
        start = start if start > 0 else 0
        end = data.find(b"endstream", start)
        end = end if end > start + 8 else len(buf)
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(start + 7, max(start + 8, end))] = rng.randrange(256)
        return bytes(buf), "bytes flipped in a stream"
    if kind == "flip-any":
        for _ in range(rng.randint(1, 32)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf), "bytes flipped anywhere"
    if kind == "splice":
        at = rng.randrange(len(buf))
        return bytes(buf[:at]) + bytes(rng.randrange(256) for _ in range(rng.randint(1, 512))) + bytes(buf[at:]), \
            "garbage spliced in"
    if kind == "drop-eof":
        return data.replace(b"%%EOF", b""), "no %%EOF"
    return data + data[data.rfind(b"xref"):], "a second xref section"


def hostile_corpus(count: int, seed: int = SEED) -> list[Hostile]:
    """`count` hostile files, the same for the same seed: the fixed cases of issue 17 first."""
    rng = random.Random(seed)
    fixed = [
        Hostile("count.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                       b"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>",
                                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]),
                "/Count 2147483647", must_fail=True),
        Hostile("cycle.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                       b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), "a page tree that loops",
                must_fail=True),
        Hostile("huge-page.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                           b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>",
                                           *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 5500] "
                                             b"/Contents 6 0 R >>"] * 3,
                                           b"<< /Length 27 >>\nstream\n0 0 1 rg 10 10 900 900 re f\nendstream"]),
                "three 14400×5500 pt pages"),
        Hostile("userunit.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                          b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /UserUnit 75000 "
                                          b"/Contents 4 0 R >>",
                                          b"<< /Length 27 >>\nstream\n0 0 1 rg 10 10 100 100 re f\nendstream"]),
                "/UserUnit 75000"),
        Hostile("deep-q.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                                        b"<< /Length 6000 >>\nstream\n" + b"q " * 3000 + b"\nendstream"]),
                "3000 nested graphics states"),
        Hostile("empty.pdf", b"", "empty", must_fail=True),
        Hostile("not-pdf.pdf", b"GIF89a" + bytes(100), "not a PDF", must_fail=True),
        Hostile("header-only.pdf", b"%PDF-1.7\n%%EOF\n", "a header and nothing", must_fail=True),
        Hostile("encrypted.pdf", _encrypted(rng), "password protected", must_fail=True),
        Hostile("controls.pdf", _controls_pdf(), "control characters in the text layer"),
    ]
    corpus = fixed[:count]
    while len(corpus) < count:
        index = len(corpus)
        roll = rng.random()
        if roll < 0.25:
            data, how = _object_graph(rng), "a random object graph"
        else:
            data, how = _mutate(rng, _case_pdf(rng, pages=rng.randint(1, 3)))
        if rng.random() < 0.3:  # a hostile name, made unique
            stem, _, ext = HOSTILE_NAMES[index % len(HOSTILE_NAMES)].rpartition(".")
            name = f"{stem}-{index:04d}.{ext}"
        else:
            name = f"fuzz-{index:04d}.pdf"
        corpus.append(Hostile(name, data, how))
    return corpus


def _encrypted(rng: random.Random) -> bytes:
    doc = pymupdf.open(stream=_case_pdf(rng), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")


def _controls_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "行政处罚决定书 当事人 某某化工有限公司", fontname="china-s")
    page.insert_text((72, 100), "Party\x01\x02\x1b\x0b\x0c Name 12345 abcdef", fontname="helv")
    return _bytes(doc)


def _one_printable_line(text: str) -> bool:
    return "\n" not in text.strip() and not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text.strip())


# -- the CI part ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus() -> list[Hostile]:
    return hostile_corpus(FUZZ_CASES)


class BlindEngine:
    """An OCR engine that reads nothing and records the size of every image it is given: the
    suite is about the files, not about reading (and must not spend minutes on huge pages)."""

    pixels: ClassVar[list[int]] = []

    def read(self, image):
        from extractors.ocr.base import OcrReading

        BlindEngine.pixels.append(int(image.shape[0]) * int(image.shape[1]))
        return OcrReading(lines=[], rotation=0, width=image.shape[1], height=image.shape[0])


@pytest.fixture
def blind_ocr(monkeypatch: pytest.MonkeyPatch):
    import extractors.ocr

    BlindEngine.pixels.clear()
    monkeypatch.setattr(extractors.ocr, "get_engine", lambda name=None: BlindEngine())
    return BlindEngine


def test_the_generator_is_seeded_and_covers_every_kind() -> None:
    first, again = hostile_corpus(40), hostile_corpus(40)
    def digest(h: Hostile) -> str:  # encryption draws a random IV: that one file is compared by name
        return h.name if h.name == "encrypted.pdf" else hashlib.sha256(h.data).hexdigest()

    assert [(h.name, digest(h)) for h in first] == [(h.name, digest(h)) for h in again]
    hows = " ".join(h.how for h in first)
    for kind in ("truncated", "xref", "stream", "object graph", "/Count", "UserUnit", "control"):
        assert kind in hows, kind
    assert any(any(ord(c) < 32 for c in h.name) for h in first)  # hostile names are in it


def test_the_longer_run_starts_the_way_its_script_starts_it() -> None:
    """`scripts/fuzz.sh` runs this file as a module from the repository root: it must import so."""
    script = (ROOT / "scripts" / "fuzz.sh").read_text(encoding="utf-8")
    assert "-m tests.test_fuzz" in script
    done = subprocess.run([sys.executable, "-c", "import tests.test_fuzz as f; assert callable(f.hostile_corpus)"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1000:]


def test_every_hostile_file_is_checked_or_refused_as_input(tmp_path: Path, corpus: list[Hostile],
                                                          blind_ocr: type[BlindEngine]) -> None:
    """No internal error, no traceback, one printable line, nothing written on failure, the
    original never changed; the process's peak memory bounded."""
    from service.pipeline import CheckOptions
    from service.process import process_case

    inbox = tmp_path / "in"
    inbox.mkdir()
    outcomes = []
    for index, case in enumerate(corpus):
        pdf = inbox / f"{index:04d}.pdf"
        pdf.write_bytes(case.data)
        outdir = tmp_path / "out" / f"{index:04d}"
        outcome = process_case(pdf, outdir, options=CheckOptions(workers=1), name=case.name,
                               seconds=TIME_LIMIT)
        label = f"{case.name!r} ({case.how})"
        assert outcome.ok or outcome.failure == "input", f"{label}: {outcome.failure}: {outcome.error}"
        assert not (case.must_fail and outcome.ok), label
        assert pdf.read_bytes() == case.data, f"{label}: the original changed"
        if outcome.ok:
            assert len(list(outdir.iterdir())) == 3, label
        else:
            assert _one_printable_line(outcome.error or ""), f"{label}: {outcome.error!r}"
            assert not outdir.exists() or not list(outdir.iterdir()), f"{label}: something was written"
        outcomes.append(outcome.ok)
    assert any(outcomes) and not all(outcomes)  # the corpus holds both kinds
    from extractors.raster import MAX_RASTER_PIXELS

    assert blind_ocr.pixels and max(blind_ocr.pixels) <= MAX_RASTER_PIXELS  # huge pages within the budget
    # Peak memory in a fresh process: this one's lifetime peak holds whatever earlier tests of
    # the session loaded (a corpus of read cases), which says nothing about checking these files.
    probe = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from service.pipeline import CheckOptions\n"
        "from service.process import process_case\n"
        "from extractors.ocr.runtime import cpu_has_avx512, resolve_choice\n"
        "for pdf in sorted(Path(sys.argv[1]).glob('*.pdf')):\n"
        "    process_case(pdf, Path(sys.argv[2]) / pdf.stem, options=CheckOptions(workers=1), seconds=float(sys.argv[3]))\n"
        "    print(pdf.stem, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
        "print('runtime', resolve_choice().runtime, 'avx512', cpu_has_avx512())\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(inbox), str(tmp_path / "probe"), str(TIME_LIMIT)],
                          capture_output=True, text=True, timeout=TIME_LIMIT * len(corpus), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    printed = done.stdout.strip().splitlines()
    peak_mb = float(printed[-1])
    # Which file raised the peak, and on what runtime: what a failure needs to be looked into.
    growth = [line for before, line in itertools.pairwise(printed[:-2])
              if int(line.split()[-1]) > int(before.split()[-1]) + 50]
    assert peak_mb < MEMORY_BOUND_MB, f"peak {peak_mb:.0f} MB ({printed[-2]}; grew at: {', '.join(growth)})"


def test_hostile_uploads_and_requests_get_4xx_json_never_500(tmp_path: Path, corpus: list[Hostile],
                                                             blind_ocr: type[BlindEngine]) -> None:
    from fastapi.testclient import TestClient

    from service.web.app import create_app
    from service.web.settings import ServeSettings

    settings = ServeSettings(data_dir=tmp_path / "data", workers=1, in_process=True, time_limit=TIME_LIMIT,
                             max_upload_mb=2)
    # The huge pages are checked in-process above; here the answers matter, not the reading time.
    uploads = [case for case in corpus if case.name not in {"huge-page.pdf", "userunit.pdf"}]
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        accepted = []
        for case in uploads:
            answer = client.post("/api/cases", files={"file": (case.name, case.data, "application/pdf")})
            assert answer.status_code in {202, 413, 415, 422}, (case.name, case.how, answer.status_code, answer.text)
            body = answer.json()
            if answer.status_code == 202:
                accepted.append((case, body["id"]))
            else:
                assert _one_printable_line(body["error"]), body
                assert not case.must_fail or answer.status_code != 202
        for case, job_id in accepted:
            body = _wait(client, job_id)
            assert body["status"] in {"done", "failed"}, (case.name, body)
            if body["status"] == "failed":
                assert _one_printable_line(body["error"]), body["error"]
                assert client.get(f"/api/cases/{job_id}/sheet.docx").status_code == 409
            else:
                picture = client.get(f"/api/cases/{job_id}/pages/1.png?width=2000")
                assert picture.status_code in {200, 422}, (case.name, picture.status_code)
        assert not list((tmp_path / "data" / "uploads").glob(".upload-*.part"))

        job_id = accepted[0][1] if accepted else "0" * 16
        rng = random.Random(SEED)
        requests = [("GET", f"/api/cases/{job_id}/pages/0.png"), ("GET", f"/api/cases/{job_id}/pages/-1.png"),
                    ("GET", f"/api/cases/{job_id}/pages/99999999999999999999.png"),
                    ("GET", f"/api/cases/{job_id}/pages/1.png?width=100000"),
                    ("GET", f"/api/cases/{job_id}/pages/1.png?width=abc"),
                    ("GET", "/api/cases/" + "a" * 5000), ("GET", "/api/cases/%00"), ("GET", "/api/cases?limit=-1"),
                    ("GET", "/api/cases/../../etc/passwd"), ("GET", f"/api/cases/{job_id}/..%2F..%2Fjobs.sqlite3"),
                    ("DELETE", "/api/cases"), ("PUT", f"/api/cases/{job_id}"), ("POST", "/api/cases"),
                    ("GET", "/static/../app.py"), ("GET", "/static/%2e%2e/app.py")]
        requests += [("GET", "/api/cases/" + "".join(rng.choice("abc%/.\\;~") for _ in range(20)))
                     for _ in range(10)]
        for method, path in requests:
            answer = client.request(method, path)
            assert answer.status_code < 500, (method, path, answer.status_code)
            assert answer.headers.get("x-content-type-options") == "nosniff"
            if answer.status_code >= 400 and path.startswith("/api/"):
                assert "error" in answer.json() or "detail" in answer.json(), (method, path)
        for host in ("evil.example", "127.0.0.1.evil.example", "", "localhost:8000@evil", "[::1]:8000"):
            answer = client.get("/api/cases", headers={"Host": host})
            assert answer.status_code in {200, 400}, (host, answer.status_code)
            assert (answer.status_code == 200) == (host == "[::1]:8000"), host


def _wait(client, job_id: str, seconds: float = TIME_LIMIT * 3) -> dict:
    deadline = time.monotonic() + seconds
    body: dict = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/cases/{job_id}").json()
        if body["status"] in {"done", "failed"}:
            return body
        time.sleep(0.05)
    return body


def test_hostile_names_never_become_paths_or_lines(tmp_path: Path) -> None:
    from service.pipeline import CheckOptions
    from service.process import process_case
    from service.web.app import display_name

    good = tmp_path / "good.pdf"
    good.write_bytes(_case_pdf(random.Random(1)))
    for index, name in enumerate(HOSTILE_NAMES):
        shown = display_name(name)
        assert "/" not in shown and "\\" not in shown and shown not in {"", ".", ".."}
        assert not any(ord(c) < 32 for c in shown)
        pdf = tmp_path / "in" / f"{index}" / (name.replace("/", "_") or "x.pdf")
        pdf.parent.mkdir(parents=True)
        shutil.copy(good, pdf)
        out = tmp_path / "out" / f"{index}"
        outcome = process_case(pdf, out, options=CheckOptions(workers=1), seconds=TIME_LIMIT)
        assert outcome.ok, (name, outcome.error)
        written = list(out.iterdir())
        assert len(written) == 3 and all(p.parent == out for p in written)  # nothing outside OUT
        assert all(len(p.name.encode()) <= 255 and not any(ord(c) < 32 for c in p.name) for p in written)


# -- the longer run: scripts/fuzz.sh N -----------------------------------------------------------
def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _tree_peak_mb(root_pid: int) -> float:
    """The largest VmHWM (peak resident memory) among `root_pid` and its descendants now alive."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root_pid}, True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    peak = 0.0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peak


def _run_check(corpus_dir: Path, out: Path, files: list[Path]) -> dict:
    cli = [sys.executable, "-m", "service.cli"]
    codes: dict[int, int] = {}
    problems: list[str] = []
    for pdf in files:
        target = out / pdf.stem
        result = subprocess.run([*cli, "check", str(pdf), "-o", str(target), "-q", "--time-limit", str(TIME_LIMIT),
                                 "--workers", "1"], capture_output=True, text=True, timeout=TIME_LIMIT * 3,
                                stdin=subprocess.DEVNULL)
        codes[result.returncode] = codes.get(result.returncode, 0) + 1
        if result.returncode not in (0, 2) or "Traceback" in result.stderr:
            problems.append(f"check {pdf.name}: exit {result.returncode}: {result.stderr[-300:]!r}")
        elif result.returncode == 2 and (not _one_printable_line(result.stderr)
                                         or (target.exists() and list(target.iterdir()))):
            problems.append(f"check {pdf.name}: exit 2 but {result.stderr!r} / outputs left")
    return {"exit_codes": codes, "problems": problems, "peak_mb": round(_children_peak_mb())}


def _run_watch(corpus_dir: Path, work: Path, files: list[Path]) -> dict:
    inbox = work / "inbox"
    shutil.copytree(corpus_dir, inbox)
    result = subprocess.run([sys.executable, "-m", "service.cli", "watch", str(inbox), "-o", str(work / "out"),
                             "--once", "--settle", "0.2", "--workers", "2", "--time-limit", str(TIME_LIMIT)],
                            capture_output=True, text=True, timeout=TIME_LIMIT * len(files) + 600,
                            stdin=subprocess.DEVNULL)
    problems = []
    if result.returncode != 0 or "Traceback" in result.stderr:
        problems.append(f"watch: exit {result.returncode}: {result.stderr[-500:]!r}")
    placed: dict[str, int] = {}
    for folder in (inbox / "processed", inbox / "failed"):
        for path in folder.rglob("*.pdf") if folder.is_dir() else []:
            placed[path.name] = placed.get(path.name, 0) + 1
    left = [p.name for p in inbox.glob("*.pdf")]
    for pdf in files:
        if placed.get(pdf.name, 0) != 1:
            problems.append(f"watch: {pdf.name} accounted for {placed.get(pdf.name, 0)} times (left: {pdf.name in left})")
    return {"processed": len(list((inbox / "processed").glob("*.pdf"))),
            "failed": len(list((inbox / "failed").glob("*.pdf"))), "problems": problems,
            "peak_mb": round(_children_peak_mb())}


def _run_serve(work: Path, files: list[Path]) -> dict:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CASECHECK_TIME_LIMIT": str(TIME_LIMIT)}
    server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--data",
                               str(work / "data"), "--workers", "2", "--page-workers", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    statuses: dict[int, int] = {}
    problems: list[str] = []
    peak = 0.0
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        jobs = []
        for pdf in files:
            status, body = _post(url, pdf)
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 500 or ("error" not in body and status != 202):
                problems.append(f"serve upload {pdf.name}: {status} {body}")
            if status == 202:
                jobs.append((pdf, body["id"]))
        deadline = time.monotonic() + TIME_LIMIT * len(jobs) + 300
        for pdf, job_id in jobs:
            while time.monotonic() < deadline:
                peak = max(peak, _tree_peak_mb(server.pid))
                with urllib.request.urlopen(f"{url}/api/cases/{job_id}", timeout=10) as answer:
                    body = json.loads(answer.read())
                if body["status"] in {"done", "failed"}:
                    break
                time.sleep(0.2)
            else:
                problems.append(f"serve {pdf.name}: still {body['status']}")
            if body["status"] == "done":
                try:
                    urllib.request.urlopen(f"{url}/api/cases/{job_id}/pages/1.png?width=2000", timeout=60).read()
                except urllib.error.HTTPError as exc:
                    if exc.code >= 500:
                        problems.append(f"serve {pdf.name}: page picture {exc.code}")
        peak = max(peak, _tree_peak_mb(server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            _, err = server.communicate()
    if b"Traceback" in err:
        problems.append(f"serve: a traceback in its log: {err.decode('utf-8', 'replace')[-500:]}")
    return {"upload_statuses": statuses, "problems": problems, "peak_mb": round(peak)}


def _post(url: str, pdf: Path) -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{pdf.name}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + pdf.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{url}/api/cases", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read())
        except ValueError:
            return exc.code, {}


def main(argv: list[str]) -> int:
    """scripts/fuzz.sh N [SEED]: N hostile files through check, watch and a running serve."""
    count = int(argv[0]) if argv else 100
    seed = int(argv[1]) if len(argv) > 1 else SEED
    work = Path(tempfile.mkdtemp(prefix="casecheck-fuzz-"))
    corpus_dir = work / "corpus"
    corpus_dir.mkdir()
    files = []
    for index, case in enumerate(hostile_corpus(count, seed)):
        path = corpus_dir / f"{index:04d}.pdf"  # plain names here: the names are fuzzed in the suite
        path.write_bytes(case.data)
        files.append(path)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    started = time.monotonic()
    report: dict = {"files": count, "seed": seed}
    report["check"] = _run_check(corpus_dir, work / "check-out", files)
    report["watch"] = _run_watch(corpus_dir, work / "watch", files)
    report["serve"] = _run_serve(work / "serve", files)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    report["originals_unchanged"] = before == after
    report["seconds"] = round(time.monotonic() - started, 1)
    peak = max(report[k]["peak_mb"] for k in ("check", "watch", "serve"))
    report["peak_mb_per_process"] = peak
    problems = [p for k in ("check", "watch", "serve") for p in report[k]["problems"]]
    if not report["originals_unchanged"]:
        problems.append("an original changed")
    if peak > MEMORY_BOUND_MB:
        problems.append(f"peak memory {peak} MB over {MEMORY_BOUND_MB} MB")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"{'FAIL' if problems else 'OK'}: {count} files, {len(problems)} problems; work folder {work}")
    if not problems:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
