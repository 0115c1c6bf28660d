"""The watched folder's loop: notice files, wait until written, check each content once, move.

One thread (the caller's) owns the database writes, the moves and the status; files are checked
in a bounded pool: worker processes (spawned: ONNX sessions must not be forked) or, with one
worker, a thread of this process. The order of writes makes every step restart-safe:

  admit    hash the settled file → job (per content) → ledger row (per file, `waiting`)
  check    claim the job (running) → outputs written atomically, the report last
  record   job done / failed
  move     ledger `moving_to` → rename the original → note beside it → ledger `processed`/`failed`

Killed anywhere, the next start finds a `running` job (checked again: its outputs are rewritten
whole), a `done` job whose original is still in the inbox (moved, not checked again), or a move
half made (finished). Files dropped while it was down are found by the first scan.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import threading
import time
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import count
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from extractors.ingest import sha256_of
from lexicon.safe_text import printable
from models.errors import CasecheckError, UsageError, one_line
from service.jobs import Job, JobStore
from service.outputs import output_paths
from service.watch.config import STATUS_NAME, WatchConfig, is_case_file, is_junk
from service.watch.events import start_observer
from service.watch.files import remove_stale_temporaries
from service.watch.ledger import Arrival, Ledger
from service.watch.moves import Mover, unchanged
from service.watch.settle import Settler, is_network_fs, scan
from service.watch.status import WatchLock, summary, write_status_file
from service.watch.worker import JobResult, JobSpec, run_job
from service.worker_process import spawn_pool

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a file that stopped the watcher (or its worker) this often is given up as failed
WRITE_RETRY_SECONDS = 10.0  # outputs that could not be written (share away, disk full) are retried


class WatchError(UsageError):
    """The watcher cannot start (another one runs, the database belongs to another inbox...)."""


class Watcher:
    """Watch `config.inbox` until `stop()` (or, with `config.once`, until the inbox is empty)."""

    def __init__(self, config: WatchConfig) -> None:
        self.config = config
        self.settler = Settler(config.settle)
        self.mode: Literal["events", "polling"] = "polling"
        self.abandoned = False
        self._events: queue.SimpleQueue[tuple[str, bool]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stopping = threading.Event()  # first stop(): finish the files in hand, take no more
        self._abandon = threading.Event()  # second stop(): leave them to the next start
        self._ready: deque[str] = deque()  # job ids to check, oldest first
        self._later: dict[str, float] = {}  # job id -> monotonic time it may be tried again
        self._in_flight: dict[Future[JobResult], tuple[str, int]] = {}  # -> (job id, arrival id)
        self._inbox_files: dict[Path, int] = {}  # originals admitted and not yet moved -> arrival id
        self._skipped = config.skipped_dirs()
        self._lock = WatchLock(config.db)
        self._executor: Executor | None = None
        self._broken = False  # a worker process died: the pool is replaced once its calls are back
        self._suspects: set[str] = set()  # jobs in hand when a worker died: retried one at a time
        self._inbox_missing = False
        self._observer: Any = None
        self._status_due = 0.0
        self._started = time.strftime("%Y-%m-%dT%H:%M:%S")
        self.store: JobStore
        self.ledger: Ledger
        self.mover: Mover

    # -- control ------------------------------------------------------------------------------
    def stop(self) -> None:
        """First call: stop taking files and finish those in hand. Second call: abandon them."""
        if self._stopping.is_set():
            self._abandon.set()
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        """Open the database, catch up with what happened while down, then watch."""
        self._open()
        try:
            self._resume()
            self._start_watching()
            self._loop()
        finally:
            self._close()

    # -- start and stop -----------------------------------------------------------------------
    def _open(self) -> None:
        cfg = self.config
        for folder in (cfg.output, cfg.db.parent):
            folder.mkdir(parents=True, exist_ok=True)
        if not self._lock.acquire():
            raise WatchError(f"{cfg.db}: another watcher is using this database (pid {self._lock.holder()})")
        try:
            self.store = JobStore(cfg.db)
            self.ledger = Ledger(cfg.db)
            self.mover = Mover(cfg, self.store, self.ledger, self._inbox_files)
            owner = self.ledger.meta("inbox")
            if owner and owner != str(cfg.inbox):
                raise WatchError(f"{cfg.db}: this database belongs to the inbox {owner}; give another --db")
            for key in ("inbox", "output", "processed", "failed"):
                self.ledger.set_meta(key, str(getattr(cfg, key)))
        except BaseException:
            self._close_database()
            raise
        for folder in (cfg.output, cfg.processed, cfg.failed):
            remove_stale_temporaries(folder, keep_out=cfg.inbox)

    def _start_watching(self) -> None:
        cfg = self.config
        if cfg.once:
            self.mode = "polling"
            return
        if cfg.poll is None and is_network_fs(cfg.inbox):
            log.info("%s is on a network share, which sends no events for files copied from elsewhere: polling",
                     cfg.inbox)
        elif not cfg.poll:
            self._observer = start_observer(cfg.inbox, self._on_event)
        self.mode = "events" if self._observer else "polling"
        every = cfg.rescan if self._observer else cfg.poll_interval
        log.info("watching %s (%s, full rescan every %g s, %d worker%s) → %s", cfg.inbox, self.mode, every,
                 cfg.workers, "" if cfg.workers == 1 else "s", cfg.output)

    def _close(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        executor, self._executor = self._executor, None
        if executor is not None:
            if self._abandon.is_set():
                self.abandoned = bool(self._in_flight)
                _kill_workers(executor)
                executor.shutdown(wait=False, cancel_futures=True)
            else:
                executor.shutdown(wait=True)
        # Files abandoned in hand are checked again at the next start (not lost, not half-done).
        for job in self.store.requeue_interrupted():
            log.info("%s: left unfinished; it will be checked at the next start", job.name)
        self._write_status(final=True)
        self._close_database()

    def _close_database(self) -> None:
        for part in ("store", "ledger"):
            if hasattr(self, part):
                getattr(self, part).close()
        self._lock.release()

    # -- catching up at start ---------------------------------------------------------------------
    def _resume(self) -> None:
        """Finish what the last run left: moves half made, checks interrupted, moves not made."""
        interrupted = self.store.requeue_interrupted()
        if interrupted:
            log.info("%d file(s) were being checked when the watcher stopped: checking them again",
                     len(interrupted))
        jobs: list[str] = []
        for arrival in self.ledger.waiting():
            if arrival.moving_to and self.mover.finish_half_move(arrival):
                continue
            src = self.config.source(arrival.path)
            if not unchanged(src, arrival):
                self.ledger.gone(arrival.id, "left the inbox (or changed) while the watcher was down")
                continue
            self._inbox_files[src] = arrival.id
            if arrival.job_id is None:
                self.mover.resolve_arrival(arrival)
            elif arrival.job_id not in jobs:
                jobs.append(arrival.job_id)
        for job_id in jobs:
            job = self.store.get(job_id)
            if job is None or job.status == "queued":
                self._ready.append(job_id)
            else:
                self.mover.resolve(job)
        for job in self.store.all("queued"):
            if job.id not in self._ready:  # its file left the inbox while the watcher was down
                self.store.fail(job.id, f"{job.name}: left the inbox before it was checked", "vanished")

    # -- the loop -----------------------------------------------------------------------------
    def _loop(self) -> None:
        cfg = self.config
        every = cfg.rescan if self._observer else cfg.poll_interval
        next_scan = 0.0
        scanned = False
        while not self._abandon.is_set():
            now = time.monotonic()
            self._drain_events()
            if not self.stopping and now >= next_scan and not (cfg.once and scanned):
                self._rescan()  # --once: the inbox as it is at the start, no rescans
                next_scan, scanned = now + every, True
            if not self.stopping:
                for path, st in self.settler.due():
                    self._admit(path, st)
            self._collect()
            if not self.stopping:
                self._submit()
            self._maybe_write_status()
            if self.stopping and not self._in_flight:
                break
            if cfg.once and self._idle():
                break
            self._wake.wait(self._tick(next_scan - time.monotonic()))
            self._wake.clear()

    def _idle(self) -> bool:
        return not (self.settler or self._ready or self._later or self._in_flight)

    def _tick(self, until_scan: float) -> float:
        """How long the loop may sleep: events and finished checks wake it earlier."""
        if self.settler:
            return max(0.05, min(0.5, self.config.settle / 4))
        until = min([until_scan, 1.0, *(when - time.monotonic() for when in self._later.values())])
        return max(0.05, until)

    # -- noticing files -----------------------------------------------------------------------
    def _on_event(self, path: str, is_dir: bool) -> None:
        """Called in the observer's thread: hand over to the loop."""
        self._events.put((path, is_dir))
        self._wake.set()

    def _drain_events(self) -> None:
        while True:
            try:
                raw, is_dir = self._events.get_nowait()
            except queue.Empty:
                return
            path = Path(raw)
            if not self._candidate(path):
                continue
            if is_dir:  # a folder moved in: its files sent no events of their own
                if path.is_symlink():
                    continue
                for found in scan(self.config.inbox, self._skipped, below=path):
                    self._notice(found)
            else:
                self._notice(path)

    def _candidate(self, path: Path) -> bool:
        rel = self.config.relative(path)
        if rel is None:
            return False
        parts = rel.split("/")
        if any(is_junk(part) for part in parts):
            return False
        return not any("/".join(parts[:i]) in self._skipped for i in range(1, len(parts) + 1))

    def _notice(self, path: Path) -> None:
        if path not in self._inbox_files and not path.is_symlink():
            self.settler.touch(path)

    def _rescan(self) -> None:
        """Every file in the inbox not known yet (events can be missed; shares send none)."""
        if not self.config.inbox.is_dir():  # a share gone away: say so once, keep trying
            if not self._inbox_missing:
                log.error("%s: the inbox cannot be reached; still trying", self.config.inbox)
            self._inbox_missing = True
            return
        if self._inbox_missing:
            log.warning("%s: the inbox is back", self.config.inbox)
            self._inbox_missing = False
        for path in scan(self.config.inbox, self._skipped):
            if path not in self._inbox_files and path not in self.settler:
                self.settler.touch(path)
        self.mover.retry()

    # -- admitting a settled file -------------------------------------------------------------
    def _admit(self, path: Path, st: os.stat_result) -> None:
        """A completely written file: record it, and queue its content unless already known."""
        rel = self.config.relative(path)
        if rel is None or path in self._inbox_files:
            return
        if not is_case_file(path.name):
            self.mover.resolve_arrival(self._record(rel, path, None, st, None, "rejected"))
            return
        try:
            sha = sha256_of(path)  # regular files only, opened without blocking
            after = path.lstat()
        except FileNotFoundError:
            return  # gone meanwhile
        except CasecheckError as exc:  # a FIFO or a device swapped in: never read, left alone
            log.warning("%s: %s; left alone", printable(rel), printable(exc.message))
            return
        except OSError as exc:  # unreadable now (a share's hiccup, permissions): next rescan
            log.warning("%s: cannot be read (%s); trying again at the next rescan", printable(rel),
                        exc.strerror or exc)
            return
        if (after.st_size, after.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
            self.settler.touch(path)  # written to again while it was hashed
            return
        job, created = self.store.add(sha, rel, str(path), str(self.config.outdir(rel)))
        if not created and job.status == "failed" and job.failure != "input":
            # A fault of ours or of the output folder, or a file that left: worth another try.
            job, created = self.store.add(sha, rel, str(path), str(self.config.outdir(rel)), retry_failed=True)
        if created or (job.status == "queued" and not self._has_primary(job.id)):
            self._record(rel, path, sha, st, job.id, "primary", self._output_name(rel, sha))
            if job.id not in self._ready:
                self._ready.append(job.id)
            return
        arrival = self._record(rel, path, sha, st, job.id, "duplicate")
        if job.status in ("done", "failed"):
            self.mover.resolve_arrival(arrival, job)
        # queued or running: moved when the job ends, with the job's other files

    def _record(self, rel: str, path: Path, sha: str | None, st: os.stat_result, job_id: str | None,
                role: Literal["primary", "duplicate", "rejected"], out_name: str | None = None) -> Arrival:
        arrival = self.ledger.add(rel, sha, st.st_size, st.st_mtime_ns, job_id, role, out_name)
        self._inbox_files[path] = arrival.id
        return arrival

    def _has_primary(self, job_id: str) -> bool:
        return any(a.role == "primary" for a in self.ledger.waiting_for(job_id))

    def _output_name(self, rel: str, sha: str) -> str:
        """The outputs' name (relative to OUT, no extension): the file's own, unless outputs of
        another content have that name (then 'NAME (1)'...): results are never overwritten by
        another file's."""
        path = PurePosixPath(rel)
        stem = path.name[: -len(path.suffix)] if path.suffix else path.name
        outdir = self.config.outdir(rel)
        for n in count():
            name = stem if n == 0 else f"{stem} ({n})"
            key = str(path.parent / name) if str(path.parent) != "." else name
            if self.ledger.out_name_taken(key, sha):
                continue
            report = output_paths(name + ".pdf", outdir)["report"]
            if report.exists() and _report_sha(report) != sha:
                continue
            return key
        raise AssertionError("unreachable")

    # -- checking -----------------------------------------------------------------------------
    def _submit(self) -> None:
        now = time.monotonic()
        for job_id, when in list(self._later.items()):
            if when <= now:
                del self._later[job_id]
                self._ready.append(job_id)
        if self._broken:
            if self._in_flight:
                return  # the other calls of the broken pool come back failed too
            executor, self._executor, self._broken = self._executor, None, False
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        while self._ready and len(self._in_flight) < self.config.workers:
            # A file that kills its worker takes the files beside it down too: after a death the
            # files then in hand are tried alone, so only the culprit uses up its attempts.
            if self._suspects & {job for job, _ in self._in_flight.values()}:
                break
            if self._ready[0] in self._suspects and self._in_flight:
                break
            job_id = self._ready.popleft()
            primary = self._primary(job_id)
            if primary is None:
                continue
            job = self.store.claim(job_id)
            if job is None:
                continue  # not queued any more
            if job.attempts > MAX_ATTEMPTS:
                self.store.fail(job.id, f"{PurePosixPath(primary.path).name}: given up after {MAX_ATTEMPTS} "
                                        "attempts: the watcher or its worker stopped while checking it each time",
                                "internal")
                self.mover.resolve(self.store.get(job.id))
                continue
            self._start(job, primary)

    def _primary(self, job_id: str) -> Arrival | None:
        """The file a queued job is checked from: its primary, or a copy of the same content
        when the primary left the inbox; None (and the job failed as vanished) when none is left."""
        for arrival in self.ledger.waiting_for(job_id):
            src = self.config.source(arrival.path)
            if not unchanged(src, arrival):
                self.ledger.gone(arrival.id, "left the inbox (or changed) before it was checked")
                self._inbox_files.pop(src, None)
                continue
            if arrival.role != "primary":
                arrival = self.ledger.make_primary(arrival.id, self._output_name(arrival.path, arrival.sha256 or ""))
            return arrival
        job = self.store.get(job_id)
        if job and job.status == "queued":
            self.store.fail(job_id, f"{job.name}: left the inbox before it was checked", "vanished")
        return None

    def _start(self, job: Job, primary: Arrival) -> None:
        cfg = self.config
        rel = PurePosixPath(primary.path)
        spec = JobSpec(job_id=job.id, source=str(cfg.source(primary.path)), outdir=str(cfg.outdir(primary.path)),
                       name=rel.name, output_name=PurePosixPath(primary.out_name or rel.stem).name + ".pdf",
                       db=str(cfg.db), read=cfg.read, rules=cfg.rules, sheet=cfg.sheet, kinds=cfg.kinds,
                       time_limit=cfg.time_limit, in_process=cfg.workers == 1)
        log.debug("checking %s (attempt %d)", primary.path, job.attempts)
        future = self._pool().submit(run_job, spec)
        self._in_flight[future] = (job.id, primary.id)
        future.add_done_callback(lambda _f: self._wake.set())

    def _pool(self) -> Executor:
        if self._executor is None:
            workers = self.config.workers
            if workers == 1:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="casecheck-check")
            else:
                # Ctrl-C reaches the whole process group: the watcher decides whether the files in
                # hand are finished (first signal) or abandoned (second), so the workers ignore both.
                self._executor = spawn_pool(workers, ignored=(signal.SIGINT, signal.SIGTERM))
        return self._executor

    def _collect(self) -> None:
        broken = False
        for future in [f for f in self._in_flight if f.done()]:
            job_id, arrival_id = self._in_flight.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                broken = True
                self._worker_died(job_id, arrival_id)
                continue
            except Exception as exc:  # run_job catches everything a file can cause
                log.exception("checking job %s failed", job_id)
                result = JobResult(job_id, ok=False, error=f"internal error ({type(exc).__name__}: {one_line(exc)})",
                                   failure="internal")
            self._record_result(result, arrival_id)
        self._broken = self._broken or broken

    def _worker_died(self, job_id: str, arrival_id: int) -> None:
        """A worker process died (killed, out of memory, a crash in a library): try again; the
        attempt count gives up on a file that kills its worker each time."""
        path = self.ledger.get(arrival_id).path
        log.warning("%s: the worker process checking it died; it will be tried again", path)
        self.store.requeue(job_id)
        self._ready.appendleft(job_id)
        self._suspects.add(job_id)

    def _record_result(self, result: JobResult, arrival_id: int) -> None:
        self._suspects.discard(result.job_id)
        job = self.store.get(result.job_id)
        arrival = self.ledger.get(arrival_id)
        if job is None:
            return
        src = self.config.source(arrival.path)
        if result.ok and result.sha256 != job.sha256:
            self._lost(job, arrival, "changed while it was being checked")
            return
        if not result.ok and result.failure == "input" and not src.exists():
            self._lost(job, arrival, "left the inbox while it was being checked")
            return
        if not result.ok and result.failure == "write" and job.attempts < MAX_ATTEMPTS:
            log.warning("%s; trying again in %g s", result.error, WRITE_RETRY_SECONDS * job.attempts)
            self.store.requeue(job.id)
            self._later[job.id] = time.monotonic() + WRITE_RETRY_SECONDS * job.attempts
            return
        if result.ok:
            self.store.finish(job.id, result.outputs, result.summary)
        else:
            self.store.fail(job.id, result.error or f"{arrival.path}: failed", result.failure or "internal")
        self.mover.resolve(self.store.get(job.id), result)

    def _lost(self, job: Job, arrival: Arrival, why: str) -> None:
        """The original changed or left while checked: forget this arrival; what is in the inbox
        now is seen afresh, and other copies of the content get the job (queued again)."""
        log.warning("%s: %s; it will be looked at again", arrival.path, why)
        self.ledger.gone(arrival.id, why)
        src = self.config.source(arrival.path)
        self._inbox_files.pop(src, None)
        self.store.fail(job.id, f"{arrival.path}: {why}", "vanished")
        if src.exists():
            self.settler.touch(src)
        if self.ledger.waiting_for(job.id):
            self.store.add(job.sha256, job.name, job.source, job.outdir, retry_failed=True)
            self._ready.append(job.id)

    # -- status -------------------------------------------------------------------------------
    def live(self) -> dict[str, Any]:
        """What only the running watcher knows, for the status file."""
        return {"pid": os.getpid(), "mode": self.mode, "started": self._started,
                "inbox": str(self.config.inbox), "output": str(self.config.output),
                "workers": self.config.workers, "settling": len(self.settler),
                "queued": len(self._ready) + len(self._later), "checking": len(self._in_flight),
                "stopping": self.stopping}

    def _maybe_write_status(self) -> None:
        now = time.monotonic()
        if now >= self._status_due:
            self._status_due = now + self.config.status_every
            self._write_status()

    def _write_status(self, final: bool = False) -> None:
        try:
            live = self.live()
            if final:
                live["stopped"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            write_status_file(self.config.output / STATUS_NAME, summary(self.store, self.ledger, live=live))
        except Exception:  # the status is for people; it must never stop the watcher
            log.debug("status file not written", exc_info=True)


# -- helpers ---------------------------------------------------------------------------------
def _kill_workers(executor: Executor) -> None:
    """Abandon the files in hand: the worker processes are killed (their outputs are written
    atomically, so an interrupted file leaves at most a complete older set)."""
    # ProcessPoolExecutor has no public way to stop a running call before Python 3.14.
    for process in list(getattr(executor, "_processes", {}).values()):
        process.kill()


def _report_sha(report: Path) -> str | None:
    try:
        return json.loads(report.read_bytes()).get("sha256")
    except (OSError, ValueError, AttributeError):
        return None
