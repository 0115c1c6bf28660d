"""Moving originals out of the inbox once their content's job has ended, with the note beside.

Every move is written to the ledger before it is made (`moving_to`) and after (`processed` or
`failed`), so a watcher killed in between finds out at its next start which of the two happened.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath
from typing import Literal

from service.jobs import Job, JobStore
from service.watch.config import WatchConfig
from service.watch.files import DUPLICATE_SUFFIX, REASON_SUFFIX, free_destination, move_original, write_note
from service.watch.ledger import Arrival, Ledger
from service.watch.worker import JobResult

log = logging.getLogger("service.watch.watcher")  # one logger for the per-file lines

RETRY_HINT = " (a fault of casecheck or of the output folder, not of the file: drop it again to retry)"


class Mover:
    """Moves the files of ended jobs to processed/ or failed/ (the watcher's thread only)."""

    def __init__(self, config: WatchConfig, store: JobStore, ledger: Ledger,
                 inbox_files: dict[Path, int]) -> None:
        self.config = config
        self.store = store
        self.ledger = ledger
        self.inbox_files = inbox_files  # the watcher's: originals admitted and not yet moved
        self.move_again: set[int] = set()  # arrivals whose move failed (permissions): retried later

    def retry(self) -> None:
        """Moves that failed before (a share's hiccup, permissions), tried again."""
        for arrival_id in list(self.move_again):
            self.move_again.discard(arrival_id)
            arrival = self.ledger.get(arrival_id)
            if arrival.state == "waiting":
                self.resolve_arrival(arrival)

    def resolve(self, job: Job | None, result: JobResult | None = None) -> None:
        """The job has ended: move every file of its content out of the inbox, the primary first."""
        if job is None:
            return
        for arrival in self.ledger.waiting_for(job.id):
            self.resolve_arrival(arrival, job, result)

    def resolve_arrival(self, arrival: Arrival, job: Job | None = None, result: JobResult | None = None) -> None:
        """Move one file whose content's job has ended (or that is not a case file at all)."""
        if arrival.job_id is None:
            self._fail(arrival, _not_a_pdf(PurePosixPath(arrival.path).name))
            return
        job = job or self.store.get(arrival.job_id)
        if job is None or job.status not in ("done", "failed"):
            return
        name = PurePosixPath(arrival.path).name
        first = self.ledger.checked_as(job.id) if arrival.role == "duplicate" else None
        first_name = first.path if first else job.name
        if job.status == "failed":
            reason = (job.error or f"{name}: could not be checked") + (
                RETRY_HINT if job.failure in ("internal", "write") else "")
            if arrival.role == "duplicate":
                reason = (f"{name}: same content as {first_name}, which could not be checked: "
                          f"{_after_name(reason, PurePosixPath(first_name).name)}")
            self._fail(arrival, reason)
        elif arrival.role == "duplicate":
            note = (f"{name}: same content as {first_name} (sha256 {job.sha256[:12]}), already checked; "
                    f"its report: {job.outputs.get('report', '')}")
            if dest := self.move(arrival, "processed", note):
                log.info("%s: same content as %s, no new outputs → %s", arrival.path, first_name, self.shown(dest))
        elif dest := self.move(arrival, "processed", None):
            log.info("%s: %s → %s", arrival.path, _described(job, result), self.shown(dest))

    def _fail(self, arrival: Arrival, reason: str) -> None:
        if dest := self.move(arrival, "failed", reason):
            log.warning("%s → %s", reason, self.shown(dest))

    def move(self, arrival: Arrival, state: Literal["processed", "failed"], note: str | None) -> Path | None:
        """Move the original to processed/ or failed/ (never over another file), the note beside it."""
        src = self.config.source(arrival.path)
        if not unchanged(src, arrival):
            self.ledger.gone(arrival.id, "left the inbox (or changed) before it could be moved")
            self.inbox_files.pop(src, None)
            log.warning("%s: left the inbox before it could be moved to %s/", arrival.path, state)
            return None
        folder = self.config.failed if state == "failed" else self.config.processed
        dest = free_destination(folder, arrival.path)
        self.ledger.moving(arrival.id, dest, note)
        try:
            move_original(src, dest)
        except OSError as exc:
            log.error("%s: cannot be moved to %s (%s); trying again at the next rescan",
                      arrival.path, dest, exc.strerror or exc)
            self.move_again.add(arrival.id)
            return None
        suffix = REASON_SUFFIX if state == "failed" else DUPLICATE_SUFFIX
        if note:
            try:
                write_note(dest.with_name(dest.name + suffix), note)
            except OSError as exc:
                log.error("%s: the note beside it could not be written (%s)", dest, exc.strerror or exc)
        self.ledger.moved(arrival.id, state, dest)
        self.inbox_files.pop(src, None)
        return dest

    def shown(self, path: Path) -> str:
        """A path as the log shows it: relative to the inbox when below it."""
        return self.config.relative(path) or str(path)

    def finish_half_move(self, arrival: Arrival) -> bool:
        """The watcher died during this file's move: complete it if the original reached its place."""
        src, dest = self.config.source(arrival.path), Path(arrival.moving_to or "")
        if not dest.is_file():
            return False
        if src.exists() and not unchanged(dest, arrival):
            return False  # the move did not happen: it is made again, to a fresh name
        # Moved (or, across file systems, copied whole with the removal left undone: the copy
        # left in the inbox is then seen afresh, as a duplicate; originals are never deleted).
        state: Literal["processed", "failed"] = "failed" if self.config.failed in dest.parents else "processed"
        suffix = REASON_SUFFIX if state == "failed" else DUPLICATE_SUFFIX if arrival.role == "duplicate" else None
        if suffix and arrival.reason and not dest.with_name(dest.name + suffix).exists():
            write_note(dest.with_name(dest.name + suffix), arrival.reason)
        self.ledger.moved(arrival.id, state, dest)
        return True


def unchanged(path: Path, arrival: Arrival) -> bool:
    """`path` is still the file `arrival` recorded (same size and mtime)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == (arrival.size, arrival.mtime_ns)


def _not_a_pdf(name: str) -> str:
    return f"{name}: 不是 PDF 文件，只检查 .pdf 案卷（not a PDF file; only .pdf case files are checked）"


def _after_name(reason: str, name: str) -> str:
    """A reason without the file name it starts with ("a.pdf: not a PDF file" -> "not a PDF file")."""
    return reason[len(name) + 2:] if reason.startswith(name + ": ") else reason


def _described(job: Job, result: JobResult | None) -> str:
    s = job.summary
    seconds = f", {result.seconds:.1f} s" if result else ""
    return (f"{s.get('pages', 0)} pages, {s.get('findings', 0)} findings ({s.get('legality', 0)} 合法性), "
            f"{s.get('review', 0)} to review{seconds}")
