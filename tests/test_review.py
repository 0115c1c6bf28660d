"""A person's review (CONTRACT.md "Review by a person", casecheck.review/1): ids, the model and its
validation, apply_review, history, `casecheck render --review`, users, and the review API with
every error it answers (401, 403, 409, 422)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from models.report import Evidence, Finding, Report
from models.review import AddedProblem, Decision, Remedy, Review, ReviewError, validate_against
from service.cli import main
from service.jobs import JobStore
from service.outputs.sheet import render_sheet
from service.outputs.statistics import StatisticsRow, render_statistics
from service.pipeline import CheckOptions, build_report, read_case
from service.review import (
    apply_review,
    load_review,
    record_changes,
    review_path,
    rule_stats,
    save_review,
    signed_off,
)
from service.users import UserError, UserStore
from service.web.app import create_app
from service.web.settings import ServeSettings

ROOT = Path(__file__).resolve().parents[1]
FIXED = ROOT / "samples" / "fixed"
PDF = FIXED / "demo-503-000.pdf"  # born-digital, with injected defects
ANSWERS = (19, 20)  # the sheet's 是否存在合法性问题 / 是否存在规范性问题 rows
ROW_OF = {c: 7 + i for i, c in enumerate(("主体资格", "执法程序", "事实证据", "法律使用", "现场笔录", "调查报告",
                                          "内部审批表", "执法文书", "送达回证", "相关记录", "案卷归档", "其他"))}
DOUBT = Finding(code="date.order", category="执法程序", kind="合法性", confidence=0.5,
                message="《行政处罚决定书》日期早于送达", suggestion="核对日期",
                evidence=[Evidence(page=9, bbox=(10, 10, 50, 20), text="2023年8月2日")])


@pytest.fixture(scope="module")
def case():
    return read_case(PDF, CheckOptions(workers=1))


@pytest.fixture(scope="module")
def report(case) -> Report:
    """The machine's report with one review item (R1) beside its findings."""
    made = build_report(case)
    assert made.findings, "the defective sample must give findings"
    return made.model_copy(update={"review": [DOUBT.model_copy(update={"id": "R1"})]})


def sheet_of(data: bytes):
    return docx.Document(io.BytesIO(data)).tables[0]


# -- ids ------------------------------------------------------------------------------------------
def test_every_finding_has_an_id_unique_and_stable(case) -> None:
    first, again = build_report(case), build_report(case)
    ids = [f.id for f in [*first.findings, *first.review]]
    assert all(ids) and len(set(ids)) == len(ids)
    assert [f.id for f in first.findings] == [f"F{n}" for n in range(1, len(first.findings) + 1)]
    assert ids == [f.id for f in [*again.findings, *again.review]]
    assert json.loads(first.to_json())["findings"][0]["id"] == "F1"


# -- the model ------------------------------------------------------------------------------------
def test_review_is_checked_against_its_report(report: Report) -> None:
    fine = Review(sha256=report.sha256, decisions={"F1": Decision(decision="confirmed")},
                  fields={"party": "某某公司"}, remedy={"执法文书": Remedy(done="已补正", complete=True)})
    validate_against(fine, report)
    cases = [
        (Review(sha256=report.sha256, decisions={"F99": Decision(decision="confirmed")}), "no finding F99"),
        (Review(sha256=report.sha256, decisions={"F1": Decision(decision="dismissed", reason="  ")}), "needs a reason"),
        (Review(sha256=report.sha256, fields={"colour": "red"}), "no case field colour"),
        (Review(sha256=report.sha256, fields={"officers": "张三"}), "a list of names"),
        (Review(sha256=report.sha256, remedy={"第十三行": Remedy()}), "no row 第十三行"),
        (Review(sha256="0" * 64), "another file"),
        (Review(sha256=report.sha256, reported_on="明天"), "not a date"),
    ]
    for review, expected in cases:
        with pytest.raises(ReviewError, match=expected):
            validate_against(review, report)
    with pytest.raises(ValidationError):  # rows and kinds are the sheet's
        AddedProblem(category="第十三行", kind="合法性", message="x")
    with pytest.raises(ValidationError):
        Review(sha256=report.sha256, status="done")


def test_apply_review_gives_the_effective_findings(report: Report) -> None:
    before = apply_review(report)
    assert before.review.status == "machine" and before.passed is None
    assert before.answer("合法性") == "待复核" and "待复核" in (before.pending_reason() or "")
    assert [f.id for f in before.report.review] == ["R1"]  # a doubt stays open without a decision

    first = report.findings[0]
    review = Review(sha256=report.sha256, status="reviewed",
                    decisions={first.id: Decision(decision="dismissed", reason="代收人栏无需签名"),
                               "R1": Decision(decision="confirmed")},
                    fields={"party": "澧县永兴石材厂（更正）"},
                    added=[AddedProblem(category="主体资格", kind="合法性", message="当事人营业执照已过期",
                                        suggestion="补充有效营业执照", pages=[5])],
                    remedy={"主体资格": Remedy(done="已补充营业执照", complete=True)})
    after = apply_review(report, review)
    ids = [f.id for f in after.report.findings]
    assert first.id not in ids and "R1" in ids and "A1" in ids
    assert set(ids) == {f.id for f in report.findings[1:]} | {"R1", "A1"}
    assert after.report.review == []
    assert after.report.case.party == "澧县永兴石材厂（更正）" and report.case.party != "澧县永兴石材厂（更正）"
    added = next(f for f in after.report.findings if f.id == "A1")
    assert added.category == "主体资格" and [e.page for e in added.evidence] == [5] and added.code == "manual"
    assert after.answer("合法性") == "是" and after.passed is False
    assert after.pending_reason() is None
    # 主体资格 has its 整改 done; a 合法性 problem in another row (R1, 执法程序) has not.
    assert after.remedy_answer("合法性") == "否"
    moved = apply_review(report, Review(sha256=report.sha256, decisions={first.id: Decision(decision="review")}))
    assert first.id in [f.id for f in moved.report.review] and first.id not in [f.id for f in moved.report.findings]


def test_history_records_who_did_what(report: Report) -> None:
    empty = Review(sha256=report.sha256)
    first = report.findings[0].id
    one = record_changes(empty, Review(sha256=report.sha256, status="in_review",
                                       decisions={first: Decision(decision="dismissed", reason="理由甲")}),
                         by="王芳", at="2026-12-03T10:20:00+08:00")
    assert one.reviewer == "王芳" and one.updated == "2026-12-03T10:20:00+08:00"
    assert [(h.by, h.what) for h in one.history] == [("王芳", f"排除 {first}：理由甲"), ("王芳", "状态：机器初查 → 复核中")]
    two = record_changes(one, one.model_copy(update={"status": "reviewed", "fields": {"party": "甲公司"}}), by="李明")
    assert [h.by for h in two.history] == ["王芳", "王芳", "李明", "李明", "李明", "李明"]
    whats = [h.what for h in two.history[2:]]
    assert "更正当事人名称：甲公司" in whats and "状态：复核中 → 已复核" in whats and "自查人员：李明" in whats
    assert two.self_checker == "李明" and two.reported_on  # signing off fills 自查人员 and the date
    same = record_changes(two, two, by="张三")
    assert same.history == two.history and same.reviewer == "李明"  # no change, no entry


def test_sheet_and_statistics_follow_the_review(report: Report) -> None:
    first = report.findings[0]
    review = Review(sha256=report.sha256, status="reviewed", self_checker="王芳", reported_on="2026-12-03",
                    decisions={first.id: Decision(decision="dismissed", reason="误报")},
                    fields={"party": "更正后的当事人"},
                    added=[AddedProblem(category="主体资格", kind="合法性", message="主体资格证明缺失", suggestion="补充证明")],
                    remedy={"主体资格": Remedy(done="已补充主体资格证明", complete=True)})
    table = sheet_of(render_sheet(report, reviewed=apply_review(report, review)))
    assert table.cell(3, 1).text == "更正后的当事人"
    assert table.cell(5, 4).text == "王芳" and table.cell(4, 4).text == "2026年12月3日"
    assert "主体资格证明缺失" in table.cell(ROW_OF["主体资格"], 2).text
    assert table.cell(ROW_OF["主体资格"], 3).text == "1. 补充证明"
    assert table.cell(ROW_OF["主体资格"], 4).text.startswith("已补充主体资格证明")
    assert first.message not in "".join(c.text for row in table.rows for c in row.cells)
    assert table.cell(ANSWERS[0], 1).text == "是"
    remarks = table.cell(22, 1).text
    assert f"{first.id}：误报" in remarks and "人工补充问题1项" in remarks and "待复核" not in remarks
    row = StatisticsRow.from_report(report, reviewed=apply_review(report, review))
    ws = openpyxl.load_workbook(io.BytesIO(render_statistics([row], 12))).active
    assert ws.cell(4, 4).value == "更正后的当事人" and ws.cell(4, 8).value == "否"
    pending = StatisticsRow.from_report(report)
    ws = openpyxl.load_workbook(io.BytesIO(render_statistics([pending], 12))).active
    assert ws.cell(4, 8).value == "待复核" and "待复核" in ws.cell(4, 9).value


def test_rule_stats_count_confirmed_and_dismissed(report: Report) -> None:
    first, second = report.findings[0], report.findings[-1]
    reviewed = Review(sha256=report.sha256, status="reviewed",
                      decisions={first.id: Decision(decision="dismissed", reason="误报")})
    in_review = Review(sha256=report.sha256, status="in_review",
                       decisions={second.id: Decision(decision="dismissed", reason="不计")})
    stats = {s.code: s for s in rule_stats([(report, reviewed), (report, in_review), (report, signed_off(report))])}
    assert stats[first.code].dismissed == 1 and stats[first.code].reasons == ["误报"]
    assert stats[first.code].confirmed == 1  # the second reviewed case let it stand
    assert "date.order" not in stats or stats["date.order"].confirmed == 0  # an open doubt counts as neither


# -- the command line -----------------------------------------------------------------------------
def test_render_with_review(report: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report_file = tmp_path / "demo-503-000.report.json"
    report_file.write_text(report.to_json(), "utf-8")
    first = report.findings[0]
    review = Review(sha256=report.sha256, status="reviewed", self_checker="王芳", reported_on="2026-12-03",
                    decisions={first.id: Decision(decision="dismissed", reason="代收人栏无需签名")},
                    fields={"party": "某某化工有限公司"},
                    added=[AddedProblem(category="主体资格", kind="合法性", message="未核实当事人主体资格", pages=[3])])
    review_file = tmp_path / "mine.review.json"
    save_review(review_file, review)
    out = tmp_path / "out"
    assert main(["render", str(report_file), "--review", str(review_file), "--pdf", str(PDF), "-o", str(out),
                 "-q"]) == 0
    table = sheet_of((out / "demo-503-000.自查单.docx").read_bytes())
    assert table.cell(3, 1).text == "某某化工有限公司" and table.cell(5, 4).text == "王芳"
    assert "未核实当事人主体资格" in table.cell(ROW_OF["主体资格"], 2).text
    assert "第3页" in table.cell(ROW_OF["主体资格"], 2).text
    assert table.cell(ANSWERS[0], 1).text == "是"
    import pymupdf

    with pymupdf.open(out / "demo-503-000.annotated.pdf") as annotated:
        summary = annotated[0].get_text()
    assert "已复核" in summary and "须由人工审查的项目" in summary and "主体资格" in summary
    # Without --review (and none beside the report): 待复核.
    assert main(["render", str(report_file), "--pdf", str(PDF), "-o", str(tmp_path / "plain"), "-q"]) == 0
    table = sheet_of((tmp_path / "plain" / "demo-503-000.自查单.docx").read_bytes())
    assert table.cell(ANSWERS[0], 1).text == "待复核"
    # A review that names a finding the report lacks is refused with one line.
    bad = tmp_path / "bad.review.json"
    save_review(bad, Review(sha256=report.sha256, decisions={"F99": Decision(decision="confirmed")}))
    capsys.readouterr()
    assert main(["render", str(report_file), "--review", str(bad), "--pdf", str(PDF), "-o", str(out)]) == 2
    assert "F99" in capsys.readouterr().err


def test_users_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["users", "add", "王芳", "--role", "自查员", "--data", data]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 40
    store = UserStore(tmp_path / "data" / "jobs.sqlite3")
    assert store.by_token(token).name == "王芳"
    stored = store._connect().execute("SELECT token_hash FROM users").fetchone()[0]
    assert token not in stored and len(stored) == 64  # only a hash is kept
    assert main(["users", "add", "王芳", "--data", data]) == 2
    assert main(["users", "add", "某人", "--role", "局长", "--data", data]) == 2
    assert main(["users", "list", "--data", data]) == 0
    assert "王芳\t自查员" in capsys.readouterr().out
    assert main(["users", "remove", "王芳", "--data", data]) == 0
    assert store.by_token(token) is None
    with pytest.raises(UserError):
        store.add("", "自查员")


# -- the API --------------------------------------------------------------------------------------
ADMIN = "admin-token-for-tests"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("review-serve") / "data"
    settings = ServeSettings(data_dir=data, workers=1, token=ADMIN)
    users = UserStore(settings.db)
    tokens = {name: users.add(name, role) for name, role in
              (("王芳", "自查员"), ("李明", "法制审核"))}
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        answer = client.post("/api/cases", files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
                             headers=bearer(ADMIN))
        assert answer.status_code == 202
        job_id = answer.json()["id"]
        deadline = time.monotonic() + 180
        while client.get(f"/api/cases/{job_id}", headers=bearer(ADMIN)).json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, "the case was not checked in time"
            time.sleep(0.2)
        yield client, job_id, tokens, settings


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_review_round_trip_and_downloads(served) -> None:
    client, job_id, tokens, settings = served
    me = client.get("/api/me", headers=bearer(tokens["王芳"])).json()
    assert me == {"name": "王芳", "role": "自查员", "may_review": True, "is_admin": False, "retention_days": None}
    empty = client.get(f"/api/cases/{job_id}/review", headers=bearer(tokens["王芳"]))
    assert empty.status_code == 200 and empty.json()["status"] == "machine" and empty.json()["history"] == []
    report = client.get(f"/api/cases/{job_id}", headers=bearer(ADMIN)).json()["report"]
    first = report["findings"][0]["id"]
    body = {"status": "reviewed", "decisions": {first: {"decision": "dismissed", "reason": "代收人栏无需签名"}},
            "fields": {"party": "某某化工有限公司"},
            "added": [{"category": "主体资格", "kind": "合法性", "message": "主体资格证明缺失", "suggestion": "补充",
                       "pages": [3]}],
            "remedy": {"主体资格": {"done": "已补充", "complete": True}},
            "reviewer": "冒名者", "history": [{"at": "x", "by": "冒名者", "what": "x"}]}
    stored = client.put(f"/api/cases/{job_id}/review", json=body, headers=bearer(tokens["王芳"]))
    assert stored.status_code == 200, stored.text
    review = stored.json()
    assert review["reviewer"] == "王芳" and review["self_checker"] == "王芳" and review["schema"] == "casecheck.review/1"
    assert {h["by"] for h in review["history"]} == {"王芳"}
    assert f"排除 {first}：代收人栏无需签名" in [h["what"] for h in review["history"]]
    assert client.get(f"/api/cases/{job_id}/review", headers=bearer(ADMIN)).json() == review
    # The review is stored beside the report; the report itself is untouched.
    job = JobStore(settings.db).get(job_id)
    assert load_review(review_path(Path(job.outputs["report"]))).status == "reviewed"
    assert json.loads(Path(job.outputs["report"]).read_text("utf-8")) == report
    # The downloads follow it.
    table = sheet_of(client.get(f"/api/cases/{job_id}/sheet.docx", headers=bearer(ADMIN)).content)
    assert table.cell(3, 1).text == "某某化工有限公司" and table.cell(5, 4).text == "王芳"
    assert "主体资格证明缺失" in table.cell(ROW_OF["主体资格"], 2).text
    # The list shows it and filters on it.
    listed = client.get("/api/cases", params={"review": "reviewed"}, headers=bearer(ADMIN)).json()
    assert [e["id"] for e in listed] == [job_id] and listed[0]["case"]["party"] == "某某化工有限公司"
    assert client.get("/api/cases", params={"review": "machine"}, headers=bearer(ADMIN)).json() == []
    assert client.get("/api/cases", params={"party": "某某化工"}, headers=bearer(ADMIN)).json()[0]["id"] == job_id
    assert client.get("/api/cases", params={"party": "不存在"}, headers=bearer(ADMIN)).json() == []
    xlsx = client.get("/api/statistics.xlsx", params={"month": listed[0]["month"]}, headers=bearer(ADMIN))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.cell(4, 4).value == "某某化工有限公司" and ws.cell(4, 8).value == "否"
    stats = client.get("/api/rules/stats", headers=bearer(ADMIN)).json()
    code = report["findings"][0]["code"]
    assert stats["reviewed_cases"] == 1
    assert next(r for r in stats["rules"] if r["code"] == code)["dismissed"] >= 1


def test_api_review_errors(served) -> None:
    client, job_id, tokens, settings = served
    url = f"/api/cases/{job_id}/review"
    reviewer = bearer(tokens["王芳"])
    assert client.put(url, json={"status": "in_review"}, headers=bearer("wrong")).status_code == 401
    assert client.get(url).status_code == 401
    refused = client.put(url, json={"status": "in_review"}, headers=bearer(tokens["李明"]))
    assert refused.status_code == 403 and "法制审核" in refused.json()["error"]
    for body, expected in [
        ({"decisions": {"F999": {"decision": "confirmed"}}}, "F999"),
        ({"decisions": {"F1": {"decision": "dismissed", "reason": ""}}}, "reason"),
        ({"remedy": {"第十三行": {"done": "x"}}}, "第十三行"),
        ({"added": [{"category": "第十三行", "kind": "合法性", "message": "x"}]}, "category"),
        ({"fields": {"colour": "red"}}, "colour"),
    ]:
        answer = client.put(url, json=body, headers=reviewer)
        assert answer.status_code == 422 and expected in answer.json()["error"], answer.text
    # A case not yet done: 409.
    store = JobStore(settings.db)
    pending, _ = store.add("f" * 64, "pending.pdf", str(settings.data_dir / "nowhere.pdf"))
    assert store.claim(pending.id) is not None  # running, held by no worker
    answer = client.put(f"/api/cases/{pending.id}/review", json={}, headers=reviewer)
    assert answer.status_code == 409 and "running" in answer.json()["error"]
    assert client.get(f"/api/cases/{pending.id}/review", headers=reviewer).status_code == 409
    assert client.put("/api/cases/nosuchcase/review", json={}, headers=reviewer).status_code == 404
    # Deleting: the administrator only; the running case is refused.
    assert client.delete(f"/api/cases/{pending.id}", headers=reviewer).status_code == 403
    assert client.delete(f"/api/cases/{pending.id}", headers=bearer(ADMIN)).status_code == 409


def _upload_and_wait(client, pdf: Path) -> str:  # type: ignore[no-untyped-def]
    """Upload `pdf` as the administrator and wait until it is checked; its case id."""
    answer = client.post("/api/cases", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")},
                         headers=bearer(ADMIN))
    job_id = answer.json()["id"]
    deadline = time.monotonic() + 180
    while client.get(f"/api/cases/{job_id}", headers=bearer(ADMIN)).json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return job_id


def test_api_delete_removes_upload_and_outputs(served, tmp_path: Path) -> None:
    client, _job_id, _tokens, settings = served
    job_id = _upload_and_wait(client, FIXED / "demo-502-000.pdf")
    job = JobStore(settings.db).get(job_id)
    assert Path(job.source).is_file() and Path(job.outdir).is_dir()
    assert client.delete(f"/api/cases/{job_id}", headers=bearer(ADMIN)).status_code == 204
    assert not Path(job.source).exists() and not Path(job.outdir).exists()
    assert client.get(f"/api/cases/{job_id}", headers=bearer(ADMIN)).status_code == 404


def test_retention_sweeps_old_uploads(tmp_path: Path) -> None:
    from service.web.review_api import sweep_uploads

    store = JobStore(tmp_path / "jobs.sqlite3")
    old_pdf, new_pdf = tmp_path / "old.pdf", tmp_path / "new.pdf"
    old_annotated, new_annotated = tmp_path / "old.annotated.pdf", tmp_path / "new.annotated.pdf"
    for path in (old_pdf, new_pdf, old_annotated, new_annotated):
        path.write_bytes(b"%PDF-1.4")
    old, _ = store.add("a" * 64, "old.pdf", str(old_pdf))
    new, _ = store.add("b" * 64, "new.pdf", str(new_pdf))
    for job, annotated in ((old, old_annotated), (new, new_annotated)):
        store.finish(job.id, {"annotated": str(annotated)}, {})
    store._connect().execute("UPDATE jobs SET finished=? WHERE id=?", (time.time() - 40 * 86400, old.id))
    assert sweep_uploads(store, 30) == [old.id]
    # The annotated copy holds every page of the upload: it goes with it.
    assert not old_pdf.exists() and not old_annotated.exists()
    assert new_pdf.exists() and new_annotated.exists()


def test_a_swept_case_keeps_its_report_and_sheet_and_answers_410_for_its_pages(served) -> None:
    from service.web.review_api import sweep_uploads

    client, _job_id, _tokens, settings = served
    job_id = _upload_and_wait(client, FIXED / "demo-503-000.pdf")
    store = JobStore(settings.db)
    store._connect().execute("UPDATE jobs SET finished=? WHERE id=?", (time.time() - 40 * 86400, job_id))
    assert job_id in sweep_uploads(store, 30)
    for path in (f"/api/cases/{job_id}/pages", f"/api/cases/{job_id}/pages/1.png", f"/api/cases/{job_id}/annotated.pdf"):
        gone = client.get(path, headers=bearer(ADMIN))
        assert gone.status_code == 410 and "保存期限" in gone.json()["error"], path
    for path in (f"/api/cases/{job_id}", f"/api/cases/{job_id}/report.json", f"/api/cases/{job_id}/sheet.docx"):
        assert client.get(path, headers=bearer(ADMIN)).status_code == 200, path


def test_a_trusted_proxy_header_names_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.users import AuthError, identify

    db = tmp_path / "jobs.sqlite3"
    UserStore(db).add("王芳", "自查员")
    headers = {"x-remote-user": "王芳"}
    with pytest.raises(AuthError):  # off by default
        identify("", "10.0.0.5", headers, ADMIN, db)
    monkeypatch.setenv("CASECHECK_USER_HEADER", "X-Remote-User")
    with pytest.raises(AuthError):  # only from a trusted host
        identify("", "10.0.0.9", headers, ADMIN, db)
    monkeypatch.setenv("CASECHECK_TRUSTED_PROXIES", "10.0.0.5")
    assert identify("", "10.0.0.5", headers, ADMIN, db).name == "王芳"
    with pytest.raises(AuthError):
        identify("", "10.0.0.5", {"x-remote-user": "无此人"}, ADMIN, db)


def test_api_refuses_a_review_changed_since_it_was_read(served) -> None:
    client, job_id, tokens, _settings = served
    url = f"/api/cases/{job_id}/review"
    reviewer = bearer(tokens["王芳"])
    read = client.get(url, headers=reviewer).json()
    changed = client.put(url, json={**read, "remedy": {"其他": {"done": "甲", "complete": False}}}, headers=reviewer)
    assert changed.status_code == 200
    stale = client.put(url, json={**read, "remedy": {"其他": {"done": "乙", "complete": False}}}, headers=reviewer)
    assert stale.status_code == 409 and "changed by 王芳" in stale.json()["error"]
    assert client.get(url, headers=reviewer).json()["remedy"]["其他"]["done"] == "甲"


def test_rule_stats_command_and_batch_tables_read_the_services_reviews(report: Report, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from service.review import review_for_tables, service_reviews

    data = tmp_path / "data"
    outdir = data / "outputs" / "x"
    outdir.mkdir(parents=True)
    report_file = outdir / "case.report.json"
    report_file.write_text(report.to_json(), "utf-8")
    first = report.findings[0]
    save_review(review_path(report_file), Review(sha256=report.sha256, status="reviewed", fields={"party": "服务更正"},
                                                 decisions={first.id: Decision(decision="dismissed", reason="误报")}))
    store = JobStore(data / "jobs.sqlite3")
    job, _ = store.add(report.sha256, "case.pdf", str(PDF), str(outdir))
    store.finish(job.id, {"report": str(report_file)}, {})
    assert main(["rules", "--stats", "--data", str(data), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["reviewed_cases"] == 1
    assert next(r for r in printed["rules"] if r["code"] == first.code)["dismissed"] == 1
    # batch's tables: a report of the same content elsewhere takes the service's review.
    elsewhere = tmp_path / "batch-out" / "case.report.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text(report.to_json(), "utf-8")
    reviewed = review_for_tables(elsewhere, report, service_reviews(data / "jobs.sqlite3"))
    assert reviewed.reviewed and reviewed.report.case.party == "服务更正"
    assert review_for_tables(elsewhere, report, {}).review.status == "machine"


def test_batch_renders_each_case_again_with_its_review(tmp_path: Path) -> None:
    """After a person's review, the batch's own 自查单 of the case says what its tables say."""
    import shutil

    from service.batch import run_batch

    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(PDF, archive / "case.pdf")
    out = tmp_path / "out"
    assert run_batch(archive, out).failed == 0
    report_file = next(out.rglob("*.report.json"))
    sheet_file = next(out.rglob("*.自查单.docx"))
    stored = Report.model_validate_json(report_file.read_bytes())
    dismissed = stored.findings[0]
    row = ROW_OF[dismissed.category]
    before = sheet_of(sheet_file.read_bytes())
    assert before.cell(row, 2).text.startswith("1.")
    save_review(review_path(report_file), Review(
        sha256=stored.sha256, status="reviewed", fields={"party": "批量复核更正"},
        decisions={f.id: Decision(decision="dismissed", reason="误报")
                   for f in stored.findings if f.category == dismissed.category}))
    assert run_batch(archive, out).failed == 0
    after = sheet_of(sheet_file.read_bytes())
    assert after.cell(3, 1).text == "批量复核更正" and before.cell(3, 1).text != "批量复核更正"
    assert not after.cell(row, 2).text.startswith("1.")  # the row's findings dismissed
    assert "误报" in after.cell(22, 1).text
    assert Report.model_validate_json(report_file.read_bytes()).findings == stored.findings  # the machine's report stays
    rendered = sheet_file.stat().st_mtime_ns
    assert run_batch(archive, out).failed == 0
    assert sheet_file.stat().st_mtime_ns == rendered  # the review unchanged since: not rendered again
