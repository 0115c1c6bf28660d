"""Jobs in an embedded SQLite database: what was handed in, by content hash, and what became of it.

The HTTP service, the watched folder and the batch runner each keep one `JobStore`. A job is
keyed by the SHA-256 of the file's bytes, so the same content handed in twice is one job; its
state (queued → running → done | failed), its page progress and its outcome survive a restart:
`requeue_interrupted` puts jobs that were running when the process died back in the queue.

SQLite in WAL mode with a busy timeout lets worker processes report progress while the adapter
reads; each thread and process opens its own connection.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

log = logging.getLogger(__name__)

JobStatus = Literal["queued", "running", "done", "failed"]
STATUSES: tuple[str, ...] = JobStatus.__args__  # type: ignore[attr-defined]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id        TEXT PRIMARY KEY,
    sha256    TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    source    TEXT NOT NULL,
    outdir    TEXT NOT NULL DEFAULT '',
    status    TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done      INTEGER NOT NULL DEFAULT 0,
    total     INTEGER NOT NULL DEFAULT 0,
    error     TEXT,
    failure   TEXT,
    outputs   TEXT NOT NULL DEFAULT '{}',
    summary   TEXT NOT NULL DEFAULT '{}',
    attempts  INTEGER NOT NULL DEFAULT 0,
    created   REAL NOT NULL,
    started   REAL,
    finished  REAL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created);
"""


class Job(BaseModel):
    """One file handed in and its state."""

    id: str
    sha256: str
    name: str  # the name it was handed in under (display only)
    source: str  # the stored bytes it is read from
    outdir: str = ""
    status: JobStatus
    done: int = 0
    total: int = 0
    error: str | None = None
    failure: str | None = None  # input | internal | write | interrupted
    outputs: dict[str, str] = {}  # kind -> path
    summary: dict[str, Any] = {}  # counts for lists (findings, review, pages...)
    attempts: int = 0
    created: float
    started: float | None = None
    finished: float | None = None


def connect(path: Path) -> sqlite3.Connection:
    """A connection as every table of the adapters' databases wants it: autocommit (explicit
    transactions where a read and a write must be one step), rows by name, WAL, a busy timeout."""
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
    return db


class SqliteFile:
    """One SQLite file, a connection per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connect().executescript(schema)

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class JobStore(SqliteFile):
    """The jobs table of one SQLite file; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    # -- adding -----------------------------------------------------------------------------
    def add(self, sha256: str, name: str, source: str, outdir: str = "", *,
            total: int = 0, retry_failed: bool = False) -> tuple[Job, bool]:
        """The job for this content: a new queued one, or the one already there (and False).

        With `retry_failed`, a failed job of the same content is queued again (a new copy of a
        file that could not be read may now be whole)."""
        db = self._connect()
        now = time.time()
        job_id = uuid.uuid4().hex[:16]
        with _transaction(db):
            row = db.execute("SELECT * FROM jobs WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO jobs (id, sha256, name, source, outdir, status, total, created) "
                    "VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
                    (job_id, sha256, name, source, outdir, total, now))
                return self._get(db, job_id), True
            if retry_failed and row["status"] == "failed":
                db.execute(
                    "UPDATE jobs SET status='queued', name=?, source=?, outdir=?, done=0, total=?, "
                    "error=NULL, failure=NULL, outputs='{}', summary='{}', started=NULL, finished=NULL, "
                    "created=? WHERE id=?",
                    (name, source, outdir, total, now, row["id"]))
                return self._get(db, row["id"]), True
            return _job(row), False

    def requeue(self, job_id: str) -> Job:
        """Queue a job again whatever its state (batch --force)."""
        db = self._connect()
        db.execute("UPDATE jobs SET status='queued', done=0, error=NULL, failure=NULL, outputs='{}', "
                   "summary='{}', started=NULL, finished=NULL WHERE id=?", (job_id,))
        return self._get(db, job_id)

    # -- running ----------------------------------------------------------------------------
    def claim_next(self) -> Job | None:
        """Take the oldest queued job and mark it running (atomically: two workers never share one)."""
        db = self._connect()
        row = db.execute(
            "UPDATE jobs SET status='running', started=?, attempts=attempts+1, done=0 "
            "WHERE id = (SELECT id FROM jobs WHERE status='queued' ORDER BY created, rowid LIMIT 1) "
            "RETURNING *", (time.time(),)).fetchone()
        return _job(row) if row else None

    def claim(self, job_id: str) -> Job | None:
        """Mark this queued job running; None if it is not queued (another worker has it)."""
        db = self._connect()
        row = db.execute(
            "UPDATE jobs SET status='running', started=?, attempts=attempts+1, done=0 "
            "WHERE id=? AND status='queued' RETURNING *", (time.time(), job_id)).fetchone()
        return _job(row) if row else None

    def progress(self, job_id: str, done: int, total: int) -> None:
        self._connect().execute("UPDATE jobs SET done=?, total=? WHERE id=?", (done, total, job_id))

    def progress_reporter(self, job_id: str, every: float) -> Callable[[int, int], None]:
        """A pipeline progress callback writing this job's pages done, at most once per `every`
        seconds and on the last page. Progress is for display: a busy database never fails a file."""
        # -inf, not 0.0: monotonic() counts from boot, so on a machine up for less than `every`
        # seconds a 0.0 start would hold back the first report.
        last = float("-inf")

        def report(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done < total and now - last < every:
                return
            last = now
            try:
                self.progress(job_id, done, total)
            except sqlite3.Error:
                log.debug("progress of job %s not recorded", job_id, exc_info=True)

        return report

    def finish(self, job_id: str, outputs: dict[str, str], summary: dict[str, Any]) -> None:
        self._connect().execute(
            "UPDATE jobs SET status='done', outputs=?, summary=?, error=NULL, failure=NULL, "
            "done=total, finished=? WHERE id=?",
            (json.dumps(outputs, ensure_ascii=False), json.dumps(summary, ensure_ascii=False),
             time.time(), job_id))

    def fail(self, job_id: str, error: str, failure: str = "internal") -> None:
        self._connect().execute(
            "UPDATE jobs SET status='failed', error=?, failure=?, finished=? WHERE id=?",
            (error, failure, time.time(), job_id))

    def requeue_interrupted(self) -> list[Job]:
        """Jobs left running by a process that died: queued again (their outputs are rewritten
        whole, so a half-finished attempt leaves nothing behind)."""
        db = self._connect()
        rows = db.execute("UPDATE jobs SET status='queued', done=0 WHERE status='running' RETURNING *").fetchall()
        return [_job(r) for r in rows]

    # -- reading ----------------------------------------------------------------------------
    def delete(self, job_id: str) -> bool:
        """Forget a job (its files are the caller's to remove); False when there was none."""
        return self._connect().execute("DELETE FROM jobs WHERE id=?", (job_id,)).rowcount > 0

    def get(self, job_id: str) -> Job | None:
        row = self._connect().execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row) if row else None

    def by_hash(self, sha256: str) -> Job | None:
        row = self._connect().execute("SELECT * FROM jobs WHERE sha256=?", (sha256,)).fetchone()
        return _job(row) if row else None

    def recent(self, limit: int = 50) -> list[Job]:
        rows = self._connect().execute(
            "SELECT * FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?", (limit,)).fetchall()
        return [_job(r) for r in rows]

    def all(self, status: JobStatus | None = None) -> list[Job]:
        if status:
            rows = self._connect().execute(
                "SELECT * FROM jobs WHERE status=? ORDER BY created, rowid", (status,)).fetchall()
        else:
            rows = self._connect().execute("SELECT * FROM jobs ORDER BY created, rowid").fetchall()
        return [_job(r) for r in rows]

    def counts(self) -> dict[str, int]:
        found = dict(self._connect().execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def _get(self, db: sqlite3.Connection, job_id: str) -> Job:
        return _job(db.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone())


class _transaction:
    """BEGIN IMMEDIATE … COMMIT: the read and the write of `add` as one step across processes."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _job(row: sqlite3.Row) -> Job:
    data = dict(row)
    data["outputs"] = json.loads(data["outputs"] or "{}")
    data["summary"] = json.loads(data["summary"] or "{}")
    return Job.model_validate(data)
