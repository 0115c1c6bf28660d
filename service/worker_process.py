"""Worker processes of the adapters (serve, watch, batch) and of the page readers: one recipe.

Spawned, never forked (a forked process would share the parent's ONNX sessions); each sets its
share of the cores as inference threads and dies with its parent, so a killed adapter leaves no
orphan checking a file and writing outputs the restarted adapter writes again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)


def use_threads(threads: int) -> None:
    """Inference threads for this process: several processes share the cores, one engine each
    (an explicit CASECHECK_OCR_THREADS wins)."""
    os.environ.setdefault("CASECHECK_OCR_THREADS", str(threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))


def threads_per_process(processes: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, processes))


def die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this process when its parent dies (even by kill -9)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)
    except OSError:
        log.debug("prctl(PR_SET_PDEATHSIG) not available", exc_info=True)


def init_worker(threads: int, parent_pid: int, ignored: tuple[int, ...] = (),
                then: Callable[..., None] | None = None, then_args: tuple = ()) -> None:
    """A worker's start: its threads, the signals its parent handles for it, death with the
    parent, then `then(*then_args)` (e.g. loading a page reader)."""
    use_threads(threads)
    for signum in ignored:
        signal.signal(signum, signal.SIG_IGN)
    die_with_parent(parent_pid)
    if then is not None:
        then(*then_args)


def spawn_pool(workers: int, threads: int | None = None, ignored: Iterable[int] = (),
               then: Callable[..., None] | None = None, then_args: tuple = ()) -> ProcessPoolExecutor:
    """`workers` spawned processes (see the module's docstring), `threads` inference threads
    each (default: the cores shared out); `ignored` signals are left to this process."""
    threads = threads or threads_per_process(workers)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                               initargs=(threads, os.getpid(), tuple(ignored), then, then_args))
