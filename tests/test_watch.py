"""`casecheck watch`: the real watcher on temporary folders.

Each scenario ends with every file dropped accounted for: moved to processed/ or to failed/
(never both, never neither, its bytes unchanged), nothing left in the inbox, and each content's
outputs written once. The watcher runs in a thread (events or polling) or, for kills and
signals, as the `casecheck watch` command in a subprocess. Nothing is timed: the tests poll with
generous timeouts, as the machine may be busy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pymupdf
import pytest

from service.cli import main
from service.jobs import JobStore
from service.watch import WatchConfig, Watcher
from service.watch.config import STATUS_NAME, is_junk
from service.watch.files import free_destination
from service.watch.ledger import Ledger
from service.watch.settle import filesystem_type, scan

ROOT = Path(__file__).resolve().parents[1]
FIXED = ROOT / "samples" / "fixed"
SETTLE = 0.2
TIMEOUT = 120.0
T = TypeVar("T")  # a busy CI machine is slow; a healthy run takes a few seconds per scenario


# -- files to drop ---------------------------------------------------------------------------------
def tiny_pdf(i: int) -> bytes:
    """A one-page born-digital case file with its own text: checked in milliseconds (its bytes
    differ from call to call: PyMuPDF writes a fresh file ID)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), f"行政处罚决定书 第{i}号\n当事人：测试{i}\n" + "本机关依法作出如下决定。" * 3,
                     fontname="china-s", fontsize=12)
    data = doc.tobytes()
    doc.close()
    return data


def demo_copy(i: int, sample: str = "demo-502-000.pdf") -> bytes:
    """A real 23-page case file (about a second to check), its bytes made distinct by its title."""
    doc = pymupdf.open(FIXED / sample)
    doc.set_metadata({"title": f"copy {i}"})
    data = doc.tobytes()
    doc.close()
    return data


def sha(data: bytes | Path) -> str:
    return hashlib.sha256(data.read_bytes() if isinstance(data, Path) else data).hexdigest()


class Drop:
    """The folders of one watcher and what was dropped into its inbox."""

    def __init__(self, tmp: Path) -> None:
        self.inbox, self.out = tmp / "inbox", tmp / "out"
        self.processed, self.failed = self.inbox / "processed", self.inbox / "failed"
        self.inbox.mkdir()
        self.stage = tmp / "stage"  # outside the inbox: where files are made before a rename
        self.stage.mkdir()
        self.dropped: list[tuple[str, str]] = []  # (path relative to the inbox, sha256)

    def put(self, rel: str, data: bytes) -> Path:
        """Write a file straight into the inbox (as a copy tool does)."""
        path = self.inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.dropped.append((rel, sha(data)))
        return path

    def config(self, **options) -> WatchConfig:
        # Events even if the temporary folder is on a share; rescans (which would hide a missed
        # event) only at the start.
        options = {"settle": SETTLE, "workers": 1, "poll": False, "rescan": 600.0, **options}
        return WatchConfig.resolve(self.inbox, self.out, **options)

    def store(self) -> JobStore:
        return JobStore(self.out / ".casecheck-watch" / "jobs.sqlite3")

    def ledger(self) -> Ledger:
        return Ledger(self.out / ".casecheck-watch" / "jobs.sqlite3")

    # -- what became of them -----------------------------------------------------------------------
    def left_in_inbox(self) -> list[Path]:
        return list(scan(self.inbox, self.config().skipped_dirs()))

    def moved(self, folder: Path) -> list[tuple[str, str]]:
        """(name as dropped, sha256) of every original in `folder`: ' (1)' suffixes taken off."""
        found = []
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if path.is_file() and not path.name.endswith((".reason.txt", ".duplicate.txt")):
                rel = path.relative_to(folder).as_posix()
                found.append((re.sub(r" \(\d+\)(\.[^./]*)?$", r"\1", rel), sha(path)))
        return found

    def all_accounted(self) -> bool:
        return (not self.left_in_inbox()
                and len(self.moved(self.processed)) + len(self.moved(self.failed)) >= len(self.dropped))

    def assert_accounted(self) -> None:
        """Every file dropped is in processed/ or failed/, exactly once, bytes unchanged; each
        failed one has its one-line reason; each content checked has one report, whole."""
        assert self.left_in_inbox() == []
        processed, failed = self.moved(self.processed), self.moved(self.failed)
        assert Counter(processed) + Counter(failed) == Counter(self.dropped)
        assert not set(processed) & set(failed)
        for path in self.failed.rglob("*"):
            if path.is_file() and not path.name.endswith(".reason.txt"):
                reason = path.with_name(path.name + ".reason.txt").read_text("utf-8")
                assert reason.count("\n") == 1 and reason.strip(), path
        reports = [json.loads(p.read_bytes())["sha256"] for p in self.out.rglob("*.report.json")]
        assert Counter(reports) == Counter(set(reports)), "a content's outputs were written under two names"
        assert set(reports) == {s for _rel, s in processed}
        assert not list(self.out.rglob("*.part")), "a temporary output was left behind"

    def reports(self) -> dict[str, tuple[int, int]]:
        """Each report's (inode, mtime): a rewrite changes them."""
        return {p.relative_to(self.out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in self.out.rglob("*.report.json")}


def wait_for(condition: Callable[[], T], what: str, timeout: float = TIMEOUT) -> T:
    """Poll until `condition()` is true (and return it): no fixed sleeps, no timed assertions."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return found


@contextmanager
def watching(drop: Drop, **options) -> Iterator[Watcher]:
    """The real watcher in a thread; stopped (the files in hand finished) on leaving."""
    watcher = Watcher(drop.config(**options))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            watcher.run()
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    wait_for(lambda: (drop.out / STATUS_NAME).exists() or bool(errors), "the watcher to start")
    try:
        yield watcher
    finally:
        watcher.stop()
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "the watcher did not stop"
    if errors:
        raise errors[0]


# -- the scenarios of the issue -----------------------------------------------------------------
def test_a_file_written_slowly_in_pieces_is_read_once_complete(tmp_path: Path) -> None:
    drop = Drop(tmp_path)
    data = demo_copy(1)
    settle = 0.4  # a little longer here: a stalled test thread must not look like a finished copy
    with watching(drop, settle=settle) as watcher:
        target = drop.inbox / "慢慢写入.pdf"
        with target.open("wb") as fh:
            pieces = [data[i:i + len(data) // 8 + 1] for i in range(0, len(data), len(data) // 8 + 1)]
            for n, piece in enumerate(pieces):
                fh.write(piece)
                fh.flush()
                # Pauses shorter than the settle period, and one longer: the PDF's end marker has
                # not arrived, so the watcher keeps waiting.
                time.sleep(settle * 3 if n == len(pieces) // 2 else settle / 3)
        drop.dropped.append(("慢慢写入.pdf", sha(data)))
        wait_for(drop.all_accounted, "the file to be checked")
        assert watcher.mode == "events"
    drop.assert_accounted()
    report = json.loads((drop.out / "慢慢写入.report.json").read_bytes())
    assert report["sha256"] == sha(data) and report["pages"] == 23 and report["file"] == "慢慢写入.pdf"
    assert {p.name for p in drop.out.iterdir() if p.is_file()} >= {
        "慢慢写入.report.json", "慢慢写入.自查单.docx", "慢慢写入.annotated.pdf"}
    (job,) = drop.store().all()
    assert job.status == "done" and job.attempts == 1
    assert len(drop.ledger().recent("processed")) == 1


def test_hundreds_dropped_at_once(tmp_path: Path) -> None:
    drop = Drop(tmp_path)
    count = 200
    files = {f"{'批次一' if i % 3 == 0 else '批次二/子' if i % 3 == 1 else '.'}/案卷{i:03}.pdf".removeprefix("./"):
             tiny_pdf(i) for i in range(count)}
    # Half arrive as one folder renamed into the inbox, half as copies straight into it.
    for rel in files:
        base = drop.stage if rel.startswith("批次") else drop.inbox
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
    with watching(drop, workers=2, kinds=("report",)):
        for rel, data in files.items():
            if rel.startswith("批次"):
                (drop.stage / rel).write_bytes(data)
        for rel, data in files.items():
            if not rel.startswith("批次"):
                (drop.inbox / rel).write_bytes(data)
        for folder in ("批次一", "批次二"):
            os.rename(drop.stage / folder, drop.inbox / folder)
        drop.dropped += [(rel, sha(data)) for rel, data in files.items()]
        wait_for(drop.all_accounted, f"{count} files to be checked")
    drop.assert_accounted()
    assert len(drop.moved(drop.processed)) == count and not drop.failed.exists()
    assert (drop.out / "批次二" / "子" / "案卷001.report.json").is_file()  # OUT mirrors the inbox
    assert (drop.processed / "批次二" / "子" / "案卷001.pdf").is_file()
    assert drop.store().counts() == {"queued": 0, "running": 0, "done": count, "failed": 0}
    assert all(job.attempts == 1 for job in drop.store().all())


def test_the_same_content_twice_is_checked_once(tmp_path: Path) -> None:
    drop = Drop(tmp_path)
    first, other = tiny_pdf(1), tiny_pdf(2)
    with watching(drop):
        drop.put("原件.pdf", first)
        drop.put("乙.pdf", other)
        drop.put("乙的副本.pdf", other)  # at the same time as its twin: waits for the twin's check
        wait_for(drop.all_accounted, "the first files")
        outputs = drop.reports()
        drop.put("复印件.pdf", first)  # the same bytes under another name, later
        drop.put("原件.pdf", first)  # and the same file dropped again
        wait_for(drop.all_accounted, "the copies")
    drop.assert_accounted()
    assert drop.reports() == outputs, "outputs were written again"
    # Of the twins dropped together one is checked (whichever settled first), the other waits.
    (twin,) = {"乙", "乙的副本"} - {p.name.removesuffix(".pdf.duplicate.txt") for p in drop.processed.glob("乙*")}
    assert sorted(outputs) == sorted([f"{twin}.report.json", "原件.report.json"])
    assert drop.store().counts()["done"] == 2
    notes = {p.name for p in drop.processed.glob("*.duplicate.txt")}
    assert notes == {"原件 (1).pdf.duplicate.txt", "复印件.pdf.duplicate.txt",
                     f"{({'乙', '乙的副本'} - {twin}).pop()}.pdf.duplicate.txt"}
    note = (drop.processed / "复印件.pdf.duplicate.txt").read_text("utf-8")
    assert "same content as 原件.pdf" in note and "原件.report.json" in note
    assert drop.ledger().counts()["duplicates"] == 3


def test_a_corrupt_pdf_fails_and_a_fixed_copy_is_checked(tmp_path: Path) -> None:
    drop = Drop(tmp_path)
    damaged = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n"
    whole = demo_copy(2, "demo-503-000.pdf")
    with watching(drop):
        drop.put("损坏.pdf", damaged)
        drop.put("截断.pdf", whole[: len(whole) // 2])  # no end marker: waited for, then failed
        drop.put("空.pdf", b"")
        wait_for(drop.all_accounted, "the unreadable files")
        drop.put("损坏的副本.pdf", damaged)  # the same broken bytes again: failed without a new try
        wait_for(drop.all_accounted, "the copy of the damaged file")
        drop.put("损坏.pdf", whole)  # the fixed copy under the same name: new content, checked
        wait_for(drop.all_accounted, "the fixed copy")
    drop.assert_accounted()
    reasons = {p.name: p.read_text("utf-8") for p in drop.failed.glob("*.reason.txt")}
    assert reasons["损坏.pdf.reason.txt"].startswith("损坏.pdf: ")  # damaged, or no pages: PyMuPDF's call
    assert "truncated" in reasons["截断.pdf.reason.txt"]
    assert "empty" in reasons["空.pdf.reason.txt"]
    assert "same content as 损坏.pdf" in reasons["损坏的副本.pdf.reason.txt"]
    assert (drop.failed / "损坏.pdf").read_bytes() == damaged  # the original as it was dropped
    assert (drop.processed / "损坏.pdf").read_bytes() == whole
    assert json.loads((drop.out / "损坏.report.json").read_bytes())["sha256"] == sha(whole)
    failed = {job.name: job.failure for job in drop.store().all("failed")}
    assert failed == {"损坏.pdf": "input", "截断.pdf": "input", "空.pdf": "input"}


def test_a_non_pdf_is_failed_and_junk_is_left_alone(tmp_path: Path) -> None:
    drop = Drop(tmp_path)
    junk = [".DS_Store", "Thumbs.db", "~$说明.docx", "._扫描.pdf", "传输中.pdf.part", ".隐藏/案卷.pdf"]
    with watching(drop):
        for name in junk:
            (drop.inbox / name).parent.mkdir(exist_ok=True)
            (drop.inbox / name).write_bytes(tiny_pdf(0))
        drop.put("说明.docx", b"PK\x03\x04 not a case file")
        drop.put("扫描.jpg", b"\xff\xd8\xff\xe0 a photo")
        drop.put("伪装.pdf", b"this text file is named .pdf")
        drop.put("案卷.pdf", tiny_pdf(3))
        wait_for(drop.all_accounted, "the files")
    drop.assert_accounted()
    reasons = {p.name: p.read_text("utf-8").strip() for p in drop.failed.glob("*.reason.txt")}
    assert reasons["说明.docx.reason.txt"] == "说明.docx: 不是 PDF 文件，只检查 .pdf 案卷（not a PDF file; only .pdf case files are checked）"
    assert "not a PDF" in reasons["扫描.jpg.reason.txt"] and "not a PDF" in reasons["伪装.pdf.reason.txt"]
    assert all((drop.inbox / name).is_file() for name in junk), "junk was touched"
    assert {a.path for a in drop.ledger().recent("failed")} == {"说明.docx", "扫描.jpg", "伪装.pdf"}


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_a_file_renamed_into_the_folder(tmp_path: Path, poll: bool) -> None:
    drop = Drop(tmp_path)
    with watching(drop, poll=poll, poll_interval=0.2) as watcher:
        assert watcher.mode == ("polling" if poll else "events")
        first, second = tiny_pdf(4), tiny_pdf(5)
        outside = drop.stage / "外面写好.pdf"
        outside.write_bytes(first)
        (drop.inbox / "子目录").mkdir()
        os.rename(outside, drop.inbox / "子目录" / "外面写好.pdf")
        inside = drop.inbox / "里面写.pdf.part"  # a copy tool's temporary name: ignored until renamed
        inside.write_bytes(second)
        time.sleep(SETTLE * 3)
        assert inside.exists() and not drop.processed.joinpath("里面写.pdf.part").exists()
        os.rename(inside, drop.inbox / "里面写.pdf")
        drop.dropped += [("子目录/外面写好.pdf", sha(first)), ("里面写.pdf", sha(second))]
        wait_for(drop.all_accounted, "the renamed files")
    drop.assert_accounted()
    assert {a.path for a in drop.ledger().recent("processed")} == {"子目录/外面写好.pdf", "里面写.pdf"}


# -- restarts, kills and signals ---------------------------------------------------------------
def casecheck(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("casecheck")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "service.cli", *args]


@contextmanager
def watcher_process(drop: Drop, *args: str, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            casecheck("watch", str(drop.inbox), "-o", str(drop.out), "--settle", str(SETTLE), *args),
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def running_jobs(drop: Drop) -> list[str]:
    db = drop.out / ".casecheck-watch" / "jobs.sqlite3"
    return [job.id for job in drop.store().all("running")] if db.exists() else []


def test_a_kill_in_the_middle_and_a_restart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop = Drop(tmp_path)
    log = tmp_path / "watch.log"
    for i in range(8):
        drop.put(f"案卷{i}.pdf", demo_copy(10 + i))
    with watcher_process(drop, "--workers", "2", log=log) as proc:
        wait_for(lambda: (drop.out / STATUS_NAME).exists(), "the watcher to start")
        # A second watcher on the same database is refused while this one runs.
        assert main(["watch", str(drop.inbox), "-o", str(drop.out), "--once"]) == 2
        assert "another watcher" in capsys.readouterr().err
        assert main(["watch", str(drop.inbox), "-o", str(drop.out), "--status"]) == 0
        assert f"watcher: running (pid {proc.pid})" in capsys.readouterr().out
        # The watcher logs a file after moving it: wait for the line too, or a kill between the two
        # leaves a checked file without its line (the restart does not check it again).
        wait_for(lambda: drop.moved(drop.processed) and " pages, " in log.read_text("utf-8")
                 and running_jobs(drop), "one file checked and logged and another in hand")
        workers = children(proc.pid)
        proc.kill()
        proc.wait(30)
    interrupted = {job.id: job.name for job in drop.store().all("running")}
    assert interrupted, "the kill did not land in the middle of a check"
    done_before = {k: v for k, v in drop.reports().items()
                   if k.replace(".report.json", ".pdf") not in interrupted.values()}
    # The worker processes die with the watcher (no orphan goes on writing outputs).
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), "the workers to die", 30)
    for i in range(8, 10):  # dropped while the watcher was down
        drop.put(f"案卷{i}.pdf", tiny_pdf(i))
    with watcher_process(drop, "--workers", "1", "--once", log=log) as proc:
        assert proc.wait(TIMEOUT) == 0
    drop.assert_accounted()
    store = drop.store()
    for job_id in interrupted:
        job = store.get(job_id)
        assert job.status == "done" and job.attempts == 2  # checked again, not lost
    after = drop.reports()
    assert {k: after[k] for k in done_before} == done_before, "outputs of a finished file were written again"
    assert store.counts() == {"queued": 0, "running": 0, "done": 10, "failed": 0}
    text = log.read_text("utf-8")
    assert all(f"案卷{i}.pdf: {23 if i < 8 else 1} pages" in text for i in range(10))  # a log line per file


def test_a_signal_finishes_the_file_in_hand_and_a_second_abandons_it(tmp_path: Path) -> None:
    drop = Drop(tmp_path)
    log = tmp_path / "watch.log"
    for i in range(4):
        drop.put(f"案卷{i}.pdf", demo_copy(20 + i, "demo-503-000.pdf"))
    # One SIGTERM: the file in hand is finished and moved, the others wait in the inbox.
    with watcher_process(drop, "--workers", "1", log=log) as proc:
        (in_hand,) = wait_for(lambda: running_jobs(drop), "a file in hand")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(TIMEOUT) == 0
    store = drop.store()
    assert store.get(in_hand).status == "done" and not running_jobs(drop)
    assert (drop.processed / store.get(in_hand).name).is_file()
    # Two: the file in hand is abandoned, left queued for the next start, nothing half-recorded.
    with watcher_process(drop, "--workers", "1", log=log) as proc:
        (abandoned,) = wait_for(lambda: running_jobs(drop), "a file in hand")
        proc.send_signal(signal.SIGINT)
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(TIMEOUT) == 0
    assert not running_jobs(drop)
    assert store.get(abandoned).status in ("queued", "done")  # done: it ended before the second signal
    assert "abandoning the files in hand" in log.read_text("utf-8")
    with watcher_process(drop, "--once", "--workers", "1", log=log) as proc:
        assert proc.wait(TIMEOUT) == 0
    drop.assert_accounted()
    assert store.counts() == {"queued": 0, "running": 0, "done": 4, "failed": 0}


def test_a_file_checked_but_not_moved_is_moved_at_restart(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed between "done" in the database and the move: the next start moves it, unchecked."""
    import service.watch.moves as moves_module

    class Killed(BaseException):
        pass

    def killed(src: Path, dest: Path) -> None:
        raise Killed

    drop = Drop(tmp_path)
    drop.put("案卷.pdf", tiny_pdf(7))
    monkeypatch.setattr(moves_module, "move_original", killed)
    with pytest.raises(Killed), watching(drop):
        wait_for(lambda: drop.store().counts()["done"] == 1, "the check")
    assert (drop.inbox / "案卷.pdf").exists() and not drop.processed.exists()
    outputs = drop.reports()
    monkeypatch.undo()
    Watcher(drop.config(once=True)).run()
    drop.assert_accounted()
    assert drop.reports() == outputs
    (job,) = drop.store().all()
    assert job.status == "done" and job.attempts == 1


def test_status_from_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop = Drop(tmp_path)
    drop.put("好.pdf", tiny_pdf(8))
    drop.put("坏.pdf", b"%PDF-1.4 broken\n%%EOF\n")
    assert main(["watch", str(drop.inbox), "-o", str(drop.out), "--once", "--settle", "0.1", "--workers", "1", "-q"]) == 0
    drop.assert_accounted()
    (drop.inbox / "新来的.pdf").write_bytes(tiny_pdf(9))
    assert main(["watch", str(drop.inbox), "-o", str(drop.out), "--status"]) == 0
    text = capsys.readouterr().out
    assert "watcher: not running" in text
    assert "1 processed (0 duplicates), 1 failed, 0 waiting" in text
    assert "坏.pdf: PDF 文件已损坏" in text and "1 not seen yet" in text
    assert main(["watch", "--db", str(drop.out / ".casecheck-watch" / "jobs.sqlite3"), "--status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"]["processed"] == 1 and data["jobs"]["failed"] == 1 and data["running"] is None
    status = json.loads((drop.out / STATUS_NAME).read_text("utf-8"))
    assert status["files"]["failed"] == 1 and status["watcher"]["stopped"]


def test_bad_usage_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    assert main(["watch", str(inbox)]) == 2
    assert "not a folder" in capsys.readouterr().err
    inbox.mkdir()
    assert main(["watch", str(inbox), "-o", str(inbox)]) == 2
    assert "must not be the inbox" in capsys.readouterr().err
    assert main(["watch", str(inbox), "--status"]) == 2
    assert "no watcher database" in capsys.readouterr().err
    assert main(["watch", str(inbox), "--outputs", "report,pdf"]) == 2
    assert "choose from" in capsys.readouterr().err


def test_polling_takes_over_where_events_are_not_available(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import watchdog.observers

    class NoEvents(watchdog.observers.Observer):  # e.g. the inotify watch limit is reached
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", NoEvents)
    drop = Drop(tmp_path)
    with watching(drop, poll_interval=0.2) as watcher:
        assert watcher.mode == "polling"
        drop.put("案卷.pdf", tiny_pdf(6))
        wait_for(drop.all_accounted, "the file")
    drop.assert_accounted()


def test_network_shares_are_polled() -> None:
    mountinfo = ("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
                 "40 22 0:50 / /mnt/档案\\040共享 rw - cifs //server/scans rw\n"
                 "41 22 0:51 / /srv/nfs rw - nfs4 server:/export rw\n")
    assert filesystem_type(Path("/mnt/档案 共享/收件箱"), mountinfo) == "cifs"
    assert filesystem_type(Path("/srv/nfs"), mountinfo) == "nfs4"
    assert filesystem_type(Path("/srv/nfsx"), mountinfo) == "ext4"


# -- the small parts ---------------------------------------------------------------------------
def test_junk_names() -> None:
    for name in (".DS_Store", "Thumbs.db", "desktop.ini", "._a.pdf", "~$a.docx", "a.pdf.part",
                 "a.pdf.crdownload", ".a.pdf.Xy12Ab", "a.tmp"):
        assert is_junk(name), name
    for name in ("a.pdf", "案卷.PDF", "说明.docx", "a.part.pdf"):
        assert not is_junk(name), name


def test_a_destination_is_never_overwritten(tmp_path: Path) -> None:
    assert free_destination(tmp_path, "子/a.pdf") == tmp_path / "子" / "a.pdf"
    (tmp_path / "子").mkdir()
    (tmp_path / "子" / "a.pdf").write_bytes(b"x")
    (tmp_path / "子" / "a (1).pdf.reason.txt").write_text("y")  # a note alone also takes the name
    assert free_destination(tmp_path, "子/a.pdf") == tmp_path / "子" / "a (2).pdf"
    shutil.rmtree(tmp_path / "子")
