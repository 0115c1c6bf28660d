"""The watcher's ledger: one row per file that arrived in the inbox, beside the jobs table.

The jobs table (`service.jobs`) holds one job per content (sha256); the ledger holds files, so
the same content dropped twice is one job and two files: the first is the job's `primary` (its
outputs are named after it), the second a `duplicate` that only waits for the job's outcome.
A file is `waiting` until its original has been moved out of the inbox; `moving_to` is written
before the move, so a watcher killed between the move and the next write finds out on restart
which of the two happened.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from service.jobs import SqliteFile

FileRole = Literal["primary", "duplicate", "rejected"]  # rejected: not a case file (not .pdf)
FileState = Literal["waiting", "processed", "failed", "gone"]  # gone: left the inbox by itself

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_files (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    path      TEXT NOT NULL,
    sha256    TEXT,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    job_id    TEXT,
    role      TEXT NOT NULL CHECK (role IN ('primary', 'duplicate', 'rejected')),
    out_name  TEXT,
    state     TEXT NOT NULL CHECK (state IN ('waiting', 'processed', 'failed', 'gone')),
    moving_to TEXT,
    moved_to  TEXT,
    reason    TEXT,
    seen      REAL NOT NULL,
    finished  REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS watch_files_waiting ON watch_files (path) WHERE state = 'waiting';
CREATE INDEX IF NOT EXISTS watch_files_job ON watch_files (job_id, state);
CREATE INDEX IF NOT EXISTS watch_files_out ON watch_files (out_name, state);
CREATE TABLE IF NOT EXISTS watch_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Arrival:
    """One file as it arrived: where (relative to the inbox), what (sha256) and what became of it."""

    id: int
    path: str
    sha256: str | None
    size: int
    mtime_ns: int
    job_id: str | None
    role: FileRole
    out_name: str | None  # primary: its outputs' name, relative to OUT, without extension
    state: FileState
    moving_to: str | None
    moved_to: str | None
    reason: str | None
    seen: float
    finished: float | None


class Ledger(SqliteFile):
    """The `watch_files` table in the watcher's database (the same SQLite file as its jobs)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    # -- writing ------------------------------------------------------------------------------
    def add(self, path: str, sha256: str | None, size: int, mtime_ns: int, job_id: str | None,
            role: FileRole, out_name: str | None = None) -> Arrival:
        row = self._connect().execute(
            "INSERT INTO watch_files (path, sha256, size, mtime_ns, job_id, role, out_name, state, seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?) RETURNING *",
            (path, sha256, size, mtime_ns, job_id, role, out_name, time.time())).fetchone()
        return _arrival(row)

    def make_primary(self, arrival_id: int, out_name: str) -> Arrival:
        """A duplicate whose primary left the inbox takes its place (and names the outputs)."""
        row = self._connect().execute("UPDATE watch_files SET role='primary', out_name=? WHERE id=? RETURNING *",
                                 (out_name, arrival_id)).fetchone()
        return _arrival(row)

    def moving(self, arrival_id: int, dest: Path, reason: str | None) -> None:
        """Written before the original is moved: what a restart needs to finish the move."""
        self._connect().execute("UPDATE watch_files SET moving_to=?, reason=? WHERE id=?",
                           (str(dest), reason, arrival_id))

    def moved(self, arrival_id: int, state: Literal["processed", "failed"], dest: Path) -> None:
        self._connect().execute("UPDATE watch_files SET state=?, moved_to=?, moving_to=NULL, finished=? WHERE id=?",
                           (state, str(dest), time.time(), arrival_id))

    def gone(self, arrival_id: int, reason: str) -> None:
        """The original left the inbox (or changed) before it was moved: nothing to move."""
        self._connect().execute("UPDATE watch_files SET state='gone', reason=?, moving_to=NULL, finished=? "
                           "WHERE id=?", (reason, time.time(), arrival_id))

    # -- reading ------------------------------------------------------------------------------
    def get(self, arrival_id: int) -> Arrival:
        return _arrival(self._connect().execute("SELECT * FROM watch_files WHERE id=?", (arrival_id,)).fetchone())

    def waiting(self) -> list[Arrival]:
        rows = self._connect().execute("SELECT * FROM watch_files WHERE state='waiting' ORDER BY id").fetchall()
        return [_arrival(r) for r in rows]

    def waiting_for(self, job_id: str) -> list[Arrival]:
        """The files still in the inbox that wait on this job, the primary first."""
        rows = self._connect().execute(
            "SELECT * FROM watch_files WHERE job_id=? AND state='waiting' "
            "ORDER BY role='primary' DESC, id", (job_id,)).fetchall()
        return [_arrival(r) for r in rows]

    def checked_as(self, job_id: str) -> Arrival | None:
        """The file whose name the job's outputs carry (its primary, waiting or moved)."""
        row = self._connect().execute(
            "SELECT * FROM watch_files WHERE job_id=? AND role='primary' AND state IN ('waiting', 'processed') "
            "ORDER BY id DESC LIMIT 1", (job_id,)).fetchone()
        return _arrival(row) if row else None

    def out_name_taken(self, out_name: str, sha256: str) -> bool:
        """Another content, still waiting, will write outputs under this name."""
        row = self._connect().execute(
            "SELECT 1 FROM watch_files WHERE out_name=? AND state='waiting' AND sha256<>? LIMIT 1",
            (out_name, sha256)).fetchone()
        return row is not None

    def counts(self) -> dict[str, int]:
        """Files by what became of them; `duplicates` are also counted in processed or failed."""
        db = self._connect()
        found = dict(db.execute("SELECT state, COUNT(*) FROM watch_files GROUP BY state").fetchall())
        counts = {state: int(found.get(state, 0)) for state in ("waiting", "processed", "failed", "gone")}
        counts["duplicates"] = int(db.execute(
            "SELECT COUNT(*) FROM watch_files WHERE role='duplicate' AND state IN ('processed', 'failed')"
        ).fetchone()[0])
        return counts

    def recent(self, state: FileState, limit: int = 10) -> list[Arrival]:
        rows = self._connect().execute(
            "SELECT * FROM watch_files WHERE state=? ORDER BY COALESCE(finished, seen) DESC, id DESC LIMIT ?",
            (state, limit)).fetchall()
        return [_arrival(r) for r in rows]

    # -- the folders this database belongs to -------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self._connect().execute("SELECT value FROM watch_meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._connect().execute("INSERT INTO watch_meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value=excluded.value", (key, value))


def _arrival(row: sqlite3.Row) -> Arrival:
    return Arrival(**dict(row))
