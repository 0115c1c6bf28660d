"""`casecheck watch INBOX -o OUT` and `casecheck watch --status`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkers import RulePackError, load_pack
from extractors.ingest import ReadOptions
from models.errors import UsageError
from service.outputs import OUTPUT_KINDS
from service.watch.config import STATUS_NAME, WatchConfig, default_db

if TYPE_CHECKING:
    from service.watch.watcher import Watcher

log = logging.getLogger("service.watch")


def cmd_watch(args: argparse.Namespace) -> int:
    if args.status:
        return _status(args)
    # Errors are raised by class (UsageError, WatchError…): the CLI prints one line, exit 2.
    if not args.inbox:
        raise UsageError("watch needs the folder to watch (casecheck watch INBOX -o OUT)")
    config = _config(args)
    if isinstance(config, str):
        raise UsageError(config)
    from service.cli import usable_folder
    from service.watch.watcher import Watcher

    for folder in (config.output, config.processed, config.failed, config.db.parent):
        usable_folder(folder)
    if not args.verbose:  # a line per file is what a watched folder's log is for
        log.setLevel(logging.WARNING if args.quiet else logging.INFO)
    watcher = Watcher(config)
    restore = _handle_signals(watcher)
    try:
        watcher.run()  # WatchError (another watcher, a database of another inbox): exit 2
    finally:
        restore()
    if watcher.abandoned and config.workers == 1:
        # The file abandoned in hand is being read by a thread that cannot be stopped; the
        # database already says it is to be checked again, so leave without waiting for it.
        logging.shutdown()
        os._exit(0)
    return 0


def _config(args: argparse.Namespace) -> WatchConfig | str:
    """The watcher's settings from the command line, or one line saying what is wrong."""
    try:
        rules = load_pack(args.rules) if args.rules else None
    except RulePackError as exc:
        return str(exc)
    kinds = OUTPUT_KINDS
    if args.outputs:
        kinds = tuple(k.strip() for k in args.outputs.split(",") if k.strip())
        unknown = [k for k in kinds if k not in OUTPUT_KINDS]
        if unknown or not kinds:
            return f"--outputs: {', '.join(unknown) or 'none'}: choose from {', '.join(OUTPUT_KINDS)}"
    from service.outputs.sheet import SheetOptions
    from service.pipeline import default_workers

    config = WatchConfig.resolve(
        args.inbox, args.output, processed=args.processed, failed=args.failed, db=args.db,
        workers=args.workers or default_workers(), settle=args.settle, poll=True if args.poll else None,
        poll_interval=args.poll_interval, rescan=args.rescan, once=args.once, kinds=kinds,
        read=ReadOptions(engine=args.engine, dpi=args.dpi, force_ocr=args.force_ocr), rules=rules,
        time_limit=getattr(args, "time_limit", None),
        sheet=SheetOptions(self_checker=args.self_checker, reported_on=args.reported_on))
    return config.problem() or config


def _handle_signals(watcher: Watcher) -> Callable[[], None]:
    """SIGINT/SIGTERM: the first finishes the files in hand, the second abandons them."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if watcher.stopping:
            log.warning("%s again: abandoning the files in hand (they are checked at the next start)", name)
        else:
            log.warning("%s: finishing the files in hand, then stopping (send it again to abandon them)", name)
        watcher.stop()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for s, h in previous.items():
            signal.signal(s, h)

    return restore


def _status(args: argparse.Namespace) -> int:
    """The summary from the database, whether or not a watcher runs."""
    from service.jobs import JobStore
    from service.watch.ledger import Ledger
    from service.watch.settle import scan
    from service.watch.status import WatchLock, format_summary, summary

    if args.db:
        db = Path(args.db).expanduser().resolve()
    elif args.output or args.inbox:
        output = Path(args.output) if args.output else Path(args.inbox) / "out"
        db = default_db(output.expanduser().resolve())
    else:
        raise UsageError("--status needs the INBOX, -o OUT or --db of the watcher")
    if not db.is_file():
        raise UsageError(f"{db}: no watcher database here (give the INBOX and -o the watcher was given, or --db)")
    store, ledger = JobStore(db), Ledger(db)
    try:
        running = WatchLock(db).holder()
        live = _live(Path(ledger.meta("output") or db.parent.parent)) if running else None
        data = summary(store, ledger, live=live)
        unseen = None
        inbox = ledger.meta("inbox")
        if inbox and Path(inbox).is_dir():
            config = WatchConfig.resolve(inbox, ledger.meta("output"), processed=ledger.meta("processed"),
                                         failed=ledger.meta("failed"), db=db)
            known = {config.source(a.path) for a in ledger.waiting()}
            unseen = sum(1 for p in scan(config.inbox, config.skipped_dirs()) if p not in known)
            if running and live:
                unseen = max(0, unseen - int(live.get("settling", 0)))
    finally:
        store.close()
        ledger.close()
    if args.json:
        print(json.dumps({**data, "running": running, "unseen": unseen}, ensure_ascii=False, indent=1))
    else:
        print(format_summary(data, running=running, unseen=unseen))
    return 0


def _live(output: Path) -> dict[str, Any] | None:
    """What the running watcher last wrote about itself."""
    try:
        return json.loads((output / STATUS_NAME).read_text("utf-8")).get("watcher")
    except (OSError, ValueError, AttributeError):
        return None
