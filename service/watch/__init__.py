"""`casecheck watch`: a watched folder where each case file dropped in is checked once.

- `config`: the folders and timings, and which names are never case files;
- `settle`: finding files and knowing when one is completely written;
- `ledger`: one row per file that arrived (the jobs table has one per content);
- `events`: watchdog's file-system events (a hint; rescans are the safety net);
- `watcher`: the loop (noticing, admitting, the worker pool, restart safety);
- `worker`: what runs for one file; `moves` and `files`: moving originals out, never over
  another file; `status`: the summary and the one-watcher lock;
- `cli`: the command.
"""

from service.watch.cli import cmd_watch
from service.watch.config import WatchConfig
from service.watch.watcher import Watcher, WatchError

__all__ = ["WatchConfig", "WatchError", "Watcher", "cmd_watch"]
