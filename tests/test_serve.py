"""`casecheck serve`: the HTTP API of CONTRACT.md through FastAPI's TestClient.

The jobs run in the service's real worker processes (or, where a test must hold a job still, in
its thread mode) on the bundled born-digital samples, which check in about a second.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymupdf
import pytest
import tomllib
from fastapi.testclient import TestClient

from service.jobs import JobStore
from service.web import runner as runner_module
from service.web.app import create_app, display_name
from service.web.settings import ServeSettings

ROOT = Path(__file__).resolve().parents[1]
FIXED = ROOT / "samples" / "fixed"
DEFECTIVE = FIXED / "demo-503-000.pdf"  # born-digital, two injected defects
OTHER = FIXED / "demo-502-000.pdf"


def settings_for(tmp_path: Path, **overrides) -> ServeSettings:
    values = {"data_dir": tmp_path / "data", "workers": 1, **overrides}
    return ServeSettings(**values)


@contextmanager
def serving(settings: ServeSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client


def upload(client: TestClient, path: Path, name: str | None = None, headers: dict | None = None):
    return client.post("/api/cases", files={"file": (name or path.name, path.read_bytes(), "application/pdf")},
                       headers=headers or {})


def wait_done(client: TestClient, job_id: str, timeout: float = 120, headers: dict | None = None) -> dict:
    deadline = time.monotonic() + timeout
    seen_progress = []
    while time.monotonic() < deadline:
        body = client.get(f"/api/cases/{job_id}", headers=headers or {}).json()
        seen_progress.append((body["status"], body["progress"]["done"]))
        if body["status"] in {"done", "failed"}:
            body["_seen"] = seen_progress
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not finished in {timeout} s: {seen_progress[-3:]}")


def test_upload_poll_and_download(tmp_path: Path) -> None:
    with serving(settings_for(tmp_path)) as client:
        assert client.get("/healthz").status_code == 200
        answer = upload(client, DEFECTIVE)
        assert answer.status_code == 202
        accepted = answer.json()
        assert accepted["status"] == "queued" and accepted["progress"] == {"done": 0, "total": 23}
        body = wait_done(client, accepted["id"])
        assert body["status"] == "done", body["error"]
        assert body["error"] is None and body["progress"] == {"done": 23, "total": 23}
        truth = json.loads((FIXED / "demo-503-000.truth.json").read_text("utf-8"))
        expected = sorted(truth["defects"])
        assert sorted(f["code"] for f in body["report"]["findings"]) == expected
        assert body["report"]["file"] == "demo-503-000.pdf"
        assert body["summary"]["findings"] == len(expected)
        # The file carries stamped numbers: pages are named by them, as on the 自查单.
        assert len(body["page_labels"]) == 23 and any(label.startswith("卷内第") for label in body["page_labels"])

        report = client.get(f"/api/cases/{accepted['id']}/report.json")
        assert report.status_code == 200 and report.json()["sha256"] == body["sha256"]
        assert "demo-503-000.report.json" in report.headers["content-disposition"]
        sheet = client.get(f"/api/cases/{accepted['id']}/sheet.docx")
        assert sheet.status_code == 200
        assert "案卷自查单" in zipfile.ZipFile(io.BytesIO(sheet.content)).read("word/document.xml").decode("utf-8")
        annotated = client.get(f"/api/cases/{accepted['id']}/annotated.pdf")
        assert annotated.status_code == 200 and annotated.content.startswith(b"%PDF-")
        assert pymupdf.open(stream=annotated.content, filetype="pdf").page_count > 23

        sizes = client.get(f"/api/cases/{accepted['id']}/pages").json()
        assert len(sizes) == 23 and sizes[0][0] == pytest.approx(595, abs=2)
        png = client.get(f"/api/cases/{accepted['id']}/pages/2.png", params={"width": 200})
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
        assert client.get(f"/api/cases/{accepted['id']}/pages/24.png").status_code == 404

        recent = client.get("/api/cases").json()
        assert [j["id"] for j in recent] == [accepted["id"]]
        meta = client.get("/api/meta").json()
        assert len(meta["categories"]) == 12 and "执法程序" in meta["checked"]


def test_the_same_upload_twice_is_one_job(tmp_path: Path) -> None:
    with serving(settings_for(tmp_path)) as client:
        first = upload(client, DEFECTIVE).json()
        again = upload(client, DEFECTIVE, name="另存为.pdf")
        assert again.status_code == 202
        assert again.json()["id"] == first["id"] and again.json()["duplicate"] is True
        wait_done(client, first["id"])
        assert upload(client, DEFECTIVE).json()["status"] == "done"  # answered from what is known
        assert len(client.get("/api/cases").json()) == 1
    assert len(list((tmp_path / "data" / "uploads").glob("*.pdf"))) == 1


def test_bad_uploads_are_refused_with_json_errors(tmp_path: Path) -> None:
    many_pages = tmp_path / "many.pdf"
    doc = pymupdf.open()
    for _ in range(6):
        doc.new_page()
    doc.save(many_pages)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    with serving(settings_for(tmp_path, max_upload_mb=1, max_pages=5)) as client:
        def refused(content: bytes, name: str = "x.pdf"):
            return client.post("/api/cases", files={"file": (name, content, "application/pdf")})

        not_pdf = refused(b"GIF89a....", "scan.pdf")
        assert not_pdf.status_code == 415 and not_pdf.json() == {"error": "scan.pdf: 不是 PDF 文件（not a PDF file）"}
        assert refused(b"").status_code == 415
        corrupt = refused(b"%PDF-1.7\n1 0 obj garbage", "broken.pdf")
        assert corrupt.status_code == 422 and corrupt.json()["error"].startswith("broken.pdf:")
        too_big = client.post("/api/cases", files={"file": ("big.pdf", big.read_bytes(), "application/pdf")})
        assert too_big.status_code == 413 and "1 MB" in too_big.json()["error"]
        streamed = client.post("/api/cases", content=chunked_form(big.read_bytes()),
                               headers={"Content-Type": "multipart/form-data; boundary=xyz"})
        assert streamed.status_code == 413 and "1 MB" in streamed.json()["error"]  # no Content-Length
        too_long = refused(many_pages.read_bytes(), "long.pdf")
        assert too_long.status_code == 413 and "6 pages" in too_long.json()["error"]
        missing_field = client.post("/api/cases", files={"other": ("x.pdf", b"%PDF-", "application/pdf")})
        assert missing_field.status_code == 422 and "file" in missing_field.json()["error"]
        assert client.get("/api/cases/0123456789abcdef").status_code == 404
        assert client.get("/api/cases/0123456789abcdef").json()["error"].startswith("no case")
        assert client.get("/api/cases").json() == []  # nothing refused became a job
    leftovers = [p.name for p in (tmp_path / "data" / "uploads").iterdir()]
    assert leftovers == []  # refused uploads leave no bytes behind


def chunked_form(data: bytes):
    """A multipart body sent in pieces without a Content-Length (chunked transfer)."""
    yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
    yield b"Content-Type: application/pdf\r\n\r\n"
    for i in range(0, len(data), 256 * 1024):
        yield data[i:i + 256 * 1024]
    yield b"\r\n--xyz--\r\n"


def test_outputs_of_an_unfinished_case_are_a_conflict(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    store = JobStore(settings.db)
    job, _ = store.add("f" * 64, "坏.pdf", str(tmp_path / "nowhere.pdf"), str(tmp_path / "out"))
    store.claim(job.id)
    store.fail(job.id, "坏.pdf: page 3 could not be read", "internal")
    with serving(settings) as client:
        body = client.get(f"/api/cases/{job.id}").json()
        assert body["status"] == "failed" and body["report"] is None
        assert body["error"] == "坏.pdf: page 3 could not be read"
        answer = client.get(f"/api/cases/{job.id}/sheet.docx")
        assert answer.status_code == 409 and "failed" in answer.json()["error"]
        assert client.get(f"/api/cases/{job.id}/nothing.txt").status_code == 404


def test_token_guards_the_api(tmp_path: Path) -> None:
    with serving(settings_for(tmp_path, token="s3cret")) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 200  # the page itself holds no case data
        anonymous = upload(client, DEFECTIVE)
        assert anonymous.status_code == 401 and "Bearer" in anonymous.json()["error"]
        assert anonymous.headers["www-authenticate"] == "Bearer"
        assert upload(client, DEFECTIVE, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/cases").status_code == 401
        good = {"Authorization": "Bearer s3cret"}
        accepted = upload(client, DEFECTIVE, headers=good)
        assert accepted.status_code == 202
        job_id = accepted.json()["id"]
        assert client.get(f"/api/cases/{job_id}").status_code == 401
        assert wait_done(client, job_id, headers=good)["status"] == "done"
        assert client.get(f"/api/cases/{job_id}/sheet.docx").status_code == 401
        assert client.get(f"/api/cases/{job_id}/sheet.docx", headers=good).status_code == 200
    with serving(settings_for(tmp_path / "open")) as client:  # no token set: open
        assert client.get("/api/cases").status_code == 200


def test_an_uploaded_name_is_never_a_path(tmp_path: Path) -> None:
    assert display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert display_name("C:\\扫描\\案卷 01.pdf") == "案卷 01.pdf"
    assert display_name("..") == "upload.pdf" and display_name(None) == "upload.pdf"
    assert display_name("a\x00b\n.pdf") == "ab.pdf"
    with serving(settings_for(tmp_path)) as client:
        accepted = upload(client, DEFECTIVE, name="../../../escape.pdf").json()
        assert accepted["name"] == "escape.pdf"
        assert wait_done(client, accepted["id"])["status"] == "done"
    data = tmp_path / "data"
    assert not (tmp_path / "escape.pdf").exists()
    stored = [p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()]
    assert f"uploads/{accepted['sha256']}.pdf" in stored
    assert all(re.fullmatch(r"(uploads/[0-9a-f]{64}\.pdf|outputs/[0-9a-f]{32}/case\.[^/]+|jobs\.sqlite3.*)", p)
               for p in stored), stored


def test_a_job_in_flight_at_a_crash_is_finished_after_restart(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    # The state a killed service leaves: the upload stored, its job running, three pages read.
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True)
    source = uploads / "a.pdf"
    source.write_bytes(DEFECTIVE.read_bytes())
    store = JobStore(settings.db)
    job, _ = store.add("a" * 64, "在办案卷.pdf", str(source), str(settings.data_dir / "outputs" / "a"), total=23)
    store.claim(job.id)
    store.progress(job.id, 3, 23)
    store.close()
    with serving(settings) as client:  # the next start resumes it
        body = wait_done(client, job.id)
    assert body["status"] == "done" and body["report"]["file"] == "在办案卷.pdf"
    assert JobStore(settings.db).get(job.id).attempts == 2


def test_stopping_with_a_job_running_leaves_it_to_the_next_start(tmp_path: Path, monkeypatch) -> None:
    settings = settings_for(tmp_path, in_process=True)
    started, release = threading.Event(), threading.Event()
    real_run_job = runner_module.run_job

    def held_run_job(db_path, job_id, args):  # a long OCR run, stopped half-way
        started.set()
        release.wait(timeout=60)

    monkeypatch.setattr(runner_module, "run_job", held_run_job)
    with serving(settings) as client:
        job_id = upload(client, OTHER).json()["id"]
        assert started.wait(timeout=30)
        assert client.get(f"/api/cases/{job_id}").json()["status"] == "running"
    release.set()  # the stopped service's thread ends; the job must stay for the next start
    assert JobStore(settings.db).get(job_id).status == "running"
    monkeypatch.setattr(runner_module, "run_job", real_run_job)
    with serving(settings) as client:
        body = wait_done(client, job_id)
    assert body["status"] == "done" and body["report"]["file"] == "demo-502-000.pdf"


def test_a_job_whose_worker_fails_is_retried_then_failed(tmp_path: Path, monkeypatch) -> None:
    settings = settings_for(tmp_path, in_process=True)
    calls = []

    def crashing_run_job(db_path, job_id, args):  # as a worker that dies under the job
        calls.append(job_id)
        raise MemoryError("out of memory")

    monkeypatch.setattr(runner_module, "run_job", crashing_run_job)
    with serving(settings) as client:
        job_id = upload(client, OTHER).json()["id"]
        body = wait_done(client, job_id)
    assert body["status"] == "failed" and len(calls) == runner_module.MAX_ATTEMPTS
    assert body["error"] == "demo-502-000.pdf: the worker stopped while checking it (MemoryError); it was tried 2 times"


def test_settings_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CASECHECK_WORKERS", "3")
    monkeypatch.setenv("CASECHECK_MAX_UPLOAD_MB", "50")
    monkeypatch.setenv("CASECHECK_TOKEN", "t")
    settings = ServeSettings.from_env(port=9000)
    assert (settings.host, settings.port, settings.workers, settings.max_upload_mb, settings.token) == (
        "127.0.0.1", 9000, 3, 50, "t")
    monkeypatch.setenv("CASECHECK_WORKERS", "many")
    with pytest.raises(ValueError, match="CASECHECK_WORKERS"):
        ServeSettings.from_env()


def test_the_web_page_needs_nothing_from_outside(tmp_path: Path) -> None:
    with serving(settings_for(tmp_path)) as client:
        page = client.get("/").text
        assert "行政处罚案卷自动自查" in page
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert assets and all(a.startswith("/static/") for a in assets)
        for asset in assets:
            body = client.get(asset)
            assert body.status_code == 200
            assert not re.search(r"https?://", body.text)  # no CDN, no web font, no analytics
        # The API docs too: Swagger UI and ReDoc come from the package, not a CDN (an intranet has none).
        for docs in ("/docs", "/redoc"):
            html = client.get(docs)
            assert html.status_code == 200
            for src in re.findall(r'(?:src|href)="([^"]+)"', html.text):
                assert not src.startswith(("http:", "https:", "//")), (docs, src)
                assert client.get(src).status_code == 200, (docs, src)
        assert "/api/cases" in client.get("/openapi.json").json()["paths"]


def test_the_dockerfile_installs_through_the_setup_script() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert "./scripts/setup.sh --no-demo --runtime" in dockerfile
    assert re.search(r'CMD \["[^"]*casecheck", "serve"\]', dockerfile)
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]["find"]
    for package in packages["include"]:
        folder = package.rstrip("*")
        assert f"COPY {folder}/ {folder}/" in dockerfile, f"the image lacks {folder}/"


def test_the_page_names_pages_and_messages_as_the_sheet_does() -> None:
    """卷内第N页（PDF第M页） where the stamped numbers were read: the same words as the 自查单."""
    from service.pipeline import CheckOptions, check_pdf
    from service.web.app import _page_references

    report = check_pdf(OTHER, CheckOptions(workers=1))
    shown = _page_references(json.loads(report.model_dump_json()))
    assert len(shown["page_labels"]) == report.pages
    assert shown["page_labels"][0] == "PDF第1页"  # the cover carries no stamped number
    assert "卷内第2页（PDF第4页）" in shown["page_labels"]
    ids = {f.id for f in [*report.findings, *report.review]}
    assert shown["messages"] and set(shown["messages"]) <= ids
    assert all("卷内第" in message for message in shown["messages"].values())
    assert _page_references({"not": "a report"}) == {"page_labels": [], "messages": {}}
