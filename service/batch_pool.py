"""The executors `casecheck batch` runs files on, and the driver that keeps them busy.

The one difference between a batch on this machine and on a Dask cluster is the `Pool`: local
spawn-context worker processes, or a Dask client's `get_executor()`. The `Driver` submits
`check_one` (module level, so Dask workers import it) for a sliding window of files on either.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexicon.safe_text import xml_safe
from models.errors import UsageError, one_line
from service.outputs.sheet import SheetOptions
from service.pipeline import CheckOptions
from service.process import CaseOutcome, process_case
from service.worker_process import spawn_pool, use_threads

log = logging.getLogger(__name__)

MAX_DEATHS = 3  # workers dying alone on this many files in a row: it is not the files, stop


class BatchError(UsageError):
    """The batch cannot start or go on (bad usage, no scheduler, another run on OUT): one line."""


# -- the worker ---------------------------------------------------------------------------------
def check_one(pdf: str, outdir: str, options: CheckOptions, sheet: SheetOptions | None,
              output_name: str | None = None, seconds: float | None = None,
              own_process: bool = False) -> CaseOutcome:
    """What a worker runs for one file (a local process or a Dask worker thread): its outputs
    named after `output_name` (unique in its folder), within `seconds` (the per-file limit). A
    local worker process (`own_process`) stuck in native code past the limit ends itself: the
    driver sees it die, reruns the files beside it and fails this one alone."""
    # A Dask worker the driver did not tune (it joined later): one OCR thread never oversubscribes.
    use_threads(1)
    return process_case(Path(pdf), Path(outdir), options=options, sheet=sheet, output_name=output_name,
                        seconds=seconds, on_stuck=_end_worker if own_process else None)


def _end_worker(message: str) -> None:
    log.error("%s; ending this worker process", message)
    os._exit(3)


# -- executors: the one difference between local and Dask ---------------------------------------
@dataclass
class Pool:
    """Makes executors of one kind; `window` is how many files are in flight at once."""

    name: str
    window: int
    make: Callable[[], Executor]
    close: Callable[[], None] = lambda: None  # the Dask client


def local_pool(workers: int) -> Pool:
    return Pool(f"{workers} local worker process(es)", workers, lambda: spawn_pool(workers))


def dask_pool(address: str) -> Pool:
    from distributed import Client

    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"{address}: no Dask scheduler answered ({type(exc).__name__}: "
                         f"{one_line(exc, 160)})") from None
    workers = client.scheduler_info(n_workers=-1)["workers"]
    if not workers:
        client.close()
        raise BatchError(f"{address}: the Dask cluster has no workers")
    # One OCR engine per worker thread, the host's cores shared out among them.
    cores = client.run(os.cpu_count)
    per_host: dict[str, int] = {}
    for info in workers.values():
        per_host[info["host"]] = per_host.get(info["host"], 0) + info["nthreads"]
    for address_, info in workers.items():
        client.run(use_threads, max(1, (cores.get(address_) or 1) // per_host[info["host"]]),
                   workers=[address_])
    nthreads = sum(w["nthreads"] for w in workers.values())
    # A little more than the cluster's threads, so no worker idles while the driver records.
    return Pool(f"Dask cluster {address} ({len(workers)} workers, {nthreads} threads)", nthreads + 2,
                lambda: client.get_executor(pure=False), client.close)


def _shutdown(executor: Executor, wait: bool) -> None:
    try:
        executor.shutdown(wait=wait, cancel_futures=True)
    except TypeError:  # Dask's ClientExecutor has no cancel_futures (wait=False cancels there)
        executor.shutdown(wait=wait)


# -- driving ------------------------------------------------------------------------------------
class Driver:
    """Runs `function(*args(case))` for every case on a pool, `window` at a time, recording outcomes.

    A local worker process that dies (a file that crashes the PDF library, memory) breaks the
    whole pool: the files in flight become suspects, the pool is started again and each suspect
    runs alone, so only a file that kills its worker by itself is failed. (Dask retries a task
    whose worker died on another worker and then raises KilledWorker: recorded as a failure.)
    """

    def __init__(self, pool: Pool, args: Callable[[Any], tuple],
                 record: Callable[[Any, Any], None], fail: Callable[[Any, str], None],
                 function: Callable[..., Any] = check_one,
                 started: Callable[[Any], None] = lambda case: None) -> None:
        self.pool, self.args, self.record, self.fail = pool, args, record, fail
        self.function, self.started = function, started
        self.queue: deque[Any] = deque()  # ArchiveCase
        self.suspects: deque[Any] = deque()
        self.deaths = 0

    def run(self, work: list[Any]) -> None:
        self.queue.extend(work)
        while self.queue or self.suspects:
            executor = self.pool.make()
            try:
                broken = self._round(executor)
            except BaseException:
                _shutdown(executor, wait=False)  # Ctrl-C: leave now, resume later
                raise
            _shutdown(executor, wait=not broken)
            if broken:
                log.warning("a worker process died; %d file(s) checked again one at a time", len(self.suspects))

    def _round(self, executor: Executor) -> bool:
        """Submit and settle until the work is done or the pool breaks (True)."""
        in_flight: dict[Future, tuple[Any, bool]] = {}
        broken = False
        while (self.queue or self.suspects or in_flight) and not broken:
            self._fill(executor, in_flight)
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                broken |= self._settle(future, *in_flight.pop(future))
        for future, (case, _) in in_flight.items():  # the pool broke under them
            if future.done() and not future.cancelled() and future.exception() is None:
                self.record(case, future.result())
            else:
                self.suspects.append(case)
        return broken

    def _fill(self, executor: Executor, in_flight: dict[Future, tuple[Any, bool]]) -> None:
        def submit(case: Any, alone: bool) -> None:
            self.started(case)
            in_flight[executor.submit(self.function, *self.args(case))] = (case, alone)

        if self.suspects and not in_flight:
            submit(self.suspects.popleft(), True)
        isolating = any(alone for _, alone in in_flight.values())
        while not (self.suspects or isolating) and self.queue and len(in_flight) < self.pool.window:
            submit(self.queue.popleft(), False)

    def _settle(self, future: Future, case: Any, alone: bool) -> bool:
        """Record one finished file; True if its pool broke."""
        name = xml_safe(Path(case.relative).name)
        try:
            outcome = future.result()
        except BrokenExecutor:
            if not alone:
                self.suspects.append(case)
                return True
            self.deaths += 1
            if self.deaths >= MAX_DEATHS:
                raise BatchError(f"worker processes died on {self.deaths} files in a row; see the log (-v)") from None
            self.fail(case, f"{name}: the worker process died checking it")
            return True
        except Exception as exc:  # Dask: KilledWorker, a lost connection...
            self.fail(case, f"{name}: worker error ({type(exc).__name__}: {one_line(exc, 160)})")
            return False
        self.deaths = 0
        self.record(case, outcome)
        return False
