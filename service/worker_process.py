"""What every worker process of the adapters (serve, watch, batch) sets up when it starts."""

from __future__ import annotations

import logging
import os
import signal
import sys

log = logging.getLogger(__name__)


def die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this process when its parent dies (even by kill -9), so no orphan keeps
    checking a file and writing outputs that the restarted adapter writes again."""
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
