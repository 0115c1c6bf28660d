"""`casecheck serve`: the HTTP API of CONTRACT.md and the reviewers' web page.

Uploads are stored by content hash (a filename is never a path), queued in the job store and
checked by `JobRunner`'s worker processes; the page polls a job for its progress and shows the
findings when it is done.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import os
import sys
import tempfile
import unicodedata
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from lexicon.safe_text import printable
from models.errors import CasecheckError, InputError, one_line
from models.report import Report
from service.jobs import Job, JobStore
from service.outputs.common import archive_numbers, page_ref, shown_message
from service.web.review_api import review_router
from service.web.runner import JobRunner
from service.web.settings import ServeSettings

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CHUNK = 1 << 20
# Downloads: the URL's name -> (output kind, the suffix the user's file gets, media type).
DOWNLOADS = {
    "report.json": ("report", ".report.json", "application/json"),
    "sheet.docx": ("sheet", ".自查单.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "annotated.pdf": ("annotated", ".annotated.pdf", "application/pdf"),
}


class ApiError(HTTPException):
    """An error answered as `{"error": "..."}` with its status code."""


def _store_of(request: Request) -> JobStore:
    return request.app.state.store


# Module level: FastAPI resolves the (postponed) annotations of routes in this module's namespace.
Store = Annotated[JobStore, Depends(_store_of)]


class _BodyTooLarge(Exception):
    pass


# Sent with every answer: no framing (clickjacking), no MIME sniffing, no referrer to elsewhere,
# and a policy allowing only this origin's own scripts (the page loads nothing from outside).
SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
}
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# /docs and /redoc: Swagger UI / ReDoc served from the package (fastapi-offline), no CDN: they
# work on an intranet; they start with an inline script.
DOCS_CSP = (b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            b"img-src 'self' data:; font-src 'self'; "
            b"worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Guard:
    """Every answer gets the security headers. Without a token (an open service) a request must
    also name a trusted host (a DNS-rebinding page names its own) and a state-changing request
    from a browser must come from this service's own origin (no cross-origin POST)."""

    def __init__(self, app, allowed_hosts: frozenset[str] | None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts  # None: no check (a token guards the service)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in {"/docs", "/redoc", "/docs/oauth2-redirect"}

        async def with_headers(event) -> None:
            if event["type"] == "http.response.start":
                headers = [(k, v) for k, v in event.get("headers", []) if k.lower() not in SECURITY_HEADERS
                           and k.lower() != b"content-security-policy"]
                headers += list(SECURITY_HEADERS.items())
                headers.append((b"content-security-policy", DOCS_CSP if docs else CSP))
                event = {**event, "headers": headers}
            await send(event)

        if self.allowed_hosts is not None and (refusal := self._refusal(scope)) is not None:
            status, message = refusal
            await JSONResponse({"error": message}, status_code=status)(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _refusal(self, scope) -> tuple[int, str] | None:
        assert self.allowed_hosts is not None
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        host = headers.get(b"host", b"").decode("latin-1").strip().lower()
        if _hostname(host) not in self.allowed_hosts:
            return 400, f"host {printable(host, 80)!r} is not served here (CASECHECK_ALLOWED_HOSTS)"
        origin = headers.get(b"origin")
        if scope["method"] in UNSAFE_METHODS and origin is not None:
            text = origin.decode("latin-1").strip().lower()
            if text.partition("://")[2].rstrip("/") != host:
                return 403, f"a request from another site ({printable(text, 80)}) is refused"
        return None


def _hostname(host: str) -> str:
    """'localhost:8000' -> 'localhost', '[::1]:8000' -> '::1'."""
    if host.startswith("["):
        name, _, port = host[1:].partition("]")
        return name if not port or (port.startswith(":") and port[1:].isdigit()) else host
    if host.count(":") == 1:
        name, _, port = host.partition(":")
        return name if port.isdigit() else host  # 'localhost:8000@evil' is no host of ours
    return host


def _sweep_uploads(uploads: Path) -> None:
    """Uploads a killed service left half received (.upload-XXXX.part)."""
    for part in uploads.glob(".upload-*.part"):
        part.unlink(missing_ok=True)


class UploadLimit:
    """Refuse an upload over the limit while it streams in: a declared Content-Length at once,
    a chunked body as soon as it passes the limit (before the form parser spools it all to disk)."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/api/cases":
            await self.app(scope, receive, send)
            return
        message = f"文件超过 {self.limit // (1024 * 1024)} MB 上限（the file is larger than {self.limit // (1024 * 1024)} MB）"
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit + CHUNK:  # the form's own bytes are small
            await JSONResponse({"error": message}, status_code=413)(scope, receive, send)
            return
        received = 0
        too_large = replied = False

        async def counting_receive():
            nonlocal received, too_large
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.limit + CHUNK:
                    too_large = True
                    raise _BodyTooLarge
            return event

        async def guarded_send(event) -> None:
            # The app answers a body cut short with its own error (400): say what happened instead.
            nonlocal replied
            if not too_large:
                await send(event)
            elif not replied:
                replied = True
                await JSONResponse({"error": message}, status_code=413)(scope, receive, send)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            if not replied:
                await JSONResponse({"error": message}, status_code=413)(scope, receive, send)


def _page_references(raw: dict[str, Any]) -> dict[str, Any]:
    """How the page names pages and finding messages, as the 自查单 does: `page_labels` (卷内第4页
    （PDF第6页） per page where the stamped numbers were read, else 第6页) and `messages` (each
    finding's message with its page references so given, by id, where that differs)."""
    try:
        report = Report.model_validate(raw)
    except ValueError:
        return {"page_labels": [], "messages": {}}
    numbers = archive_numbers(report)
    labels = [page_ref(page, numbers) for page in range(1, report.pages + 1)]
    messages = {}
    for finding in [*report.findings, *report.review]:
        shown = shown_message(finding, numbers)
        if finding.id and shown != finding.message:
            messages[finding.id] = shown
    return {"page_labels": labels, "messages": messages}


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        for folder in (settings.data_dir / "uploads", settings.data_dir / "outputs"):
            folder.mkdir(parents=True, exist_ok=True)
        _sweep_uploads(settings.data_dir / "uploads")
        store = JobStore(settings.db)
        runner = JobRunner(store, settings)
        runner.start()
        app.state.store, app.state.runner = store, runner
        log.info("casecheck serve: data in %s, %d workers", settings.data_dir, settings.workers)
        try:
            yield
        finally:
            runner.stop()

    app = FastAPIOffline(title="casecheck", version="1", lifespan=lifespan,
                  description="行政处罚案卷自动自查: upload a case-file PDF, get its findings, 自查单 and annotated PDF.")
    app.state.settings = settings
    app.add_middleware(UploadLimit, limit=settings.max_upload_bytes)
    # Outermost, so that every answer (a 413 from UploadLimit too) carries the headers.
    app.add_middleware(Guard, allowed_hosts=None if settings.token else settings.trusted_hosts())

    def authorized(request: Request) -> None:
        # CASECHECK_TOKEN (the administrator), a named user's token or a trusted proxy's header.
        from service.users import authenticate

        authenticate(request, settings.token, settings.db)

    api = [Depends(authorized)]
    app.include_router(review_router(settings, api, app.state))  # the reviewer's station (before /{download})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(CasecheckError)
    async def casecheck_error(request: Request, exc: CasecheckError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"error": f"invalid request ({problems})"}, status_code=422)

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> dict[str, Any]:
        # The counts only to the administrator: they tell an outsider how busy (and used) it is.
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if not (settings.token and scheme.lower() == "bearer"
                and hmac.compare_digest(given.strip().encode(), settings.token.encode())):
            return {"status": "ok"}
        store: JobStore = request.app.state.store
        return {"status": "ok", "jobs": store.counts(), "workers": settings.workers}

    @app.get("/api/meta", dependencies=api, summary="What the page needs: categories, document types, finding codes' titles, limits")
    def meta() -> dict[str, Any]:
        from checkers import load_pack
        from checkers.base import code_titles
        from models.doctypes import type_names
        from models.report import CATEGORIES
        from service.outputs.sheet import checked_categories

        pack = load_pack(settings.rules)
        checked = checked_categories(pack)
        return {"categories": list(CATEGORIES), "checked": [c for c in CATEGORIES if c in checked],
                "type_names": type_names(), "rule_pack": pack.name, "rule_pack_title": pack.title,
                "codes": code_titles(),  # finding code -> its Chinese title (the page shows the title)
                "max_upload_mb": settings.max_upload_mb,
                "max_pages": settings.max_pages}

    @app.post("/api/cases", status_code=202, dependencies=api, summary="Upload a case file (PDF)")
    def upload(request: Request, store: Store, file: Annotated[UploadFile, File(description="the case file")]
               ) -> JSONResponse:
        name = display_name(file.filename)
        stored, digest = _receive(file, settings)
        job = store.by_hash(digest)
        if job is not None and job.status != "failed":
            stored.unlink(missing_ok=True)
            return JSONResponse(_brief(job, duplicate=True), status_code=202)
        pages = _validate(stored, name, settings)
        source = settings.data_dir / "uploads" / f"{digest}.pdf"
        os.replace(stored, source)
        outdir = settings.data_dir / "outputs" / digest[:32]
        job, _ = store.add(digest, name, str(source.resolve()), str(outdir.resolve()), total=pages,
                           retry_failed=True)
        request.app.state.runner.wake()
        log.info("upload %s: %s, %d pages, %s", job.id, name, pages, digest[:12])
        return JSONResponse(_brief(job), status_code=202)

    @app.get("/api/cases", dependencies=api, summary="Recent case files")
    def recent(store: Store, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
        return [_brief(job) for job in store.recent(limit)]

    @app.get("/api/cases/{job_id}", dependencies=api, summary="A case file's status, progress and report")
    def status(job_id: str, store: Store) -> dict[str, Any]:
        job = _job(store, job_id)
        body = _brief(job)
        body["report"] = None
        if job.status == "done":
            try:
                body["report"] = json.loads(Path(job.outputs.get("report", "")).read_text("utf-8"))
            except (OSError, ValueError):
                raise ApiError(500, f"{job.name}: the report is missing from the data folder") from None
            body.update(_page_references(body["report"]))
        return body

    @app.get("/api/cases/{job_id}/pages", dependencies=api, summary="Page sizes in PDF points, as displayed")
    def page_sizes(job_id: str, store: Store) -> list[list[float]]:
        job = _with_upload(store, job_id)
        return [list(size) for size in _page_sizes(job.source, job.sha256)]

    @app.get("/api/cases/{job_id}/pages/{number}.png", dependencies=api, summary="A page as a picture")
    def page_image(job_id: str, number: int, store: Store,
                   width: Annotated[int, Query(ge=64, le=2000)] = 300) -> Response:
        job = _with_upload(store, job_id)
        sizes = _page_sizes(job.source, job.sha256)
        if not 1 <= number <= len(sizes):
            raise ApiError(404, f"{job.name} has no page {number} (it has {len(sizes)})")
        png = _render_page(job.source, number, width)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

    @app.get("/api/cases/{job_id}/{download}", dependencies=api, summary="report.json, sheet.docx or annotated.pdf")
    def download(job_id: str, download: str, store: Store) -> FileResponse:
        if download not in DOWNLOADS:
            raise ApiError(404, f"no such output: {download} (report.json, sheet.docx, annotated.pdf)")
        job = _job(store, job_id)
        if job.status != "done":
            raise ApiError(409, f"{job.name} is {job.status}: its outputs are not ready")
        kind, suffix, media = DOWNLOADS[download]
        path = Path(job.outputs.get(kind, ""))
        if not path.is_file() and kind == "annotated" and not Path(job.source).is_file():
            raise ApiError(410, _SWEPT.format(name=job.name))
        if not path.is_file():
            raise ApiError(500, f"{job.name}: the {download} is missing from the data folder")
        return FileResponse(path, media_type=media, filename=Path(job.name).stem + suffix)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


_SWEPT = "{name}：原件已按保存期限（CASECHECK_RETENTION_DAYS）删除，页面图像和标注PDF不再提供；报告和自查单仍可下载"


def _with_upload(store: JobStore, job_id: str) -> Job:
    """The job whose uploaded PDF is still on disk; 410 once retention deleted it."""
    job = _job(store, job_id)
    if not Path(job.source).is_file():
        raise ApiError(410, _SWEPT.format(name=job.name))
    return job


# -- uploads ------------------------------------------------------------------------------------
def display_name(filename: str | None) -> str:
    """The uploaded name, for showing and for the downloads' names only: its last part, printable."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()[:200]
    if not name or name in {".", ".."}:
        name = "upload.pdf"
    return name


def _receive(file: UploadFile, settings: ServeSettings) -> tuple[Path, str]:
    """Copy the upload to a temporary file in the data folder, within the size limit; its sha256."""
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=settings.data_dir / "uploads")
    path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            head = file.file.read(1024)
            if b"%PDF-" not in head:
                raise ApiError(415, f"{display_name(file.filename)}: 不是 PDF 文件（not a PDF file）" if head
                               else f"{display_name(file.filename)}: 文件为空（the file is empty）")
            chunk = head
            while chunk:
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise ApiError(413, f"文件超过 {settings.max_upload_mb} MB 上限（the file is larger than {settings.max_upload_mb} MB）")
                digest.update(chunk)
                out.write(chunk)
                chunk = file.file.read(CHUNK)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest()


def _validate(stored: Path, name: str, settings: ServeSettings) -> int:
    """Open the stored upload as a case file (pages countable, not encrypted...): its page count."""
    from extractors.ingest import open_case_pdf

    try:
        # The page budget is read from the page tree before any page is loaded (TooLargeError: 413).
        doc = open_case_pdf(stored, max_pages=settings.max_pages)
    except InputError as exc:
        stored.unlink(missing_ok=True)
        raise type(exc)(exc.message.replace(stored.name, name)) from None  # answered by its class
    except Exception as exc:  # MuPDF failing in a way open_case_pdf does not know: still the file's fault
        stored.unlink(missing_ok=True)
        raise InputError(f"{name}: PDF 文件已损坏，无法打开（damaged PDF that cannot be opened: {one_line(exc, 160)}）") from None
    pages = doc.page_count
    doc.close()
    return pages


# -- answers --------------------------------------------------------------------------------------
def _job(store: JobStore, job_id: str) -> Job:
    job = store.get(job_id) if len(job_id) <= 64 else None
    if job is None:
        raise ApiError(404, f"no case {job_id}")
    return job


def _brief(job: Job, duplicate: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "progress": {"done": job.done, "total": job.total},
        "error": job.error,
        "name": job.name,
        "sha256": job.sha256,
        "created": job.created,
        "finished": job.finished,
        "summary": job.summary or None,
    }
    if duplicate:
        body["duplicate"] = True
    return body


@lru_cache(maxsize=64)
def _page_sizes(source: str, sha256: str) -> tuple[tuple[float, float], ...]:
    """Displayed page sizes (rotation applied), the frame the evidence boxes are given in."""
    import pymupdf

    with pymupdf.open(source) as doc:
        return tuple((round(p.rect.width, 2), round(p.rect.height, 2)) for p in doc)


# A page picture is at most `width` wide, PICTURE_MAX_SIDE high and PICTURE_MAX_PIXELS in all:
# a page 200×14400 pt asked at width 2000 would otherwise be a 144000-pixel-high image.
PICTURE_MAX_SIDE = 4000
PICTURE_MAX_PIXELS = 4_000_000


def picture_zoom(width_pt: float, height_pt: float, width: int) -> float:
    width_pt, height_pt = max(width_pt, 1e-3), max(height_pt, 1e-3)
    return max(1e-4, min(width / width_pt, PICTURE_MAX_SIDE / height_pt,
                         (PICTURE_MAX_PIXELS / (width_pt * height_pt)) ** 0.5))


def _render_page(source: str, number: int, width: int) -> bytes:
    import pymupdf

    from extractors.ingest import is_input_fault

    with pymupdf.open(source) as doc:
        page = doc[number - 1]
        zoom = picture_zoom(page.rect.width, page.rect.height, width)
        try:
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        except Exception as exc:
            if is_input_fault(exc):
                raise InputError(f"page {number} cannot be drawn ({one_line(exc, 120)})") from None
            raise
        return pix.tobytes("png")


# -- the command --------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from checkers import RulePackError, load_pack

    try:
        settings = ServeSettings.from_env(host=args.host, port=args.port, data_dir=args.data, db_path=args.db,
                                          workers=args.workers, page_workers=args.page_workers, rules=args.rules,
                                          time_limit=getattr(args, "time_limit", None))
        load_pack(settings.rules)  # a bad pack is refused now, not in every job
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except (ValueError, RulePackError, OSError) as exc:
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    if settings.host not in {"127.0.0.1", "localhost", "::1"} and not settings.token:
        log.warning("serving on %s without CASECHECK_TOKEN: anyone who can reach it can upload and read cases; "
                    "only the host names %s are answered (CASECHECK_ALLOWED_HOSTS adds more)",
                    settings.host, ", ".join(sorted(settings.trusted_hosts() or {"*"})))
    print(f"casecheck serve: http://{settings.host}:{settings.port}/ (data: {settings.data_dir.resolve()})",
          file=sys.stderr)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info" if args.verbose
                else "warning")
    return 0

