"""The reviewer's station over HTTP: a case's review, the case list, deleting, retention, field precision.

Routes (all under the service's authentication; `request.state.user` is who asks):
- `GET /api/me`: the user and what the role may do;
- `GET /api/cases`: the case list, searchable (文号, 当事人, 承办人员), filtered by month, 是否合格
  and review status;
- `GET`/`PUT /api/cases/{id}/review` (CONTRACT.md "Review by a person"): a PUT is validated
  against the report (422), refused while the case is not done (409) or for a role that may not
  review (403); the service sets reviewer, time and history, stores `NAME.review.json` beside the
  report and renders the 自查单 and annotated PDF again, so the downloads reflect it;
- `DELETE /api/cases/{id}`: the upload and the outputs removed (管理员);
- `GET /api/statistics.xlsx?month=YYYY-MM`: the month's 统计表 over the cases listed;
- `GET /api/rules/stats`: per rule, confirmed and dismissed over every reviewed case.

Uploads older than `CASECHECK_RETENTION_DAYS` days (unset: kept) are deleted at start and daily,
with their annotated copies: ID-card copies are personal data. The report, review and 自查单 stay;
the page pictures and the annotated PDF then answer 410.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from models.report import Report
from models.review import STATUS_NAMES, Review, ReviewError, validate_against
from service.jobs import Job, JobStore
from service.review import (
    apply_review,
    empty_review,
    ensure_ids,
    load_review,
    record_changes,
    review_path,
    rule_stats,
    save_review,
    stats_json,
)
from service.users import User
from service.web.settings import ServeSettings

log = logging.getLogger(__name__)

SWEEP_EVERY = 24 * 3600.0
_case_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_report_cache: dict[str, tuple[float, Report]] = {}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _user(request: Request) -> User:
    user = getattr(request.state, "user", None)
    return user if isinstance(user, User) else User(name="管理员", role="管理员")


def _lock_of(job_id: str) -> threading.Lock:
    with _locks_guard:
        return _case_locks.setdefault(job_id, threading.Lock())


def _report_of(job: Job) -> Report:
    path = Path(job.outputs.get("report", ""))
    try:
        mtime = path.stat().st_mtime
        cached = _report_cache.get(str(path))
        if cached and cached[0] == mtime:
            return cached[1]
        report = ensure_ids(Report.model_validate_json(path.read_bytes()))
    except (OSError, ValueError):
        raise Refused(500, f"{job.name}: the report is missing from the data folder") from None
    _report_cache[str(path)] = (mtime, report)
    return report


def _done_job(store: JobStore, job_id: str) -> Job:
    job = store.get(job_id) if len(job_id) <= 64 else None
    if job is None:
        raise Refused(404, f"no case {job_id}")
    if job.status != "done":
        raise Refused(409, f"{job.name} is {job.status}: it can be reviewed once it is checked")
    return job


def _stored_review(job: Job, report: Report) -> Review:
    path = review_path(Path(job.outputs["report"]))
    try:
        review = load_review(path, report)
    except (OSError, ValueError):
        log.warning("%s: unreadable; starting from an empty review", path, exc_info=True)
        review = None
    return review or empty_review(report)


def _review_body(review: Review) -> dict[str, Any]:
    return json.loads(review.to_json())


def rerender(job: Job, report: Report, review: Review, settings: ServeSettings) -> None:
    """The 自查单 and annotated PDF again, from the report plus the review, over the old ones."""
    from checkers import load_pack
    from service.outputs import render_outputs, write_outputs

    source = Path(job.source)
    kinds = tuple(k for k in ("sheet", "annotated") if k in job.outputs and (k != "annotated" or source.is_file()))
    outputs = render_outputs(report, source, None, load_pack(settings.rules), kinds=kinds, review=review)
    write_outputs(outputs, {kind: Path(job.outputs[kind]) for kind in outputs})


# -- the case list --------------------------------------------------------------------------------
def case_entry(job: Job, with_case: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": job.id, "status": job.status, "progress": {"done": job.done, "total": job.total},
        "error": job.error, "name": job.name, "sha256": job.sha256, "created": job.created,
        "finished": job.finished, "summary": job.summary or None,
        "month": dt.datetime.fromtimestamp(job.created).strftime("%Y-%m"),
        "review_status": None, "review_status_name": None, "passed": None, "case": None,
    }
    if job.status != "done" or not with_case:
        return body
    try:
        report = _report_of(job)
        reviewed = apply_review(report, _stored_review(job, report), _checked_rows())
    except (Refused, ReviewError):
        return body
    case = reviewed.report.case
    body.update(
        review_status=reviewed.review.status, review_status_name=STATUS_NAMES[reviewed.review.status],
        passed="待复核" if reviewed.passed is None else ("是" if reviewed.passed else "否"),
        case={"decision_number": case.decision_number, "case_number": case.case_number,
              "party": case.party, "officers": case.officers, "cause": case.cause,
              "case_type": case.case_type, "agency": case.agency},
        reviewer=reviewed.review.reviewer,
    )
    return body


_checked_rows_cache: list[str] = []


def _checked_rows() -> list[str]:
    if not _checked_rows_cache:
        from checkers import load_pack

        _checked_rows_cache.extend({c for c, _k in load_pack().codes.values()})
    return _checked_rows_cache


def _matches(entry: dict[str, Any], q: str, number: str, party: str, officer: str, month: str,
             passed: str, review: str) -> bool:
    case = entry.get("case") or {}
    numbers = " ".join(filter(None, [case.get("decision_number"), case.get("case_number")]))
    if q and q not in " ".join(filter(None, [entry["name"], numbers, case.get("party"), case.get("cause"),
                                                 " ".join(case.get("officers") or [])])):
        return False
    if number and number not in numbers:
        return False
    if party and party not in (case.get("party") or ""):
        return False
    if officer and not any(officer in o for o in case.get("officers") or []):
        return False
    if month and entry["month"] != month:
        return False
    if passed and entry.get("passed") != passed:
        return False
    return not review or entry.get("review_status") == review


# -- retention ------------------------------------------------------------------------------------
def retention_days() -> int | None:
    raw = (os.environ.get("CASECHECK_RETENTION_DAYS") or "").strip()
    if not raw:
        return None
    try:
        days = int(raw)
    except ValueError:
        log.error("CASECHECK_RETENTION_DAYS=%r is not a whole number: uploads are kept", raw)
        return None
    return days if days > 0 else None


def sweep_uploads(store: JobStore, days: int, now: float | None = None) -> list[str]:
    """Delete the uploaded PDFs of finished cases older than `days`, and their annotated copies
    (every page of the upload is in it); the ids swept. The report, review and 自查单 stay."""
    now = now or time.time()
    swept = []
    for job in store.all():
        if job.status not in ("done", "failed") or (job.finished or job.created) > now - days * 86400:
            continue
        copies = [Path(job.source)] + ([Path(job.outputs["annotated"])] if job.outputs.get("annotated") else [])
        present = [path for path in copies if path.is_file()]
        for path in present:
            path.unlink(missing_ok=True)
        if present:
            swept.append(job.id)
    if swept:
        log.info("retention: %d uploads older than %d days deleted", len(swept), days)
    return swept


def _start_sweeper(app_state, days: int) -> None:
    def loop() -> None:
        while True:
            store = getattr(app_state, "store", None)
            if store is not None:
                try:
                    sweep_uploads(store, days)
                except Exception:
                    log.exception("retention sweep failed")
                time.sleep(SWEEP_EVERY)
            else:
                time.sleep(1.0)  # the service is starting

    threading.Thread(target=loop, name="casecheck-retention", daemon=True).start()


# -- the router -----------------------------------------------------------------------------------
def review_router(settings: ServeSettings, dependencies: list, app_state=None) -> APIRouter:
    """The routes above, under the service's authentication `dependencies`."""
    router = APIRouter(dependencies=dependencies)
    days = retention_days()
    if days and app_state is not None:
        _start_sweeper(app_state, days)

    def store_of(request: Request) -> JobStore:
        return request.app.state.store

    @router.get("/api/me", summary="Who is asking, and what the role may do")
    def me(request: Request) -> dict[str, Any]:
        user = _user(request)
        return {"name": user.name, "role": user.role, "may_review": user.may_review, "is_admin": user.is_admin,
                "retention_days": days}

    @router.get("/api/cases", summary="The case list: search and filters")
    def cases(request: Request, limit: Annotated[int, Query(ge=1, le=2000)] = 50, q: str = "",
              number: str = "", party: str = "", officer: str = "", month: str = "", passed: str = "",
              review: str = "") -> list[dict[str, Any]]:
        filtered = any((q, number, party, officer, month, passed, review))
        jobs = store_of(request).recent(100_000 if filtered else limit)
        entries = [case_entry(job) for job in jobs]
        if filtered:
            entries = [e for e in entries if _matches(e, q.strip(), number.strip(), party.strip(), officer.strip(),
                                                      month.strip(), passed.strip(), review.strip())]
        return entries[:limit]

    @router.get("/api/cases/{job_id}/review", summary="A case's review (empty, status machine, before any)")
    def get_review(job_id: str, request: Request) -> Response:
        try:
            job = _done_job(store_of(request), job_id)
            report = _report_of(job)
        except Refused as exc:
            return _error(exc.status, exc.message)
        return JSONResponse(_review_body(_stored_review(job, report)))

    @router.put("/api/cases/{job_id}/review", summary="Store a case's review; the outputs follow it")
    def put_review(job_id: str, request: Request, body: Annotated[dict[str, Any], Body()]) -> Response:
        user = _user(request)
        if not user.may_review:
            return _error(403, f"{user.name}（{user.role}）may not change a review")
        try:
            job = _done_job(store_of(request), job_id)
            report = _report_of(job)
        except Refused as exc:
            return _error(exc.status, exc.message)
        # `updated` as the caller last saw it: a review changed since by someone else is not overwritten.
        checks_version, seen = "updated" in body, body.get("updated")
        body = {k: v for k, v in body.items() if k not in ("reviewer", "history", "updated")}
        body.setdefault("sha256", report.sha256)
        body.setdefault("schema", "casecheck.review/1")
        try:
            new = Review.model_validate(body)
            validate_against(new, report)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            return _error(422, f"invalid review ({problems})")
        except ReviewError as exc:
            return _error(422, str(exc))
        with _lock_of(job.id):
            old = _stored_review(job, report)
            if checks_version and seen != old.updated:
                return _error(409, f"the review was changed by {old.reviewer} at {old.updated} since it was read: "
                                   "read it again")
            stored = record_changes(old, new, by=user.name)
            try:
                rerender(job, report, stored, settings)
            except Exception as exc:  # the review is not stored if its outputs cannot be made
                log.exception("%s: outputs after review failed", job.name)
                return _error(500, f"{job.name}: the outputs could not be made again ({type(exc).__name__})")
            save_review(review_path(Path(job.outputs["report"])), stored)
        log.info("review of %s by %s: %s", job.id, user.name, stored.status)
        return JSONResponse(_review_body(stored))

    @router.delete("/api/cases/{job_id}", summary="Delete a case: its upload and outputs (管理员)")
    def delete_case(job_id: str, request: Request) -> Response:
        user = _user(request)
        if not user.is_admin:
            return _error(403, f"{user.name}（{user.role}）may not delete cases")
        store = store_of(request)
        job = store.get(job_id) if len(job_id) <= 64 else None
        if job is None:
            return _error(404, f"no case {job_id}")
        if job.status in ("queued", "running"):
            return _error(409, f"{job.name} is {job.status}: delete it once it is checked")
        data = settings.data_dir.resolve()
        for path in (Path(job.source), Path(job.outdir)):
            resolved = path.resolve()
            if data not in resolved.parents:  # only what the service itself stored
                continue
            if resolved.is_dir():
                shutil.rmtree(resolved, ignore_errors=True)
            else:
                resolved.unlink(missing_ok=True)
        store.delete(job.id)
        log.info("case %s (%s) deleted by %s", job.id, job.name, user.name)
        return Response(status_code=204)

    @router.get("/api/statistics.xlsx", summary="The month's 案卷自查情况统计表 over the cases listed")
    def statistics(request: Request, month: str = "", q: str = "", number: str = "", party: str = "",
                   officer: str = "", passed: str = "", review: str = "") -> Response:
        from service.outputs.statistics import StatisticsRow, render_statistics

        rows = []
        for job in reversed(store_of(request).recent(100_000)):
            entry = case_entry(job, with_case=job.status == "done")
            if not _matches(entry, q, number, party, officer, month, passed, review):
                continue
            if job.status == "done":
                try:
                    report = _report_of(job).model_copy(update={"file": job.name})
                    reviewed = apply_review(report, _stored_review(job, report), _checked_rows())
                except (Refused, ReviewError):
                    continue
                rows.append(StatisticsRow.from_report(report, reviewed=reviewed))
            elif job.status == "failed":
                rows.append(StatisticsRow.failed(job.name, job.error or "未能审查"))
        title_month = int(month[5:7]) if len(month) == 7 and month[5:7].isdigit() else None
        data = render_statistics(rows, title_month)
        name = f"案卷自查情况统计表{('-' + month) if month else ''}.xlsx"
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    @router.get("/api/rules/stats", summary="Per rule: confirmed and dismissed over every reviewed case")
    def stats(request: Request) -> dict[str, Any]:
        cases = []
        for job in store_of(request).all("done"):
            try:
                report = _report_of(job)
            except Refused:
                continue
            path = review_path(Path(job.outputs["report"]))
            review = load_review(path, report) if path.is_file() else None
            if review is not None:
                cases.append((report, review))
        reviewed = sum(1 for _r, review in cases if review.status == "reviewed")
        return {"reviewed_cases": reviewed, "rules": stats_json(rule_stats(cases))}

    return router
