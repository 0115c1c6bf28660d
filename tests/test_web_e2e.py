"""The web page end to end: Debian's Chromium, driven by Playwright, against a real `casecheck serve`
(`tests/serve_helpers.py`). Set CASECHECK_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve_helpers import CHROMIUM, FIXED, keep, launched_chromium, running_serve

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (./scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def serve_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve-data")


@pytest.fixture(scope="module")
def server(serve_data: Path) -> Iterator[str]:
    with running_serve(serve_data) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def test_upload_on_the_page_shows_the_findings(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    requests_out = []
    page.on("request", lambda r: requests_out.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "行政处罚案卷自动自查"
    page.locator("#file").set_input_files(str(FIXED / "demo-503-000.pdf"))
    # Whatever is hidden stays hidden (a class's display must not undo it: the download buttons
    # once showed while the file was still being read).
    shown_while_hidden = page.evaluate(
        "() => [...document.querySelectorAll('[hidden]')].filter(e => getComputedStyle(e).display !== 'none')"
        ".map(e => e.id || e.className)")
    assert shown_while_hidden == []

    # Two injected defects: one finding card each, under their sheet rows.
    page.locator(".finding").nth(1).wait_for(timeout=90_000)
    truth = json.loads((FIXED / "demo-503-000.truth.json").read_text("utf-8"))
    # Each card shows its code's Chinese title, the code itself in the tooltip.
    codes = sorted(page.locator(".category .finding .code").evaluate_all("els => els.map(e => e.title)"))
    assert codes == sorted(truth["defects"])
    assert all(t and t not in truth["defects"] for t in page.locator(".category .finding .code").all_inner_texts())
    assert "审查完成" in page.locator("#job-status").inner_text()
    assert page.locator(".chip.legality").inner_text() == "合法性问题 1"
    assert page.locator(".category").count() == 12
    open_rows = page.locator(".category.has .category-name").all_inner_texts()
    assert open_rows and all(row in {"执法程序", "事实证据", "执法文书", "内部审批表", "送达回证", "相关记录", "案卷归档",
                                     "现场笔录", "调查报告"} for row in open_rows)
    assert page.locator("#fields dd").first.inner_text() == truth["case"]["case_number"]

    # Each finding with evidence shows its page with the evidence box drawn on it.
    thumb = page.locator(".category .finding .thumb").first
    thumb.locator("img").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator(".category .finding .box").count() >= 1
    keep(page, "findings.png")

    # The page viewer opens on the evidence page and pages through the file.
    thumb.click()
    viewer = page.locator("#viewer")
    viewer.wait_for(state="visible")
    title = page.locator("#viewer-title").inner_text()
    assert "页" in title.split(" · ")[0] and " · 共 23 页" in title  # 卷内第N页（PDF第M页） or 第M页
    page.wait_for_function("() => { const i = document.querySelector('#viewer-frame img'); return i && i.complete && i.naturalWidth > 0 }")
    keep(page, "viewer.png")
    page.locator("#next").click()
    assert page.locator("#viewer-title").inner_text() != title
    page.locator("#close").click()

    # The downloads are offered and the case is in the recent list.
    with page.expect_download() as download:
        page.locator("[data-download='sheet.docx']").click()
    assert download.value.suggested_filename == "demo-503-000.自查单.docx"
    assert page.locator("#recent li a").first.inner_text() == "demo-503-000.pdf"

    # The same file again is the same case, shown at once (no second job).
    page.locator("#file").set_input_files(str(FIXED / "demo-503-000.pdf"))
    page.locator(".category .finding").nth(1).wait_for(timeout=30_000)
    assert "审查完成" in page.locator("#job-status").inner_text()
    assert page.locator("#recent li").count() == 1
    assert requests_out == []  # nothing fetched from outside the service
    page.close()


def test_a_case_whose_upload_was_deleted_still_shows_its_report(server: str, serve_data: Path, browser) -> None:
    """Retention deleted the upload (and its annotated copy): the findings, fields and review
    still show, the pages say the original is gone instead of broken pictures."""
    import time

    from service.jobs import JobStore
    from service.web.review_api import sweep_uploads

    page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    page.goto(server + "/")
    page.locator("#file").set_input_files(str(FIXED / "demo-503-000.pdf"))  # the case checked above
    page.locator(".category .finding").nth(1).wait_for(timeout=90_000)
    job_id = page.evaluate("() => location.hash").rsplit("/", 1)[-1]
    store = JobStore(serve_data / "jobs.sqlite3")
    store._connect().execute("UPDATE jobs SET finished=? WHERE id=?", (time.time() - 40 * 86400, job_id))
    assert job_id in sweep_uploads(store, 30)
    page.reload()  # the case opened afresh, from its address
    page.wait_for_function("() => document.querySelector('#job-status').innerText.includes('保存期限')", timeout=30_000)
    page.locator(".category .finding").nth(1).wait_for(timeout=30_000)
    status = page.locator("#job-status").inner_text()
    assert "审查完成" in status and "保存期限" in status
    assert page.locator(".page-gone").count() >= 1 and page.locator(".thumb img").count() == 0
    page.close()


def test_a_bad_file_is_refused_on_the_page(server: str, browser, tmp_path: Path) -> None:
    fake = tmp_path / "扫描件.pdf"
    fake.write_bytes(b"this is not a pdf at all")
    page = browser.new_page(locale="zh-CN")
    page.goto(server + "/")
    page.locator("#file").set_input_files(str(fake))
    error = page.locator("#upload-error")
    error.wait_for(state="visible", timeout=20_000)
    assert error.inner_text() == "扫描件.pdf: 不是 PDF 文件（not a PDF file）"
    page.close()


def test_no_browser_was_downloaded() -> None:
    cache = Path.home() / ".cache" / "ms-playwright"
    assert not cache.exists() or not any(p.name.startswith("chromium") for p in cache.iterdir()), (
        "a Playwright browser download was found; the tests use /usr/bin/chromium")
