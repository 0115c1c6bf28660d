"""The reviewer's station end to end: Debian's Chromium, driven by Playwright, against a real
`casecheck serve` with named users.

张敏 (自查员) uploads a case file and confirms a finding; 王芳 (自查员) dismisses another with a
reason, corrects the party, adds a 主体资格 problem with its 整改, and signs off. The 自查单
downloaded from the page (read back with python-docx) and the month's 统计表 show exactly that;
the history names both; 李明 (法制审核) sees the case but cannot change it (403).
Set CASECHECK_SCREENSHOTS=DIR to keep the screenshots (1440×900 and 390×844).
"""

from __future__ import annotations

import io
import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.serve_helpers import CASECHECK, CHROMIUM, FIXED, keep, launched_chromium, running_serve

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (./scripts/setup.sh installs it)")

ADMIN = "e2e-admin-token"
PDF = FIXED / "demo-503-000.pdf"
CORRECTED_PARTY = "澧县永兴石材加工厂（复核更正）"
ADDED = "未见当事人营业执照复印件，主体资格无法核实"
REASON = "负责人已在审批栏签名，系识读遗漏"
REMEDY = "已补充营业执照复印件"
ROW_OF = {c: 7 + i for i, c in enumerate(("主体资格", "执法程序", "事实证据", "法律使用", "现场笔录", "调查报告",
                                          "内部审批表", "执法文书", "送达回证", "相关记录", "案卷归档", "其他"))}


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data = tmp_path_factory.mktemp("station-data")
    tokens = {}
    for name, role in (("张敏", "自查员"), ("王芳", "自查员"), ("李明", "法制审核")):
        added = subprocess.run([str(CASECHECK), "users", "add", name, "--role", role, "--data", str(data)],
                               capture_output=True, text=True, check=True)
        tokens[name] = added.stdout.strip()
    with running_serve(data, env={"CASECHECK_TOKEN": ADMIN}) as url:
        yield url, tokens


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def sign_in(page, url: str, token: str, hash_: str = "") -> None:
    """Open the page as a user: the service asks for a token, the user types it and presses Enter."""
    page.goto(url + "/" + hash_)
    page.locator("#token-dialog").wait_for(state="visible")
    page.locator("#token").fill(token)
    page.locator("#token").press("Enter")
    page.locator("#who").wait_for(state="visible")


def api(url: str, path: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url + path, method=method, headers={"Authorization": f"Bearer {token}",
                                                                         "Content-Type": "application/json"},
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_two_reviewers_and_a_reader(station, browser, tmp_path: Path) -> None:
    url, tokens = station

    # 张敏 uploads the file and confirms its first finding.
    uploader = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(uploader, url, tokens["张敏"])
    assert uploader.locator("#who-name").inner_text() == "张敏（自查员）"
    uploader.locator("#file").set_input_files(str(PDF))
    uploader.locator(".category .finding").nth(1).wait_for(timeout=90_000)
    assert uploader.locator("#review-status").inner_text() == "机器初查"
    assert "待复核" in uploader.locator(".chip.pending").inner_text()
    case_id = uploader.evaluate("location.hash").rsplit("/", 1)[1]
    status, report = api(url, f"/api/cases/{case_id}", ADMIN)
    findings = report["report"]["findings"]
    confirmed, dismissed = findings[0], findings[1]
    uploader.locator(f".finding[data-id='{confirmed['id']}'] .actions button", has_text="确认").click()
    uploader.locator(f".finding[data-id='{confirmed['id']}'] .decision.confirmed").wait_for()
    assert uploader.locator("#review-status").inner_text() == "复核中"
    uploader.close()

    # 王芳 takes it over: dismisses, corrects, adds, records the 整改, signs off.
    reviewer = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(reviewer, url, tokens["王芳"], f"#/cases/{case_id}")
    reviewer.locator(".category .finding").nth(1).wait_for(timeout=30_000)
    card = reviewer.locator(f".finding[data-id='{dismissed['id']}']")
    card.locator(".actions button", has_text="排除").click()
    dialog = reviewer.locator("#dismiss-dialog")
    dialog.wait_for(state="visible")
    reviewer.keyboard.press("Enter")  # no reason: the dialog stays
    assert dialog.is_visible()
    reviewer.keyboard.press("Escape")  # Escape cancels
    dialog.wait_for(state="hidden")
    assert "dismissed" not in (card.get_attribute("class") or "")
    card.locator(".actions button", has_text="排除").click()
    reviewer.locator("#dismiss-reason").fill(REASON)
    reviewer.locator("#dismiss-reason").press("Enter")
    reviewer.locator(f".finding.dismissed[data-id='{dismissed['id']}']").wait_for()
    assert REASON in reviewer.locator(f".finding[data-id='{dismissed['id']}'] .reason").inner_text()

    reviewer.locator("button[aria-label='更正当事人']").click()
    field = reviewer.locator("#fields dd input")
    field.fill(CORRECTED_PARTY)
    field.press("Enter")
    corrected = reviewer.locator("#fields dd.corrected")
    corrected.wait_for()
    assert CORRECTED_PARTY in corrected.inner_text() and "机器识读：" in corrected.inner_text()

    reviewer.locator(".category[data-category='主体资格'] > summary").click()  # a row without findings is folded
    reviewer.locator("button[aria-label='在「主体资格」添加问题']").click()
    reviewer.locator("#add-dialog").wait_for(state="visible")
    assert reviewer.locator("#add-category").input_value() == "主体资格"
    reviewer.locator("#add-message").fill(ADDED)
    reviewer.locator("#add-suggestion").fill("补充当事人营业执照复印件")
    reviewer.locator("#add-pages").fill("3")
    reviewer.locator("#add-pages").press("Enter")
    added = reviewer.locator(".finding[data-id='A1']")
    added.wait_for()
    assert ADDED in added.inner_text()
    remedy = reviewer.locator("input[aria-label='主体资格整改情况']")
    remedy.fill(REMEDY)
    remedy.press("Enter")
    reviewer.locator("input[aria-label='主体资格已完成整改']").check()
    reviewer.wait_for_function("() => document.querySelector(\"input[aria-label='主体资格已完成整改']\")?.checked")

    reviewer.locator("#sign-off").click()
    reviewer.wait_for_function("() => document.querySelector('#review-status').textContent === '已复核'")
    assert reviewer.locator(".chip.plain").inner_text() == "是否合格：否"
    assert reviewer.locator("#self-checker").input_value() == "王芳"
    reviewer.locator("#history-block > summary").click()
    history = reviewer.locator("#history li").all_inner_texts()
    assert any("张敏" in h and f"确认 {confirmed['id']}" in h for h in history)
    assert any("王芳" in h and f"排除 {dismissed['id']}：{REASON}" in h for h in history)
    assert any("王芳" in h and "状态：复核中 → 已复核" in h for h in history)
    keep(reviewer, "station-1440x900.png")

    # The 自查单 downloaded from the page shows exactly that.
    with reviewer.expect_download() as download:
        reviewer.locator("[data-download='sheet.docx']").click()
    sheet = tmp_path / "sheet.docx"
    download.value.save_as(sheet)
    table = docx.Document(str(sheet)).tables[0]
    text = "\n".join(c.text for row in table.rows for c in row.cells)
    assert table.cell(3, 1).text == CORRECTED_PARTY
    assert ADDED in table.cell(ROW_OF["主体资格"], 2).text and "第3页" in table.cell(ROW_OF["主体资格"], 2).text
    assert table.cell(ROW_OF["主体资格"], 4).text.startswith(REMEDY)
    # The sheet words findings its own way (pages as 卷内/PDF): the rows say what was kept.
    same_row = [f for f in findings if f["category"] == dismissed["category"] and f["id"] != dismissed["id"]]
    assert table.cell(ROW_OF[dismissed["category"]], 2).text.count(". [") == len(same_row)
    assert table.cell(ROW_OF[confirmed["category"]], 2).text.startswith(f"1. [{confirmed['kind']}]")
    assert table.cell(19, 1).text == "是" and table.cell(5, 4).text == "王芳"
    assert "待复核" not in text

    # The month's 统计表 from the list.
    with reviewer.expect_download() as download:
        reviewer.locator("#export").click()
    ws = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert ws.cell(4, 4).value == CORRECTED_PARTY and ws.cell(4, 7).value == "是" and ws.cell(4, 8).value == "否"
    assert ws.cell(5, 1).value in (None, "") or not isinstance(ws.cell(5, 1).value, int)  # one case, one row

    # The list filters by review status and searches by party.
    reviewer.locator("#f-review").select_option("machine")
    reviewer.locator("#recent li.muted", has_text="没有符合条件的案卷").wait_for()
    reviewer.locator("#f-review").select_option("reviewed")
    reviewer.locator("#q").fill("复核更正")
    reviewer.locator("#recent li a", has_text="demo-503-000.pdf").wait_for()
    reviewer.close()

    # 李明 (法制审核) reads the case, has no buttons to change it, and the API refuses him.
    reader = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(reader, url, tokens["李明"], f"#/cases/{case_id}")
    reader.locator(".category .finding").first.wait_for(timeout=30_000)
    assert reader.locator(".finding .actions").count() == 0 and reader.locator("#sign-off").is_hidden()
    status, body = api(url, f"/api/cases/{case_id}/review", tokens["李明"], "PUT", {"status": "in_review"})
    assert status == 403 and "法制审核" in body["error"]
    status, _ = api(url, f"/api/cases/{case_id}/review", "not-a-token", "PUT", {"status": "in_review"})
    assert status == 401
    reader.close()


def test_the_station_at_phone_width(station, browser) -> None:
    """390×844: nothing wider than the screen; the station's controls reachable by keyboard."""
    url, tokens = station
    status, cases = api(url, "/api/cases", ADMIN)
    assert status == 200 and cases, "the first test uploads the case"
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(page, url, tokens["王芳"], f"#/cases/{cases[0]['id']}")
    page.locator(".category .finding").first.wait_for(timeout=30_000)
    page.locator("#reopen").click()
    page.wait_for_function("() => document.querySelector('#review-status').textContent === '复核中'")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    keep(page, "station-390x844.png")
    # Tab reaches the first decision button; Enter on 排除 opens the dialog, Escape closes it.
    first = page.locator(".finding .actions button", has_text="排除").first
    first.focus()
    page.keyboard.press("Enter")
    page.locator("#dismiss-dialog").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "dismiss-reason"
    page.keyboard.press("Escape")
    page.locator("#dismiss-dialog").wait_for(state="hidden")
    page.close()


def test_several_files_dropped_at_once(station, browser, tmp_path: Path) -> None:
    url, tokens = station
    status, before = api(url, "/api/cases", ADMIN)
    assert status == 200
    # Two born-digital files (quick to check): the sample and a copy with other bytes (a new case).
    second = tmp_path / "第二卷.pdf"
    second.write_bytes((FIXED / "demo-502-000.pdf").read_bytes() + b"\n% another copy\n")
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(page, url, tokens["张敏"])
    page.locator("#file").set_input_files([str(FIXED / "demo-502-000.pdf"), str(second)])
    page.wait_for_function(f"() => document.querySelectorAll('#recent li a').length === {len(before) + 2}",
                           timeout=90_000)
    assert {"demo-502-000.pdf", "第二卷.pdf"} <= set(page.locator("#recent li a").all_inner_texts())
    # The last one dropped is the one shown; both are checked without a reviewer (机器初查).
    page.locator("#review-status").wait_for(timeout=90_000)
    assert page.locator("#job-name").inner_text() == "第二卷.pdf"
    assert page.locator("#review-status").inner_text() == "机器初查"
    page.locator("#f-review").select_option("machine")
    page.wait_for_function("() => document.querySelectorAll('#recent li a').length === 2", timeout=60_000)
    page.close()
