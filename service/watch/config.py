"""What a watcher is told (its folders, timings, how files are checked) and which names it skips."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checkers import RulePack
from extractors.ingest import ReadOptions
from service.outputs import OUTPUT_KINDS
from service.outputs.sheet import SheetOptions

STATE_DIR = ".casecheck-watch"  # inside OUT: the database and its lock
STATUS_NAME = "watch-status.json"  # inside OUT: the summary a person or a script can read

# Names that are never case files: OS litter, Office lock files, copies still in transit.
_JUNK_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".ds_store"})
_TRANSIT_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart",
                     ".swp", "~")


def is_junk(name: str) -> bool:
    """A name the watcher leaves alone: hidden files (.DS_Store, ._x, rsync's .x.pdf.ABC123), ~$
    lock files, Thumbs.db and names of copies in transit (x.pdf.part until it is renamed)."""
    lower = name.lower()
    return (name.startswith((".", "~$")) or lower in _JUNK_NAMES or lower.endswith(_TRANSIT_SUFFIXES))


def is_case_file(name: str) -> bool:
    """Only PDFs are case files; any other (non-junk) file goes to failed/ with a reason."""
    return name.lower().endswith(".pdf")


@dataclass(frozen=True)
class WatchConfig:
    """One watcher's settings, every path absolute."""

    inbox: Path
    output: Path
    processed: Path
    failed: Path
    db: Path
    workers: int = 1  # files checked at once; 1 = in the watcher's own process
    settle: float = 2.0  # seconds a file's size and mtime must stay unchanged before it is read
    poll: bool | None = None  # True: rescans only; False: events; None: events unless on a share
    poll_interval: float = 5.0  # seconds between rescans when polling
    rescan: float = 60.0  # seconds between rescans beside events (events can be missed)
    once: bool = False  # process what is there, then exit
    kinds: tuple[str, ...] = OUTPUT_KINDS
    read: ReadOptions = field(default_factory=ReadOptions)
    rules: RulePack | None = None
    sheet: SheetOptions | None = None
    status_every: float = 2.0  # seconds between rewrites of the status file while busy
    time_limit: float | None = None  # seconds per file (None: CASECHECK_TIME_LIMIT, default 1800)

    @classmethod
    def resolve(cls, inbox: Path | str, output: Path | str | None = None, *,
                processed: Path | str | None = None, failed: Path | str | None = None,
                db: Path | str | None = None, **options) -> WatchConfig:
        """The defaults filled in: OUT = INBOX/out, INBOX/processed, INBOX/failed,
        OUT/.casecheck-watch/jobs.sqlite3."""
        inbox = Path(inbox).expanduser().resolve()
        out = Path(output).expanduser().resolve() if output else inbox / "out"
        return cls(
            inbox=inbox,
            output=out,
            processed=Path(processed).expanduser().resolve() if processed else inbox / "processed",
            failed=Path(failed).expanduser().resolve() if failed else inbox / "failed",
            db=Path(db).expanduser().resolve() if db else default_db(out),
            **options,
        )

    def problem(self) -> str | None:
        """Why these folders cannot work together (one line), or None."""
        if not self.inbox.is_dir():
            return f"{self.inbox}: the inbox is not a folder"
        for label, folder in (("output", self.output), ("processed", self.processed), ("failed", self.failed)):
            if folder == self.inbox or _inside(self.inbox, folder):
                # Outputs in the inbox itself would be read as new case files (x.annotated.pdf).
                return f"{folder}: the {label} folder must not be the inbox or contain it"
            if folder.exists() and not folder.is_dir():
                return f"{folder}: the {label} folder is a file"
        if self.processed == self.failed:
            return f"{self.processed}: processed and failed must be different folders"
        if self.workers < 1:
            return "--workers must be 1 or more"
        if self.settle < 0 or self.poll_interval <= 0 or self.rescan <= 0:
            return "--settle, --poll-interval and --rescan must be positive"
        return None

    def skipped_dirs(self) -> frozenset[str]:
        """Folders below the inbox that are the watcher's own (relative, '/'-separated)."""
        own = (self.output, self.processed, self.failed, self.db.parent)
        return frozenset(str(PurePosixPath(*f.relative_to(self.inbox).parts)) for f in own
                         if _inside(f, self.inbox))

    def relative(self, path: Path) -> str | None:
        """`path` relative to the inbox ('/'-separated), or None when it is not below it."""
        try:
            parts = Path(path).relative_to(self.inbox).parts
        except ValueError:
            return None
        return str(PurePosixPath(*parts)) if parts else None

    def source(self, rel: str) -> Path:
        return self.inbox.joinpath(*PurePosixPath(rel).parts)

    def outdir(self, rel: str) -> Path:
        """Where a file's outputs go: OUT mirrors the inbox's subfolders."""
        return self.output.joinpath(*PurePosixPath(rel).parent.parts)


def default_db(output: Path) -> Path:
    return output / STATE_DIR / "jobs.sqlite3"


def _inside(path: Path, folder: Path) -> bool:
    """`path` is strictly below `folder`."""
    return path != folder and folder in path.parents
