"""Moving originals out of the inbox without ever overwriting, modifying or losing one."""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import uuid
from pathlib import Path, PurePosixPath

from service.outputs import write_atomic

log = logging.getLogger(__name__)

REASON_SUFFIX = ".reason.txt"  # failed/NAME.pdf.reason.txt: why NAME.pdf could not be checked
DUPLICATE_SUFFIX = ".duplicate.txt"  # processed/NAME.pdf.duplicate.txt: whose outputs it shares


def free_destination(folder: Path, rel: str) -> Path:
    """`folder/rel`, or `folder/NAME (1).pdf`, `(2)`... when that name is taken (by a file or
    by the note beside one): nothing already there is overwritten."""
    target = folder.joinpath(*PurePosixPath(rel).parts)
    stem, suffix = _split(target.name)
    n = 0
    while True:
        name = target.name if n == 0 else f"{stem} ({n}){suffix}"
        candidate = target.with_name(name)
        if not any(os.path.lexists(candidate.with_name(name + extra))
                   for extra in ("", REASON_SUFFIX, DUPLICATE_SUFFIX)):
            return candidate
        n += 1


def move_original(src: Path, dest: Path) -> None:
    """Move `src` to `dest` (which must not exist): a rename, or across file systems a copy
    under a temporary name, renamed into place, and only then the original's removal."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(dest):
        raise FileExistsError(errno.EEXIST, "already exists", str(dest))
    try:
        os.rename(src, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_then_remove(src, dest)


def _copy_then_remove(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        shutil.copy2(src, tmp)  # keeps the mtime: the copy is recognised on restart
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.rename(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    src.unlink()


def write_note(path: Path, line: str) -> None:
    """A one-line note beside a moved original (why it failed, whose duplicate it is)."""
    write_atomic(path, (" ".join(line.split()) + "\n").encode("utf-8"))


def _split(name: str) -> tuple[str, str]:
    """'a.b.pdf' -> ('a.b', '.pdf'); a name without extension keeps it all as the stem."""
    stem, dot, ext = name.rpartition(".")
    return (stem, dot + ext) if stem else (name, "")


# `write_atomic`'s temporaries (.NAME.report.json.k3j_x9a2.part) and those of a copy across
# file systems (.NAME.pdf.0f3a9c1e.part): left behind only by a kill in the middle of a write.
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")


def remove_stale_temporaries(folder: Path, keep_out: Path) -> None:
    """Remove what a kill in the middle of a write left in `folder` (never anything else, and
    nothing below `keep_out`: the inbox, where a copy tool's files are not ours)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if Path(root, d) != keep_out]
        for name in files:
            if _TEMPORARY.match(name):
                try:
                    Path(root, name).unlink()
                except OSError:
                    log.debug("cannot remove %s", Path(root, name), exc_info=True)
