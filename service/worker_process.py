"""Worker processes of the adapters (serve, watch, batch) and of the page readers: one recipe.

Spawned, never forked (a forked process would share the parent's ONNX sessions); each sets its
share of the cores as inference threads and dies with its parent, so a killed adapter leaves no
orphan checking a file and writing outputs the restarted adapter writes again.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from models.errors import TimeLimitError

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT = 1800.0  # seconds per case file (CASECHECK_TIME_LIMIT): 800 scanned pages take ~15 min
HARD_GRACE = 30.0  # seconds after the limit before a thread stuck in native code ends its process
TIME_LIMIT_MESSAGE = "超过单个文件处理时限（{seconds:g} 秒），已停止检查"


def default_time_limit() -> float:
    """CASECHECK_TIME_LIMIT seconds (0 or less: no limit), default 1800."""
    raw = os.environ.get("CASECHECK_TIME_LIMIT", "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIME_LIMIT
    except ValueError:
        return DEFAULT_TIME_LIMIT


class _Deadline(BaseException):
    """Raised asynchronously in the checking thread at its deadline. A BaseException, so the
    `except Exception` of a rule or a reader cannot swallow it; `time_limit` turns it into a
    `TimeLimitError`."""


# What a caller of `time_limit` catches: the error, or the raw deadline in the rare case it lands
# while the block is being left.
TIME_LIMIT_ERRORS: tuple[type[BaseException], ...] = (TimeLimitError, _Deadline)


def _raise_in(thread_id: int, exc_type: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc_type) if exc_type else None)


@contextlib.contextmanager
def time_limit(seconds: float | None, on_stuck: Callable[[str], None] | None = None) -> Iterator[None]:
    """Raise `TimeLimitError` in this thread once `seconds` have passed (None or <= 0: no limit).

    Works in any thread (no signals): the exception is raised the next time the thread runs
    Python code, again every second until it leaves the block (a cleanup that swallows it does
    not stop it). A thread stuck in native code for HARD_GRACE more seconds cannot be reached:
    `on_stuck(message)` is called from the timer's thread (a worker process then records the
    failure and ends itself, and its pool replaces it)."""
    if not seconds or seconds <= 0:
        yield
        return
    message = TIME_LIMIT_MESSAGE.format(seconds=seconds)
    target = threading.get_ident()
    done = threading.Event()
    lock = threading.Lock()
    fired = threading.Event()

    def watch() -> None:
        if done.wait(seconds):
            return
        waited = 0.0
        while waited <= HARD_GRACE:
            with lock:
                if done.is_set():
                    return
                fired.set()
                _raise_in(target, _Deadline)
            if done.wait(1.0):
                return
            waited += 1.0
        log.error("the file's check is stuck past its time limit in native code")
        if on_stuck is not None:
            on_stuck(message)

    timer = threading.Thread(target=watch, name="casecheck-time-limit", daemon=True)
    timer.start()
    try:
        yield
    except _Deadline:
        with lock:
            done.set()
            _raise_in(target, None)
        raise TimeLimitError(message) from None
    finally:
        with lock:
            done.set()
            if fired.is_set():
                _raise_in(target, None)  # one injected but not yet raised must not fire later


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


class WorkerPool(ProcessPoolExecutor):
    """A process pool that, left by an exception (a time limit, Ctrl-C), ends its workers and
    drops its queued calls instead of waiting for them to run."""

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            return super().__exit__(exc_type, exc, tb)
        self.kill_workers()
        self.shutdown(wait=False, cancel_futures=True)
        return False

    def kill_workers(self) -> None:
        # No public way to stop a busy worker before Python 3.14.
        for process in list((getattr(self, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                process.kill()


def spawn_pool(workers: int, threads: int | None = None, ignored: Iterable[int] = (),
               then: Callable[..., None] | None = None, then_args: tuple = ()) -> WorkerPool:
    """`workers` spawned processes (see the module's docstring), `threads` inference threads
    each (default: the cores shared out); `ignored` signals are left to this process."""
    threads = threads or threads_per_process(workers)
    return WorkerPool(workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                      initargs=(threads, os.getpid(), tuple(ignored), then, then_args))
