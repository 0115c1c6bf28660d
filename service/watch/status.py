"""The watcher's summary (counts, failures, files waiting) and the lock that keeps it single.

The summary is built from the database alone, so `casecheck watch --status` answers whether a
watcher runs or not; a running watcher adds what only it knows (files settling, files in hand)
and keeps it in OUT/watch-status.json.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path, PurePosixPath
from typing import IO, Any

from lexicon.safe_text import printable
from service.jobs import JobStore
from service.watch.ledger import Arrival, Ledger

RECENT_FAILURES = 10


class WatchLock:
    """An exclusive lock beside the database: one watcher per database (and so per inbox)."""

    def __init__(self, db: Path) -> None:
        self.path = db.with_name(db.name + ".lock")
        self._fh: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock (False when another watcher holds it); the file says who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+")
        if not _try_lock(fh):
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing drops the lock
            self._fh = None

    def holder(self) -> int | None:
        """The pid of the watcher holding the lock, or None when none runs."""
        if not self.path.exists():
            return None
        with self.path.open("a+") as fh:
            if _try_lock(fh):
                return None  # closing drops the lock we just took
            fh.seek(0)
            text = fh.read().strip()
        return int(text) if text.isdigit() else -1


def _try_lock(fh: IO[str]) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def summary(store: JobStore, ledger: Ledger, *, live: dict[str, Any] | None = None,
            failures: int = RECENT_FAILURES) -> dict[str, Any]:
    """Counts by state, the files still in the inbox and the latest failures with their reasons."""
    waiting = ledger.waiting()
    jobs = {a.job_id: store.get(a.job_id) for a in waiting if a.job_id}
    waiting_rows = []
    for arrival in waiting:
        job = jobs.get(arrival.job_id) if arrival.job_id else None
        row: dict[str, Any] = {"file": arrival.path, "state": job.status if job else "moving"}
        if arrival.role == "duplicate":
            row["state"] = "duplicate, waiting for its first copy"
        elif job and job.status == "running" and job.total:
            row["pages"] = f"{job.done}/{job.total}"
        waiting_rows.append(row)
    return {
        "files": ledger.counts(),
        "jobs": store.counts(),
        "waiting": waiting_rows,
        "failures": [_failure(a) for a in ledger.recent("failed", failures)],
        **({"watcher": live} if live else {}),
        "updated": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def _failure(arrival: Arrival) -> dict[str, Any]:
    return {"file": arrival.path, "reason": arrival.reason, "moved_to": arrival.moved_to,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(arrival.finished or arrival.seen))}


def format_summary(data: dict[str, Any], *, running: int | None, unseen: int | None = None) -> str:
    """The summary as a few lines for a person."""
    files, jobs = data["files"], data["jobs"]
    lines = [f"watcher: running (pid {running})" if running else "watcher: not running"]
    live = data.get("watcher") or {}
    if running and live:
        lines[0] += f", {live.get('mode', '?')}, since {live.get('started', '?')}"
    lines.append(f"files: {files['processed']} processed ({files['duplicates']} duplicates), "
                 f"{files['failed']} failed, {files['waiting']} waiting"
                 + (f", {files['gone']} left the inbox by themselves" if files["gone"] else ""))
    lines.append("case files (by content): " + ", ".join(f"{jobs[s]} {s}" for s in ("done", "failed", "running", "queued")))
    extra = []
    if running and live.get("settling"):
        extra.append(f"{live['settling']} still being written")
    if unseen:
        extra.append(f"{unseen} not seen yet")
    if extra:
        lines.append("in the inbox: " + ", ".join(extra))
    if data["waiting"]:
        lines.append("waiting:")
        for row in data["waiting"][:20]:
            pages = f", page {row['pages']}" if row.get("pages") else ""
            lines.append(f"  {printable(row['file'])} ({row['state']}{pages})")
        if len(data["waiting"]) > 20:
            lines.append(f"  ... and {len(data['waiting']) - 20} more")
    if data["failures"]:
        lines.append("recent failures:")
        for row in data["failures"]:
            lines.append(f"  {row['at']}  {printable(row['file'])}: {printable(_reason(row))}")
    return "\n".join(lines)


def _reason(row: dict[str, Any]) -> str:
    """The reason without the file name it starts with (the line already names the file)."""
    reason = row.get("reason") or "?"
    name = PurePosixPath(row["file"]).name
    return reason[len(name) + 2:] if reason.startswith(name + ": ") else reason


def write_status_file(path: Path, data: dict[str, Any]) -> None:
    from service.outputs import write_atomic

    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
