"""Finding files in the inbox and knowing when one is completely written.

A copy in progress looks like a file whose size or mtime still changes; over a share it may
also pause for seconds. A file is *settled* when its size and mtime have not changed for the
settle period and it can be opened for reading. An empty file, or a PDF whose end marker has not
arrived yet, is given ten settle periods: copies create the file long before the last bytes come.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors.ingest import open_regular
from models.errors import CasecheckError
from service.watch.config import is_case_file, is_junk

log = logging.getLogger(__name__)

SLOW_FACTOR = 10  # settle periods given to an empty file or a PDF without its %%EOF yet


@dataclass
class _Candidate:
    signature: tuple[int, int] | None  # (size, mtime_ns) last seen
    since: float  # when it last changed
    incomplete: bool | None = None  # looked up once per signature


class Settler:
    """Files seen but not yet handed on, each with the time it last changed."""

    def __init__(self, settle: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.settle = settle
        self.clock = clock
        self._files: dict[Path, _Candidate] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def touch(self, path: Path) -> None:
        """Track `path`; an event for a tracked file restarts its clock (it is being written)."""
        found = self._files.get(path)
        if found is None:
            self._files[path] = _Candidate(None, self.clock())
        else:
            found.since = self.clock()

    def forget(self, path: Path) -> None:
        self._files.pop(path, None)

    def due(self) -> list[tuple[Path, os.stat_result]]:
        """The files that have settled (no longer tracked once returned), oldest change first."""
        now = self.clock()
        ready: list[tuple[float, Path, os.stat_result]] = []
        for path, cand in list(self._files.items()):
            try:
                st = path.lstat()  # a link is not followed: a link to /dev/zero is never read
            except OSError:  # gone (renamed away, deleted): nothing to do
                del self._files[path]
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO, a device, a socket, a link: never opened
                log.debug("%s: not a regular file; left alone", path)
                del self._files[path]
                continue
            signature = (st.st_size, st.st_mtime_ns)
            if signature != cand.signature:
                cand.signature, cand.since, cand.incomplete = signature, now, None
                continue
            if now - cand.since < self._needed(path, st, cand) or not _readable(path):
                continue
            del self._files[path]
            ready.append((cand.since, path, st))
        return [(path, st) for _since, path, st in sorted(ready, key=lambda r: r[0])]

    def _needed(self, path: Path, st: os.stat_result, cand: _Candidate) -> float:
        if cand.incomplete is None:
            cand.incomplete = st.st_size == 0 or (is_case_file(path.name) and _pdf_without_end(path, st.st_size))
        return self.settle * SLOW_FACTOR if cand.incomplete else self.settle


def _readable(path: Path) -> bool:
    """Can be opened (on Windows a file still being written is locked); a regular file only,
    opened without blocking (a FIFO swapped in meanwhile would hang the watcher's loop)."""
    try:
        with open_regular(path) as fh:
            fh.read(1)
    except (OSError, CasecheckError):
        return False
    return True


def _pdf_without_end(path: Path, size: int) -> bool:
    """Starts like a PDF but its end marker is not there (yet): probably still arriving."""
    try:
        with open_regular(path) as fh:
            if fh.read(5) != b"%PDF-":
                return False
            fh.seek(max(0, size - 4096))
            return b"%%EOF" not in fh.read()
    except (OSError, CasecheckError):
        return False


def scan(root: Path, skipped: frozenset[str], below: Path | None = None) -> Iterator[Path]:
    """Every file under `below` (default `root`) that may be a case file: junk names, hidden and
    symlinked folders, symlinks and the watcher's own folders (`skipped`, relative to `root`) left out."""
    stack = [below or root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:  # a subfolder we may not read: say so, go on with the others
            log.debug("cannot list %s: %s", folder, exc)
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            if is_junk(entry.name):
                continue
            try:
                if entry.is_symlink():
                    continue  # moving a link would move the link, not the case file
                if entry.is_dir():
                    if Path(entry.path).relative_to(root).as_posix() not in skipped:
                        stack.append(Path(entry.path))
                elif entry.is_file():
                    yield Path(entry.path)
            except OSError:
                continue


# File systems whose changes made elsewhere send no events here (a share mounted from a server).
_NETWORK_FS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "sshfs", "fuse.sshfs", "davfs",
    "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "fuse.rclone",
    "fuse.s3fs", "vboxsf", "vmhgfs", "fuse.vmhgfs-fuse", "prl_fs", "drvfs", "virtiofs",
})


def filesystem_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the file system `path` is on (Linux: from /proc/self/mountinfo), or None."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            return None
    lines = mountinfo.splitlines()
    target = str(path.resolve())
    best, best_type = "", None
    for line in lines:
        before, _, after = line.partition(" - ")
        fields = before.split()
        if len(fields) < 5 or not after:
            continue
        mount = fields[4].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, best_type = mount, after.split()[0]
    return best_type


def is_network_fs(path: Path) -> bool:
    return filesystem_type(path) in _NETWORK_FS
