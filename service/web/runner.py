"""The service's workers: queued jobs from the job store run in a bounded pool of processes.

A dispatcher thread claims the oldest queued job whenever a worker is free and hands it to a
worker process, which runs `process_case` and writes its progress (pages done of pages) and its
end (done with outputs, or failed with a one-line reason) straight into the job store. Nothing
runs on the request path. A job still running when the service stops stays `running` in the
store and is queued again at the next start, so a restart loses nothing.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from service.jobs import Job, JobStore
from service.web.settings import ServeSettings
from service.worker_process import spawn_pool, threads_per_process

log = logging.getLogger(__name__)

OUTPUT_STEM = "case.pdf"  # every job's outputs are named after this, in the job's own folder
MAX_ATTEMPTS = 2  # a job whose worker process died twice is failed, not retried forever
PROGRESS_INTERVAL = 0.25  # seconds between progress writes to the store


class JobRunner:
    """Runs the store's queued jobs, `settings.workers` at a time."""

    def __init__(self, store: JobStore, settings: ServeSettings) -> None:
        self.store = store
        self.settings = settings
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[str, Future] = {}
        self._executor: Executor | None = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------
    def start(self) -> None:
        resumed = self.store.requeue_interrupted()
        for job in resumed:
            log.info("resuming %s (%s), interrupted by the last stop", job.id, job.name)
        self._executor = self._new_executor()
        self._thread = threading.Thread(target=self._dispatch, name="casecheck-dispatch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop at once: jobs in flight stay `running` and are resumed at the next start."""
        self._stopping.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=5)
        executor, self._executor = self._executor, None
        if isinstance(executor, ProcessPoolExecutor):
            # No public way to stop a busy worker before Python 3.14: end them, the jobs resume.
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
        if executor:
            executor.shutdown(wait=False, cancel_futures=True)

    def wake(self) -> None:
        """A job was queued: look now rather than at the next tick."""
        self._wake.set()

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    # -- dispatching --------------------------------------------------------------------------
    def _new_executor(self) -> Executor:
        if self.settings.in_process:
            return ThreadPoolExecutor(self.settings.workers, thread_name_prefix="casecheck-job")
        # Ctrl-C is the service's to handle: it stops the workers itself, their jobs stay queued.
        return spawn_pool(self.settings.workers,
                          threads_per_process(self.settings.workers * self.settings.page_workers),
                          ignored=(signal.SIGINT,))

    def _dispatch(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            while self.busy < self.settings.workers and not self._stopping.is_set():
                job = self.store.claim_next()
                if job is None:
                    break
                self._submit(job)
            self._wake.wait(timeout=1.0)

    def _submit(self, job: Job) -> None:
        log.info("job %s (%s): started", job.id, job.name)
        with self._lock:
            executor = self._executor
        assert executor is not None
        try:
            future = executor.submit(run_job, str(self.store.path), job.id, self._job_args(job))
        except (BrokenProcessPool, RuntimeError):  # the pool broke since the last job ended
            executor = self._replace(executor)
            future = executor.submit(run_job, str(self.store.path), job.id, self._job_args(job))
        with self._lock:
            self._running[job.id] = future
        future.add_done_callback(lambda f, job=job, executor=executor: self._finished(job, f, executor))

    def _job_args(self, job: Job) -> dict[str, object]:
        return {"source": job.source, "outdir": job.outdir, "name": job.name, "rules": self.settings.rules,
                "engine": self.settings.engine, "dpi": self.settings.dpi,
                "page_workers": self.settings.page_workers, "time_limit": self.settings.time_limit,
                "hard_exit": not self.settings.in_process}

    def _finished(self, job: Job, future: Future, executor: Executor) -> None:
        with self._lock:
            self._running.pop(job.id, None)
        if self._stopping.is_set():
            return  # the job stays `running`: resumed at the next start
        if future.cancelled():  # its pool was replaced before the job began
            self.store.requeue(job.id)
        elif (exc := future.exception()) is not None:
            # The worker process died (killed, out of memory, ended itself stuck past the time
            # limit: then it recorded the failure first) or the job raised past process_case.
            log.error("job %s (%s): worker failed: %s", job.id, job.name, exc)
            recorded = self.store.get(job.id)
            if recorded is not None and recorded.status == "failed":
                pass  # the worker said why before it went: not retried
            elif job.attempts < MAX_ATTEMPTS:
                self.store.requeue(job.id)
            else:
                self.store.fail(job.id, f"{job.name}: the worker stopped while checking it "
                                        f"({type(exc).__name__}); it was tried {job.attempts} times", "internal")
            if isinstance(exc, BrokenProcessPool):
                self._replace(executor)
        else:
            done = self.store.get(job.id)
            log.info("job %s (%s): %s", job.id, job.name, done.status if done else "gone")
        self._wake.set()

    def _replace(self, broken: Executor) -> Executor:
        """A new pool for a broken one (once, however many of its jobs report it)."""
        with self._lock:
            replaced = self._executor is broken
            if replaced:
                self._executor = self._new_executor()
            current = self._executor
        if replaced:  # outside the lock: cancelling runs the cancelled jobs' callbacks here
            broken.shutdown(wait=False, cancel_futures=True)
        assert current is not None
        return current


# -- in the worker process ----------------------------------------------------------------------
_stores: dict[str, JobStore] = {}


def run_job(db_path: str, job_id: str, args: dict) -> None:
    """Check one job's file and record what became of it in the store (runs in a worker)."""
    from checkers import load_pack
    from extractors.ingest import ReadOptions
    from service.pipeline import CheckOptions
    from service.process import process_case

    store = _stores.get(db_path) or _stores.setdefault(db_path, JobStore(Path(db_path)))

    options = CheckOptions(read=ReadOptions(engine=args["engine"], dpi=args["dpi"]), workers=args["page_workers"],
                           rules=load_pack(args["rules"]))

    def stuck(message: str) -> None:
        """Stuck in native code past the time limit: record why, then end this worker (its pool
        is replaced; its page readers die with it)."""
        store.fail(job_id, f"{args['name']}: {message}", "input")
        if args.get("hard_exit"):
            os._exit(3)

    outcome = process_case(Path(args["source"]), Path(args["outdir"]), options=options, name=args["name"],
                           output_name=OUTPUT_STEM,
                           progress=store.progress_reporter(job_id, PROGRESS_INTERVAL),
                           seconds=args.get("time_limit"), on_stuck=stuck)
    if outcome.ok:
        store.finish(job_id, outcome.outputs, outcome.summary())
    else:
        store.fail(job_id, outcome.error or f"{args['name']}: failed", outcome.failure or "internal")
