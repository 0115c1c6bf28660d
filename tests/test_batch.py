"""`casecheck batch`: a real Dask LocalCluster, a killed run resumed, bad files isolated, the 统计表 read back.

The archives are born-digital generated case files (a text layer: about half a second each), so
the whole module stays within CI's budget; one LocalCluster serves the module.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from models.report import Report
from samples.generate import Options
from service.batch import DB_NAME, STATE_DIR, ArchiveCase, BatchOptions, find_pdfs, run_batch
from service.batch_pool import Driver, local_pool
from service.cli import main
from service.jobs import JobStore
from service.outputs import STATISTICS_NAME, output_paths
from service.outputs.summary import CaseEntry, FindingDigest, SummaryMeta, write_summary
from tests.conftest import generated_corpus

ROOT = Path(__file__).resolve().parent.parent
# Where each generated file goes in the archive: subfolders, a file at the top.
LAYOUT = {0: "2024", 1: "2024", 2: "2025/乡镇", 3: ".", 4: "2025", 5: "2025"}
DUPLICATE = "2025/乡镇/副本.pdf"  # the same bytes as 2024/case-7-000.pdf
BROKEN = "2025/broken.pdf"  # a truncated copy: unusable input


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The same six files as conftest's born_digital_corpus: generated once, kept between sessions.
    return generated_corpus(tmp_path_factory, "digital", len(LAYOUT), seed=7, options=Options(born_digital_ratio=1.0))


def make_archive(root: Path, generated: Path) -> Path:
    """Six case files in subfolders, one duplicate, one broken file, and a truth file (not a PDF)."""
    archive = root / "archive"
    for i, folder in LAYOUT.items():
        name = f"case-7-{i:03d}"
        (archive / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(generated / f"{name}.pdf", archive / folder / f"{name}.pdf")
        shutil.copy(generated / f"{name}.truth.json", archive / folder / f"{name}.truth.json")
    shutil.copy(generated / "case-7-000.pdf", archive / DUPLICATE)
    data = (generated / "case-7-001.pdf").read_bytes()
    (archive / BROKEN).write_bytes(data[: len(data) // 3])
    return archive


def primaries(archive: Path) -> list[str]:
    return sorted(p.relative_to(archive).as_posix() for p in archive.rglob("case-7-*.pdf"))


def reports(archive: Path, out: Path) -> dict[str, Path]:
    return {rel: output_paths(Path(rel).name, out / Path(rel).parent)["report"] for rel in primaries(archive)}


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local:
        yield local


def test_batch_on_local_dask_cluster(cluster, generated: Path, tmp_path: Path) -> None:
    archive = make_archive(tmp_path, generated)
    out = tmp_path / "out"
    result = run_batch(archive, out, BatchOptions(scheduler=cluster.scheduler_address))
    assert (result.files, result.checked, result.failed, result.duplicates) == (8, 6, 1, 1)
    assert result.failed_total == 1 and result.pages > 100

    # Outputs mirror the archive; the duplicate has none of its own; originals untouched.
    for rel, report_path in reports(archive, out).items():
        report = Report.model_validate_json(report_path.read_bytes())
        truth = json.loads((archive / rel).with_suffix(".truth.json").read_text("utf-8"))
        assert report.case.decision_number == truth["case"]["decision_number"], rel
        for path in output_paths(Path(rel).name, report_path.parent).values():
            assert path.is_file() and path.stat().st_size > 0
    assert not (out / "2025/乡镇/副本.report.json").exists()
    assert not list(out.rglob("*.part")) and not list(archive.rglob("*.report.json"))

    store = JobStore(out / STATE_DIR / DB_NAME)
    assert store.counts() == {"queued": 0, "running": 0, "done": 6, "failed": 1}
    failed = store.all("failed")[0]
    assert failed.failure == "input" and failed.error.startswith("broken.pdf: ")

    # The 统计表 read back: one row per distinct case, the broken file 未自查 with its reason.
    ws = load_workbook(out / STATISTICS_NAME).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert [r[0] for r in rows] == list(range(1, 8))
    by_file = {re.search(r"文件：([^；]+)", r[8]).group(1): r for r in rows}
    assert set(by_file) == {*primaries(archive), BROKEN}
    for rel, report_path in reports(archive, out).items():
        report = Report.model_validate_json(report_path.read_bytes())
        truth = json.loads((archive / rel).with_suffix(".truth.json").read_text("utf-8"))
        row = by_file[rel]
        assert (row[2], row[3], row[6]) == (truth["case"]["decision_number"], truth["case"]["party"], "是")
        assert row[7] == "待复核"  # no person has reviewed it: 是否合格 is not the machine's to say
    assert by_file[BROKEN][6] == "否" and by_file[BROKEN][7] in (None, "")
    assert "未自查" in by_file[BROKEN][8] and "truncated" in by_file[BROKEN][8]
    assert DUPLICATE in by_file["2024/case-7-000.pdf"][8]

    check_summary(out, archive)


def check_summary(out: Path, archive: Path) -> None:
    """Every link and picture of the summary resolves; the worst cases come first."""
    page = (out / "summary.html").read_text("utf-8")
    assert "http://" not in page and "https://" not in page  # nothing fetched from elsewhere
    targets = [unquote(html.unescape(t)) for t in re.findall(r'(?:href|src)="([^"]+)"', page)]
    assert len(targets) >= 6 * 3 + 4
    for target in targets:
        assert (out / target).is_file(), target
    for image in re.findall(r'src="([^"]+)"', page):
        assert (out / unquote(image)).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    counts = {}
    for rel, report_path in reports(archive, out).items():
        report = Report.model_validate_json(report_path.read_bytes())
        legality = sum(1 for f in report.findings if f.kind == "合法性")
        counts[rel] = (-legality, -(len(report.findings) - legality), -len(report.review), rel)
    cases = page[page.index("案卷（问题多者在前）"):]
    order = sorted(counts, key=lambda rel: cases.index(f">{html.escape(rel)}<"))
    assert order == sorted(counts, key=counts.__getitem__)
    assert "broken.pdf" in page[page.index("未能检查的文件"):] and html.escape(DUPLICATE) in page


def test_killed_run_resumes_without_repeating_work(generated: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_archive(tmp_path, generated)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "service.cli", "batch", str(archive), "-o", str(out), "--workers", "1"]
    proc = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_done(out / STATE_DIR / DB_NAME, proc, at_least=2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its worker, mid-file: a crash
        proc.wait(timeout=30)
    done = done_jobs(out / STATE_DIR / DB_NAME)  # what it recorded before it died
    assert 2 <= len(done) < 6, "the run ended before it could be interrupted"
    by_source = {Path(src).relative_to(archive).as_posix(): Path(report) for src, report in done}
    stamps = {rel: path.stat().st_mtime_ns for rel, path in by_source.items()}

    assert main(["batch", str(archive), "-o", str(out), "--workers", "1"]) == 0
    stdout = capsys.readouterr().out
    assert f"{len(done)} already done (skipped)" in stdout
    assert "8 files: 1 could not be checked" in stdout.splitlines()[-1]
    assert {rel: path.stat().st_mtime_ns for rel, path in by_source.items()} == stamps
    store = JobStore(out / STATE_DIR / DB_NAME)
    assert store.counts() == {"queued": 0, "running": 0, "done": 6, "failed": 1}
    assert all(job.attempts == 1 for job in store.all("done")
               if Path(job.source).relative_to(archive).as_posix() in by_source)
    assert all(path.is_file() for path in reports(archive, out).values())

    # Run again: nothing to do. --force: everything checked again (the broken file too).
    assert main(["batch", str(archive), "-o", str(out), "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "1 could not be checked" in captured.err
    assert {rel: path.stat().st_mtime_ns for rel, path in by_source.items()} == stamps
    assert main(["batch", str(archive), "-o", str(out), "--workers", "2", "--force"]) == 0
    assert "7 to check, 0 already done" in capsys.readouterr().out
    assert all(path.stat().st_mtime_ns != stamps[rel] for rel, path in by_source.items())


def done_jobs(db: Path) -> list[tuple[str, str]]:
    """(source, report) of the jobs a run's store has done."""
    if not db.exists():
        return []
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
            rows = conn.execute("SELECT source, outputs FROM jobs WHERE status='done'").fetchall()
    except sqlite3.OperationalError:  # the schema is being made
        return []
    return [(source, json.loads(outputs)["report"]) for source, outputs in rows]


def wait_for_done(db: Path, proc: subprocess.Popen, at_least: int) -> None:
    """Poll the run's job store until `at_least` files are done."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(done_jobs(db)) >= at_least:
            return
        time.sleep(0.02)
    pytest.fail(f"the run did not get {at_least} files done (exit {proc.poll()})")


# A worker function that kills its process on one file: what a PDF crashing the library does.
def crash_on_bad(name: str) -> str:
    if name == "bad":
        os._exit(3)
    return name


def test_a_file_that_kills_its_worker_is_isolated() -> None:
    names = ["a", "b", "bad", "c", "d"]
    cases = [ArchiveCase(sha256=n, path=Path(n), relative=n) for n in names]
    done: list[str] = []
    failed: dict[str, str] = {}
    Driver(local_pool(2), lambda c: (c.relative,), record=lambda c, outcome: done.append(outcome),
           fail=lambda c, why: failed.__setitem__(c.relative, why), function=crash_on_bad).run(cases)
    assert sorted(done) == ["a", "b", "c", "d"]
    assert list(failed) == ["bad"] and "worker process died" in failed["bad"]


def test_bad_usage_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (tmp_path / "file").write_text("x")
    for args in (["batch", str(tmp_path / "missing")], ["batch", str(archive), "-o", str(tmp_path / "file")],
                 ["batch", str(archive), "-o", str(archive)], ["batch", str(archive), "--rules", "nope.toml"]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("casecheck: ") and err.count("\n") == 1, err


def test_walk_leaves_out_outputs_and_hidden_files(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for name in ("2024/a.pdf", "2024/B.PDF", "2024/notes.txt", ".hidden/x.pdf", "2024/.~lock.pdf",
                 "casecheck-out/2024/a.annotated.pdf", "earlier/2024/a.annotated.pdf", "earlier/.casecheck/lock"):
        (archive / name).parent.mkdir(parents=True, exist_ok=True)
        (archive / name).write_bytes(b"%PDF-1.4\n")
    found = find_pdfs(archive, archive / "casecheck-out")
    assert [p.relative_to(archive).as_posix() for p in found] == ["2024/B.PDF", "2024/a.pdf"]


def test_empty_archive_still_gives_table_and_summary(tmp_path: Path) -> None:
    (tmp_path / "archive" / "空").mkdir(parents=True)
    result = run_batch(tmp_path / "archive", tmp_path / "out")
    assert (result.files, result.checked, result.failed_total) == (0, 0, 0)
    ws = load_workbook(tmp_path / "out" / STATISTICS_NAME).active
    assert not [r for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]
    assert "行政处罚案卷自查汇总" in (tmp_path / "out" / "summary.html").read_text("utf-8")


def test_summary_escapes_text_and_links(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'
    entries = [
        CaseEntry("2024/甲 & 乙.pdf", "done", pages=3, party=evil, agency=evil,
                  findings=[FindingDigest("a.b", "执法程序", "合法性", evil)],
                  outputs={"report": "2024/甲 & 乙.report.json"}),
        CaseEntry("坏#文件.pdf", "failed", error=evil),
    ]
    page = write_summary(tmp_path, entries, SummaryMeta(archive=evil)).read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="2024/%E7%94%B2%20%26%20%E4%B9%99.report.json"' in page
    assert (tmp_path / "summary" / "categories.png").is_file()
