"""File-system events (watchdog) for the watcher: a hint that something changed, never the truth.

Events can be missed (a full queue, a folder moved in before its watch was added, a share that
sends none): the watcher also rescans, and reads the files themselves to decide.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def start_observer(inbox: Path, sink: Callable[[str, bool], None]) -> Any:
    """A watchdog observer on `inbox` (recursive) calling `sink(path, is_dir)` from its own thread,
    or None where events are not available (then the watcher polls)."""
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        log.warning("watchdog is not installed: polling")
        return None

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("deleted", "opened", "closed_no_write"):
                return  # a deleted file is found missing; opening for reading is no change
            if event.is_directory and event.event_type not in ("created", "moved"):
                return  # a folder is "modified" by every change inside it: those send their own
            path = event.dest_path if event.event_type == "moved" else event.src_path
            sink(os.fsdecode(path), event.is_directory)

    logging.getLogger("watchdog.observers.inotify").addFilter(_quiet_stop)
    observer = Observer()
    try:
        observer.schedule(Handler(), str(inbox), recursive=True)
        observer.daemon = True
        observer.start()
    except (OSError, RuntimeError) as exc:  # e.g. the inotify watch limit; polling still works
        log.warning("file-system events are not available for %s (%s): polling", inbox, exc)
        return None
    return observer


def _quiet_stop(record: logging.LogRecord) -> bool:
    """watchdog logs an ERROR when its reader thread wakes after stop() (a harmless race)."""
    return "called when the thread is inactive" not in record.getMessage()
